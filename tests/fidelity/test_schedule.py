"""The review schedule: the next review's due date per team, and the auditor's list of upcoming
reviews (the same SQL as the leader's deadline alert)."""

import calendar
import datetime as dt

from django.urls import reverse

from fidelity.models import Review
from fidelity.selectors import review_schedule
from tests.factories import today
from tests.fidelity.factories import make_review


def _months_after(day: dt.date, months: int) -> dt.date:
    """PostgreSQL's date + interval 'N months': the same day, or the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _final(world, *, period, held_on, scores=3, kind=Review.Kind.EXTERNAL, team=None, by=None):
    review = make_review(
        world, period=period, scores=scores, kind=kind, team=team, by=by, status="final"
    )
    Review.objects.filter(pk=review.pk).update(visit_start=held_on, visit_end=held_on)
    return review


def test_next_review_six_months_after_the_last_final_one(world):
    held = today().replace(day=10) - dt.timedelta(days=100)
    _final(world, period="2025-H2", held_on=held)
    (row,) = review_schedule([world.team.pk])
    assert row.held_on == held
    assert row.due_date == _months_after(held, 6)
    assert row.months == 6 and not row.good_twice


def test_yearly_once_the_last_two_reviews_were_good(world):
    first = today().replace(day=5) - dt.timedelta(days=300)
    second = first + dt.timedelta(days=180)
    _final(world, period="2024-H2", held_on=first, scores=4)
    _final(world, period="2025-H1", held_on=second, scores=5)
    (row,) = review_schedule([world.team.pk])
    assert row.good_twice and row.months == 12
    assert row.due_date == _months_after(second, 12)


def test_the_external_review_counts_when_a_period_has_a_self_assessment_too(world):
    held = today().replace(day=3) - dt.timedelta(days=30)
    _final(world, period="2025-H1", held_on=held - dt.timedelta(days=200), scores=4)
    external = _final(world, period="2025-H2", held_on=held, scores=4)
    # A good self-assessment for the same period is not a second good review in a row on its
    # own period: one result per period.
    _final(
        world,
        period="2025-H2",
        held_on=held + dt.timedelta(days=5),
        scores=2,
        kind=Review.Kind.SELF,
        by=world.leader,
    )
    (row,) = review_schedule([world.team.pk])
    assert row.last_review_id == external.pk
    assert row.good_twice


def test_auditors_list_shows_each_teams_next_review_with_its_due_date(world, auditor_client):
    held = today() - dt.timedelta(days=170)
    _final(world, period="2025-H2", held_on=held)
    due = _months_after(held, 6)
    response = auditor_client.get(reverse("fidelity:review_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="review-schedule"' in body
    assert due.strftime("%d.%m.%Y") in body
    assert "Om " in body  # due within 30 days: the days left are shown


def test_a_team_without_a_final_review_is_listed_without_a_date(world, auditor_client):
    make_review(world, period="2026-H1", scores=3)
    (row,) = review_schedule([world.team.pk])
    assert row.due_date is None
    body = auditor_client.get(reverse("fidelity:review_list")).content.decode()
    assert "Ingen endelig måling ennå" in body
