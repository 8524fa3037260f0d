from tests.access_matrix import Expect, login_required
from tests.referrals.factories import assigned_referral


def _referral(world):
    return {"pk": world.referral.pk}


def _assigned(world):
    return {"pk": assigned_referral(world).pk}


# Registering the first meeting and withdrawing: the team's leader or the assigned specialist.
# The referring partner can see the referral (its status) but not act on it: 403.
_act_on_assigned = Expect(
    statuses=login_required(
        specialist=200,
        teammate=403,
        leader=200,
        other_specialist=404,
        partner=403,
        auditor=404,
        coordinator=404,
    ),
    kwargs=_assigned,
)

EXPECTATIONS = {
    # Staff see their team's referrals, partners their organisation's; auditors have none.
    "referrals:list": Expect(
        statuses=login_required(
            specialist=200,
            teammate=200,
            leader=200,
            other_specialist=200,
            partner=200,
            auditor=403,
            coordinator=403,
        )
    ),
    "referrals:queue": Expect(
        statuses=login_required(
            specialist=403,
            teammate=403,
            leader=200,
            other_specialist=403,
            partner=403,
            auditor=403,
            coordinator=403,
        )
    ),
    "referrals:create": Expect(
        statuses=login_required(
            specialist=403,
            teammate=403,
            leader=200,
            other_specialist=403,
            partner=200,
            auditor=403,
            coordinator=403,
        )
    ),
    # The partner gets the status page; the receiving team the whole referral.
    "referrals:detail": Expect(
        statuses=login_required(
            specialist=200,
            teammate=200,
            leader=200,
            other_specialist=404,
            partner=200,
            auditor=404,
            coordinator=404,
        ),
        kwargs=_referral,
    ),
    "referrals:assign": Expect(
        statuses=login_required(
            specialist=403,
            teammate=403,
            leader=200,
            other_specialist=404,
            partner=403,
            auditor=404,
            coordinator=404,
        ),
        kwargs=_referral,
    ),
    # Merging a possible duplicate: the team's leader (with no duplicate to merge with, the
    # page sends them back to the referral).
    "referrals:merge": Expect(
        statuses=login_required(
            specialist=403,
            teammate=403,
            leader=302,
            other_specialist=404,
            partner=403,
            auditor=404,
            coordinator=404,
        ),
        kwargs=_referral,
    ),
    "referrals:first_meeting": _act_on_assigned,
    "referrals:withdraw": _act_on_assigned,
}
