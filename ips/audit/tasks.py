"""Celery tasks of the audit app. They own their retries and call one service each."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from ips.audit import services
from ips.audit.models import AccessReportExport

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="audit.weekly_unusual_access_report",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def weekly_unusual_access_report() -> dict[str, int]:
    """Monday morning: tell each team leader how many unusual accesses last week showed."""
    sent = services.unusual_access_report_send()
    logger.info("unusual access report sent to %s team(s)", len(sent))
    return sent


@shared_task(
    name="audit.access_report_pdf", acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60
)
def access_report_pdf_run(export_id: int) -> None:
    """A large access report PDF (the same pattern as the fidelity exports)."""
    export = AccessReportExport.objects.filter(pk=export_id).first()
    if export is None or export.status == AccessReportExport.Status.DONE:
        return
    try:
        services.access_report_export_build(export)
    except Exception as exc:
        AccessReportExport.objects.filter(pk=export_id).update(
            status=AccessReportExport.Status.FAILED, error=str(exc)[:1000]
        )
        raise
