"""The change hook: a domain write announces what it changed; readers above subscribe.

The domain apps never import the readers that sit above them (deadline alerts, dashboards). A
service whose write a reader must react to calls `announce(Subject.PARTICIPANT, participant.pk)`
inside its transaction; once the transaction commits, every handler subscribed to that kind of
subject is called with the ids (a rolled-back write announces nothing). Readers subscribe once,
in their AppConfig.ready().

Handlers run in the request (or task) that made the write, right after commit, so what the user
sees next already reflects it. A failing handler is logged and never undoes or fails the write:
the periodic scans remain the safety net.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db import transaction

logger = logging.getLogger(__name__)


class Subject(StrEnum):
    PARTICIPANT = "participant"
    REFERRAL = "referral"
    SPECIALIST = "specialist"
    TEAM = "team"


Handler = Callable[[frozenset[int]], None]

_handlers: dict[Subject, list[Handler]] = defaultdict(list)


def subscribe(kind: Subject, handler: Handler) -> Handler:
    """Call `handler(ids)` after every committed write that announces `kind`. Idempotent."""
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)
    return handler


def unsubscribe(kind: Subject, handler: Handler) -> None:
    if handler in _handlers[kind]:
        _handlers[kind].remove(handler)


def announce(kind: Subject, ids: int | None | Iterable[int | None]) -> None:
    """Say that the subjects `ids` of `kind` changed. Delivered after the current transaction
    commits (at once outside a transaction); `None` ids are ignored."""
    many = [ids] if ids is None or isinstance(ids, int) else ids
    wanted = frozenset(i for i in many if i is not None)
    if not wanted or not _handlers[kind]:
        return
    transaction.on_commit(lambda: _deliver(kind, wanted))


def _deliver(kind: Subject, ids: frozenset[int]) -> None:
    for handler in list(_handlers[kind]):
        try:
            handler(ids)
        except Exception:  # a reader's failure must never fail the write that committed
            logger.exception("change handler %r failed for %s %s", handler, kind, sorted(ids))
