"""HTTP helpers: facts about the request that several foundation modules need (the throttle,
the log), and the one way an htmx response announces its result (`announce`)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    Proxy trust is configured, not assumed (`TRUSTED_PROXY_HOPS`):
    - 0 (the default): the socket address, REMOTE_ADDR. X-Forwarded-For is whatever the client
      sent and is ignored.
    - N > 0: N reverse proxies of our own stand in front, each appending the address it was
      reached from, so the client is the N-th address from the right. Addresses further left
      were written by the client and are never used (they would let an attacker dodge the login
      throttle and choose the address stored in the access log). A request that carries fewer
      than N hops did not come through the proxies: its socket address is used.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    candidate = request.META.get("REMOTE_ADDR")
    if hops:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None


ANNOUNCE_EVENT = "announce"


def announce(response: HttpResponse, message: str) -> HttpResponse:
    """Have the page say `message` in its live region (`#live-status`, role=status, in
    base.html) once htmx has swapped this response in: an `HX-Trigger-After-Settle` event
    "announce" with {"message": ...}, which static/js/app.js writes into the region. For every
    htmx save, so a screen reader hears the result (WCAG 4.1.3); a full-page save uses Django's
    messages instead."""
    return trigger_client_event(response, ANNOUNCE_EVENT, {"message": str(message)}, after="settle")
