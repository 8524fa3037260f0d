"""Validators for Norwegian identifiers, shared by every app that stores them."""

from __future__ import annotations

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
