import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ips.audit.history import history_entries
from participants import selectors, services
from participants.models import (
    ActionPlan,
    Contact,
    Job,
    Participant,
    ParticipantStatusEvent,
    ProfileSectionFill,
    VocationalProfile,
)
from tests.factories import (
    ContactFactory,
    EmployerFactory,
    GoalFactory,
    JobFactory,
    today,
)

pytestmark = pytest.mark.django_db


def test_change_status_writes_an_event_row(world):
    p = world.participant
    services.participant_change_status(
        participant=p, to_status="follow_along", by=world.specialist, note="Stabil i jobb"
    )
    p.refresh_from_db()
    assert p.status == "follow_along"
    event = ParticipantStatusEvent.objects.get(participant=p)
    assert (event.from_status, event.to_status, event.by) == (
        "job_search",
        "follow_along",
        world.specialist,
    )


def test_job_search_starts_with_an_empty_vocational_profile(world):
    p = world.participant
    p.status = Participant.Status.ENGAGED
    p.save()
    assert not VocationalProfile.objects.filter(participant=p).exists()
    services.participant_change_status(participant=p, to_status="job_search", by=world.specialist)
    p.refresh_from_db()
    assert p.status == "job_search"


def test_changing_to_the_same_status_writes_no_event(world):
    services.participant_change_status(
        participant=world.participant, to_status="job_search", by=world.specialist
    )
    assert not ParticipantStatusEvent.objects.exists()


def test_closing_and_reopening_sets_and_clears_closed_at(world):
    p = services.participant_change_status(
        participant=world.participant, to_status="closed", by=world.specialist
    )
    assert p.closed_at is not None
    p = services.participant_change_status(participant=p, to_status="engaged", by=world.specialist)
    assert p.closed_at is None


def test_contact_log_defaults_to_face_to_face_with_the_participant_and_asks_for_the_place(
    world,
):
    with pytest.raises(ValidationError) as error:
        services.contact_log(
            participant=world.participant, by=world.specialist, contact_date=today()
        )
    assert error.value.message_dict == {"place": ["Velg hvor dere møttes."]}
    c = services.contact_log(
        participant=world.participant, by=world.specialist, contact_date=today(), place="home"
    )
    assert (c.with_whom, c.mode, c.place, c.duration_minutes) == (
        "participant",
        "face_to_face",
        "home",
        30,
    )


def test_contact_log_clears_the_place_of_a_phone_call(world):
    c = services.contact_log(
        participant=world.participant,
        by=world.specialist,
        contact_date=today(),
        mode="phone",
        place="community",
    )
    assert c.place == ""


@pytest.mark.parametrize("minutes", [0, 2000])
def test_contact_log_refuses_durations_outside_1_to_600_minutes(world, minutes):
    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            participant=world.participant,
            by=world.specialist,
            contact_date=today(),
            duration_minutes=minutes,
        )
    assert "duration_minutes" in exc.value.message_dict or exc.value.messages
    assert not Contact.objects.exists()


def test_contact_log_refuses_a_future_date(world):
    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            participant=world.participant,
            by=world.specialist,
            contact_date=today() + dt.timedelta(days=1),
        )
    assert "contact_date" in exc.value.message_dict
    assert not Contact.objects.exists()


def test_contact_update_keeps_the_earlier_version_in_history(world):
    c = ContactFactory(participant=world.participant, note="Første notat")
    services.contact_update(contact=c, by=world.specialist, note="Rettet notat")
    c.refresh_from_db()
    assert c.note == "Rettet notat"
    assert [h.note for h in c.history.order_by("pgh_id")] == ["Første notat", "Rettet notat"]


def _save(participant, by, section, base=None, **data):
    """Save a section from a page that showed `base` (default: what is stored now)."""
    if base is None:
        stored = VocationalProfile.objects.filter(participant=participant).first()
        base = selectors.profile_field_values(stored, data)
    return services.profile_section_save(
        participant=participant, by=by, section=section, base=base, data=data
    )


def test_section_save_creates_the_profile_and_records_who_filled_it_in(world):
    p = world.participant
    result = _save(p, world.specialist, "goals", dream_job="Kokk")
    assert result.applied == ["dream_job"] and not result.conflicts
    profile = VocationalProfile.objects.get(participant=p)
    assert (profile.dream_job, profile.updated_by) == ("Kokk", world.specialist)
    fill = ProfileSectionFill.objects.get(profile=profile, section="goals")
    assert fill.filled_by == world.specialist


