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
    # Entries with the same group share one drop-down menu in the bar (named by the group) when
    # the user has two or more of them; a lone entry of a group is a plain link.
    group: str | Promise | None = None


# The leader has the longest menu; it must fit one line at 1280 px
# (tests/journeys/test_phone_first.py). A new page for the leader goes into a group.
REFERRALS = _("Henvisninger")
EMPLOYERS = _("Arbeidsgivere")
TEAM = _("Team")
QUALITY = _("Kvalitet")

NAV_ITEMS = (
    NavItem(_("Min dag"), "dashboards:my_day", (Role.JOB_SPECIALIST,)),
    NavItem(_("Portefølje"), "participants:caseload", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Inntak"), "referrals:queue", (Role.LEADER,)),
    NavItem(
        _("Henvisninger"),
        "referrals:list",
        (Role.JOB_SPECIALIST, Role.LEADER, Role.PARTNER),
        group=REFERRALS,
    ),
    NavItem(_("Ny henvisning"), "referrals:create", (Role.PARTNER, Role.LEADER), group=REFERRALS),
    NavItem(
        _("Arbeidsgiverregisteret"),
        "employers:list",
        (Role.JOB_SPECIALIST, Role.LEADER),
        group=EMPLOYERS,
    ),
    NavItem(
        _("Jobbutvikling"),
        "employers:weekly",
        (Role.JOB_SPECIALIST, Role.LEADER),
        group=EMPLOYERS,
    ),
    NavItem(_("Varsler"), "deadlines:alert_list", (Role.JOB_SPECIALIST, Role.LEADER)),
    # Partners and auditors have no participant search (ips.access.can_search_participants).
    NavItem(_("Søk"), "reports:search", (Role.JOB_SPECIALIST, Role.LEADER)),
    NavItem(_("Teamoversikt"), "dashboards:team", (Role.LEADER,), group=TEAM),
    NavItem(_("Samarbeid"), "dashboards:partner", (Role.PARTNER,)),
    NavItem(
        _("Kvalitetsmåling"), "fidelity:review_list", (Role.LEADER, Role.AUDITOR), group=QUALITY
    ),
    NavItem(_("Feltveiledning"), "fidelity:mentoring_log", (Role.LEADER,), group=QUALITY),
    NavItem(_("Kvalitet på tvers"), "fidelity:across_teams", (Role.COORDINATOR,)),
    NavItem(_("Tilgangslogg"), "audit:log", (Role.LEADER,), group=TEAM),
    NavItem(_("Import/eksport"), "spreadsheets:index", (Role.LEADER,), group=TEAM),
)

# Where "home" sends each role; people with several roles go to the first that is theirs.
START_PAGES = (
    (Role.JOB_SPECIALIST, "dashboards:my_day"),
    (Role.LEADER, "dashboards:team"),
    (Role.AUDITOR, "fidelity:review_list"),
    (Role.PARTNER, "dashboards:partner"),
    (Role.COORDINATOR, "fidelity:across_teams"),
)


def nav_for(user) -> list[dict]:
    """The user's menu in order: links ({"label", "url", "name"}) and groups ({"label", "group":
    True, "children": [links]}) where the user has two or more entries of one group (the group
    stands where its first entry would)."""
    roles = set(scope_for(user).roles)
    items = [item for item in NAV_ITEMS if roles.intersection(item.roles)]
    sizes: dict[str, int] = {}
    for item in items:
        if item.group is not None:
            sizes[str(item.group)] = sizes.get(str(item.group), 0) + 1
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        link = {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        key = str(item.group) if item.group is not None else None
        if key is None or sizes[key] < 2:
            menu.append(link)
        elif key in groups:
            groups[key]["children"].append(link)
        else:
            groups[key] = {"label": item.group, "group": True, "children": [link]}
            menu.append(groups[key])
    return menu


def start_url_for(user) -> str | None:
    """The user's start page, or None for someone with no role (the plain home page)."""
    roles = set(scope_for(user).roles)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name)
    return None
