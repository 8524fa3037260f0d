"""Issue 14: each measure means one thing, matches the published IPS definition, and is the
same everywhere (dashboards, partner view, CSV, quarterly report page and PDF)."""

import csv
import datetime as dt
import inspect
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from dashboards import figures, measures, quarterly
from dashboards.csv_export import csv_cell
from fidelity import indicators
from fidelity.indicators import Window
from participants.models import Contact, Participant
from tests.dashboards import known
from tests.factories import (
    ContactFactory,
    EducationEpisodeFactory,
    EmployerContactFactory,
    EmployerFactory,
    JobFactory,
    ParticipantFactory,
    ReferralFactory,
    TeamFactory,
    make_member,
)

D = dt.date
Q2 = known.Q2_2025
Q2_QUERY = "?kind=quarter&year=2025&quarter=2"
REPORT_QUERY = "?year=2025&quarter=2"


def _rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _closed_on(p, day):
    from tests.dashboards.known import _status_event

    _status_event(p, on=day, from_status="job_search", to_status="closed")


# --- Employment rate: numerator and denominator over the same people -------------------------------


def test_people_who_worked_and_closed_inside_the_period_keep_the_rate_at_most_100(world):
    team = [world.team.pk]
    for name in ("Arbeidet Avsluttet", "Arbeidet Også"):
        p = ParticipantFactory(
            team=world.team, name=name, status=Participant.Status.CLOSED, entry_date=D(2025, 1, 1)
        )
        JobFactory(participant=p, start_date=D(2025, 2, 1))
        _closed_on(p, D(2025, 5, 1))
    ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1))  # active, no job
    rate = measures.employment_rate(team_ids=team, period=Q2)
    # The old definition gave 2 working ÷ 1 active = 200 %.
    assert (rate.numerator, rate.denominator) == (2, 3)
    assert rate.percent == 66.7


def test_nobody_served_is_a_dash_on_the_page(world, leader_client):
    html = leader_client.get(reverse("dashboards:team") + Q2_QUERY).content.decode()
    for key in ("employment_rate", "employment_rate_grow"):
        match = re.search(rf'data-measure="{key}">.*?<td[^>]*>([^<]*)</td>', html, re.S)
        assert match.group(1).strip() == "–"


def test_work_training_only_gives_zero_working(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1), in_work_at_referral="no")
    JobFactory(participant=p, start_date=D(2025, 4, 10), is_ordinary=False)
    team = [world.team.pk]
    assert measures.employment_rate(team_ids=team, period=Q2).numerator == 0
    assert measures.employment_rate_grow(team_ids=team, period=Q2) == measures.Ratio(0, 1)


def test_two_jobs_for_one_person_are_one_person_working_and_one_started(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1), in_work_at_referral="no")
    JobFactory(participant=p, start_date=D(2025, 4, 2))
    JobFactory(participant=p, start_date=D(2025, 5, 2), title="Kveldsjobb")
    team = [world.team.pk]
    assert measures.people_in_ordinary_work(team_ids=team, period=Q2) == 1
    assert measures.employment_rate_grow(team_ids=team, period=Q2) == measures.Ratio(1, 1)


def test_a_job_spanning_the_period_start_counts_as_working_but_not_as_a_start(world):
    p = ParticipantFactory(team=world.team, entry_date=D(2025, 1, 1), in_work_at_referral="no")
    JobFactory(participant=p, start_date=D(2025, 3, 1))
    team = [world.team.pk]
    assert measures.employment_rate(team_ids=team, period=Q2) == measures.Ratio(1, 1)
    assert measures.job_starts(team_ids=team, period=Q2) == 0
    assert measures.employment_rate_grow(team_ids=team, period=Q2) == measures.Ratio(0, 1)


def test_the_hand_built_team_gives_the_known_answers(world):
    known.build(world)
    team = [world.team.pk]
    assert measures.people_served(team_ids=team, period=Q2) == known.EXPECTED["served"]
    assert measures.people_in_education(team_ids=team, period=Q2) == known.EXPECTED["education"]
    grow = measures.employment_rate_grow(team_ids=team, period=Q2)
    assert (grow.numerator, grow.denominator) == known.EXPECTED["grow"]
    endings = measures.job_endings(team_ids=team, period=Q2)
    assert endings.total == known.EXPECTED["job_endings"]
    assert endings.reasons == {"quit": 1, "dismissed": 0, "temporary_ended": 1, "other": 0}


def test_grow_leaves_out_people_in_work_or_unknown_when_referred(world):
    for in_work in ("yes", "unknown"):
        p = ParticipantFactory(
            team=world.team, entry_date=D(2025, 1, 1), in_work_at_referral=in_work
        )
        JobFactory(participant=p, start_date=D(2025, 5, 1))
    assert measures.employment_rate_grow(team_ids=[world.team.pk], period=Q2).denominator == 0


