"""Load test: gunicorn on 127.0.0.1 against the national bench database, locust headless.

    make bench                  # runs this after the page table, against ips_bench_national
    python bench/load.py [--users 50] [--minutes 2] [--db ips_bench_national]  # env set

The database must be seeded first (`make bench` does it). Bounded: gunicorn binds 127.0.0.1 on a
free port, locust targets only that address, `--minutes` caps the run and a hard timeout
stops everything this script started. Results: stdout and bench/results/load.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # locust's own dependency (the bench extra)

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
VAR = BASE_DIR / "var"
PY = sys.executable
BIN = Path(sys.executable).parent

if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.run import bench_env, bench_url, say  # noqa: E402

SPECIALISTS, LEADERS, PARTNERS = 40, 8, 4


def make_sessions(conn, env: dict) -> None:
    """(In a spawned process bound to the bench DB.) Signed-in, 2FA-verified sessions."""
    os.environ.update(env)
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.urls import reverse

    from ips.accounts.models import Membership
    from participants.models import Participant

    Role = Membership.Role
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def url(name, **kwargs):
        return reverse(name, kwargs=kwargs or None)

    def session_for(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = (
            settings.AUTHENTICATION_BACKENDS[0]
            if hasattr(settings, "AUTHENTICATION_BACKENDS")
            else "django.contrib.auth.backends.ModelBackend"
        )
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if "django_otp" in settings.INSTALLED_APPS:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(3600)
        session.create()
        return session.session_key

    active = Membership.objects.filter(ended_at__isnull=True).select_related("user")
    # Specialists with mid-sized caseloads (the middle of the distribution, not the extremes).
    loads = list(
        Participant.objects.exclude(status="closed")
        .filter(job_specialist__isnull=False)
        .values("job_specialist_id")
        .annotate(n=Count("id"))
        .order_by("n", "job_specialist_id")
    )
    middle = loads[len(loads) // 4 : len(loads) // 4 + SPECIALISTS] or loads[:SPECIALISTS]
    specialists = []
    for row in middle:
        membership = active.filter(user_id=row["job_specialist_id"]).first()
        if membership is None:
            continue
        ids = list(
            Participant.objects.filter(job_specialist_id=row["job_specialist_id"])
            .exclude(status="closed")
            .values_list("id", flat=True)[:15]
        )
        specialists.append(
            {
                "username": membership.user.username,
                "session_key": session_for(membership.user),
                "participant_urls": [url("participants:detail", pk=i) for i in ids],
                "contact_urls": [
                    url("participants:contact_log", pk=i) + "?fra=detail" for i in ids
                ],
            }
        )
    leaders = [
        {"username": m.user.username, "session_key": session_for(m.user)}
        for m in active.filter(role=Role.LEADER, user__is_superuser=False)[:LEADERS]
    ]
    # NAV partners first (the usual partner, one team each in the national data; pages.py picks
    # a NAV office too), in a fixed order so runs compare.
    partner_memberships = active.filter(role=Role.PARTNER).order_by("user__username")
    nav_partners = partner_memberships.filter(organisation__kind="nav")
    partners = [
        {"username": m.user.username, "session_key": session_for(m.user)}
        for m in (nav_partners[:PARTNERS] or partner_memberships[:PARTNERS])
    ]
    conn.send(
        {
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "sessions": {"specialist": specialists, "leader": leaders, "partner": partners},
            "urls": {
                "caseload": url("participants:caseload"),
                "my_day": url("dashboards:my_day"),
                "queue": url("referrals:queue"),
                "team": url("dashboards:team"),
                "partner": url("dashboards:partner"),
                "referrals": url("referrals:list"),
            },
        }
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - 127.0.0.1 only
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on {url} within {timeout:.0f} s")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def report(
    rows: list[dict],
    *,
    users: int,
    minutes: float,
    workers: int,
    threads: int,
    errors: list,
    load_before: float,
    server_cpu: float | None = None,
    machine_cpu: float | None = None,
    postgres_cpu: float | None = None,
) -> str:
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    cpu = (
        f" Server CPU (gunicorn master and workers, user + system): {server_cpu:.1f} s, "
        f"**{1000 * server_cpu / requests:.0f} ms per request** of the mix."
        if server_cpu is not None and requests
        else ""
    )
    if machine_cpu is not None and requests:
        cpu += (
            f" Whole machine (gunicorn, PostgreSQL, Redis, locust itself): {machine_cpu:.1f} s, "
            f"**{1000 * machine_cpu / requests:.0f} ms per request**"
            + (
                f", of which PostgreSQL {1000 * postgres_cpu / requests:.0f} ms."
                if postgres_cpu is not None
                else "."
            )
        )
    lines = [
        f"# Load test — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{users} users (7:2:1 specialists/leaders/partners), {minutes:g} min, gunicorn "
        f"{workers} workers × {threads} threads (gunicorn.conf.py) on 127.0.0.1, national bench "
        "data, hashed and compressed static files (WhiteNoise), "
        f"{os.cpu_count()} CPU cores; load average before the run {load_before:.1f}, "
        f"after {os.getloadavg()[0]:.1f}.",
        "",
        f"**Throughput {float(total['Requests/s']):.1f} req/s, p95 {total['95%']} ms, "
        f"{total['Failure Count']} errors of {total['Request Count']} requests** "
        "(targets: 0 errors, p95 < 500 ms)." + cpu,
        "",
        "| request | count | errors | p50 ms | p95 ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | "
            f"{r['95%']} | {float(r['Max Response Time']):.0f} | {float(r['Requests/s']):.1f} |"
        )
    if errors:
        lines += ["", "Errors:", ""] + [f"- {e}" for e in errors[:20]]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Locust load test against 127.0.0.1")
    parser.add_argument("--users", default="50", help="users, or several levels: 25,50,100")
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--db", default="ips_bench_national")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn worker processes (gunicorn.conf.py)"
    )
    args = parser.parse_args(argv)
    env = bench_env()
    url = bench_url(env["DATABASE_URL"], args.db)
    db_env = {**env, "DATABASE_URL": url}

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=make_sessions, args=(child, {**db_env, "DATABASE_POOL": "false"}))
    proc.start()
    data = parent.recv()
    proc.join()
    VAR.mkdir(exist_ok=True)
    sessions_file = VAR / "bench_sessions.json"
    sessions_file.write_text(json.dumps(data), encoding="utf-8")
    sessions_file.chmod(0o600)
    say(
        "sessions: "
        + ", ".join(f"{len(v)} {k}s" for k, v in data["sessions"].items())
        + "; pages: "
        + ", ".join(k for k, v in data["urls"].items() if v)
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # As in production (Dockerfile): the hashed, compressed static files WhiteNoise serves
    # with far-future cache headers, and gunicorn's settings from gunicorn.conf.py.
    serve_env = {**db_env, "DATABASE_POOL_MAX": "4", "STATIC_PLAIN_STORAGE": "false"}
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env={**serve_env, "DATABASE_POOL": "false"},
        check=True,
    )
    command = [
        str(BIN / "gunicorn"),
        "ips.wsgi:application",
        "--config",
        str(BASE_DIR / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    gunicorn = subprocess.Popen(command, cwd=BASE_DIR, env=serve_env, start_new_session=True)
    workers = args.workers or int(os.environ.get("GUNICORN_WORKERS", "3"))
    threads = int(os.environ.get("GUNICORN_THREADS", "2"))
    levels = [int(u) for u in str(args.users).split(",") if u]
    if any(u > 200 for u in levels) or args.minutes > 10:
        raise SystemExit("Bounded on purpose: at most 200 users and 10 minutes.")
    texts, failed = [], False
    try:
        wait_for(base + "/login/", 60)
        say(f"static: {static_headers(base)}")
        for users in levels:
            text, errors = run_locust(
                base,
                server_pid=gunicorn.pid,
                users=users,
                minutes=args.minutes,
                env=env,
                sessions_file=sessions_file,
                workers=workers,
                threads=threads,
            )
            print(text)
            texts.append(text)
            failed = failed or bool(errors)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
        sessions_file.unlink(missing_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.md").write_text("\n".join(texts), encoding="utf-8")
    return 1 if failed else 0


def static_headers(base: str) -> str:
    """What the server sends for one hashed static file, asked for with gzip and brotli."""
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    name = json.loads(manifest.read_text(encoding="utf-8"))["paths"].get("css/app.css")
    if not name:
        return "no manifest entry for css/app.css"
    path = "/static/" + name
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        base + path, headers={"Accept-Encoding": "br, gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        h = response.headers
        return (
            f"{path}: Cache-Control {h.get('Cache-Control')!r}, "
            f"Content-Encoding {h.get('Content-Encoding')!r}"
        )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, every process, not idle/iowait)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)


def _cpu_seconds(processes) -> float:
    """CPU seconds (user + system) used so far by these processes (one that has ended counts 0)."""
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += times.user + times.system
    return total


def postgres_cpu_seconds() -> float:
    """The PostgreSQL server's processes (the pool keeps the backends open, so a level's
    difference is what its queries cost the server)."""
    return _cpu_seconds(
        p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")
    )


def server_cpu_seconds(pid: int) -> float:
    """gunicorn's master and its workers."""
    master = psutil.Process(pid)
    return _cpu_seconds([master, *master.children(recursive=True)])


