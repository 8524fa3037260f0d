"""Facts about the HTTP request that several foundation modules need (the throttle, the log)."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind the load balancer that is the LAST
    X-Forwarded-For hop (the one our proxy appended); earlier hops are whatever the client sent
    and must not be trusted (they would let an attacker dodge the login throttle)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None
