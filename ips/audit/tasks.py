"""Celery tasks of the audit app. They own their retries and call one service each."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from ips.audit import services

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
