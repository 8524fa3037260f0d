"""Spreadsheet import (not a test): a generated workbook of 2,000 participants and 40,000
contacts (plus their jobs and employers) imported into an empty team, timed step by step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/spreadsheet_import.py

Uses its own database (BENCH_DATABASE_NAME, default `ips_bench_import`) on the server of
DATABASE_URL: creates it if missing and migrates. Each run makes a new team (its name carries
the time), so runs never see each other's rows. Prints the time of each step — upload (reading
the sheets), preview (reading every row and planning it), the first page of the preview as the
leader sees it, the confirmed import, and the same file again — and the process's peak memory.
Targets: the import ≤ 60 s, memory ≤ 500 MB, the first preview page ≤ 5 s after upload.
Options: --participants N, --contacts-per-participant N.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = os.environ.get("BENCH_DATABASE_NAME", "ips_bench_import")
    parts = urlsplit(base)
    import psycopg

    server = urlunsplit(parts._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--contacts-per-participant", type=int, default=20)
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ["DATABASE_POOL"] = "false"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("STATIC_PLAIN_STORAGE", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from ips.accounts.models import Membership, Organisation, Team, User
    from ips.dates import oslo_today
    from participants.models import Contact, Participant
    from spreadsheets import services
    from tests.spreadsheets.sample import sample_workbook

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    host = Organisation.objects.create(name=f"Bench DPS {stamp}", kind=Organisation.Kind.DPS)
    team = Team.objects.create(name=f"Bench import {stamp}", host_organisation=host)
    specialists = []
    for n in range(max(1, args.participants // 20)):
        user = User.objects.create(username=f"imp-{stamp}-{n}", first_name="Spes", last_name=f"{n}")
        Membership.objects.create(user=user, team=team, role=Membership.Role.JOB_SPECIALIST)
        specialists.append(user.username)
    leader = User.objects.create(username=f"imp-{stamp}-leder")
    Membership.objects.create(user=leader, team=team, role=Membership.Role.LEADER)

    t = time.perf_counter()
    content = sample_workbook(
        specialists=specialists,
        participants=args.participants,
        contacts_per_participant=args.contacts_per_participant,
        today=oslo_today(),
    )
    print(
        f"workbook generated: {len(content) / 1024 / 1024:.1f} MB in {time.perf_counter() - t:.1f} s"
    )
    baseline = _peak_mb()

    started = time.perf_counter()
    run = services.import_run_create(
        team=team, by=leader, file_name="bench.xlsx", content=content, language="nb"
    )
    services.import_run_set_mapping(
        run=run, mappings={s["name"]: s["mapping"] for s in run.sheets if s["kind"]}
    )
    uploaded = time.perf_counter()
    client = Client()
    client.force_login(leader)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=leader, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # The preview runs as the Celery worker would (here in a thread); the leader's page polls
    # and shows the first page of rows as soon as the first kinds are planned.
    from django.db import connection

    from spreadsheets.models import ImportRow

    def work() -> None:
        services.import_run_preview(run)
        connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    while not ImportRow.objects.filter(run_id=run.pk).exists() and worker.is_alive():
        time.sleep(0.1)
    response = client.get(reverse("spreadsheets:run_preview", args=[run.pk]), secure=True)
    assert response.status_code == 200, response.status_code
    first_rows = response.content.decode().count('class="import-row-')
    first_page = time.perf_counter()
    worker.join()
    previewed = time.perf_counter()
    run.refresh_from_db()
    print(f"rows: {run.rows.count()}  preview: {run.counts}")
    services.import_run_confirm(run)
    confirmed = time.perf_counter()
    people = Participant.objects.filter(team=team).count()
    contacts = Contact.objects.filter(participant__team=team).count()

    again = services.import_run_create(
        team=team, by=leader, file_name="bench.xlsx", content=content, language="nb"
    )
    services.import_run_set_mapping(
        run=again, mappings={s["name"]: s["mapping"] for s in again.sheets if s["kind"]}
    )
    services.import_run_preview(again)
    second = time.perf_counter()

    upload_s, preview_s = uploaded - started, previewed - uploaded
    page_s, confirm_s = first_page - uploaded, confirmed - previewed
    total = confirmed - started
    print(f"imported: {people} participants, {contacts} contacts")
    print(f"upload (sheets and headers): {upload_s:.1f} s")
    print(f"preview (read + plan every row): {preview_s:.1f} s")
    print(
        f"first preview page ({first_rows} rows) shown {page_s:.1f} s after upload (target ≤ 5 s)"
    )
    print(f"confirm (plan again + write in one transaction): {confirm_s:.1f} s")
    print(f"total upload → imported: {total:.1f} s (target ≤ 60 s)")
    print(
        f"same file again, preview: {second - confirmed:.1f} s → {again.counts['new']} nye, {again.counts['update']} endret"
    )
    print(
        f"peak memory (process RSS): {_peak_mb():.0f} MB (before the import {baseline:.0f} MB; target ≤ 500 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
