"""The change history of one record, read from its pghistory `<Model>History` rows.

Every insert and update of a tracked model writes a row by database trigger; the history
middleware stamps each row's context with the signed-in user and the URL, and every service names
its actor with `ips.history.acting_as` (in a Celery task, the shell or an import as well). Here we
turn the rows into "who, when, which fields changed (from → to)", hiding health fields from anyone
outside the participant's own team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ips import access
from ips.accounts.models import User


@dataclass(frozen=True)
class Kind:
    model: str  # "app_label.Model"
    label: str  # Norwegian, as stored in the access log; templates translate it for display


KINDS = {
    "deltaker": Kind("participants.Participant", gettext_noop("Deltaker")),
    "henvisning": Kind("referrals.Referral", gettext_noop("Henvisning")),
    "profil": Kind("participants.VocationalProfile", gettext_noop("Yrkesprofil")),
    "plan": Kind("participants.ActionPlan", gettext_noop("Tiltaksplan")),
    "jobb": Kind("participants.Job", gettext_noop("Jobb")),
    "varsel": Kind("deadlines.Alert", gettext_noop("Varsel")),
    "kvalitetsmaling": Kind("fidelity.Review", gettext_noop("Kvalitetsmåling")),
}


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


@dataclass(frozen=True)
class Subject:
    obj: object
    participant: object | None  # for the access log
    referral: object | None
    hidden_fields: frozenset[str]


def history_subject(*, user, kind: str, pk: int) -> Subject:
    """The record, if this user may see it (404 outside scope, 403 inside without the right)."""
    if kind not in KINDS:
        raise Http404
    if kind == "deltaker":
        participant = access.participant_get_for_user(user=user, pk=pk)
        return Subject(participant, participant, None, _health_hidden(user, participant, ()))
    if kind == "henvisning":
        referral = access.referral_get_for_user(user=user, pk=pk)
        access.require(access.can_see_referral_details(user, referral))
        return Subject(referral, None, referral, frozenset())
    if kind in {"profil", "plan", "jobb"}:
        model = apps.get_model(KINDS[kind].model)
        try:
            obj = model.objects.select_related("participant").get(
                pk=pk, participant__in=access.participants_for(user)
            )
        except (model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        health = getattr(model, "HEALTH_FIELDS", ())
        return Subject(obj, obj.participant, None, _health_hidden(user, obj.participant, health))
    if kind == "varsel":
        return Subject(access.alert_get_for_user(user=user, pk=pk), None, None, frozenset())
    return Subject(access.review_get_for_user(user=user, pk=pk), None, None, frozenset())


def _health_hidden(user, participant, health_fields) -> frozenset[str]:
    return frozenset() if access.can_see_health(user, participant) else frozenset(health_fields)


def history_entries(*, obj, hidden_fields=frozenset()) -> list[Entry]:
    """Newest first. Two queries: the history rows (with their context) and the users named."""
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
    fields = [f for f in fields if f.name not in hidden_fields]
    user_ids = {
        (row.pgh_context.metadata or {}).get("user") for row in rows if row.pgh_context_id
    } - {None}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    entries = []
    previous = None
    for row in rows:
        changes = []
        for field in fields:
            after = getattr(row, field.attname)
            before = getattr(previous, field.attname) if previous is not None else None
            if previous is not None and before == after:
                continue
            if previous is None and after in (None, ""):
                continue
            changes.append(
                Change(str(field.verbose_name), _display(field, before), _display(field, after))
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


def _display(field, value) -> str:
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
        return f"#{value}"
    return str(value)
