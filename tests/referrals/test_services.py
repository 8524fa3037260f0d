import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ips.audit.history import history_entries
from participants.models import Contact, Participant, ParticipantStatusEvent
from referrals.models import Referral, ReferralEvent
from referrals.services import (
    DuplicateParticipantError,
    referral_assign,
    referral_register_first_meeting,
    referral_submit,
    referral_withdraw,
)
from tests.factories import ParticipantFactory, ReferralFactory, today, valid_national_id
from tests.referrals.factories import give_caseload

pytestmark = pytest.mark.django_db


def _submit(world, **overrides):
    kwargs = {
        "team": world.team,
        "source_organisation": world.nav,
        "by": world.partner,
        "person_name": "Nora Ny",
        "national_id": valid_national_id(900),
        "referral_date": today() - dt.timedelta(days=1),
        "consent_date": today() - dt.timedelta(days=1),
        "consent_method": Referral.ConsentMethod.VERBAL,
    }
    kwargs.update(overrides)
    return referral_submit(**kwargs)


def test_submit_lands_as_received_today_with_an_event(world):
    referral = _submit(world, substance_use="Alkohol")

    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert referral.date_received == today()
    assert referral.submitted_by == world.partner
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", "received", world.partner)


def test_submit_refuses_invalid_national_id_and_stores_nothing(world):
    with pytest.raises(ValidationError) as excinfo:
        _submit(world, national_id="01019012345")
    assert "national_id" in excinfo.value.message_dict
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()


def test_assign_sets_specialist_and_records_who_moved_it(world):
    referral = referral_assign(
        referral=world.referral, specialist=world.specialist, by=world.leader
    )

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSIGNED
    assert referral.assigned_specialist == world.specialist
    assert referral.assigned_at is not None
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.by) == ("received", "assigned", world.leader)


def test_assign_refuses_specialist_of_other_team(world):
    with pytest.raises(ValidationError) as excinfo:
        referral_assign(referral=world.referral, specialist=world.other_specialist, by=world.leader)
    assert "specialist" in excinfo.value.message_dict
    world.referral.refresh_from_db()
    assert world.referral.status == Referral.Status.RECEIVED
    assert not world.referral.events.exists()


def test_assign_refuses_a_leader_who_is_not_a_job_specialist(world):
    with pytest.raises(ValidationError):
        referral_assign(referral=world.referral, specialist=world.leader, by=world.leader)


def test_assign_at_breach_threshold_needs_confirmation(world):
    world.team.caseload_warning = 2
    world.team.caseload_limit = 3
    world.team.save()
    give_caseload(world.specialist, world.team, 3)

    with pytest.raises(ValidationError) as excinfo:
        referral_assign(referral=world.referral, specialist=world.specialist, by=world.leader)
    assert "confirm_over_limit" in excinfo.value.message_dict
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist is None

    referral_assign(
        referral=world.referral,
        specialist=world.specialist,
        by=world.leader,
        confirm_over_limit=True,
    )
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist == world.specialist
    assert "bruddgrensen" in world.referral.events.get().note


def test_inactive_participants_do_not_count_towards_the_threshold(world):
    world.team.caseload_warning = 1
    world.team.caseload_limit = 1
    world.team.save()
    give_caseload(world.specialist, world.team, 2, status=Participant.Status.CLOSED)

    referral_assign(referral=world.referral, specialist=world.specialist, by=world.leader)
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist == world.specialist


def test_reassigning_keeps_the_previous_specialist_in_the_event(world, assigned):
    referral_assign(referral=assigned, specialist=world.teammate, by=world.leader)

    event = assigned.events.order_by("-id").first()
    assert (event.from_status, event.to_status) == ("assigned", "assigned")
    assert "Siri" in event.note and "Kåre" in event.note


def test_assign_refuses_a_withdrawn_referral(world):
    referral_withdraw(
        referral=world.referral, reason=Referral.WithdrawalReason.MOVED, by=world.leader
    )
    with pytest.raises(ValidationError):
        referral_assign(referral=world.referral, specialist=world.specialist, by=world.leader)


