from django.conf import settings
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
