"""Referral records for these tests, built on tests/factories.py."""

import datetime as dt

from referrals.models import Referral, ReferralEvent
from tests.factories import ParticipantFactory, ReferralFactory, today


def assigned_referral(world, **kwargs) -> Referral:
    """A referral of team A from the NAV partner, assigned to world.specialist, not yet met."""

    def build():
        referral = ReferralFactory(
            team=world.team,
            source_organisation=world.nav,
            submitted_by=world.partner,
            person_name="Astrid Tildelt",
            referral_date=today() - dt.timedelta(days=5),
            date_received=today() - dt.timedelta(days=4),
            status=Referral.Status.ASSIGNED,
            assigned_specialist=world.specialist,
            medication_side_effects="Litt skjelving om morgenen",
            substance_use="Cannabis i helgene",
            **kwargs,
        )
        ReferralEvent.objects.create(referral=referral, to_status=Referral.Status.RECEIVED)
        ReferralEvent.objects.create(
            referral=referral,
            from_status=Referral.Status.RECEIVED,
            to_status=Referral.Status.ASSIGNED,
            by=world.leader,
        )
        return referral

    if kwargs:
        return build()
    return world.once("assigned_referral", build)


def give_caseload(specialist, team, n: int, **kwargs) -> None:
    """n active participants for a job specialist."""
    for _ in range(n):
        ParticipantFactory(team=team, job_specialist=specialist, **kwargs)