def test_first_meeting_turns_the_referral_into_a_participant(world, assigned):
    meeting = today() - dt.timedelta(days=1)

    participant = referral_register_first_meeting(
        referral=assigned,
        meeting_date=meeting,
        place=Contact.Place.COMMUNITY,
        duration_minutes=50,
        note="Kaffe på kafé",
        by=world.specialist,
    )

    participant.refresh_from_db()
    assert participant.referral == assigned
    assert participant.team == world.team
    assert (participant.name, participant.national_id) == (
        assigned.person_name,
        assigned.national_id,
    )
    # The referral's "912 34 567", checked and stored as E.164 in the contact details.
    assert (assigned.phone, participant.phone) == ("912 34 567", "+4791234567")
    assert participant.job_specialist == world.specialist
    assert participant.status == Participant.Status.ENGAGED
    assert participant.entry_date == meeting
    status_event = ParticipantStatusEvent.objects.get(participant=participant)
    assert status_event.to_status == Participant.Status.ENGAGED
    contact = Contact.objects.get(participant=participant)
    assert contact.mode == Contact.Mode.FACE_TO_FACE
    assert contact.with_whom == Contact.With.PARTICIPANT
    assert (contact.contact_date, contact.place, contact.duration_minutes) == (
        meeting,
        "community",
        50,
    )
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.FIRST_MEETING_HELD
    assert assigned.first_meeting_date == meeting
    last = assigned.events.order_by("-id").first()
    assert (last.from_status, last.to_status, last.by) == (
        "assigned",
        "first_meeting_held",
        world.specialist,
    )


def test_first_meeting_is_all_or_nothing(world, assigned):
    # The contact row fails validation (no such place) after the participant was built:
    # nothing at all may be left behind.
    with pytest.raises(ValidationError):
        referral_register_first_meeting(
            referral=assigned,
            meeting_date=today(),
            place="moon",
            duration_minutes=30,
            by=world.specialist,
        )
    assert not Participant.objects.filter(referral=assigned).exists()
    assert not ParticipantStatusEvent.objects.exists()
    assert not Contact.objects.exists()
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.ASSIGNED


def test_first_meeting_with_a_known_national_id_points_to_the_existing_participant(world, assigned):
    existing = ParticipantFactory(
        team=world.team, job_specialist=world.teammate, national_id=assigned.national_id
    )

    with pytest.raises(DuplicateParticipantError) as excinfo:
        referral_register_first_meeting(
            referral=assigned,
            meeting_date=today(),
            place=Contact.Place.OFFICE,
            duration_minutes=30,
            by=world.specialist,
        )
    assert excinfo.value.participant == existing
    assert Participant.objects.filter(national_id=assigned.national_id).count() == 1
    assert not Contact.objects.exists()
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.ASSIGNED


def test_the_same_person_may_be_a_participant_of_another_team(world, assigned):
    ParticipantFactory(
        team=world.other_team,
        job_specialist=world.other_specialist,
        national_id=assigned.national_id,
    )
    participant = referral_register_first_meeting(
        referral=assigned,
        meeting_date=today(),
        place=Contact.Place.HOME,
        duration_minutes=30,
        by=world.specialist,
    )
    assert participant.team == world.team


@pytest.mark.parametrize(
    ("days", "field"),
    [(1, "meeting_date"), (-10, "meeting_date")],
    ids=["in-the-future", "before-received"],
)
def test_first_meeting_date_must_be_between_received_and_today(world, assigned, days, field):
    with pytest.raises(ValidationError) as excinfo:
        referral_register_first_meeting(
            referral=assigned,
            meeting_date=today() + dt.timedelta(days=days),
            place=Contact.Place.OFFICE,
            duration_minutes=30,
            by=world.specialist,
        )
    assert field in excinfo.value.message_dict
    assert not Participant.objects.exists()


