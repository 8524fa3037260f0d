"""Specialist, leader and partner each sign in and see their own dashboard with the figures of
the hand-computed fixture (tests/dashboards/known.py)."""

import pytest

from participants.models import Contact
from tests.conftest import browser_login, screenshot
from tests.dashboards import known
from tests.factories import (
    AlertFactory,
    ContactFactory,
    EmployerContactFactory,
    EmployerFactory,
    today,
)


def _measure(page, key: str) -> str:
    return page.locator(f'tr[data-measure="{key}"] td').first.inner_text().strip()


def _choose_q2_2025(page) -> None:
    page.locator("#id_kind").select_option("quarter")
    page.locator("#id_year").fill("2025")
    page.locator("#id_quarter").select_option("2")
    page.get_by_role("button", name="Vis periode").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_role_sees_its_dashboard_with_the_hand_computed_figures(world, page):
    fixture = known.build(world)
    # For "my day": one open alert, 3 face-to-face employer contacts this week, and this month
    # 60 minutes in the community out of 80 logged (75 %).
    AlertFactory(team=world.team, owner=world.specialist, rule="no_contact_30_days")
    employer = EmployerFactory(team=world.team)
    for _ in range(3):
        EmployerContactFactory(employer=employer, job_specialist=world.specialist)
    first = today().replace(day=1)
    aslak = fixture["participants"][0]
    ContactFactory(
        participant=aslak, contact_date=first, place=Contact.Place.HOME, duration_minutes=60
    )
    ContactFactory(
        participant=aslak, contact_date=first, place=Contact.Place.OFFICE, duration_minutes=20
    )

    # Job specialist
    browser_login(page, "spesialist")
    page.goto("/oversikt/min-dag/")
    assert page.get_by_role("heading", name="Min dag").is_visible()
    assert page.get_by_text("Ingen kontakt på 30 dager", exact=True).is_visible()
    assert page.locator('[data-figure="employer-contacts"]').inner_text() == "3 / 6"
    assert page.locator('[data-figure="community-share"]').inner_text() == "75 %"
    # Active participants, the one never contacted first.
    assert page.get_by_role("cell", name="Brita Bakken").is_visible()
    screenshot(page, "dashboards-my-day")
    page.get_by_role("button", name="Logg ut").click()

    # IPS leader: picks 2nd quarter 2025 with the period picker.
    browser_login(page, "leder")
    page.goto("/oversikt/team/")
    _choose_q2_2025(page)
    assert page.get_by_role("heading", name="Periode: 2. kvartal 2025").is_visible()
    assert _measure(page, "active") == "5"
    assert _measure(page, "working") == "3"
    assert _measure(page, "employment_rate").startswith("50 %")
    assert _measure(page, "job_starts") == "2"
    assert _measure(page, "education_starts") == "1"
    assert _measure(page, "referrals") == "4"
    assert _measure(page, "days_to_first_meeting").startswith("7 dager")
    assert _measure(page, "days_to_employer_contact").startswith("61 dager")
    assert _measure(page, "days_to_first_job").startswith("92 dager")
    assert _measure(page, "retention_90").startswith("67 % (2 av 3)")
    assert page.locator("svg").count() >= 2
    screenshot(page, "dashboards-team")
    # The choice is remembered.
    page.goto("/oversikt/team/")
    assert _measure(page, "active") == "5"
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "dashboards-team-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Logg ut").click()

    # Partner: same figures, small counts suppressed, own referrals by name and status.
    browser_login(page, "partner")
    page.goto("/oversikt/samarbeid/")
    _choose_q2_2025(page)
    assert _measure(page, "active") == "5"
    assert _measure(page, "working") == "< 5"
    assert _measure(page, "job_starts") == "< 5"
    html = page.content()
    for referral in fixture["own_referrals"]:
        assert referral.person_name in html
    for participant in fixture["participants"]:
        assert participant.name not in html
    for value in known.HEALTH_VALUES:
        assert value not in html
    screenshot(page, "dashboards-partner")
