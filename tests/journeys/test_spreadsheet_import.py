"""The leader moves the team in from its spreadsheet (issue 19), in a real browser: download
the template, upload a filled-in workbook of 40 participants with contacts, jobs and employers
(made here), correct the two rows the preview flags, confirm, find the people on the caseload
with their timeline, and upload the same file again: «0 nye, 0 endret»."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from participants.models import Contact, Job, Participant
from tests.conftest import browser_login, open_folded_menu, screenshot
from tests.factories import today
from tests.spreadsheets.sample import sample_rows, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open_import(page) -> None:
    """Menu → Team → Import/eksport. At 360 px the menu is folded behind the toggler; each step
    waits for the last one's animation, so a busy machine does not click into a moving menu."""
    menu = page.get_by_role("navigation", name="Hovedmeny")
    link = menu.get_by_role("link", name="Import/eksport", exact=True)
    open_folded_menu(page)
    # Import/eksport sits in the leader's «Team» drop-down (ips/navigation.py).
    team = menu.get_by_role("button", name="Team", exact=True)
    if team.get_attribute("aria-expanded") != "true":
        team.click()
    expect(link).to_be_visible()
    link.click()


def _upload(page, content: bytes) -> None:
    _open_import(page)
    page.get_by_label("Regneark (.xlsx eller .csv)").set_input_files(
        {"name": "ips-portefolje.xlsx", "mimeType": XLSX, "buffer": content}
    )
    page.get_by_role("button", name="Last opp og se gjennom").click()
    # Step 2: the sheets are recognised by their names; step 3: the columns by their headers.
    expect(page.get_by_label("Ark «Deltakere»")).to_have_value("participants")
    page.get_by_role("button", name="Neste: kolonner").click()
    expect(page.get_by_label("Fødselsnummer").first).to_have_value("national_id")
    page.get_by_role("button", name="Neste: forhåndsvisning").click()
    page.wait_for_load_state("networkidle")


def _fix(page, row_id: str, label: str, value: str) -> None:
    row = page.locator(f"#{row_id}")
    row.get_by_text("Rett raden").click()
    row.get_by_label(label).fill(value)
    row.get_by_role("button", name="Lagre rettelsen").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_leader_imports_the_teams_spreadsheet_and_again_changes_nothing(world, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    data = sample_rows(
        specialists=[world.specialist.username, world.teammate.get_full_name()],
        participants=40,
        contacts_per_participant=3,
        today=today(),
    )
    wrong = data["people"][4]
    good_specialist = wrong[3]
    wrong[3] = "Ukjent Person"  # not a specialist of the team
    bad_contact = next(i for i, c in enumerate(data["contacts"]) if c[0] != wrong[1])
    good_date = data["contacts"][bad_contact][1]
    data["contacts"][bad_contact][1] = "31.02.2025"  # no such day
    content = workbook_bytes(data)

    browser_login(page, world.leader.username)
    _open_import(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned malen (.xlsx)").click()
    template = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert [c.value for c in next(template["Deltakere"].iter_rows(max_row=1))][:2] == [
        "Navn",
        "Fødselsnummer",
    ]
    assert "Tillatte verdier" in template.sheetnames

    _upload(page, content)
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("feil")
    assert not Participant.objects.filter(team=world.team).exists()  # nothing before confirming
    page.get_by_role("link", name="Feil", exact=True).click()
    person_row = page.locator("tr", has_text="Ukjent jobbspesialist")
    expect(person_row).to_have_count(1)
    screenshot(page, f"import-preview-errors-{width}")
    _fix(page, person_row.get_attribute("id"), "Jobbspesialist", good_specialist)
    page.get_by_role("link", name="Feil", exact=True).click()
    date_row = page.locator("tr", has_text="dd.mm.åååå")
    expect(date_row).to_have_count(1)
    _fix(page, date_row.get_attribute("id"), "Dato", good_date)
    expect(summary).to_contain_text("0 feil")
    page.get_by_role("button", name="Bekreft og importer").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Importert")).to_be_visible()
    expect(summary).to_contain_text(f"{40 + 120 + len(data['jobs']) + len(data['employers'])} nye")
    assert Participant.objects.filter(team=world.team).count() == 40
    assert Contact.objects.filter(participant__team=world.team).count() == 120
    assert Job.objects.filter(participant__team=world.team).count() == len(data["jobs"])

    # The people are on the caseload, with their timeline.
    page.get_by_role("link", name="Gå til porteføljen").click()
    name = data["people"][4][0]
    fold = page.locator("details.filter-fold")
    if fold.count() and not fold.first.evaluate("d => d.open"):  # 360 px: filters fold away
        fold.first.locator("summary").click()
    page.get_by_label("Søk på navn").fill(name)
    page.get_by_label("Søk på navn").press("Enter")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Samtale 1")

    # The same file again: nothing new, nothing changed (the corrected values included: the
    # rows now agree with what was imported, except the two rows fixed in the preview).
    data["people"][4][3] = good_specialist
    data["contacts"][bad_contact][1] = good_date
    _upload(page, workbook_bytes(data))
    expect(summary).to_contain_text("0 nye, 0 endret")
    screenshot(page, f"import-again-{width}")
