"""The change history of one record, read from its pghistory `<Model>History` rows.

Every insert and update of a tracked model writes a row by database trigger; the history
middleware stamps each row's context with the signed-in user and the URL, and every service names
its actor with `ips.history.acting_as` (in a Celery task, the shell or an import as well). Here we
turn the rows into "who, when, which fields changed (from → to)", leaving out the fields the
caller hides. Which record a user may open, and which fields are hidden from them, is decided by
the reader `reports.record_history`, which knows the domain apps; this module knows none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ips.accounts.models import User


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    label: str
    user: str
    url: str
    changes: list[Change]


def history_entries(*, obj, hidden_fields=frozenset()) -> list[Entry]:
    """Newest first. Queries: the history rows (with their context), the users named, and one
    per related model whose values are shown by name («Team #1» → the team's name)."""
    rows = list(obj.history.select_related("pgh_context").order_by("pgh_id"))
    model = type(obj)
    fields = (
        [
            f
            for f in model._meta.concrete_fields
            if f.attname in {h.attname for h in rows[0]._meta.concrete_fields} and f.name != "id"
        ]
        if rows
        else []
    )
    # The entry's own time says when; "created at"/"updated at" would only repeat it.
    fields = [
        f
        for f in fields
        if f.name not in hidden_fields
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]
    related = _related_names(fields, rows)
    user_ids: set[Any] = {
        (row.pgh_context.metadata or {}).get("user") for row in rows if row.pgh_context_id
    } - {None}
    names: dict[Any, str] = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    entries = []
    previous = None
    for row in rows:
        changes = []
        for field in fields:
            after = getattr(row, field.attname)
            before: Any = getattr(previous, field.attname) if previous is not None else None
            if previous is not None and before == after:
                continue
            if previous is None and after in (None, ""):
                continue
            changes.append(
                Change(
                    str(field.verbose_name),
                    _display(field, before, related),
                    _display(field, after, related),
                )
            )
        metadata = (row.pgh_context.metadata or {}) if row.pgh_context_id else {}
        who = names.get(metadata.get("user"), "") or _who_without_user(metadata)
        entries.append(
            Entry(
                at=row.pgh_created_at,
                label=_("Opprettet") if previous is None else _("Endret"),
                user=who,
                url=metadata.get("url", ""),
                changes=changes,
            )
        )
        previous = row
    entries.reverse()
    return entries


def _who_without_user(metadata: dict) -> str:
    """No person named: a system process (`acting_as(None, via=…)`), a write outside any context
    (a migration, an old row), or a user since removed / an anonymous request ("–")."""
    if not metadata:
        return _("System")
    if metadata.get("user") is None and metadata.get("via"):
        return _("System: %(via)s") % {"via": metadata["via"]}
    return "–"


def _related_names(fields, rows) -> dict:
    """{(related model, pk): str(object)} for every foreign-key value in the rows, one query
    per related model."""
    wanted: dict = {}
    for field in fields:
        if field.is_relation and field.many_to_one:
            ids = {getattr(row, field.attname) for row in rows} - {None}
            wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        if ids:
            for related in model._base_manager.filter(pk__in=ids):
                names[(model, related.pk)] = str(related)
    return names


def _display(field, value, related=None) -> str:
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if field.is_relation:
        # A record since removed from the database keeps its number.
        return (related or {}).get((field.related_model, value), f"#{value}")
    return str(value)
