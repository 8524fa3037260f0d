"""CSV as Norwegian Excel opens it: UTF-8 with BOM (so æøå survive), semicolons, numbers as
numbers with a decimal comma, and text that cannot run as a formula.

Every CSV export goes through `csv_response`, so every cell gets the same treatment.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

# A spreadsheet treats a cell starting with one of these as a formula (or strips the character
# and then does): `=HYPERLINK(...)`, `+cmd|...`, `-2+3`, `@SUM(...)`, and tab / carriage return
# variants (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that cannot run as a formula: prefixed with a single quote when it starts like one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str:
    """One cell: numbers as numbers with a decimal comma (no thousands separator, so Excel reads
    them as numbers), dates as dd.mm.yyyy, everything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else repr(round(value, 4))
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return neutralise(str(value))


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return response
