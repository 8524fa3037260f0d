import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dashboards import measures
from ips.periods import Period
from participants.models import Participant, ParticipantStatusEvent
from tests.dashboards import known
from tests.factories import EducationEpisodeFactory, JobFactory, ParticipantFactory, TeamFactory

D = dt.date
Q2 = known.Q2_2025
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def team_a(world):
    known.build(world)
    return [world.team.pk]


def test_active_caseload_counts_who_was_active_on_the_last_day(team_a):
    assert measures.active_caseload(team_ids=team_a, period=Q2) == known.EXPECTED["active"]


def test_people_in_ordinary_work_counts_each_person_once(team_a):
    assert measures.people_in_ordinary_work(team_ids=team_a, period=Q2) == 3


def test_employment_rate_is_working_over_everyone_served(team_a):
    rate = measures.employment_rate(team_ids=team_a, period=Q2)
    assert (rate.numerator, rate.denominator, rate.percent) == (3, 6, 50.0)


def test_job_starts_count_ordinary_jobs_started_in_the_period(team_a):
    assert measures.job_starts(team_ids=team_a, period=Q2) == 2


def test_education_starts_count_ordinary_education_only(team_a):
    assert measures.education_starts(team_ids=team_a, period=Q2) == 1


def test_referrals_received_in_the_period_for_the_team_only(team_a):
    assert measures.referrals_received(team_ids=team_a, period=Q2) == 4


def test_median_days_from_received_to_first_meeting(team_a):
    median = measures.median_days_referral_to_first_meeting(team_ids=team_a, period=Q2)
    assert (median.days, median.cases) == (7, 3)


def test_median_days_from_entry_to_first_employer_contact(team_a):
    median = measures.median_days_entry_to_first_employer_contact(team_ids=team_a, period=Q2)
    assert (median.days, median.cases) == (61, 3)


def test_median_days_from_entry_to_first_ordinary_job(team_a):
    median = measures.median_days_entry_to_first_job(team_ids=team_a, period=Q2)
    assert (median.days, median.cases) == (92, 1)


def test_job_retention_90_days(team_a):
    retention = measures.job_retention_90_days(team_ids=team_a, period=Q2)
    assert (retention.numerator, retention.denominator) == (2, 3)
    assert retention.percent == 66.7


def test_outcomes_gathers_every_measure(team_a):
    figures = measures.outcomes(team_ids=team_a, period=Q2)
    assert figures["active"] == 5
    assert figures["served"] == 6
    assert figures["working"] == 3
    assert figures["job_starts"] == 2
    assert figures["retention_90"].numerator == 2


def test_trend_gives_the_same_rate_as_the_single_period(team_a):
    q1 = Period(D(2025, 1, 1), D(2025, 3, 31))
    trend = measures.employment_rate_trend(team_ids=team_a, periods=[q1, Q2])
    assert trend[1] == measures.employment_rate(team_ids=team_a, period=Q2)
    assert trend[0] == measures.employment_rate(team_ids=team_a, period=q1)


def test_median_of_an_even_number_of_cases_is_the_midpoint(world):
    for entry, contact in ((D(2025, 3, 1), D(2025, 4, 1)), (D(2025, 3, 1), D(2025, 4, 11))):
        ParticipantFactory(team=world.team, entry_date=entry, first_employer_contact_date=contact)
    median = measures.median_days_entry_to_first_employer_contact(
        team_ids=[world.team.pk], period=Q2
    )
    assert (median.days, median.cases) == (36, 2)


# --- Edge cases ------------------------------------------------------------------------------------


def test_nobody_active_gives_no_rate_instead_of_dividing_by_zero(db):
    empty = TeamFactory()
    rate = measures.employment_rate(team_ids=[empty.pk], period=Q2)
    assert (rate.numerator, rate.denominator, rate.percent) == (0, 0, None)
    assert measures.job_retention_90_days(team_ids=[empty.pk], period=Q2).percent is None
    median = measures.median_days_referral_to_first_meeting(team_ids=[empty.pk], period=Q2)
    assert (median.days, median.cases) == (None, 0)


def test_everyone_closed_gives_no_rate(world):
    p = ParticipantFactory(
        team=world.team, status=Participant.Status.CLOSED, entry_date=D(2025, 1, 1)
    )
    JobFactory(participant=p, start_date=D(2025, 2, 1))
    rate = measures.employment_rate(team_ids=[world.team.pk], period=Q2)
    assert rate.denominator == 0 and rate.percent is None


def test_a_job_that_started_before_and_ended_inside_the_period_counts(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))
    JobFactory(participant=p, start_date=D(2025, 2, 1), end_date=D(2025, 4, 1), end_reason="quit")
    assert measures.people_in_ordinary_work(team_ids=[world.team.pk], period=Q2) == 1
    # ... but it is not a new job start in the period.
    assert measures.job_starts(team_ids=[world.team.pk], period=Q2) == 0


