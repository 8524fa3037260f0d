"""Every PDF the service makes: a Django template rendered to HTML, then laid out by WeasyPrint.

PDFs are made in a request (the action plan) and in Celery tasks without one (fidelity exports),
so nothing here depends on the request. Resources are never fetched over the network: a
`{% static %}` reference is read from the static files on disk, `data:` URIs (the charts) are
used as they are, and anything else, or a static file that does not exist, stops the rendering
with PdfResourceError instead of leaving a PDF without its stylesheet. Fetching our own site over
HTTP from inside a request would hold a web worker for a second request and let a template reach
any host the server can.

The font is declared once, in static/css/pdf.css, which every PDF template links.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

# WeasyPrint logs every layout step at INFO; keep the application log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative links in the HTML resolve against this; no request is made to it.
PLACEHOLDER_ORIGIN = "https://ips.invalid"


class PdfResourceError(RuntimeError):
    """A PDF template refers to a resource that is not a static file of the service."""


def _base_url() -> str:
    return (settings.SITE_URL or PLACEHOLDER_ORIGIN) + "/"


def _static_file(name: str) -> Path:
    """The file behind a static name: the source (development, tests) or the collected copy
    (production, where `{% static %}` writes hashed names only collectstatic knows)."""
    found = finders.find(name)
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    raise FileNotFoundError(f"no static file {name!r}")


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = urljoin(_base_url(), settings.STATIC_URL)

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(static_prefix):
                raise ValueError(f"{url} is not a static file (PDFs fetch nothing else)")
            name = unquote(urlsplit(url).path.removeprefix(urlsplit(static_prefix).path))
            path = _static_file(name)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        return HTML(string=html, base_url=_base_url(), url_fetcher=_url_fetcher()).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: make it an ordinary error
        raise PdfResourceError(f"{exc}: {exc.__cause__}") from exc.__cause__


def render_pdf(*, template: str, context: dict, request=None) -> bytes:
    """The template rendered (with the request's context processors when there is a request)
    and laid out as a PDF."""
    return html_to_pdf(render_to_string(template, context, request=request))
