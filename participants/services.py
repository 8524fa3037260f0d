"""Writes to the participant record. Each function is one transaction; status changes leave a
ParticipantStatusEvent row, and edits of tracked models leave pghistory rows (ips/history.py)
naming the actor `by`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ips.access import employer_team_ids_for
from ips.accounts.models import User
from ips.audit.subject import participant_anonymise
from ips.changes import Subject, announce
from ips.dates import oslo_today
from ips.history import acting_as
from ips.merge import Conflict, three_way_merge
from ips.validators import normalise_phone
from participants import selectors
from participants.models import (
    ActionPlan,
    Contact,
    EducationEpisode,
    Goal,
    Job,
    Participant,
    ParticipantStatusEvent,
    PlanReview,
    ProfileSectionFill,
    SupportPerson,
    VocationalProfile,
    WorkHistoryEntry,
)

FUTURE_DATE = _("Datoen kan ikke være frem i tid.")
END_BEFORE_START = _("Sluttdato kan ikke være før startdato.")


def _save(obj: Model) -> None:
    """full_clean, then save inside a savepoint so a constraint the clean could not see (a race)
    becomes a ValidationError instead of a 500. Every write of a participant's record goes
    through here, so here it is announced (ips.changes): the alerts about the person (contact,
    profile, plan, job rules) are re-evaluated as soon as the transaction commits."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(_("Lagringen ble avvist: %(error)s") % {"error": exc}) from exc
    announce(Subject.PARTICIPANT, _participant_id_of(obj))


def _participant_id_of(obj: Model) -> int | None:
    """The participant a saved record belongs to: itself, or through its plan or profile."""
    if isinstance(obj, Participant):
        return obj.pk
    for owner in ("plan", "profile"):
        if hasattr(obj, f"{owner}_id"):
            return getattr(obj, owner).participant_id
    return getattr(obj, "participant_id", None)


def _not_in_future(field: str, value: dt.date | None) -> None:
    if value is not None and value > oslo_today():
        raise ValidationError({field: FUTURE_DATE}, code="future")


# --- Status -------------------------------------------------------------------------------------


def participant_change_status(
    *, participant: Participant, to_status: str, by: User, note: str = ""
) -> Participant:
    """Move the participant to a new status and record the change. Nothing is a precondition:
    job search in particular never waits for a finished vocational profile."""
    with acting_as(by), transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        from_status = participant.status
        if from_status == to_status:
            return participant
        participant.status = to_status
        if to_status == Participant.Status.CLOSED:
            participant.closed_at = timezone.now()
        elif from_status == Participant.Status.CLOSED:
            participant.closed_at = None
        _save(participant)
        ParticipantStatusEvent.objects.create(
            participant=participant, from_status=from_status, to_status=to_status, by=by, note=note
        )
        if to_status == Participant.Status.JOB_SEARCH:
            # The plan's "job search started" date is the first move into job search.
            ActionPlan.objects.filter(
                participant=participant, job_search_start_date__isnull=True
            ).update(job_search_start_date=oslo_today())
        # The specialist's caseload changed too (the person's own alerts: see _save).
        announce(Subject.SPECIALIST, participant.job_specialist_id)
    return participant


# --- Contact details ------------------------------------------------------------------------------


def participant_contact_update(
    *,
    participant: Participant,
    by: User,
    phone: str = "",
    email: str = "",
    address: str = "",
    preferred_contact: str = "",
) -> Participant:
    """Phone, e-mail, address and the preferred way of contact. The phone is checked and stored
    as E.164; the way of contact needs what it uses (a phone number for calls and SMS, an
    address for e-mail). The previous values stay in the participant's change history."""
    errors: dict[str, Any] = {}
    try:
        phone = normalise_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    email, address = email.strip(), address.strip()
    PC = Participant.PreferredContact
    if preferred_contact in (PC.PHONE, PC.SMS) and not phone and "phone" not in errors:
        errors["phone"] = _("Skriv telefonnummeret når kontakten skal skje på telefon eller SMS.")
    if preferred_contact == PC.EMAIL and not email:
        errors["email"] = _("Skriv e-postadressen når kontakten skal skje på e-post.")
    if errors:
        raise ValidationError(errors)
    with acting_as(by), transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        participant.phone = phone
        participant.email = email
        participant.address = address
        participant.preferred_contact = preferred_contact
        _save(participant)
    return participant


