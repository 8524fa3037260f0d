"""Writes of the spreadsheet import and export: a run from upload to confirmed import, and the
team's workbook. The case records are written by the domain apps' import services
(participants, employers), inside one transaction: the whole file goes in, or nothing does."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from employers import services as employer_services
from employers.models import Employer, EmployerContact, EmployerContactPerson
from ips.accounts.models import Team, User
from ips.audit.models import AccessEvent
from ips.audit.services import access_events_record_for
from participants import services as participant_services
from participants.models import Contact, EducationEpisode, Job, Participant
from referrals import services as referral_services
from spreadsheets.columns import COLUMNS, KINDS_IN_ORDER, suggest_kind, suggest_mapping
from spreadsheets.models import ColumnMapping, ImportRow, ImportRun, Kind, Outcome
from spreadsheets.planning import Plan, Planner, RowIn, summary
from spreadsheets.reading import FileRefused, read_sheets


class ImportBlocked(Exception):
    """The run cannot be confirmed (errors in the preview, or the data changed since)."""


def import_run_create(
    *, team: Team, by: User, file_name: str, content: bytes, language: str
) -> ImportRun:
    """Read the upload's sheets and headers; a file that cannot be read raises FileRefused and
    nothing is kept. The suggested kind and mapping of each sheet come with the run."""
    sheets = read_sheets(file_name, content)
    if not any(s.header for s in sheets):
        raise FileRefused(translation.gettext("Filen har ingen rader. Er arket tomt?"))
    saved = {m.kind: m.mapping for m in ColumnMapping.objects.filter(team=team)}
    described = []
    for sheet in sheets:
        kind = suggest_kind(sheet.name, sheet.header) if sheet.header else ""
        mapping = suggest_mapping(kind, sheet.header, saved.get(kind)) if kind else {}
        described.append(
            {
                "name": sheet.name,
                "header": sheet.header,
                "kind": kind,
                "mapping": {str(i): k for i, k in mapping.items()},
                "rows": sheet.row_count,
            }
        )
    return ImportRun.objects.create(
        team=team,
        uploaded_by=by,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        sheets=described,
        language=language,
    )


def import_run_set_kinds(*, run: ImportRun, kinds: dict[str, str]) -> ImportRun:
    saved = {m.kind: m.mapping for m in ColumnMapping.objects.filter(team=run.team)}
    for sheet in run.sheets:
        kind = kinds.get(sheet["name"], "")
        if kind != sheet["kind"]:
            sheet["kind"] = kind
            sheet["mapping"] = (
                {
                    str(i): k
                    for i, k in suggest_mapping(kind, sheet["header"], saved.get(kind)).items()
                }
                if kind
                else {}
            )
    run.status = ImportRun.Status.UPLOADED
    run.save(update_fields=["sheets", "status"])
    return run


def import_run_set_mapping(*, run: ImportRun, mappings: dict[str, dict[str, str]]) -> ImportRun:
    """Save each sheet's mapping {column index: field}; refuse a sheet whose header maps nothing
    or maps one field twice. The mapping is kept for the team, by kind, for the next import."""
    errors: dict[str, str] = {}
    for sheet in run.sheets:
        if not sheet["kind"]:
            continue
        mapping = {i: k for i, k in mappings.get(sheet["name"], {}).items() if k}
        keys = list(mapping.values())
        if not mapping:
            errors[sheet["name"]] = translation.gettext(
                "Ingen kolonner er koblet til felt. Velg hvilket felt minst én kolonne skal fylle."
            )
        elif len(keys) != len(set(keys)):
            errors[sheet["name"]] = translation.gettext(
                "Hvert felt kan bare velges for én kolonne."
            )
        else:
            known = {c.key for c in COLUMNS[sheet["kind"]]}
            sheet["mapping"] = {i: k for i, k in mapping.items() if k in known}
    if not any(s["kind"] for s in run.sheets):
        errors[""] = translation.gettext("Velg hva minst ett ark inneholder.")
    if errors:
        raise ValidationError(errors)
    run.save(update_fields=["sheets"])
    for sheet in run.sheets:
        if sheet["kind"]:
            by_header = {
                sheet["header"][int(i)]: k
                for i, k in sheet["mapping"].items()
                if int(i) < len(sheet["header"])
            }
            ColumnMapping.objects.update_or_create(
                team=run.team, kind=sheet["kind"], defaults={"mapping": by_header}
            )
    return run


def _file_rows(run: ImportRun, *, kind: str = "", start: int = 0) -> list[RowIn]:
    """The file's data rows (of one kind, when given), as values by field (the sheets'
    mappings), numbered on from `start`."""
    rows: list[RowIn] = []
    wanted = {s["name"] for s in run.sheets if s["kind"] and (not kind or s["kind"] == kind)}
    if not wanted:
        return rows
    for sheet in read_sheets(run.file_name, bytes(run.content)):
        described = next((s for s in run.sheets if s["name"] == sheet.name), None)
        if not described or sheet.name not in wanted:
            continue
        mapping = {int(i): k for i, k in described["mapping"].items()}
        for number, cells in sheet.rows_iter():  # type: ignore[operator]
            values = {key: (cells[i] if i < len(cells) else "") for i, key in mapping.items()}
            if any(values.values()):
                rows.append(
                    RowIn(
                        start + len(rows) + 1, described["kind"], sheet.name[:100], number, values
                    )
                )
    return rows


def _stored_rows(run: ImportRun) -> list[RowIn]:
    return [
        RowIn(*values)
        for values in ImportRow.objects.filter(run_id=run.pk)
        .order_by("position")
        .values_list("position", "kind", "sheet", "row_number", "values")
    ]


def _plan(run: ImportRun, rows: list[RowIn] | None = None) -> list[Plan]:
    with translation.override(run.language):
        return Planner(team=run.team, rows=_stored_rows(run) if rows is None else rows).run()


def import_run_preview(run: ImportRun, *, reread: bool = True) -> ImportRun:
    """Read the rows (unless only a correction changed them), plan them kind by kind in the
    order they refer to each other, and store each kind's rows with their outcome and messages
    as soon as they are known (the preview page shows them while the rest is planned). Nothing
    outside the run is written."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.PLANNING, percent=5)
    stored = [] if reread else _stored_rows(run)
    ImportRow.objects.filter(run_id=run.pk).delete()
    kinds = [k for k in KINDS_IN_ORDER if any(s["kind"] == k for s in run.sheets)]
    planner = Planner(team=run.team, rows=[])
    position = 0
    with translation.override(run.language):
        for index, kind in enumerate(kinds):
            if reread:
                rows = _file_rows(run, kind=kind, start=position)
            else:
                rows = [r for r in stored if r.kind == kind]
            position += len(rows)
            plans = planner.plan_kind(kind, rows)
            ImportRow.objects.bulk_create(
                [
                    ImportRow(
                        run_id=run.pk,
                        position=plan.row.position,
                        sheet=plan.row.sheet,
                        row_number=plan.row.row_number,
                        kind=plan.row.kind,
                        values=plan.row.values,
                        outcome=plan.outcome,
                        messages=plan.messages,
                        label=str(plan.label)[:300],
                        participant_id=_participant_of(plan),
                    )
                    for plan in plans
                ],
                batch_size=2000,
            )
            ImportRun.objects.filter(pk=run.pk).update(
                percent=5 + int(90 * (index + 1) / len(kinds)), counts=summary(planner.plans)
            )
    run.counts = summary(planner.plans)
    run.status = ImportRun.Status.PREVIEW
    run.percent = 100
    run.planned_at = timezone.now()
    run.error = ""
    run.save(update_fields=["counts", "status", "percent", "planned_at", "error"])
    return run


