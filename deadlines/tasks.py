"""Celery tasks. They take rule codes (strings), never model objects, and own their retries."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from deadlines import engine, services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, RedisConnectionError)


@shared_task(
    name="deadlines.scan",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def scan_deadlines(rules: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Evaluate the given rules (all when None). Idempotent: a retry or a second run is harmless."""
    results = engine.scan(rules=rules)
    summary = {
        r.rule: {"opened": r.opened, "kept": r.kept, "resolved": r.resolved} for r in results
    }
    logger.info("deadline scan %s", summary)
    return summary


@shared_task(
    name="deadlines.send_daily_digest",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def send_daily_digest() -> int:
    """At most one digest per user per day (DigestLog), however often this runs."""
    return services.digest_send_daily()
