"""On the phone (360 × 740): a job specialist finds a participant from the menu's search by
national ID, opens the record and sees the number to call with one tap."""

import pytest
from playwright.sync_api import expect

from participants.models import Participant
from tests.conftest import browser_login, open_folded_menu, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_specialist_searches_from_the_menu_and_sees_tap_to_call_at_360_px(world, page):
    participant = world.participant
    Participant.objects.filter(pk=participant.pk).update(
        phone="+4791234567", preferred_contact="sms"
    )
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, "spesialist")

    open_folded_menu(page)
    page.get_by_role("navigation").get_by_role("link", name="Søk", exact=True).click()
    page.get_by_label("Navn, fødselsnummer eller telefon").fill(participant.national_id)
    page.get_by_role("button", name="Søk", exact=True).click()
    hit = page.get_by_role("link", name="Ola Deltaker")
    expect(hit).to_be_visible()
    # The number typed is not in the address bar (the search is sent by POST).
    assert participant.national_id not in page.url
    screenshot(page, "search-360-national-id")

    hit.click()
    call = page.get_by_role("link", name="Ring 91 23 45 67")
    call.scroll_into_view_if_needed()
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:+4791234567")
    expect(page.get_by_text("SMS", exact=True)).to_be_visible()
    # Nothing sticks out sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "participant-360-tap-to-call")
