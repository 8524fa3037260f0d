"""The fidelity review report as a PDF, in Norwegian or English.

Everything is loaded up front by a fixed number of queries (scores, indicators, trend), so the
query count does not depend on the number of participants behind the indicators.
"""

from __future__ import annotations

import base64

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fidelity import selectors
from fidelity.indicators import indicators_for_items
from fidelity.models import Review
from ips.charts import bar_chart, line_chart
from ips.pdf import render_pdf


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def review_pdf_context(review: Review) -> dict:
    scores = selectors.review_scores(review)
    indicators = indicators_for_items(review, [s.item for s in scores])
    summary = selectors.review_summary(review, scores)
    trend = selectors.team_trend(review)
    items_chart = bar_chart(
        title=_("Skår per punkt"),
        labels=[s.item.code for s in scores],
        series=[s.score for s in scores],
        value_range=(0, 5),
        width=900,
        height=320,
    )
    trend_chart = line_chart(
        title=_("Total skår over tid"),
        labels=[r.period for r in trend],
        series={review.team.name: [r.total for r in trend]},
        value_range=(summary.minimum, summary.maximum),
        width=900,
        height=300,
    )
    reports = selectors.section_reports(review)
    report_sections: list[dict] = []
    for s in scores:
        section = s.item.section
        if not report_sections or report_sections[-1]["section"].pk != section.pk:
            report = reports.get(section.pk)
            report_sections.append(
                {
                    "section": section,
                    "strengths": report.strengths if report else "",
                    "recommendations": [],
                }
            )
        if s.recommendation:
            report_sections[-1]["recommendations"].append(s)
    return {
        "review": review,
        "independent": selectors.is_independent(review),
        "report_sections": report_sections,
        # «UTKAST» on every page until the review is final (DESIGN.md §5).
        "is_draft": review.status != Review.Status.FINAL,
        "reviewers": list(review.reviewers.all()),
        "rows": [{"score": s, "indicator": indicators.get(s.item_id)} for s in scores],
        "summary": summary,
        "previous": selectors.previous_review(review),
        "trend": trend,
        "items_chart": _data_uri(items_chart),
        "trend_chart": _data_uri(trend_chart),
        "generated": timezone.localtime(),
    }


def review_pdf(*, review: Review, language: str = "nb") -> bytes:
    with translation.override(language):
        return render_pdf(template="fidelity/review_pdf.html", context=review_pdf_context(review))


def review_pdf_filename(review: Review, language: str = "nb") -> str:
    return (
        f"kvalitetsmaling-{slugify(review.team.name)}-{review.period}-{review.kind}-{language}.pdf"
    )
