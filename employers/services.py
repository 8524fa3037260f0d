"""Writes for the employer register, the employer log (arbeidsgiverlogg) and job openings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr as stdnum_orgnr

from employers.models import (
    Employer,
    EmployerContact,
    EmployerContactParticipant,
    EmployerContactPerson,
    JobOpening,
)
from ips.access import can_edit_employer
from ips.accounts.models import Team, User
from ips.changes import Subject, announce
from ips.history import acting_as
from participants.models import Job, Participant
from participants.selectors import participants_for
from participants.services import job_start


class DuplicateEmployerError(Exception):
    """The organisation number is already in this register: open that employer instead."""

    def __init__(self, employer: Employer) -> None:
        super().__init__(f"employer {employer.pk} exists")
        self.employer = employer


def normalise_orgnr(value: str) -> str:
    """People type "974 760 673" or "974760673 MVA"; the register stores the nine digits."""
    value = (value or "").strip().upper().removeprefix("NO").removesuffix("MVA")
    return stdnum_orgnr.compact(value) if value else ""


def _existing_with_orgnr(
    *, team: Team, org_number: str, exclude_pk: int | None = None
) -> Employer | None:
    if not org_number:
        return None
    qs = Employer.objects.filter(team=team, org_number=org_number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _save_employer(employer: Employer) -> Employer:
    existing = _existing_with_orgnr(
        team=employer.team, org_number=employer.org_number, exclude_pk=employer.pk
    )
    if existing is not None:
        raise DuplicateEmployerError(existing)
    # The unique constraint is checked by the query above and, for two saves racing, by the
    # database: full_clean() leaves it to the IntegrityError below.
    employer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError:
        existing = _existing_with_orgnr(
            team=employer.team, org_number=employer.org_number, exclude_pk=employer.pk
        )
        if existing is None:
            raise
        raise DuplicateEmployerError(existing) from None
    return employer


@transaction.atomic
def employer_create(
    *,
    team: Team,
    by: User,
    name: str,
    org_number: str = "",
    industry: str = "",
    municipality: str = "",
    address: str = "",
    notes: str = "",
) -> Employer:
    if not can_edit_employer(by, Employer(team=team)):
        raise PermissionDenied
    employer = Employer(
        team=team,
        name=name.strip(),
        org_number=normalise_orgnr(org_number),
        industry=industry,
        municipality=municipality,
        address=address,
        notes=notes,
        created_by=by,
    )
    with acting_as(by):
        return _save_employer(employer)


# The fields of an employer typed inline in another form (a job start, an employer contact),
# as that form names them.
NEW_EMPLOYER_FIELDS = {"name": "new_employer_name", "org_number": "new_employer_org_number"}


def _employer_create_inline(*, team: Team, by: User, name: str, org_number: str) -> Employer:
    """employer_create for an employer typed into another form: its refusals name that form's
    fields, so the message stands beside what the person typed."""
    try:
        return employer_create(team=team, by=by, name=name, org_number=org_number)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                NEW_EMPLOYER_FIELDS.get(field, field): errors
                for field, errors in exc.error_dict.items()
            }
        ) from exc


@transaction.atomic
def job_start_with_new_employer(
    *,
    participant: Participant,
    by: User,
    employer_name: str,
    employer_org_number: str = "",
    **job: Any,
) -> Job:
    """A job start at an employer not yet in the register: the employer goes into the
    participant's team's register and the job is registered, in one transaction, so a refusal
    of either stores neither. `job` is participants.services.job_start's keyword arguments."""
    employer = _employer_create_inline(
        team=participant.team, by=by, name=employer_name, org_number=employer_org_number
    )
    return job_start(participant=participant, by=by, employer=employer, **job)


@transaction.atomic
def employer_contact_log_with_new_employer(
    *,
    team: Team,
    by: User,
    employer_name: str,
    employer_org_number: str = "",
    **contact: Any,
) -> EmployerContact:
    """A contact with an employer not yet in the register: the employer (in `team`'s register)
    and the log line, in one transaction. `contact` is employer_contact_log's arguments."""
    employer = _employer_create_inline(
        team=team, by=by, name=employer_name, org_number=employer_org_number
    )
    return employer_contact_log(employer=employer, by=by, **contact)


class EmployerChanges(TypedDict, total=False):
    name: str
    org_number: str
    industry: str
    municipality: str
    address: str
    notes: str


EMPLOYER_EDITABLE_FIELDS = tuple(EmployerChanges.__annotations__)


