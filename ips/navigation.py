"""The navigation bar and each role's start page, in one place.

Each entry names a URL and the roles that may use it. A name that does not resolve is an error
(NoReverseMatch on every signed-in page), never a menu item quietly left out.
"""

from dataclasses import dataclass

from django.urls import reverse
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
    NavItem(_("Import/eksport"), "spreadsheets:index", (Role.LEADER,)),
)

# Where "home" sends each role; people with several roles go to the first that is theirs.
START_PAGES = (
    (Role.JOB_SPECIALIST, "dashboards:my_day"),
    (Role.LEADER, "dashboards:team"),
    (Role.AUDITOR, "fidelity:review_list"),
    (Role.PARTNER, "dashboards:partner"),
)


def nav_for(user) -> list[dict]:
    roles = set(scope_for(user).roles)
    return [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        for item in NAV_ITEMS
        if roles.intersection(item.roles)
    ]


def start_url_for(user) -> str | None:
    """The user's start page, or None for someone with no role (the plain home page)."""
    roles = set(scope_for(user).roles)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name)
    return None