def test_a_job_that_ended_the_day_before_the_period_does_not_count(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))
    JobFactory(participant=p, start_date=D(2025, 2, 1), end_date=D(2025, 3, 31), end_reason="quit")
    assert measures.people_in_ordinary_work(team_ids=[world.team.pk], period=Q2) == 0


def test_two_jobs_for_one_person_count_as_one_person_working(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))
    JobFactory(participant=p, start_date=D(2025, 4, 2))
    JobFactory(participant=p, start_date=D(2025, 5, 2), title="Kveldsjobb")
    assert measures.people_in_ordinary_work(team_ids=[world.team.pk], period=Q2) == 1
    assert measures.job_starts(team_ids=[world.team.pk], period=Q2) == 2
    assert measures.employment_rate(team_ids=[world.team.pk], period=Q2).percent == 100.0


def test_work_training_places_are_never_counted_as_jobs(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))
    JobFactory(participant=p, start_date=D(2025, 1, 2), is_ordinary=False)
    JobFactory(participant=p, start_date=D(2025, 4, 2), is_ordinary=False)
    team = [world.team.pk]
    assert measures.people_in_ordinary_work(team_ids=team, period=Q2) == 0
    assert measures.job_starts(team_ids=team, period=Q2) == 0
    assert measures.job_retention_90_days(team_ids=team, period=Q2).denominator == 0
    assert measures.median_days_entry_to_first_job(team_ids=team, period=Q2).cases == 0


def test_a_pause_at_the_period_end_is_not_active(world):
    ParticipantFactory(
        team=world.team, status=Participant.Status.INACTIVE, entry_date=D(2025, 1, 1)
    )
    assert measures.active_caseload(team_ids=[world.team.pk], period=Q2) == 0


def test_education_that_is_not_ordinary_is_not_an_education_start(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))
    EducationEpisodeFactory(participant=p, start_date=D(2025, 4, 2), is_ordinary=False)
    assert measures.education_starts(team_ids=[world.team.pk], period=Q2) == 0


def test_each_selector_is_one_query(team_a, django_assert_num_queries):
    for _key, _label, selector in measures.MEASURES:
        with django_assert_num_queries(1):
            selector(team_ids=team_a, period=Q2)
    with django_assert_num_queries(1):
        measures.employment_rate_trend(team_ids=team_a, periods=[Q2] * 8)


# --- Per team ---------------------------------------------------------------------------------------


def test_per_team_gives_each_team_the_figures_it_has_alone(world, team_a):
    empty = TeamFactory()
    team_ids = [world.team.pk, world.other_team.pk, empty.pk]
    per_team = measures.outcomes_per_team(team_ids=team_ids, period=Q2)
    for team_id in team_ids:
        assert per_team[team_id] == measures.outcomes(team_ids=[team_id], period=Q2)
    assert per_team[world.team.pk]["days_to_employer_contact"].days == 61
    assert per_team[world.other_team.pk]["working"] == 1
    assert per_team[empty.pk]["employment_rate"].percent is None


def test_per_team_trend_gives_each_team_its_own_trend(world, team_a):
    quarters = [Period(D(2025, 1, 1), D(2025, 3, 31)), Q2]
    team_ids = [world.team.pk, world.other_team.pk]
    per_team = measures.employment_rate_trend.per_team(team_ids=team_ids, periods=quarters)
    for team_id in team_ids:
        assert per_team[team_id] == measures.employment_rate_trend(
            team_ids=[team_id], periods=quarters
        )
    assert per_team[world.team.pk][1].percent == known.EXPECTED["rate"]


def test_per_team_is_one_query_per_measure_whatever_the_number_of_teams(
    world, team_a, django_assert_num_queries
):
    team_ids = [world.team.pk, world.other_team.pk, TeamFactory().pk]
    with django_assert_num_queries(1):
        measures.median_days_entry_to_first_job.per_team(team_ids=team_ids, period=Q2)
    with django_assert_num_queries(len(measures.MEASURES) - 2):
        measures.outcomes_per_team(team_ids=team_ids, period=Q2)


@pytest.mark.parametrize(
    ("closed_at_oslo", "active_on_last_day"),
    [
        (
            dt.datetime(2025, 6, 30, 23, 30, tzinfo=OSLO),
            False,
        ),  # closed late on the last evening (Oslo)
        (
            dt.datetime(2025, 7, 1, 0, 30, tzinfo=OSLO),
            True,
        ),  # closed just after midnight: still active then
    ],
)
def test_status_on_the_last_day_follows_oslo_midnight(world, closed_at_oslo, active_on_last_day):
    p = ParticipantFactory(
        team=world.team, status=Participant.Status.CLOSED, entry_date=D(2025, 1, 1)
    )
    event = ParticipantStatusEvent.objects.create(
        participant=p, from_status=Participant.Status.JOB_SEARCH, to_status=p.status
    )
    # `at` is auto_now_add: place the event by update.
    ParticipantStatusEvent.objects.filter(pk=event.pk).update(at=closed_at_oslo)
    expected = 1 if active_on_last_day else 0
    assert measures.active_caseload(team_ids=[world.team.pk], period=Q2) == expected