def test_section_save_from_a_stale_page_keeps_the_other_persons_changes(world):
    p = world.participant
    _save(p, world.specialist, "housing", housing="Hybel", transport="")
    page = {"housing": "Hybel", "lives_with": "", "transport": ""}  # both pages show this
    _save(p, world.teammate, "housing", base=page, **{**page, "lives_with": "Søster"})
    result = _save(p, world.specialist, "housing", base=page, **{**page, "transport": "Buss"})
    assert result.applied == ["transport"] and result.kept == ["lives_with"]
    profile = VocationalProfile.objects.get(participant=p)
    assert (profile.housing, profile.lives_with, profile.transport) == ("Hybel", "Søster", "Buss")


def test_same_field_changed_by_both_is_a_conflict_and_nothing_of_it_is_written(world):
    p = world.participant
    page = {"dream_job": "", "job_wanted_now": ""}
    _save(p, world.teammate, "goals", base=page, dream_job="Kokk", job_wanted_now="Lager")
    result = _save(p, world.specialist, "goals", base=page, dream_job="Snekker", job_wanted_now="")
    assert list(result.conflicts) == ["dream_job"]
    assert (result.conflicts["dream_job"].current, result.conflicts["dream_job"].mine) == (
        "Kokk",
        "Snekker",
    )
    profile = VocationalProfile.objects.get(participant=p)
    assert (profile.dream_job, profile.job_wanted_now) == ("Kokk", "Lager")
    # Resolved «mine» on the conflict page (whose base is what it showed): applied.
    result = _save(p, world.specialist, "goals", base={"dream_job": "Kokk"}, dream_job="Snekker")
    assert result.applied == ["dream_job"]
    profile.refresh_from_db()
    assert (profile.dream_job, profile.job_wanted_now) == ("Snekker", "Lager")


def test_section_save_refuses_fields_of_another_section(world):
    with pytest.raises(TypeError):
        _save(world.participant, world.specialist, "goals", base={}, diagnosis="F20")
    with pytest.raises(ValueError):
        _save(world.participant, world.specialist, "work_history", base={})


def test_unchanged_section_save_writes_nothing_and_creates_no_profile(world):
    p = world.participant
    result = _save(p, world.specialist, "goals", dream_job="", job_wanted_now="")
    assert not result.applied and result.profile is None
    assert not VocationalProfile.objects.filter(participant=p).exists()


def test_plan_records_who_filled_it_in(world):
    # A first goal creates the plan, filled in by whoever added it.
    services.goal_add(participant=world.participant, by=world.specialist, description="CV")
    plan = ActionPlan.objects.get(participant=world.participant)
    assert plan.filled_by == world.specialist and plan.filled_at is not None
    services.plan_save(participant=world.participant, by=world.teammate, overall_goal="Jobb")
    plan.refresh_from_db()
    assert plan.filled_by == world.teammate


def test_work_history_refuses_end_before_start(world):
    with pytest.raises(ValidationError):
        services.work_history_add(
            participant=world.participant,
            by=world.specialist,
            title="Kokk",
            start_date=dt.date(2020, 5, 1),
            end_date=dt.date(2020, 1, 1),
        )


def test_plan_review_keeps_the_plan_as_it_read_at_the_review(world):
    p = world.participant
    plan = services.plan_save(participant=p, by=world.specialist, overall_goal="Jobb i butikk")
    goal = services.goal_add(participant=p, by=world.specialist, description="Lage CV")
    review = services.plan_review_record(
        participant=p, by=world.specialist, reviewed_on=today(), summary="God fremgang"
    )
    services.goal_update(goal=goal, by=world.specialist, description="Søke fem jobber")
    services.plan_save(participant=p, by=world.specialist, overall_goal="Jobb på lager")
    review.refresh_from_db()
    assert review.snapshot["overall_goal"] == "Jobb i butikk"
    assert [g["description"] for g in review.snapshot["goals"]] == ["Lage CV"]
    plan.refresh_from_db()
    assert plan.overall_goal == "Jobb på lager"


def test_plan_review_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError):
        services.plan_review_record(
            participant=world.participant,
            by=world.specialist,
            reviewed_on=today() + dt.timedelta(days=1),
            summary="x",
        )


def _job(world, **kwargs):
    values = {
        "participant": world.participant,
        "by": world.specialist,
        "employer": world.employer,
        "title": "Butikkmedarbeider",
        "start_date": today() - dt.timedelta(days=5),
        "hours_per_week": Decimal("20"),
        "hourly_wage": Decimal("210"),
    }
    values.update(kwargs)
    return services.job_start(**values)


