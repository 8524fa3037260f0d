"""Loading a fidelity scale version from its JSON description (fidelity/scales/*.json).

Scales are data: a new version is a new JSON file loaded with `manage.py fidelity_load_scale`
(or a data migration calling `scale_load`), never a code change. A loaded scale is never edited
in place, so a final review keeps exactly the items and bands it was scored on; a revised scale
gets a new code.
"""

import json
from pathlib import Path

SCALES_DIR = Path(__file__).resolve().parent / "scales"


class ScaleDataError(ValueError):
    pass


def scale_data_read(path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def scale_data_check(data: dict) -> None:
    for key in ("code", "version", "name_nb", "name_en", "bands", "sections", "items"):
        if key not in data:
            raise ScaleDataError(f"missing '{key}'")
    section_keys = {s["key"] for s in data["sections"]}
    if len(section_keys) != len(data["sections"]):
        raise ScaleDataError("section keys must be unique")
    for position, item in enumerate(data["items"], start=1):
        if item["section"] not in section_keys:
            raise ScaleDataError(f"item {position}: unknown section {item['section']!r}")
        for lang in ("nb", "en"):
            if len(item[f"anchors_{lang}"]) != 5:
                raise ScaleDataError(f"item {position}: anchors_{lang} needs 5 texts (scores 1-5)")
        limits = item.get("suggestion_limits") or []
        if limits and len(limits) != 4:
            raise ScaleDataError(f"item {position}: suggestion_limits needs 4 numbers")
    mins = [band["min"] for band in data["bands"]]
    if mins != sorted(mins, reverse=True) or not mins or mins[-1] > len(data["items"]):
        raise ScaleDataError("bands must be listed highest first and cover the lowest total")


def scale_load(data: dict, *, Scale, Section, Item):  # noqa: N803 - historical models in migrations
    """Create the scale with its sections and items. Model classes are passed in so a data
    migration can use its historical models."""
    scale_data_check(data)
    if Scale.objects.filter(code=data["code"]).exists():
        raise ScaleDataError(f"scale {data['code']} exists; a revised scale needs a new code")
    if data.get("is_default"):
        Scale.objects.filter(is_default=True).update(is_default=False)
    scale = Scale.objects.create(
        code=data["code"],
        version=data["version"],
        name_nb=data["name_nb"],
        name_en=data["name_en"],
        is_default=bool(data.get("is_default")),
        bands=data["bands"],
    )
    sections = {}
    for position, section in enumerate(data["sections"], start=1):
        sections[section["key"]] = Section.objects.create(
            scale=scale,
            position=position,
            key=section["key"],
            name_nb=section["name_nb"],
            name_en=section["name_en"],
        )
    Item.objects.bulk_create(
        Item(
            scale=scale,
            section=sections[item["section"]],
            number=number,
            code=item["code"],
            name_nb=item["name_nb"],
            name_en=item["name_en"],
            description_nb=item.get("description_nb", ""),
            description_en=item.get("description_en", ""),
            anchors_nb={str(i): text for i, text in enumerate(item["anchors_nb"], start=1)},
            anchors_en={str(i): text for i, text in enumerate(item["anchors_en"], start=1)},
            indicator=item.get("indicator", ""),
            suggestion_limits=item.get("suggestion_limits") or [],
        )
        for number, item in enumerate(data["items"], start=1)
    )
    return scale


SCALE_FILES = ("ips15.json", "ips25.json")  # IPS-25 last: it is the default


def scales_ensure_loaded(*, Scale=None, Section=None, Item=None) -> None:  # noqa: N803
    """Load the bundled scales that are missing. The data migration calls this with its
    historical models; demo seeding and tests call it without, because a flushed database
    (transactional tests) lacks the migration's rows."""
    if Scale is None:
        from fidelity.models import Item, Scale, Section

    for filename in SCALE_FILES:
        data = scale_data_read(SCALES_DIR / filename)
        if not Scale.objects.filter(code=data["code"]).exists():
            scale_load(data, Scale=Scale, Section=Section, Item=Item)
