"""Fidelity test data: reviews built through the services, scored as the test needs."""

import datetime as dt

from fidelity.models import ItemScore, Review, Scale
from fidelity.scale_loader import scales_ensure_loaded
from fidelity.services import review_create


def ensure_scales() -> None:
    """The scales come from a data migration; a transactional (browser) test flushes them, and
    with --reuse-db later runs would miss them. Load them again when missing."""
    scales_ensure_loaded()


def scale(code: str = "IPS-25") -> Scale:
    ensure_scales()
    return Scale.objects.get(code=code)


def make_review(
    world,
    *,
    by=None,
    team=None,
    period: str = "2026-H1",
    kind: str = Review.Kind.EXTERNAL,
    scale_code: str | None = None,
    reviewers=None,
    scores=None,
    status: str | None = None,
) -> Review:
    """A review of team A by the auditor. `scores`: one int per item, or a single int for all.
    `status`: set directly (tests of the services use the services instead)."""
    by = by or world.auditor
    ensure_scales()
    review = review_create(
        by=by,
        team=team or world.team,
        period=period,
        kind=kind,
        reviewers=reviewers or [by],
        visit_start=dt.date(2026, 5, 4),
        visit_end=dt.date(2026, 5, 5),
        scale=scale(scale_code) if scale_code else None,
    )
    if scores is not None:
        rows = list(review.scores.select_related("item").order_by("item__number"))
        values = scores if isinstance(scores, list) else [scores] * len(rows)
        assert len(values) == len(rows)
        for row, value in zip(rows, values, strict=True):
            row.score = value
        ItemScore.objects.bulk_update(rows, ["score"])
    if status:
        Review.objects.filter(pk=review.pk).update(status=status)
        review.refresh_from_db()
    return review


def spread(total: int, items: int) -> list[int]:
    """Item scores 1-5 adding up to `total` (as evenly as possible)."""
    assert items <= total <= 5 * items
    base, extra = divmod(total, items)
    return [base + (1 if i < extra else 0) for i in range(items)]
