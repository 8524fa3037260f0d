"""Validators for Norwegian identifiers, shared by every app that stores them."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.no import fodselsnummer


def validate_national_id(value: str) -> None:
    """Fødselsnummer or D-number (11 digits, both mod-11 check digits), via python-stdnum."""
    if not fodselsnummer.is_valid(value):
        raise ValidationError(
            _(
                "Fødselsnummeret eller D-nummeret er ikke gyldig. Sjekk at alle 11 sifrene "
                "er riktige."
            ),
            code="invalid_national_id",
        )


# --- Phone numbers -----------------------------------------------------------------------------
# Parsed with phonenumbers (Google's libphonenumber metadata), Norway as the default region: a
# number typed without a country code is Norwegian; one with +46, 0046 ... is accepted too.

PHONE_REGION = "NO"


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(value: str) -> str:
    """The stored form of a phone number: E.164 ("+4791234567"), or "" for an empty value.
    Raises ValidationError for a number that is not a valid phone number."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _parse_phone(value)
    if number is None:
        raise ValidationError(
            _("Telefonnummeret er ikke gyldig. Skriv 8 siffer, for eksempel 912 34 567."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """As people read it: "912 34 567" style for Norwegian numbers, with the country code for
    others; a stored value that does not parse (typed before numbers were checked) as typed."""
    number = _parse_phone(value) if value else None
    if number is None:
        return value
    if number.country_code == 47:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_tel_uri(value: str) -> str:
    """The `tel:` link that lets a phone call the number with one tap ("" when it has none)."""
    number = _parse_phone(value) if value else None
    if number is None:
        digits = "".join(c for c in value if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_digits(value: str) -> str:
    """The digits a phone search compares with (the national number, "91234567"), or "" when
    the text is not a phone number."""
    number = _parse_phone(value)
    return str(number.national_number) if number is not None else ""
