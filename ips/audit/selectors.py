"""Reading the access log: search for the team leader, per-participant report, unusual access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from ips.access import scope_for
from ips.accounts.models import Membership, Organisation, User
from ips.audit.models import AccessEvent, role_labels, what_label
from ips.dates import end_of_day


def access_events_for_leader(*, user: Any) -> QuerySet[AccessEvent]:
    """Events about the participants and referrals of the teams this user leads."""
    team_ids = scope_for(user).leader_team_ids
    if not team_ids:
        return AccessEvent.objects.none()
    return AccessEvent.objects.filter(
        Q(participant__team_id__in=team_ids) | Q(referral__team_id__in=team_ids)
    ).select_related("user", "participant", "referral")


def access_events_search(
    *,
    user: Any,
    participant: str = "",
    person: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    action: str = "",
) -> QuerySet[AccessEvent]:
    qs = access_events_for_leader(user=user)
    if participant:
        q = Q(participant__name__icontains=participant) | Q(
            referral__person_name__icontains=participant
        )
        if participant.isdigit():
            q |= Q(participant_id=int(participant))
        qs = qs.filter(q)
    if person:
        qs = qs.filter(
            Q(user__username__icontains=person)
            | Q(user__first_name__icontains=person)
            | Q(user__last_name__icontains=person)
        )
    # Oslo days as instants, so the (…, at) indexes apply.
    if date_from:
        qs = qs.filter(at__gte=end_of_day(date_from - dt.timedelta(days=1)))
    if date_to:
        qs = qs.filter(at__lt=end_of_day(date_to))
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def participant_access_report(*, participant: Any) -> QuerySet[AccessEvent]:
    """Everyone who has read, changed or exported this person's record, oldest first (every
    event; the person's report shows them grouped, `participant_access_groups`)."""
    return (
        AccessEvent.objects.filter(participant=participant)
        .select_related("user")
        .order_by("at", "id")
    )


# How finely the person's report is grouped. The page always shows days; the PDF takes the
# finest level whose line count fits `PDF_LINES` (WeasyPrint's time grows with the rows).
DAY, MONTH, PERIOD = "day", "month", "period"
LEVELS = (DAY, MONTH, PERIOD)
# Ids only: names are read for the lines shown (one query per related model), so the grouping
# sorts narrow rows.
KIND_KEYS = ("user_id", "role", "organisation_id", "action", "what", "detail")
GROUP_KEYS = ("day", *KIND_KEYS)


@dataclass(frozen=True)
class AccessGroup:
    """One line of the person's report: one person, in one role and organisation, doing one
    kind of thing with the record on one day (as patients' access logs show it), or in one
    month, or over the whole period (`level`; the coarser levels keep the PDF short)."""

    day: dt.date | None  # the day, or the first day of the month; None for the whole period
    person: str
    role_codes: str
    organisation: str
    action_code: str
    what_code: str
    detail: str
    first: dt.datetime
    last: dt.datetime
    count: int
    level: str = DAY
    days: int = 1  # on how many different days (month and period lines)

    # Labels are translated when shown, in the reader's language.
    @property
    def role(self) -> str:
        return role_labels(self.role_codes)

    @property
    def action(self) -> str:
        return str(AccessEvent.Action(self.action_code).label)

    @property
    def what(self) -> str:
        return what_label(self.what_code, self.detail)

    @property
    def first_shown(self) -> str:
        return timezone.localtime(self.first).strftime("%d.%m.%Y %H:%M")

    @property
    def last_shown(self) -> str:
        return timezone.localtime(self.last).strftime("%d.%m.%Y %H:%M")

    @property
    def times(self) -> str:
        """«09:12» or «09:12–15:40» (Oslo time) on a day's line; «dd.mm.yyyy HH:MM» first and
        last on a month's or the period's line."""
        first, last = (timezone.localtime(t) for t in (self.first, self.last))
        if self.level == DAY:
            a, b = first.strftime("%H:%M"), last.strftime("%H:%M")
        else:
            a, b = first.strftime("%d.%m.%Y %H:%M"), last.strftime("%d.%m.%Y %H:%M")
        if a == b:
            return a
        return f"{a}–{b}" if self.level == DAY else f"{a} – {b}"


def participant_access_groups(*, participant: Any) -> QuerySet[Any]:
    """The grouped report, newest day first, as a values queryset (for a paginator): one
    aggregate over the (participant, at) index; `access_groups` turns a page into lines."""
    return (
        AccessEvent.objects.filter(participant=participant)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_default_timezone()))
        .values(*GROUP_KEYS)
        .annotate(first=Min("at"), last=Max("at"), count=Count("id"))
        .order_by("-day", "first", "user_id", "what", "detail", "action")
    )


@dataclass(frozen=True)
class PdfPlan:
    level: str
    rows: Iterable[dict[str, Any]]
    lines: int