def test_employer_contacts_per_specialist_per_week(world):
    employer = EmployerFactory(team=world.team)
    for day in (D(2025, 4, 2), D(2025, 5, 2), D(2025, 6, 2)):
        EmployerContactFactory(employer=employer, job_specialist=world.specialist, contact_date=day)
    EmployerContactFactory(
        employer=employer,
        job_specialist=world.specialist,
        contact_date=D(2025, 4, 3),
        face_to_face=False,
    )
    # 13 weeks; two specialists in the team; 3 face-to-face contacts.
    rate = measures.employer_contacts_per_specialist_week(team_ids=[world.team.pk], period=Q2)
    assert (rate.count, rate.specialists, rate.weeks) == (3, 2, 13)
    assert rate.value == round(3 / 26, 1)
    per = measures.employer_contacts_per_specialist_week.per_specialist(
        team_ids=[world.team.pk], specialist_ids=[world.teammate.pk], period=Q2
    )
    assert per[world.specialist.pk].count == 3 and per[world.teammate.pk].count == 0


# --- One definition, on «Slik regnes tallene» ----------------------------------------------------


def test_every_measure_has_its_definition_on_the_page_in_both_languages(world, specialist_client):
    html = specialist_client.get(reverse("dashboards:definitions")).content.decode()
    for m in measures.CATALOGUE:
        assert f'id="{m.key}"' in html
        assert str(m.definition) in html
        with translation.override("en"):
            # The English text of the definition is the function's docstring.
            assert str(m.definition) == " ".join(inspect.getdoc(m).split())


def test_every_outcome_figure_links_to_its_definition(world, leader_client):
    url = reverse("dashboards:definitions")
    html = leader_client.get(reverse("dashboards:team") + Q2_QUERY).content.decode()
    for key, _label, _m in measures.MEASURES:
        assert f'href="{url}#{key}"' in html
    my_day = world.client_for("specialist").get(reverse("dashboards:my_day")).content.decode()
    assert f"{url}#employer_contacts_per_week" in my_day and f"{url}#community_share" in my_day


# --- CSV for Excel --------------------------------------------------------------------------------


def test_csv_read_back_as_data_has_numeric_columns(world, leader_client):
    known.build(world)
    rows = _rows(
        leader_client.get(reverse("dashboards:team_export") + Q2_QUERY + "&table=outcomes")
    )
    header, data = rows[0], rows[1:]
    count, denominator, value = (header.index(h) for h in ("Antall", "Nevner", "Verdi"))
    by_key = {row[-1].rsplit("#", 1)[1]: row for row in data}
    assert by_key["employment_rate"][count] == "3"
    assert by_key["employment_rate"][denominator] == "6"
    assert by_key["employment_rate"][value] == "50"
    assert by_key["retention_90"][value] == "66,7"  # a decimal comma
    for row in data:
        for i in (count, denominator, value):
            if row[i]:
                float(row[i].replace(",", "."))  # every number cell is a number
    assert "Slik regnes tallene" in header[-1]


def test_a_referral_named_like_a_formula_comes_out_inert(world, partner_client):
    ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        submitted_by=world.partner,
        person_name='=HYPERLINK("x")',
    )
    rows = _rows(partner_client.get(reverse("dashboards:partner_export") + "?table=referrals"))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text):
    assert csv_cell(text) == "'" + text


# --- The same value everywhere --------------------------------------------------------------------


def _page_value(html: str, key: str) -> str:
    found = re.search(rf'data-measure="{key}">.*?<td[^>]*>([^<]*)</td>', html, re.S)
    assert found is not None, key
    return found.group(1)


