"""Writes for referrals. Each status change writes a ReferralEvent in the same transaction.

There is no "reject" here on purpose: IPS has zero exclusion. A referral is assigned, turns into
a participant at the first meeting, or is withdrawn for a reason on the person's side.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ips.accounts.models import Membership, Organisation, Team, User
from ips.changes import Subject, announce
from ips.dates import oslo_today
from ips.history import acting_as
from ips.validators import normalise_phone
from participants.models import Contact, InWorkAtReferral, Participant, ParticipantStatusEvent
from participants.selectors import caseload_of
from referrals.models import Referral, ReferralEvent


class DuplicateParticipantError(Exception):
    """The person is already a participant of the receiving team: open that record instead."""

    def __init__(self, participant: Participant) -> None:
        super().__init__(f"participant {participant.pk} exists")
        self.participant = participant


def _event(*, referral: Referral, from_status: str, by: User | None, note: str = "") -> None:
    """Every referral write ends with its event row; the alerts about the referral (unassigned,
    first meeting overdue) are re-evaluated as soon as the transaction commits (ips.changes)."""
    ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=referral.status, by=by, note=note
    )
    announce(Subject.REFERRAL, referral.pk)


def _locked(referral: Referral) -> Referral:
    """Re-read the row under a lock so two leaders clicking at once cannot both act on it."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require_open(referral: Referral) -> None:
    if referral.status not in Referral.OPEN_STATUSES:
        raise ValidationError(
            _("Henvisningen er allerede avsluttet (%(status)s)."),
            params={"status": referral.get_status_display()},
            code="not_open",
        )


def referral_submit(
    *,
    team: Team,
    source_organisation: Organisation,
    by: User,
    person_name: str,
    national_id: str,
    referral_date: dt.date,
    consent_date: dt.date,
    consent_method: str,
    date_received: dt.date | None = None,
    phone: str = "",
    referrer_name: str = "",
    referrer_phone: str = "",
    job_wishes: str = "",
    medication_side_effects: str = "",
    substance_use: str = "",
    criminal_record: str = "",
    other_information: str = "",
    in_work_at_referral: str = InWorkAtReferral.UNKNOWN,
) -> Referral:
    """A new referral lands in the receiving team's intake queue with status "received", submitted
    by `by`. The person's consent (when and how it was given) is part of every new referral."""
    referral = Referral(
        team=team,
        source_organisation=source_organisation,
        submitted_by=by,
        person_name=person_name.strip(),
        national_id=national_id,
        phone=phone,
        referral_date=referral_date,
        date_received=date_received or oslo_today(),
        referrer_name=referrer_name,
        referrer_phone=referrer_phone,
        job_wishes=job_wishes,
        medication_side_effects=medication_side_effects,
        substance_use=substance_use,
        criminal_record=criminal_record,
        other_information=other_information,
        in_work_at_referral=in_work_at_referral,
        consent_given=True,
        consent_date=consent_date,
        consent_method=consent_method,
        status=Referral.Status.RECEIVED,
    )
    referral.full_clean()
    with acting_as(by), transaction.atomic():
        referral.save()
        _event(referral=referral, from_status="", by=by)
    return referral


def _is_team_specialist(user: User, team: Team) -> bool:
    return Membership.objects.filter(
        user=user,
        user__is_active=True,
        team=team,
        role=Membership.Role.JOB_SPECIALIST,
        ended_at__isnull=True,
    ).exists()


def referral_assign(
    *, referral: Referral, specialist: User, by: User, confirm_over_limit: bool = False
) -> Referral:
    """Give the referral to a job specialist of the receiving team (or move it to another one).

    Above the team's breach threshold the leader must confirm: sometimes it is still the right
    choice (the person already knows that specialist), but it must be a deliberate one.
    """
    with acting_as(by), transaction.atomic():
        referral = _locked(referral)
        _require_open(referral)
        if not _is_team_specialist(specialist, referral.team):
            raise ValidationError(
                {"specialist": _("Velg en jobbspesialist i teamet som mottok henvisningen.")},
                code="not_in_team",
            )
        caseload = caseload_of(specialist)
        if caseload >= referral.team.caseload_limit and not confirm_over_limit:
            raise ValidationError(
                {
                    "confirm_over_limit": _(
                        "%(name)s har allerede %(count)s aktive deltakere (bruddgrensen er "
                        "%(limit)s). Kryss av for å bekrefte tildelingen likevel."
                    )
                    % {
                        "name": specialist,
                        "count": caseload,
                        "limit": referral.team.caseload_limit,
                    }
                },
                code="over_limit",
            )
        from_status = referral.status
        previous = referral.assigned_specialist
        referral.assigned_specialist = specialist
        referral.assigned_at = timezone.now()
        referral.status = Referral.Status.ASSIGNED
        referral.full_clean()
        referral.save()
        note = ""
        if previous is not None and previous != specialist:
            note = f"{previous} → {specialist}"
        elif caseload >= referral.team.caseload_limit:
            note = str(_("Tildelt over bruddgrensen etter bekreftelse."))
        _event(referral=referral, from_status=from_status, by=by, note=note)
    return referral


