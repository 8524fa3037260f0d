"""Each dashboard runs the same number of queries with 10 and with 1,000 participants."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import figures
from deadlines.models import Alert
from ips.accounts.models import Team
from participants.models import ActionPlan, Contact, Goal, Job, Participant
from referrals.models import Referral
from tests.factories import (
    EmployerFactory,
    ParticipantFactory,
    TeamFactory,
    today,
    valid_national_id,
)

D = dt.date


def grow(world, count: int, offset: int) -> None:
    """`count` more participants of world.specialist, each with a job, contacts, a plan with a
    goal due, an open alert and a referral from the partner's NAV office — all via bulk_create."""
    employer = EmployerFactory.create(team=world.team)
    statuses = Participant.ACTIVE_STATUSES
    people = Participant.objects.bulk_create(
        Participant(
            team=world.team,
            job_specialist=world.specialist,
            name=f"Bulk {offset + i} Person",
            national_id=valid_national_id(20_000 + offset + i),
            status=statuses[i % len(statuses)],
            entry_date=D(2024, 1, 1) + dt.timedelta(days=i % 400),
            first_employer_contact_date=D(2025, 3, 1) + dt.timedelta(days=i % 300),
        )
        for i in range(count)
    )
    Job.objects.bulk_create(
        Job(
            participant=p,
            employer=employer,
            title="Lager",
            start_date=D(2025, 3, 1) + dt.timedelta(days=i % 300),
            hours_per_week=20,
            is_ordinary=i % 4 != 0,
            created_by=world.specialist,
        )
        for i, p in enumerate(people)
    )
    Contact.objects.bulk_create(
        Contact(
            participant=p,
            logged_by=world.specialist,
            contact_date=today() - dt.timedelta(days=i % 40),
            place=Contact.Place.COMMUNITY if i % 3 else Contact.Place.OFFICE,
            duration_minutes=30,
        )
        for i, p in enumerate(people)
    )
    plans = ActionPlan.objects.bulk_create(ActionPlan(participant=p) for p in people)
    Goal.objects.bulk_create(
        Goal(plan=plan, description="Søke jobb", target_date=today()) for plan in plans
    )
    Alert.objects.bulk_create(
        Alert(
            rule="no_contact_30_days",
            severity=Alert.Severity.WARNING,
            subject_kind=Alert.SubjectKind.PARTICIPANT,
            subject_id=p.pk,
            team=world.team,
            owner=world.specialist,
            first_breached_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
        )
        for p in people
    )
    Referral.objects.bulk_create(
        Referral(
            team=world.team,
            person_name=f"Henvist {offset + i}",
            national_id=valid_national_id(40_000 + offset + i),
            referral_date=D(2025, 4, 1) + dt.timedelta(days=i % 80),
            date_received=D(2025, 4, 1) + dt.timedelta(days=i % 80),
            source_organisation=world.nav,
        )
        for i in range(count)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _figures_go_stale() -> None:
    """Every team's data version goes up, as after a write: the cached figures are not read
    again (the rest of the cache, the signed-in session among it, stays)."""
    figures.bump_teams(Team.objects.values_list("pk", flat=True))


def _cold_and_warm(client, url) -> tuple[int, int]:
    """Queries of the page computed from the database (no cached figures, as right after a
    write bumped the team's data version: dashboards/figures.py), then of the same page again
    (the outcome figures and the trend from the cache)."""
    _figures_go_stale()
    cold = _queries(client, url)
    return cold, _queries(client, url)


# (cold, warm): without and with the cached figures; the pages without outcome figures have
# nothing cached (warm == cold). The team dashboard's 11 fewer: ten outcome measures and the
# trend; the partner's: the same, each one query grouped by team.
@pytest.mark.parametrize(
    ("role", "url_name", "query", "pinned"),
    [
        ("specialist", "dashboards:my_day", "", (16, 16)),
        # 23: one of them counts the field-mentoring log per specialist and month (fidelity).
        ("leader", "dashboards:team", "?kind=quarter&year=2025&quarter=2", (23, 12)),
        # The quarterly report's 26 measure queries are cached; its specialists are read anew.
        ("leader", "dashboards:quarterly", "?year=2025&quarter=2", (32, 6)),
        ("leader", "dashboards:quarterly_csv", "?year=2025&quarter=2", (32, 6)),
        (
            "leader",
            "dashboards:team_export",
            "?kind=quarter&year=2025&quarter=2&table=outcomes",
            (19, 8),
        ),
        ("partner", "dashboards:partner", "?kind=quarter&year=2025&quarter=2", (22, 11)),
        ("partner", "dashboards:partner_export", "?table=referrals", (6, 6)),
        (
            "partner",
            "dashboards:partner_export",
            "?kind=quarter&year=2025&quarter=2&table=outcomes",
            (16, 5),
        ),
    ],
)
def test_dashboard_query_count_does_not_grow_with_the_data(world, role, url_name, query, pinned):
    client = world.client_for(role)
    url = reverse(url_name) + query
    client.get(url)  # warm up: the period preference row exists from here on
    grow(world, 10, offset=0)
    small = _cold_and_warm(client, url)
    grow(world, 990, offset=10)
    assert Participant.objects.filter(team=world.team).count() == 1000
    large = _cold_and_warm(client, url)
    assert small == large == pinned, (small, large)


def test_partner_dashboard_query_count_does_not_grow_with_the_number_of_teams(world):
    """Each measure is one query grouped by team, not one query per team."""
    client = world.client_for("partner")
    url = reverse("dashboards:partner") + "?kind=quarter&year=2025&quarter=2"
    client.get(url)  # warm up: the period preference row exists from here on
    grow(world, 10, offset=0)
    _figures_go_stale()
    one_team = _queries(client, url)
    for name in ("IPS Ullevål", "IPS Sinsen"):
        team = TeamFactory(name=name)
        team.partner_organisations.add(world.nav)
        ParticipantFactory.create_batch(6, team=team, entry_date=D(2025, 1, 1))
    # Three teams are a new set of teams: nothing of it is cached yet (a cold request).
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert [row["team"].name for row in response.context["team_rows"]] == [
        "IPS Lovisenberg",
        "IPS Sinsen",
        "IPS Ullevål",
    ]
    assert one_team == len(ctx.captured_queries) == 22, (one_team, len(ctx.captured_queries))


def _my_day_with(world, count: int, offset: int) -> None:
    """`count` more open alerts about the specialist's participants and referrals, and `count`
    more planned appointments: passed, later today and later this week."""
    from appointments.models import Appointment

    people = [
        ParticipantFactory.create(
            team=world.team, job_specialist=world.specialist, name=f"Kø {offset + i}"
        )
        for i in range(count)
    ]
    referrals = Referral.objects.bulk_create(
        Referral(
            team=world.team,
            person_name=f"Ny {offset + i}",
            national_id=valid_national_id(60_000 + offset + i),
            referral_date=today() - dt.timedelta(days=10),
            date_received=today() - dt.timedelta(days=9),
            source_organisation=world.nav,
            status=Referral.Status.ASSIGNED,
            assigned_specialist=world.specialist,
        )
        for i in range(count)
    )
    Alert.objects.bulk_create(
        [
            Alert(
                rule="no_contact_30_days" if i % 2 else "plan_review_due",
                severity=Alert.Severity.BREACH,
                subject_kind=Alert.SubjectKind.PARTICIPANT,
                subject_id=p.pk,
                team=world.team,
                owner=world.specialist,
                first_breached_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
            )
            for i, p in enumerate(people)
        ]
        + [
            Alert(
                rule="first_meeting_overdue",
                severity=Alert.Severity.BREACH,
                subject_kind=Alert.SubjectKind.REFERRAL,
                subject_id=r.pk,
                team=world.team,
                owner=world.specialist,
                first_breached_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
            )
            for r in referrals
        ]
    )
    from django.utils import timezone

    now = timezone.now()
    Appointment.objects.bulk_create(
        [
            Appointment(
                team=world.team,
                owner=world.specialist,
                kind=Appointment.Kind.PARTICIPANT,
                participant=p,
                starts_at=now + dt.timedelta(minutes=(i % 3 - 1) * 30),
                place="community",
            )
            for i, p in enumerate(people)
        ]
        + [
            Appointment(
                team=world.team,
                owner=world.specialist,
                kind=Appointment.Kind.FIRST_MEETING,
                referral=r,
                starts_at=now + dt.timedelta(days=1),
                place="office",
            )
            for r in referrals
        ]
    )


def test_my_day_query_count_is_the_same_with_5_and_50_appointments_and_alerts(world):
    client = world.client_for("specialist")
    url = reverse("dashboards:my_day")
    client.get(url)  # a new session's first request also saves it (the idle timeout's refresh)
    _my_day_with(world, 5, offset=0)
    small = _queries(client, url)
    _my_day_with(world, 45, offset=5)
    large = _queries(client, url)
    assert small == large == 16, (small, large)