def test_ordinary_job_start_sets_status_employed_with_an_event(world):
    _job(world)
    p = Participant.objects.get(pk=world.participant.pk)
    assert p.status == "employed"
    assert p.status_events.get().to_status == "employed"


def test_work_training_is_recorded_but_changes_no_status(world):
    job = _job(world, is_ordinary=False)
    assert job.pk
    assert Participant.objects.get(pk=world.participant.pk).status == "job_search"


def test_job_start_refuses_employer_of_another_team(world):
    with pytest.raises(ValidationError):
        _job(world, employer=world.other_employer)
    assert not Job.objects.exists()


def test_job_end_refuses_end_before_start_and_missing_reason(world):
    job = JobFactory(participant=world.participant, employer=world.employer)
    with pytest.raises(ValidationError) as exc:
        services.job_end(
            job=job,
            by=world.specialist,
            end_date=job.start_date - dt.timedelta(days=1),
            end_reason="",
        )
    assert set(exc.value.message_dict) == {"end_date", "end_reason"}
    job.refresh_from_db()
    assert job.end_date is None


def test_job_end_puts_the_person_back_in_job_search(world):
    job = _job(world)
    services.job_end(job=job, by=world.specialist, end_date=today(), end_reason="quit")
    job.refresh_from_db()
    assert (job.end_date, job.end_reason) == (today(), "quit")
    assert Participant.objects.get(pk=world.participant.pk).status == "job_search"


def test_job_end_keeps_employed_while_another_ordinary_job_continues(world):
    first = _job(world)
    _job(world, employer=EmployerFactory(team=world.team), title="Vaskehjelp")
    services.job_end(job=first, by=world.specialist, end_date=today(), end_reason="quit")
    assert Participant.objects.get(pk=world.participant.pk).status == "employed"


def test_education_start_and_end_move_the_status(world):
    ep = services.education_start(
        participant=world.participant,
        by=world.specialist,
        institution="Oslo voksenopplæring",
        programme="Norsk",
        start_date=today() - dt.timedelta(days=3),
    )
    assert Participant.objects.get(pk=world.participant.pk).status == "education"
    with pytest.raises(ValidationError):
        services.education_end(
            episode=ep,
            by=world.specialist,
            end_date=ep.start_date - dt.timedelta(days=1),
            end_reason="completed",
        )
    services.education_end(
        episode=ep, by=world.specialist, end_date=today(), end_reason="completed"
    )
    assert Participant.objects.get(pk=world.participant.pk).status == "job_search"


def test_goal_achieved_in_the_future_is_refused(world):
    goal = GoalFactory()
    with pytest.raises(ValidationError):
        services.goal_update(
            goal=goal, by=world.specialist, achieved_date=today() + dt.timedelta(days=2)
        )


# These six accepted `by` and dropped it; now each change names its actor in the history, also
# outside a request (a Celery task, the shell, an import).
WRITES_BY = {
    "contact_update": lambda world, by: services.contact_update(
        contact=ContactFactory.create(participant=world.participant), by=by, note="Rettet"
    ),
    "work_history_add": lambda world, by: services.work_history_add(
        participant=world.participant, by=by, title="Kokk", employer_name="Hotell"
    ),
    "support_person_add": lambda world, by: services.support_person_add(
        participant=world.participant, by=by, name="Mor", relation="mor"
    ),
    "plan_save": lambda world, by: services.plan_save(
        participant=world.participant, by=by, overall_goal="Jobb i butikk"
    ),
    "goal_add": lambda world, by: services.goal_add(
        participant=world.participant, by=by, description="Lage CV"
    ),
    "goal_update": lambda world, by: services.goal_update(
        goal=GoalFactory.create(plan__participant=world.participant), by=by, description="Søke jobb"
    ),
}


@pytest.mark.parametrize("service", WRITES_BY)
def test_the_change_names_by_in_the_history_outside_a_request(world, service):
    record = WRITES_BY[service](world, world.teammate)
    assert history_entries(obj=record)[0].user == "Kåre Kollega"


def test_a_status_change_inside_a_job_start_names_the_same_actor(world):
    job = _job(world, by=world.teammate)
    participant = Participant.objects.get(pk=job.participant_id)
    assert history_entries(obj=job)[0].user == "Kåre Kollega"
    assert history_entries(obj=participant)[0].user == "Kåre Kollega"