def _participant_of(plan: Plan) -> int | None:
    if isinstance(plan.target, Participant):
        return plan.target.pk
    ref = plan.data.get("participant")
    return ref.pk if isinstance(ref, Participant) else None


def import_run_needs_background(run: ImportRun) -> bool:
    from django.conf import settings

    return run.size > settings.SPREADSHEET_IMPORT_BACKGROUND_BYTES


def import_row_correct(*, run: ImportRun, row: ImportRow, values: dict[str, str]) -> ImportRun:
    """A value corrected in the preview replaces the file's; then the preview is made again."""
    allowed = set(row.values)
    row.values = {**row.values, **{k: v for k, v in values.items() if k in allowed}}
    row.save(update_fields=["values"])
    return import_run_preview(run, reread=False)


def _via(run: ImportRun, plan: Plan) -> str:
    return f"import: {run.file_name}, {plan.row.sheet} rad {plan.row.row_number}"[:200]


def import_run_confirm(
    run: ImportRun, progress: Callable[[int], object] | None = None
) -> ImportRun:
    """Plan again against the records as they are now, then write every new and changed row in
    one transaction. Any error, or a rule the database refuses, writes nothing."""
    by = run.uploaded_by
    step = progress or (lambda percent: None)
    with transaction.atomic():
        plans = _plan(run)
        counts = summary(plans)
        if counts[Outcome.ERROR]:
            raise ImportBlocked(
                translation.gettext("%(n)s rader har feil. Rett dem før importen.")
                % {"n": counts[Outcome.ERROR]}
            )
        step(10)
        by_kind: dict[str, list[Plan]] = {}
        for plan in plans:
            by_kind.setdefault(plan.row.kind, []).append(plan)
        try:
            touched = _apply(run, by, by_kind, step)
        except (ValidationError, IntegrityError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise ImportBlocked(
                translation.gettext("Importen ble avvist, ingenting er lagret: %(error)s")
                % {"error": " ".join(str(m) for m in messages)[:500]}
            ) from exc
        run.counts = counts
        run.status = ImportRun.Status.DONE
        run.percent = 100
        run.finished_at = timezone.now()
        run.content = b""
        run.save(update_fields=["counts", "status", "percent", "finished_at", "content"])
        access_events_record_for(
            user=by,
            what=AccessEvent.What.SPREADSHEET_IMPORT,
            action=AccessEvent.Action.CHANGE,
            participant_ids=touched,
            detail=run.file_name,
        )
    # The rows held the file's contents; the run keeps its summary only.
    ImportRow.objects.filter(run=run).delete()
    return run


def _apply(
    run: ImportRun, by: User, by_kind: dict[str, list[Plan]], step: Callable[[int], object]
) -> set[int]:
    team = run.team

    def act(kind: str) -> list[Plan]:
        return [p for p in by_kind.get(kind, []) if p.outcome in (Outcome.NEW, Outcome.UPDATE)]

    def pick(plan: Plan, keys: Iterable[str]) -> dict[str, Any]:
        return {k: plan.data[k] for k in keys if k in plan.data and plan.data[k] is not None}

    # Employers first: everything else may point to them.
    employer_plans = act(Kind.EMPLOYERS)
    fields = [c.key for c in COLUMNS[Kind.EMPLOYERS]]
    created = employer_services.employers_import(
        team=team,
        by=by,
        creates=[
            (_via(run, p), pick(p, fields)) for p in employer_plans if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes)
            for p in employer_plans
            if p.outcome == Outcome.UPDATE
        ],
    )
    employers: dict[Any, Employer] = {}
    for plan, employer in zip(
        [p for p in employer_plans if p.outcome == Outcome.NEW], created, strict=False
    ):
        employers[plan.key] = employer
        employers[employer.name.lower()] = employer

    def employer_of(ref: Any) -> Employer:
        return ref if isinstance(ref, Employer) else employers[ref]

    persons = act(Kind.CONTACT_PERSONS)
    employer_services.contact_persons_import(
        by=by,
        creates=[
            (
                _via(run, p),
                EmployerContactPerson(
                    employer=employer_of(p.data["employer"]),
                    **pick(p, ("name", "role", "phone", "email")),
                ),
            )
            for p in persons
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes) for p in persons if p.outcome == Outcome.UPDATE
        ],
    )
    step(20)
    participant_plans = act(Kind.PARTICIPANTS)
    fields = [c.key for c in COLUMNS[Kind.PARTICIPANTS]]
    people = participant_services.participants_import(
        team=team,
        by=by,
        creates=[
            (_via(run, p), pick(p, fields)) for p in participant_plans if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes)
            for p in participant_plans
            if p.outcome == Outcome.UPDATE
        ],
    )
    touched = {p.pk for p in people.values()}
    referral_plans = act(Kind.REFERRALS)
    referral_fields = [c.key for c in COLUMNS[Kind.REFERRALS]]
    referral_services.referrals_import(
        team=team,
        by=by,
        creates=[
            (_via(run, p), pick(p, referral_fields))
            for p in referral_plans
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes)
            for p in referral_plans
            if p.outcome == Outcome.UPDATE
        ],
    )
    step(35)
    known = {p.national_id: p for p in Participant.objects.filter(team=team)}

    def person(ref: Any) -> Participant:
        return ref if isinstance(ref, Participant) else known[ref]

    contact_plans = act(Kind.CONTACTS)
    contact_fields = ("contact_date", "with_whom", "mode", "place", "duration_minutes", "note")
    participant_services.contacts_import(
        by=by,
        via=f"import: {run.file_name}, {contact_plans[0].row.sheet if contact_plans else ''} rad"[
            :180
        ],
        creates=[
            (
                p.row.row_number,
                Contact(
                    participant=person(p.data["participant"]),
                    logged_by=p.data.get("logged_by")
                    or person(p.data["participant"]).job_specialist,
                    **pick(p, contact_fields),
                ),
            )
            for p in contact_plans
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes)
            for p in contact_plans
            if p.outcome == Outcome.UPDATE
        ],
    )
    touched |= {person(p.data["participant"]).pk for p in contact_plans}
    step(70)
    log_plans = act(Kind.EMPLOYER_CONTACTS)
    log_fields = (
        "contact_date",
        "face_to_face",
        "purpose",
        "outcome",
        "note",
        "next_step",
        "next_step_date",
    )
    employer_services.employer_contacts_import(
        team=team,
        by=by,
        via=f"import: {run.file_name}, {log_plans[0].row.sheet if log_plans else ''} rad"[:180],
        creates=[
            (
                p.row.row_number,
                EmployerContact(
                    employer=employer_of(p.data["employer"]),
                    job_specialist=p.data["job_specialist"],
                    **pick(p, log_fields),
                ),
                [person(x) for x in p.data.get("participants") or []],
            )
            for p in log_plans
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes) for p in log_plans if p.outcome == Outcome.UPDATE
        ],
    )
    step(80)
    job_plans = act(Kind.JOBS)
    job_fields = (
        "title",
        "start_date",
        "end_date",
        "hours_per_week",
        "hourly_wage",
        "is_ordinary",
        "is_permanent",
        "end_reason",
    )
    for p in job_plans:
        if "employer" in p.changes:
            p.changes["employer"] = employer_of(p.changes["employer"])
    participant_services.jobs_import(
        by=by,
        creates=[
            (
                _via(run, p),
                Job(
                    participant=person(p.data["participant"]),
                    employer=employer_of(p.data["employer"]),
                    **pick(p, job_fields),
                ),
            )
            for p in job_plans
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes) for p in job_plans if p.outcome == Outcome.UPDATE
        ],
    )
    touched |= {person(p.data["participant"]).pk for p in job_plans}
    education_plans = act(Kind.EDUCATION)
    education_fields = (
        "institution",
        "programme",
        "start_date",
        "end_date",
        "is_ordinary",
        "end_reason",
    )
    participant_services.education_import(
        by=by,
        creates=[
            (
                _via(run, p),
                EducationEpisode(
                    participant=person(p.data["participant"]), **pick(p, education_fields)
                ),
            )
            for p in education_plans
            if p.outcome == Outcome.NEW
        ],
        updates=[
            (_via(run, p), p.target, p.changes)
            for p in education_plans
            if p.outcome == Outcome.UPDATE
        ],
    )
    touched |= {person(p.data["participant"]).pk for p in education_plans}
    step(95)
    return touched


