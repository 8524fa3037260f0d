import re

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_specialist_works_through_a_participant_record(world, page):
    participant, employer = world.participant, world.employer
    browser_login(page, "spesialist")

    # Caseload → log a contact: open the dialog, say where, type a note, save (3 interactions;
    # the place has no default, so nothing is counted as community time unasked: the dialog
    # opens on that question).
    page.goto("/deltakere/")
    page.get_by_role("button", name="Logg kontakt med Ola Deltaker").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Ute i samfunnet")).to_be_focused()
    page.keyboard.press("Space")  # interaction 1: the first place, out in the community
    dialog.get_by_label("Notat").fill("Kaffe og jobbprat på Grünerløkka")  # interaction 2
    dialog.get_by_role("button", name="Lagre").click()  # interaction 3
    expect(dialog).to_be_hidden()
    row = page.locator(f"#row-{participant.pk}")
    expect(row).to_contain_text("i dag")
    screenshot(page, "participants-caseload-after-contact")

    # Part of the vocational profile.
    page.get_by_role("link", name="Ola Deltaker").click()
    page.get_by_role("link", name="Yrkesprofil").click()
    page.get_by_label("Drømmejobb").fill("Kokk på en restaurant")
    page.get_by_role("button", name="Lagre arbeidsmål").click()
    expect(page.get_by_text("Arbeidsmål er lagret.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ % utfylt"))).to_be_visible()

    # A goal in the action plan.
    page.goto(f"/deltakere/{participant.pk}/handlingsplan/")
    page.get_by_role("textbox", name=re.compile(r"^Delmål")).fill("Skrive CV sammen med Siri")
    page.get_by_role("button", name="Legg til delmål").click()
    expect(page.get_by_role("rowheader", name="Skrive CV sammen med Siri")).to_be_visible()

    # A job start.
    page.goto(f"/deltakere/{participant.pk}/")
    page.get_by_role("link", name="Registrer jobbstart").click()
    page.get_by_role("combobox", name="Arbeidsgiver").select_option(label=employer.name)
    page.get_by_role("textbox", name="Stilling").fill("Butikkmedarbeider")
    page.get_by_role("textbox", name="Timer per uke").fill("20")
    page.get_by_role("textbox", name="Timelønn (kr)").fill("215,50")
    page.get_by_role("button", name="Registrer jobbstart").click()
    expect(page.get_by_text("Jobbstarten er registrert.")).to_be_visible()

    # The timeline shows all of it, newest first.
    kinds = page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert [k for k in kinds if k != "alert"] == [
        "status",
        "job_start",
        "goal",
        "profile",
        "contact",
    ]
    # Alerts follow the record: the first contact showed what was still missing after 60 days
    # (profile, plan, employer contact); the writes that followed resolved each one at once.
    alerts = page.locator('#timeline li[data-kind="alert"]')
    assert alerts.count() == kinds.count("alert")
    for i in range(alerts.count()):
        expect(alerts.nth(i)).to_contain_text("Løst")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Status: I arbeid")
    expect(timeline).to_contain_text("Butikkmedarbeider, Rema 1000 Grünerløkka")
    expect(timeline).to_contain_text("Skrive CV sammen med Siri")
    expect(timeline).to_contain_text("Kaffe og jobbprat på Grünerløkka")
    screenshot(page, "participants-timeline")