def referral_register_first_meeting(
    *,
    referral: Referral,
    meeting_date: dt.date,
    place: str,
    duration_minutes: int,
    by: User,
    note: str = "",
) -> Participant:
    """The first meeting turns the referral into a participant, all or nothing: the participant
    (linked to its referral), its first status event, the meeting in the contact log, and the
    referral's new status."""
    today = oslo_today()
    with acting_as(by), transaction.atomic():
        referral = _locked(referral)
        _require_open(referral)
        if referral.assigned_specialist_id is None:
            raise ValidationError(
                _("Tildel henvisningen til en jobbspesialist før første møte registreres."),
                code="unassigned",
            )
        if meeting_date > today:
            raise ValidationError(
                {"meeting_date": _("Datoen kan ikke være frem i tid.")}, code="future"
            )
        if meeting_date < referral.date_received:
            raise ValidationError(
                {
                    "meeting_date": _(
                        "Første møte kan ikke være før henvisningen ble mottatt (%(date)s)."
                    )
                    % {"date": referral.date_received.strftime("%d.%m.%Y")}
                },
                code="before_received",
            )
        existing = Participant.objects.filter(
            team_id=referral.team_id, national_id=referral.national_id
        ).first()
        if existing is not None:
            raise DuplicateParticipantError(existing)

        participant = Participant(
            team_id=referral.team_id,
            referral=referral,
            name=referral.person_name,
            national_id=referral.national_id,
            phone=_phone_as_stored(referral.phone),
            job_specialist_id=referral.assigned_specialist_id,
            status=Participant.Status.ENGAGED,
            entry_date=meeting_date,
            in_work_at_referral=referral.in_work_at_referral,
        )
        participant.full_clean()
        try:
            # A savepoint: a concurrent first meeting for the same person loses cleanly.
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            existing = Participant.objects.filter(
                team_id=referral.team_id, national_id=referral.national_id
            ).first()
            if existing is not None:
                raise DuplicateParticipantError(existing) from None
            raise
        ParticipantStatusEvent.objects.create(
            participant=participant,
            from_status="",
            to_status=Participant.Status.ENGAGED,
            by=by,
            note=str(_("Første møte")),
        )
        contact = Contact(
            participant=participant,
            logged_by=by,
            contact_date=meeting_date,
            with_whom=Contact.With.PARTICIPANT,
            mode=Contact.Mode.FACE_TO_FACE,
            place=place,
            duration_minutes=duration_minutes,
            note=note,
        )
        contact.full_clean()
        contact.save()
        from_status = referral.status
        referral.first_meeting_date = meeting_date
        referral.status = Referral.Status.FIRST_MEETING_HELD
        referral.full_clean()
        referral.save()
        _event(referral=referral, from_status=from_status, by=by)
        # A new person on the specialist's caseload.
        announce(Subject.SPECIALIST, participant.job_specialist_id)
    return participant


def _phone_as_stored(phone: str) -> str:
    """The referral's phone number for the participant's contact details: checked and stored
    as E.164 when it is a valid number; otherwise as the referrer typed it (the team sees it and
    corrects it, and nothing is lost)."""
    try:
        return normalise_phone(phone)
    except ValidationError:
        return phone


def referral_withdraw(*, referral: Referral, reason: str, by: User, note: str = "") -> Referral:
    """The person's own choice (or moving, or no contact after documented attempts) ends a
    referral. Nobody is turned away by the team."""
    note = note.strip()
    if (
        reason not in Referral.WithdrawalReason.values
        or reason == Referral.WithdrawalReason.DUPLICATE
    ):
        # A duplicate is merged (`referral_merge`), so that it points to the record kept.
        raise ValidationError({"reason": _("Velg en årsak fra listen.")}, code="invalid_reason")
    if reason == Referral.WithdrawalReason.OTHER and not note:
        raise ValidationError(
            {"note": _("Beskriv årsaken når du velger «Annet».")}, code="note_required"
        )
    with acting_as(by), transaction.atomic():
        referral = _locked(referral)
        _require_open(referral)
        from_status = referral.status
        referral.status = Referral.Status.WITHDRAWN
        referral.withdrawal_reason = reason
        referral.withdrawal_note = note
        referral.withdrawn_at = timezone.now()
        referral.full_clean()
        referral.save()
        _event(referral=referral, from_status=from_status, by=by, note=note)
    return referral


