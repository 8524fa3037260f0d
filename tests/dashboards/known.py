"""A small, hand-built team whose outcome figures for 2nd quarter 2025 are worked out by hand.

Period: 01.04.2025–30.06.2025. Participants of team A (world.team):
  p1 Aslak  entry 10.01, active; ordinary jobs 01.02– (open) and 01.05–10.06 (two jobs, one person);
            first employer contact 09.04 (89 days)
  p2 Brita  entry 01.12.2024, active; ordinary job 15.01–20.04 (started before, ended inside)
  p3 Cato   entry 01.02, active; only a work-training place 10.04– (not work); contact 03.04 (61)
  p4 Dina   entry 01.02, closed on 15.05 (status history) → not active at the period end
  p5 Eirik  entry 15.07 (after the period) → not active at the period end
  p6 Frida  entry 01.03, closed 01.08 (after the period, was in job search) → active at the end;
            ordinary job 01.06– (92 days after entry); first employer contact 10.04 (40 days)
  p7 Geir   entry 05.01, active; ordinary job 20.01–31.03 (ended before the period; lost before
            day 90); ordinary education started 15.04; first employer contact 01.03 (outside)
  Team B:   p8 with an ordinary job in the period (never counted for team A)

In work when referred: p2 yes; p1, p3, p4, p6 no; the others not recorded (unknown).

Expected for team A, Q2 2025:
  active 5 (p1 p2 p3 p6 p7) · served 6 (the active five and p4, closed inside the period) ·
  working 3 (p1 p2 p6) · in education 1 (p7) · rate 3 of 6 = 50 % (IPS Employment Center) ·
  IPS Grow rate 2 of 4 (out of work when referred and served: p1 p3 p4 p6; started ordinary
  work in the period: p1 p6) · job endings 2 (p1's 2nd: temporary ended, p2: quit) ·
  job starts 2 (p1's 2nd, p6) ·
  education starts 1 · referrals received 4 (3 from NAV, 1 from the DPS) · median days to first meeting 7 (3, 7, 10) ·
  median days to first employer contact 61 (40, 61, 89) · median days to first job 92 (n=1) ·
  90-day retention 2 of 3 (p1 kept, p2 kept to day 90 on 15.04, p7 not).
"""

import datetime as dt

from ips.periods import Period
from participants.models import Participant, ParticipantStatusEvent
from referrals.models import Referral
from tests.factories import (
    EducationEpisodeFactory,
    JobFactory,
    ParticipantFactory,
    ReferralFactory,
    VocationalProfileFactory,
)

D = dt.date
Q2_2025 = Period(D(2025, 4, 1), D(2025, 6, 30), "2. kvartal 2025")
S = Participant.Status

EXPECTED = {
    "active": 5,
    "served": 6,
    "working": 3,
    "education": 1,
    "rate": 50.0,
    "grow": (2, 4),
    "job_endings": 2,
    "job_starts": 2,
    "education_starts": 1,
    "referrals": 4,
    "days_to_first_meeting": 7,
    "days_to_employer_contact": 61,
    "days_to_first_job": 92,
    "retention": (2, 3),
}

# Health details seeded into the fixture; a partner must never see any of them.
HEALTH_VALUES = (
    "Paranoid schizofreni F20.0",
    "Litium 900 mg morgen",
    "Cannabis daglig",
    "Dømt for vinningskriminalitet 2019",
)


def _status_event(participant, *, on: dt.date, from_status: str, to_status: str):
    event = ParticipantStatusEvent.objects.create(
        participant=participant, from_status=from_status, to_status=to_status
    )
    at = dt.datetime(on.year, on.month, on.day, 12, tzinfo=dt.UTC)
    ParticipantStatusEvent.objects.filter(pk=event.pk).update(at=at)


