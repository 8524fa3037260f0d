import math
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ips.accounts import services
from ips.accounts.forms import LoginForm, OTPEnrolForm, OTPTokenForm


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


def admin_login(request):
    """One sign-in door: Django admin's own login (unthrottled, no second factor) is never
    served. /admin/login/ sends the browser to the app's sign-in with the same `next`; for a
    POST a 307, which keeps it a POST, so passwords sent to the admin address meet the same
    brute-force lock and second factor."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(
        reverse("login") + (f"?{query}" if query else ""),
        preserve_request=request.method not in ("GET", "HEAD"),
    )


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of signing in: a code from the app or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.has_second_factor(request.user):
        return redirect(_with_next("accounts:otp_enrol", request))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        locked_until = services.second_factor_locked_until(user=request.user, token=token)
        if locked_until is None and services.second_factor_verify(request=request, token=token):
            return redirect(_next_url(request))
        form.add_error("token", _throttled_message(locked_until) if locked_until else _WRONG_CODE)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """First sign-in: set up an authenticator app (QR code or secret), confirm it with a code,
    then see the recovery codes once."""
    if services.has_second_factor(request.user):
        return redirect(_with_next("accounts:otp_verify", request))
    device = services.totp_device_pending(user=request.user)
    form = OTPEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrol_confirm(
            request=request, device=device, token=form.cleaned_data["token"].replace(" ", "")
        )
        if codes is not None:
            # Rendered in the response (not stored for a later page): shown exactly once.
            return render(
                request,
                "accounts/otp_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "token", _("Koden stemmer ikke. Sjekk at klokka på telefonen er riktig og prøv igjen.")
        )
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_data_uri": services.totp_qr_data_uri(device),
            "secret": services.totp_secret_display(device),
            "next": _next_url(request),
        },
    )


_WRONG_CODE = gettext_lazy(
    "Koden stemmer ikke, er brukt før eller er for gammel. Vent på en ny kode i appen og prøv "
    "igjen."
)


def _throttled_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "For mange feil koder på rad. Av sikkerhetshensyn blir ingen kode sjekket før kl. "
        "%(time)s (om %(seconds)d sekund). Vent til da, og skriv inn koden appen viser.",
        "For mange feil koder på rad. Av sikkerhetshensyn blir ingen kode sjekket før kl. "
        "%(time)s (om %(seconds)d sekunder). Vent til da, og skriv inn koden appen viser.",
        seconds,
    ) % {"time": timezone.localtime(locked_until).strftime("%H:%M:%S"), "seconds": seconds}


def _with_next(url_name: str, request) -> str:
    return reverse(url_name) + "?" + urlencode({"next": _next_url(request)})
