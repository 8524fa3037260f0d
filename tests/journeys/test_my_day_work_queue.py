"""A job specialist's day on a phone (360 × 740), issue 15: «Min dag» names who each alert is
about and clears it in place; an appointment is planned, held with one tap after its time,
and found in the phone's calendar feed with the person's initials only."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from appointments.models import Appointment
from deadlines.engine import scan
from deadlines.models import Alert
from participants.models import Contact
from tests.conftest import _new_context, _new_page, browser_login, screenshot
from tests.factories import ContactFactory, ParticipantFactory, today

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    context = _new_context(browser, live_server.url, viewport=PHONE)
    yield _new_page(context)
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_my_day_on_a_phone_from_alert_to_calendar(world, phone):
    page = phone
    person = ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        name="Stine Stille",
        entry_date=today() - dt.timedelta(days=80),
    )
    ContactFactory(participant=person, contact_date=today() - dt.timedelta(days=45))
    scan(["no_contact_30_days"])
    alert = Alert.objects.get(rule="no_contact_30_days", subject_id=person.pk, state="open")

    browser_login(page, "spesialist")
    page.goto("/oversikt/min-dag/")
    row = page.locator(f"#alert-{alert.pk}")
    expect(row).to_contain_text("Ingen kontakt på 30 dager")
    expect(row.get_by_role("link", name="Stine Stille")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    screenshot(page, "my-day-phone-alert")

    # Log the missing contact from the alert: three interactions.
    row.get_by_role("button", name="Logg kontakt – Stine Stille").click()  # 1
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Logg kontakt: Stine Stille")
    dialog.get_by_label("Ute i samfunnet").check()  # 2
    dialog.get_by_role("button", name="Lagre").click()  # 3

    expect(page.locator(f"#alert-{alert.pk}")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Kontakten med Stine Stille er registrert.")
    expect(dialog).to_be_hidden()
    assert page.evaluate("window.__notReloaded") is True
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESOLVED

    # Plan the next meeting, from the participant's page.
    page.goto(f"/deltakere/{person.pk}/")
    page.get_by_role("link", name="Planlegg avtale").click()
    tomorrow = today() + dt.timedelta(days=1)
    page.get_by_label("Dato").fill(tomorrow.isoformat())
    page.get_by_label("Klokkeslett").fill("10:15")
    page.get_by_label("Varighet (minutter)").fill("45")
    page.get_by_label("På arbeidsplassen").check()
    page.get_by_label("Sted", exact=True).fill("Lagerhuset")
    page.get_by_role("button", name="Planlegg").click()
    expect(page.get_by_role("status").first).to_contain_text("Avtalen er planlagt.")
    expect(page.locator("#appointments-heading + ul")).to_contain_text(f"{tomorrow:%d.%m.%Y} 10:15")
    appointment = Appointment.objects.get(participant=person)

    # Its time passes (the browser can only act now): the meeting was an hour ago.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    page.goto("/oversikt/min-dag/")
    waiting = page.locator(f"#appointment-{appointment.pk}")
    expect(waiting).to_contain_text("Stine Stille")
    waiting.get_by_role("button", name="Registrer som holdt").click()
    expect(page.locator(f"#appointment-{appointment.pk}")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Møtet er registrert som holdt.")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE
    assert appointment.contact.place == Contact.Place.WORKPLACE
    assert appointment.contact.duration_minutes == 45
    screenshot(page, "my-day-phone-after")

    # The phone's calendar: switch the feed on, read it.
    page.get_by_role("link", name="Avtalene i telefonens kalender").click()
    page.get_by_role("button", name="Slå på kalenderen").click()
    feed_url = page.get_by_label("Kalenderadresse").input_value()
    assert feed_url.endswith(".ics")
    fetched = page.context.request.get(feed_url)
    assert fetched.status == 200
    text = fetched.body().decode()
    (event,) = Calendar.from_ical(fetched.body()).walk("VEVENT")
    assert str(event["summary"]) == "Møte med deltaker: S.S."
    assert "Lagerhuset" in str(event["location"])
    assert "Stine" not in text and "Stille" not in text
