from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse


def otp_exempt(user) -> bool:
    """Demo users in `make run` may skip the second factor, and only while DEBUG is on."""
    return settings.DEBUG and user.username in settings.OTP_DEMO_EXEMPT_USERNAMES


class RequireSecondFactorMiddleware:
    """A password alone opens nothing: a signed-in session that has not passed the second
    factor reaches only the sign-in, two-factor and language URLs (and static files). Every
    other request is sent to the two-factor step, so no page with personal data is reachable.

    Must come after django_otp's OTPMiddleware (which sets `request.user.is_verified`)."""

    ALLOWED_URL_NAMES = ("login", "logout", "set_language", "health")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not otp_exempt(user)
            and not self._allowed(request)
        ):
            return redirect(
                reverse("accounts:otp_verify") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 page shows nothing
        if match.namespace == "accounts":
            return True
        return not match.namespace and match.url_name in self.ALLOWED_URL_NAMES
