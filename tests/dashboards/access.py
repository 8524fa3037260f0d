from tests.access_matrix import Expect, login_required, post_only


def _only(*roles_ok: str, ok: int = 200) -> Expect:
    others = {
        "specialist",
        "teammate",
        "other_specialist",
        "leader",
        "partner",
        "auditor",
        "coordinator",
    }
    return Expect(statuses=login_required(**{r: (ok if r in roles_ok else 403) for r in others}))


def _with_query(expect: Expect, query: str) -> Expect:
    expect.query = query
    return expect


EXPECTATIONS = {
    # Every job specialist has their own day; leaders, partners and auditors have none: 403.
    "dashboards:my_day": _only("specialist", "teammate", "other_specialist"),
    "dashboards:team": _only("leader"),
    "dashboards:team_export": _with_query(_only("leader"), "?table=outcomes"),
    "dashboards:quarterly": _only("leader"),
    "dashboards:quarterly_csv": _only("leader"),
    "dashboards:quarterly_pdf": _only("leader"),
    # How the figures are counted: for everyone signed in.
    "dashboards:definitions": _only(
        "specialist", "teammate", "other_specialist", "leader", "partner", "auditor", "coordinator"
    ),
    "dashboards:partner": _only("partner"),
    "dashboards:partner_export": _with_query(_only("partner"), "?table=referrals"),
}

EXPECTATIONS |= {
    # The work queue's actions: the team's specialists only (another team's: not found).
    "dashboards:my_day_action": Expect(
        statuses=login_required(
            specialist=200,
            teammate=200,
            other_specialist=404,
            leader=403,
            partner=403,
            auditor=403,
            coordinator=403,
        ),
        kwargs=lambda world: {"action": "kontakt", "pk": world.participant.pk},
    ),
    "dashboards:my_day_hold": post_only(kwargs=lambda world: {"pk": 1}),
}
