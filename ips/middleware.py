import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class LanguageMiddleware:
    """Norwegian unless the person chose English (language cookie, set by Django's set_language).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the service is
    Norwegian by default even on a laptop set up in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionIdleMiddleware:
    """The idle timeout without a session write on every request.

    A session ends SESSION_COOKIE_AGE after it was last saved. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a signed encode and an UPDATE in its own transaction per
    page; here a signed-in session is saved again only once its last save is
    SESSION_REFRESH_SECONDS old, so it ends between COOKIE_AGE − REFRESH and COOKIE_AGE after the
    last request (29 to 30 minutes by default): never later than the timeout, at most a minute
    earlier. Only signed-in sessions are refreshed (a visitor's stale cookie creates nothing).
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users may show personal data: never let a browser or proxy keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
        return response


class RejectNulBytesMiddleware:
    """A NUL byte is never valid input here, and PostgreSQL refuses it in text (a DataError, so
    a 500, wherever a filter passes it on unchecked). Refuse such requests up front with 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or self._has_nul(request.GET)
            or (request.method == "POST" and self._has_nul(request.POST))
        ):
            return HttpResponseBadRequest("NUL byte in request")
        return self.get_response(request)

    @staticmethod
    def _has_nul(query_dict) -> bool:
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists()
        )
