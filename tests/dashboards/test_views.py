import csv
import io
import re

import pytest
from django.urls import reverse

from dashboards.models import PeriodPreference
from ips.audit.models import AccessEvent
from tests.dashboards import known

Q2 = "?kind=quarter&year=2025&quarter=2"


def _text(response) -> str:
    return response.content.decode()


def _csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _measure(html: str, key: str) -> str:
    match = re.search(rf'data-measure="{key}">.*?<td[^>]*>([^<]*)</td>', html, re.S)
    assert match, key
    return match.group(1).strip()


@pytest.fixture
def fixture(world):
    return known.build(world)


def test_leader_sees_the_hand_computed_outcomes(world, fixture, leader_client):
    html = _text(leader_client.get(reverse("dashboards:team") + Q2))
    assert _measure(html, "active") == "5"
    assert _measure(html, "working") == "3"
    assert _measure(html, "employment_rate").startswith("50 %")
    assert _measure(html, "job_starts") == "2"
    assert _measure(html, "referrals") == "4"
    assert _measure(html, "days_to_first_meeting").startswith("7 dager")
    assert _measure(html, "retention_90").startswith("67 %")
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1]


def test_leader_sees_caseload_per_specialist_and_intake(world, fixture, leader_client):
    html = _text(leader_client.get(reverse("dashboards:team")))
    assert "Siri Spesialist" in html
    assert 'data-figure="intake-open">' in html


def test_chosen_period_is_remembered(world, leader_client):
    leader_client.get(reverse("dashboards:team") + "?kind=half&year=2025&half=1")
    pref = PeriodPreference.objects.get(user=world.leader)
    assert (pref.kind, pref.year, pref.number) == ("half", 2025, 1)
    html = _text(leader_client.get(reverse("dashboards:team")))
    assert "1. halvår 2025" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?kind=quarter&year=2025", "quarter", "Velg kvartal."),
        ("?kind=quarter&year=1850&quarter=1", "year", "Velg et år mellom"),
        ("?kind=custom&start=2025-05-01&end=2025-04-01", "end", "Til-datoen kan ikke være før"),
        ("?kind=custom&start=2025-05-01", "end", "Oppgi til-dato."),
        ("?kind=custom&start=ikke-en-dato&end=2025-04-01", "start", "Oppgi en gyldig dato."),
        ("?kind=tiår&year=2025", "kind", "Velg et gyldig valg"),
    ],
)
def test_bad_period_shows_a_field_message_and_keeps_the_remembered_one(
    world, leader_client, query, field, message
):
    leader_client.get(reverse("dashboards:team") + "?kind=year&year=2024")
    response = leader_client.get(reverse("dashboards:team") + query)
    assert response.status_code == 200
    html = _text(response)
    assert message in html
    assert f'id="id_{field}"' in html and "is-invalid" in html
    assert PeriodPreference.objects.get(user=world.leader).kind == "year"
    assert "Periode</h2>" not in html or "2024" in html


def test_default_period_is_the_current_quarter(world, leader_client):
    from ips import periods
    from ips.dates import oslo_today

    html = _text(leader_client.get(reverse("dashboards:team")))
    assert periods.quarter_of(oslo_today()).label in html


def test_leader_csv_is_utf8_with_bom_and_semicolons(world, fixture, leader_client):
    response = leader_client.get(reverse("dashboards:team_export") + Q2 + "&table=outcomes")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][:6] == ["Team", "Periode", "Mål", "Antall", "Nevner", "Verdi"]
    assert (rows[1][:6]) == [
        "IPS Lovisenberg",
        "2. kvartal 2025",
        "Portefølje ved periodens slutt",
        "5",
        "",
        "5",
    ]
    for table in ("caseload", "intake", "alerts", "trend"):
        response = leader_client.get(reverse("dashboards:team_export") + f"?table={table}")
        assert response.status_code == 200
        assert _csv_rows(response)[0]


def test_unknown_export_table_is_404(world, leader_client, partner_client):
    assert leader_client.get(reverse("dashboards:team_export") + "?table=x").status_code == 404
    assert partner_client.get(reverse("dashboards:partner_export")).status_code == 404


