"""Change history for case data: database triggers (django-pghistory) write a `<Model>History`
row for every insert and update, so no code path can skip it. `record.history` lists them.

Each row points to a context whose metadata says who made the change. In a request, pghistory's
middleware stamps `{"user": <pk>, "url": <path>}`; every service writes inside `acting_as(by)`,
so a change made from Celery, the shell or an import names its actor as well.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pghistory
from pghistory import runtime

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import Model, QuerySet

ModelT = TypeVar("ModelT", bound="type[Model]")


def track_history(model: ModelT) -> ModelT:
    return pghistory.track(
        model_name=f"{model.__name__}History",
        obj_field=pghistory.ObjForeignKey(related_name="history"),
    )(model)


def history_of(record: Model) -> QuerySet[Any]:
    """`record.history`: the change-history rows of one tracked record (a queryset).
    The reverse relation is added by pghistory at runtime, where django-stubs cannot see it."""
    history: QuerySet[Any] = record.history.all()  # type: ignore[attr-defined]
    return history


def history_model_of(model: type[Model]) -> type[Model]:
    """The `<Model>History` event model that `track_history` made for `model`."""
    related: type[Model] = model.history.rel.related_model  # type: ignore[attr-defined]
    return related


@contextlib.contextmanager
def acting_as(by: AbstractBaseUser | None, *, via: str = "") -> Iterator[None]:
    """Every history row written inside the block names `by` as the one who made the change.

    `by=None` is a system process, which must say which one: `acting_as(None, via="deadline
    scan")` is shown as "System: deadline scan". With a person, `via` says how the change came in
    where no request URL does (a Celery task, an import command, the demo seed).

    The metadata keys are the middleware's ("user", "url"), plus "via"; whatever the surrounding
    context holds (a request's url) is kept. Under a context that already names the same actor
    the rows simply join it. A different actor gets a context of its own until the block ends:
    pghistory keeps one metadata per context, so writing the new actor into the surrounding one
    would also rename the actor of the rows already written under it.
    """
    if by is None and not via:
        raise ValueError("A system actor names its process: acting_as(None, via='…').")
    if by is not None and by.pk is None:
        raise ValueError("acting_as needs a saved user (or None with via= for the system).")
    actor: dict[str, Any] = {"user": by.pk if by is not None else None}
    if via:
        actor["via"] = via
    outer = getattr(runtime._tracker, "value", None)
    if outer is None:
        with pghistory.context(**actor):
            yield
        return
    metadata = {**outer.metadata, **actor}
    if metadata == outer.metadata:
        yield
        return
    # pghistory 3.9 (pinned) reads the current context from this thread-local for every
    # statement; its SQL hook is already installed by the outer context.
    runtime._tracker.value = runtime.Context(id=uuid.uuid4(), metadata=metadata)
    try:
        yield
    finally:
        runtime._tracker.value = outer