def run_locust(
    base: str,
    *,
    server_pid: int,
    users: int,
    minutes: float,
    env: dict,
    sessions_file: Path,
    workers: int,
    threads: int,
) -> tuple[str, list[str]]:
    prefix = VAR / f"locust-{users}"
    errors: list[str] = []
    load_before = os.getloadavg()[0]
    cpu_before = server_cpu_seconds(server_pid)
    machine_before, postgres_before = machine_busy_seconds(), postgres_cpu_seconds()
    say(f"locust: {users} users for {minutes:g} min against {base}")
    run_time = f"{int(minutes * 60)}s"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(BASE_DIR / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            run_time,
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env={**env, "BENCH_SESSIONS": str(sessions_file)},
        timeout=minutes * 60 + 120,
        check=False,
    )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in csv.DictReader(failures.open(encoding="utf-8")):
            errors.append(f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}")
    server_cpu = server_cpu_seconds(server_pid) - cpu_before
    text = report(
        read_stats(prefix),
        server_cpu=server_cpu,
        machine_cpu=machine_busy_seconds() - machine_before,
        postgres_cpu=postgres_cpu_seconds() - postgres_before,
        users=users,
        minutes=minutes,
        workers=workers,
        threads=threads,
        errors=errors,
        load_before=load_before,
    )
    return text, errors


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
