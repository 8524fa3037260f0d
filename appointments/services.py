"""Writes of appointments. Each function is one transaction, names its actor `by`
(ips.history.acting_as), and never deletes: moving and cancelling leave history rows.

Holding an appointment goes through the owning app's own service: the participant's contact
log, the referral's first meeting, or the employer log, so every rule those apply (and the
alert re-check they announce) applies here too.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment, CalendarFeed
from appointments.selectors import token_hash
from employers.models import Employer, EmployerContact
from employers.services import employer_contact_log
from ips.access import scope_for
from ips.accounts.models import User
from ips.history import acting_as
from participants.models import Contact, Participant
from participants.services import contact_log
from referrals.models import Referral
from referrals.services import DuplicateParticipantError, referral_register_first_meeting

PLACE_REQUIRED = _("Velg hvor dere skal møtes.")
NOT_YET = _("Avtalen er ikke holdt ennå: tidspunktet har ikke passert.")
NOT_PLANNED = _("Avtalen er allerede registrert eller avlyst.")
ALREADY_PARTICIPANT = _(
    "%(name)s er allerede deltaker i teamet. Registrer møtet som kontakt på deltakersiden."
)


def _first_meeting(*, referral: Referral, by: User, **meeting: Any) -> Participant:
    """The referrals app's own service; a person who is already a participant of the team
    becomes a field-free message (the first meeting cannot make them one twice)."""
    try:
        return referral_register_first_meeting(referral=referral, by=by, **meeting)
    except DuplicateParticipantError as exc:
        raise ValidationError(
            ALREADY_PARTICIPANT % {"name": exc.participant.name}, code="already_participant"
        ) from exc


def _subject_team_id(
    *,
    kind: str,
    participant: Participant | None,
    referral: Referral | None,
    employer: Employer | None,
) -> int:
    if kind in (Appointment.Kind.PARTICIPANT, Appointment.Kind.TREATMENT_TEAM):
        if participant is None:
            raise ValidationError({"participant": _("Velg deltakeren.")}, code="no_subject")
        return participant.team_id
    if kind == Appointment.Kind.FIRST_MEETING:
        if referral is None:
            raise ValidationError(_("Velg henvisningen."), code="no_subject")
        if referral.status not in Referral.OPEN_STATUSES or referral.assigned_specialist_id is None:
            raise ValidationError(
                _("Første møte kan bare planlegges for en åpen, tildelt henvisning."),
                code="referral_not_open",
            )
        return referral.team_id
    if kind == Appointment.Kind.EMPLOYER:
        if employer is None:
            raise ValidationError({"employer": _("Velg arbeidsgiveren.")}, code="no_subject")
        return employer.team_id
    raise ValidationError({"kind": _("Velg type avtale.")}, code="invalid_kind")


def _check_place(mode: str, place: str) -> str:
    if mode != Contact.Mode.FACE_TO_FACE:
        return ""
    if not place:
        raise ValidationError({"place": PLACE_REQUIRED}, code="place_required")
    return place


def _save(appointment: Appointment) -> None:
    appointment.full_clean()
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        raise ValidationError(_("Lagringen ble avvist: %(error)s") % {"error": exc}) from exc


def appointment_plan(
    *,
    by: User,
    kind: str,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    mode: str = Contact.Mode.FACE_TO_FACE,
    place: str = "",
    location: str = "",
    with_whom: str = "",
    note: str = "",
    participant: Participant | None = None,
    referral: Referral | None = None,
    employer: Employer | None = None,
) -> Appointment:
    """Plan a meeting; its owner is the job specialist who plans it, in the subject's team."""
    team_id = _subject_team_id(
        kind=kind, participant=participant, referral=referral, employer=employer
    )
    if team_id not in scope_for(by).specialist_team_ids:
        raise PermissionDenied
    if kind == Appointment.Kind.FIRST_MEETING:
        mode = Contact.Mode.FACE_TO_FACE
    appointment = Appointment(
        team_id=team_id,
        owner=by,
        kind=kind,
        participant=participant if kind != Appointment.Kind.FIRST_MEETING else None,
        referral=referral if kind == Appointment.Kind.FIRST_MEETING else None,
        employer=employer if kind == Appointment.Kind.EMPLOYER else None,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=_check_place(mode, place),
        location=location,
        with_whom=with_whom,
        note=note,
    )
    with acting_as(by), transaction.atomic():
        _save(appointment)
    return appointment


def _locked_planned(appointment: Appointment, by: User) -> Appointment:
    if appointment.team_id not in scope_for(by).staff_team_ids:
        raise PermissionDenied
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != Appointment.Status.PLANNED:
        raise ValidationError(NOT_PLANNED, code="not_planned")
    return locked