# --- Contact log ---------------------------------------------------------------------------------


def contact_log(
    *,
    participant: Participant,
    by: User,
    contact_date: dt.date,
    with_whom: str = Contact.With.PARTICIPANT,
    mode: str = Contact.Mode.FACE_TO_FACE,
    place: str = "",
    duration_minutes: int = 30,
    note: str = "",
) -> Contact:
    """Log a contact. A meeting in person needs its place (no default: a default would claim
    community work); phone, video and messages have none, and a place sent with them (a choice
    left over from switching mode in the form) is cleared."""
    _not_in_future("contact_date", contact_date)
    place = _contact_place(mode, place)
    contact = Contact(
        participant=participant,
        logged_by=by,
        contact_date=contact_date,
        with_whom=with_whom,
        mode=mode,
        place=place,
        duration_minutes=duration_minutes,
        note=note,
    )
    with acting_as(by), transaction.atomic():
        _save(contact)
    return contact


PLACE_REQUIRED = _("Velg hvor dere møttes.")


def _contact_place(mode: str, place: str) -> str:
    if mode != Contact.Mode.FACE_TO_FACE:
        return ""
    if not place:
        raise ValidationError({"place": PLACE_REQUIRED}, code="required")
    return place


class ContactChanges(TypedDict, total=False):
    contact_date: dt.date
    with_whom: str
    mode: str
    place: str
    duration_minutes: int
    note: str


CONTACT_EDITABLE = tuple(ContactChanges.__annotations__)


