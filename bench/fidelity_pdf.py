"""Fidelity review PDF (not a test): time to render a full 25-item review, and its query count,
for a team with few and with many participants (the count must be the same).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fidelity_pdf.py

Uses its own database (BENCH_DATABASE_NAME, default `ips_bench_fidelity`) on the server of
DATABASE_URL: creates it if missing, migrates, builds two teams with records (a small and a
large one) the first time, and prints the render time (target < 3 s) and queries per PDF.
Idempotent: the teams have fixed names and later runs reuse them, so repeated runs leave the
row counts unchanged. Standalone: depends on nothing else in bench/.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
TARGET_SECONDS = 3.0


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = os.environ.get("BENCH_DATABASE_NAME", "ips_bench_fidelity")
    parts = urlsplit(base)
    import psycopg

    server = urlunsplit(parts._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _team_review(name: str, participants: int):
    """The final review of the bench team `name`, built (in one transaction) if missing."""
    from django.db import transaction

    from fidelity.models import Review

    review = Review.objects.filter(team__name=name, kind="external").first()
    if review is not None:
        return review
    with transaction.atomic():
        return _build_team(name, participants)


def _build_team(name: str, participants: int):
    from employers.models import Employer, EmployerContact, EmployerContactParticipant
    from fidelity.models import ItemScore, Review, Scale
    from ips.accounts.models import Membership, Organisation, Team, User
    from participants.models import Contact, Job, Participant

    org, _ = Organisation.objects.get_or_create(name=f"{name} DPS", defaults={"kind": "dps"})
    team = Team.objects.create(name=name, host_organisation=org)
    specialist = User.objects.create(username=f"js-{team.pk}", first_name="Jo", last_name="Spes")
    auditor = User.objects.create(username=f"au-{team.pk}", first_name="Au", last_name="Ditor")
    Membership.objects.create(user=specialist, team=team, role=Membership.Role.JOB_SPECIALIST)
    Membership.objects.create(user=auditor, team=team, role=Membership.Role.AUDITOR)
    employer = Employer.objects.create(team=team, name="Bench AS", created_by=specialist)
    today = dt.date.today() - dt.timedelta(days=1)  # noqa: DTZ011 - bench data only
    people = Participant.objects.bulk_create(
        Participant(
            team=team,
            name=f"Deltaker {i}",
            national_id=f"{i:011d}",
            job_specialist=specialist,
            status="job_search",
            entry_date=today - dt.timedelta(days=10 + i % 150),
        )
        for i in range(participants)
    )
    Contact.objects.bulk_create(
        Contact(
            participant=p,
            logged_by=specialist,
            contact_date=today - dt.timedelta(days=k * 11),
            place="community" if k % 2 else "office",
            duration_minutes=45,
        )
        for p in people
        for k in range(4)
    )
    Job.objects.bulk_create(
        Job(
            participant=p,
            employer=employer,
            title=f"Stilling {i % 7}",
            start_date=today - dt.timedelta(days=5),
            hours_per_week=20,
            created_by=specialist,
        )
        for i, p in enumerate(people[::3])
    )
    contacts = EmployerContact.objects.bulk_create(
        EmployerContact(
            team=team,
            job_specialist=specialist,
            employer=employer,
            contact_date=today - dt.timedelta(days=i % 60),
            purpose="on_behalf",
        )
        for i in range(participants)
    )
    EmployerContactParticipant.objects.bulk_create(
        EmployerContactParticipant(employer_contact=c, participant=p)
        for c, p in zip(contacts, people, strict=True)
    )
    scale = Scale.objects.get(is_default=True)
    period_end = today
    review = Review.objects.create(
        team=team,
        scale=scale,
        period="2026-H2",
        period_start=period_end - dt.timedelta(days=180),
        period_end=period_end,
        kind="external",
        status="final",
        created_by=auditor,
    )
    review.reviewers.add(auditor)
    ItemScore.objects.bulk_create(
        ItemScore(
            review=review,
            item=item,
            score=1 + item.number % 5,
            rationale="Begrunnelse " * 20,
            data_sources="Intervju, journalgjennomgang, arbeidsgiverlogg",
            recommendation="Anbefaling " * 15,
        )
        for item in scale.items.all()
    )
    return review


def main() -> int:
    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ["DATABASE_POOL"] = "false"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fidelity.models import Review
    from fidelity.pdf import review_pdf
    from fidelity.selectors import review_for_page

    call_command("migrate", verbosity=0)
    worst = 0.0
    for label, size in (("small team", 20), ("large team", 1000)):
        review = _team_review(f"Bench {label}", size)
        pk = review.pk
        load = lambda pk=pk: review_for_page(Review.objects.all()).get(pk=pk)  # noqa: E731
        review_pdf(review=load())  # warm-up: fonts, templates
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                pdf = review_pdf(review=load())
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        worst = max(worst, median)
        print(
            f"{label:>10} ({size:>4} participants): {median:.2f} s per PDF (median of 3), "
            f"{len(ctx.captured_queries)} queries, {len(pdf) // 1024} KiB"
        )
    verdict = "OK" if worst < TARGET_SECONDS else "TOO SLOW"
    print(f"target < {TARGET_SECONDS:.0f} s: {verdict}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
