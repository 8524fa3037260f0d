from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ips.audit.models import AccessEvent
from ips.forms import DateInput


class AccessLogSearchForm(forms.Form):
    participant = forms.CharField(
        label=_("Deltaker (navn eller nummer)"), required=False, max_length=200
    )
    person = forms.CharField(
        label=_("Bruker (navn eller brukernavn)"), required=False, max_length=150
    )
    date_from = forms.DateField(label=_("Fra dato"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Til dato"), required=False, widget=DateInput)
    action = forms.ChoiceField(
        label=_("Handling"),
        required=False,
        choices=[("", _("Alle"))] + list(AccessEvent.Action.choices),
    )

    def clean_participant(self):
        return self.cleaned_data["participant"].replace("\x00", "").strip()

    def clean_person(self):
        return self.cleaned_data["person"].replace("\x00", "").strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": _("Til-datoen kan ikke være før fra-datoen.")})
        return cleaned


class SubjectExportForm(forms.Form):
    """Re-authentication before exporting everything about a person."""

    FORMATS = (("pdf", _("PDF (til personen)")), ("json", _("JSON (maskinlesbar)")))

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf")
    password = forms.CharField(
        label=_("Ditt passord"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Bekreft med passordet ditt før alle opplysninger om personen eksporteres."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Feil passord."), code="wrong_password")
        return password
