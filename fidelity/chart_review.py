"""The chart-review worksheet: for each record in a review's sample, the checks reviewers make,
computed from the records where the system has the data. Reviewers confirm or correct each
value; the totals feed the evidence of the matching items.

The whole sample is computed in one query (one row per sampled participant, each check a
subquery), so the query count does not depend on the size of the sample. Only what a check
needs is read: no diagnosis, medication or other health detail reaches the worksheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Lower, StrIndex
from django.utils.translation import gettext as _

from employers.models import EmployerContact, EmployerContactParticipant
from fidelity.indicators import FOLLOW_UP_DAYS, RAPID_SEARCH_DAYS, SubqueryCount
from fidelity.models import ChartCheck, ChartReviewAnswer, Review, SampledRecord
from ips.dates import oslo_today
from participants.models import Contact, Job, Participant, VocationalProfile
from participants.statuses import ParticipantStatus

Answer = ChartReviewAnswer.Answer

# Each check is evidence for one item of the scale (by the item's code; IPS-25).
CHECK_ITEMS: dict[str, str] = {
    ChartCheck.BENEFITS: "SV1",
    ChartCheck.PROFILE: "SV3",
    ChartCheck.RAPID_CONTACT: "SV4",
    ChartCheck.PREFERENCES: "SV5",
    ChartCheck.FOLLOW_ALONG: "SV11",
    ChartCheck.TIME_UNLIMITED: "SV12",
}
CHECKS: list[str] = [c.value for c in ChartCheck]


@dataclass
class Cell:
    check: str
    computed: str  # yes / no / na, or "" when the records cannot tell
    basis: str  # what the computed value rests on, in a few words
    answer: str  # the reviewer's answer ("" until given)

    @property
    def effective(self) -> str:
        return self.answer or self.computed


@dataclass
class WorksheetRow:
    record: SampledRecord
    name: str
    cells: list[Cell]


@dataclass
class CheckTotal:
    check: str
    label: str
    item_code: str
    yes: int = 0
    no: int = 0
    not_applicable: int = 0
    open: int = 0  # neither computed nor answered

    @property
    def assessed(self) -> int:
        return self.yes + self.no


@dataclass
class Worksheet:
    rows: list[WorksheetRow] = field(default_factory=list)
    totals: dict[str, CheckTotal] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.answer)

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(cell.answer for row in self.rows for cell in row.cells)

    def totals_by_item_code(self) -> dict[str, CheckTotal]:
        return {total.item_code: total for total in self.totals.values()}


def _yes_no(value: bool) -> str:
    return Answer.YES if value else Answer.NO


def _sample_rows(review: Review, today: dt.date) -> list[dict[str, Any]]:
    """One row per sampled participant with the facts every check needs (one query)."""
    pk = OuterRef("pk")
    last_job = (
        Job.objects.filter(participant_id=pk, start_date__lte=review.period_end)
        .order_by("-start_date")
        .values("start_date")[:1]
    )
    first_meeting = (
        EmployerContact.objects.filter(
            participants=pk, face_to_face=True, contact_date__gte=OuterRef("entry_date")
        )
        .order_by("contact_date")
        .values("contact_date")[:1]
    )
    linked = EmployerContactParticipant.objects.filter(
        participant_id=pk, employer_contact__contact_date__lte=review.period_end
    )
    # An employer contact "follows the wishes" when the employer's industry is named in the
    # person's job wishes; anything else is for the reviewer to judge.
    matching = (
        linked.exclude(employer_contact__employer__industry="")
        .annotate(
            pos=StrIndex(OuterRef("wishes"), Lower(F("employer_contact__employer__industry")))
        )
        .filter(pos__gt=0)
    )
    follow_up = Contact.objects.filter(
        participant_id=pk,
        contact_date__gte=OuterRef("last_job"),
        contact_date__lte=ExpressionWrapper(
            OuterRef("last_job") + dt.timedelta(days=FOLLOW_UP_DAYS), output_field=DateField()
        ),
    )
    counsellor = Contact.objects.filter(
        participant_id=pk,
        with_whom=Contact.With.BENEFITS_COUNSELLOR,
        contact_date__lte=review.period_end,
    )
    rows = (
        Participant.objects.filter(
            pk__in=SampledRecord.objects.filter(review=review).values("participant_id")
        )
        .annotate(
            has_profile=Exists(VocationalProfile.objects.filter(participant_id=pk)),
            wishes=Lower(
                Concat(
                    Coalesce("profile__job_wanted_now", Value("", output_field=TextField())),
                    Value(" ", output_field=TextField()),
                    Coalesce("profile__dream_job", Value("", output_field=TextField())),
                    output_field=TextField(),
                )
            ),
            last_job=Subquery(last_job, output_field=DateField()),
            first_meeting=Coalesce(
                Subquery(first_meeting, output_field=DateField()), F("first_employer_contact_date")
            ),
            linked_contacts=SubqueryCount(linked.values("id")),
            matching_contacts=SubqueryCount(matching.values("id")),
            followed_up=Exists(follow_up),
            counselled=Coalesce(
                F("profile__benefits_counselling_received"),
                Value(False),
                output_field=BooleanField(),
            ),
            counsellor_contact=Exists(counsellor),
        )
        .values(
            "pk",
            "name",
            "status",
            "entry_date",
            "has_profile",
            "profile__updated_at",
            "wishes",
            "last_job",
            "first_meeting",
            "linked_contacts",
            "matching_contacts",
            "followed_up",
            "counselled",
            "counsellor_contact",
        )
    )
    return [dict(row) for row in rows]


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _computed(row: dict[str, Any], today: dt.date) -> dict[str, tuple[str, str]]:
    """check -> (computed value, basis) for one participant's facts."""
    out: dict[str, tuple[str, str]] = {}
    last_job = row["last_job"]

    if not row["has_profile"]:
        out[ChartCheck.PROFILE] = (Answer.NO, _("ingen yrkesprofil"))
    elif last_job is None:
        out[ChartCheck.PROFILE] = (Answer.YES, _("profil startet, ingen jobbstart"))
    else:
        updated = row["profile__updated_at"].date() if row["profile__updated_at"] else None
        ok = updated is not None and updated >= last_job
        out[ChartCheck.PROFILE] = (
            _yes_no(ok),
            _("jobbstart %(start)s, profil oppdatert %(updated)s")
            % {"start": _d(last_job), "updated": _d(updated)},
        )

    first, entry = row["first_meeting"], row["entry_date"]
    if first is not None:
        days = (first - entry).days
        out[ChartCheck.RAPID_CONTACT] = (
            _yes_no(days <= RAPID_SEARCH_DAYS),
            _("%(days)s dager etter oppstart") % {"days": days},
        )
    elif (today - entry).days > RAPID_SEARCH_DAYS:
        out[ChartCheck.RAPID_CONTACT] = (Answer.NO, _("ingen møte med arbeidsgiver ennå"))
    else:
        out[ChartCheck.RAPID_CONTACT] = ("", _("under 30 dager siden oppstart"))

    if not row["linked_contacts"]:
        out[ChartCheck.PREFERENCES] = ("", _("ingen arbeidsgiverkontakter for deltakeren"))
    elif row["matching_contacts"]:
        out[ChartCheck.PREFERENCES] = (
            Answer.YES,
            _("%(m)s av %(n)s kontakter i ønsket bransje")
            % {"m": row["matching_contacts"], "n": row["linked_contacts"]},
        )
    else:
        out[ChartCheck.PREFERENCES] = (
            "",
            _("%(n)s kontakter; målerne vurderer mot ønskene") % {"n": row["linked_contacts"]},
        )

    counselled = row["counselled"] or row["counsellor_contact"]
    out[ChartCheck.BENEFITS] = (
        _yes_no(counselled),
        _("yrkesprofil eller kontakt med veileder for ytelser")
        if counselled
        else _("ikke registrert"),
    )

    if last_job is None:
        out[ChartCheck.FOLLOW_ALONG] = (Answer.NOT_APPLICABLE, _("ingen jobbstart"))
    elif row["followed_up"]:
        out[ChartCheck.FOLLOW_ALONG] = (
            Answer.YES,
            _("kontakt innen %(d)s dager etter jobbstart %(start)s")
            % {"d": FOLLOW_UP_DAYS, "start": _d(last_job)},
        )
    elif (today - last_job).days <= FOLLOW_UP_DAYS:
        out[ChartCheck.FOLLOW_ALONG] = ("", _("jobbstart %(start)s") % {"start": _d(last_job)})
    else:
        out[ChartCheck.FOLLOW_ALONG] = (
            Answer.NO,
            _("ingen kontakt innen %(d)s dager etter jobbstart %(start)s")
            % {"d": FOLLOW_UP_DAYS, "start": _d(last_job)},
        )

    if row["status"] == ParticipantStatus.CLOSED:
        out[ChartCheck.TIME_UNLIMITED] = ("", _("avsluttet: målerne sjekker grunnen"))
    else:
        out[ChartCheck.TIME_UNLIMITED] = (Answer.YES, _("fortsatt i tjenesten"))
    return out