def appointment_move(
    *,
    appointment: Appointment,
    by: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    location: str = "",
    with_whom: str = "",
    note: str = "",
) -> Appointment:
    """A new time, place or note; the earlier version stays in the history."""
    with acting_as(by), transaction.atomic():
        locked = _locked_planned(appointment, by)
        if locked.kind == Appointment.Kind.FIRST_MEETING:
            mode = Contact.Mode.FACE_TO_FACE
        locked.starts_at = starts_at
        locked.duration_minutes = duration_minutes
        locked.mode = mode
        locked.place = _check_place(mode, place)
        locked.location = location
        locked.with_whom = with_whom
        locked.note = note
        _save(locked)
    return locked


def appointment_cancel(*, appointment: Appointment, by: User) -> Appointment:
    with acting_as(by), transaction.atomic():
        locked = _locked_planned(appointment, by)
        locked.status = Appointment.Status.CANCELLED
        _save(locked)
    return locked


def appointment_hold(
    *, appointment: Appointment, by: User, now: dt.datetime | None = None
) -> Appointment:
    """The meeting took place: it becomes the logged contact (with the person, or their
    treatment team), the registered first meeting, or the employer log line, pre-filled from
    the appointment: its date, mode, place, length and note. All or nothing."""
    now = now or timezone.now()
    with acting_as(by), transaction.atomic():
        locked = _locked_planned(appointment, by)
        if locked.starts_at > now:
            raise ValidationError(NOT_YET, code="not_yet")
        day = timezone.localdate(locked.starts_at)
        if locked.kind in (Appointment.Kind.PARTICIPANT, Appointment.Kind.TREATMENT_TEAM):
            assert locked.participant is not None
            locked.contact = contact_log(
                participant=locked.participant,
                by=by,
                contact_date=day,
                with_whom=Contact.With.PARTICIPANT
                if locked.kind == Appointment.Kind.PARTICIPANT
                else Contact.With.TREATMENT_TEAM,
                mode=locked.mode,
                place=locked.place,
                duration_minutes=locked.duration_minutes,
                note=locked.note,
            )
        elif locked.kind == Appointment.Kind.FIRST_MEETING:
            assert locked.referral is not None
            participant = _first_meeting(
                referral=locked.referral,
                meeting_date=day,
                place=locked.place,
                duration_minutes=locked.duration_minutes,
                note=locked.note,
                by=by,
            )
            locked.participant = participant
            locked.contact = participant.contacts.order_by("id").first()
        else:
            assert locked.employer is not None
            people = [locked.participant] if locked.participant is not None else []
            locked.employer_contact = employer_contact_log(
                employer=locked.employer,
                by=by,
                contact_date=day,
                purpose=EmployerContact.Purpose.ON_BEHALF
                if people
                else EmployerContact.Purpose.FOLLOW_UP,
                face_to_face=locked.mode == Contact.Mode.FACE_TO_FACE,
                participants=people,
                note=locked.note,
            )
        locked.status = Appointment.Status.DONE
        _save(locked)
    return locked


def first_meeting_register(
    *,
    referral: Referral,
    by: User,
    meeting_date: dt.date,
    place: str,
    duration_minutes: int,
    note: str = "",
) -> Participant:
    """Register the first meeting (referrals' own service) and, in the same transaction, mark
    the referral's planned first meeting held, so it does not wait for registration twice."""
    with acting_as(by), transaction.atomic():
        participant = _first_meeting(
            referral=referral,
            meeting_date=meeting_date,
            place=place,
            duration_minutes=duration_minutes,
            note=note,
            by=by,
        )
        for planned in Appointment.objects.select_for_update().filter(
            referral=referral,
            kind=Appointment.Kind.FIRST_MEETING,
            status=Appointment.Status.PLANNED,
        ):
            planned.status = Appointment.Status.DONE
            planned.participant = participant
            planned.contact = participant.contacts.order_by("id").first()
            _save(planned)
    return participant


# --- The private calendar feed --------------------------------------------------------------------


def calendar_feed_enable(*, by: User) -> tuple[CalendarFeed, str]:
    """Switch on (or renew) the specialist's feed. Returns the feed and its secret token,
    which is not stored (only its hash): the caller shows it once. An earlier feed stops
    working."""
    token = secrets.token_urlsafe(32)
    with acting_as(by), transaction.atomic():
        CalendarFeed.objects.filter(owner=by, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(owner=by, token_hash=token_hash(token))
    return feed, token


def calendar_feed_revoke(*, by: User) -> int:
    """Switch the feed off: its address stops working at once. Returns how many were active."""
    with acting_as(by), transaction.atomic():
        return CalendarFeed.objects.filter(owner=by, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def calendar_feed_fetched(*, feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
