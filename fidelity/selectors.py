from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db import connection
from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language

from fidelity.models import (
    ItemScore,
    MentoringEntry,
    QualityAction,
    Review,
    ReviewerScore,
    ReviewerSubmission,
    ReviewEvent,
    ReviewExport,
    ReviewNote,
    SampledRecord,
    Scale,
    Section,
    SectionReport,
)
from fidelity.schedule import REVIEW_DUE_NOTICE_DAYS, REVIEW_SCHEDULE_SQL
from ips.access import Scope, get_in_scope, review_team_ids_for, scope_for
from ips.accounts.models import Team
from ips.dates import oslo_today

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Totals(TypedDict):
    total: int | None  # None until an item is scored
    scored: int
    items: int


# A review annotated by `with_totals`.
ReviewWithTotals: TypeAlias = "WithAnnotations[Review, Totals]"


def reviews_for(user: Any) -> QuerySet[Review]:
    team_ids = review_team_ids_for(user)
    if not team_ids:
        return Review.objects.none()
    return Review.objects.filter(team_id__in=team_ids)


def review_get_for_user(*, user: Any, pk: Any, queryset: QuerySet[Review] | None = None) -> Review:
    return get_in_scope(queryset if queryset is not None else reviews_for(user), pk)


def sampled_participant_ids_for_auditor(user: Any, scope: Scope) -> QuerySet[Any] | None:
    """Participant ids an auditor may read: drawn into the sample of a review they are a reviewer
    on, for a team they are assigned to, while the review's record window is open. Registered
    with the access policy (`grant_participant_reads`) in FidelityConfig.ready()."""
    if not scope.auditor_team_ids:
        return None
    return SampledRecord.objects.filter(
        review__reviewers=user,
        review__team_id__in=scope.auditor_team_ids,
        review__sample_access_until__gte=oslo_today(),
        review__status__in=[Review.Status.DRAFT, Review.Status.SCORING],
    ).values("participant_id")


def localised(obj: Any, name: str) -> Any:
    """`name_nb` or `name_en` of a model or dict, following the active language (a text, or
    the JSON of a field such as an item's `anchors_nb`)."""
    lang = "en" if (get_language() or "nb").startswith("en") else "nb"
    if isinstance(obj, dict):
        return obj.get(f"{name}_{lang}") or obj.get(f"{name}_nb", "")
    return getattr(obj, f"{name}_{lang}", "") or getattr(obj, f"{name}_nb", "")


def band_for(bands: list[dict], total: int | None) -> dict | None:
    """The band (highest first in the scale's data) whose minimum the total reaches."""
    if total is None:
        return None
    for band in sorted(bands, key=lambda b: b["min"], reverse=True):
        if total >= band["min"]:
            return band
    return None


@dataclass
class SectionTotal:
    section: Section
    total: int
    maximum: int
    scored: int
    items: int


@dataclass
class Summary:
    total: int
    maximum: int
    minimum: int
    scored: int
    items: int
    band: dict | None
    sections: list[SectionTotal] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.scored == self.items


def review_summary(review: Review, scores: list[ItemScore]) -> Summary:
    """Section subtotals, total and band from already loaded scores (with item__section)."""
    sections: dict[int, SectionTotal] = {}
    for score in scores:
        section = score.item.section
        entry = sections.setdefault(section.pk, SectionTotal(section, 0, 0, 0, 0))
        entry.items += 1
        entry.maximum += 5
        if score.score is not None:
            entry.total += score.score
            entry.scored += 1
    total = sum(s.total for s in sections.values())
    scored = sum(s.scored for s in sections.values())
    return Summary(
        total=total,
        maximum=5 * len(scores),
        minimum=len(scores),
        scored=scored,
        items=len(scores),
        # A draft is never shown as a result: no band until every item is scored.
        band=band_for(review.scale.bands, total) if scores and scored == len(scores) else None,
        sections=sorted(sections.values(), key=lambda s: s.section.position),
    )


