"""The leader's field-mentoring log: logged by the team's leader, counted per specialist per
month on the team page, and offered (as counts) on the review's supervision item."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fidelity.models import MentoringEntry
from fidelity.selectors import mentoring_counts_per_month
from fidelity.services import mentoring_entry_create
from tests.factories import today
from tests.fidelity.factories import make_review


def _log(world, specialist, day, activity=MentoringEntry.Activity.JOINT_EMPLOYER_VISIT, **kw):
    return mentoring_entry_create(
        by=world.leader,
        team=world.team,
        specialist=specialist,
        date=day,
        activity=activity,
        **kw,
    )


def _previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_leader_logs_field_mentoring_through_the_page(world, leader_client):
    url = reverse("fidelity:mentoring_log")
    response = leader_client.post(
        url,
        {
            "specialist": world.specialist.pk,
            "date": today().isoformat(),
            "activity": "job_development_coaching",
            "notes": "Gikk gjennom jobbutviklingsplanen.",
        },
    )
    assert response.status_code == 302
    entry = MentoringEntry.objects.get()
    assert (entry.team, entry.specialist, entry.created_by) == (
        world.team,
        world.specialist,
        world.leader,
    )
    assert entry.activity == "job_development_coaching"
    page = leader_client.get(url).content.decode()
    assert "Veiledning i jobbutvikling" in page and "Gikk gjennom jobbutviklingsplanen." in page


def test_a_date_in_the_future_is_refused_and_the_form_keeps_what_was_typed(world, leader_client):
    response = leader_client.post(
        reverse("fidelity:mentoring_log"),
        {
            "specialist": world.specialist.pk,
            "date": (today() + dt.timedelta(days=2)).isoformat(),
            "activity": "case_review",
            "notes": "Notat som skal bli stående",
        },
    )
    assert response.status_code == 422
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    assert "Notat som skal bli stående" in response.content.decode()
    assert not MentoringEntry.objects.exists()


def test_only_the_teams_own_specialists_can_be_chosen(world, leader_client):
    response = leader_client.post(
        reverse("fidelity:mentoring_log"),
        {
            "specialist": world.other_specialist.pk,
            "date": today().isoformat(),
            "activity": "case_review",
        },
    )
    assert response.status_code == 422
    assert "Velg en jobbspesialist i teamet." in response.content.decode()
    assert not MentoringEntry.objects.exists()


def test_an_unknown_activity_is_refused(world, leader_client):
    response = leader_client.post(
        reverse("fidelity:mentoring_log"),
        {"specialist": world.specialist.pk, "date": today().isoformat(), "activity": "lunch"},
    )
    assert response.status_code == 422
    assert "Velg hva som ble gjort." in response.content.decode()
    assert not MentoringEntry.objects.exists()


def test_a_leader_cannot_log_for_another_team(world):
    with pytest.raises(PermissionDenied):
        mentoring_entry_create(
            by=world.leader,
            team=world.other_team,
            specialist=world.other_specialist,
            date=today(),
            activity="case_review",
        )
    with pytest.raises(ValidationError):
        _log(world, world.other_specialist, today())
    assert not MentoringEntry.objects.exists()


def test_counted_per_specialist_per_month(world, django_assert_num_queries):
    this_month = today().replace(day=1)
    last_month = _previous_month(this_month)
    _log(world, world.specialist, this_month)
    _log(world, world.specialist, this_month, activity="case_review")
    _log(world, world.specialist, last_month)
    _log(world, world.teammate, last_month + dt.timedelta(days=3))
    with django_assert_num_queries(1):
        months, rows = mentoring_counts_per_month(team_id=world.team.pk, end=today())
    assert months[-2:] == [last_month, this_month] and len(months) == 6
    counts = {row.name: (row.counts[-2:], row.total) for row in rows}
    assert counts == {"Siri Spesialist": ([1, 2], 3), "Kåre Kollega": ([1, 0], 1)}


def test_team_page_shows_the_counts_per_specialist_and_month(world, leader_client):
    _log(world, world.specialist, today())
    _log(world, world.specialist, today())
    body = leader_client.get(reverse("dashboards:team")).content.decode()
    assert 'data-testid="mentoring-counts"' in body
    assert "Siri Spesialist" in body
    assert today().strftime("%m.%Y") in body


def test_supervision_item_shows_the_log_as_counts_without_the_notes(world, auditor_client):
    review = make_review(world, period="2026-H1")
    day = review.period_start + dt.timedelta(days=10)  # in the review's period (in the past)
    _log(world, world.specialist, day, notes="Privat notat om samtalen")
    _log(world, world.teammate, day, activity="case_review")
    body = auditor_client.get(review.get_absolute_url()).content.decode()
    assert body.count('data-testid="mentoring-evidence"') == 1  # on O5 only
    assert "2 feltveiledninger med 2 jobbspesialist(er)" in body
    assert "Privat notat om samtalen" not in body
