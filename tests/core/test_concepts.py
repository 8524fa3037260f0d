"""One definition per shared concept: every screen, rule, CSV and indicator that shows a caseload
shows the same number, and the SQL of the deadline rules agrees with the ORM definition."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from dashboards.measures import Period, active_caseload
from deadlines.engine import breaching_rows, scan
from deadlines.models import Alert
from deadlines.rules import RULES_BY_CODE
from fidelity import indicators
from fidelity.indicators import Window
from participants.models import Contact, Participant
from participants.selectors import caseload_counts, caseload_of, community_minutes
from participants.services import participant_change_status
from tests.factories import ContactFactory, ParticipantFactory, ReferralFactory, today

Status = Participant.Status

# Siri's people: five active statuses (8 people), plus a pause and a closing (not counted).
SIRI = [
    Status.ENGAGED,
    Status.ENGAGED,
    Status.JOB_SEARCH,
    Status.JOB_SEARCH,
    Status.EMPLOYED,
    Status.EDUCATION,
    Status.FOLLOW_ALONG,
    Status.FOLLOW_ALONG,
    Status.INACTIVE,
    Status.CLOSED,
]
SIRI_CASELOAD = 8
KARE_CASELOAD = 3


@pytest.fixture
def team(world):
    for status in SIRI:
        ParticipantFactory(team=world.team, job_specialist=world.specialist, status=status)
    for status in [Status.JOB_SEARCH] * KARE_CASELOAD + [Status.CLOSED]:
        ParticipantFactory(team=world.team, job_specialist=world.teammate, status=status)
    # Another team's people never count towards team A's specialists.
    ParticipantFactory(team=world.other_team, job_specialist=world.other_specialist)
    # A low warning threshold, so the caseload rule reports Siri's count too.
    world.team.caseload_warning = 5
    world.team.save()
    return world


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_every_screen_csv_rule_and_indicator_shows_the_same_caseload(team, leader_client):
    world = team
    siri, kare = str(world.specialist), str(world.teammate)

    # The one definition.
    assert caseload_of(world.specialist) == SIRI_CASELOAD
    assert caseload_counts(specialist_ids=[world.specialist.pk, world.teammate.pk]) == {
        world.specialist.pk: SIRI_CASELOAD,
        world.teammate.pk: KARE_CASELOAD,
    }

    # Team dashboard: the table behind the chart, and its CSV.
    page = leader_client.get(reverse("dashboards:team"))
    shown = {row["name"]: row["count"] for row in page.context["caseload"]}
    assert shown[siri] == SIRI_CASELOAD and shown[kare] == KARE_CASELOAD
    rows = _csv(leader_client.get(reverse("dashboards:team_export") + "?table=caseload"))
    by_name = {row[0]: row[1] for row in rows[1:]}
    assert by_name[siri] == str(SIRI_CASELOAD) and by_name[kare] == str(KARE_CASELOAD)

    # Assigning a referral: the caseload column of each specialist.
    referral = ReferralFactory(team=world.team, source_organisation=world.nav)
    page = leader_client.get(reverse("referrals:assign", args=[referral.pk]))
    assign = {str(s): s.active_caseload for s in page.context["specialists"]}
    assert assign[siri] == SIRI_CASELOAD and assign[kare] == KARE_CASELOAD

    # Siri's own caseload page lists exactly her active participants.
    page = world.client_for("specialist").get(reverse("participants:caseload"))
    assert page.context["page_obj"].paginator.count == SIRI_CASELOAD

    # The caseload alert carries the same count.
    scan(["caseload_high"])
    alert = Alert.objects.get(rule="caseload_high", subject_id=world.specialist.pk)
    assert alert.details["count"] == SIRI_CASELOAD

    # The fidelity indicator (IPS-25 item 1) reads the highest caseload on the period's last day.
    window = Window(
        team_id=world.team.pk, start=today() - dt.timedelta(days=30), end=today(), today=today()
    )
    assert indicators.caseload(window).value == SIRI_CASELOAD

    # The team's active caseload (outcome measures) is the sum of its specialists' caseloads.
    period = Period(today() - dt.timedelta(days=30), today())
    assert active_caseload(team_ids=[world.team.pk], period=period) == (
        SIRI_CASELOAD + KARE_CASELOAD
    )


def test_the_rule_sql_counts_the_caseload_as_the_orm_does(team):
    world = team
    rows = breaching_rows(RULES_BY_CODE["caseload_high"])
    counts = {subject_id: json.loads(details)["count"] for subject_id, _t, _o, _d, details in rows}
    assert counts == {world.specialist.pk: caseload_of(world.specialist)}


def test_status_on_a_day_follows_the_status_history(world):
    """A person closed yesterday was on the caseload the day before, and is not today."""
    person = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    participant_change_status(participant=person, to_status=Status.CLOSED, by=world.specialist)
    assert caseload_of(world.specialist) == 0
    assert caseload_of(world.specialist, on=today() - dt.timedelta(days=1)) == 1
    assert not Participant.objects.active_on(today()).filter(pk=person.pk).exists()
    assert (
        Participant.objects.served_during(today() - dt.timedelta(days=7), today())
        .filter(pk=person.pk)
        .exists()
    )


def test_community_time_counts_only_contacts_met_in_person_outside_the_office(world):
    person = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    Mode, Place = Contact.Mode, Contact.Place
    for mode, place, minutes in [
        (Mode.FACE_TO_FACE, Place.COMMUNITY, 60),
        (Mode.FACE_TO_FACE, Place.WORKPLACE, 30),
        (Mode.FACE_TO_FACE, Place.OFFICE, 30),
        # A phone call has no place (the database refuses one): never community time.
        (Mode.PHONE, "", 45),
        (Mode.VIDEO, "", 15),
        # Met in person, but where was not recorded: left out and reported.
        (Mode.FACE_TO_FACE, "", 20),
    ]:
        ContactFactory(
            participant=person,
            logged_by=world.specialist,
            mode=mode,
            place=place,
            duration_minutes=minutes,
        )
    assert community_minutes(Contact.objects.filter(participant=person)) == (90, 120, 20)
