"""Every rule on both sides of its boundary, on real PostgreSQL with a frozen clock."""

import datetime as dt

import pytest

from deadlines.models import Alert, TeamRuleSetting
from employers.models import EmployerContactParticipant
from ips.accounts.models import Membership
from participants.models import Contact, Participant
from referrals.models import Referral
from tests.deadlines.conftest import TODAY, days_ago
from tests.deadlines.factories import caseload, monday_of_last_week, run
from tests.factories import (
    ActionPlanFactory,
    ContactFactory,
    EmployerContactFactory,
    EmployerFactory,
    JobFactory,
    ParticipantFactory,
    PlanReviewFactory,
    ReferralFactory,
    VocationalProfileFactory,
)

pytestmark = pytest.mark.usefixtures("clock")


def _referral(world, received_days_ago: int, **kwargs):
    return ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        referral_date=days_ago(received_days_ago),
        date_received=days_ago(received_days_ago),
        **kwargs,
    )


def _participant(world, entry_days_ago: int, **kwargs):
    return ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        entry_date=days_ago(entry_days_ago),
        **kwargs,
    )


# --- first_meeting_overdue (received > 7 days ago, no first meeting) -------------------------


def test_first_meeting_overdue_after_eight_days_not_after_seven(world):
    on_time = _referral(world, 7, assigned_specialist=world.specialist, status="assigned")
    late = _referral(world, 8, assigned_specialist=world.specialist, status="assigned")
    assert run("first_meeting_overdue") == {late.pk}
    alert = Alert.objects.get(rule="first_meeting_overdue")
    assert alert.owner == world.specialist
    assert alert.due_date == days_ago(8) + dt.timedelta(days=7)
    assert alert.subject_kind == "referral"
    assert on_time.pk


def test_first_meeting_overdue_ignores_withdrawn_referral(world):
    _referral(world, 20, status="withdrawn", withdrawal_reason="declined")
    assert run("first_meeting_overdue") == set()


def test_first_meeting_overdue_resolves_when_the_meeting_is_registered(world):
    referral = _referral(world, 9, assigned_specialist=world.specialist, status="assigned")
    assert run("first_meeting_overdue") == {referral.pk}
    Referral.objects.filter(pk=referral.pk).update(
        first_meeting_date=TODAY, status="first_meeting_held"
    )
    assert run("first_meeting_overdue") == set()
    alert = Alert.objects.get(rule="first_meeting_overdue")
    assert alert.state == Alert.State.RESOLVED
    assert [(e.from_state, e.to_state) for e in alert.events.all()] == [
        ("", "open"),
        ("open", "resolved"),
    ]


def test_team_threshold_override_moves_the_boundary(world):
    referral = _referral(world, 9, assigned_specialist=world.specialist, status="assigned")
    TeamRuleSetting.objects.create(team=world.team, rule="first_meeting_overdue", threshold=10)
    assert run("first_meeting_overdue") == set()
    Referral.objects.filter(pk=referral.pk).update(
        referral_date=days_ago(11), date_received=days_ago(11)
    )
    assert run("first_meeting_overdue") == {referral.pk}


def test_team_can_switch_a_rule_off_and_open_alerts_resolve(world):
    referral = _referral(world, 9, assigned_specialist=world.specialist, status="assigned")
    assert run("first_meeting_overdue") == {referral.pk}
    TeamRuleSetting.objects.create(team=world.team, rule="first_meeting_overdue", enabled=False)
    assert run("first_meeting_overdue") == set()


# --- referral_unassigned (received > 2 days ago, no specialist) ------------------------------


def test_referral_unassigned_after_three_days_not_after_two(world):
    _referral(world, 2)
    late = _referral(world, 3)
    _referral(world, 5, assigned_specialist=world.specialist, status="assigned")
    assert run("referral_unassigned") == {late.pk}
    assert Alert.objects.get(rule="referral_unassigned").owner is None


# --- job_search_overdue (entered > 30 days ago, no face-to-face employer contact) -----------


