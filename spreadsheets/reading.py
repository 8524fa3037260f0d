"""Opening an uploaded file: an .xlsx workbook (openpyxl, read-only) or a .csv file (the csv
module, sniffing «;» or «,» and trying UTF-8 — with or without BOM — before cp1252/Latin-1).

Everything a person can upload that is not a readable spreadsheet ends here as a FileRefused
with a message for them; nothing is stored from it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from spreadsheets.values import cell_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, or an old .xls
ZIP_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows_iter: object  # a callable giving (row number, [cell texts]) for the data rows
    row_count: int | None = None  # data rows where known without reading them all (CSV)


def check_size(size: int) -> None:
    """Refused before it is read: a file over SPREADSHEET_IMPORT_MAX_BYTES."""
    if size > settings.SPREADSHEET_IMPORT_MAX_BYTES:
        raise FileRefused(
            _("Filen er for stor (%(size)s MB). Største tillatte størrelse er %(max)s MB.")
            % {
                "size": round(size / 1024 / 1024, 1),
                "max": round(settings.SPREADSHEET_IMPORT_MAX_BYTES / 1024 / 1024, 1),
            }
        )


def file_kind(name: str, content: bytes) -> str:
    """ "xlsx" or "csv", or FileRefused saying why the file cannot be read."""
    lower = name.lower()
    check_size(len(content))
    if not content:
        raise FileRefused(_("Filen er tom."))
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        raise FileRefused(
            _("Arbeidsbøker med makroer tas ikke imot. Lagre som vanlig .xlsx og prøv igjen.")
        )
    if content.startswith(OLE_MAGIC):
        raise FileRefused(
            _(
                "Filen er kryptert (passordbeskyttet) eller i det gamle .xls-formatet. Fjern "
                "passordet og lagre som .xlsx, og prøv igjen."
            )
        )
    if lower.endswith(".xlsx"):
        if not content.startswith(ZIP_MAGIC):
            raise FileRefused(_("Filen er ikke en gyldig .xlsx-arbeidsbok."))
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise FileRefused(_("Filen er ikke en gyldig .xlsx-arbeidsbok.")) from None
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise FileRefused(
                _("Arbeidsbøker med makroer tas ikke imot. Lagre som vanlig .xlsx og prøv igjen.")
            )
        if "xl/workbook.xml" not in names:
            raise FileRefused(_("Filen er ikke en gyldig .xlsx-arbeidsbok."))
        return "xlsx"
    if lower.endswith((".csv", ".txt")):
        if content.startswith(ZIP_MAGIC) or b"\x00" in content[:4096]:
            raise FileRefused(_("Filen er ikke en tekstfil med kommaseparerte verdier (CSV)."))
        return "csv"
    raise FileRefused(_("Last opp en .xlsx- eller .csv-fil."))


def decode_csv(content: bytes) -> str:
    """UTF-8 (BOM or not) when it decodes; otherwise Windows-1252, the superset of Latin-1 that
    Norwegian Excel saves, so æøå survive either way."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def read_sheets(name: str, content: bytes) -> list[Sheet]:
    """The sheets of the file with their header row (the first non-empty row). A sheet's data
    rows are read when asked for (`iter_rows`), so a large workbook is not held in memory."""
    kind = file_kind(name, content)
    if kind == "csv":
        rows = _csv_rows(decode_csv(content))
        return [_sheet_from_rows(name.rsplit(".", 1)[0][:100] or "CSV", rows)]
    return _xlsx_sheets(content)


def _sheet_from_rows(name: str, rows: list[list[str]]) -> Sheet:
    header: list[str] = []
    start = 0
    for index, row in enumerate(rows):
        if any(row):
            header, start = _trimmed(list(row)), index
            break

    def data() -> Iterator[tuple[int, list[str]]]:
        for index in range(start + 1, len(rows)):
            if any(rows[index]):
                yield index + 1, rows[index]

    count = sum(1 for row in rows[start + 1 :] if any(row))
    return Sheet(name=name, header=header, rows_iter=data, row_count=count)


def _open_workbook(content: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise FileRefused(_("Arbeidsboken kunne ikke leses. Er filen skadet?")) from None


def _xlsx_sheets(content: bytes) -> list[Sheet]:
    workbook = _open_workbook(content)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            header: list[str] = []
            header_row = 0
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    header, header_row = _trimmed(cells), number
                    break
                if number > 50:
                    break
            sheets.append(
                Sheet(
                    name=worksheet.title,
                    header=header,
                    rows_iter=_xlsx_rows(content, worksheet.title, header_row),
                )
            )
    finally:
        workbook.close()
    return sheets


def _xlsx_rows(content: bytes, title: str, header_row: int):
    def data() -> Iterator[tuple[int, list[str]]]:
        if not header_row:
            return
        workbook = _open_workbook(content)
        try:
            worksheet = workbook[title]
            for number, values in enumerate(
                worksheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
            ):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    yield number, cells
        finally:
            workbook.close()

    return data
