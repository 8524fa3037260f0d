"""Celery tasks of the participants app. They own their retries and call one service each."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from participants import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="participants.retention_anonymise",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def retention_anonymise() -> int:
    """Nightly: anonymise participants whose retention period has run out. Idempotent."""
    count = services.retention_run()
    logger.info("retention: %s participant(s) anonymised", count)
    return count
