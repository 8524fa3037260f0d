from django import template

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
