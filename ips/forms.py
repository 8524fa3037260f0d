"""Form pieces shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """A native date picker (phones show their own). The browser submits ISO dates; the page
    displays dd.mm.yyyy through the Norwegian formats (ips/formats)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError onto a bound form: each message on its field where the form has
    that field, every other message (model-wide, or on a field the form does not show) as a
    non-field error, so nothing the service refused goes unsaid."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