def contact_update(*, contact: Contact, by: User, **fields: Unpack[ContactChanges]) -> Contact:
    """Edit a logged contact. The previous version stays in contact.history (pghistory)."""
    unknown = set(fields) - set(CONTACT_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _not_in_future("contact_date", fields.get("contact_date"))
    with acting_as(by), transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        for name, value in fields.items():
            setattr(contact, name, value)
        if fields.keys() & {"mode", "place"}:
            contact.place = _contact_place(contact.mode, contact.place)
        _save(contact)
    return contact


# --- Vocational profile ------------------------------------------------------------------------


@dataclass
class SectionSave:
    """What a section save did: the fields written, the fields left as someone else saved them,
    and the fields both changed differently (nothing written for those)."""

    profile: VocationalProfile | None
    applied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: dict[str, Conflict] = field(default_factory=dict)


def profile_section_save(
    *,
    participant: Participant,
    by: User,
    section: str,
    base: Mapping[str, Any],
    data: Mapping[str, Any],
) -> SectionSave:
    """Save one section of the vocational profile from a form that started at `base` (the
    values the page showed; ips.merge). A three-way merge per field: the user's own changes are
    applied on top of what is stored now, fields someone else changed meanwhile are kept, and
    fields both changed differently come back as conflicts, unsaved. Passing only some of the
    section's fields (a conflict page) merges only those. The section's «utfylt av / dato» is
    set from `by` whenever something is written."""
    spec = selectors.PROFILE_SECTION_BY_KEY.get(section)
    if spec is None or spec.related:
        raise ValueError(f"not an editable profile section: {section!r}")
    unknown = set(data) - set(spec.fields)
    if unknown:
        raise TypeError(f"not fields of section {section}: {sorted(unknown)}")
    with acting_as(by), transaction.atomic():
        profile = (
            VocationalProfile.objects.select_for_update().filter(participant=participant).first()
        )
        current = selectors.profile_field_values(profile, data)
        merge = three_way_merge(base=base, current=current, mine=data)
        if merge.apply:
            if profile is None:
                profile = VocationalProfile(participant=participant)
            else:
                profile.version += 1
            for name, value in merge.apply.items():
                setattr(profile, name, value)
            profile.updated_by = by
            _save(profile)
            _record_section_fill(profile, section, by)
    return SectionSave(
        profile=profile, applied=list(merge.apply), kept=merge.kept, conflicts=merge.conflicts
    )


def _record_section_fill(profile: VocationalProfile, section: str, by: User) -> None:
    ProfileSectionFill.objects.update_or_create(
        profile=profile, section=section, defaults={"filled_by": by, "filled_at": timezone.now()}
    )


def _profile_for(participant: Participant, *, by: User) -> VocationalProfile:
    profile, _created = VocationalProfile.objects.get_or_create(
        participant=participant, defaults={"updated_by": by}
    )
    return profile


def work_history_add(
    *,
    participant: Participant,
    by: User,
    title: str,
    employer_name: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    hours_per_week: Decimal | None = None,
    duties: str = "",
    reason_ended: str = "",
    liked: str = "",
    disliked: str = "",
) -> WorkHistoryEntry:
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": END_BEFORE_START})
    with acting_as(by), transaction.atomic():
        entry = WorkHistoryEntry(
            profile=_profile_for(participant, by=by),
            title=title,
            employer_name=employer_name,
            start_date=start_date,
            end_date=end_date,
            hours_per_week=hours_per_week,
            duties=duties,
            reason_ended=reason_ended,
            liked=liked,
            disliked=disliked,
        )
        _save(entry)
        _record_section_fill(entry.profile, "work_history", by)
    return entry


def support_person_add(
    *,
    participant: Participant,
    by: User,
    name: str,
    relation: str = "",
    contact_frequency: str = "",
    thoughts_on_work: str = "",
    how_they_can_help: str = "",
) -> SupportPerson:
    with acting_as(by), transaction.atomic():
        person = SupportPerson(
            profile=_profile_for(participant, by=by),
            name=name,
            relation=relation,
            contact_frequency=contact_frequency,
            thoughts_on_work=thoughts_on_work,
            how_they_can_help=how_they_can_help,
        )
        _save(person)
        _record_section_fill(person.profile, "support_network", by)
    return person


# --- Action plan ---------------------------------------------------------------------------------


def _plan_for(participant: Participant, *, by: User) -> ActionPlan:
    """The person's plan; one created here (by a first goal) is filled in by `by`. After that
    «utfylt av / dato» follows saves of the plan itself (plan_save), not of each goal."""
    plan, _created = ActionPlan.objects.get_or_create(
        participant=participant, defaults={"filled_by": by, "filled_at": timezone.now()}
    )
    return plan


def plan_is_complete(plan: ActionPlan) -> bool:
    """The action plan is complete (kit: «Dato da handlingsplanen var gjennomført») once it
    has what the kit's plan form asks for: an overall work goal (hovedmål) and at least one
    delmål with a responsible person and a target date. Activities and the date a goal was
    reached are filled in later and do not keep a plan from being complete."""
    return bool(plan.overall_goal.strip()) and (
        plan.goals.filter(archived_at__isnull=True, target_date__isnull=False)
        .exclude(responsible__regex=r"^\s*$")
        .exists()
    )


def _record_plan_completed(plan: ActionPlan) -> None:
    """The first time a saved plan is complete, its date goes on the participant's referral
    (`action_plan_completed_date`); later edits never move it. Through the participant's own
    link to its referral, so participants does not import the referrals app above it."""
    if not plan_is_complete(plan):
        return
    referral_field = Participant._meta.get_field("referral")
    Referral = referral_field.related_model
    assert isinstance(Referral, type)  # a model class, not the string "self"
    Referral._default_manager.filter(
        pk=Participant.objects.filter(pk=plan.participant_id).values("referral_id")[:1],
        action_plan_completed_date__isnull=True,
    ).update(action_plan_completed_date=oslo_today(), updated_at=timezone.now())


def plan_save(
    *,
    participant: Participant,
    by: User,
    overall_goal: str,
    job_search_start_date: dt.date | None = None,
) -> ActionPlan:
    _not_in_future("job_search_start_date", job_search_start_date)
    with acting_as(by), transaction.atomic():
        plan = _plan_for(participant, by=by)
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.overall_goal = overall_goal
        plan.job_search_start_date = job_search_start_date
        plan.filled_by, plan.filled_at = by, timezone.now()
        _save(plan)
        _record_plan_completed(plan)
    return plan


class GoalChanges(TypedDict, total=False):
    description: str
    activities: str
    responsible: str
    target_date: dt.date | None
    achieved_date: dt.date | None


GOAL_EDITABLE = tuple(GoalChanges.__annotations__)


def goal_add(
    *,
    participant: Participant,
    by: User,
    description: str,
    activities: str = "",
    responsible: str = "",
    target_date: dt.date | None = None,
    achieved_date: dt.date | None = None,
) -> Goal:
    _not_in_future("achieved_date", achieved_date)
    with acting_as(by), transaction.atomic():
        goal = Goal(
            plan=_plan_for(participant, by=by),
            description=description,
            activities=activities,
            responsible=responsible,
            target_date=target_date,
            achieved_date=achieved_date,
        )
        _save(goal)
        _record_plan_completed(goal.plan)
    return goal


def goal_update(*, goal: Goal, by: User, **fields: Unpack[GoalChanges]) -> Goal:
    unknown = set(fields) - set(GOAL_EDITABLE)
    if unknown:
        raise TypeError(f"not goal fields: {sorted(unknown)}")
    _not_in_future("achieved_date", fields.get("achieved_date"))
    with acting_as(by), transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        for name, value in fields.items():
            setattr(goal, name, value)
        _save(goal)
        _record_plan_completed(goal.plan)
    return goal


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    goals = plan.goals.filter(archived_at__isnull=True).order_by("target_date", "id")
    return {
        "overall_goal": plan.overall_goal,
        "job_search_start_date": _iso(plan.job_search_start_date),
        "goals": [
            {
                "description": g.description,
                "activities": g.activities,
                "responsible": g.responsible,
                "target_date": _iso(g.target_date),
                "achieved_date": _iso(g.achieved_date),
            }
            for g in goals
        ],
    }


def plan_review_record(
    *,
    participant: Participant,
    by: User,
    reviewed_on: dt.date,
    summary: str,
    participants_present: str = "",
) -> PlanReview:
    """A (quarterly) review. The plan and its goals are copied into the review as they read now,
    so the version that was reviewed stays readable after later edits."""
    _not_in_future("reviewed_on", reviewed_on)
    with acting_as(by), transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=_plan_for(participant, by=by).pk)
        review = PlanReview(
            plan=plan,
            reviewed_on=reviewed_on,
            reviewed_by=by,
            participants_present=participants_present,
            summary=summary,
            snapshot=plan_snapshot(plan),
        )
        _save(review)
    return review


