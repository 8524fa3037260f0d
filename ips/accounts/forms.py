import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ips.accounts import throttle
from ips.http import client_ip


class LoginForm(AuthenticationForm):
    # Django's own Norwegian catalogue leaves this message untranslated.
    error_messages = {
        "invalid_login": _(
            "Skriv inn riktig brukernavn og passord. Merk at det skilles mellom store og små "
            "bokstaver."
        ),
        "inactive": _("Denne kontoen er deaktivert."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else None
        self._refuse_if_locked(username, ip)
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                throttle.login_failure_record(username=username, ip=ip)
                self._refuse_if_locked(username, ip)  # this failure was the last one allowed
            raise
        throttle.login_success_reset(username=username, ip=ip)
        return cleaned

    @staticmethod
    def _refuse_if_locked(username, ip) -> None:
        remaining = throttle.login_lock_remaining(username=username, ip=ip)
        if remaining:
            minutes = math.ceil(remaining / 60)
            raise ValidationError(
                ngettext(
                    "For mange mislykkede innloggingsforsøk. Av sikkerhetshensyn er innlogging "
                    "sperret i %(minutes)d minutt til. Prøv igjen senere, eller be "
                    "administrator om å låse opp kontoen.",
                    "For mange mislykkede innloggingsforsøk. Av sikkerhetshensyn er innlogging "
                    "sperret i %(minutes)d minutter til. Prøv igjen senere, eller be "
                    "administrator om å låse opp kontoen.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode"),
        max_length=32,
        help_text=_("Sekssifret kode fra autentiseringsappen, eller en av gjenopprettingskodene."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class OTPEnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Kode fra appen"),
        max_length=10,
        help_text=_("Skriv inn den sekssifrede koden appen viser nå."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
