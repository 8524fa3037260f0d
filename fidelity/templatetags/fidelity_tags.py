from django import template

from fidelity.models import ChartCheck, ChartReviewAnswer, DataSource
from fidelity.selectors import localised

register = template.Library()


@register.filter
def loc(obj, name: str) -> str:
    """{{ item|loc:"name" }} -> item.name_nb or item.name_en for the active language."""
    return localised(obj, name)


@register.filter
def anchor(item, score) -> str:
    """The anchor text of a score (1-5) in the active language."""
    anchors = localised(item, "anchors") or {}
    return anchors.get(str(score), "")


@register.filter
def anchors_list(item) -> list[tuple[str, str]]:
    anchors = localised(item, "anchors") or {}
    return [(str(n), anchors.get(str(n), "")) for n in range(1, 6)]


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def source_labels(values) -> str:
    """The labels of an item's data sources, in the manual's order."""
    return ", ".join(str(label) for value, label in DataSource.choices if value in (values or []))


@register.filter
def chart_check_label(code: str) -> str:
    return str(ChartCheck(code).label)


@register.filter
def chart_answer_label(code: str) -> str:
    return str(ChartReviewAnswer.Answer(code).label) if code else ""
