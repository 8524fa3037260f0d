"""Choice labels at the cost of one translation: the `ChoiceLabels` model mixin.

Django's `Model.get_FOO_display()` rebuilds `dict(make_hashable(field.flatchoices))` on every
call. The labels are lazy translations, and hashing a lazy string translates it, so showing one
value of a field with ten choices costs ten gettext calls. Pages show hundreds of such values (a
contact's kind, mode and place on every timeline row; a status on every caseload row); on the
national bench that was a seventh of the participant page's CPU.

`ChoiceLabels` keeps one value → label map per field, built once per process, and translates only
the label it returns, in the active language, as Django does. Every model of ours with a choice
field inherits it (tests/core/test_choice_labels.py checks that no model is left out).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def _labels(field: models.Field) -> dict[Any, Any]:
    # Only the values are hashed (the labels stay lazy). Our choices are fixed at import time
    # (TextChoices classes and the fixed list of deadline rules), so one map per field and process holds.
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """Mixin for models with choice fields: `get_FOO_display()` as Django's, without the cost.

    Put it before `models.Model` in the bases (`class Contact(ChoiceLabels, models.Model)`):
    Django binds `get_FOO_display` to `cls._get_FIELD_display` when the field is added, so the
    mixin must be in the class's MRO at that moment.
    """

    def _get_FIELD_display(self, field: models.Field) -> Any:  # noqa: N802 - Django's name
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
