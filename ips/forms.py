"""Form pieces shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker (phones show their own). The browser submits ISO dates; the page
    displays dd.mm.yyyy through the Norwegian formats (ips/formats)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StaleObjectError(Exception):
    """Raised by a service when a record changed since the user's form was loaded."""

    def __init__(self, changed_fields: list[str]):
        super().__init__(", ".join(changed_fields))
        self.changed_fields = changed_fields
