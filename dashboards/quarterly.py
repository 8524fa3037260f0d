"""The quarterly outcome report for the IPS leader: the supervisor's data set the IPS model asks
leaders to review every quarter, per job specialist and for the team in total.

Every figure is a measure of `dashboards.measures` (the same functions as the dashboards): for
the team `measure(...)`, per specialist `measure.per_specialist(...)`, one query each. With the
two queries for the specialists themselves, the report runs a fixed number of queries whatever
the number of specialists, participants or teams in the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dashboards import figures, measures
from dashboards.display import Figure, cells, figure
from dashboards.measures import Endings, Period
from ips import periods
from ips.accounts.models import Membership, Team, User
from ips.dates import oslo_today
from ips.pdf import render_pdf
from participants.models import Job

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The report's measures, in the order of its rows.
REPORT_MEASURES = (
    measures.active_caseload,
    measures.people_served,
    measures.people_in_ordinary_work,
    measures.people_in_education,
    measures.employment_rate,
    measures.employment_rate_grow,
    measures.job_starts,
    measures.job_endings,
    measures.job_retention_90_days,
    measures.employer_contacts_per_specialist_week,
    measures.median_days_entry_to_first_employer_contact,
    measures.referrals_received,
    measures.median_days_referral_to_first_meeting,
)


@dataclass(frozen=True)
class Row:
    key: str  # the measure's key (the anchor on «Slik regnes tallene»)
    label: str
    total: object  # the measure's value for the team
    per_specialist: list  # values in the order of Report.specialists
    sub: bool = False  # a breakdown line (job endings by reason)
    parent: str = ""  # the label of the line it breaks down

    @property
    def total_figure(self) -> Figure:
        return figure(self.total, suppress=False)

    @property
    def figures(self) -> list[Figure]:
        return [figure(v, suppress=False) for v in self.per_specialist]


@dataclass(frozen=True)
class Report:
    team: Team
    period: Period
    specialists: list[User]
    rows: list[Row]


def default_quarter(today: dt.date) -> Period:
    """The last complete quarter: the one a leader reviews."""
    return periods.quarter_of(periods.quarter_of(today).start - dt.timedelta(days=1))


def _member_ids(team: Team, period: Period) -> list[int]:
    """The team's job specialists during the period (those who left before it are not)."""
    return list(
        Membership.objects.filter(team=team, role=Membership.Role.JOB_SPECIALIST)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=period.start))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _endings_rows(total: Endings, per: list, *, key: str, parent: str) -> list[Row]:
    return [
        Row(
            key,
            str(reason.label),
            total.reasons[reason.value],
            [e.reasons[reason.value] for e in per],
            sub=True,
            parent=parent,
        )
        for reason in Job.EndReason
    ]


def _measure_values(team_ids: list[int], member_ids: list[int], period: Period) -> tuple:
    totals = {m.key: m(team_ids=team_ids, period=period) for m in REPORT_MEASURES}
    per = {
        m.key: m.per_specialist(team_ids=team_ids, specialist_ids=member_ids, period=period)
        for m in REPORT_MEASURES
    }
    return totals, per


def quarterly_report(*, team: Team, period: Period) -> Report:
    """Every measure of the report for the team and per job specialist: the team's specialists,
    and anyone else the figures name (a specialist who has since left, still holding people)."""
    team_ids = [team.pk]
    member_ids = _member_ids(team, period)
    # The measures' values come from the dashboards' cache (dashboards/figures.py) while the
    # team's data is unchanged; who the specialists are and the labels are read every time.
    totals, per = figures.cached(
        f"quarterly:{figures.period_key(period)}:{'.'.join(map(str, sorted(member_ids)))}",
        team_ids,
        oslo_today(),
        lambda: _measure_values(team_ids, member_ids, period),
    )
    ids = set(member_ids) | {pk for values in per.values() for pk in values}
    specialists = list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "id"))
    rows: list[Row] = []
    for m in REPORT_MEASURES:
        values = [per[m.key][s.pk] for s in specialists]
        rows.append(Row(m.key, str(m.label), totals[m.key], values))
        if m is measures.job_endings:
            rows.extend(_endings_rows(totals[m.key], values, key=m.key, parent=str(m.label)))
    return Report(team, period, specialists, rows)


def report_csv_rows(report: Report, *, definitions_url: str) -> tuple[list, list]:
    """Header and rows of the report's CSV: one row per measure and specialist (and the team in
    total), with count, denominator and value as numbers."""
    header = [
        _("Team"),
        _("Kvartal"),
        _("Jobbspesialist"),
        _("Mål"),
        _("Antall"),
        _("Nevner"),
        _("Verdi"),
        _("Merknad"),
        _("Definisjon: se «Slik regnes tallene»"),
    ]
    rows = []
    for row in report.rows:
        label = f"{row.parent} – {row.label}" if row.sub else row.label
        columns = [(_("Teamet totalt"), row.total)] + [
            (str(s), v) for s, v in zip(report.specialists, row.per_specialist, strict=True)
        ]
        for who, value in columns:
            c = cells(value, suppress=False)
            rows.append(
                [
                    report.team.name,
                    report.period.label,
                    who,
                    label,
                    c.count,
                    c.denominator,
                    c.value,
                    c.note,
                    f"{definitions_url}#{row.key}",
                ]
            )
    return header, rows


def report_pdf(*, report: Report, definitions_url: str, language: str = "nb") -> bytes:
    with translation.override(language):
        return render_pdf(
            template="dashboards/quarterly_pdf.html",
            context={
                "report": report,
                "definitions_url": definitions_url,
                "generated": timezone.localtime(),
            },
        )


def report_filename(report: Report, extension: str) -> str:
    p = report.period
    return f"kvartalsrapport-{slugify(report.team.name)}-{p.start.year}-k{periods.quarter_number(p.start)}.{extension}"
