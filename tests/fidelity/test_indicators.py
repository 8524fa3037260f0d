"""Indicators on hand-built records with answers worked out by hand (period 2026-Q3)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from fidelity import indicators
from fidelity.indicators import Window, indicators_for_items, suggest_score
from ips.accounts.models import Membership
from participants.models import Contact, Participant
from tests.factories import (
    ContactFactory,
    EmployerContactFactory,
    EmployerFactory,
    JobFactory,
    ParticipantFactory,
    VocationalProfileFactory,
    make_member,
)
from tests.fidelity.factories import make_review

D = dt.date
Role = Membership.Role
Q3 = {"start": D(2026, 7, 1), "end": D(2026, 9, 30), "today": D(2026, 10, 15)}


@pytest.fixture
def window(world):
    return Window(team_id=world.team.pk, **Q3)


EARLY = D(2026, 1, 5)


def person(world, entry=EARLY, specialist=None, **kwargs):
    return ParticipantFactory(
        team=world.team, job_specialist=specialist or world.specialist, entry_date=entry, **kwargs
    )


def employer_contact(world, on, *participants, face_to_face=True, team=None):
    employer = world.employer if team is None else EmployerFactory(team=team)
    contact = EmployerContactFactory(
        employer=employer,
        job_specialist=world.specialist,
        contact_date=on,
        face_to_face=face_to_face,
    )
    if participants:
        contact.participants.add(*participants)
    return contact


@pytest.mark.parametrize(
    ("value", "expected"),
    [(20, 5), (20.5, 4), (25, 4), (26, 3), (30, 3), (31, 2), (40, 2), (41, 1)],
)
def test_caseload_suggestion_follows_the_anchors(value, expected):
    assert suggest_score("caseload", value) == expected


def test_caseload_follows_the_highest_specialist_caseload_not_the_average(world, window):
    """One specialist above 20 among others below: the item is about each specialist's caseload,
    so the suggestion is not a 5 (the average, 15.5, would have suggested one)."""
    for _ in range(21):
        person(world)
    for _ in range(10):
        person(world, specialist=world.teammate)
    # Not on the caseload on the period's last day: a pause, a closing, entered after it,
    # another team's participant.
    person(world, status=Participant.Status.INACTIVE)
    person(world, specialist=world.teammate, status=Participant.Status.CLOSED)
    person(world, entry=D(2026, 10, 5))
    ParticipantFactory(team=world.other_team)

    result = indicators.caseload(window)

    assert result.value == 21.0
    assert result.suggested == 4
    assert "30.09.2026" in result.explanation and "Siri Spesialist" in result.explanation
    table = {
        load.name: (load.caseload, load.position_percent, load.per_fte)
        for load in result.specialists
    }
    assert table["Siri Spesialist"] == (21, 100, 21.0)
    assert table["Kåre Kollega"] == (10, 100, 10.0)


def _position(world, user, percent):
    Membership.objects.filter(user=user, team=world.team).update(position_percent=percent)


def test_caseload_of_a_part_time_specialist_is_scaled_to_a_full_position(world, window):
    """12 participants at 50 % is 24 per full-time equivalent: suggests 4, not the 5 that 12
    (or the team average) would give."""
    _position(world, world.teammate, 50)
    for _ in range(12):
        person(world, specialist=world.teammate)
    for _ in range(18):
        person(world)

    result = indicators.caseload(window)

    assert (result.value, result.suggested) == (24.0, 4)
    table = {
        load.name: (load.caseload, load.position_percent, load.per_fte)
        for load in result.specialists
    }
    assert table["Kåre Kollega"] == (12, 50, 24.0)
    assert table["Siri Spesialist"] == (18, 100, 18.0)
    assert "Høyeste portefølje per årsverk: 24" in result.display
    assert "stillingsprosent" in result.definition


def test_caseload_indicator_is_one_query_for_any_number_of_specialists(world, window):
    for _ in range(3):
        person(world)
    with CaptureQueriesContext(connection) as few:
        indicators.caseload(window)
    for n in range(4):
        specialist = make_member(Role.JOB_SPECIALIST, team=world.team, username=f"ekstra{n}")
        for _ in range(2):
            person(world, specialist=specialist)
    with CaptureQueriesContext(connection) as many:
        result = indicators.caseload(window)
    assert len(many.captured_queries) == len(few.captured_queries) == 1
    assert len(result.specialists) >= 6


def test_position_percent_outside_1_to_100_is_refused_by_the_database(world):
    membership = Membership.objects.filter(user=world.specialist).first()
    for bad in (0, 101):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(position_percent=bad)


def test_employer_contacts_per_week_count_part_time_specialists_by_position(world):
    two_weeks = Window(
        team_id=world.team.pk, start=D(2026, 9, 1), end=D(2026, 9, 14), today=Q3["today"]
    )
    _position(world, world.teammate, 50)
    for k in range(18):
        employer_contact(world, D(2026, 9, 1) + dt.timedelta(days=k % 14))

    result = indicators.employer_contacts_per_week(two_weeks)

    # 18 contacts ÷ 1.5 full-time equivalents ÷ 2 weeks.
    assert (result.value, result.suggested) == (6.0, 5)
    assert "1,5 årsverk" in result.explanation


def test_every_indicator_states_its_definition(world, window):
    for code, compute in indicators.INDICATORS.items():
        assert compute(window).definition, code


def test_job_type_diversity_says_one_title_in_the_singular(world, window):
    JobFactory(participant=person(world), title="Kokk", start_date=D(2026, 7, 1))
    result = indicators.job_type_diversity(window)
    assert "1 stillingstittel blant 1 jobb i perioden." in result.explanation


def test_rapid_search_median_days_and_share_within_30(world, window):
    p1 = person(world, entry=D(2026, 7, 1))
    employer_contact(world, D(2026, 7, 11), p1)  # 10 days
    p2 = person(world, entry=D(2026, 7, 10))
    employer_contact(world, D(2026, 8, 29), p2)  # 50 days
    p3 = person(world, entry=D(2026, 8, 1))
    employer_contact(world, D(2026, 8, 5), p3, face_to_face=False)  # a phone call: not counted
    employer_contact(world, D(2026, 9, 10), p3)  # 40 days
    person(world, entry=D(2026, 9, 1))  # no contact yet, waited 44 days by 15.10
    person(world, entry=D(2026, 9, 30))  # only 15 days in: not yet due
    old = person(world, entry=D(2026, 6, 1))  # entered before the period
    employer_contact(world, D(2026, 7, 2), old)

    result = indicators.rapid_search(window)

    assert result.value == 42.0  # median of 10, 40, 44, 50
    assert result.suggested == 4
    assert "25 %" in result.explanation and "(1 av 4)" in result.explanation


@pytest.mark.parametrize(
    ("contacts", "value", "suggested"), [(24, 6.0, 5), (20, 5.0, 4), (6, 1.5, 1)]
)
def test_face_to_face_employer_contacts_per_specialist_per_week(world, contacts, value, suggested):
    two_weeks = Window(
        team_id=world.team.pk, start=D(2026, 9, 1), end=D(2026, 9, 14), today=Q3["today"]
    )
    for k in range(contacts):
        employer_contact(world, D(2026, 9, 1) + dt.timedelta(days=k % 14))
    for _ in range(3):
        employer_contact(world, D(2026, 9, 2), face_to_face=False)
    employer_contact(world, D(2026, 9, 15))  # after the window
    employer_contact(world, D(2026, 9, 2), team=world.other_team)

    result = indicators.employer_contacts_per_week(two_weeks)

    # Two job specialists in team A (the leader and the auditor do not count).
    assert (result.value, result.suggested) == (value, suggested)


def test_share_of_employer_contacts_on_behalf_of_a_participant(world, window):
    p = person(world)
    for day in (3, 4, 5):
        employer_contact(world, D(2026, 7, day), p)
    employer_contact(world, D(2026, 7, 6))
    employer_contact(world, D(2026, 6, 6), p)  # before the period

    result = indicators.individualised_search(window)

    assert (result.value, result.suggested) == (75.0, 5)


@pytest.fixture
def jobs(world):
    e1, e2, e3 = (EmployerFactory(team=world.team) for _ in range(3))
    JobFactory(
        participant=person(world),
        employer=e1,
        title="Butikkmedarbeider",
        start_date=D(2026, 6, 1),
        is_permanent=True,
    )
    JobFactory(
        participant=person(world), employer=e1, title="butikkmedarbeider ", start_date=D(2026, 7, 5)
    )
    JobFactory(
        participant=person(world),
        employer=e2,
        title="Lagerarbeider",
        start_date=D(2026, 8, 1),
        end_date=D(2026, 8, 20),
        end_reason="quit",
        is_permanent=True,
    )
    JobFactory(
        participant=person(world),
        employer=e3,
        title="Kokk",
        start_date=D(2026, 7, 1),
        is_ordinary=False,
    )
    # Ended before the period: not counted.
    JobFactory(
        participant=person(world),
        employer=e3,
        title="Sjåfør",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 5, 1),
        end_reason="quit",
    )


def test_diversity_of_job_types_and_employers(world, window, jobs):
    types = indicators.job_type_diversity(window)
    employers = indicators.employer_diversity(window)
    assert (types.value, types.suggested) == (75.0, 4)
    assert (employers.value, employers.suggested) == (75.0, 4)


def test_share_of_ordinary_and_of_ordinary_permanent_jobs(world, window, jobs):
    competitive = indicators.competitive_jobs(window)
    permanent = indicators.permanent_jobs(window)
    assert (competitive.value, competitive.suggested) == (75.0, 3)
    assert (permanent.value, permanent.suggested) == (50.0, 4)


def test_follow_along_contact_within_three_days_of_job_start_and_end(world, window):
    def job_with_contacts(start, contacts, end=None):
        p = person(world)
        JobFactory(participant=p, start_date=start, end_date=end, end_reason="quit" if end else "")
        for day in contacts:
            ContactFactory(participant=p, contact_date=day)

    job_with_contacts(D(2026, 7, 5), [D(2026, 7, 7)])  # start followed up
    job_with_contacts(D(2026, 8, 1), [D(2026, 8, 10)])  # too late
    job_with_contacts(D(2026, 9, 1), [D(2026, 9, 1), D(2026, 9, 22)], end=D(2026, 9, 20))  # both
    job_with_contacts(D(2026, 9, 29), [])  # missed

    result = indicators.follow_along_timing(window)

    assert (result.value, result.suggested) == (60.0, 3)  # 3 of 5 events
    assert "2 av 4 jobbstarter" in result.explanation


def test_share_of_time_in_the_community_by_minutes(world, window):
    p = person(world)
    for place, minutes in (
        (Contact.Place.COMMUNITY, 60),
        (Contact.Place.WORKPLACE, 30),
        (Contact.Place.HOME, 30),
        (Contact.Place.OFFICE, 40),
        ("", 50),
    ):
        ContactFactory(
            participant=p, contact_date=D(2026, 8, 3), place=place, duration_minutes=minutes
        )
    ContactFactory(
        participant=p, contact_date=D(2026, 6, 3), place=Contact.Place.OFFICE, duration_minutes=500
    )

    result = indicators.community_time(window)

    assert (result.value, result.suggested) == (75.0, 5)


def test_benefits_counselling_offered(world, window):
    VocationalProfileFactory(participant=person(world), benefits_counselling_received=True)
    by_contact = person(world)
    VocationalProfileFactory(participant=by_contact, benefits_counselling_received=False)
    ContactFactory(
        participant=by_contact,
        contact_date=D(2026, 8, 1),
        with_whom=Contact.With.BENEFITS_COUNSELLOR,
    )
    VocationalProfileFactory(participant=person(world))
    person(world)

    result = indicators.benefits_counselling(window)

    assert (result.value, result.suggested) == (50.0, 3)


def test_monthly_outreach_kept(world, window):
    kept = person(world)
    for day in (D(2026, 7, 20), D(2026, 8, 15), D(2026, 9, 10)):
        ContactFactory(participant=kept, contact_date=day)
    gap = person(world)
    for day in (D(2026, 7, 10), D(2026, 9, 1)):  # 53 days apart
        ContactFactory(participant=gap, contact_date=day)
    person(world, entry=D(2026, 9, 15))  # new: 15 days to the end of the period
    person(world)  # never contacted

    result = indicators.monthly_outreach(window)

    assert (result.value, result.suggested) == (50.0, 2)
    assert "2 av 4" in result.explanation


def test_no_records_gives_no_suggestion(world, window):
    for code, function in indicators.INDICATORS.items():
        result = function(window)
        if code == "employer_contacts_per_week":
            # The team has specialists, so no logged employer meetings is a real zero.
            assert (result.value, result.suggested) == (0.0, 1)
        elif code == "caseload":
            # Likewise an empty caseload: nobody above 20.
            assert (result.value, result.suggested) == (0.0, 5)
        else:
            assert result.suggested is None, code


def test_item_limits_from_the_scale_data_override_the_default(world):
    for _ in range(24):
        person(world)
    review = make_review(world, scale_code="IPS-15", period="2026-H2")
    item = review.scale.items.get(number=1)
    result = indicators_for_items(review, [item])[item.id]
    assert result.value == 24.0
    assert result.suggested == 5  # IPS-15: up to 25 per specialist is the top score


def _count_queries(review):
    items = [s.item for s in review.scores.select_related("item")]
    with CaptureQueriesContext(connection) as ctx:
        indicators_for_items(review, items)
    return len(ctx.captured_queries)


def test_indicator_query_count_does_not_grow_with_the_records(world):
    review = make_review(world, period="2026-H2")
    for _ in range(2):
        p = person(world, entry=D(2026, 7, 1))
        ContactFactory(participant=p, contact_date=D(2026, 8, 1))
    small = _count_queries(review)
    for _ in range(12):
        p = person(world, entry=D(2026, 7, 1))
        ContactFactory(participant=p, contact_date=D(2026, 8, 1))
        JobFactory(participant=p, start_date=D(2026, 8, 2))
        employer_contact(world, D(2026, 7, 20), p)
    assert _count_queries(review) == small == 11  # one per indicator used by IPS-25
