"""The weekly job-development view the team goes through at its meeting."""

import datetime as dt

import pytest
from django.urls import reverse

from employers.selectors import week_start, weekly_view
from tests.factories import (
    EmployerContactFactory,
    EmployerFactory,
    JobFactory,
    JobOpeningFactory,
    ParticipantFactory,
    today,
)


def _contacts(world, who, n, *, day, face_to_face=True, employer=None):
    for _ in range(n):
        EmployerContactFactory(
            employer=employer or world.employer,
            job_specialist=who,
            contact_date=day,
            face_to_face=face_to_face,
        )


def _row(view, user):
    (row,) = [r for r in view.rows if r.specialist == user]
    return row


def test_counts_face_to_face_contacts_per_specialist_and_week(world):
    monday = week_start(today())
    _contacts(world, world.specialist, 2, day=today())
    _contacts(world, world.specialist, 3, day=today(), face_to_face=False)
    _contacts(world, world.specialist, 6, day=monday - dt.timedelta(days=1))  # last Sunday
    _contacts(world, world.specialist, 1, day=monday - dt.timedelta(days=14))
    _contacts(world, world.specialist, 4, day=monday - dt.timedelta(days=29))  # too old
    _contacts(world, world.teammate, 7, day=monday - dt.timedelta(days=7))
    _contacts(world, world.other_specialist, 5, day=today(), employer=world.other_employer)

    view = weekly_view(user=world.leader, team=world.team)

    assert _row(view, world.specialist).counts == [2, 6, 1, 0]
    assert _row(view, world.teammate).counts == [0, 7, 0, 0]
    assert [c["met"] for c in _row(view, world.specialist).cells] == [False, True, False, False]
    assert world.other_specialist not in [r.specialist for r in view.rows]
    assert view.totals == [2, 13, 1, 0]
    assert view.weeks[0] == monday


def test_every_specialist_gets_a_row_also_without_contacts(world):
    view = weekly_view(user=world.leader, team=world.team)
    assert {r.specialist for r in view.rows} == {world.specialist, world.teammate}
    assert all(r.counts == [0, 0, 0, 0] for r in view.rows)


def test_a_leader_who_logs_contacts_is_counted_too(world):
    _contacts(world, world.leader, 1, day=today())
    view = weekly_view(user=world.leader, team=world.team)
    assert _row(view, world.leader).counts[0] == 1


def test_employers_that_hired_before_without_recent_contact_are_listed(world):
    dormant = EmployerFactory(team=world.team, name="Sovende AS")
    JobFactory(participant=world.participant, employer=dormant)
    _contacts(world, world.specialist, 1, day=today() - dt.timedelta(days=90), employer=dormant)
    recent = EmployerFactory(team=world.team, name="Aktiv AS")
    JobFactory(participant=world.participant, employer=recent)
    _contacts(world, world.specialist, 1, day=today() - dt.timedelta(days=10), employer=recent)
    never_hired = EmployerFactory(team=world.team, name="Aldri ansatt AS")
    _contacts(world, world.specialist, 1, day=today() - dt.timedelta(days=90), employer=never_hired)
    training_only = EmployerFactory(team=world.team, name="Arbeidstrening AS")
    JobFactory(participant=world.participant, employer=training_only, is_ordinary=False)

    view = weekly_view(user=world.leader, team=world.team)

    assert [e.name for e in view.dormant_employers] == ["Sovende AS"]
    assert view.dormant_employers[0].last_contact == today() - dt.timedelta(days=90)


def test_next_steps_due_soon_are_listed_until_followed_up(world):
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        contact_date=today() - dt.timedelta(days=2),
        next_step="Besøke lageret",
        next_step_date=today() + dt.timedelta(days=5),
    )
    far = EmployerFactory(team=world.team)
    EmployerContactFactory(
        employer=far,
        job_specialist=world.specialist,
        next_step="Langt frem",
        next_step_date=today() + dt.timedelta(days=40),
    )
    view = weekly_view(user=world.leader, team=world.team)
    assert [c.next_step for c in view.next_steps] == ["Besøke lageret"]

    # A later contact with the same employer means the step was taken.
    EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
    view = weekly_view(user=world.leader, team=world.team)
    assert view.next_steps == []


def test_open_job_openings_are_listed_with_matched_people(world, leader_client):
    opening = JobOpeningFactory(
        employer=world.employer,
        created_by=world.specialist,
        title="Sjåfør",
        deadline=today() + dt.timedelta(days=3),
    )
    opening.matched_participants.add(world.participant)
    JobOpeningFactory(employer=world.employer, created_by=world.specialist, status="filled")
    response = leader_client.get(reverse("employers:weekly"))
    assert [o.title for o in response.context["view"].openings] == ["Sjåfør"]
    assert world.participant.name in response.content.decode()


def test_page_shows_the_counts(world, leader_client):
    _contacts(world, world.specialist, 6, day=today())
    response = leader_client.get(reverse("employers:weekly"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Siri Spesialist" in body
    assert "mål nådd" in body


def test_other_teams_leader_cannot_open_this_teams_week(world):
    url = reverse("employers:weekly") + f"?team={world.team.pk}"
    assert world.client_for("other_specialist").get(url).status_code == 404


def _weekly_data(world, contacts):
    specialists = [world.specialist, world.teammate]
    for i in range(contacts):
        employer = EmployerFactory(team=world.team)
        EmployerContactFactory(
            employer=employer,
            job_specialist=specialists[i % 2],
            contact_date=today() - dt.timedelta(days=i % 28),
            next_step="Ring",
            next_step_date=today() + dt.timedelta(days=i % 10),
        )
        JobFactory(
            participant=ParticipantFactory(team=world.team, job_specialist=world.specialist),
            employer=employer,
        )
        if i % 5 == 0:
            JobOpeningFactory(
                employer=employer, created_by=world.specialist
            ).matched_participants.add(world.participant)


WEEKLY_QUERIES = 11


@pytest.mark.parametrize("contacts", [5, 100])
def test_weekly_query_count_does_not_grow_with_contacts(
    world, leader_client, contacts, django_assert_num_queries
):
    _weekly_data(world, contacts)
    url = reverse("employers:weekly")
    leader_client.get(url)
    with django_assert_num_queries(WEEKLY_QUERIES):
        response = leader_client.get(url)
    assert response.status_code == 200


def test_demo_landscape_has_openings_to_share_at_the_meeting(db):
    from django.test import Client

    from ips.accounts.models import User
    from ips.demo.small import seed

    assert seed()
    client = Client()
    client.force_login(User.objects.get(username="leder"))
    response = client.get(reverse("employers:weekly"))
    assert response.status_code == 200
    assert len(response.context["view"].openings) == 3
    assert all(row.counts[0] >= 1 for row in response.context["view"].rows)


def test_weekly_query_count_does_not_depend_on_there_being_job_openings(
    world, leader_client, django_assert_num_queries
):
    """The matched people are read whether or not any opening is open; only the access-log
    INSERT comes on top when the page shows somebody."""
    url = reverse("employers:weekly")
    leader_client.get(url)
    with django_assert_num_queries(WEEKLY_QUERIES - 1):
        leader_client.get(url)
    opening = JobOpeningFactory(employer=world.employer, created_by=world.specialist)
    with django_assert_num_queries(WEEKLY_QUERIES - 1):
        leader_client.get(url)
    opening.matched_participants.add(world.participant)
    with django_assert_num_queries(WEEKLY_QUERIES):
        response = leader_client.get(url)
    assert [p.name for p in response.context["view"].openings[0].visible_people] == ["Ola Deltaker"]
