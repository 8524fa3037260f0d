"""Fidelity across teams, for a regional coordinator or the grant giver: aggregates only."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fidelity.models import ItemScore, Review
from fidelity.selectors import cross_team_overview
from ips.access import forget_scope
from ips.accounts.models import Membership, Organisation, Team
from tests.factories import ParticipantFactory, VocationalProfileFactory, make_member
from tests.fidelity.factories import make_review, scale, spread

Role = Membership.Role


def _audit_other_team(world):
    Membership.objects.create(user=world.auditor, role=Role.AUDITOR, team=world.other_team)
    forget_scope(world.auditor)


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_latest_score_band_distribution_item_averages_and_trend(world):
    make_review(world, period="2025-H1", scores=3, status="final")  # 75: fair
    make_review(world, period="2025-H2", scores=4, status="final")  # 100: good
    _audit_other_team(world)
    make_review(world, team=world.other_team, period="2025-H2", scores=2, status="final")
    make_review(world, period="2026-H1", scores=5)  # a draft is never a result
    overview = cross_team_overview([world.team.pk, world.other_team.pk])
    by_team = {r.team.name: r for r in overview.teams}
    lovisenberg, bergen = by_team["IPS Lovisenberg"], by_team["IPS Bergen"]
    assert lovisenberg.trend == [("2025-H1", 75), ("2025-H2", 100)]
    assert lovisenberg.band["key"] == "good" and lovisenberg.change == 25
    assert bergen.trend == [("2025-H2", 50)] and bergen.band["key"] == "not_supported"
    assert {band["key"]: n for band, n in overview.bands} == {
        "exemplary": 0,
        "good": 1,
        "fair": 0,
        "not_supported": 1,
    }
    # Item averages over each team's latest final review: (4 + 2) / 2.
    assert {item.average for item in overview.items} == {3.0}
    assert all(item.teams == 2 for item in overview.items)


def test_items_teams_struggle_with_come_first(world, coordinator_client):
    values = [1 if item.code == "O5" else 5 for item in scale().items.order_by("number")]
    make_review(world, period="2025-H2", scores=values, status="final")
    body = coordinator_client.get(reverse("fidelity:across_teams")).content.decode()
    struggle = body.split("Punktene teamene strever mest med:")[1].split("</p>")[0]
    assert struggle.strip().startswith("<strong>O5</strong>")


@pytest.fixture
def coordinator_client(world):
    return world.client_for("coordinator")


def _with_private_records(world):
    """A participant with health details in each team, and a review with a rationale."""
    for team, specialist, name in (
        (world.team, world.specialist, "Ola Hemmelig"),
        (world.other_team, world.other_specialist, "Berit Skjult"),
    ):
        person = ParticipantFactory(team=team, job_specialist=specialist, name=name)
        VocationalProfileFactory(
            participant=person, diagnosis="Bipolar lidelse", medication="Litium 600 mg"
        )
    review = make_review(world, period="2025-H2", scores=4, status="final")
    ItemScore.objects.filter(review=review).update(rationale="Ola Hemmelig sa i intervjuet ...")
    review.sample.create(participant=world.participant, drawn_by=world.auditor)


PRIVATE = ("Ola Hemmelig", "Berit Skjult", "Ola Deltaker", "Bipolar", "Litium", "intervjuet")


def test_the_page_shows_no_participant_name_or_health_detail(world, coordinator_client):
    _with_private_records(world)
    response = coordinator_client.get(reverse("fidelity:across_teams"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "IPS Lovisenberg" in body and "IPS Bergen" in body
    for text in PRIVATE:
        assert text not in body


@pytest.mark.parametrize("table", ["teams", "bands", "items"])
def test_the_csv_shows_no_participant_name_or_health_detail(world, coordinator_client, table):
    _with_private_records(world)
    response = coordinator_client.get(reverse("fidelity:across_teams_csv") + f"?table={table}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    for private in PRIVATE:
        assert private not in text
    rows = _csv(response)
    if table == "teams":
        assert rows[0][:4] == ["Team", "Siste periode", "Total", "Nivå"]
        assert rows[2][:4] == ["IPS Lovisenberg", "2025-H2", "100", "God IPS-kvalitet"]


@pytest.mark.usefixtures("fidelity_scales")
def test_csv_cells_cannot_run_as_formulas(world, coordinator_client):
    team = Team.objects.create(
        name='=HYPERLINK("http://x")', host_organisation=Organisation.objects.first()
    )
    Membership.objects.create(user=world.coordinator, role=Role.COORDINATOR, team=team)
    rows = _csv(coordinator_client.get(reverse("fidelity:across_teams_csv") + "?table=teams"))
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ['\'=HYPERLINK("http://x")']


def test_unknown_csv_table_is_404(world, coordinator_client):
    response = coordinator_client.get(reverse("fidelity:across_teams_csv") + "?table=people")
    assert response.status_code == 404


def test_pdf_in_both_languages(world, coordinator_client):
    from tests.fidelity.test_views import pdf_text

    make_review(world, period="2025-H2", scores=4, status="final")
    for lang, heading in (("nb", "IPS-kvalitet på tvers av team"), ("en", "IPS fidelity")):
        response = coordinator_client.get(reverse("fidelity:across_teams_pdf") + f"?lang={lang}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert heading in text and "IPS Lovisenberg" in text


def test_a_coordinator_sees_only_the_teams_they_follow(world):
    third = Team.objects.create(name="IPS Tromsø", host_organisation=Organisation.objects.first())
    coordinator = make_member(Role.COORDINATOR, team=third, username="nord")
    make_review(world, period="2025-H2", scores=4, status="final")
    client = world.client_for("anonymous")
    client.force_login(coordinator)
    body = client.get(reverse("fidelity:across_teams")).content.decode()
    assert "IPS Tromsø" in body and "IPS Lovisenberg" not in body


def test_a_coordinator_reads_no_review_and_no_participant(world, coordinator_client):
    review = make_review(world, period="2025-H2", scores=4, status="final")
    assert coordinator_client.get(review.get_absolute_url()).status_code == 404
    participant_url = reverse("participants:detail", kwargs={"pk": world.participant.pk})
    assert coordinator_client.get(participant_url).status_code == 404


def _many_teams(world, n: int) -> None:
    """n more teams followed by the coordinator, each with two final reviews, in bulk."""
    items = list(scale().items.order_by("number"))
    host = Organisation.objects.first()
    teams = Team.objects.bulk_create(
        Team(name=f"IPS Bulk {i:03d}", host_organisation=host) for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(user=world.coordinator, role=Role.COORDINATOR, team=team) for team in teams
    )
    reviews = Review.objects.bulk_create(
        Review(
            team=team,
            scale=items[0].scale,
            period=period,
            period_start=start,
            period_end=end,
            kind=Review.Kind.EXTERNAL,
            status=Review.Status.FINAL,
            created_by=world.auditor,
        )
        for team in teams
        for period, start, end in (
            ("2025-H1", "2025-01-01", "2025-06-30"),
            ("2025-H2", "2025-07-01", "2025-12-31"),
        )
    )
    ItemScore.objects.bulk_create(
        ItemScore(review=review, item=item, score=value)
        for i, review in enumerate(reviews)
        for item, value in zip(items, spread(60 + i % 60, 25), strict=True)
    )


def test_query_count_is_the_same_for_2_and_200_teams(
    world, coordinator_client, django_assert_num_queries
):
    _audit_other_team(world)
    make_review(world, period="2025-H2", scores=4, status="final")
    make_review(world, team=world.other_team, period="2025-H2", scores=3, status="final")
    url = reverse("fidelity:across_teams")
    coordinator_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as two:
        assert coordinator_client.get(url).status_code == 200
    _many_teams(world, 198)
    with django_assert_num_queries(len(two.captured_queries)):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("IPS Bulk ") >= 198


def test_csv_query_count_is_the_same_for_2_and_200_teams(
    world, coordinator_client, django_assert_num_queries
):
    make_review(world, period="2025-H2", scores=4, status="final")
    url = reverse("fidelity:across_teams_csv") + "?table=teams"
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as two:
        coordinator_client.get(url)
    _many_teams(world, 198)
    with django_assert_num_queries(len(two.captured_queries)):
        rows = _csv(coordinator_client.get(url))
    assert len(rows) == 1 + 200
