"""Declared access expectations for every URL pattern, per persona.

Each app declares its URLs in tests/<app>/access.py as `EXPECTATIONS = {"ns:name": Expect(...)}`.
tests/test_access_matrix.py walks every URL pattern in the project and fails when one has no
declaration, then requests each URL (GET) as every persona and checks the status code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "specialist",
    "teammate",
    "other_specialist",
    "leader",
    "partner",
    "auditor",
    "coordinator",
)


@dataclass
class Expect:
    statuses: dict[str, int]
    kwargs: Callable = field(default=lambda world: {})
    query: str = ""
    # Public URLs may redirect anonymous users elsewhere than the login page.
    public: bool = False

    def __post_init__(self):
        missing = set(ROLES) - set(self.statuses)
        assert not missing, f"Expectation lacks roles: {sorted(missing)}"


def login_required(**statuses) -> dict[str, int]:
    return {"anonymous": 302, **statuses}


def team_staff(kwargs=lambda world: {}, query="", ok=200) -> Expect:
    """Only team A's specialists and leader; everyone else: 404 (the record doesn't exist for them)."""
    return Expect(
        statuses=login_required(
            specialist=ok,
            teammate=ok,
            leader=ok,
            other_specialist=404,
            partner=404,
            auditor=404,
            coordinator=404,
        ),
        kwargs=kwargs,
        query=query,
    )


def staff_pages(kwargs=lambda world: {}, query="", ok=200) -> Expect:
    """A page every staff member has for their own team (no object in the URL). Partners,
    auditors and coordinators have no such page: 403."""
    return Expect(
        statuses=login_required(
            specialist=ok,
            teammate=ok,
            leader=ok,
            other_specialist=ok,
            partner=403,
            auditor=403,
            coordinator=403,
        ),
        kwargs=kwargs,
        query=query,
    )


def post_only(kwargs=lambda world: {}) -> Expect:
    """A POST-only action: GET is 405 for signed-in users, a login redirect for anonymous."""
    return Expect(
        statuses=login_required(
            specialist=405,
            teammate=405,
            leader=405,
            other_specialist=405,
            partner=405,
            auditor=405,
            coordinator=405,
        ),
        kwargs=kwargs,
    )
