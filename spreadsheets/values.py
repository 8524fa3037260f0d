"""Reading one cell: dates (dd.mm.yyyy, yyyy-mm-dd, Excel serial numbers, real date cells),
numbers with a decimal comma or point, yes/no, and choices by code or by their Norwegian or
English label. Each reader returns the value or raises CellError with a message for the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from employers.models import EmployerContact
from participants.models import Contact, EducationEpisode, InWorkAtReferral, Job
from participants.statuses import ParticipantStatus

CHOICES: dict[str, type[models.TextChoices]] = {
    "participant_status": ParticipantStatus,
    "in_work": InWorkAtReferral,
    "contact_with": Contact.With,
    "contact_mode": Contact.Mode,
    "contact_place": Contact.Place,
    "employer_purpose": EmployerContact.Purpose,
    "employer_outcome": EmployerContact.Outcome,
    "job_end_reason": Job.EndReason,
    "education_end_reason": EducationEpisode.EndReason,
}

EXCEL_EPOCH = dt.date(1899, 12, 30)
TRUE = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
FALSE = {"nei", "n", "no", "false", "usann", "0"}


class CellError(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def cell_text(value: object) -> str:
    """A cell as the text the run stores: dates as yyyy-mm-dd, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text: str) -> dt.date:
    text = text.strip()
    try:
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
            day, month, year = (int(p) for p in text.split("."))
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if re.fullmatch(r"\d{4,5}(\.0+)?", text):
            serial = int(float(text))
            if 1 <= serial <= 2958465:  # Excel's serial day numbers (1900 date system)
                return EXCEL_EPOCH + dt.timedelta(days=serial)
    except ValueError:
        pass
    raise CellError(_("Datoen må skrives dd.mm.åååå eller åååå-mm-dd (eller være en Excel-dato)."))


def parse_decimal(text: str) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    cleaned = cleaned.removeprefix("kr").removesuffix("kr")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("Skriv et tall, for eksempel 37,5.")) from None
    if not value.is_finite():
        raise CellError(_("Skriv et tall, for eksempel 37,5."))
    return value


def parse_int(text: str) -> int:
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise CellError(_("Skriv et helt tall."))
    return int(value)


def parse_bool(text: str) -> bool:
    norm = text.strip().lower()
    if norm in TRUE:
        return True
    if norm in FALSE:
        return False
    raise CellError(_("Skriv «ja» eller «nei»."))


_choice_index: dict[str, dict[str, str]] = {}


def choice_labels(name: str, language: str = "nb") -> list[str]:
    with translation.override(language):
        return [str(label) for label in CHOICES[name].labels]


def parse_choice(name: str, text: str) -> str:
    if name not in _choice_index:
        index: dict[str, str] = {}
        enum = CHOICES[name]
        for value in enum.values:
            index[value.lower()] = value
        for language in ("nb", "en"):
            with translation.override(language):
                for value, label in enum.choices:
                    index.setdefault(str(label).strip().lower(), value)
        _choice_index[name] = index
    found = _choice_index[name].get(text.strip().lower())
    if found is None:
        raise CellError(
            _("Ukjent verdi. Tillatte verdier: %(values)s.")
            % {"values": ", ".join(choice_labels(name, translation.get_language() or "nb"))}
        )
    return found


def choice_label(name: str, value: str) -> str:
    """The Norwegian label the export writes for a stored choice value."""
    if not value:
        return ""
    with translation.override("nb"):
        return str(dict(CHOICES[name].choices).get(value, value))


def bool_text(value: bool | None) -> str:
    if value is None:
        return ""
    return "ja" if value else "nei"
