"""Alerts follow the record: a write that clears (or opens) an alert changes it as soon as the
write commits, through the change hook, without waiting for the next periodic scan."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deadlines.engine import scan
from deadlines.models import Alert
from employers.models import EmployerContact
from employers.services import employer_contact_log
from participants.models import Contact, Participant
from participants.services import contact_log, participant_change_status
from referrals.services import referral_assign
from tests.factories import ContactFactory, ParticipantFactory, ReferralFactory, today


def _state(rule: str, subject_id: int) -> str | None:
    alert = Alert.objects.filter(rule=rule, subject_id=subject_id).order_by("-id").first()
    return alert.state if alert else None


def _quiet_participant(world, *, days: int = 40) -> Participant:
    person = ParticipantFactory.create(
        team=world.team,
        job_specialist=world.specialist,
        entry_date=today() - dt.timedelta(days=days + 10),
    )
    ContactFactory(participant=person, contact_date=today() - dt.timedelta(days=days))
    return person


def test_logging_the_missing_contact_resolves_the_alert_at_once(
    world, django_capture_on_commit_callbacks
):
    person = _quiet_participant(world)
    scan(["no_contact_30_days"])
    assert _state("no_contact_30_days", person.pk) == Alert.State.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        contact_log(
            participant=person,
            by=world.specialist,
            contact_date=today(),
            place=Contact.Place.COMMUNITY,
        )

    assert _state("no_contact_30_days", person.pk) == Alert.State.RESOLVED


def test_the_contact_dialog_clears_the_alert_before_the_next_page_loads(
    world, specialist_client, django_capture_on_commit_callbacks
):
    person = _quiet_participant(world)
    scan(["no_contact_30_days"])
    alerts_page = reverse("deadlines:alert_list")
    assert "Ingen kontakt" in specialist_client.get(alerts_page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = specialist_client.post(
            reverse("participants:contact_log", args=[person.pk]),
            {
                "contact_date": today().strftime("%d.%m.%Y"),
                "with_whom": "participant",
                "mode": "face_to_face",
                "place": "community",
                "duration_minutes": "30",
                "note": "",
            },
        )
    assert response.status_code in (200, 302)
    assert _state("no_contact_30_days", person.pk) == Alert.State.RESOLVED
    listed = specialist_client.get(alerts_page).context["page_obj"].object_list
    assert person.pk not in {a.subject_id for a in listed if a.rule == "no_contact_30_days"}


def test_a_rolled_back_write_leaves_the_alert_open(world, django_capture_on_commit_callbacks):
    person = _quiet_participant(world)
    scan(["no_contact_30_days"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        contact_log(
            participant=person,
            by=world.specialist,
            contact_date=today() + dt.timedelta(days=3),  # refused: in the future
            place=Contact.Place.COMMUNITY,
        )
    assert callbacks == []
    assert _state("no_contact_30_days", person.pk) == Alert.State.OPEN


def test_assigning_a_referral_resolves_the_unassigned_alert(
    world, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        referral_date=today() - dt.timedelta(days=6),
        date_received=today() - dt.timedelta(days=5),
    )
    scan(["referral_unassigned"])
    assert _state("referral_unassigned", referral.pk) == Alert.State.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        referral_assign(referral=referral, specialist=world.specialist, by=world.leader)

    assert _state("referral_unassigned", referral.pk) == Alert.State.RESOLVED


def test_a_face_to_face_employer_contact_clears_the_rapid_job_search_alert(
    world, django_capture_on_commit_callbacks
):
    person = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, entry_date=today() - dt.timedelta(days=45)
    )
    scan(["job_search_overdue"])
    assert _state("job_search_overdue", person.pk) == Alert.State.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        employer_contact_log(
            employer=world.employer,
            by=world.specialist,
            contact_date=today(),
            purpose=EmployerContact.Purpose.ON_BEHALF,
            participants=[person],
        )

    assert _state("job_search_overdue", person.pk) == Alert.State.RESOLVED


def test_closing_people_brings_the_caseload_alert_down_at_once(
    world, django_capture_on_commit_callbacks
):
    world.team.caseload_warning = 2
    world.team.save()
    people = [
        ParticipantFactory(team=world.team, job_specialist=world.specialist) for _ in range(3)
    ]
    scan(["caseload_high"])
    assert _state("caseload_high", world.specialist.pk) == Alert.State.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        participant_change_status(
            participant=people[0], to_status=Participant.Status.CLOSED, by=world.specialist
        )

    assert _state("caseload_high", world.specialist.pk) == Alert.State.RESOLVED


def test_a_recheck_touches_only_the_announced_subjects(world, django_capture_on_commit_callbacks):
    person, other = _quiet_participant(world), _quiet_participant(world)
    scan(["no_contact_30_days"])
    # Someone else's contact was logged behind the engine's back (no service, no announcement).
    ContactFactory(participant=other, contact_date=today())

    with django_capture_on_commit_callbacks(execute=True):
        contact_log(
            participant=person,
            by=world.specialist,
            contact_date=today(),
            place=Contact.Place.COMMUNITY,
        )

    assert _state("no_contact_30_days", person.pk) == Alert.State.RESOLVED
    # The other alert waits for the periodic scan, which remains the safety net.
    assert _state("no_contact_30_days", other.pk) == Alert.State.OPEN
    scan(["no_contact_30_days"])
    assert _state("no_contact_30_days", other.pk) == Alert.State.RESOLVED