def test_each_measure_has_the_same_value_on_every_page_csv_and_the_report(
    world, leader_client, partner_client
):
    known.build(world)
    figures = measures.outcomes(team_ids=[world.team.pk], period=Q2)
    rate = figures["employment_rate"]
    assert (rate.numerator, rate.denominator) == (3, 6)

    team_html = leader_client.get(reverse("dashboards:team") + Q2_QUERY).content.decode()
    partner_html = partner_client.get(reverse("dashboards:partner") + Q2_QUERY).content.decode()
    csv_rows = _rows(
        leader_client.get(reverse("dashboards:team_export") + Q2_QUERY + "&table=outcomes")
    )
    csv_by_key = {row[-1].rsplit("#", 1)[1]: row for row in csv_rows[1:]}
    report = leader_client.get(reverse("dashboards:quarterly") + REPORT_QUERY)
    report_html = report.content.decode()
    pdf = leader_client.get(reverse("dashboards:quarterly_pdf") + REPORT_QUERY)
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)

    expected_text = {
        "active": "5",
        "served": "6",
        "employment_rate": "50 % (3 av 6)",
        "employment_rate_grow": "50 % (2 av 4)",
        "referrals": "4",
    }
    for key, text in expected_text.items():
        assert _page_value(team_html, key).strip() == text, key
        # The partner sees the same figure, or that it is hidden because a count is below 5.
        shown = _page_value(partner_html, key).strip()
        assert shown == text or shown == "&lt; 5" or shown.startswith("skjult"), key
        total = re.search(
            rf'data-measure="{key}">.*?<td[^>]*data-total>([^<]*)</td>', report_html, re.S
        )
        assert total.group(1).strip() == text, key
        assert text in pdf_text, key
    # Partner counts ≥ 5 are shown as they are.
    assert _page_value(partner_html, "active").strip() == "5"
    assert _page_value(partner_html, "served").strip() == "6"
    # The CSV: the same numbers, as numbers.
    assert csv_by_key["active"][3] == "5"
    assert csv_by_key["served"][3] == "6"
    assert csv_by_key["employment_rate"][3:6] == ["3", "6", "50"]
    assert csv_by_key["employment_rate_grow"][3:6] == ["2", "4", "50"]
    # The report's CSV has the same team totals.
    report_rows = _rows(leader_client.get(reverse("dashboards:quarterly_csv") + REPORT_QUERY))
    totals = {
        row[-1].rsplit("#", 1)[1]: row[4:7] for row in report_rows[1:] if row[2] == "Teamet totalt"
    }
    assert totals["employment_rate"] == ["3", "6", "50"]
    assert totals["active"] == ["5", "", "5"]
    # The fidelity review reads the same shared definitions for the same team and period.
    person = Participant.objects.filter(team=world.team).order_by("pk").first()
    for place, minutes in ((Contact.Place.COMMUNITY, 60), (Contact.Place.OFFICE, 30)):
        ContactFactory(
            participant=person,
            logged_by=person.job_specialist,
            contact_date=Q2.start + dt.timedelta(days=10),
            place=place,
            duration_minutes=minutes,
        )
    window = Window(team_id=world.team.pk, start=Q2.start, end=Q2.end, today=Q2.end)
    share = measures.community_share(team_ids=[world.team.pk], period=Q2)
    assert share.percent == 66.7
    assert indicators.community_time(window).value == share.percent


# --- Quarterly report -----------------------------------------------------------------------------


def test_quarterly_report_per_specialist_adds_up_to_the_team(world):
    known.build(world)
    ParticipantFactory(
        team=world.team, job_specialist=world.teammate, entry_date=D(2025, 1, 1), name="Kåres"
    )
    report = quarterly.quarterly_report(team=world.team, period=Q2)
    names = [str(s) for s in report.specialists]
    assert names == ["Kåre Kollega", "Siri Spesialist"]
    served = next(r for r in report.rows if r.key == "served")
    assert served.total == 7 and served.per_specialist == [1, 6]


def test_quarterly_report_form_keeps_a_bad_year_with_a_message(world, leader_client):
    response = leader_client.get(reverse("dashboards:quarterly") + "?year=1850&quarter=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg et år mellom" in html and 'value="1850"' in html


def _grow(team, specialists: int, people_each: int):
    users = [
        make_member("job_specialist", team=team, first_name=f"S{i}", last_name="Spes")
        for i in range(specialists)
    ]
    employer = EmployerFactory(team=team)
    for u in users:
        for _j in range(people_each):
            p = ParticipantFactory(
                team=team,
                job_specialist=u,
                entry_date=D(2025, 1, 1),
                in_work_at_referral="no",
                first_employer_contact_date=D(2025, 4, 1),
            )
            JobFactory(
                participant=p, start_date=D(2025, 4, 5), end_date=D(2025, 6, 1), end_reason="quit"
            )
            EducationEpisodeFactory(participant=p, start_date=D(2025, 5, 1))
        EmployerContactFactory(employer=employer, job_specialist=u, contact_date=D(2025, 5, 1))
        ReferralFactory(
            team=team,
            assigned_specialist=u,
            date_received=D(2025, 4, 1),
            first_meeting_date=D(2025, 4, 4),
            referral_date=D(2025, 4, 1),
        )
    return users


def _report_queries(team, *, cached: bool = False) -> int:
    if not cached:  # the report as computed: the team's data version goes up, as after a write
        figures.bump_teams([team.pk])
    with CaptureQueriesContext(connection) as ctx:
        quarterly.quarterly_report(team=team, period=Q2)
    return len(ctx.captured_queries)


def test_quarterly_report_query_count_does_not_grow_with_specialists_or_teams(world):
    small = TeamFactory(name="Lite team")
    _grow(small, specialists=3, people_each=1)
    few = _report_queries(small)
    big = TeamFactory(name="Stort team")
    _grow(big, specialists=30, people_each=2)
    for _i in range(5):  # other teams' data changes nothing either
        _grow(TeamFactory(), specialists=2, people_each=2)
    assert _report_queries(big) == few
    assert _report_queries(small) == few
    # Two queries for the specialists, then two per measure (the team, and per specialist).
    assert few == 2 + 2 * len(quarterly.REPORT_MEASURES)
    # Read again with the team's data unchanged: the measures come from the cache.
    assert _report_queries(small, cached=True) == 2