def referral_merge(
    *,
    duplicate: Referral,
    by: User,
    kept: Referral | None = None,
    kept_participant: Participant | None = None,
) -> Referral:
    """The same person referred twice to one team: the duplicate is withdrawn as "duplicate",
    pointing to the record kept (another open referral of the team, or the person's active
    participant record). Nothing is deleted: both rows and their history stay, and each gets
    an event naming the other."""
    if (kept is None) == (kept_participant is None):
        raise ValueError("give exactly one of kept / kept_participant")
    with acting_as(by), transaction.atomic():
        if kept is not None:
            # Both rows locked, in id order, so two leaders merging either way cannot deadlock.
            locked = {
                r.pk: r
                for r in Referral.objects.select_for_update()
                .filter(pk__in=[duplicate.pk, kept.pk])
                .order_by("pk")
            }
            duplicate, kept = locked[duplicate.pk], locked[kept.pk]
        else:
            duplicate = _locked(duplicate)
        _require_open(duplicate)
        if kept is not None:
            if kept.pk == duplicate.pk:
                raise ValidationError(_("Velg en annen henvisning enn denne."), code="same")
            if kept.status not in Referral.OPEN_STATUSES:
                raise ValidationError(
                    _("Henvisningen som skal beholdes, er ikke åpen lenger."), code="kept_closed"
                )
            same = kept.team_id == duplicate.team_id and kept.national_id == duplicate.national_id
        else:
            assert kept_participant is not None
            same = (
                kept_participant.team_id == duplicate.team_id
                and kept_participant.national_id == duplicate.national_id
                and kept_participant.status in Participant.ACTIVE_STATUSES
            )
        if not same:
            raise ValidationError(
                _("Bare en henvisning for samme person i samme team kan slås sammen."),
                code="not_same_person",
            )
        from_status = duplicate.status
        duplicate.status = Referral.Status.WITHDRAWN
        duplicate.withdrawal_reason = Referral.WithdrawalReason.DUPLICATE
        duplicate.withdrawn_at = timezone.now()
        duplicate.duplicate_of = kept
        duplicate.duplicate_of_participant = kept_participant
        if kept is not None:
            duplicate.withdrawal_note = str(
                _("Slått sammen med henvisningen mottatt %(date)s fra %(organisation)s.")
                % {
                    "date": kept.date_received.strftime("%d.%m.%Y"),
                    "organisation": kept.source_organisation,
                }
            )
        else:
            duplicate.withdrawal_note = str(
                _("Personen er allerede deltaker i teamet (%(name)s).")
                % {"name": kept_participant.name if kept_participant else ""}
            )
        duplicate.full_clean()
        duplicate.save()
        _event(referral=duplicate, from_status=from_status, by=by, note=duplicate.withdrawal_note)
        if kept is not None:
            _event(
                referral=kept,
                from_status=kept.status,
                by=by,
                note=str(
                    _(
                        "Dobbel henvisning mottatt %(date)s fra %(organisation)s er slått sammen hit."
                    )
                    % {
                        "date": duplicate.date_received.strftime("%d.%m.%Y"),
                        "organisation": duplicate.source_organisation,
                    }
                ),
            )
    return duplicate


# --- Import from a team's spreadsheet (spreadsheets/) ------------------------------------------------


def _imported_status(referral: Referral) -> str:
    """An imported referral's status follows its dates: a first meeting held, else assigned to
    a specialist, else received (a withdrawal is recorded in the app, with its reason)."""
    if referral.first_meeting_date is not None:
        return Referral.Status.FIRST_MEETING_HELD
    if referral.assigned_specialist_id is not None:
        return Referral.Status.ASSIGNED
    return Referral.Status.RECEIVED


def referrals_import(
    *,
    team: Team,
    by: User,
    creates: list[tuple[str, dict]],
    updates: list[tuple[str, Referral, dict]],
) -> list[Referral]:
    """Referrals from the team's spreadsheet, each with its event row (`via` names the file and
    row in the history). A referral whose first meeting is held is linked to the team's
    participant with the same national ID, when that participant has no referral yet."""
    done: list[Referral] = []
    with transaction.atomic():
        rows: list[tuple[str, Referral, dict]] = [
            (via, Referral(team=team, submitted_by=by, **values), {}) for via, values in creates
        ]
        for via, referral, changes in rows + [(v, r, c) for v, r, c in updates]:
            from_status = referral.status if referral.pk else ""
            for name, value in changes.items():
                setattr(referral, name, value)
            if referral.date_received is None:
                referral.date_received = referral.referral_date
            if referral.status != Referral.Status.WITHDRAWN:
                referral.status = _imported_status(referral)
            if referral.assigned_specialist_id and referral.assigned_at is None:
                referral.assigned_at = timezone.now()
            referral.full_clean()
            with acting_as(by, via=via):
                referral.save()
                if referral.status != from_status:
                    _event(referral=referral, from_status=from_status, by=by, note=via)
                if referral.status == Referral.Status.FIRST_MEETING_HELD:
                    Participant.objects.filter(
                        team=team, national_id=referral.national_id, referral__isnull=True
                    ).update(referral=referral, updated_at=timezone.now())
            done.append(referral)
    return done
