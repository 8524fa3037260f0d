"""Background export of all reviews of a period: one PDF per review, zipped."""

from __future__ import annotations

import io
import zipfile

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from fidelity import selectors
from fidelity.models import Review, ReviewExport
from fidelity.pdf import review_pdf, review_pdf_filename


def review_export_build(export: ReviewExport) -> ReviewExport:
    """Render each review, updating the progress count as it goes (the page polls it)."""
    ReviewExport.objects.filter(pk=export.pk).update(status=ReviewExport.Status.RUNNING)
    reviews = {
        r.pk: r for r in selectors.review_for_page(Review.objects.filter(pk__in=export.review_ids))
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, review_id in enumerate(export.review_ids, start=1):
            review = reviews.get(review_id)
            if review is not None:
                archive.writestr(
                    review_pdf_filename(review, export.language),
                    review_pdf(review=review, language=export.language),
                )
            ReviewExport.objects.filter(pk=export.pk).update(done_count=done)
    export.refresh_from_db()
    export.file.save(
        f"kvalitetsmalinger-{export.period}-{export.pk}.zip",
        ContentFile(buffer.getvalue()),
        save=False,
    )
    export.status = ReviewExport.Status.DONE
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "finished_at"])
    return export


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def review_export_run(export_id: int) -> None:
    export = ReviewExport.objects.filter(pk=export_id).first()
    if export is None or export.status == ReviewExport.Status.DONE:
        return
    try:
        review_export_build(export)
    except Exception as exc:
        ReviewExport.objects.filter(pk=export_id).update(
            status=ReviewExport.Status.FAILED, error=str(exc)[:1000]
        )
        raise
