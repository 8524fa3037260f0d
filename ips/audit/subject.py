"""Data subject rights: everything held about one participant (access request export), and
anonymisation when the retention period has run out.

Both walk the same data graph, found from the model relations rather than a hand-kept list, so a
table added later to the participant's record is exported and anonymised without a change here:
the participant, their referral, and every row that points to them (status events, profile and
its work history and support persons, plan with goals and reviews, contacts, jobs, education,
employer contacts), one level further down. The access log and pghistory rows are not part of
the walk: the access log is exported as its own section, history rows are scrubbed separately.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Model
from django.utils import timezone

from ips.audit.models import AccessEvent

SKIPPED_RELATED_NAMES = {"history", "access_events", "alerts"}
SKIPPED_APPS = {"pghistory", "audit", "deadlines", "fidelity"}
ANONYMOUS_NAME = "Anonymisert"
# Not personal on their own, and needed by dashboards and fidelity figures (jobs held, education).
KEPT_TEXT = {
    ("participants", "job", "title"),
    ("participants", "educationepisode", "programme"),
    ("participants", "educationepisode", "institution"),
}


@dataclass
class Section:
    model: type[Model]
    rows: list[Model]


def _reverse_relations(model):
    for rel in model._meta.related_objects:
        if rel.related_name in SKIPPED_RELATED_NAMES or rel.related_model._meta.app_label in (
            SKIPPED_APPS
        ):
            continue
        if rel.many_to_many:
            continue
        yield rel


def participant_data_graph(participant) -> list[Section]:
    """Sections in a stable order; one query per relation, whatever the number of rows."""
    sections: list[Section] = [Section(type(participant), [participant])]
    if participant.referral_id:
        sections.append(Section(type(participant.referral), [participant.referral]))
    frontier = list(sections)
    for _depth in range(2):
        next_frontier = []
        for section in frontier:
            ids = [row.pk for row in section.rows]
            for rel in _reverse_relations(section.model):
                rows = list(
                    rel.related_model._base_manager.filter(
                        **{f"{rel.field.name}__in": ids}
                    ).order_by("pk")
                )
                if rows:
                    new = Section(rel.related_model, rows)
                    sections.append(new)
                    next_frontier.append(new)
        frontier = next_frontier
    return sections


def _value(field, obj):
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return {"value": value, "label": str(dict(field.flatchoices).get(value, value))}
    return value


def participant_export_data(participant) -> dict:
    sections = []
    for section in participant_data_graph(participant):
        fields = list(section.model._meta.concrete_fields)
        sections.append(
            {
                "table": section.model._meta.label,
                "title": str(section.model._meta.verbose_name_plural),
                "fields": {f.attname: str(f.verbose_name) for f in fields},
                "rows": [{f.attname: _value(f, row) for f in fields} for row in section.rows],
            }
        )
    access = AccessEvent.objects.filter(participant=participant).select_related("user")
    return {
        "generated": timezone.now(),
        "participant_id": participant.pk,
        "sections": sections,
        "access_log": [
            {
                "at": e.at,
                "user": str(e.user) if e.user else "",
                "role": e.role,
                "action": e.get_action_display(),
                "what": e.what,
            }
            for e in access.order_by("at", "id")
        ],
    }


def participant_export_json(participant) -> bytes:
    data = participant_export_data(participant)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _shown(value):
    """A value for the export PDF: a choice by its label, free text kept as JSON (a profile's
    earlier answers) as its texts."""
    if isinstance(value, dict):
        if set(value) == {"value", "label"}:
            return value["label"]
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def participant_export_pdf(participant) -> bytes:
    from ips.pdf import render_pdf

    data = participant_export_data(participant)
    for section in data["sections"]:
        section["table_rows"] = [
            [(section["fields"][k], _shown(v)) for k, v in row.items() if v not in (None, "", {})]
            for row in section["rows"]
        ]
    return render_pdf(
        template="audit/subject_export_pdf.html",
        context={"data": data, "participant": participant},
    )


# --- Retention ------------------------------------------------------------------------------


def _scrub_values(model, pk) -> dict:
    """New values for the personal fields of one row: names and national ids replaced, phone
    numbers and free text (also free text kept as JSON) cleared. Dates, statuses, choices, numbers and links are kept."""
    values = {}
    for field in model._meta.concrete_fields:
        key = (model._meta.app_label, model._meta.model_name, field.name)
        if key in KEPT_TEXT or field.choices or field.is_relation:
            continue
        if isinstance(field, models.JSONField) and field.blank:
            # Free text kept as JSON (a profile's earlier answers, a plan review's snapshot).
            values[field.attname] = field.get_default()
        elif isinstance(field, models.TextField):
            values[field.attname] = "" if field.blank else ANONYMOUS_NAME
        elif isinstance(field, models.CharField):
            if field.name == "national_id":
                values[field.attname] = f"X{pk:010d}"[-11:]
            elif field.blank:
                values[field.attname] = ""
            else:
                values[field.attname] = ANONYMOUS_NAME
    return values


def _history_model(model):
    try:
        return model._meta.get_field("history").related_model
    except Exception:  # noqa: BLE001 - models without change history
        return None


def participant_anonymise(*, participant, now: dt.datetime) -> int:
    """Anonymise one participant and everything about them, including earlier versions in the
    change history. Returns the number of rows changed. Logged in the access log."""
    changed = 0
    with transaction.atomic():
        for section in participant_data_graph(participant):
            history = _history_model(section.model)
            for row in section.rows:
                values = _scrub_values(section.model, row.pk)
                if not values:
                    continue
                # Queryset update: validators (e.g. the national id check digit) would refuse
                # the placeholders, which are meant to be invalid as national ids.
                changed += section.model._base_manager.filter(pk=row.pk).update(**values)
                if history is not None:
                    history.objects.filter(pgh_obj_id=row.pk).update(**values)
        type(participant)._base_manager.filter(pk=participant.pk).update(anonymised_at=now)
        AccessEvent.objects.create(
            user=None,
            role="system",
            action=AccessEvent.Action.CHANGE,
            participant=participant,
            what=AccessEvent.What.ANONYMISED,
        )
    return changed
