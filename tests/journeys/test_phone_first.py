"""Phone first (issue 16): at 360 × 740 each main page's primary action is on screen and
clickable without sideways scrolling, inside a table (shown as cards) or outside one; charts
give way to their data table; filters fold behind one button. At 1280 px the leader's menu fits
one line.

Shares one set of data and one signed-in session per persona (`signed_in_site`).
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ips.dates import oslo_today
from tests.conftest import screenshot
from tests.factories import (
    ActionPlanFactory,
    AlertFactory,
    ContactFactory,
    EmployerContactFactory,
    GoalFactory,
    ParticipantFactory,
    ReferralFactory,
)

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def phone_world(signed_in_site):
    world = signed_in_site.world
    participant = world.participant
    ContactFactory(participant=participant, contact_date=oslo_today() - dt.timedelta(days=40))
    # A second person with a long name: the kind of row that pushed the action off screen.
    ParticipantFactory(
        team=world.team, job_specialist=world.specialist, name="Kristoffer Andreassen-Fjellheim"
    )
    plan = ActionPlanFactory(participant=participant)
    GoalFactory(
        plan=plan,
        description="Søke tre butikkjobber i nærheten av der hun bor",
        activities="Skrive søknader sammen, ringe butikksjefene",
        responsible="Jobbspesialisten og deltakeren",
    )
    ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        submitted_by=world.partner,
        person_name="Henrik Henvist-Halvorsen",
        referral_date=oslo_today() - dt.timedelta(days=4),
        date_received=oslo_today() - dt.timedelta(days=3),
    )
    EmployerContactFactory(
        employer=world.employer, job_specialist=world.specialist, contact_date=oslo_today()
    )
    AlertFactory(
        team=world.team,
        owner=world.specialist,
        subject_id=participant.pk,
        due_date=oslo_today() + dt.timedelta(days=3),
    )
    signed_in_site.sign_in("spesialist", "leder")
    return world


# page: (url name, kwargs, persona, the primary action: role, accessible name (start))
PAGES = {
    "my_day": ("dashboards:my_day", None, "spesialist", "link", "Logg kontakt – Ola Deltaker"),
    "caseload": ("participants:caseload", None, "spesialist", "button", "Logg kontakt med Ola"),
    "participant": ("participants:detail", "participant", "spesialist", "button", "Logg kontakt"),
    "plan": ("participants:plan", "participant", "spesialist", "link", "Endre delmål 1"),
    "intake": ("referrals:queue", None, "leder", "link", "Tildel Henrik Henvist-Halvorsen"),
    "alerts": ("deadlines:alert_list", None, "spesialist", "button", "Kvitter"),
    "employers": ("employers:list", None, "spesialist", "link", "Logg kontakt – Rema 1000"),
    "weekly": ("employers:weekly", None, "spesialist", "link", "Logg arbeidsgiverkontakt"),
    "team": ("dashboards:team", None, "leder", "link", "Last ned CSV – portefølje"),
}


def _url(world, name, kwargs):
    return reverse(name, kwargs={"pk": world.participant.pk} if kwargs else None)


@pytest.mark.browser
@pytest.mark.parametrize("key", PAGES)
def test_primary_action_is_on_screen_at_360px_without_sideways_scrolling(
    phone_world, open_page, key
):
    name, kwargs, persona, role, label = PAGES[key]
    page = open_page(persona)
    page.set_viewport_size(PHONE)
    page.goto(_url(phone_world, name, kwargs))
    page.wait_for_load_state("networkidle")
    screenshot(page, f"phone-{key}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    action = page.get_by_role(role, name=label).first
    action.scroll_into_view_if_needed()
    expect(action).to_be_visible()
    box = action.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        f"{label!r} is at x={box['x']:.0f}..{box['x'] + box['width']:.0f}, off a 360 px screen"
    )
    # Nothing scrolled sideways to get there (neither the page nor a table's box).
    assert page.evaluate("window.scrollX") == 0
    assert page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].every(b => b.scrollLeft === 0)"
    )
    # Clickable: the point at its centre is the action itself (nothing covers it).
    hit = page.evaluate(
        "([x, y]) => { const el = document.elementFromPoint(x, y);"
        " return el ? (el.closest('a, button')?.textContent || '').trim() : ''; }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert label.split(" – ")[0].split(" med ")[0] in hit, f"{label!r} is covered by {hit!r}"


@pytest.mark.browser
def test_table_cells_say_their_column_on_a_phone(phone_world, open_page):
    page = open_page("spesialist")
    page.set_viewport_size(PHONE)
    page.goto(reverse("participants:caseload"))
    page.wait_for_load_state("networkidle")
    row = page.locator("tbody tr", has_text="Ola Deltaker")
    status = row.locator("td[data-label='Status']")
    expect(status).to_be_visible()
    label = status.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Status: "' or label.startswith("attr(") or "Status" in label
    # At 1280 px it is an ordinary table again: the header row is visible.
    page.set_viewport_size(WIDE)
    expect(page.get_by_role("columnheader", name="Status")).to_be_visible()


@pytest.mark.browser
def test_filters_fold_behind_one_button_on_a_phone(phone_world, open_page):
    page = open_page("spesialist")
    page.set_viewport_size(PHONE)
    page.goto(reverse("participants:caseload") + "?q=Ola")
    page.wait_for_load_state("networkidle")
    search = page.get_by_label("Søk på navn")
    expect(search).to_be_hidden()
    toggle = page.locator("details.filter-fold > summary")
    expect(toggle).to_contain_text("Filtrer (1 i bruk)")
    toggle.click()
    expect(search).to_be_visible()
    expect(search).to_have_value("Ola")

    page.set_viewport_size(WIDE)
    page.goto(reverse("participants:caseload"))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Søk på navn")).to_be_visible()
    expect(toggle).to_be_hidden()


@pytest.mark.browser
def test_charts_give_way_to_their_table_on_a_phone_and_are_named_images(phone_world, open_page):
    page = open_page("leder")
    page.set_viewport_size(WIDE)
    page.goto(reverse("dashboards:team"))
    page.wait_for_load_state("networkidle")
    charts = page.locator(".chart")
    assert charts.count() >= 2
    for chart in charts.all():
        expect(chart).to_have_attribute("role", "img")
        assert (chart.get_attribute("aria-label") or "").strip()
        expect(chart).to_be_visible()
    # Each chart's data table.
    tables = page.locator("details.chart-data table")
    assert tables.count() >= charts.count()

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    for chart in charts.all():
        expect(chart).to_be_hidden()
    for table in tables.all():
        table.scroll_into_view_if_needed()
        expect(table).to_be_visible()
    screenshot(page, "phone-team-charts")


@pytest.mark.browser
def test_the_leaders_menu_fits_one_line_at_1280px(phone_world, open_page):
    page = open_page("leder")
    page.set_viewport_size(WIDE)
    page.goto(reverse("dashboards:team"))
    page.wait_for_load_state("networkidle")
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
                'nav.navbar .navbar-nav > .nav-item, nav.navbar .navbar-text, nav.navbar form .btn')]
            .map(el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom, r.right]; })"""
    )
    assert len(tops) >= 8
    top, bottom = tops[0][0], tops[0][1]
    assert all(abs(t - top) < 12 and abs(b - bottom) < 12 for t, b, _ in tops), tops
    assert max(right for _, _, right in tops) <= WIDE["width"]
    navbar_height = page.locator("nav.navbar").evaluate("n => n.getBoundingClientRect().height")
    assert navbar_height < 70, f"the menu is {navbar_height} px high: more than one line"

    # A grouped entry opens from its button and leads to its page.
    page.get_by_role("button", name="Arbeidsgivere").click()
    page.get_by_role("link", name="Jobbutvikling").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("employers:weekly"))
    expect(page.get_by_role("button", name="Arbeidsgivere")).to_have_class(
        re.compile(r"\bactive\b")
    )


@pytest.mark.browser
def test_favicon_is_served(phone_world, open_page):
    page = open_page("spesialist")
    response = page.goto("/favicon.ico")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("image/")
    page.goto(reverse("dashboards:my_day"))
    href = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert href and page.request.get(href).status == 200
