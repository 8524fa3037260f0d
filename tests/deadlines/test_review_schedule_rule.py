"""fidelity_review_due: the leader's alert that the team's next fidelity review is near (30 days
before the due date) or overdue, resolved the moment the next review is made final."""

import datetime as dt

import pytest

from deadlines.models import Alert, TeamRuleSetting
from fidelity.models import Review
from fidelity.services import review_change_status
from tests.deadlines.conftest import TODAY
from tests.deadlines.factories import run
from tests.fidelity.factories import make_review

pytestmark = pytest.mark.usefixtures("clock")

RULE = "fidelity_review_due"


def _months_before(day: dt.date, months: int) -> dt.date:
    # The test dates use days 1-28, so no month-end clamping is involved.
    month = day.month - months
    year = day.year + (month - 1) // 12
    return day.replace(year=year, month=(month - 1) % 12 + 1)


def _final_review(world, *, held_on: dt.date, period: str, total_each: int = 3, team=None):
    review = make_review(world, period=period, scores=total_each, team=team, status="final")
    Review.objects.filter(pk=review.pk).update(visit_start=held_on, visit_end=held_on)
    return review


def _due_in(world, days: int) -> dt.date:
    """A final review held so that the next one (six months later) is due in `days` days."""
    due = TODAY + dt.timedelta(days=days)
    _final_review(world, held_on=_months_before(due, 6), period="2025-H2")
    return due


@pytest.mark.parametrize(
    ("days_until_due", "opens"), [(31, False), (30, True), (0, True), (-1, True)]
)
def test_alert_opens_thirty_days_before_the_due_date_and_stays_when_overdue(
    world, days_until_due, opens
):
    due = _due_in(world, days_until_due)
    assert run(RULE) == ({world.team.pk} if opens else set())
    if opens:
        alert = Alert.objects.get(rule=RULE)
        assert alert.subject_kind == Alert.SubjectKind.TEAM
        assert alert.team == world.team
        assert alert.owner is None  # the team's leader acts on a team alert
        assert alert.due_date == due
        assert alert.details["months"] == 6


def test_the_same_alert_carries_on_from_due_soon_to_overdue(world, clock):
    _due_in(world, 1)
    assert run(RULE) == {world.team.pk}
    clock.shift(dt.timedelta(days=3))
    assert run(RULE) == {world.team.pk}
    assert Alert.objects.filter(rule=RULE).count() == 1
    assert Alert.objects.get(rule=RULE).state == Alert.State.OPEN


def test_leader_sees_the_team_alert_in_their_list_with_the_team_named(world, leader_client):
    _due_in(world, 10)
    run(RULE)
    body = leader_client.get("/varsler/").content.decode()
    assert "Neste kvalitetsmåling er nær eller forfalt" in body
    assert "IPS Lovisenberg" in body


def test_alert_resolves_at_once_when_the_next_review_is_made_final(
    world, django_capture_on_commit_callbacks
):
    _due_in(world, 5)
    assert run(RULE) == {world.team.pk}
    current = make_review(world, period="2026-H1", scores=4, status="scoring")
    Review.objects.filter(pk=current.pk).update(visit_start=TODAY, visit_end=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        review_change_status(by=world.auditor, review=current, to_status=Review.Status.FINAL)
    # No scan in between: the finalising write announced the team and the rule re-ran for it.
    alert = Alert.objects.get(rule=RULE)
    assert alert.state == Alert.State.RESOLVED
    assert [(e.from_state, e.to_state) for e in alert.events.all()] == [
        ("", "open"),
        ("open", "resolved"),
    ]
    assert run(RULE) == set()


def test_a_draft_of_the_next_review_does_not_resolve_the_alert(world):
    _due_in(world, 5)
    make_review(world, period="2026-H1", scores=4, status="scoring")
    assert run(RULE) == {world.team.pk}


def test_twelve_months_after_two_good_reviews_in_a_row(world):
    held = _months_before(TODAY, 12) + dt.timedelta(days=20)  # due in 20 days at 12 months
    _final_review(world, held_on=_months_before(held, 6), period="2024-H2", total_each=4)
    _final_review(world, held_on=held, period="2025-H1", total_each=4)  # 100: good
    assert run(RULE) == {world.team.pk}
    alert = Alert.objects.get(rule=RULE)
    assert (alert.due_date, alert.details["months"]) == (held.replace(year=held.year + 1), 12)


def test_one_fair_review_among_the_last_two_keeps_the_six_month_cycle(world):
    held = _months_before(TODAY, 6) + dt.timedelta(days=10)
    _final_review(world, held_on=_months_before(held, 6), period="2024-H2", total_each=3)  # 75
    _final_review(world, held_on=held, period="2025-H1", total_each=4)
    assert run(RULE) == {world.team.pk}
    assert Alert.objects.get(rule=RULE).details["months"] == 6


def test_no_alert_for_a_team_without_a_final_review(world):
    make_review(world, period="2025-H1", scores=3, status="scoring")
    assert run(RULE) == set()


def test_a_team_can_switch_the_rule_off(world):
    _due_in(world, 3)
    TeamRuleSetting.objects.create(team=world.team, rule=RULE, enabled=False)
    assert run(RULE) == set()


def test_a_team_can_be_told_earlier(world):
    _due_in(world, 45)
    assert run(RULE) == set()
    TeamRuleSetting.objects.create(team=world.team, rule=RULE, threshold=60)
    assert run(RULE) == {world.team.pk}