# The day lines of one participant (what the page shows), as the base the PDF's coarser levels
# roll up: 100,000 events become some thousands of day lines in one pass over the
# (participant, at) index, and a month or the whole period is a sum over those. Fixed SQL (no
# formatting); NULL user/organisation (system access) is made 0 in the row values counted.
_WITH_DAY_LINES = """
    WITH d AS (
        SELECT (at AT TIME ZONE %(tz)s)::date AS day, user_id, role, organisation_id, action,
               what, detail, min(at) AS first, max(at) AS last, count(*) AS count
        FROM audit_accessevent WHERE participant_id = %(participant)s
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    )
"""
_LINE_COUNTS = """
    SELECT count(*) AS day,
           count(DISTINCT (date_trunc('month', day), coalesce(user_id, 0), role,
                           coalesce(organisation_id, 0), action, what, detail)) AS month,
           count(DISTINCT (coalesce(user_id, 0), role, coalesce(organisation_id, 0), action,
                           what, detail)) AS period
    FROM d
"""
_ROLLED_UP = {
    MONTH: """
        SELECT date_trunc('month', day)::date AS day, user_id, role, organisation_id, action,
               what, detail, min(first) AS first, max(last) AS last, sum(count)::int AS count,
               count(*) AS days
        FROM d GROUP BY 1, 2, 3, 4, 5, 6, 7
        ORDER BY 1 DESC, 8, 2, 6, 7, 5
    """,
    PERIOD: """
        SELECT NULL::date AS day, user_id, role, organisation_id, action, what, detail,
               min(first) AS first, max(last) AS last, sum(count)::int AS count,
               count(*) AS days
        FROM d GROUP BY 2, 3, 4, 5, 6, 7
        ORDER BY 9 DESC, 2, 6, 7, 5
    """,
}


def _sql(participant: Any, select: str) -> list[dict[str, Any]]:
    assert AccessEvent._meta.db_table == "audit_accessevent"
    with connection.cursor() as cursor:
        cursor.execute(
            _WITH_DAY_LINES + select, {"tz": settings.TIME_ZONE, "participant": participant.pk}
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def participant_access_pdf_plan(*, participant: Any, max_lines: int) -> PdfPlan:
    """The finest grouping whose lines fit `max_lines`: day, else month, else the whole period
    (one line per person and kind of access, however many events there are). The three line
    counts come from one query."""
    [counts] = _sql(participant, _LINE_COUNTS)
    if counts[DAY] <= max_lines:
        rows: Iterable[dict[str, Any]] = participant_access_groups(participant=participant)
        return PdfPlan(level=DAY, rows=rows, lines=counts[DAY])
    level = MONTH if counts[MONTH] <= max_lines else PERIOD
    return PdfPlan(level=level, rows=_sql(participant, _ROLLED_UP[level]), lines=counts[level])


def access_groups(rows: Iterable[dict[str, Any]], level: str = DAY) -> list[AccessGroup]:
    rows = list(rows)
    user_ids = {row["user_id"] for row in rows} - {None}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    org_ids = {row["organisation_id"] for row in rows} - {None}
    organisations = (
        dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
        if org_ids
        else {}
    )

    def person(row: dict[str, Any]) -> str:
        user = users.get(row["user_id"])
        if user is None:
            return str(role_labels(row["role"]) or "–")
        return user.get_full_name() or user.username

    def day(row: dict[str, Any]) -> dt.date | None:
        value = row.get("day")
        # A month arrives as its first instant in Oslo time.
        return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value

    return [
        AccessGroup(
            day=day(row),
            person=person(row),
            role_codes=row["role"],
            organisation=organisations.get(row["organisation_id"], ""),
            action_code=row["action"],
            what_code=row["what"],
            detail=row["detail"],
            first=row["first"],
            last=row["last"],
            count=row["count"],
            level=level,
            days=row.get("days", 1),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class OutsideCaseload:
    user_id: int
    user_name: str
    participant_id: int
    participant_name: str
    events: int
    first: dt.datetime
    last: dt.datetime


@dataclass(frozen=True)
class Burst:
    user_id: int
    user_name: str
    hour: dt.datetime
    records: int


@dataclass(frozen=True)
class UnusualAccess:
    outside_caseload: list[OutsideCaseload]
    bursts: list[Burst]

    @property
    def is_empty(self) -> bool:
        return not self.outside_caseload and not self.bursts


def unusual_access(
    *, team_ids: Iterable[int], since: dt.datetime, until: dt.datetime
) -> UnusualAccess:
    """Two signals for the weekly review (both only a prompt to ask, not proof of misuse):

    - a job specialist reading a participant who is not in their own caseload (the team leader
      reads every record of the team, so leaders of that team are not listed);
    - one user opening many different records within one hour. Counted as distinct addresses
      (a list page logs every row it shows, but it is one address), so a caseload list is one.
    """
    team_ids = list(team_ids)
    base = AccessEvent.objects.filter(
        at__gte=since, at__lt=until, participant__team_id__in=team_ids, user__isnull=False
    )
    leads_team = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        team_id=OuterRef("participant__team_id"),
        role=Membership.Role.LEADER,
        ended_at__isnull=True,
    )
    outside = (
        base.exclude(participant__job_specialist_id=F("user_id"))
        .exclude(Exists(leads_team))
        .values(
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "participant_id",
            "participant__name",
        )
        .annotate(events=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("user__username", "participant_id")
    )
    bursts = (
        base.annotate(hour=TruncHour("at"))
        .values("user_id", "user__first_name", "user__last_name", "user__username", "hour")
        .annotate(records=Count("path", distinct=True))
        .filter(records__gte=settings.UNUSUAL_ACCESS_RECORDS_PER_HOUR)
        .order_by("-records", "hour")
    )

    def name(row: Mapping[str, Any]) -> str:
        full = f"{row['user__first_name']} {row['user__last_name']}".strip()
        return full or row["user__username"]

    return UnusualAccess(
        outside_caseload=[
            OutsideCaseload(
                user_id=row["user_id"],
                user_name=name(row),
                participant_id=row["participant_id"],
                participant_name=row["participant__name"],
                events=row["events"],
                first=row["first"],
                last=row["last"],
            )
            for row in outside
        ],
        bursts=[
            Burst(user_id=r["user_id"], user_name=name(r), hour=r["hour"], records=r["records"])
            for r in bursts
        ],
    )
