"""Every kind of file a leader may upload that is not a usable spreadsheet: a clear message,
the upload form again, and nothing stored — never a 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from participants.models import Participant
from spreadsheets.models import ImportRun
from tests.spreadsheets.helpers import preview

pytestmark = pytest.mark.django_db


def _upload(client, name, content):
    return client.post(reverse("spreadsheets:upload"), {"file": SimpleUploadedFile(name, content)})


def _refused(world, name, content, message):
    response = _upload(world.client_for("leader"), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not Participant.objects.filter(team=world.team).exists()


def _xlsx(rows, title="Deltakere") -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_file_that_is_not_xlsx_or_csv_is_refused(world):
    _refused(world, "notater.docx", b"PK\x03\x04whatever", "Last opp en .xlsx- eller .csv-fil.")


def test_an_encrypted_workbook_is_refused(world):
    # Password-protected .xlsx files are OLE compound documents, not zip archives.
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    _refused(world, "hemmelig.xlsx", content, "kryptert")


def test_a_macro_enabled_workbook_is_refused_by_name_and_by_content(world):
    _refused(world, "makro.xlsm", _xlsx([["Navn"]]), "makroer")
    buffer = io.BytesIO(_xlsx([["Navn"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
    _refused(world, "skjult-makro.xlsx", buffer.getvalue(), "makroer")


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.SPREADSHEET_IMPORT_MAX_BYTES = 2048
    _refused(world, "stor.csv", b"Navn;Telefon\n" + b"Ola;1\n" * 1000, "Filen er for stor")


def test_an_empty_sheet_is_refused(world):
    _refused(world, "tom.xlsx", _xlsx([]), "Filen har ingen rader")
    _refused(world, "tom.csv", b"\n\n", "Filen har ingen rader")


def test_a_broken_workbook_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<not really>")
    _refused(world, "skadet.xlsx", buffer.getvalue(), "kunne ikke leses")


def test_a_header_that_maps_nothing_is_refused_at_the_mapping_step(world):
    client = world.client_for("leader")
    response = _upload(client, "ukjent.csv", "Farge;Smak\nblå;søt\n".encode())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("spreadsheets:run_sheets", args=[run.pk]), {"kind-0": "participants"}
    )
    response = client.post(
        reverse("spreadsheets:run_mapping", args=[run.pk]), {"map-0-0": "", "map-0-1": ""}
    )
    assert response.status_code == 400
    assert "Ingen kolonner er koblet til felt" in response.content.decode()
    assert not run.rows.exists()
    assert not Participant.objects.filter(team=world.team).exists()


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), (",", "latin-1")],
)
def test_csv_with_semicolons_or_commas_in_utf8_or_latin1_keeps_aeoeaa(world, delimiter, encoding):
    from tests.factories import today, valid_national_id

    entry = today().replace(day=1).strftime("%d.%m.%Y")
    lines = [
        ["Navn", "Fødselsnummer", "Jobbspesialist", "Oppstart"],
        ["Åse Ødegård Sæther", valid_national_id(7), world.specialist.username, entry],
    ]
    content = "\r\n".join(delimiter.join(line) for line in lines).encode(encoding)
    run = preview(team=world.team, by=world.leader, name="deltakere.csv", content=content)
    row = run.rows.get()
    assert row.outcome == "new", row.messages
    assert row.values["name"] == "Åse Ødegård Sæther"


def test_nothing_is_stored_when_a_row_has_an_error(world):
    client = world.client_for("leader")
    content = "Navn;Fødselsnummer;Jobbspesialist;Oppstart\nOla;12345678901;spesialist;01.01.2024\n".encode()
    _upload(client, "feil.csv", content)
    run = ImportRun.objects.get()
    client.post(reverse("spreadsheets:run_sheets", args=[run.pk]), {"kind-0": "participants"})
    client.post(
        reverse("spreadsheets:run_mapping", args=[run.pk]),
        {
            "map-0-0": "name",
            "map-0-1": "national_id",
            "map-0-2": "job_specialist",
            "map-0-3": "entry_date",
        },
    )
    page = client.get(reverse("spreadsheets:run_preview", args=[run.pk])).content.decode()
    assert "Fødselsnummeret eller D-nummeret er ikke gyldig" in page
    response = client.post(reverse("spreadsheets:run_confirm", args=[run.pk]))
    assert response.status_code == 302
    assert not Participant.objects.filter(team=world.team).exists()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW
