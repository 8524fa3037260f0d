"""The navigation bar and each role's start page, in one place.

Each entry names a URL and the roles that may use it. A feature appears in the menu once its URL
exists; tests/test_navigation.py checks that every entry resolves once all apps are in place.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ips.access import scope_for
from ips.accounts.models import Membership

Role = Membership.Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a lazy translation
    url_name: str
    roles: tuple[str, ...]


NAV_ITEMS = (
    NavItem(_("Min dag"), "dashboards:my_day", (Role.JOB_SPECIALIST,)),
    NavItem(_("Portefølje"), "participants:caseload", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Inntak"), "referrals:queue", (Role.LEADER,)),
    NavItem(_("Henvisninger"), "referrals:list", (Role.JOB_SPECIALIST, Role.LEADER, Role.PARTNER)),
    NavItem(_("Ny henvisning"), "referrals:create", (Role.PARTNER, Role.LEADER)),
    NavItem(_("Arbeidsgivere"), "employers:list", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Jobbutvikling"), "employers:weekly", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Varsler"), "deadlines:alert_list", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Team"), "dashboards:team", (Role.LEADER,)),
    NavItem(_("Samarbeid"), "dashboards:partner", (Role.PARTNER,)),
    NavItem(_("Kvalitetsmåling"), "fidelity:review_list", (Role.LEADER, Role.AUDITOR)),
    NavItem(_("Tilgangslogg"), "audit:log", (Role.LEADER,)),
)

# Where "home" sends each role, in order of preference for people with several roles.
START_PAGES = (
    (Role.JOB_SPECIALIST, ("dashboards:my_day", "participants:caseload")),
    (Role.LEADER, ("dashboards:team", "referrals:queue")),
    (Role.AUDITOR, ("fidelity:review_list",)),
    (Role.PARTNER, ("dashboards:partner", "referrals:list")),
)


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_for(user) -> list[dict]:
    roles = set(scope_for(user).roles)
    items = []
    for item in NAV_ITEMS:
        if roles.intersection(item.roles):
            url = _reverse_or_none(item.url_name)
            if url:
                items.append({"label": item.label, "url": url, "name": item.url_name})
    return items


def start_url_for(user) -> str | None:
    roles = set(scope_for(user).roles)
    for role, url_names in START_PAGES:
        if role in roles:
            for url_name in url_names:
                url = _reverse_or_none(url_name)
                if url:
                    return url
    return None
