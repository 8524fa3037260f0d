"""factory_boy factories for every model. Deterministic where it matters (valid national ids)."""

import datetime as dt

import factory
from django.utils import timezone
from stdnum.no import fodselsnummer

from deadlines.models import Alert
from employers.models import Employer, EmployerContact, EmployerContactPerson, JobOpening
from fidelity.models import Review, Scale
from ips.accounts.models import Membership, Organisation, Team, User
from participants.models import (
    ActionPlan,
    Contact,
    EducationEpisode,
    Goal,
    Job,
    Participant,
    PlanReview,
    VocationalProfile,
)
from referrals.models import Referral


def valid_national_id(n: int) -> str:
    """The n-th valid fødselsnummer, built from a birth date and individual number."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(n * 37) % 14000)
    individual = 100 + (n % 400)
    base = f"{birth:%d%m%y}{individual:03d}"
    for attempt in range(400):
        candidate_base = f"{birth:%d%m%y}{(individual + attempt) % 500:03d}"
        k1 = fodselsnummer.calc_check_digit1(candidate_base)
        if len(k1) != 1:
            continue
        k2 = fodselsnummer.calc_check_digit2(candidate_base + k1)
        if len(k2) != 1:
            continue
        candidate = candidate_base + k1 + k2
        if fodselsnummer.is_valid(candidate):
            return candidate
    raise AssertionError(f"no valid id near {base}")


def today() -> dt.date:
    return timezone.localdate()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"NAV Testby {n}")
    kind = Organisation.Kind.NAV


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"IPS-team {n}")
    host_organisation = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.DPS, name=factory.Sequence(lambda n: f"DPS {n}")
    )


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Fornavn{n}")
    last_name = "Testesen"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.PostGenerationMethodCall("set_password", "korrekt-hest-batteri")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.JOB_SPECIALIST
    team = factory.SubFactory(TeamFactory)


def make_member(role: str, *, team: Team | None = None, organisation=None, **user_kwargs) -> User:
    user = UserFactory.create(**user_kwargs)
    if role == Membership.Role.PARTNER:
        Membership.objects.create(user=user, role=role, organisation=organisation)
    else:
        Membership.objects.create(user=user, role=role, team=team)
    return user


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    team = factory.SubFactory(TeamFactory)
    person_name = factory.Sequence(lambda n: f"Person {n} Henvist")
    national_id = factory.Sequence(valid_national_id)
    phone = "912 34 567"
    referral_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=3))
    date_received = factory.LazyFunction(lambda: today() - dt.timedelta(days=2))
    source_organisation = factory.SubFactory(OrganisationFactory)
    referrer_name = "Kari Veileder"


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Deltaker {n} Nordmann")
    national_id = factory.Sequence(lambda n: valid_national_id(n + 5000))
    job_specialist = factory.SubFactory(UserFactory)
    status = Participant.Status.JOB_SEARCH
    entry_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=60))


class VocationalProfileFactory(factory.django.DjangoModelFactory[VocationalProfile]):
    class Meta:
        model = VocationalProfile

    participant = factory.SubFactory(ParticipantFactory)


class ActionPlanFactory(factory.django.DjangoModelFactory[ActionPlan]):
    class Meta:
        model = ActionPlan

    participant = factory.SubFactory(ParticipantFactory)
    overall_goal = "Fast jobb i butikk"


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    plan = factory.SubFactory(ActionPlanFactory)
    description = "Lage CV"
    target_date = factory.LazyFunction(lambda: today() + dt.timedelta(days=7))


class PlanReviewFactory(factory.django.DjangoModelFactory[PlanReview]):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(ActionPlanFactory)
    reviewed_on = factory.LazyFunction(today)
    reviewed_by = factory.SubFactory(UserFactory)
    summary = "Planen er gjennomgått."


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    participant = factory.SubFactory(ParticipantFactory)
    logged_by = factory.LazyAttribute(lambda c: c.participant.job_specialist)
    contact_date = factory.LazyFunction(today)
    mode = Contact.Mode.FACE_TO_FACE
    # Only a meeting in person has a place (a database CHECK).
    place = factory.LazyAttribute(
        lambda c: Contact.Place.COMMUNITY if c.mode == Contact.Mode.FACE_TO_FACE else ""
    )
    duration_minutes = 45


class EmployerFactory(factory.django.DjangoModelFactory[Employer]):
    class Meta:
        model = Employer

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Bedrift {n} AS")
    industry = "Varehandel"
    municipality = "Oslo"


class EmployerContactPersonFactory(factory.django.DjangoModelFactory[EmployerContactPerson]):
    class Meta:
        model = EmployerContactPerson

    employer = factory.SubFactory(EmployerFactory)
    name = "Ola Leder"
    role = "Butikksjef"


class EmployerContactFactory(factory.django.DjangoModelFactory[EmployerContact]):
    class Meta:
        model = EmployerContact

    team = factory.LazyAttribute(lambda c: c.employer.team)
    job_specialist = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    contact_date = factory.LazyFunction(today)
    face_to_face = True
    purpose = EmployerContact.Purpose.FIRST_VISIT


class JobOpeningFactory(factory.django.DjangoModelFactory[JobOpening]):
    class Meta:
        model = JobOpening

    team = factory.LazyAttribute(lambda o: o.employer.team)
    employer = factory.SubFactory(EmployerFactory)
    title = "Lagermedarbeider"
    created_by = factory.SubFactory(UserFactory)


class JobFactory(factory.django.DjangoModelFactory[Job]):
    class Meta:
        model = Job

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(EmployerFactory, team=factory.SelfAttribute("..participant.team"))
    title = "Butikkmedarbeider"
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=10))
    hours_per_week = 20
    hourly_wage = 210
    created_by = factory.LazyAttribute(lambda j: j.participant.job_specialist)


class EducationEpisodeFactory(factory.django.DjangoModelFactory[EducationEpisode]):
    class Meta:
        model = EducationEpisode

    participant = factory.SubFactory(ParticipantFactory)
    institution = "Oslo voksenopplæring"
    programme = "Norsk og matematikk"
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    created_by = factory.LazyAttribute(lambda e: e.participant.job_specialist)


class AlertFactory(factory.django.DjangoModelFactory[Alert]):
    class Meta:
        model = Alert

    rule = "no_contact_30_days"
    severity = Alert.Severity.WARNING
    subject_kind = Alert.SubjectKind.PARTICIPANT
    subject_id = factory.Sequence(lambda n: n + 1)
    team = factory.SubFactory(TeamFactory)
    first_breached_at = factory.LazyFunction(timezone.now)


class ScaleFactory(factory.django.DjangoModelFactory[Scale]):
    class Meta:
        model = Scale
        django_get_or_create = ("code",)

    code = "TEST-5"
    name_nb = "Testskala"
    name_en = "Test scale"
    version = "1"


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    team = factory.SubFactory(TeamFactory)
    scale = factory.SubFactory(ScaleFactory)
    period = "2026-H1"
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 6, 30)
    kind = Review.Kind.SELF
    created_by = factory.SubFactory(UserFactory)
