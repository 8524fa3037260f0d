import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from employers import services
from employers.models import EmployerContact, EmployerContactParticipant, JobOpening
from ips.audit.history import history_entries
from tests.employers.factories import valid_orgnr
from tests.factories import (
    EmployerContactPersonFactory,
    EmployerFactory,
    ParticipantFactory,
    today,
)

Purpose = EmployerContact.Purpose


def _log(world, *, employer=None, by=None, **kwargs):
    kwargs.setdefault("contact_date", today())
    kwargs.setdefault("purpose", Purpose.ON_BEHALF)
    return services.employer_contact_log(
        employer=employer or world.employer, by=by or world.specialist, **kwargs
    )


# --- Register -------------------------------------------------------------------------------


def test_create_stores_the_nine_digits_of_a_spaced_orgnr(world):
    number = valid_orgnr(1)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    employer = services.employer_create(
        team=world.team, by=world.specialist, name=" Kiwi Torshov ", org_number=spaced
    )
    employer.refresh_from_db()
    assert employer.org_number == number
    assert employer.name == "Kiwi Torshov"
    assert employer.created_by == world.specialist


def test_create_refuses_an_invalid_orgnr(world):
    with pytest.raises(ValidationError) as exc:
        services.employer_create(
            team=world.team, by=world.specialist, name="Feil AS", org_number="123456789"
        )
    assert "org_number" in exc.value.message_dict
    assert not world.team.employers.filter(name="Feil AS").exists()


def test_create_points_to_the_existing_employer_with_the_same_orgnr(world):
    existing = EmployerFactory(team=world.team, org_number=valid_orgnr(2))
    with pytest.raises(services.DuplicateEmployerError) as exc:
        services.employer_create(
            team=world.team, by=world.teammate, name="Samme AS", org_number=valid_orgnr(2)
        )
    assert exc.value.employer == existing


def test_same_orgnr_may_exist_in_another_teams_register(world):
    EmployerFactory(team=world.team, org_number=valid_orgnr(3))
    other = services.employer_create(
        team=world.other_team, by=world.other_specialist, name="Samme AS", org_number=valid_orgnr(3)
    )
    assert other.team == world.other_team


def test_create_refuses_a_team_the_user_does_not_work_in(world):
    with pytest.raises(PermissionDenied):
        services.employer_create(team=world.other_team, by=world.specialist, name="X AS")


def test_update_refuses_to_take_an_orgnr_used_by_another_employer(world):
    first = EmployerFactory(team=world.team, org_number=valid_orgnr(4))
    second = EmployerFactory(team=world.team, org_number=valid_orgnr(5))
    with pytest.raises(services.DuplicateEmployerError) as exc:
        services.employer_update(employer=second, by=world.specialist, org_number=valid_orgnr(4))
    assert exc.value.employer == first
    second.refresh_from_db()
    assert second.org_number == valid_orgnr(5)


def test_update_of_a_shared_register_is_refused(shared_register):
    world = shared_register
    with pytest.raises(PermissionDenied):
        services.employer_update(employer=world.employer, by=world.other_specialist, name="Ny")


def test_contact_person_add(world):
    person = services.contact_person_add(
        employer=world.employer, by=world.specialist, name="Mona Butikksjef", phone="22 33 44 55"
    )
    assert list(world.employer.contact_persons.all()) == [person]


# --- Employer log and first employer contact -----------------------------------------------------


def test_face_to_face_contact_on_behalf_sets_first_employer_contact_date(world):
    participant = world.participant
    contact = _log(world, participants=[participant], contact_date=today() - dt.timedelta(days=2))
    participant.refresh_from_db()
    assert participant.first_employer_contact_date == today() - dt.timedelta(days=2)
    assert EmployerContactParticipant.objects.get(participant=participant).employer_contact == (
        contact
    )
    assert contact.job_specialist == world.specialist
    assert contact.team == world.team


def test_contact_by_phone_does_not_set_first_employer_contact_date(world):
    _log(world, participants=[world.participant], face_to_face=False)
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date is None
    assert world.participant.employer_contacts.count() == 1


