"""CSV as Norwegian Excel opens it: UTF-8 with BOM (so æøå survive) and semicolons."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return response
