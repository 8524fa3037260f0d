import datetime as dt

import pytest
from django.utils import translation

from ips import periods

D = dt.date


@pytest.mark.parametrize(
    ("code", "dates"),
    [
        ("2026-H1", (D(2026, 1, 1), D(2026, 6, 30))),
        ("2026-H2", (D(2026, 7, 1), D(2026, 12, 31))),
        ("2028-Q1", (D(2028, 1, 1), D(2028, 3, 31))),
        (" 2026-q3 ", (D(2026, 7, 1), D(2026, 9, 30))),
        ("2026-H3", None),
        ("2026-Q5", None),
        ("1999-H1", None),
        ("H1-2026", None),
        ("", None),
    ],
)
def test_period_codes_name_their_first_and_last_day(code, dates):
    assert periods.period_dates(code) == dates


def test_a_code_is_normalised_before_it_is_stored():
    assert periods.period_normalise(" 2026-h1 ") == "2026-H1"


def test_the_half_year_code_of_a_day():
    assert periods.half_year_code(D(2026, 6, 30)) == "2026-H1"
    assert periods.half_year_code(D(2026, 7, 1)) == "2026-H2"


def test_a_review_code_and_the_dashboard_period_cover_the_same_days():
    half = periods.period_for(kind=periods.HALF, year=2026, number=2)
    assert periods.period_dates("2026-H2") == (half.start, half.end)
    q4 = periods.quarter_of(D(2025, 11, 15))
    assert periods.period_dates("2025-Q4") == (q4.start, q4.end)


def test_quarters_ending_with_a_day_cross_the_new_year_oldest_first():
    quarters = periods.quarters_ending_with(D(2026, 2, 10), count=3)
    assert [periods.short_quarter_label(q) for q in quarters] == ["K3 2025", "K4 2025", "K1 2026"]


def test_periods_have_norwegian_labels():
    with translation.override("nb"):
        assert periods.quarter(2026, 1).label == "1. kvartal 2026"
        assert periods.half_year(2026, 2).label == "2. halvår 2026"
        assert periods.whole_year(2026).label == "2026"
        assert periods.custom(D(2026, 1, 5), D(2026, 2, 1)).label == "05.01.2026–01.02.2026"


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="end before start"):
        periods.Period(D(2026, 2, 1), D(2026, 1, 31))