def test_job_search_overdue_after_31_days_not_after_30(world):
    _participant(world, 30)
    late = _participant(world, 31)
    assert run("job_search_overdue") == {late.pk}


def test_face_to_face_employer_contact_on_behalf_clears_job_search_alert(world):
    person = _participant(world, 40)
    assert run("job_search_overdue") == {person.pk}
    contact = EmployerContactFactory(
        employer=EmployerFactory(team=world.team),
        job_specialist=world.specialist,
        contact_date=days_ago(1),
        face_to_face=True,
    )
    EmployerContactParticipant.objects.create(employer_contact=contact, participant=person)
    assert run("job_search_overdue") == set()


def test_phone_call_to_employer_does_not_count_as_job_search(world):
    person = _participant(world, 40)
    contact = EmployerContactFactory(
        employer=EmployerFactory(team=world.team),
        job_specialist=world.specialist,
        contact_date=days_ago(1),
        face_to_face=False,
    )
    EmployerContactParticipant.objects.create(employer_contact=contact, participant=person)
    assert run("job_search_overdue") == {person.pk}


def test_first_employer_contact_date_clears_job_search_alert(world):
    _participant(world, 40, first_employer_contact_date=days_ago(5))
    assert run("job_search_overdue") == set()


def test_closed_participant_has_no_job_search_alert(world):
    _participant(world, 40, status=Participant.Status.CLOSED)
    assert run("job_search_overdue") == set()


# --- caseload_high (> 20) and caseload_over_limit (> 25) ------------------------------------


@pytest.mark.parametrize(
    ("size", "high", "over"),
    [(20, False, False), (21, True, False), (25, True, False), (26, False, True)],
)
def test_caseload_boundaries(world, size, high, over):
    caseload(world.specialist, world.team, size)
    # Paused and closed participants are not part of the active caseload.
    caseload(world.specialist, world.team, 3, status=Participant.Status.INACTIVE)
    assert run("caseload_high") == ({world.specialist.pk} if high else set())
    assert run("caseload_over_limit") == ({world.specialist.pk} if over else set())


def test_caseload_alert_moves_from_warning_to_breach_as_caseload_grows(world):
    caseload(world.specialist, world.team, 25)
    assert run("caseload_high") == {world.specialist.pk}
    caseload(world.specialist, world.team, 1)
    assert run("caseload_high") == set()
    assert run("caseload_over_limit") == {world.specialist.pk}
    over = Alert.objects.get(rule="caseload_over_limit")
    assert over.details["count"] == 26
    assert over.team == world.team


def test_caseload_uses_the_teams_own_thresholds(world):
    world.team.caseload_warning = 10
    world.team.caseload_limit = 15
    world.team.save()
    caseload(world.specialist, world.team, 11)
    assert run("caseload_high") == {world.specialist.pk}


# --- profile_missing (no vocational profile 21 days after entry) -----------------------------


def test_profile_missing_after_22_days_not_after_21(world):
    _participant(world, 21)
    late = _participant(world, 22)
    with_profile = _participant(world, 40)
    VocationalProfileFactory(participant=with_profile)
    assert run("profile_missing") == {late.pk}


# --- plan_review_due (no plan after 30 days; last review > 3 months ago) --------------------


def test_missing_plan_is_due_after_31_days_not_after_30(world):
    _participant(world, 30)
    late = _participant(world, 31)
    assert run("plan_review_due") == {late.pk}


def test_plan_review_due_when_last_review_is_more_than_three_months_old(world):
    on_time = _participant(world, 400)
    late = _participant(world, 400)
    for person, reviewed in ((on_time, dt.date(2025, 12, 4)), (late, dt.date(2025, 12, 3))):
        plan = ActionPlanFactory(participant=person)
        PlanReviewFactory(plan=plan, reviewed_on=reviewed, reviewed_by=world.specialist)
    assert dt.date(2026, 3, 4) == TODAY
    assert run("plan_review_due") == {late.pk}


