from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils.translation import get_language

from fidelity.models import (
    ItemScore,
    QualityAction,
    Review,
    ReviewerScore,
    ReviewerSubmission,
    ReviewEvent,
    ReviewExport,
    ReviewNote,
    SampledRecord,
    Section,
    SectionReport,
)
from ips.access import Scope, get_in_scope, review_team_ids_for, scope_for
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
