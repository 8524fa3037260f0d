"""Issue 18: the dashboards' outcome figures come from the cache, and a write shows at once.

Each test reads the team dashboard and its CSV (so the figures are cached), writes through the
domain service as a user would (the change hook runs when the transaction commits), and reads
again: the figure the write changed is there, on the page and in the CSV, without waiting for
the cache to expire."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboards import figures
from ips import periods
from participants import services
from participants.models import Participant
from tests.factories import EmployerFactory, ParticipantFactory, today

pytestmark = pytest.mark.django_db


def _csv_figure(client, key: str) -> str:
    """The value column of one outcome measure in the team's outcomes CSV."""
    response = client.get(reverse("dashboards:team_export") + "?table=outcomes")
    assert response.status_code == 200
    body = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    (row,) = [r for r in rows[1:] if r[-1].endswith(f"#{key}")]
    return row[5] or row[3]  # the value (a rate, a share) or the count


def _page_figure(client, key: str):
    response = client.get(reverse("dashboards:team"))
    assert response.status_code == 200
    (row,) = [r for r in response.context["outcomes"] if r["key"] == key]
    return row


def _write(django_capture_on_commit_callbacks, write):
    # The request's transaction commits: the change hook's handlers run then, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        write()


def test_the_second_view_reads_the_figures_from_the_cache(world, leader_client):
    world.participant  # noqa: B018 - one person on the team
    leader_client.get(reverse("dashboards:team"))
    quarter = periods.period_for(**_default_choice())
    version = figures.team_versions([world.team.pk])[world.team.pk]
    key = f"dash:outcomes:{quarter.start:%Y%m%d}-{quarter.end:%Y%m%d}:{today():%Y%m%d}:"
    assert cache.get(f"{key}{world.team.pk}.{version}") is not None


def _default_choice():
    from dashboards.forms import default_choice

    return default_choice()


def test_an_employer_contact_shows_on_the_dashboard_and_in_the_csv_at_once(
    world, leader_client, django_capture_on_commit_callbacks
):
    """A face-to-face employer contact on the person's behalf: the median days from entry to
    the first such contact, cached before the write, is there right after it."""
    from employers.models import EmployerContact
    from employers.services import employer_contact_log

    person = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, entry_date=today() - dt.timedelta(days=3)
    )
    employer = EmployerFactory(team=world.team)
    assert _page_figure(leader_client, "days_to_employer_contact")["figure"].value is None
    before_csv = _csv_figure(leader_client, "days_to_employer_contact")
    _write(
        django_capture_on_commit_callbacks,
        lambda: employer_contact_log(
            employer=employer,
            by=world.specialist,
            contact_date=today(),
            purpose=EmployerContact.Purpose.ON_BEHALF,
            face_to_face=True,
            participants=[person],
        ),
    )
    assert _page_figure(leader_client, "days_to_employer_contact")["figure"].value == 3
    after_csv = _csv_figure(leader_client, "days_to_employer_contact")
    assert after_csv != before_csv
    assert after_csv.startswith("3")


def _job_start_today(world) -> None:
    services.job_start(
        participant=world.participant,
        by=world.specialist,
        employer=EmployerFactory(team=world.team),
        title="Lagermedarbeider",
        start_date=today(),
        hours_per_week=Decimal(20),
    )


def test_a_job_start_shows_on_the_dashboard_and_in_the_csv_at_once(
    world, leader_client, django_capture_on_commit_callbacks
):
    assert _csv_figure(leader_client, "job_starts") == "0"
    assert _page_figure(leader_client, "job_starts")["figure"].text == "0"
    _write(django_capture_on_commit_callbacks, lambda: _job_start_today(world))
    assert _csv_figure(leader_client, "job_starts") == "1"
    assert _page_figure(leader_client, "job_starts")["figure"].text == "1"


