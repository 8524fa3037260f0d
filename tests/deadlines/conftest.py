import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

OSLO = ZoneInfo("Europe/Oslo")
# A Wednesday safely in the past: PostgreSQL's "not in the future" CHECK constraints use the real
# clock, so every date the tests create must lie before the real today.
FROZEN_NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=OSLO)
TODAY = FROZEN_NOW.date()


@pytest.fixture
def clock():
    """Frozen at FROZEN_NOW (Oslo noon). `clock.shift(days=1)` moves it."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)
