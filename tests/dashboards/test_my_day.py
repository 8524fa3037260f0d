import datetime as dt

from django.urls import reverse

from deadlines.models import Alert
from ips.audit.models import AccessEvent
from participants.models import Contact, Participant
from tests.factories import (
    ActionPlanFactory,
    AlertFactory,
    ContactFactory,
    EmployerContactFactory,
    EmployerFactory,
    GoalFactory,
    ParticipantFactory,
    today,
)

URL = reverse("dashboards:my_day")


def _monday() -> dt.date:
    return today() - dt.timedelta(days=today().weekday())


def test_open_alerts_come_first_and_only_my_own(world, specialist_client):
    AlertFactory(team=world.team, owner=world.specialist, rule="no_contact_30_days")
    AlertFactory(team=world.team, owner=world.teammate, rule="profile_missing")
    AlertFactory(
        team=world.team,
        owner=world.specialist,
        rule="plan_review_due",
        state=Alert.State.RESOLVED,
        resolved_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    html = specialist_client.get(URL).content.decode()
    assert "Ingen kontakt på 30 dager" in html
    assert "Yrkesprofil mangler" not in html  # the teammate's
    assert "Handlingsplanen bør gjennomgås" not in html  # resolved
    assert html.index("Åpne varsler") < html.index("Lengst siden kontakt")


def test_participants_without_contact_longest_come_first(world, specialist_client):
    recent = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Nylig")
    old = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Lenge Siden")
    never = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Aldri Møtt")
    ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        name="Pause Person",
        status=Participant.Status.INACTIVE,
    )
    ParticipantFactory(team=world.team, job_specialist=world.teammate, name="Kollegas Deltaker")
    ContactFactory(participant=recent, contact_date=today())
    ContactFactory(participant=old, contact_date=today() - dt.timedelta(days=45))
    html = specialist_client.get(URL).content.decode()
    assert html.index("Aldri Møtt") < html.index("Lenge Siden") < html.index("Nylig")
    assert "Pause Person" not in html and "Kollegas Deltaker" not in html
    assert ">45<" in html
    logged = AccessEvent.objects.filter(user=world.specialist).values_list(
        "participant_id", flat=True
    )
    assert {recent.pk, old.pk, never.pk} <= set(logged)


def test_goals_due_this_week_including_overdue(world, specialist_client):
    mine = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    plan = ActionPlanFactory(participant=mine)
    GoalFactory(plan=plan, description="Lage CV", target_date=_monday() + dt.timedelta(6))
    GoalFactory(plan=plan, description="Gammel frist", target_date=_monday() - dt.timedelta(3))
    GoalFactory(plan=plan, description="Neste uke", target_date=_monday() + dt.timedelta(8))
    GoalFactory(
        plan=plan,
        description="Allerede nådd",
        target_date=_monday(),
        achieved_date=today(),
    )
    html = specialist_client.get(URL).content.decode()
    assert "Lage CV" in html and "Gammel frist" in html and "forfalt" in html
    assert "Neste uke" not in html and "Allerede nådd" not in html


def test_face_to_face_employer_contacts_this_week_against_six(world, specialist_client):
    employer = EmployerFactory(team=world.team)
    for _ in range(4):
        EmployerContactFactory(employer=employer, job_specialist=world.specialist)
    EmployerContactFactory(employer=employer, job_specialist=world.specialist, face_to_face=False)
    EmployerContactFactory(employer=employer, job_specialist=world.teammate)
    EmployerContactFactory(
        employer=employer,
        job_specialist=world.specialist,
        contact_date=_monday() - dt.timedelta(days=1),
    )
    html = specialist_client.get(URL).content.decode()
    assert 'data-figure="employer-contacts">4 / 6<' in html


def test_community_share_of_logged_minutes_this_month(world, specialist_client):
    p = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    first = today().replace(day=1)
    ContactFactory(
        participant=p, contact_date=first, place=Contact.Place.WORKPLACE, duration_minutes=90
    )
    ContactFactory(participant=p, contact_date=first, place=Contact.Place.HOME, duration_minutes=40)
    ContactFactory(
        participant=p, contact_date=first, place=Contact.Place.OFFICE, duration_minutes=70
    )
    ContactFactory(  # last month: not counted
        participant=p,
        contact_date=first - dt.timedelta(days=1),
        place=Contact.Place.OFFICE,
        duration_minutes=600,
    )
    html = specialist_client.get(URL).content.decode()
    assert 'data-figure="community-share">65 %<' in html  # 130 of 200 minutes
    assert "130 av 200" in html


def test_no_logged_time_shows_a_dash_not_zero(world, specialist_client):
    html = specialist_client.get(URL).content.decode()
    assert 'data-figure="community-share">–<' in html