def review_scores(review: Review) -> list[ItemScore]:
    return list(review.scores.select_related("item__section").order_by("item__number"))


def review_for_page(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("team", "scale", "created_by").prefetch_related(
        "reviewers",
        Prefetch("events", queryset=ReviewEvent.objects.select_related("by")),
        Prefetch(
            "sample",
            queryset=SampledRecord.objects.select_related("participant").order_by(
                "participant__name"
            ),
        ),
    )


def with_totals(qs: QuerySet[Review]) -> QuerySet[ReviewWithTotals]:
    return qs.annotate(
        total=Sum("scores__score"), scored=Count("scores__score"), items=Count("scores")
    )


def previous_review(review: Review) -> ReviewWithTotals | None:
    """The team's latest final review on the same scale before this one, with its total."""
    return (
        with_totals(
            Review.objects.filter(
                team_id=review.team_id,
                scale_id=review.scale_id,
                status=Review.Status.FINAL,
                period_end__lt=review.period_end,
            )
        )
        .order_by("-period_end", "-pk")
        .first()
    )


def team_trend(review: Review) -> list[ReviewWithTotals]:
    """All final reviews of the team on this scale up to this one (oldest first), plus this one
    once every item is scored (also while it is not yet final): one query either way. A review
    with unscored items has no point in the trend: its sum is not a result."""
    return list(
        with_totals(
            Review.objects.filter(
                team_id=review.team_id, scale_id=review.scale_id, period_end__lte=review.period_end
            )
        )
        .filter(Q(status=Review.Status.FINAL) | (Q(pk=review.pk) & Q(scored=F("items"))))
        .order_by("period_end", "pk")
    )


def reviews_list(qs: QuerySet[Review]) -> QuerySet[ReviewWithTotals]:
    return with_totals(qs.select_related("team", "scale")).order_by("-period_end", "team__name")


def trends_by_team(
    reviews: Iterable[ReviewWithTotals],
) -> dict[str, list[tuple[str, int | None]]]:
    """team name -> [(period, total)] of final reviews, oldest first (from a loaded list)."""
    trends: dict[str, list[tuple[str, int | None]]] = {}
    for review in sorted(reviews, key=lambda r: (r.period_end, r.pk)):
        if review.status == Review.Status.FINAL:
            trends.setdefault(review.team.name, []).append((review.period, review.total))
    return trends


def exports_for(user: Any) -> QuerySet[ReviewExport]:
    return ReviewExport.objects.filter(requested_by=user)


# --- The leader's field-mentoring log (feltveiledning) ---------------------------------------

# The scale items the mentoring log is evidence for: the supervisor's role (IPS-25 O5: "joins
# field work" is one of its five elements). Keyed by scale code and item code, the scale's data.
MENTORING_EVIDENCE_ITEMS: frozenset[tuple[str, str]] = frozenset({("IPS-25", "O5")})


def mentoring_entries_for(user: Any) -> QuerySet[MentoringEntry]:
    """The log of the teams the user leads (a leader's own tool; nobody else reads the notes)."""
    team_ids = scope_for(user).leader_team_ids
    if not team_ids:
        return MentoringEntry.objects.none()
    return MentoringEntry.objects.filter(team_id__in=team_ids)


@dataclass
class MentoringMonthRow:
    specialist_id: int
    name: str
    counts: list[int]  # one per month, oldest first
    total: int


def _month_starts(end: dt.date, months: int) -> list[dt.date]:
    first = end.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def mentoring_counts_per_month(
    *, team_id: int, end: dt.date, months: int = 6
) -> tuple[list[dt.date], list[MentoringMonthRow]]:
    """Field-mentoring occasions per job specialist per calendar month, for the `months` months
    up to and including `end`'s month: (month starts, one row per specialist who has had one).
    One query."""
    starts = _month_starts(end, months)
    rows = (
        MentoringEntry.objects.filter(team_id=team_id, date__gte=starts[0], date__lte=end)
        .annotate(month=TruncMonth("date"))
        .values("specialist_id", "specialist__first_name", "specialist__last_name", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    index = {start: i for i, start in enumerate(starts)}
    by_specialist: dict[int, MentoringMonthRow] = {}
    for row in rows:
        name = f"{row['specialist__first_name']} {row['specialist__last_name']}".strip()
        entry = by_specialist.setdefault(
            row["specialist_id"],
            MentoringMonthRow(row["specialist_id"], name, [0] * months, 0),
        )
        month = row["month"]
        entry.counts[index[month]] += row["n"]
        entry.total += row["n"]
    return starts, sorted(by_specialist.values(), key=lambda r: r.name)


@dataclass
class MentoringEvidence:
    total: int
    specialists: int
    by_activity: list[tuple[Any, int]]  # (label, count), in the choices' order


def mentoring_evidence(review: Review) -> MentoringEvidence:
    """What the log shows for the review's period: counts only, never the leader's notes.
    One query."""
    activities = MentoringEntry.Activity.choices
    counts = MentoringEntry.objects.filter(
        team_id=review.team_id, date__gte=review.period_start, date__lte=review.period_end
    ).aggregate(
        total=Count("id"),
        specialists=Count("specialist_id", distinct=True),
        **{value: Count("id", filter=Q(activity=value)) for value, _label in activities},
    )
    return MentoringEvidence(
        total=counts["total"],
        specialists=counts["specialists"],
        by_activity=[(label, counts[value]) for value, label in activities],
    )


# --- The review schedule -------------------------------------------------------------------------


@dataclass
class ScheduleRow:
    team: Team
    due_date: dt.date | None  # None: no final review yet
    months: int | None
    good_twice: bool
    last_review_id: int | None
    held_on: dt.date | None
    today: dt.date

    @property
    def days_left(self) -> int | None:
        return (self.due_date - self.today).days if self.due_date else None

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < self.today

    @property
    def due_soon(self) -> bool:
        days = self.days_left
        return days is not None and 0 <= days <= REVIEW_DUE_NOTICE_DAYS


def review_schedule(team_ids: Iterable[int]) -> list[ScheduleRow]:
    """The next review's due date for each of these teams (active ones), soonest first; teams
    with no final review yet last. Two queries."""
    ids = sorted(set(team_ids))
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            REVIEW_SCHEDULE_SQL.format(
                team_filter="\n              AND r.team_id = ANY(%(team_ids)s)"
            ),
            {"team_ids": ids},
        )
        found = {row[0]: row for row in cursor.fetchall()}
    today = oslo_today()
    rows = []
    for team in Team.objects.filter(pk__in=ids, is_active=True).order_by("name"):
        _t, last_id, held_on, good_twice, months, due = found.get(
            team.pk, (team.pk, None, None, False, None, None)
        )
        rows.append(ScheduleRow(team, due, months, bool(good_twice), last_id, held_on, today))
    return sorted(rows, key=lambda r: (r.due_date is None, r.due_date or today, r.team.name))


# --- Across teams (regional coordinator, grant giver) ----------------------------------------------


def coordinator_team_ids_for(user: Any) -> frozenset[int]:
    return scope_for(user).coordinator_team_ids


@dataclass
class TeamResult:
    team: Team
    trend: list[tuple[str, int]]  # (period, total) of final reviews, oldest first
    band: dict | None

    @property
    def latest(self) -> tuple[str, int] | None:
        return self.trend[-1] if self.trend else None

    @property
    def change(self) -> int | None:
        """The latest total minus the one before (None with fewer than two results)."""
        return self.trend[-1][1] - self.trend[-2][1] if len(self.trend) >= 2 else None


@dataclass
class ItemAverage:
    code: str
    name_nb: str
    name_en: str
    section_nb: str
    section_en: str
    average: float | None
    teams: int


@dataclass
class CrossTeamOverview:
    scale: Scale | None
    teams: list[TeamResult]
    bands: list[tuple[dict, int]]  # every band of the scale, highest first, with its team count
    without_result: int
    items: list[ItemAverage]
    periods: list[str]

    @property
    def with_result(self) -> int:
        return len(self.teams) - self.without_result


def cross_team_overview(team_ids: Iterable[int]) -> CrossTeamOverview:
    """Fidelity results across teams, aggregates only: per team the final reviews' totals over
    time (one per period, the external review when there are two) and the latest band; the
    number of teams per band; each item's average over the teams' latest reviews. Final reviews
    on the default scale only (totals of different scales do not compare; a draft is never a
    result). Five queries, whatever the number of teams."""
    ids = sorted(set(team_ids))
    scale = Scale.objects.filter(is_default=True).first()
    teams = list(Team.objects.filter(pk__in=ids).order_by("name"))
    if scale is None:
        return CrossTeamOverview(
            None, [TeamResult(team, [], None) for team in teams], [], len(teams), [], []
        )
    finals = (
        with_totals(Review.objects.filter(team_id__in=ids, scale=scale, status=Review.Status.FINAL))
        .order_by("team_id", "period_end", "period", "pk")
        .values("pk", "team_id", "period", "kind", "total", "scored", "items")
    )
    per_period: dict[int, dict[str, Any]] = {}
    for row in finals:
        if row["scored"] != row["items"]:
            continue  # a final review always has every item scored; never count one that hasn't
        periods = per_period.setdefault(row["team_id"], {})
        kept = periods.get(row["period"])
        if kept is None or row["kind"] == Review.Kind.EXTERNAL or kept["kind"] != "external":
            periods[row["period"]] = row
    results: list[TeamResult] = []
    latest_ids: list[int] = []
    for team in teams:
        rows = list(per_period.get(team.pk, {}).values())  # in period order (dicts keep order)
        trend = [(row["period"], row["total"]) for row in rows]
        if rows:
            latest_ids.append(rows[-1]["pk"])
        band = band_for(scale.bands, trend[-1][1]) if trend else None
        results.append(TeamResult(team, trend, band))
    band_counts = {band["key"]: 0 for band in scale.bands}
    for result in results:
        if result.band is not None:
            band_counts[result.band["key"]] += 1
    averages = {
        row["item_id"]: row
        for row in ItemScore.objects.filter(review_id__in=latest_ids)
        .values("item_id")
        .annotate(average=Avg("score"), n=Count("score"))
        .order_by()
    }
    items = [
        ItemAverage(
            code=item.code,
            name_nb=item.name_nb,
            name_en=item.name_en,
            section_nb=item.section.name_nb,
            section_en=item.section.name_en,
            average=averages[item.pk]["average"] if item.pk in averages else None,
            teams=averages[item.pk]["n"] if item.pk in averages else 0,
        )
        for item in scale.items.select_related("section").order_by("number")
    ]
    return CrossTeamOverview(
        scale=scale,
        teams=results,
        bands=[
            (band, band_counts[band["key"]])
            for band in sorted(scale.bands, key=lambda b: b["min"], reverse=True)
        ],
        without_result=sum(1 for r in results if not r.trend),
        items=items,
        periods=sorted({period for r in results for period, _total in r.trend}),
    )


# --- Independent scoring ------------------------------------------------------------------------


def _reviewer_ids(review: Review) -> list[int]:
    # Uses the prefetched reviewers when the page loaded them.
    return [u.pk for u in review.reviewers.all()]


def is_independent(review: Review) -> bool:
    """Two (or more) reviewers score on their own first, then agree a consensus. With one
    reviewer the item scores are that reviewer's, as before."""
    return len(_reviewer_ids(review)) >= 2


def submitted_reviewer_ids(review: Review) -> set[int]:
    return set(
        ReviewerSubmission.objects.filter(review=review).values_list("reviewer_id", flat=True)
    )


def all_submitted(review: Review, submitted: set[int] | None = None) -> bool:
    submitted = submitted_reviewer_ids(review) if submitted is None else submitted
    return set(_reviewer_ids(review)) <= submitted


def reviewer_scores_visible_to(
    review: Review, user: Any, submitted: set[int] | None = None
) -> list[ReviewerScore]:
    """The reviewers' own scores this user may see: none for a one-reviewer review; before
    every reviewer has handed in, only the user's own; afterwards everyone's, side by side.
    This is the one place the rule lives: every page and fragment reads through it."""
    if not is_independent(review):
        return []
    qs = ReviewerScore.objects.filter(review=review).select_related("reviewer")
    if not all_submitted(review, submitted):
        qs = qs.filter(reviewer_id=user.pk)
    return list(qs.order_by("item__number", "reviewer__first_name", "reviewer_id"))


@dataclass
class ItemComparison:
    """One item's reviewer scores side by side (in the order of `reviewers`)."""

    item_score: ItemScore
    own: list[ReviewerScore | None]

    @property
    def differs(self) -> bool:
        values = {o.score if o else None for o in self.own}
        return len(values) > 1

    @property
    def spread(self) -> int:
        values = [o.score for o in self.own if o and o.score is not None]
        return max(values) - min(values) if values else 0


def review_comparison(
    review: Review, scores: list[ItemScore], visible: list[ReviewerScore]
) -> tuple[list[Any], list[ItemComparison]]:
    """(reviewers, one comparison per item) from already loaded scores."""
    reviewers = sorted(review.reviewers.all(), key=lambda u: (u.first_name, u.pk))
    by_key = {(o.item_id, o.reviewer_id): o for o in visible}
    return reviewers, [
        ItemComparison(s, [by_key.get((s.item_id, u.pk)) for u in reviewers]) for s in scores
    ]


# --- Notes -------------------------------------------------------------------------------------------


def can_see_notes(user: Any, review: Review) -> bool:
    """Interview and observation notes: the review's reviewers, and once it is final the team's
    leader. Nobody else (not the team's other auditors, not its staff)."""
    if review.team_id not in review_team_ids_for(user):
        return False
    if user.pk in _reviewer_ids(review):
        return True
    return (
        review.status == Review.Status.FINAL and review.team_id in scope_for(user).leader_team_ids
    )


def notes_for(user: Any, review: Review) -> QuerySet[ReviewNote]:
    if not can_see_notes(user, review):
        return ReviewNote.objects.none()
    return (
        ReviewNote.objects.filter(review=review)
        .select_related("author")
        .prefetch_related("items")
        .order_by("held_on", "pk")
    )


# --- Report and follow-up -----------------------------------------------------------------------


def section_reports(review: Review) -> dict[int, SectionReport]:
    return {r.section_id: r for r in SectionReport.objects.filter(review=review)}


def recommendations_of(review: Review) -> list[ItemScore]:
    """The review's item recommendations with their quality-plan actions (two queries)."""
    return list(
        review.scores.exclude(recommendation="")
        .select_related("item__section", "review")
        .prefetch_related(
            Prefetch(
                "quality_actions",
                queryset=QualityAction.objects.select_related("created_by").order_by(
                    "target_date", "pk"
                ),
            )
        )
        .order_by("item__number")
    )


def follow_ups_for(review: Review, previous: Review | None) -> dict[int, ItemScore]:
    """item id -> last time's recommendation (with its actions and their status), for the
    items of `review`. Scores are never lowered because a recommendation was not carried
    out: this is shown beside the item, never fed into a suggestion."""
    if previous is None or previous.scale_id != review.scale_id:
        return {}
    return {s.item_id: s for s in recommendations_of(previous)}


def quality_actions_for(user: Any, team_id: int) -> QuerySet[QualityAction]:
    if team_id not in review_team_ids_for(user):
        return QualityAction.objects.none()
    return QualityAction.objects.filter(team_id=team_id).select_related(
        "recommendation__item", "recommendation__review"
    )
