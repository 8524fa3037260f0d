"""Two job specialists on phones (360 × 740) edit the same section of one vocational profile,
each from a page opened before the other saved (issue 16): the second sees only the question
both changed, chooses, and nothing the first person saved is reverted."""

import pytest
from playwright.sync_api import expect

from participants.models import VocationalProfile
from tests.a11y.test_axe import blocking_violations
from tests.conftest import _new_context, _new_page, browser_login, screenshot

PHONE = {"width": 360, "height": 740}


def _phone(browser, live_server, username):
    context = _new_context(browser, live_server.url, viewport=PHONE)
    page = _new_page(context)
    browser_login(page, username)
    return context, page


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways at 360 px ({width} px)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_specialists_on_phones_merge_their_profile_edits(world, browser, live_server):
    url = f"/deltakere/{world.participant.pk}/yrkesprofil/"
    siri_context, siri = _phone(browser, live_server, "spesialist")
    kare_context, kare = _phone(browser, live_server, "kollega")
    try:
        siri.goto(url)
        kare.goto(url)  # both pages are open before anyone saves
        goals = kare.locator("#del-goals")
        goals.get_by_label("Drømmejobb").fill("Kokk")
        goals.get_by_label("Hva slags jobb vil du gjerne ha akkurat nå?").fill("Oppvask")
        goals.get_by_role("button", name="Lagre arbeidsmål").click()
        expect(kare.get_by_text("Arbeidsmål er lagret.")).to_be_visible()
        expect(kare.locator("#del-goals-filled")).to_contain_text("Utfylt av Kåre")

        # Siri's page still shows the empty section; she changes the dream job only.
        goals = siri.locator("#del-goals")
        goals.get_by_label("Drømmejobb").fill("Snekker")
        goals.get_by_role("button", name="Lagre arbeidsmål").click()
        conflict = siri.locator("#konflikt-goals")
        expect(conflict).to_be_visible()
        _fits(siri)
        assert blocking_violations(siri) == []
        screenshot(siri, "profile-merge-360-conflict")
        choice = siri.get_by_label("Bruk det du skrev: «Snekker»")
        expect(siri.get_by_label("Behold det som er lagret nå: «Kokk»")).to_be_visible()
        choice.check()
        save = siri.get_by_role("button", name="Lagre valgene i arbeidsmål")
        save.scroll_into_view_if_needed()
        box = save.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        save.click()
        expect(siri.get_by_text("Arbeidsmål er lagret.")).to_be_visible()
        _fits(siri)

        profile = VocationalProfile.objects.get(participant=world.participant)
        assert (profile.dream_job, profile.job_wanted_now) == ("Snekker", "Oppvask")
        # Kåre's answer to the other question is on Siri's page, as he saved it.
        expect(
            siri.locator("#del-goals").get_by_label("Hva slags jobb vil du gjerne ha akkurat nå?")
        ).to_have_value("Oppvask")
        screenshot(siri, "profile-merge-360-saved")
        assert blocking_violations(siri) == []
        # Every aria-describedby on the page points at something that exists.
        dangling = siri.evaluate(
            """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
                el.getAttribute('aria-describedby').split(/\\s+/).filter(
                    id => id && !document.getElementById(id)))"""
        )
        assert dangling == []
    finally:
        siri_context.close()
        kare_context.close()
