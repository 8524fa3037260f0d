"""Deadline scan at national scale (not a test): wall time and query count of the full scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/deadline_scan.py

Uses its own database (BENCH_DATABASE_NAME, default `ips_bench`) on the server of DATABASE_URL, so
it never touches development data: creates it if missing, migrates, loads the national data set
(`seed_demo --scale national`, skipped when present; BENCH_TEAMS teams, default 200), then runs
the full scan twice: the first opens the alerts, the second is the steady state every
15-minute run sees (nothing changes). Standalone: depends on nothing else in bench/.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = os.environ.get("BENCH_DATABASE_NAME", "ips_bench")
    parts = urlsplit(base)
    server_url = urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(
        server_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def main() -> int:
    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ["DATABASE_POOL"] = "false"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")  # settings need it; unused
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deadlines.engine import scan
    from deadlines.models import Alert
    from employers.models import EmployerContact
    from ips.demo import national
    from participants.models import Contact, Job, Participant

    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    report = national.seed(
        teams=int(os.environ.get("BENCH_TEAMS", national.DEFAULT_TEAMS)), stdout=sys.stdout
    )
    print(report, f"({time.monotonic() - t0:.0f} s)")
    total = Participant.objects.count()
    active = Participant.objects.active().count()
    contacts = Contact.objects.count()
    employer_contacts = EmployerContact.objects.count()
    jobs = Job.objects.count()
    print(
        f"data: {total:,} participants ({active:,} active), {contacts:,} contacts, "
        f"{employer_contacts:,} employer contacts, {jobs:,} jobs"
    )
    from deadlines.rules import RULES

    labels = ("scan 1", "scan 2 (steady state)", "scan 3 (steady state)")
    for label in labels:
        timings = []
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            results = []
            for rule in RULES:
                t0 = time.perf_counter()
                results += scan(rules=[rule.code])
                timings.append(time.perf_counter() - t0)
            elapsed = time.perf_counter() - started
        print(f"\n{label}: {elapsed:.2f} s wall, {len(queries.captured_queries)} queries")
        for r, seconds in zip(results, timings, strict=True):
            print(
                f"  {r.rule:<24} {seconds:6.2f} s  opened {r.opened:>7,}  kept {r.kept:>7,}"
                f"  resolved {r.resolved:>6,}"
            )
    print(f"\nunresolved alerts: {Alert.objects.exclude(state='resolved').count():,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