def build(world) -> dict:
    team, spec = world.team, world.specialist

    def person(name, entry, status=S.JOB_SEARCH, first_contact=None, in_work="unknown"):
        return ParticipantFactory(
            team=team,
            job_specialist=spec,
            name=name,
            entry_date=entry,
            status=status,
            first_employer_contact_date=first_contact,
            in_work_at_referral=in_work,
        )

    p1 = person("Aslak Arbeider", D(2025, 1, 10), S.EMPLOYED, D(2025, 4, 9), in_work="no")
    p2 = person("Brita Bakken", D(2024, 12, 1), S.FOLLOW_ALONG, in_work="yes")
    p3 = person("Cato Trening", D(2025, 2, 1), S.JOB_SEARCH, D(2025, 4, 3), in_work="no")
    p4 = person("Dina Avsluttet", D(2025, 2, 1), S.CLOSED, in_work="no")
    p5 = person("Eirik Senere", D(2025, 7, 15), in_work="no")
    p6 = person("Frida Fjord", D(2025, 3, 1), S.CLOSED, D(2025, 4, 10), in_work="no")
    p7 = person("Geir Mistet", D(2025, 1, 5), S.EDUCATION, D(2025, 3, 1))
    p8 = ParticipantFactory(
        team=world.other_team,
        job_specialist=world.other_specialist,
        name="Hedda Bergen",
        entry_date=D(2025, 1, 1),
    )
    _status_event(p4, on=D(2025, 5, 15), from_status=S.JOB_SEARCH, to_status=S.CLOSED)
    _status_event(p6, on=D(2025, 8, 1), from_status=S.JOB_SEARCH, to_status=S.CLOSED)

    JobFactory(participant=p1, start_date=D(2025, 2, 1))
    JobFactory(
        participant=p1,
        start_date=D(2025, 5, 1),
        end_date=D(2025, 6, 10),
        end_reason="temporary_ended",
    )
    JobFactory(
        participant=p2, start_date=D(2025, 1, 15), end_date=D(2025, 4, 20), end_reason="quit"
    )
    JobFactory(participant=p3, start_date=D(2025, 4, 10), is_ordinary=False, title="Arbeidstrening")
    JobFactory(participant=p6, start_date=D(2025, 6, 1))
    JobFactory(
        participant=p7, start_date=D(2025, 1, 20), end_date=D(2025, 3, 31), end_reason="dismissed"
    )
    JobFactory(participant=p8, start_date=D(2025, 4, 1))
    EducationEpisodeFactory(participant=p7, start_date=D(2025, 4, 15))
    EducationEpisodeFactory(participant=p3, start_date=D(2025, 5, 1), is_ordinary=False)

    VocationalProfileFactory(
        participant=p1, diagnosis=HEALTH_VALUES[0], medication=HEALTH_VALUES[1]
    )

    def referral(name, received, met=None, team=team, org=None, **health):
        return ReferralFactory(
            team=team,
            source_organisation=org or world.nav,
            submitted_by=world.partner,
            person_name=name,
            referral_date=received,
            date_received=received,
            first_meeting_date=met,
            status=Referral.Status.RECEIVED,
            **health,
        )

    own = [
        referral("Ivar Innmeldt", D(2025, 4, 2), D(2025, 4, 5), substance_use=HEALTH_VALUES[2]),
        referral("Jenny Juni", D(2025, 5, 10), D(2025, 5, 20), criminal_record=HEALTH_VALUES[3]),
        referral("Kari Ventende", D(2025, 6, 28), medication_side_effects=HEALTH_VALUES[1]),
        referral("Lars Mars", D(2025, 3, 25), D(2025, 4, 1)),
    ]
    # From another organisation (the partner must not see this name) and to another team.
    referral("Mona Annenorg", D(2025, 4, 3), org=world.dps)
    referral("Nils Nabo", D(2025, 4, 3), team=world.other_team, org=world.other_org)

    participants = [p1, p2, p3, p4, p5, p6, p7]
    return {"participants": participants, "other": p8, "own_referrals": own}