def test_leader_cannot_pick_a_team_they_do_not_lead(world, leader_client):
    url = reverse("dashboards:team") + f"?team={world.other_team.pk}"
    assert leader_client.get(url).status_code == 404


# --- Partner -----------------------------------------------------------------------------------------


def _partner_outputs(partner_client) -> list[str]:
    outputs = [_text(partner_client.get(reverse("dashboards:partner") + Q2))]
    for table in ("outcomes", "trend", "referrals"):
        response = partner_client.get(reverse("dashboards:partner_export") + Q2 + f"&table={table}")
        assert response.status_code == 200
        outputs.append(response.content.decode("utf-8"))
    return outputs


def test_partner_never_sees_health_details(world, fixture, partner_client):
    for output in _partner_outputs(partner_client):
        for value in known.HEALTH_VALUES:
            assert value not in output


def test_partner_sees_no_names_except_their_own_referrals(world, fixture, partner_client):
    outputs = _partner_outputs(partner_client)
    for participant in [*fixture["participants"], fixture["other"]]:
        for output in outputs:
            assert participant.name not in output
    for output in (outputs[0], outputs[3]):
        for referral in fixture["own_referrals"]:
            assert referral.person_name in output
        assert "Mona Annenorg" not in output  # referred by another organisation
        assert "Nils Nabo" not in output
    for output in outputs:
        assert "Siri Spesialist" not in output  # not even staff names


def test_partner_small_counts_are_suppressed(world, fixture, partner_client):
    html = _text(partner_client.get(reverse("dashboards:partner") + Q2))
    assert _measure(html, "active") == "5"
    assert _measure(html, "working") == "&lt; 5"
    assert "skjult" in _measure(html, "employment_rate")
    assert _measure(html, "job_starts") == "&lt; 5"
    rows = _csv_rows(
        partner_client.get(reverse("dashboards:partner_export") + Q2 + "&table=outcomes")
    )
    values = {row[2]: row[3:8] for row in rows[1:] if row[0] == "IPS Lovisenberg"}
    # Suppressed: no number at all (not even the denominator), and a note saying why.
    assert values["Personer i ordinært arbeid i perioden"] == ["", "", "", "antall", "< 5"]
    assert values["Portefølje ved periodens slutt"] == ["5", "", "5", "antall", ""]


def test_partner_sees_only_teams_they_collaborate_with(world, fixture, partner_client):
    html = _text(partner_client.get(reverse("dashboards:partner")))
    assert "IPS Lovisenberg" in html
    assert "IPS Bergen" not in html


def test_partner_referral_export_is_logged_as_an_export(world, fixture, partner_client):
    partner_client.get(reverse("dashboards:partner_export") + "?table=referrals")
    events = AccessEvent.objects.filter(user=world.partner, action=AccessEvent.Action.EXPORT)
    assert events.count() == len(fixture["own_referrals"])


def test_custom_range_is_shown_and_remembered(world, fixture, leader_client):
    url = reverse("dashboards:team") + "?kind=custom&start=2025-04-01&end=2025-06-30"
    html = _text(leader_client.get(url))
    assert "01.04.2025–30.06.2025" in html
    assert _measure(html, "active") == "5"
    pref = PeriodPreference.objects.get(user=world.leader)
    assert (pref.kind, str(pref.start), str(pref.end)) == ("custom", "2025-04-01", "2025-06-30")


def test_partner_page_logs_who_saw_which_referral_names(world, fixture, partner_client):
    partner_client.get(reverse("dashboards:partner"))
    seen = set(
        AccessEvent.objects.filter(user=world.partner, action=AccessEvent.Action.VIEW).values_list(
            "referral_id", flat=True
        )
    )
    assert seen == {r.pk for r in fixture["own_referrals"]}


def test_leader_team_csv_contains_no_participant_names(world, fixture, leader_client):
    for table in ("caseload", "intake", "alerts", "outcomes", "trend"):
        body = leader_client.get(
            reverse("dashboards:team_export") + Q2 + f"&table={table}"
        ).content.decode()
        for participant in fixture["participants"]:
            assert participant.name not in body
    assert not AccessEvent.objects.filter(user=world.leader).exists()
