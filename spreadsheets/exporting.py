"""The team's data as one workbook, a sheet per kind with the columns the import reads (so an
export imports again as it is), and the import template. openpyxl's write-only mode streams the
rows; text that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboards.csv_export import neutralise
from employers.models import Employer, EmployerContact, EmployerContactPerson
from ips.accounts.models import Team
from participants.models import Contact, EducationEpisode, Job, Participant
from referrals.models import Referral
from spreadsheets.columns import COLUMNS, Column
from spreadsheets.models import Kind
from spreadsheets.values import CHOICES, bool_text, choice_label, choice_labels

SHEET_TITLES: dict[str, str] = {
    Kind.EMPLOYERS: "Arbeidsgivere",
    Kind.CONTACT_PERSONS: "Kontaktpersoner",
    Kind.PARTICIPANTS: "Deltakere",
    Kind.REFERRALS: "Henvisninger",
    Kind.CONTACTS: "Kontakter",
    Kind.EMPLOYER_CONTACTS: "Arbeidsgiverlogg",
    Kind.JOBS: "Jobber",
    Kind.EDUCATION: "Utdanning",
}


def _cell_value(col: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if col.type == "choice":
        return choice_label(col.choices, value)
    if col.type == "bool":
        return bool_text(value)
    if col.type == "specialist":
        return value.username
    if col.type == "id_list":
        return ", ".join(value)
    if isinstance(value, dt.date | int | float | Decimal):
        return value
    return neutralise(str(value))


def _employer_fields(employer: Employer) -> dict[str, Any]:
    return {"employer_name": employer.name, "employer_org_number": employer.org_number}


def _records(team: Team, kind: str) -> Iterator[dict[str, Any]]:
    participants = Participant.objects.filter(team=team, anonymised_at__isnull=True)
    if kind == Kind.EMPLOYERS:
        for e in Employer.objects.filter(team=team).order_by("name", "id"):
            yield {c.key: getattr(e, c.key) for c in COLUMNS[kind]}
    elif kind == Kind.CONTACT_PERSONS:
        for p in (
            EmployerContactPerson.objects.filter(employer__team=team)
            .select_related("employer")
            .order_by("employer__name", "name", "id")
        ):
            yield {
                **_employer_fields(p.employer),
                "name": p.name,
                "role": p.role,
                "phone": p.phone,
                "email": p.email,
            }
    elif kind == Kind.PARTICIPANTS:
        for person in participants.select_related("job_specialist").order_by("name", "id"):
            yield {c.key: getattr(person, c.key) for c in COLUMNS[kind]}
    elif kind == Kind.REFERRALS:
        for r in (
            Referral.objects.filter(team=team)
            .select_related("source_organisation", "assigned_specialist")
            .order_by("date_received", "id")
        ):
            record = {c.key: getattr(r, c.key) for c in COLUMNS[kind]}
            record["source_organisation"] = r.source_organisation.name
            yield record
    elif kind == Kind.CONTACTS:
        rows = (
            Contact.objects.filter(participant__in=participants)
            .order_by("participant_id", "contact_date", "id")
            .values_list(
                "participant__national_id",
                "contact_date",
                "with_whom",
                "mode",
                "place",
                "duration_minutes",
                "note",
                "logged_by__username",
            )
        )
        keys = (
            "national_id",
            "contact_date",
            "with_whom",
            "mode",
            "place",
            "duration_minutes",
            "note",
        )
        for row in rows.iterator(chunk_size=5000):
            record = dict(zip(keys, row[:7], strict=True))
            record["logged_by"] = _Username(row[7])
            yield record
    elif kind == Kind.EMPLOYER_CONTACTS:
        qs = (
            EmployerContact.objects.filter(team=team)
            .select_related("employer", "job_specialist")
            .prefetch_related("participants")
            .order_by("contact_date", "id")
        )
        for c in qs.iterator(chunk_size=2000):
            yield {
                **_employer_fields(c.employer),
                "contact_date": c.contact_date,
                "job_specialist": c.job_specialist,
                "face_to_face": c.face_to_face,
                "purpose": c.purpose,
                "outcome": c.outcome,
                "participants": [p.national_id for p in c.participants.all()],
                "note": c.note,
                "next_step": c.next_step,
                "next_step_date": c.next_step_date,
            }
    elif kind == Kind.JOBS:
        for j in (
            Job.objects.filter(participant__in=participants)
            .select_related("participant", "employer")
            .order_by("participant_id", "start_date", "id")
        ):
            yield {
                "national_id": j.participant.national_id,
                **_employer_fields(j.employer),
                **{
                    k: getattr(j, k)
                    for k in (
                        "title",
                        "start_date",
                        "end_date",
                        "hours_per_week",
                        "hourly_wage",
                        "is_ordinary",
                        "is_permanent",
                        "end_reason",
                    )
                },
            }
    elif kind == Kind.EDUCATION:
        for episode in (
            EducationEpisode.objects.filter(participant__in=participants)
            .select_related("participant")
            .order_by("participant_id", "start_date", "id")
        ):
            yield {
                "national_id": episode.participant.national_id,
                **{
                    k: getattr(episode, k)
                    for k in (
                        "institution",
                        "programme",
                        "start_date",
                        "end_date",
                        "is_ordinary",
                        "end_reason",
                    )
                },
            }


class _Username:
    """A user known by username only (the contact export reads values, not users)."""

    def __init__(self, username: str) -> None:
        self.username = username


def _header_row(sheet, columns) -> None:
    bold = Font(bold=True)
    cells = []
    for col in columns:
        cell = WriteOnlyCell(sheet, value=col.header)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def team_workbook(
    team: Team, progress: Callable[[int], None] | None = None
) -> tuple[bytes, set[int]]:
    """The workbook, and the ids of the participants whose data it holds (for the access log)."""
    workbook = Workbook(write_only=True)
    kinds = list(COLUMNS)
    for index, kind in enumerate(kinds):
        sheet = workbook.create_sheet(SHEET_TITLES[kind])
        columns = COLUMNS[kind]
        _header_row(sheet, columns)
        for record in _records(team, kind):
            sheet.append([_cell_value(c, record.get(c.key)) for c in columns])
        if progress:
            progress(10 + int(80 * (index + 1) / len(kinds)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    ids = set(
        Participant.objects.filter(team=team, anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return buffer.getvalue(), ids


EXAMPLES: dict[str, dict[str, Any]] = {
    Kind.EMPLOYERS: {
        "name": "Eksempel Bakeri AS",
        "org_number": "974760673",
        "industry": "Servering",
        "municipality": "Oslo",
    },
    Kind.CONTACT_PERSONS: {
        "employer_name": "Eksempel Bakeri AS",
        "employer_org_number": "974760673",
        "name": "Kari Daglig",
        "role": "Daglig leder",
        "phone": "22 22 22 22",
    },
    Kind.PARTICIPANTS: {
        "name": "Ola Nordmann",
        "national_id": "15019010063",
        "phone": "900 00 000",
        "job_specialist": "brukernavn",
        "entry_date": dt.date(2026, 1, 15),
        "status": "job_search",
        "in_work_at_referral": "no",
    },
    Kind.REFERRALS: {
        "person_name": "Ola Nordmann",
        "national_id": "15019010063",
        "referral_date": dt.date(2026, 1, 5),
        "date_received": dt.date(2026, 1, 6),
        "source_organisation": "NAV Grünerløkka",
        "referrer_name": "Kari Veileder",
        "in_work_at_referral": "no",
        "assigned_specialist": "brukernavn",
        "first_meeting_date": dt.date(2026, 1, 15),
    },
    Kind.CONTACTS: {
        "national_id": "15019010063",
        "contact_date": dt.date(2026, 2, 2),
        "with_whom": "participant",
        "mode": "face_to_face",
        "place": "community",
        "duration_minutes": 45,
        "note": "Kafé, snakket om jobbønsker",
    },
    Kind.EMPLOYER_CONTACTS: {
        "employer_name": "Eksempel Bakeri AS",
        "employer_org_number": "974760673",
        "contact_date": dt.date(2026, 2, 3),
        "face_to_face": True,
        "purpose": "on_behalf",
        "outcome": "interview",
        "participants": ["15019010063"],
    },
    Kind.JOBS: {
        "national_id": "15019010063",
        "employer_name": "Eksempel Bakeri AS",
        "employer_org_number": "974760673",
        "title": "Butikkmedarbeider",
        "start_date": dt.date(2026, 3, 1),
        "hours_per_week": Decimal("20"),
        "hourly_wage": Decimal("215.50"),
        "is_ordinary": True,
        "is_permanent": False,
    },
    Kind.EDUCATION: {
        "national_id": "15019010063",
        "institution": "Oslo voksenopplæring",
        "programme": "Matematikk",
        "start_date": dt.date(2026, 1, 8),
        "is_ordinary": True,
    },
}


class _Example:
    username = "brukernavn"


def template_workbook() -> bytes:
    """A sheet per kind with the Norwegian headers and one example row, and a sheet with the
    allowed values of every choice column."""
    workbook = Workbook(write_only=True)
    for kind, columns in COLUMNS.items():
        sheet = workbook.create_sheet(SHEET_TITLES[kind])
        _header_row(sheet, columns)
        example = dict(EXAMPLES[kind])
        for col in columns:
            if col.type == "specialist" and col.key in example:
                example[col.key] = _Example()
        sheet.append([_cell_value(c, example.get(c.key)) for c in columns])
    values = workbook.create_sheet("Tillatte verdier")
    values.append(["Kolonne", "Ark", "Tillatte verdier"])
    for kind, columns in COLUMNS.items():
        for col in columns:
            if col.type == "choice":
                values.append(
                    [col.header, SHEET_TITLES[kind], ", ".join(choice_labels(col.choices))]
                )
            elif col.type == "bool":
                values.append([col.header, SHEET_TITLES[kind], "ja, nei"])
            elif col.type == "date":
                values.append([col.header, SHEET_TITLES[kind], "dd.mm.åååå eller åååå-mm-dd"])
            elif col.type == "organisation":
                values.append(
                    [col.header, SHEET_TITLES[kind], "navnet på en organisasjon i registeret"]
                )
            elif col.type == "specialist":
                values.append(
                    [
                        col.header,
                        SHEET_TITLES[kind],
                        "brukernavn eller fullt navn til en jobbspesialist i teamet",
                    ]
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["CHOICES", "team_workbook", "template_workbook"]