def test_first_meeting_needs_an_assigned_specialist(world):
    with pytest.raises(ValidationError):
        referral_register_first_meeting(
            referral=world.referral,
            meeting_date=today(),
            place=Contact.Place.OFFICE,
            duration_minutes=30,
            by=world.leader,
        )


def test_withdraw_records_reason_and_event(world, assigned):
    referral = referral_withdraw(
        referral=assigned,
        reason=Referral.WithdrawalReason.UNREACHABLE,
        note="Ringt tre ganger, sendt brev",
        by=world.specialist,
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN
    assert referral.withdrawal_reason == "unreachable"
    assert referral.withdrawn_at is not None
    event = referral.events.order_by("-id").first()
    assert (event.from_status, event.to_status) == ("assigned", "withdrawn")
    assert event.note == "Ringt tre ganger, sendt brev"


def test_withdraw_for_other_reason_needs_a_description(world):
    with pytest.raises(ValidationError) as excinfo:
        referral_withdraw(
            referral=world.referral,
            reason=Referral.WithdrawalReason.OTHER,
            note="  ",
            by=world.leader,
        )
    assert "note" in excinfo.value.message_dict
    world.referral.refresh_from_db()
    assert world.referral.status == Referral.Status.RECEIVED


def test_withdraw_refuses_a_reason_outside_the_list(world):
    with pytest.raises(ValidationError):
        referral_withdraw(referral=world.referral, reason="not_eligible", by=world.leader)


def test_a_referral_that_became_a_participant_cannot_be_withdrawn(world):
    referral = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        assigned_specialist=world.specialist,
        status=Referral.Status.FIRST_MEETING_HELD,
        first_meeting_date=today(),
    )
    with pytest.raises(ValidationError):
        referral_withdraw(referral=referral, reason="declined", by=world.leader)


def test_there_is_no_rejection_status_or_reason():
    # Zero exclusion: the only ways out are on the person's side.
    assert set(Referral.Status.values) == {
        "received",
        "assigned",
        "first_meeting_held",
        "withdrawn",
    }
    # The one reason that is not the person's own is "duplicate": the same person referred
    # twice to one team; the kept record carries on (issue 17), so nobody is turned away.
    assert set(Referral.WithdrawalReason.values) == {
        "declined",
        "moved",
        "unreachable",
        "other",
        "duplicate",
    }


def test_assign_refuses_a_specialist_whose_membership_has_ended(world):
    from django.utils import timezone

    world.teammate.memberships.update(ended_at=timezone.now())
    with pytest.raises(ValidationError):
        referral_assign(referral=world.referral, specialist=world.teammate, by=world.leader)


def test_each_step_names_its_own_actor_in_the_history(world):
    # Outside a request, as from the shell: the partner submits, the leader assigns, the
    # specialist holds the first meeting; each row of the referral's history names its person.
    referral = _submit(world)
    referral_assign(referral=referral, specialist=world.specialist, by=world.leader)
    participant = referral_register_first_meeting(
        referral=referral,
        meeting_date=today(),
        place=Contact.Place.COMMUNITY,
        duration_minutes=30,
        by=world.specialist,
    )
    actors = [entry.user for entry in reversed(history_entries(obj=referral))]
    assert actors == ["Per Partner", "Lise Leder", "Siri Spesialist"]
    assert history_entries(obj=participant)[0].user == "Siri Spesialist"


def test_in_work_at_referral_is_recorded_and_carried_to_the_participant(world):
    referral = _submit(world, in_work_at_referral="no")
    assert referral.in_work_at_referral == "no"
    referral_assign(referral=referral, specialist=world.specialist, by=world.leader)
    participant = referral_register_first_meeting(
        referral=referral,
        meeting_date=today(),
        place=Contact.Place.COMMUNITY,
        duration_minutes=30,
        by=world.specialist,
    )
    participant.refresh_from_db()
    assert participant.in_work_at_referral == "no"


def test_in_work_at_referral_defaults_to_unknown(world):
    assert _submit(world).in_work_at_referral == "unknown"
