"""End to end: a week of job development, from the field to the team meeting."""

import pytest
from django.urls import reverse

from employers.models import Employer, EmployerContact, JobOpening
from tests.conftest import browser_login, screenshot
from tests.employers.factories import valid_orgnr
from tests.factories import today

PHONE = {"width": 360, "height": 800}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_specialist_logs_job_development_and_leader_sees_the_week(world, page):
    participant = world.participant
    page.set_viewport_size(PHONE)
    browser_login(page, "spesialist")

    # Register the employer (on the phone).
    page.goto(reverse("employers:create"))
    page.get_by_label("Navn").fill("Kaffebrenneriet Torshov")
    page.get_by_label("Organisasjonsnummer").fill(valid_orgnr(77))
    page.get_by_label("Bransje").fill("Servering")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_role("heading", name="Kaffebrenneriet Torshov").wait_for()
    employer = Employer.objects.get(name="Kaffebrenneriet Torshov")
    assert employer.team == world.team

    # First visit: face to face, getting to know the employer's needs.
    page.get_by_role("link", name="Logg kontakt").click()
    page.get_by_label("Formål").select_option(label="Første besøk / bli kjent med behov")
    page.get_by_label("Resultat").select_option(label="Lærte om behov")
    page.get_by_label("Notat").fill("Trenger folk i helgene.")
    page.get_by_role("button", name="Lagre kontakten").click()
    page.get_by_text("Kontakten er logget.").wait_for()
    screenshot(page, "employers-detail-after-first-contact")

    # Second visit, on Ola's behalf: the employer has an opening.
    page.get_by_role("link", name="Logg kontakt").click()
    assert page.get_by_label("Ansikt til ansikt").is_checked()
    page.get_by_label("Formål").select_option(label="På vegne av en jobbsøker")
    page.get_by_label(participant.name).check()
    page.get_by_label("Resultat").select_option(label="Ledig stilling")
    page.get_by_label("Neste steg", exact=True).fill("Intervju med daglig leder")
    page.get_by_label("Dato for neste steg").fill(today().isoformat())
    screenshot(page, "employers-contact-form-phone")
    page.get_by_role("button", name="Lagre kontakten").click()

    # Straight on to the opening, linked to the contact that found it.
    page.get_by_role("heading", name="Ny ledig stilling").wait_for()
    page.get_by_label("Stilling").fill("Barista, helg")
    page.get_by_label("Timer per uke").fill("15")
    page.get_by_label(participant.name).check()
    page.get_by_role("button", name="Lagre stillingen").click()
    page.get_by_text("Den ledige stillingen er registrert.").wait_for()

    contacts = EmployerContact.objects.filter(employer=employer)
    assert contacts.count() == 2
    assert all(c.face_to_face and c.job_specialist == world.specialist for c in contacts)
    opening = JobOpening.objects.get(employer=employer)
    assert list(opening.matched_participants.all()) == [participant]
    assert opening.source_contact == contacts.get(participants=participant)
    participant.refresh_from_db()
    assert participant.first_employer_contact_date == today()

    # The team meeting: the leader opens the weekly view.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "leder")
    page.goto(reverse("employers:weekly"))
    row = page.locator('tr[data-specialist="spesialist"]')
    assert row.locator('td[data-week="0"] .count').inner_text() == "2"
    assert (
        page.locator('tr[data-specialist="kollega"] td[data-week="0"] .count').inner_text() == "0"
    )
    assert page.get_by_text("Barista, helg").is_visible()
    assert page.get_by_text("Intervju med daglig leder").is_visible()
    screenshot(page, "employers-weekly-leader")

    # The contact is on the participant's timeline.
    page.goto(reverse("participants:detail", kwargs={"pk": participant.pk}))
    assert page.get_by_text("Kaffebrenneriet Torshov").first.is_visible()
