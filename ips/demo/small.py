"""The small demo landscape used by `make run`: two teams (DPS and ARA), a NAV office, one user
per role, participants at every stage of the IPS journey, a fidelity review per team, and the
alerts of one deadline scan."""

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment
from deadlines.engine import scan
from employers.models import Employer, EmployerContact, EmployerContactPerson, JobOpening
from ips.accounts.models import Membership, Organisation, Team, User
from ips.dates import oslo_today
from ips.history import acting_as
from participants.models import (
    ActionPlan,
    Contact,
    Goal,
    Job,
    Participant,
    ParticipantStatusEvent,
    VocationalProfile,
)
from referrals.models import Referral, ReferralEvent

Role = Membership.Role
DEMO_PASSWORD = "ips-demo-2026"  # noqa: S105 - demo users only; printed by make run

# username, first name, last name, role, team key or organisation key
DEMO_USERS = [
    ("leder", "Lise", "Lund", Role.LEADER, "dps"),
    ("spesialist", "Siri", "Solberg", Role.JOB_SPECIALIST, "dps"),
    ("kollega", "Kåre", "Kvam", Role.JOB_SPECIALIST, "dps"),
    ("ara-spesialist", "Amir", "Aas", Role.JOB_SPECIALIST, "ara"),
    ("ara-leder", "Anne", "Aune", Role.LEADER, "ara"),
    ("nav", "Nina", "Nilsen", Role.PARTNER, "nav"),
    ("dps-partner", "Dag", "Dahl", Role.PARTNER, "dps_org"),
    ("revisor", "Rune", "Rød", Role.AUDITOR, "dps"),
    ("koordinator", "Kristin", "Krogh", Role.COORDINATOR, "dps"),
]

FIRST_NAMES = [
    "Ola",
    "Kari",
    "Per",
    "Ingrid",
    "Jonas",
    "Sara",
    "Ali",
    "Emma",
    "Lars",
    "Nora",
    "Mohammed",
    "Hanne",
    "Erik",
    "Ida",
    "Tor",
    "Maja",
    "Sindre",
    "Aisha",
    "Bjørn",
    "Live",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Bakken",
]
EMPLOYERS = [
    ("Rema 1000 Grünerløkka", "Varehandel"),
    ("Kiwi Carl Berner", "Varehandel"),
    ("Oslo kommune, Bymiljøetaten", "Offentlig forvaltning"),
    ("Bakeriet på hjørnet AS", "Servering"),
    ("Posten Bring Alnabru", "Transport og lager"),
    ("Elkjøp Storo", "Varehandel"),
    ("Fretex Oslo", "Gjenbruk"),
    ("Glassmester Hansen AS", "Håndverk"),
]


def national_id(rng: random.Random, n: int) -> str:
    from stdnum.no import fodselsnummer

    while True:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 13000))
        base = f"{birth:%d%m%y}{rng.randrange(0, 500):03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if len(k1) != 1:
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if len(k2) == 1 and fodselsnummer.is_valid(base + k1 + k2):
            return base + k1 + k2


def logins_text() -> str:
    lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for username, first, last, role, _scope in DEMO_USERS:
        lines.append(f"  {username:<15} {Role(role).label} ({first} {last})")
    if not settings.DEBUG:
        lines.append("  (DEBUG is off: demo users still need two-factor enrolment.)")
    return "\n".join(lines)


def seed() -> bool:
    if Team.objects.filter(name="IPS Lovisenberg DPS").exists():
        return False
    # Records created directly here name the seed in their history ("System: demo seed"); the
    # fidelity reviews go through the services and name their reviewer.
    with acting_as(None, via="demo seed"):
        _seed()
    return True