def test_a_status_change_shows_on_the_dashboard_and_in_the_csv_at_once(
    world, leader_client, django_capture_on_commit_callbacks
):
    people = [
        ParticipantFactory(team=world.team, job_specialist=world.specialist) for _ in range(6)
    ]
    before = _csv_figure(leader_client, "active")
    assert before == "6"
    _write(
        django_capture_on_commit_callbacks,
        lambda: services.participant_change_status(
            participant=people[0], to_status=Participant.Status.CLOSED, by=world.specialist
        ),
    )
    assert _csv_figure(leader_client, "active") == "5"
    assert _page_figure(leader_client, "active")["figure"].text == "5"


def test_a_write_in_another_team_leaves_this_teams_figures_cached(
    world, leader_client, django_capture_on_commit_callbacks
):
    world.participant  # noqa: B018
    leader_client.get(reverse("dashboards:team"))
    mine = figures.team_versions([world.team.pk])
    _write(
        django_capture_on_commit_callbacks,
        lambda: services.contact_log(
            participant=world.other_participant,
            by=world.other_specialist,
            contact_date=today() - dt.timedelta(days=1),
            mode="phone",
        ),
    )
    assert figures.team_versions([world.team.pk]) == mine


def test_an_evicted_version_comes_back_higher_than_any_old_one(world):
    (old,) = figures.team_versions([world.team.pk]).values()
    cache.delete(f"dash:team-version:{world.team.pk}")
    figures.bump_teams([world.team.pk])
    (new,) = figures.team_versions([world.team.pk]).values()
    assert new > old


def test_a_logged_contact_makes_the_next_view_compute_the_teams_figures_afresh(
    world, leader_client, django_capture_on_commit_callbacks
):
    """No outcome figure counts plain contacts, but a contact is a write about the person: the
    team's version moves, so nothing cached before it is served after it."""
    from participants.models import Contact

    person = world.participant
    leader_client.get(reverse("dashboards:team"))
    before = figures.team_versions([world.team.pk])
    _write(
        django_capture_on_commit_callbacks,
        lambda: services.contact_log(
            participant=person,
            by=world.specialist,
            contact_date=today(),
            mode=Contact.Mode.FACE_TO_FACE,
            place=Contact.COMMUNITY_PLACES[0],
        ),
    )
    after = figures.team_versions([world.team.pk])
    assert after[world.team.pk] > before[world.team.pk]


def test_a_chart_is_cached_by_what_it_is_drawn_from():
    from unittest import mock

    import pygal

    from dashboards.charts import caseload_chart

    rows = [{"name": "Kari", "count": 12}]
    first = caseload_chart(title="Portefølje", rows=rows, warning=20, limit=25)
    with mock.patch.object(pygal, "Bar", wraps=pygal.Bar) as drawn:
        assert caseload_chart(title="Portefølje", rows=rows, warning=20, limit=25) == first
    assert drawn.call_count == 0  # the same inputs: the SVG from the cache, not drawn again
    changed = caseload_chart(
        title="Portefølje", rows=[{"name": "Kari", "count": 13}], warning=20, limit=25
    )
    assert changed != first and ">13<" in changed


def _this_quarter() -> str:
    return f"?year={today().year}&quarter={periods.quarter_number(today())}"


def _quarterly_job_starts(client) -> tuple[object, str]:
    """The team's job starts this quarter: on the quarterly report page and in its CSV."""
    page = client.get(reverse("dashboards:quarterly") + _this_quarter())
    assert page.status_code == 200
    (row,) = [r for r in page.context["report"].rows if r.key == "job_starts"]
    response = client.get(reverse("dashboards:quarterly_csv") + _this_quarter())
    body = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    (team_row,) = [r for r in rows[1:] if r[-1].endswith("#job_starts") and r[2] == "Teamet totalt"]
    return row.total, team_row[4]


def test_a_job_start_shows_in_the_quarterly_report_at_once_in_the_readers_language(
    world, leader_client, django_capture_on_commit_callbacks, settings
):
    assert _quarterly_job_starts(leader_client) == (0, "0")
    _write(django_capture_on_commit_callbacks, lambda: _job_start_today(world))
    assert _quarterly_job_starts(leader_client) == (1, "1")

    # The cached values carry no labels: a reader in English gets English ones.
    leader_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = leader_client.get(reverse("dashboards:quarterly") + _this_quarter()).content.decode()
    assert "New job starts" in html
    assert "Nye jobbstarter" not in html