def import_run_abandon(*, run: ImportRun) -> ImportRun:
    run.status = ImportRun.Status.ABANDONED
    run.content = b""
    run.save(update_fields=["status", "content"])
    run.rows.all().delete()
    return run


# --- Export ---------------------------------------------------------------------------------------


def team_export_start(
    *, team: Team, by: User, language: str, schedule: Callable[[int], object]
) -> Any:
    """The row the progress page follows; the Celery task (`schedule(export_id)`) starts once
    it is committed."""
    from spreadsheets.models import TeamExport

    export = TeamExport.objects.create(team=team, requested_by=by, language=language)
    transaction.on_commit(lambda: schedule(export.pk))
    return export


def team_export_build(export: Any) -> Any:
    """Build the workbook, save it, and log the export for every participant in it."""
    from django.core.files.base import ContentFile

    from spreadsheets.exporting import team_workbook
    from spreadsheets.models import TeamExport

    def progress(percent: int, **more: Any) -> None:
        TeamExport.objects.filter(pk=export.pk).update(percent=percent, **more)

    progress(5, status=TeamExport.Status.RUNNING)
    content, participant_ids = team_workbook(export.team, progress=progress)
    with transaction.atomic():
        export.refresh_from_db()
        export.file.save(
            f"team-{export.team_id}-{export.pk}.xlsx", ContentFile(content), save=False
        )
        export.status = TeamExport.Status.DONE
        export.percent = 100
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "percent", "finished_at"])
        access_events_record_for(
            user=export.requested_by,
            what=AccessEvent.What.TEAM_EXPORT,
            action=AccessEvent.Action.EXPORT,
            participant_ids=participant_ids,
            detail=export.team.name,
        )
    return export