# --- Jobs and education ---------------------------------------------------------------------------


def job_start(
    *,
    participant: Participant,
    by: User,
    employer: Any,  # an employers.Employer (Job.employer); participants never imports employers
    title: str,
    start_date: dt.date,
    hours_per_week: Decimal,
    hourly_wage: Decimal | None = None,
    is_ordinary: bool = True,
    is_permanent: bool = False,
    disclosed: bool = False,
) -> Job:
    """Register a job. Ordinary paid work moves the participant to "employed"; a work-training
    place (is_ordinary=False) is recorded but is not a job and changes no status."""
    _not_in_future("start_date", start_date)
    if employer.team_id not in employer_team_ids_for(by):
        raise ValidationError({"employer": _("Velg en arbeidsgiver fra registeret.")})
    with acting_as(by), transaction.atomic():
        job = Job(
            participant=participant,
            employer=employer,
            title=title,
            start_date=start_date,
            hours_per_week=hours_per_week,
            hourly_wage=hourly_wage,
            is_ordinary=is_ordinary,
            is_permanent=is_permanent,
            disclosed=disclosed,
            created_by=by,
        )
        _save(job)
        if is_ordinary:
            participant_change_status(
                participant=participant,
                to_status=Participant.Status.EMPLOYED,
                by=by,
                note=str(_("Startet i jobb: %(title)s") % {"title": title}),
            )
    return job