def worksheet_for(review: Review, *, today: dt.date | None = None) -> Worksheet:
    """The worksheet of the review's sample: two queries whatever the sample size (the
    records with their answers, and the facts behind the computed values)."""
    today = today or oslo_today()
    records = list(
        SampledRecord.objects.filter(review=review)
        .select_related("participant")
        .prefetch_related("answers")
        .order_by("participant__name", "pk")
    )
    facts = {row["pk"]: row for row in _sample_rows(review, today)} if records else {}
    sheet = Worksheet(
        totals={
            check: CheckTotal(check, str(ChartCheck(check).label), CHECK_ITEMS[check])
            for check in CHECKS
        }
    )
    for record in records:
        computed = _computed(facts[record.participant_id], today)
        answers = {a.check_code: a.answer for a in record.answers.all()}
        cells = []
        for check in CHECKS:
            value, basis = computed[check]
            cell = Cell(check, value, basis, answers.get(check, ""))
            cells.append(cell)
            total = sheet.totals[check]
            if cell.effective == Answer.YES:
                total.yes += 1
            elif cell.effective == Answer.NO:
                total.no += 1
            elif cell.effective == Answer.NOT_APPLICABLE:
                total.not_applicable += 1
            else:
                total.open += 1
        sheet.rows.append(WorksheetRow(record, record.participant.name, cells))
    return sheet


def computed_values(sheet: Worksheet) -> dict[tuple[int, str], str]:
    return {(row.record.pk, cell.check): cell.computed for row in sheet.rows for cell in row.cells}


def record_ids(sheet: Worksheet) -> Iterable[int]:
    return [row.record.pk for row in sheet.rows]