def test_new_plan_without_review_counts_from_its_creation(world):
    person = _participant(world, 200)
    plan = ActionPlanFactory(participant=person)
    assert run("plan_review_due") == set()
    type(plan).objects.filter(pk=plan.pk).update(
        created_at=dt.datetime(2025, 12, 3, 12, tzinfo=dt.UTC)
    )
    assert run("plan_review_due") == {person.pk}


# --- no_contact_30_days ---------------------------------------------------------------------


def test_no_contact_after_31_days_not_after_30(world):
    recent = _participant(world, 100)
    ContactFactory(participant=recent, contact_date=days_ago(30))
    late = _participant(world, 100)
    ContactFactory(participant=late, contact_date=days_ago(31))
    assert run("no_contact_30_days") == {late.pk}


def test_new_participant_without_contacts_counts_from_entry(world):
    _participant(world, 30)
    late = _participant(world, 31)
    assert run("no_contact_30_days") == {late.pk}


def test_contact_with_nav_only_is_not_contact_with_the_person(world):
    person = _participant(world, 100)
    ContactFactory(participant=person, contact_date=days_ago(2), with_whom=Contact.With.NAV)
    assert run("no_contact_30_days") == {person.pk}


def test_new_contact_resolves_no_contact_alert(world):
    person = _participant(world, 100)
    assert run("no_contact_30_days") == {person.pk}
    ContactFactory(participant=person, contact_date=TODAY)
    assert run("no_contact_30_days") == set()


# --- job_start_followup / job_loss_followup (no contact within 3 days) ------------------------


def test_job_start_followup_after_four_days_not_after_three(world):
    on_time = _participant(world, 100, status=Participant.Status.EMPLOYED)
    JobFactory(participant=on_time, start_date=days_ago(3))
    late = _participant(world, 100, status=Participant.Status.EMPLOYED)
    JobFactory(participant=late, start_date=days_ago(4))
    followed = _participant(world, 100, status=Participant.Status.EMPLOYED)
    JobFactory(participant=followed, start_date=days_ago(10))
    ContactFactory(participant=followed, contact_date=days_ago(9), with_whom=Contact.With.EMPLOYER)
    assert run("job_start_followup") == {late.pk}


def test_work_training_is_not_a_job_start(world):
    person = _participant(world, 100, status=Participant.Status.EMPLOYED)
    JobFactory(participant=person, start_date=days_ago(10), is_ordinary=False)
    assert run("job_start_followup") == set()


def test_job_loss_followup_after_four_days_not_after_three(world):
    on_time = _participant(world, 100, status=Participant.Status.JOB_SEARCH)
    JobFactory(
        participant=on_time, start_date=days_ago(50), end_date=days_ago(3), end_reason="quit"
    )
    late = _participant(world, 100, status=Participant.Status.JOB_SEARCH)
    JobFactory(participant=late, start_date=days_ago(50), end_date=days_ago(4), end_reason="quit")
    assert run("job_loss_followup") == {late.pk}
    ContactFactory(participant=late, contact_date=TODAY)
    assert run("job_loss_followup") == set()


# --- employer_contacts_low (< 6 face-to-face employer contacts last week) --------------------


def _backdate_memberships():
    Membership.objects.update(started_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize(("count", "alert"), [(5, True), (6, False)])
def test_employer_contacts_low_boundary(world, count, alert):
    _backdate_memberships()
    employer = EmployerFactory(team=world.team)
    monday = monday_of_last_week(TODAY)
    for i in range(count):
        EmployerContactFactory(
            employer=employer,
            job_specialist=world.specialist,
            contact_date=monday + dt.timedelta(days=i % 7),
        )
    # This week's contacts and phone calls do not count for last week.
    EmployerContactFactory(employer=employer, job_specialist=world.specialist, contact_date=TODAY)
    EmployerContactFactory(
        employer=employer, job_specialist=world.specialist, contact_date=monday, face_to_face=False
    )
    flagged = run("employer_contacts_low")
    assert (world.specialist.pk in flagged) is alert
    # The teammate made none at all.
    assert world.teammate.pk in flagged


def test_specialist_who_joined_this_week_is_not_flagged(world):
    assert run("employer_contacts_low") == set()