def _end_validate(
    *, start_date: dt.date, end_date: dt.date, end_reason: str, reason_missing: str | Promise
) -> None:
    """An ending needs a reason and a date between the start and today (field errors)."""
    errors: dict[str, Any] = {}
    if not end_reason:
        errors["end_reason"] = reason_missing
    if end_date < start_date:
        errors["end_date"] = END_BEFORE_START
    elif end_date > oslo_today():
        errors["end_date"] = FUTURE_DATE
    if errors:
        raise ValidationError(errors)


def job_end(*, job: Job, by: User, end_date: dt.date, end_reason: str, end_note: str = "") -> Job:
    """End a job (date ≥ start, reason required). When the person has no other ordinary job
    left, the status goes back to job search: support continues after a job ends."""
    _end_validate(
        start_date=job.start_date,
        end_date=end_date,
        end_reason=end_reason,
        reason_missing=_("Oppgi hvorfor jobben sluttet."),
    )
    with acting_as(by), transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.end_date is not None:
            raise ValidationError(_("Jobben er allerede avsluttet."))
        job.end_date = end_date
        job.end_reason = end_reason
        job.end_note = end_note
        _save(job)
        participant = job.participant
        still_working = (
            Job.objects.filter(participant=participant, is_ordinary=True, end_date__isnull=True)
            .exclude(pk=job.pk)
            .exists()
        )
        if job.is_ordinary and not still_working and participant.status == "employed":
            participant_change_status(
                participant=participant,
                to_status=Participant.Status.JOB_SEARCH,
                by=by,
                note=str(_("Jobben er avsluttet: %(title)s") % {"title": job.title}),
            )
    return job


def education_start(
    *,
    participant: Participant,
    by: User,
    institution: str,
    programme: str,
    start_date: dt.date,
    is_ordinary: bool = True,
) -> EducationEpisode:
    """Ordinary education is an outcome for young people; it moves the status to education
    unless the person is also working (work is the status we report)."""
    _not_in_future("start_date", start_date)
    with acting_as(by), transaction.atomic():
        episode = EducationEpisode(
            participant=participant,
            institution=institution,
            programme=programme,
            start_date=start_date,
            is_ordinary=is_ordinary,
            created_by=by,
        )
        _save(episode)
        if is_ordinary and participant.status != Participant.Status.EMPLOYED:
            participant_change_status(
                participant=participant,
                to_status=Participant.Status.EDUCATION,
                by=by,
                note=str(_("Startet på utdanning: %(p)s") % {"p": programme}),
            )
    return episode


def education_end(
    *, episode: EducationEpisode, by: User, end_date: dt.date, end_reason: str
) -> EducationEpisode:
    _end_validate(
        start_date=episode.start_date,
        end_date=end_date,
        end_reason=end_reason,
        reason_missing=_("Oppgi hvorfor utdanningen sluttet."),
    )
    with acting_as(by), transaction.atomic():
        episode = EducationEpisode.objects.select_for_update().get(pk=episode.pk)
        if episode.end_date is not None:
            raise ValidationError(_("Utdanningen er allerede avsluttet."))
        episode.end_date = end_date
        episode.end_reason = end_reason
        _save(episode)
        participant = episode.participant
        still_studying = (
            EducationEpisode.objects.filter(
                participant=participant, is_ordinary=True, end_date__isnull=True
            )
            .exclude(pk=episode.pk)
            .exists()
        )
        if not still_studying and participant.status == Participant.Status.EDUCATION:
            participant_change_status(
                participant=participant,
                to_status=Participant.Status.JOB_SEARCH,
                by=by,
                note=str(_("Utdanningen er avsluttet.")),
            )
    return episode


