"""ips/merge.py: the three-way merge any form can use so a stale save never reverts a change."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms

from ips.merge import (
    BadSnapshot,
    Conflict,
    ConflictForm,
    MergeFormMixin,
    normalise,
    snapshot_dumps,
    snapshot_loads,
    three_way_merge,
)


def test_only_my_change_is_applied_and_the_other_persons_is_kept():
    result = three_way_merge(
        base={"a": "1", "b": "1"}, current={"a": "1", "b": "theirs"}, mine={"a": "mine", "b": "1"}
    )
    assert result.apply == {"a": "mine"}
    assert result.kept == ["b"] and not result.conflicts


def test_both_changing_a_field_differently_is_a_conflict_not_a_write():
    result = three_way_merge(base={"a": ""}, current={"a": "Kokk"}, mine={"a": "Snekker"})
    assert result.apply == {}
    assert result.conflicts == {"a": Conflict(base="", current="Kokk", mine="Snekker")}


def test_both_making_the_same_change_is_no_conflict_and_nothing_to_write():
    result = three_way_merge(base={"a": ""}, current={"a": "Kokk"}, mine={"a": "Kokk"})
    assert not result.apply and not result.conflicts and not result.changed


def test_a_field_the_page_did_not_show_is_a_conflict_when_the_stored_value_differs():
    result = three_way_merge(base={}, current={"a": "x", "b": ""}, mine={"a": "y", "b": "z"})
    assert sorted(result.conflicts) == ["a", "b"] and result.apply == {}
    result = three_way_merge(base={}, current={"a": "y"}, mine={"a": "y"})
    assert not result.conflicts and not result.apply


def test_only_the_given_fields_are_merged():
    result = three_way_merge(
        base={"a": 1, "b": 1}, current={"a": 1, "b": 1}, mine={"a": 2, "b": 2}, fields=["a"]
    )
    assert result.apply == {"a": 2}


@pytest.mark.parametrize(
    ("stored", "snapshot"),
    [
        (Decimal("6.50"), "6.5"),
        (Decimal("0.0"), "0"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        (["b", "a"], ["a", "b"]),
        (None, None),
        (True, True),
        ("", ""),
    ],
)
def test_values_compare_by_meaning_through_the_snapshot(stored, snapshot):
    assert normalise(stored) == snapshot
    assert snapshot_loads(snapshot_dumps({"v": stored})) == {"v": snapshot}
    assert not three_way_merge(
        base=snapshot_loads(snapshot_dumps({"v": stored})),
        current={"v": stored},
        mine={"v": stored},
    ).changed


def test_none_and_empty_text_stay_apart():
    # A yes/no question not answered (None) and answered (False) are different answers.
    assert three_way_merge(base={"v": None}, current={"v": None}, mine={"v": False}).apply == {
        "v": False
    }


def test_an_altered_snapshot_is_refused():
    token = snapshot_dumps({"a": "1"})
    with pytest.raises(BadSnapshot):
        snapshot_loads(token[:-2] + "xx")
    with pytest.raises(BadSnapshot):
        snapshot_loads("")


class _NoteForm(MergeFormMixin, forms.Form):
    note = forms.CharField(required=False)


def test_merge_form_carries_its_base_and_reads_it_back():
    unbound = _NoteForm(base_values={"note": "før"}, prefix="x")
    token = unbound.initial[MergeFormMixin.BASE_FIELD]
    bound = _NoteForm({"x-note": "etter", "x-merge_base": token}, prefix="x")
    assert bound.is_valid()
    assert bound.base_snapshot() == {"note": "før"}
    assert bound.merge_data() == {"note": "etter"}
    with pytest.raises(BadSnapshot):
        _NoteForm({"x-note": "etter"}, prefix="x").base_snapshot()


def test_conflict_form_round_trip_returns_only_the_fields_resolved_mine():
    conflicts = {
        "a": Conflict(base="", current="Kokk", mine="Snekker"),
        "b": Conflict(base="", current="Buss", mine="Sykkel"),
    }
    shown = ConflictForm(conflicts=conflicts, labels={"a": "A", "b": "B"}, display=lambda n, v: v)
    html = str(shown)
    assert "«Kokk»" in html and "«Snekker»" in html
    token = shown.initial["token"]
    posted = ConflictForm(
        {"token": token, "resolve_a": "mine", "resolve_b": "keep"},
        labels={},
        display=lambda n, v: v,
    )
    assert posted.is_valid(), posted.errors
    assert posted.base() == {"a": "Kokk", "b": "Buss"}
    assert posted.chosen_mine() == {"a": "Snekker"}
    missing = ConflictForm(
        {"token": token, "resolve_a": "mine"}, labels={}, display=lambda n, v: str(v)
    )
    assert not missing.is_valid() and "resolve_b" in missing.errors
    with pytest.raises(BadSnapshot):
        ConflictForm({"token": "x"}, labels={}, display=lambda n, v: str(v)).base()