def _seed() -> None:
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data
    today = oslo_today()

    nav = Organisation.objects.create(
        name="NAV Grünerløkka", kind=Organisation.Kind.NAV, municipality="Oslo"
    )
    dps_org = Organisation.objects.create(
        name="Lovisenberg DPS", kind=Organisation.Kind.DPS, municipality="Oslo"
    )
    ara_org = Organisation.objects.create(
        name="ARA Oslo universitetssykehus", kind=Organisation.Kind.ARA, municipality="Oslo"
    )
    teams = {
        "dps": Team.objects.create(name="IPS Lovisenberg DPS", host_organisation=dps_org),
        "ara": Team.objects.create(name="IPS ARA Oslo", host_organisation=ara_org),
    }
    for team in teams.values():
        team.partner_organisations.add(nav)
    teams["dps"].partner_organisations.add(dps_org)
    orgs = {"nav": nav, "dps_org": dps_org}

    users = {}
    for username, first, last, role, scope in DEMO_USERS:
        user = User(
            username=username, first_name=first, last_name=last, email=f"{username}@demo.ips.no"
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role == Role.PARTNER:
            Membership.objects.create(user=user, role=role, organisation=orgs[scope])
        else:
            Membership.objects.create(user=user, role=role, team=teams[scope])
        users[username] = user
    # The regional coordinator follows both demo teams (fidelity results across teams).
    Membership.objects.create(user=users["koordinator"], role=Role.COORDINATOR, team=teams["ara"])
    admin = User(
        username="admin",
        first_name="Ada",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
        email="admin@demo.ips.no",
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()

    employers: dict[str, list[Employer]] = {}
    for team_key, team in teams.items():
        for index, (name, industry) in enumerate(EMPLOYERS):
            employer = Employer.objects.create(
                team=team,
                name=name,
                industry=industry,
                municipality="Oslo",
                created_by=users["spesialist"],
            )
            EmployerContactPerson.objects.create(
                employer=employer,
                name=f"{FIRST_NAMES[index]} {LAST_NAMES[index]}",
                role="Daglig leder",
                phone="22 00 00 00",
            )
            employers.setdefault(team_key, []).append(employer)

    specialists = {
        "dps": [users["spesialist"], users["kollega"]],
        "ara": [users["ara-spesialist"]],
    }
    stages = [
        Participant.Status.ENGAGED,
        Participant.Status.JOB_SEARCH,
        Participant.Status.JOB_SEARCH,
        Participant.Status.EMPLOYED,
        Participant.Status.FOLLOW_ALONG,
        Participant.Status.EDUCATION,
        Participant.Status.INACTIVE,
        Participant.Status.CLOSED,
    ]
    n = 0
    for team_key, team in teams.items():
        leader = users["leder"] if team_key == "dps" else users["ara-leder"]
        # Referrals still in intake: new, a week old (breach), assigned but not met.
        for days_ago, assign in ((1, False), (9, False), (4, True)):
            n += 1
            referral = Referral.objects.create(
                team=team,
                person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                national_id=national_id(rng, n),
                phone=f"9{rng.randrange(1000000, 9999999)}",
                referral_date=today - dt.timedelta(days=days_ago + 1),
                date_received=today - dt.timedelta(days=days_ago),
                source_organisation=nav,
                referrer_name="Nina Nilsen",
                submitted_by=users["nav"],
                job_wishes="Ønsker arbeid med mennesker, gjerne butikk.",
                consent_given=True,
                consent_date=today - dt.timedelta(days=days_ago + 1),
                consent_method=Referral.ConsentMethod.VERBAL,
                status=Referral.Status.ASSIGNED if assign else Referral.Status.RECEIVED,
                assigned_specialist=specialists[team_key][0] if assign else None,
            )
            ReferralEvent.objects.create(
                referral=referral, to_status=Referral.Status.RECEIVED, by=users["nav"]
            )
            if assign:
                ReferralEvent.objects.create(
                    referral=referral,
                    from_status=Referral.Status.RECEIVED,
                    to_status=Referral.Status.ASSIGNED,
                    by=leader,
                )
        # Participants at every stage, spread over the team's specialists.
        for index in range(12 if team_key == "dps" else 6):
            n += 1
            status = stages[index % len(stages)]
            specialist = specialists[team_key][index % len(specialists[team_key])]
            entry = today - dt.timedelta(days=20 + index * 17)
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
            pid = national_id(rng, n)
            referral = Referral.objects.create(
                team=team,
                person_name=name,
                national_id=pid,
                referral_date=entry - dt.timedelta(days=6),
                date_received=entry - dt.timedelta(days=5),
                source_organisation=nav if index % 2 else dps_org if team_key == "dps" else nav,
                referrer_name="Behandler",
                consent_given=True,
                consent_date=entry - dt.timedelta(days=6),
                consent_method=Referral.ConsentMethod.WRITTEN,
                assigned_specialist=specialist,
                first_meeting_date=entry,
                status=Referral.Status.FIRST_MEETING_HELD,
            )
            participant = Participant.objects.create(
                team=team,
                referral=referral,
                name=name,
                national_id=pid,
                job_specialist=specialist,
                status=status,
                entry_date=entry,
                consent_share_nav=True,
            )
            ParticipantStatusEvent.objects.create(
                participant=participant, to_status=Participant.Status.ENGAGED, by=specialist
            )
            if status != Participant.Status.ENGAGED:
                ParticipantStatusEvent.objects.create(
                    participant=participant,
                    from_status=Participant.Status.ENGAGED,
                    to_status=status,
                    by=specialist,
                )
            for k in range(1 + index % 5):
                Contact.objects.create(
                    participant=participant,
                    logged_by=specialist,
                    contact_date=min(today, entry + dt.timedelta(days=3 + k * 9)),
                    place=[Contact.Place.COMMUNITY, Contact.Place.OFFICE, Contact.Place.WORKPLACE][
                        k % 3
                    ],
                    duration_minutes=30 + 15 * (k % 3),
                    note="Samtale om jobbønsker og neste steg.",
                )
            if index % 3 != 0:
                VocationalProfile.objects.create(
                    participant=participant,
                    dream_job="Kokk" if index % 2 else "Anleggsgartner",
                    job_wanted_now="Deltid i butikk eller lager",
                    skills="Punktlig, god med kunder",
                    sources=[VocationalProfile.Source.PERSON],
                    updated_by=specialist,
                )
                plan = ActionPlan.objects.create(
                    participant=participant,
                    overall_goal="Ordinær jobb, 50 % stilling",
                    job_search_start_date=entry + dt.timedelta(days=7),
                )
                Goal.objects.create(
                    plan=plan,
                    description="Lage CV sammen",
                    responsible=specialist.get_full_name(),
                    target_date=today + dt.timedelta(days=index % 7),
                )
            team_employers = employers[team_key]
            if status in (
                Participant.Status.JOB_SEARCH,
                Participant.Status.EMPLOYED,
                Participant.Status.FOLLOW_ALONG,
            ):
                contact_date = min(today, entry + dt.timedelta(days=10))
                contact = EmployerContact.objects.create(
                    team=team,
                    job_specialist=specialist,
                    employer=team_employers[index % len(team_employers)],
                    contact_date=contact_date,
                    face_to_face=True,
                    purpose=EmployerContact.Purpose.ON_BEHALF,
                    outcome=EmployerContact.Outcome.LEARNED_NEEDS,
                )
                contact.participants.add(participant)
                participant.first_employer_contact_date = contact_date
                participant.save(update_fields=["first_employer_contact_date"])
            if status in (Participant.Status.EMPLOYED, Participant.Status.FOLLOW_ALONG):
                Job.objects.create(
                    participant=participant,
                    employer=team_employers[(index + 1) % len(team_employers)],
                    title="Butikkmedarbeider",
                    start_date=min(today, entry + dt.timedelta(days=40)),
                    hours_per_week=20,
                    hourly_wage=215,
                    is_permanent=index % 2 == 0,
                    created_by=specialist,
                )
    # Weekly job development for the specialists.
    for team_key, team in teams.items():
        for specialist in specialists[team_key]:
            for k in range(5):
                EmployerContact.objects.create(
                    team=team,
                    job_specialist=specialist,
                    employer=employers[team_key][k % len(employers[team_key])],
                    contact_date=today - dt.timedelta(days=k),
                    face_to_face=k != 4,
                    purpose=EmployerContact.Purpose.FIRST_VISIT,
                    outcome=EmployerContact.Outcome.LEARNED_NEEDS,
                    next_step="Ringe tilbake om sommerjobb",
                    next_step_date=today + dt.timedelta(days=7),
                )
    # Job openings found this week, to share at the team meeting (employers app).
    for team_key, team in teams.items():
        seekers = list(
            Participant.objects.filter(team=team, status=Participant.Status.JOB_SEARCH)[:3]
        )
        for k, (title, hours) in enumerate(
            (("Butikkmedarbeider, helg", 15), ("Lagermedarbeider", 30), ("Kjøkkenassistent", 20))
        ):
            opening = JobOpening.objects.create(
                team=team,
                employer=employers[team_key][k % len(employers[team_key])],
                title=title,
                hours_per_week=hours,
                deadline=today + dt.timedelta(days=5 + 4 * k),
                created_by=specialists[team_key][0],
            )
            opening.matched_participants.set(seekers[k : k + 1])
    # Appointments of the week for each specialist: one an hour ago, not yet registered; one
    # later today; two later in the week (the last with an employer).
    for team_key, team in teams.items():
        for specialist in specialists[team_key]:
            people = list(
                Participant.objects.filter(
                    job_specialist=specialist, status__in=Participant.ACTIVE_STATUSES
                ).order_by("id")[:3]
            )
            now = timezone.now()
            for k, person in enumerate(people):
                Appointment.objects.create(
                    team=team,
                    owner=specialist,
                    kind=Appointment.Kind.PARTICIPANT,
                    participant=person,
                    starts_at=now + dt.timedelta(hours=(-1, 3, 50)[k]),
                    duration_minutes=60,
                    place=(Contact.Place.COMMUNITY, Contact.Place.WORKPLACE, Contact.Place.HOME)[k],
                    location=("Kafé Løkka", "", "")[k],
                )
            Appointment.objects.create(
                team=team,
                owner=specialist,
                kind=Appointment.Kind.EMPLOYER,
                employer=employers[team_key][0],
                starts_at=now + dt.timedelta(days=2),
                duration_minutes=45,
                place=Contact.Place.WORKPLACE,
            )
    # Fidelity: one review per team (DPS: external review of last half-year, final; ARA: the
    # leader's self-assessment of the current half-year, being scored).
    _seed_fidelity_reviews(teams, users, today, rng)
    _seed_field_mentoring(teams, users, today)
    # Open the alerts now rather than at the first beat run (up to 15 minutes after `make run`
    # starts), so the demo shows real ones at once. The scan is idempotent and takes well under
    # a second on this data.
    scan()


def _seed_field_mentoring(teams, users, today) -> None:
    """The DPS leader's field-mentoring log: a few occasions a month with each specialist."""
    from fidelity.services import mentoring_entry_create

    activities = ("joint_employer_visit", "job_development_coaching", "case_review")
    for k in range(10):
        mentoring_entry_create(
            by=users["leder"],
            team=teams["dps"],
            specialist=users["spesialist" if k % 2 == 0 else "kollega"],
            date=today - dt.timedelta(days=4 + 11 * k),
            activity=activities[k % 3],
            notes="Gikk sammen gjennom to arbeidsgiverkontakter og neste steg.",
        )


def _seed_fidelity_reviews(teams, users, today, rng) -> None:
    from fidelity.scale_loader import scales_ensure_loaded
    from fidelity.services import item_score_save, review_change_status, review_create

    scales_ensure_loaded()

    last_half = f"{today.year - 1}-H2" if today.month <= 6 else f"{today.year}-H1"
    this_half = f"{today.year}-H{1 if today.month <= 6 else 2}"
    plans = (
        ("dps", users["revisor"], last_half, "external", True),
        ("ara", users["ara-leder"], this_half, "self", False),
    )
    for team_key, by, period, kind, finalise in plans:
        review = review_create(
            by=by, team=teams[team_key], period=period, kind=kind, reviewers=[by]
        )
        review_change_status(by=by, review=review, to_status="scoring")
        scores = list(review.scores.select_related("item").order_by("item__number"))
        for row in scores if finalise else scores[:10]:
            item_score_save(
                by=by,
                item_score=row,
                score=rng.choice((3, 4, 4, 5)),
                rationale="Vurdert ut fra intervju med teamet og journalgjennomgang.",
                data_sources="Intervju, journalgjennomgang, tall fra systemet",
                recommendation="Fortsett arbeidet; følg opp ved neste måling.",
            )
        if finalise:
            review_change_status(by=by, review=review, to_status="final")