def retention_run(*, now: dt.datetime | None = None) -> int:
    """Anonymise every participant closed more than RETENTION_YEARS ago. Each one in its own
    transaction (a failure leaves the others done). Returns how many were anonymised.

    The retention rule is the actor, never a person: the changes are recorded as "System:
    retention" (and the access log names the system too)."""
    now = now or timezone.now()
    done = 0
    with acting_as(None, via="retention"):
        for participant in selectors.participants_due_for_anonymisation(
            now=now, years=settings.RETENTION_YEARS
        ):
            participant_anonymise(participant=participant, now=now)
            done += 1
    return done


# --- Import from a team's spreadsheet (spreadsheets/) ------------------------------------------------
# The import writes many records at once. The rules are the ones above (field validation, dates
# not in the future, an end not before its start, a place only for meetings in person); the
# database constraints apply as always and pghistory's triggers record every row. Each record is
# written under `acting_as(by, via="import: <file>, <sheet> row N")`; contacts, the bulk of any
# file, go in as multi-row INSERTs, each batch under one history context naming its rows. The
# changes are announced once per import, not once per row.

IMPORT_BATCH = 1000


def _import_clean(obj: Model, *, exclude: tuple[str, ...]) -> None:
    obj.clean_fields(exclude=list(exclude))


def participants_import(
    *,
    team: Any,
    by: User,
    creates: list[tuple[str, dict[str, Any]]],
    updates: list[tuple[str, Participant, dict[str, Any]]],
) -> dict[str, Participant]:
    """New participants (with their first status event) and changes to existing ones (a status
    change leaves its event, as `participant_change_status` does). `creates` and `updates` carry
    the history `via` of each row. Returns the participants by national ID."""
    done: dict[str, Participant] = {}
    touched: list[int] = []
    with transaction.atomic():
        for via, values in creates:
            participant = Participant(team=team, **values)
            _import_clean(participant, exclude=("team", "job_specialist", "referral"))
            _not_in_future("entry_date", participant.entry_date)
            if participant.status == Participant.Status.CLOSED:
                participant.closed_at = timezone.now()
            with acting_as(by, via=via):
                participant.save()
                ParticipantStatusEvent.objects.create(
                    participant=participant,
                    from_status="",
                    to_status=participant.status,
                    by=by,
                    note=str(_("Importert fra regneark")),
                )
            done[participant.national_id] = participant
            touched.append(participant.pk)
        for via, participant, changes in updates:
            from_status = participant.status
            for name, value in changes.items():
                setattr(participant, name, value)
            _import_clean(participant, exclude=("team", "job_specialist", "referral"))
            _not_in_future("entry_date", participant.entry_date)
            with acting_as(by, via=via):
                if participant.status != from_status:
                    if participant.status == Participant.Status.CLOSED:
                        participant.closed_at = timezone.now()
                    elif from_status == Participant.Status.CLOSED:
                        participant.closed_at = None
                    ParticipantStatusEvent.objects.create(
                        participant=participant,
                        from_status=from_status,
                        to_status=participant.status,
                        by=by,
                        note=str(_("Importert fra regneark")),
                    )
                participant.save()
            done[participant.national_id] = participant
            touched.append(participant.pk)
        announce(Subject.PARTICIPANT, touched)
        announce(Subject.SPECIALIST, {p.job_specialist_id for p in done.values()})
    return done


