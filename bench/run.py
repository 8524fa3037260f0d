"""`make bench`: page times at small and national scale in one run, written as a table.

    python -m ips.embedded bench [--n 40] [--teams 200] [--reseed] [--no-national] [--no-load]

Two databases next to DATABASE_URL's (never the dev database itself): `ips_bench_small`
(seed_demo plus two teams of national shape, `--scale national --teams 2`) and `ips_bench_national`
(`seed_demo --scale national`, seeded once; reruns reuse it). One worker process per database
measures each page in-process with Django's test Client, logged in as a typical user with a
verified second factor; the two workers take turns in rounds so background load hits both
scales alike. Then the locust load test (bench/load.py) against the national data.
Results: stdout and bench/results/latest.md; query plans: bench/results/explain.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
SEED_MARKER = RESULTS / "national_seed.json"
PY = sys.executable
RATIO_TARGET = 1.5
# The pages --profile looks at by default: the dashboards and the busiest pages of the load mix.
PROFILE_PAGES = ("team", "partner", "participant", "caseload", "review")
PROFILE_REQUESTS = 20
# The load test at three levels, so the saturation point is visible.
LOAD_USERS = "25,50,100"
LOAD_MINUTES = "2"
SCRIPTS = (
    ("Deadline scan (bench/deadline_scan.py)", "deadline_scan.py"),
    ("Fidelity PDF (bench/fidelity_pdf.py)", "fidelity_pdf.py"),
    ("Fidelity across teams (bench/fidelity_across_teams.py)", "fidelity_across_teams.py"),
)

if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.pages import PAGES, TARGET_MS, summarise, worker_main  # noqa: E402


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Databases -----------------------------------------------------------------------------------


def bench_url(database_url: str, name: str) -> str:
    parts = urlparse(database_url)
    return urlunparse(parts._replace(path="/" + name))


def dev_db_name(database_url: str) -> str:
    return urlparse(database_url).path.lstrip("/")


def ensure_database(database_url: str, name: str) -> bool:
    """Create database `name` on DATABASE_URL's server if missing; True when it was created."""
    import psycopg

    if name == dev_db_name(database_url):
        raise SystemExit(f"Refusing to benchmark in the dev database {name!r}.")
    with psycopg.connect(_libpq(database_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(database_url: str, name: str) -> None:
    import psycopg

    if name == dev_db_name(database_url):
        raise SystemExit(f"Refusing to drop the dev database {name!r}.")
    with psycopg.connect(_libpq(database_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(database_url: str) -> str:
    """psycopg connection string for a Django-style URL (the embedded server uses a socket dir)."""
    import dj_database_url

    cfg = dj_database_url.parse(database_url)
    parts = {
        "dbname": cfg["NAME"],
        "user": cfg.get("USER") or "",
        "password": cfg.get("PASSWORD") or "",
        "host": cfg.get("HOST") or "",
        "port": str(cfg.get("PORT") or ""),
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def scalar(database_url: str, sql: str):
    import psycopg

    with psycopg.connect(_libpq(database_url)) as conn:
        try:
            row = conn.execute(sql).fetchone()
            return row[0] if row is not None else None
        except psycopg.errors.UndefinedTable:
            return None


def manage(env: dict, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=BASE_DIR,
        env={**env, "DATABASE_POOL": "false"},
        check=False,
        text=True,
        capture_output=capture,
    )


def prepare_small(env: dict, url: str) -> None:
    db_env = {**env, "DATABASE_URL": url}
    if ensure_database(env["DATABASE_URL"], dev_db_name(url)):
        say(f"created database {dev_db_name(url)}")
    if manage(db_env, "migrate", "--no-input", "-v", "0").returncode:
        raise SystemExit("migrate failed on the small bench database")
    if manage(db_env, "seed_demo", capture=True).returncode:
        raise SystemExit("seed_demo failed on the small bench database")
    # Plus two teams of exactly the national shape (same caseloads, contacts per participant,
    # referrals per team): a list page then shows as many rows at both scales, and the ratio
    # measures what the size of the database costs, not how full the page is.
    has_shape = scalar(url, "SELECT count(*) FROM accounts_team WHERE name = 'IPS Nasjonal 0001'")
    if not has_shape:
        result = manage(db_env, "seed_demo", "--scale", "national", "--teams", "2", capture=True)
        if result.returncode:
            say("small: national-shaped teams not available; demo data only")


def prepare_national(env: dict, url: str, *, teams: int | None, reseed: bool) -> dict:
    """Seed the national database once. Returns {"available": bool, "seconds": ..., ...}."""
    name = dev_db_name(url)
    marker = json.loads(SEED_MARKER.read_text()) if SEED_MARKER.exists() else {}
    if reseed:
        drop_database(env["DATABASE_URL"], name)
        marker = {}
    db_env = {**env, "DATABASE_URL": url}
    ensure_database(env["DATABASE_URL"], name)
    if manage(db_env, "migrate", "--no-input", "-v", "0").returncode:
        raise SystemExit("migrate failed on the national bench database")
    team_count = scalar(url, "SELECT count(*) FROM accounts_team") or 0
    wanted = teams or 200
    if marker.get("teams") == wanted and team_count >= wanted:
        say(f"national data already present ({team_count} teams): not reseeding")
        return {**marker, "available": True, "reused": True}
    if team_count:
        say(f"{name} holds partial/other data ({team_count} teams): recreating it")
        drop_database(env["DATABASE_URL"], name)
        ensure_database(env["DATABASE_URL"], name)
        if manage(db_env, "migrate", "--no-input", "-v", "0").returncode:
            raise SystemExit("migrate failed on the national bench database")
    args = ["seed_demo", "--scale", "national"]
    if teams:
        args += ["--teams", str(teams)]
    say("seeding national data: " + " ".join(args))
    started = time.perf_counter()
    result = manage(db_env, *args, capture=True)
    seconds = time.perf_counter() - started
    output = (result.stdout or "") + (result.stderr or "")
    if result.returncode:
        say("national seed not available: " + output.strip().splitlines()[-1:][0:1].__str__())
        return {"available": False, "output": output.strip()[-2000:]}
    counts = national_counts(url)
    marker = {
        "teams": wanted,
        "seconds": round(seconds, 1),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": counts,
        "report": output.strip()[-2000:],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    SEED_MARKER.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    say(f"national seed took {seconds:.0f} s")
    return {**marker, "available": True, "reused": False}


COUNT_TABLES = {
    "teams": "accounts_team",
    "participants": "participants_participant",
    "contacts": "participants_contact",
    "employer contacts": "employers_employercontact",
    "jobs": "participants_job",
    "referrals": "referrals_referral",
    "alerts": "deadlines_alert",
    "fidelity reviews": "fidelity_review",
}


def national_counts(url: str) -> dict:
    counts = {k: scalar(url, f"SELECT count(*) FROM {t}") for k, t in COUNT_TABLES.items()}  # noqa: S608
    counts["active participants"] = scalar(
        url,
        "SELECT count(*) FROM participants_participant WHERE status NOT IN ('closed', 'inactive')",
    )
    counts["job specialists"] = scalar(
        url,
        "SELECT count(DISTINCT user_id) FROM accounts_membership "
        "WHERE role = 'job_specialist' AND ended_at IS NULL",
    )
    return counts


# --- Workers -----------------------------------------------------------------------------------


class WorkerHandle:
    def __init__(self, env: dict, url: str, label: str):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.label = label
        self.process = ctx.Process(
            target=worker_main, args=(child, {**env, "DATABASE_URL": url}), daemon=True
        )
        self.process.start()

    def call(self, cmd: str, **kwargs):
        self.conn.send({"cmd": cmd, **kwargs})
        reply = self.conn.recv()
        if not reply["ok"]:
            raise RuntimeError(f"{self.label} worker: {reply['error']}\n{reply.get('trace', '')}")
        return reply.get("result")

    def stop(self) -> None:
        try:
            self.call("stop")
        finally:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.terminate()


def measure_interleaved(workers: dict, key: str, n: int, rounds: int, *, admin: bool) -> dict:
    """n requests per scale, in `rounds` alternating batches after one warm-up request each."""
    timings: dict[str, list[float]] = {label: [] for label in workers}
    sql: dict[str, list[float]] = {label: [] for label in workers}
    cpu: dict[str, list[float]] = {label: [] for label in workers}
    statuses: dict[str, set[int]] = {label: set() for label in workers}
    for w in workers.values():
        w.call("measure", key=key, n=2, admin=admin)  # warm-up: templates, caches, pool
    per_round = max(1, math.ceil(n / rounds))
    for _ in range(rounds):
        for label, w in workers.items():
            result = w.call("measure", key=key, n=per_round, admin=admin)
            timings[label] += result["timings"]
            sql[label] += result["sql"]
            cpu[label] += result["cpu"]
            statuses[label].update(result["statuses"])
    return {
        label: {
            **summarise(timings[label], sql[label], cpu[label]),
            "statuses": sorted(statuses[label]),
        }
        for label in workers
    }


# --- Extra figures --------------------------------------------------------------------------------


def run_script(env: dict, url: str, script: str, *, teams: int | None) -> dict | None:
    """Run another helper's bench script against our bench database (same server, same data)."""
    path = BASE_DIR / "bench" / script
    if not path.exists():
        return None
    started = time.perf_counter()
    result = subprocess.run(
        [PY, str(path)],
        cwd=BASE_DIR,
        env={
            **env,
            "DATABASE_URL": url,
            "BENCH_DATABASE_NAME": dev_db_name(url),
            "BENCH_TEAMS": str(teams or 200),
        },
        text=True,
        capture_output=True,
        timeout=30 * 60,
        check=False,
    )
    return {
        "seconds": time.perf_counter() - started,
        "returncode": result.returncode,
        "stdout": result.stdout.strip(),
        "stderr": result.stderr.strip()[-1500:],
    }


def write_explain(workers: dict, queries: list[dict], top: int = 8) -> None:
    """EXPLAIN ANALYZE every distinct SELECT seen at national scale; keep the slowest by the
    server's own execution time (client-side timings are skewed by CPU contention)."""
    import re

    worker: Any = workers.get("national")
    plans, seen = [], set()
    for q in queries if worker else []:
        shape = re.sub(r"\d+", "N", q["sql"])
        if shape in seen:
            continue
        seen.add(shape)
        try:
            plan = worker.call("explain", sql=q["sql"])
        except RuntimeError as exc:
            plan = f"(EXPLAIN failed: {str(exc).splitlines()[0]})"
        found = re.search(r"Execution Time: ([\d.]+) ms", plan)
        plans.append((float(found.group(1)) if found else 0.0, q, plan))
    plans.sort(key=lambda p: -p[0])
    with open(RESULTS / "explain.txt", "w", encoding="utf-8") as out:
        out.write(
            f"# EXPLAIN (ANALYZE, BUFFERS) of the {top} slowest distinct SELECTs of the measured\n"
            f"# pages at national scale (of {len(plans)} explained), {date_now()}\n\n"
        )
        for ms, q, plan in plans[:top]:
            out.write(f"## page {q['page']}: {ms:.2f} ms in PostgreSQL\n{q['sql']}\n\n{plan}\n\n")


# --- Report --------------------------------------------------------------------------------------


def fmt(ms) -> str:
    return "–" if ms is None or (isinstance(ms, float) and math.isnan(ms)) else f"{ms:.0f}"


def build_report(*, date, seed, counts, rows, csv, scripts, n, machine) -> str:
    lines = [
        f"# Benchmark results — {date}",
        "",
        f"Machine: {machine}. {n} requests per page and scale, in-process (Django test Client,",
        "DEBUG off, connection pool on), small and national measured alternately in the same run.",
        "Times in ms. Targets: p95 national ≤ 100 ms (lists/detail) / ≤ 150 ms (dashboards, quarterly report, fidelity review);",
        f"ratio national/small p95 ≤ {RATIO_TARGET}; equal query counts at both scales.",
        "",
    ]
    if seed.get("available"):
        how = "reused from an earlier run" if seed.get("reused") else "seeded in this run"
        lines.append(
            f"National seed: **{seed.get('seconds', '?')} s** ({how}, {seed.get('date', '')})."
        )
    else:
        lines.append("National seed: **not available** (`seed_demo --scale national` failed).")
    if counts:
        lines.append("")
        lines.append("| national data | rows |")
        lines.append("|---|---:|")
        for key, value in counts.items():
            lines.append(f"| {key} | {value:,} |".replace(",", " ") if value is not None else "")
    lines += [
        "",
        "| page | as (small / national) | small p50 | small p95 | national p50 | national p95 | target p95 | "
        "ratio p95 | queries small / national | admin p95 small / national | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.get("unavailable"):
            lines.append(
                f"| {row['label']} | {row['user'] or '–'} | " + "| " * 8 + row["why"] + " |"
            )
            continue
        s, nat = row["small"], row.get("national")
        q_small, q_nat = row["queries"].get("small"), row["queries"].get("national")
        admin = row.get("admin", {})
        lines.append(
            "| {label} | {user} | {sp50} | {sp95} | {np50} | {np95} | {target} | {ratio} | "
            "{qs} / {qn} | {as_} / {an} | {verdict} |".format(
                label=row["label"],
                user=row["user"],
                sp50=fmt(s["p50"]),
                sp95=fmt(s["p95"]),
                np50=fmt(nat["p50"]) if nat else "–",
                np95=fmt(nat["p95"]) if nat else "–",
                target=row["target"],
                ratio=f"{row['ratio']:.2f}" if row.get("ratio") else "–",
                qs=q_small if q_small is not None else "–",
                qn=q_nat if q_nat is not None else "–",
                as_=fmt(admin["small"]["p95"]) if admin.get("small") else "–",
                an=fmt(admin["national"]["p95"]) if admin.get("national") else "–",
                verdict=row["verdict"],
            )
        )
    lines += [
        "",
        "### Where the time goes (medians per request)",
        "",
        "SQL = the sum of the request's query durations as Django sees them (execute_wrapper);",
        "rest = p50 − SQL (Python, templates, the test Client); CPU = this process's CPU time per",
        "request (time.process_time, PostgreSQL's own CPU not included); page ÷ SQL = p50 / SQL.",
        "",
        "| page | scale | p50 | p95 | SQL ms | rest ms | CPU ms | page ÷ SQL |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.get("unavailable"):
            continue
        for scale in ("small", "national"):
            m = row.get(scale)
            if not m or m.get("sql_p50") is None:
                continue
            sql = m["sql_p50"]
            lines.append(
                f"| {row['label']} | {scale} | {fmt(m['p50'])} | {fmt(m['p95'])} | {fmt(sql)} | "
                f"{fmt(m['p50'] - sql)} | {fmt(m['cpu_p50'])} | "
                + (f"{m['p50'] / sql:.1f} |" if sql else "– |")
            )
    lines += ["", "## Other figures (national scale)", ""]
    if csv and csv.get("url"):
        parts = [
            f"{f['table'] or csv['name']} {f['ms']:.0f} ms"
            + ("" if f["status"] == 200 else f" (HTTP {f['status']})")
            for f in csv["figures"]
        ]
        lines.append(f"- CSV export, team dashboard as leader ({csv['url']}): " + ", ".join(parts))
    else:
        lines.append("- CSV export: not available (no dashboards CSV URL yet).")
    for title, result in scripts.items():
        if result is None:
            lines.append(f"- {title}: not available (script not present yet).")
            continue
        status = "ok" if result["returncode"] == 0 else f"exit {result['returncode']}"
        lines.append(f"- {title}: {result['seconds']:.1f} s wall clock ({status})")
        for out in (result["stdout"] or result["stderr"]).splitlines()[-15:]:
            lines.append(f"    {out}")
    lines.append("")
    return "\n".join(lines)


def verdict(row) -> str:
    problems = []
    nat = row.get("national")
    if any(code != 200 for code in row["small"]["statuses"]) or (
        nat and any(code != 200 for code in nat["statuses"])
    ):
        problems.append("HTTP " + ",".join(map(str, row["small"]["statuses"])))
    if nat:
        if nat["p95"] > row["target"]:
            problems.append("p95 over target")
        if row["ratio"] and row["ratio"] > RATIO_TARGET:
            problems.append("ratio")
        if row["queries"].get("small") != row["queries"].get("national"):
            problems.append("query counts differ")
    return "ok" if not problems else "**" + ", ".join(problems) + "**"


# --- Main ---------------------------------------------------------------------------------------


def bench_env() -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL") or not env.get("REDIS_URL"):
        raise SystemExit("DATABASE_URL and REDIS_URL must be set (make bench sets them).")
    env.setdefault("SECRET_KEY", "bench-only-not-secret")
    env.setdefault("DEBUG", "false")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SECURE_COOKIES", "false")
    env.setdefault("STATIC_PLAIN_STORAGE", "true")
    env["ALLOWED_HOSTS"] = ",".join(
        sorted({*env.get("ALLOWED_HOSTS", "").split(","), "testserver", "127.0.0.1"} - {""})
    )
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    return env


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="requests per page and scale")
    parser.add_argument("--rounds", type=int, default=20, help="alternations per page")
    parser.add_argument("--teams", type=int, default=None, help="national teams (default 200)")
    parser.add_argument("--reseed", action="store_true", help="drop and reseed national data")
    parser.add_argument("--no-national", action="store_true", help="small scale only")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default all)")
    parser.add_argument(
        "--no-load", action="store_true", help="skip the locust load test (bench/load.py)"
    )
    parser.add_argument(
        "--no-scripts",
        action="store_true",
        help="skip the deadline scan, fidelity PDF and across-teams scripts (quick runs)",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const=",".join(PROFILE_PAGES),
        default="",
        help="cProfile these pages (default: the top pages) into bench/results/profile-*.txt",
    )
    args = parser.parse_args(argv)

    env = bench_env()
    small_url = bench_url(env["DATABASE_URL"], "ips_bench_small")
    national_url = bench_url(env["DATABASE_URL"], "ips_bench_national")
    RESULTS.mkdir(parents=True, exist_ok=True)

    say("preparing ips_bench_small")
    prepare_small(env, small_url)
    seed = {"available": False}
    if not args.no_national:
        say("preparing ips_bench_national")
        seed = prepare_national(env, national_url, teams=args.teams, reseed=args.reseed)
    counts = national_counts(national_url) if seed.get("available") else {}

    workers = {"small": WorkerHandle(env, small_url, "small")}
    if seed.get("available"):
        workers["national"] = WorkerHandle(env, national_url, "national")
    rows, slow_queries, csv, scripts = [], [], None, {}
    load_before = os.getloadavg()[0]
    try:
        for label, w in workers.items():
            extras = w.call("ensure_personas")
            if extras:
                say(f"{label} data: added " + ", ".join(extras))
        described = {label: w.call("describe") for label, w in workers.items()}
        wanted = {k for k in args.pages.split(",") if k}
        for spec in PAGES:
            if wanted and spec.key not in wanted:
                continue
            info = {label: d["pages"][spec.key] for label, d in described.items()}
            row: dict[str, Any] = {
                "key": spec.key,
                "label": spec.label,
                # small / national (one name when the same user exists at both scales)
                "user": " / ".join(dict.fromkeys(i["user"] or "–" for i in info.values())),
                "target": TARGET_MS[spec.kind],
                "queries": {},
            }
            missing = [label for label, i in info.items() if not i["url"]]
            if missing:
                row.update(unavailable=True, why=info[missing[0]]["why"])
                say(f"{spec.key}: {row['why']}")
                rows.append(row)
                continue
            say(f"{spec.key}: measuring {info['small']['url']} ...")
            try:
                measured = measure_interleaved(workers, spec.key, args.n, args.rounds, admin=False)
            except RuntimeError as exc:
                # A page under construction must not stop the run: report it and go on.
                first = str(exc).splitlines()[0].replace("\\n", " ").replace("|", "/")
                row.update(unavailable=True, why=f"error: {first[:160]}")
                say(f"{spec.key}: {first}")
                rows.append(row)
                continue
            row["small"] = measured["small"]
            row["national"] = measured.get("national")
            for label, w in workers.items():
                q = w.call("queries", key=spec.key)
                row["queries"][label] = q["count"]
                if label == "national":
                    slow_queries += [{**s, "page": spec.key} for s in q["slow"]]
            if row["national"]:
                row["ratio"] = row["national"]["p95"] / row["small"]["p95"]
            if all(i["admin_url"] for i in info.values()):
                row["admin"] = measure_interleaved(
                    workers, spec.key, max(10, args.n // 2), args.rounds, admin=True
                )
            row["verdict"] = verdict(row)
            rows.append(row)
        target = workers.get("national") or workers["small"]
        for key in (k for k in args.profile.split(",") if k):
            scale = "national" if "national" in workers else "small"
            path = RESULTS / f"profile-{key}.txt"
            target.call("profile", key=key, n=PROFILE_REQUESTS, path=str(path))
            say(f"{key}: profile of {PROFILE_REQUESTS} requests ({scale}) in {path}")
        csv = target.call("csv_export")
        write_explain(workers, slow_queries)
    finally:
        for w in workers.values():
            w.stop()
    url_for_scripts = national_url if seed.get("available") else small_url
    for title, script in () if args.no_scripts else SCRIPTS:
        scripts[title] = run_script(env, url_for_scripts, script, teams=args.teams)
    report = build_report(
        date=date_now(),
        seed=seed,
        counts=counts,
        rows=rows,
        csv=csv,
        scripts=scripts,
        n=args.n,
        machine=f"{os.cpu_count()} CPU cores, load average {load_before:.1f} at start and "
        f"{os.getloadavg()[0]:.1f} at the end (other processes share the machine)",
    )
    print(report)
    (RESULTS / "latest.md").write_text(report, encoding="utf-8")
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"seed": seed, "counts": counts, "rows": rows, "csv": csv}, indent=2, default=str
        ),
        encoding="utf-8",
    )
    say(f"written to {RESULTS / 'latest.md'} and {RESULTS / 'explain.txt'}")
    failed = [r for r in rows if not r.get("unavailable") and r["verdict"] != "ok"]
    if seed.get("available") and not args.no_load:
        say(f"load test: bench/load.py ({LOAD_USERS} users, {LOAD_MINUTES} min each, 127.0.0.1)")
        load = subprocess.run(
            [
                PY,
                str(BASE_DIR / "bench" / "load.py"),
                "--users",
                LOAD_USERS,
                "--minutes",
                LOAD_MINUTES,
            ],
            cwd=BASE_DIR,
            env=env,
        )
        if load.returncode:
            failed.append({"load": load.returncode})
        load_md = RESULTS / "load.md"
        if load_md.exists():
            with open(RESULTS / "latest.md", "a", encoding="utf-8") as out:
                out.write("\n" + load_md.read_text(encoding="utf-8").replace("# Load", "## Load"))
    return 1 if failed else 0


def date_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