def test_a_later_contact_keeps_the_first_date(world):
    _log(world, participants=[world.participant], contact_date=today() - dt.timedelta(days=5))
    _log(world, participants=[world.participant], contact_date=today())
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date == today() - dt.timedelta(days=5)


def test_an_earlier_contact_logged_afterwards_moves_the_first_date_back(world):
    _log(world, participants=[world.participant], contact_date=today())
    _log(world, participants=[world.participant], contact_date=today() - dt.timedelta(days=9))
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date == today() - dt.timedelta(days=9)


def test_contact_before_entry_does_not_count_as_first_contact(world):
    participant = ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        entry_date=today() - dt.timedelta(days=3),
    )
    _log(world, participants=[participant], contact_date=today() - dt.timedelta(days=10))
    participant.refresh_from_db()
    assert participant.first_employer_contact_date is None
    assert participant.employer_contacts.count() == 1


def test_contact_for_another_teams_participant_is_refused_and_nothing_stored(world):
    with pytest.raises(ValidationError) as exc:
        _log(world, participants=[world.other_participant])
    assert "participants" in exc.value.message_dict
    assert not EmployerContact.objects.exists()
    world.other_participant.refresh_from_db()
    assert world.other_participant.first_employer_contact_date is None


def test_contact_dated_in_the_future_is_refused(world):
    with pytest.raises(ValidationError):
        _log(world, contact_date=today() + dt.timedelta(days=1))
    assert not EmployerContact.objects.exists()


def test_next_step_before_the_contact_is_refused(world):
    with pytest.raises(ValidationError):
        _log(world, next_step="Ring", next_step_date=today() - dt.timedelta(days=1))
    assert not EmployerContact.objects.exists()


def test_contact_person_of_another_employer_is_refused(world):
    person = EmployerContactPersonFactory(employer=EmployerFactory(team=world.team))
    with pytest.raises(ValidationError):
        _log(world, contact_person=person)


def test_logging_in_a_shared_register_is_refused(shared_register):
    world = shared_register
    with pytest.raises(PermissionDenied):
        _log(world, by=world.other_specialist)
    assert not EmployerContact.objects.exists()


def test_a_refused_contact_leaves_no_participant_link_and_no_first_date(world):
    participant = world.participant
    with pytest.raises(ValidationError):
        _log(
            world,
            participants=[participant],
            next_step="x",
            next_step_date=today() - dt.timedelta(days=3),
        )
    participant.refresh_from_db()
    assert participant.first_employer_contact_date is None
    assert not EmployerContactParticipant.objects.exists()


# --- Job openings ------------------------------------------------------------------------------


def test_job_opening_create_with_matched_participants_and_source_contact(world):
    contact = _log(world, outcome=EmployerContact.Outcome.JOB_OPENING)
    opening = services.job_opening_create(
        employer=world.employer,
        by=world.specialist,
        title="Lagermedarbeider",
        hours_per_week=20,
        deadline=today() + dt.timedelta(days=10),
        matched_participants=[world.participant],
        source_contact=contact,
    )
    assert list(opening.matched_participants.all()) == [world.participant]
    assert opening.team == world.team
    assert opening.source_contact == contact
    assert opening.status == JobOpening.Status.OPEN


def test_job_opening_refuses_another_teams_participant(world):
    with pytest.raises(ValidationError):
        services.job_opening_create(
            employer=world.employer,
            by=world.specialist,
            title="Kokk",
            matched_participants=[world.other_participant],
        )
    assert not JobOpening.objects.exists()


# --- Who made the change ----------------------------------------------------------------------


def test_each_edit_names_its_own_actor_in_the_history(world):
    # Outside a request (an import, the shell): the service's `by` is the only source.
    employer = services.employer_create(team=world.team, by=world.specialist, name="Kiwi Tøyen")
    services.employer_update(employer=employer, by=world.teammate, industry="Dagligvare")
    services.employer_archive(employer=employer, by=world.leader)
    actors = [entry.user for entry in reversed(history_entries(obj=employer))]
    assert actors == ["Siri Spesialist", "Kåre Kollega", "Lise Leder"]
