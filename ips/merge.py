"""Three-way merge of a form's fields, for records two people may edit at the same time.

A form carries the values the user started from (`base`, a signed snapshot written when the
page was rendered). On save the service compares, field by field, the base with what is stored
now (`current`) and with what the user sends (`mine`):

- the user did not change the field          -> the stored value stays (whoever set it);
- only the user changed it                   -> the user's value is applied;
- both changed it, to the same value         -> nothing to do;
- both changed it, differently               -> a conflict: shown (stored value vs the user's)
                                                 and applied only once the user chooses.

So a save from a stale page never reverts somebody else's change. Values are compared in a
normalised JSON form (dates as ISO text, decimals without trailing zeros, lists sorted), which
is also how the snapshot stores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "ips.merge.snapshot"


class BadSnapshot(Exception):
    """The snapshot a form sent back was altered or is not one of ours."""


def normalise(value: Any) -> Any:
    """A JSON-safe value that compares equal for equal meanings ("" and None stay apart: a text
    field is never None, a nullable field's None means "not answered")."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(normalise(v) for v in value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot_dumps(values: Mapping[str, Any]) -> str:
    """A signed token of the values a form starts from, to send back with the form."""
    return signing.dumps({k: normalise(v) for k, v in values.items()}, salt=SALT, compress=True)


def snapshot_loads(token: str) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise BadSnapshot(str(exc)) from exc
    if not isinstance(data, dict):
        raise BadSnapshot("not a mapping")
    return data


@dataclass(frozen=True)
class Conflict:
    base: Any  # normalised: what the user started from
    current: Any  # the stored value (someone else's change)
    mine: Any  # the user's value, as given (not normalised)


@dataclass
class MergeResult:
    apply: dict[str, Any] = field(default_factory=dict)  # the user's changes to write
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # changed by someone else only, left as stored

    @property
    def changed(self) -> bool:
        return bool(self.apply)


def three_way_merge(
    *,
    base: Mapping[str, Any],
    current: Mapping[str, Any],
    mine: Mapping[str, Any],
    fields: Iterable[str] | None = None,
) -> MergeResult:
    """Merge `mine` onto `current`, given the `base` both started from. `base` may be
    normalised already (a snapshot); `current` and `mine` are Python values. Only `fields`
    (default: every key of `mine`) are looked at; a field missing from `base` counts as
    changed by the user (the page did not show it, so nothing can be said about it: it is a
    conflict when the stored value differs)."""
    result = MergeResult()
    for name in fields if fields is not None else mine:
        if name not in mine:
            continue
        b = normalise(base[name]) if name in base else object()
        c, m = normalise(current[name]), normalise(mine[name])
        if m == b:
            if c != b:
                result.kept.append(name)
            continue
        if m == c:
            continue
        if c == b:
            result.apply[name] = mine[name]
        else:
            result.conflicts[name] = Conflict(
                base=base.get(name), current=current[name], mine=mine[name]
            )
    return result


class MergeFormMixin(forms.BaseForm):
    """A form that carries the values it was rendered with in a hidden, signed `base` field.

    Pass `base_values` (the stored values of the form's fields) when rendering an unbound form;
    a bound form reads them back with `base_snapshot()`. The service does the merge."""

    BASE_FIELD = "merge_base"

    def __init__(self, *args: Any, base_values: Mapping[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[self.BASE_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if base_values is not None:
            self.initial[self.BASE_FIELD] = snapshot_dumps(base_values)

    def base_snapshot(self) -> dict[str, Any]:
        """The values the page started from; raises BadSnapshot when missing or altered."""
        token = self.data.get(self.add_prefix(self.BASE_FIELD), "")
        if not token:
            raise BadSnapshot("no snapshot")
        return snapshot_loads(token)

    def merge_data(self) -> dict[str, Any]:
        """The cleaned values of the form's own fields (not the snapshot)."""
        return {k: v for k, v in self.cleaned_data.items() if k != self.BASE_FIELD}


KEEP, MINE = "keep", "mine"


class ConflictForm(forms.Form):
    """The page for fields both people changed: per field, keep the stored value or use one's
    own. It carries the stored values it was shown with (the new base) and the user's values,
    signed, so saving it merges again: only fields resolved «mine» are sent to the service,
    and a third person's change in the meantime is a conflict again, never overwritten.

    `conflicts` (unbound) maps field -> Conflict; `labels` and `display(name, value)` say how
    to show a field and a value. Bound, the form reads everything back from its token."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        conflicts: Mapping[str, Conflict] | None = None,
        labels: Mapping[str, Any],
        display: Any,
        **kwargs: Any,
    ):
        super().__init__(data, **kwargs)
        if conflicts is not None:
            payload = {
                "base": {k: normalise(c.current) for k, c in conflicts.items()},
                "mine": {k: normalise(c.mine) for k, c in conflicts.items()},
            }
            self.initial["token"] = signing.dumps(payload, salt=SALT + ".conflict", compress=True)
            pairs = {k: (c.current, c.mine) for k, c in conflicts.items()}
        else:
            try:
                payload = self._payload()
            except BadSnapshot:  # base() says so to the caller; no fields to show
                payload = {"base": {}, "mine": {}}
            pairs = {k: (payload["base"].get(k), v) for k, v in payload["mine"].items()}
        for name, (current, mine) in pairs.items():
            self.fields[f"resolve_{name}"] = forms.ChoiceField(
                label=labels.get(name, name),
                choices=[
                    (
                        KEEP,
                        _("Behold det som er lagret nå: «%(v)s»") % {"v": display(name, current)},
                    ),
                    (MINE, _("Bruk det du skrev: «%(v)s»") % {"v": display(name, mine)}),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Velg hvilken verdi som skal gjelde.")},
            )

    def _payload(self) -> dict[str, Any]:
        try:
            data = signing.loads(
                self.data.get(self.add_prefix("token"), ""), salt=SALT + ".conflict"
            )
        except signing.BadSignature as exc:
            raise BadSnapshot(str(exc)) from exc
        if not isinstance(data, dict) or set(data) != {"base", "mine"}:
            raise BadSnapshot("not a conflict token")
        return data

    def base(self) -> dict[str, Any]:
        """The stored values the conflict page showed (normalised)."""
        return dict(self._payload()["base"])

    def chosen_mine(self) -> dict[str, Any]:
        """The user's values (normalised) for the fields resolved «mine»."""
        mine = self._payload()["mine"]
        return {
            name: mine[name] for name in mine if self.cleaned_data.get(f"resolve_{name}") == MINE
        }