@transaction.atomic
def employer_update(
    *, employer: Employer, by: User, **changes: Unpack[EmployerChanges]
) -> Employer:
    if not can_edit_employer(by, employer):
        raise PermissionDenied
    unknown = set(changes) - set(EMPLOYER_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "org_number" in changes:
        changes["org_number"] = normalise_orgnr(changes["org_number"])
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    with acting_as(by):
        employer = Employer.objects.select_for_update().get(pk=employer.pk)
        for field, value in changes.items():
            setattr(employer, field, value)
        return _save_employer(employer)


@transaction.atomic
def contact_person_add(
    *,
    employer: Employer,
    by: User,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
) -> EmployerContactPerson:
    if not can_edit_employer(by, employer):
        raise PermissionDenied
    person = EmployerContactPerson(
        employer=employer, name=name.strip(), role=role, phone=phone, email=email
    )
    person.full_clean()
    with acting_as(by):
        person.save()
    return person


def _participants_in_scope(
    *, by: User, employer: Employer, participants: Iterable[Participant | int]
) -> list[Participant]:
    """The people a contact or opening is for: only the logging user's own team's participants."""
    ids = {p.pk if isinstance(p, Participant) else int(p) for p in participants}
    if not ids:
        return []
    allowed = list(participants_for(by).filter(pk__in=ids, team_id=employer.team_id))
    if len(allowed) != len(ids):
        raise ValidationError(
            {"participants": _("Du kan bare velge deltakere i ditt eget team.")},
            code="participant_out_of_scope",
        )
    return allowed


@transaction.atomic
def employer_contact_log(
    *,
    employer: Employer,
    by: User,
    contact_date: dt.date,
    purpose: str,
    face_to_face: bool = True,
    contact_person: EmployerContactPerson | None = None,
    participants: Iterable[Participant | int] = (),
    outcome: str = "",
    note: str = "",
    next_step: str = "",
    next_step_date: dt.date | None = None,
) -> EmployerContact:
    """One line in the employer log, logged by the job specialist who made the contact.

    A face-to-face contact on someone's behalf is what the 30-day rapid job search rule waits for:
    it sets the person's first employer contact date, in the same transaction, unless an earlier
    one is already recorded. A contact from before the person entered IPS does not count (and the
    database refuses a first contact before entry).
    """
    if not can_edit_employer(by, employer):
        raise PermissionDenied
    if contact_person is not None and contact_person.employer_id != employer.pk:
        raise ValidationError(
            {"contact_person": _("Kontaktpersonen hører til en annen arbeidsgiver.")},
            code="contact_person_other_employer",
        )
    people = _participants_in_scope(by=by, employer=employer, participants=participants)
    contact = EmployerContact(
        team_id=employer.team_id,
        job_specialist=by,
        employer=employer,
        contact_person=contact_person,
        contact_date=contact_date,
        face_to_face=face_to_face,
        purpose=purpose,
        outcome=outcome,
        note=note,
        next_step=next_step,
        next_step_date=next_step_date,
    )
    contact.full_clean()
    with acting_as(by):
        contact.save()
        EmployerContactParticipant.objects.bulk_create(
            [EmployerContactParticipant(employer_contact=contact, participant=p) for p in people]
        )
        if face_to_face and people:
            Participant.objects.filter(
                pk__in=[p.pk for p in people], entry_date__lte=contact_date
            ).filter(
                Q(first_employer_contact_date__isnull=True)
                | Q(first_employer_contact_date__gt=contact_date)
            ).update(first_employer_contact_date=contact_date, updated_at=timezone.now())
        # The rapid job search alert of the people named, and the specialist's weekly count.
        announce(Subject.PARTICIPANT, [p.pk for p in people])
        announce(Subject.SPECIALIST, by.pk)
    return contact


@transaction.atomic
def job_opening_create(
    *,
    employer: Employer,
    by: User,
    title: str,
    hours_per_week: Decimal | None = None,
    deadline: dt.date | None = None,
    description: str = "",
    matched_participants: Iterable[Participant | int] = (),
    source_contact: EmployerContact | None = None,
) -> JobOpening:
    if not can_edit_employer(by, employer):
        raise PermissionDenied
    if source_contact is not None and source_contact.employer_id != employer.pk:
        raise ValidationError(
            {"source_contact": _("Kontakten gjelder en annen arbeidsgiver.")},
            code="source_contact_other_employer",
        )
    people = _participants_in_scope(by=by, employer=employer, participants=matched_participants)
    opening = JobOpening(
        team_id=employer.team_id,
        employer=employer,
        source_contact=source_contact,
        title=title.strip(),
        hours_per_week=hours_per_week,
        deadline=deadline,
        description=description,
        created_by=by,
    )
    opening.full_clean()
    with acting_as(by):
        opening.save()
        opening.matched_participants.set(people)
    return opening


@transaction.atomic
def job_opening_set_status(*, opening: JobOpening, by: User, status: str) -> JobOpening:
    """Filled or closed leads leave the weekly list; the change history keeps who did it."""
    if not can_edit_employer(by, opening.employer):
        raise PermissionDenied
    with acting_as(by):
        opening = JobOpening.objects.select_for_update().get(pk=opening.pk)
        opening.status = status
        opening.full_clean()
        opening.save(update_fields=["status"])
    return opening


@transaction.atomic
def employer_archive(*, employer: Employer, by: User) -> Employer:
    """Out of the register's lists, never deleted: the log and hires still point to it."""
    if not can_edit_employer(by, employer):
        raise PermissionDenied
    with acting_as(by):
        employer = Employer.objects.select_for_update().get(pk=employer.pk)
        if employer.archived_at is None:
            employer.archived_at = timezone.now()
            employer.save(update_fields=["archived_at"])
    return employer


# --- Import from a team's spreadsheet (spreadsheets/) ------------------------------------------------
# The same rules as the forms' services above (the duplicate check, full_clean), one history
# context per row (`via`: "import: <file>, <sheet> row N"); the employer log's contacts go in as
# multi-row INSERTs with their people, and the first-employer-contact dates are set for all of
# them at once.


@transaction.atomic
def employers_import(
    *,
    team: Team,
    by: User,
    creates: list[tuple[str, dict[str, str]]],
    updates: list[tuple[str, Employer, dict[str, str]]],
) -> list[Employer]:
    if not can_edit_employer(by, Employer(team=team)):
        raise PermissionDenied
    done = []
    for via, values in creates:
        values = {**values, "name": values["name"].strip()}
        values["org_number"] = normalise_orgnr(values.get("org_number", ""))
        with acting_as(by, via=via):
            done.append(_save_employer(Employer(team=team, created_by=by, **values)))
    for via, employer, changes in updates:
        for name, value in changes.items():
            setattr(employer, name, value)
        employer.org_number = normalise_orgnr(employer.org_number)
        with acting_as(by, via=via):
            done.append(_save_employer(employer))
    return done


@transaction.atomic
def contact_persons_import(
    *,
    by: User,
    creates: list[tuple[str, EmployerContactPerson]],
    updates: list[tuple[str, EmployerContactPerson, dict[str, str]]],
) -> int:
    for via, person, *changes in [(v, p) for v, p in creates] + [(v, p, c) for v, p, c in updates]:
        if not can_edit_employer(by, person.employer):
            raise PermissionDenied
        for name, value in (changes[0] if changes else {}).items():
            setattr(person, name, value)
        person.full_clean()
        with acting_as(by, via=via):
            person.save()
    return len(creates) + len(updates)


@transaction.atomic
def employer_contacts_import(
    *,
    team: Team,
    by: User,
    via: str,
    creates: list[tuple[int, EmployerContact, list[Participant]]],
    updates: list[tuple[str, EmployerContact, dict]],
) -> int:
    """Lines of the employer log, logged by the specialist each row names (a member of the
    team: the planner resolved them). A face-to-face contact on someone's behalf sets their
    first employer contact date, as `employer_contact_log` does."""
    if not can_edit_employer(by, Employer(team=team)):
        raise PermissionDenied
    first_contact: dict[int, dt.date] = {}
    specialists: set[int] = set()
    for start in range(0, len(creates), 1000):
        batch = creates[start : start + 1000]
        for _row, contact, _people in batch:
            contact.team = team
            contact.full_clean(
                exclude=["employer", "job_specialist", "team"], validate_constraints=False
            )
            if contact.contact_date > timezone.localdate():
                raise ValidationError({"contact_date": _("En kontakt kan ikke være frem i tid.")})
            specialists.add(contact.job_specialist_id)
        rows = [row for row, _c, _p in batch]
        with acting_as(by, via=f"{via} {min(rows)}–{max(rows)}"):
            EmployerContact.objects.bulk_create([c for _r, c, _p in batch])
            EmployerContactParticipant.objects.bulk_create(
                [
                    EmployerContactParticipant(employer_contact=c, participant=p)
                    for _r, c, people in batch
                    for p in people
                ]
            )
        for _row, contact, people in batch:
            if contact.face_to_face:
                for p in people:
                    if p.entry_date <= contact.contact_date and (
                        p.pk not in first_contact or contact.contact_date < first_contact[p.pk]
                    ):
                        first_contact[p.pk] = contact.contact_date
    for row_via, contact, changes in updates:
        for name, value in changes.items():
            setattr(contact, name, value)
        contact.full_clean(validate_constraints=False)
        with acting_as(by, via=row_via):
            contact.save()
    with acting_as(by, via=via):
        for pk, day in first_contact.items():
            Participant.objects.filter(pk=pk).filter(
                Q(first_employer_contact_date__isnull=True) | Q(first_employer_contact_date__gt=day)
            ).update(first_employer_contact_date=day, updated_at=timezone.now())
    announce(Subject.PARTICIPANT, list(first_contact))
    announce(Subject.SPECIALIST, specialists)
    return len(creates) + len(updates)
