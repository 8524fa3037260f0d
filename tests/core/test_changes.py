"""The change hook (ips/changes.py): readers hear about committed writes, and only those."""

import pytest
from django.db import transaction

from ips import changes
from ips.changes import Subject


@pytest.fixture
def heard():
    calls: list[frozenset[int]] = []

    def handler(ids):
        calls.append(ids)

    changes.subscribe(Subject.REFERRAL, handler)
    yield calls
    changes.unsubscribe(Subject.REFERRAL, handler)


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_hears_the_ids_once_the_write_commits(heard):
    with transaction.atomic():
        changes.announce(Subject.REFERRAL, [3, 4, None])
        assert heard == []  # not before commit
    assert heard == [frozenset({3, 4})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_announces_nothing(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.announce(Subject.REFERRAL, 7)
        raise RuntimeError("the write failed")
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_other_kinds_are_not_delivered_to_the_subscriber(heard):
    changes.announce(Subject.PARTICIPANT, 5)
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_reader_does_not_fail_the_write_or_the_other_readers(heard, caplog):
    later: list[frozenset[int]] = []

    def broken(ids):
        raise ValueError("reader bug")

    changes.subscribe(Subject.REFERRAL, broken)
    changes.subscribe(Subject.REFERRAL, later.append)
    try:
        with transaction.atomic():
            changes.announce(Subject.REFERRAL, 9)
    finally:
        changes.unsubscribe(Subject.REFERRAL, broken)
        changes.unsubscribe(Subject.REFERRAL, later.append)
    assert heard == [frozenset({9})]
    assert later == [frozenset({9})]
    assert "change handler" in caplog.text
