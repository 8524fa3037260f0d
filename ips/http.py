"""Facts about the HTTP request that several foundation modules need (the throttle, the log)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
