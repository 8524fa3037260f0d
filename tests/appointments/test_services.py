"""Appointments: planned, moved, cancelled and held; never deleted, history kept."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from ips.history import history_of
from participants.models import Contact
from referrals.models import Referral
from referrals.services import referral_assign
from tests.factories import ReferralFactory, today


def _at(days: int = 0, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(today() + dt.timedelta(days=days), dt.time(hour))
    )


def _plan(world, **kwargs):
    arguments = {
        "by": world.specialist,
        "kind": Appointment.Kind.PARTICIPANT,
        "participant": world.participant,
        "starts_at": _at(1),
        "duration_minutes": 45,
        "place": Contact.Place.COMMUNITY,
        "location": "Kafé Løkka",
    } | kwargs
    return services.appointment_plan(**arguments)


def test_planned_meeting_belongs_to_the_specialist_and_the_team(world):
    appointment = _plan(world)
    assert appointment.owner == world.specialist
    assert appointment.team == world.team
    assert appointment.status == Appointment.Status.PLANNED


def test_a_specialist_of_another_team_cannot_plan_for_our_participant(world):
    with pytest.raises(PermissionDenied):
        _plan(world, by=world.other_specialist)
    assert not Appointment.objects.exists()


def test_a_meeting_in_person_needs_a_place_and_a_phone_call_has_none(world):
    with pytest.raises(ValidationError) as exc:
        _plan(world, place="")
    assert "place" in exc.value.message_dict
    call = _plan(world, mode=Contact.Mode.PHONE, place=Contact.Place.HOME)
    assert call.place == ""


def test_moving_and_cancelling_keep_history_and_the_row(world):
    appointment = _plan(world)
    services.appointment_move(
        appointment=appointment,
        by=world.specialist,
        starts_at=_at(2, 13),
        duration_minutes=30,
        mode=Contact.Mode.FACE_TO_FACE,
        place=Contact.Place.WORKPLACE,
    )
    services.appointment_cancel(appointment=appointment, by=world.specialist)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    rows = list(history_of(appointment).order_by("pgh_created_at", "pgh_id"))
    assert [r.status for r in rows] == ["planned", "planned", "cancelled"]
    assert timezone.localtime(rows[0].starts_at).hour == 10
    assert timezone.localtime(rows[1].starts_at).hour == 13
    # Each version names who made it.
    assert {r.pgh_context.metadata.get("user") for r in rows} == {world.specialist.pk}
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, by=world.specialist)


def test_holding_before_the_time_is_refused(world):
    appointment = _plan(world)
    with pytest.raises(ValidationError):
        services.appointment_hold(appointment=appointment, by=world.specialist)
    assert not Contact.objects.filter(participant=world.participant).exists()


def test_holding_after_the_time_logs_the_contact_prefilled(world):
    appointment = _plan(world, starts_at=timezone.now() - dt.timedelta(hours=2), note="CV")
    held = services.appointment_hold(appointment=appointment, by=world.specialist)
    assert held.status == Appointment.Status.DONE
    contact = held.contact
    assert contact.participant == world.participant
    assert contact.contact_date == timezone.localdate(appointment.starts_at)
    assert (contact.mode, contact.place, contact.duration_minutes, contact.note) == (
        Contact.Mode.FACE_TO_FACE,
        Contact.Place.COMMUNITY,
        45,
        "CV",
    )


def test_a_treatment_team_meeting_is_logged_as_contact_with_the_team(world):
    appointment = _plan(
        world,
        kind=Appointment.Kind.TREATMENT_TEAM,
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    held = services.appointment_hold(appointment=appointment, by=world.specialist)
    assert held.contact.with_whom == Contact.With.TREATMENT_TEAM


def test_a_held_first_meeting_registers_the_first_meeting(world):
    referral = ReferralFactory(team=world.team, source_organisation=world.nav)
    referral = referral_assign(referral=referral, specialist=world.specialist, by=world.leader)
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.FIRST_MEETING,
        referral=referral,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place=Contact.Place.OFFICE,
    )
    held = services.appointment_hold(appointment=appointment, by=world.specialist)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.FIRST_MEETING_HELD
    assert held.participant is not None and held.participant.referral == referral
    assert held.contact.place == Contact.Place.OFFICE


def test_a_first_meeting_needs_an_assigned_open_referral(world):
    referral = ReferralFactory(team=world.team, source_organisation=world.nav)
    with pytest.raises(ValidationError):
        services.appointment_plan(
            by=world.specialist,
            kind=Appointment.Kind.FIRST_MEETING,
            referral=referral,
            starts_at=_at(1),
            place=Contact.Place.OFFICE,
        )


def test_employer_meeting_held_becomes_an_employer_log_line(world):
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.EMPLOYER,
        employer=world.employer,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place=Contact.Place.WORKPLACE,
    )
    held = services.appointment_hold(appointment=appointment, by=world.specialist)
    assert held.employer_contact.employer == world.employer
    assert held.employer_contact.face_to_face


def test_calendar_feed_stores_only_a_hash_and_a_new_one_revokes_the_old(world):
    feed, token = services.calendar_feed_enable(by=world.specialist)
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    second, token2 = services.calendar_feed_enable(by=world.specialist)
    feed.refresh_from_db()
    assert feed.revoked_at is not None and second.revoked_at is None and token2 != token
    assert services.calendar_feed_revoke(by=world.specialist) == 1


def test_a_first_meeting_for_someone_already_a_participant_is_refused_with_a_message(world):
    existing = world.participant
    referral = ReferralFactory(
        team=world.team, source_organisation=world.nav, national_id=existing.national_id
    )
    referral = referral_assign(referral=referral, specialist=world.specialist, by=world.leader)
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.FIRST_MEETING,
        referral=referral,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place=Contact.Place.OFFICE,
    )
    with pytest.raises(ValidationError) as exc:
        services.appointment_hold(appointment=appointment, by=world.specialist)
    assert "Ola Deltaker er allerede deltaker i teamet" in " ".join(exc.value.messages)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.PLANNED
