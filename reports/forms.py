from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Navn, fødselsnummer eller telefon"),
        max_length=100,
        help_text=_(
            "Hele fødselsnummeret (11 siffer), et telefonnummer, eller navn eller del av navn."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"required": _("Skriv hva du leter etter.")},
    )
