"""The referral journey in a real browser: partner → leader → job specialist → partner."""

import pytest

from participants.models import Participant
from referrals.models import Referral
from tests.conftest import browser_login, screenshot
from tests.factories import today, valid_national_id
from tests.referrals.factories import assigned_referral, give_caseload


def _switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    browser_login(page, username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_referral_from_partner_to_first_meeting(world, page):
    # Siri has more room than Kåre, so she is the one the assign page suggests.
    give_caseload(world.specialist, world.team, 1)
    give_caseload(world.teammate, world.team, 3)
    national_id = valid_national_id(4242)

    # The NAV partner submits a referral online.
    browser_login(page, "partner")
    page.goto("/henvisninger/ny/")
    page.get_by_label("Personens navn").fill("Tove Testperson")
    page.get_by_label("Fødselsnummer eller D-nummer").fill(national_id)
    page.get_by_label("Personens telefon").fill("41234567")
    page.get_by_label("Henvisningsdato").fill(today().isoformat())
    page.get_by_label("Jobbønsker og anbefalinger om arbeidsmiljø").fill("Vil jobbe i butikk")
    page.get_by_label("Rusbruk").fill("Ikke aktuelt nå")
    # The team is not preselected: the suggestion is one click.
    assert page.get_by_label("Send til IPS-team").input_value() == ""
    page.get_by_role("link", name="Velg IPS Lovisenberg").click()
    assert page.get_by_label("Send til IPS-team").input_value() == str(world.team.pk)
    page.get_by_label("Personen har samtykket til å bli henvist til IPS").check()
    page.get_by_label("Dato for samtykket").fill(today().isoformat())
    page.get_by_label("Muntlig").check()
    page.get_by_role("button", name="Send henvisningen").click()
    page.wait_for_url("**/henvisninger/")
    row = page.get_by_role("row").filter(has_text="Tove Testperson")
    assert "Mottatt" in row.inner_text()
    screenshot(page, "referrals-partner-list-received")

    # The leader sees it in the intake queue and assigns it to the suggested specialist.
    _switch_user(page, "leder")
    page.goto("/henvisninger/inntak/")
    row = page.get_by_role("row").filter(has_text="Tove Testperson")
    assert "Innenfor fristen" in row.inner_text()
    row.get_by_role("link", name="Tildel").click()
    first = page.locator("#specialist-table tbody tr").first
    assert "Siri Spesialist" in first.inner_text()
    assert "Forslag" in first.inner_text()
    assert page.get_by_label("Siri Spesialist").is_checked()
    screenshot(page, "referrals-assign")
    page.get_by_role("button", name="Tildel", exact=True).click()
    page.wait_for_url("**/henvisninger/inntak/")
    referral = Referral.objects.get(person_name="Tove Testperson")
    assert referral.assigned_specialist == world.specialist

    # The job specialist registers the first meeting.
    _switch_user(page, "spesialist")
    page.goto("/henvisninger/")
    page.get_by_role("link", name="Tove Testperson").click()
    page.get_by_role("link", name="Registrer første møte").click()
    page.get_by_label("Ute i samfunnet").check()
    page.get_by_role("button", name="Registrer første møte").click()
    page.wait_for_url(f"**/henvisninger/{referral.pk}/")
    assert page.get_by_text("Første møte holdt").first.is_visible()
    participant = Participant.objects.get(referral=referral)
    assert participant.job_specialist == world.specialist
    assert participant.contacts.count() == 1

    # The partner now sees the new status (and still nothing of the contents).
    _switch_user(page, "partner")
    page.goto("/henvisninger/")
    row = page.get_by_role("row").filter(has_text="Tove Testperson")
    assert "Første møte holdt" in row.inner_text()
    row.get_by_role("link", name="Tove Testperson").click()
    assert "Første møte holdt" in page.content()
    assert "butikk" not in page.content()
    screenshot(page, "referrals-partner-status")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_intake_queue_fits_a_phone_screen(world, page):
    world.referral  # noqa: B018
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, "leder")
    page.goto("/henvisninger/inntak/")
    assert page.get_by_role("link", name="Henrik Henvist", exact=True).is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert page_width <= 360
    screenshot(page, "referrals-queue-360")


def _serious_axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # Only this app's content: the shared header is checked by tests/a11y.
    results = Axe().run(
        page,
        context={"include": [["main"]]},
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['impact']}: {v['id']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_action_pages_and_error_states_pass_axe(world, page):
    referral = assigned_referral(world)
    give_caseload(world.specialist, world.team, 1)
    browser_login(page, "leder")
    for url in (
        f"/henvisninger/{referral.pk}/",
        f"/henvisninger/{referral.pk}/tildel/",
        f"/henvisninger/{referral.pk}/avslutt/",
        "/henvisninger/ny/",
    ):
        page.goto(url)
        assert not _serious_axe_violations(page), url
    # A form with field errors is still accessible.
    page.goto(f"/henvisninger/{referral.pk}/forste-mote/")
    page.get_by_label("Dato for første møte").fill("2001-01-01")
    page.get_by_role("button", name="Registrer første møte").click()
    assert page.get_by_text("Første møte kan ikke være før henvisningen ble mottatt").is_visible()
    assert not _serious_axe_violations(page)
    screenshot(page, "referrals-first-meeting-error")