def _contact_rules(contact: Contact) -> None:
    _import_clean(contact, exclude=("participant", "logged_by"))
    _not_in_future("contact_date", contact.contact_date)
    contact.place = _contact_place(contact.mode, contact.place)
    if not 1 <= contact.duration_minutes <= Contact.MAX_DURATION_MINUTES:
        raise ValidationError(
            {"duration_minutes": _("Varigheten må være mellom 1 og 600 minutter.")}
        )


def contacts_import(
    *,
    by: User,
    via: str,
    creates: list[tuple[int, Contact]],
    updates: list[tuple[str, Contact, dict[str, Any]]],
) -> int:
    """New contacts as multi-row INSERTs of `IMPORT_BATCH` rows (history context: `via` and the
    rows' numbers), changed ones one by one. `creates` pairs each contact with its row number."""
    touched: set[int] = set()
    with transaction.atomic():
        for start in range(0, len(creates), IMPORT_BATCH):
            batch = creates[start : start + IMPORT_BATCH]
            for _row, contact in batch:
                _contact_rules(contact)
                touched.add(contact.participant_id)
            rows = [row for row, _c in batch]
            with acting_as(by, via=f"{via} {min(rows)}–{max(rows)}"):
                Contact.objects.bulk_create([c for _r, c in batch])
        for row_via, contact, changes in updates:
            for name, value in changes.items():
                setattr(contact, name, value)
            _contact_rules(contact)
            with acting_as(by, via=row_via):
                contact.save()
            touched.add(contact.participant_id)
        announce(Subject.PARTICIPANT, touched)
    return len(creates) + len(updates)


def _episode_rules(episode: Job | EducationEpisode, *, reason_missing: str | Promise) -> None:
    _not_in_future("start_date", episode.start_date)
    if episode.end_date is not None:
        _end_validate(
            start_date=episode.start_date,
            end_date=episode.end_date,
            end_reason=episode.end_reason,
            reason_missing=reason_missing,
        )


def jobs_import(
    *,
    by: User,
    creates: list[tuple[str, Job]],
    updates: list[tuple[str, Job, dict[str, Any]]],
) -> int:
    """Jobs from the file, ended ones with their end. The participants' statuses are the file's
    (its participant sheet says them), so a job here does not move a status as `job_start` and
    `job_end` do for a job registered in the app."""
    allowed = employer_team_ids_for(by)
    touched: set[int] = set()
    with transaction.atomic():
        for via, job, *changes in [(v, j) for v, j in creates] + [(v, j, c) for v, j, c in updates]:
            for name, value in (changes[0] if changes else {}).items():
                setattr(job, name, value)
            if not changes:
                job.created_by = by
            if job.employer.team_id not in allowed:
                raise ValidationError({"employer": _("Velg en arbeidsgiver fra registeret.")})
            _import_clean(job, exclude=("participant", "employer", "created_by"))
            _episode_rules(job, reason_missing=_("Oppgi hvorfor jobben sluttet."))
            with acting_as(by, via=via):
                job.save()
            touched.add(job.participant_id)
        announce(Subject.PARTICIPANT, touched)
    return len(creates) + len(updates)


def education_import(
    *,
    by: User,
    creates: list[tuple[str, EducationEpisode]],
    updates: list[tuple[str, EducationEpisode, dict[str, Any]]],
) -> int:
    """Education episodes from the file; like `jobs_import`, statuses are the file's."""
    touched: set[int] = set()
    with transaction.atomic():
        for via, episode, *changes in [(v, e) for v, e in creates] + [
            (v, e, c) for v, e, c in updates
        ]:
            for name, value in (changes[0] if changes else {}).items():
                setattr(episode, name, value)
            if not changes:
                episode.created_by = by
            _import_clean(episode, exclude=("participant", "created_by"))
            _episode_rules(episode, reason_missing=_("Oppgi hvorfor utdanningen sluttet."))
            with acting_as(by, via=via):
                episode.save()
            touched.add(episode.participant_id)
        announce(Subject.PARTICIPANT, touched)
    return len(creates) + len(updates)
