"""«Handlingsplan gjennomført» on the referral comes from the action plan; the referral status
column allows only the four statuses (zero exclusion: no rejection can be stored, not even by SQL)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from participants import services
from referrals.models import Referral
from tests.factories import ParticipantFactory, ReferralFactory, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(world):
    referral = ReferralFactory(
        team=world.team,
        assigned_specialist=world.specialist,
        status=Referral.Status.FIRST_MEETING_HELD,
        first_meeting_date=today(),
    )
    participant = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, referral=referral
    )
    return participant, referral


def _completed(referral):
    referral.refresh_from_db()
    return referral.action_plan_completed_date


def test_plan_is_completed_when_it_has_a_goal_with_responsible_and_target_date(world, referred):
    participant, referral = referred
    by = world.specialist
    services.plan_save(participant=participant, by=by, overall_goal="Jobb i barnehage")
    assert _completed(referral) is None
    goal = services.goal_add(participant=participant, by=by, description="Skrive CV")
    assert _completed(referral) is None  # no responsible person or target date yet
    services.goal_update(goal=goal, by=by, responsible="Siri", target_date=None)
    assert _completed(referral) is None
    services.goal_update(goal=goal, by=by, target_date=today() + dt.timedelta(days=14))
    assert _completed(referral) == today()


def test_goal_before_overall_goal_completes_the_plan_when_the_goal_is_written(world, referred):
    participant, referral = referred
    by = world.specialist
    services.goal_add(
        participant=participant,
        by=by,
        description="Besøke to arbeidsgivere",
        responsible="Deltaker og jobbspesialist",
        target_date=today() + dt.timedelta(days=7),
    )
    assert _completed(referral) is None
    services.plan_save(participant=participant, by=by, overall_goal="Fast jobb i butikk")
    assert _completed(referral) == today()


def test_completed_date_is_the_first_completion_and_later_edits_keep_it(world, referred):
    participant, referral = referred
    Referral.objects.filter(pk=referral.pk).update(
        action_plan_completed_date=referral.date_received
    )
    services.plan_save(participant=participant, by=world.specialist, overall_goal="Ny retning")
    services.goal_add(
        participant=participant,
        by=world.specialist,
        description="Ny CV",
        responsible="Siri",
        target_date=today(),
    )
    assert _completed(referral) == referral.date_received


def test_completion_is_in_the_referrals_change_history_with_its_actor(world, referred):
    participant, referral = referred
    services.plan_save(participant=participant, by=world.specialist, overall_goal="Lager")
    services.goal_add(
        participant=participant,
        by=world.specialist,
        description="Truckførerbevis",
        responsible="Siri",
        target_date=today(),
    )
    event = referral.history.order_by("-pgh_id").first()
    assert event.action_plan_completed_date == today()
    assert event.pgh_context.metadata.get("user") == world.specialist.pk


def test_participant_without_referral_can_complete_a_plan(world):
    participant = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    services.plan_save(participant=participant, by=world.specialist, overall_goal="Jobb")
    goal = services.goal_add(
        participant=participant,
        by=world.specialist,
        description="CV",
        responsible="Siri",
        target_date=today(),
    )
    assert goal.pk


@pytest.mark.parametrize("status", ["rejected", "not_job_ready", ""])
def test_database_refuses_a_referral_status_outside_the_four(world, status):
    referral = ReferralFactory(team=world.team)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Referral._meta.db_table} SET status = %s WHERE id = %s",  # noqa: S608
            [status, referral.pk],
        )


def test_the_four_statuses_are_allowed(world):
    assert set(Referral.Status.values) == {
        "received",
        "assigned",
        "first_meeting_held",
        "withdrawn",
    }
