"""Participant records, and the shared concepts about them (bottom of the file): the one
definition each of "active", "caseload", "status on a day", "served", "working in ordinary
employment" and "community contact", used by every screen, rule, CSV and PDF."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels
from ips.dates import end_of_day
from ips.db import OsloToday
from ips.history import track_history
from ips.validators import validate_national_id
from participants.statuses import ACTIVE_STATUSES, ParticipantStatus

if TYPE_CHECKING:
    from ips.accounts.models import User


class InWorkAtReferral(models.TextChoices):
    """Was the person in paid work when referred? Recorded on the referral and carried to the
    participant at the first meeting; the IPS Grow employment rate counts those who were not."""

    YES = "yes", _("Ja")
    NO = "no", _("Nei")
    UNKNOWN = "unknown", _("Vet ikke")


class PreferredContact(models.TextChoices):
    """How the person wants the job specialist to get in touch."""

    PHONE = "phone", _("Telefonsamtale")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-post")
    IN_PERSON = "in_person", _("Møte ansikt til ansikt")
    TREATMENT_TEAM = "treatment_team", _("Gjennom behandlingsteamet")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    """Participants by the shared concepts of DESIGN.md §6 (definitions at the bottom of this
    file). `Participant.objects.active()`, `.on_caseload(specialist, on=day)`, ..."""

    def active(self) -> ParticipantQuerySet:
        """In an active status now (see `Participant.ACTIVE_STATUSES`)."""
        return self.filter(status__in=Participant.ACTIVE_STATUSES)

    def active_on(self, day: dt.date) -> ParticipantQuerySet:
        """Had entered by `day` and was in an active status at the end of that day."""
        return self.filter(active_on(day))

    def on_caseload(
        self, specialist: User | int | None = None, *, on: dt.date | None = None
    ) -> ParticipantQuerySet:
        """The caseload: participants in an active status, each assigned to their job specialist
        (`specialist`'s only, when given); today's status, or the status at the end of `on`."""
        qs = self.active() if on is None else self.active_on(on)
        return qs if specialist is None else qs.filter(job_specialist=specialist)

    def served_during(self, start: dt.date, end: dt.date) -> ParticipantQuerySet:
        """On the caseload on at least one day of [start, end]."""
        return self.filter(served_during(start, end))

    def working_during(self, start: dt.date, end: dt.date) -> ParticipantQuerySet:
        """Held an ordinary (competitive) job on at least one day of [start, end]."""
        return self.filter(working_during(start, end))


@track_history
class Participant(ChoiceLabels, models.Model):
    """A person in the IPS programme (deltaker). Created from a referral at the first meeting."""

    Status = ParticipantStatus
    ACTIVE_STATUSES = ACTIVE_STATUSES
    PreferredContact = PreferredContact
    # Shown to the participant's own team only (never to partners or auditors).
    CONTACT_FIELDS = ("phone", "email", "address", "preferred_contact")

    class Disclosure(models.TextChoices):
        UNDECIDED = "undecided", _("Ikke bestemt ennå")
        FULL = "full", _("Åpen om helse overfor arbeidsgiver")
        PARTIAL = "partial", _("Delvis åpen")
        NONE = "none", _("Ønsker ikke å fortelle arbeidsgiver")

    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("team"),
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participant",
        verbose_name=_("henvisning"),
    )
    name = models.CharField(_("navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer / D-nummer"), max_length=11, validators=[validate_national_id]
    )
    # Contact details (own team only, like health details: see CONTACT_FIELDS). The phone is
    # stored as E.164 ("+4791234567") once checked; a number copied from an older referral may
    # still read as it was typed.
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    preferred_contact = models.CharField(
        _("foretrukket kontaktmåte"),
        max_length=20,
        choices=PreferredContact.choices,
        blank=True,
    )
    job_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload",
        verbose_name=_("jobbspesialist"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ENGAGED
    )
    entry_date = models.DateField(_("startdato i IPS"), help_text=_("Datoen for første møte."))
    # Set by the employer contact service from the first face-to-face contact on the person's
    # behalf; read by the 30-day rapid job search rule and the dashboards.
    first_employer_contact_date = models.DateField(
        _("første arbeidsgiverkontakt"), null=True, blank=True
    )
    in_work_at_referral = models.CharField(
        _("i arbeid ved henvisning"),
        max_length=10,
        choices=InWorkAtReferral.choices,
        default=InWorkAtReferral.UNKNOWN,
    )
    consent_share_nav = models.BooleanField(_("samtykker til deling med NAV"), default=False)
    consent_share_employers = models.BooleanField(
        _("samtykker til kontakt med arbeidsgivere"), default=False
    )
    disclosure_preference = models.CharField(
        _("åpenhet overfor arbeidsgiver"),
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.UNDECIDED,
    )
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("deltaker")
        verbose_name_plural = _("deltakere")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "national_id"],
                name="participant_one_per_person_per_team",
                violation_error_message=_("Personen er allerede deltaker i dette teamet."),
            ),
            models.CheckConstraint(
                condition=Q(entry_date__lte=OsloToday()), name="participant_entry_not_in_future"
            ),
            models.CheckConstraint(
                condition=Q(first_employer_contact_date__isnull=True)
                | Q(first_employer_contact_date__gte=F("entry_date")),
                name="participant_first_employer_contact_after_entry",
            ),
            models.CheckConstraint(
                condition=Q(preferred_contact__in=["", *PreferredContact.values]),
                name="participant_preferred_contact_known",
                violation_error_message=_("Ukjent kontaktmåte."),
            ),
        ]
        indexes = [
            models.Index(fields=["job_specialist", "status"], name="participant_caseload_idx"),
            models.Index(fields=["team", "status"], name="participant_team_status_idx"),
            models.Index(fields=["status", "entry_date"], name="participant_status_entry_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ParticipantStatusEvent(ChoiceLabels, models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="status_events"
    )
    from_status = models.CharField(max_length=20, choices=Participant.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Participant.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        # (participant, at, id): "status on a day" is one index step per person (dashboards).
        indexes = [
            models.Index(fields=["participant", "at", "id"], name="participant_event_at_idx")
        ]


# --- Vocational profile (yrkesprofil) ---------------------------------------------------------------


@track_history
class VocationalProfile(ChoiceLabels, models.Model):
    """Filled in over several meetings. Every field is optional and nothing here blocks job search."""

    class Source(models.TextChoices):
        PERSON = "person", _("Personen selv")
        TREATMENT_TEAM = "treatment_team", _("Behandlingsteamet")
        RECORDS = "records", _("Journal")
        FAMILY = "family", _("Familie/nettverk (med samtykke)")
        FORMER_EMPLOYERS = "former_employers", _("Tidligere arbeidsgivere (med samtykke)")

    class Rating(models.IntegerChoices):
        """The kit's four steps, for physical health and for social skills (stored 1-4 from
        worst to best; the form lists them best first, as the kit does)."""

        POOR = 1, _("Dårlig")
        ACCEPTABLE = 2, _("Akseptabel")
        GOOD = 3, _("God")
        EXCELLENT = 4, _("Utmerket")

    class Benefit(models.TextChoices):
        AAP = "aap", _("Arbeidsavklaringspenger (AAP)")
        UFORETRYGD = "uforetrygd", _("Uføretrygd")
        SOSIALHJELP = "sosialhjelp", _("Sosialhjelp")
        DAGPENGER = "dagpenger", _("Dagpenger")
        KVP = "kvp", _("Kvalifiseringsprogrammet")
        SALARY = "salary", _("Lønn")
        OTHER = "other", _("Annet")

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="profile"
    )
    # Optimistic locking: a save from a stale page is refused with a conflict message.
    version = models.PositiveIntegerField(default=1)
    sources = ArrayField(
        models.CharField(max_length=20, choices=Source.choices),
        default=list,
        blank=True,
        verbose_name=_("kilder"),
    )
    # The kit's questions, section by section (participants/selectors.py PROFILE_SECTIONS).
    # Yes/no questions are nullable booleans: None is "not answered yet".
    # Work goals
    dream_job = models.TextField(_("drømmejobb"), blank=True)
    job_wanted_now = models.TextField(_("ønsket jobb nå"), blank=True)
    # Education
    last_school = models.CharField(_("siste skole"), max_length=200, blank=True)
    highest_education = models.CharField(
        _("høyeste fullførte utdanning"), max_length=200, blank=True
    )
    # Current situation (health: own team only)
    diagnosis = models.TextField(_("diagnose"), blank=True)
    early_warning_signs = models.TextField(
        _("første tegn på at symptomene blusser opp"), blank=True
    )
    bad_day_signs = models.TextField(_("tegn på en dårlig dag"), blank=True)
    coping_strategies = models.TextField(_("mestringsstrategier"), blank=True)
    medication = models.TextField(_("medikamenter"), blank=True)
    medication_timing = models.TextField(_("når medikamentene tas"), blank=True)
    physical_health = models.PositiveSmallIntegerField(
        _("fysisk helse"), choices=Rating.choices, null=True, blank=True
    )
    limitations = models.TextField(_("fysiske begrensninger"), blank=True)
    days_per_week = models.PositiveSmallIntegerField(_("dager per uke"), null=True, blank=True)
    hours_per_day = models.DecimalField(
        _("timer per dag"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # Personal hygiene, social skills
    has_place_to_wash = models.BooleanField(
        _("har et sted å bade eller dusje"), null=True, blank=True
    )
    has_work_clothes = models.BooleanField(
        _("har klærne som trengs på jobb"), null=True, blank=True
    )
    social_skills_rating = models.PositiveSmallIntegerField(
        _("hvor godt personen kommer ut av det med andre"),
        choices=Rating.choices,
        null=True,
        blank=True,
    )
    # Work skills
    job_seeking_experience = models.TextField(_("erfaring med jobbsøking"), blank=True)
    skills = models.TextField(_("yrkeskompetanse"), blank=True)
    abilities = models.TextField(_("evner"), blank=True)
    interests = models.TextField(_("interesser"), blank=True)
    daily_routine = models.TextField(_("en typisk dag"), blank=True)
    work_appeal = models.TextField(_("det som appellerer ved arbeid"), blank=True)
    work_dislikes = models.TextField(_("det personen ikke liker ved arbeid"), blank=True)
    return_worries = models.TextField(_("bekymringer for å komme tilbake i arbeid"), blank=True)
    work_hopes = models.TextField(
        _("hva arbeid kan gi personlig, økonomisk og sosialt"), blank=True
    )
    past_absence = models.TextField(_("fravær i tidligere jobber"), blank=True)
    stressors = models.TextField(_("situasjoner og oppgaver som stresser"), blank=True)
    # Housing and transport
    housing = models.TextField(_("hvor personen bor"), blank=True)
    lives_with = models.CharField(_("bor sammen med"), max_length=200, blank=True)
    transport = models.TextField(_("transport til jobb"), blank=True)
    # Substance use, criminal record, disclosure (yes/no, as the kit asks)
    has_used_substances = models.BooleanField(
        _("har brukt ulovlige stoffer eller alkohol"), null=True, blank=True
    )
    close_ones_worried_about_substances = models.BooleanField(
        _("personer som står nær har vært bekymret for rusbruk"), null=True, blank=True
    )
    has_been_arrested = models.BooleanField(_("har blitt arrestert"), null=True, blank=True)
    willing_to_disclose = models.BooleanField(
        _("villig til å fortelle arbeidsgivere om sykdommen"), null=True, blank=True
    )
    # Income and benefits
    income_sources = ArrayField(
        models.CharField(max_length=20, choices=Benefit.choices),
        default=list,
        blank=True,
        verbose_name=_("inntektskilder og ytelser"),
    )
    income_notes = models.TextField(_("merknader om inntekt og støtte fra NAV"), blank=True)
    manages_own_money = models.BooleanField(_("styrer egen økonomi"), null=True, blank=True)
    knows_earnings_effect = models.BooleanField(
        _("vet hvordan lønn påvirker ytelser"), null=True, blank=True
    )
    benefits_counselling_received = models.BooleanField(
        _("har snakket med en rådgiver om ytelser"), null=True, blank=True
    )
    benefits_counselling_wanted = models.BooleanField(
        _("ønsker å snakke med en rådgiver om ytelser"), null=True, blank=True
    )
    # Answers given as free text before the profile followed the kit's questions
    # (migration 0007): old field name -> text, shown read-only under the questions that
    # replaced it. Never edited; anonymisation clears it.
    previous_answers = models.JSONField(_("tidligere fritekst"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Health details: shown to the participant's own team only (ips.access.can_see_health).
    # The earlier free text may hold any of them, so it counts as health as a whole; the page
    # shows its non-health entries (PREVIOUS_HEALTH_KEYS aside) to everyone who sees the profile.
    HEALTH_FIELDS = (
        "diagnosis",
        "early_warning_signs",
        "bad_day_signs",
        "coping_strategies",
        "medication",
        "medication_timing",
        "physical_health",
        "limitations",
        "has_used_substances",
        "close_ones_worried_about_substances",
        "has_been_arrested",
        "previous_answers",
    )
    PREVIOUS_HEALTH_KEYS = ("medication", "substance_use", "criminal_record")

    class Meta:
        verbose_name = _("yrkesprofil")
        verbose_name_plural = _("yrkesprofiler")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | Q(days_per_week__lte=7),
                name="profile_days_per_week_at_most_7",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__isnull=True)
                | Q(hours_per_day__gte=0, hours_per_day__lte=24),
                name="profile_hours_per_day_0_24",
            ),
        ]


@track_history
class WorkHistoryEntry(models.Model):
    profile = models.ForeignKey(
        VocationalProfile, on_delete=models.PROTECT, related_name="work_history"
    )
    title = models.CharField(_("stilling"), max_length=200)
    employer_name = models.CharField(_("arbeidsgiver"), max_length=200, blank=True)
    start_date = models.DateField(_("fra"), null=True, blank=True)
    end_date = models.DateField(_("til"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("timer per uke"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    duties = models.TextField(_("arbeidsoppgaver"), blank=True)
    reason_ended = models.TextField(_("hvorfor det sluttet"), blank=True)
    liked = models.TextField(_("likte"), blank=True)
    disliked = models.TextField(_("mislikte"), blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="work_history_end_not_before_start",
            )
        ]


@track_history
class SupportPerson(models.Model):
    profile = models.ForeignKey(
        VocationalProfile, on_delete=models.PROTECT, related_name="support_network"
    )
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relasjon"), max_length=100, blank=True)
    contact_frequency = models.CharField(_("hvor ofte"), max_length=100, blank=True)
    thoughts_on_work = models.TextField(_("tanker om arbeid"), blank=True)
    how_they_can_help = models.TextField(_("hvordan de kan hjelpe med arbeidsmålene"), blank=True)

    class Meta:
        ordering = ["id"]


class ProfileSectionFill(models.Model):
    """«Utfylt av / dato» for one section of a profile: who last saved something in it, and
    when. Set by the services from their actor, never typed."""

    profile = models.ForeignKey(
        VocationalProfile, on_delete=models.PROTECT, related_name="section_fills"
    )
    section = models.CharField(max_length=40)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "section"], name="profile_section_fill_unique"
            )
        ]


# --- Individual action plan (individuell handlingsplan) -----------------------------------------------


@track_history
class ActionPlan(models.Model):
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="action_plan"
    )
    overall_goal = models.TextField(_("hovedmål"), blank=True)
    job_search_start_date = models.DateField(_("jobbsøk startet"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # «Utfylt av / dato»: the last person to save the plan or one of its goals (set by the
    # services from their actor).
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utfylt av"),
    )
    filled_at = models.DateTimeField(_("utfylt dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")


@track_history
class Goal(models.Model):
    """A delmål: what, who is responsible, by when, and when it was reached."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="goals")
    description = models.TextField(_("delmål"))
    activities = models.TextField(_("tiltak/aktiviteter"), blank=True)
    responsible = models.CharField(_("ansvarlig"), max_length=200, blank=True)
    target_date = models.DateField(_("frist"), null=True, blank=True)
    achieved_date = models.DateField(_("nådd"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "id"]
        indexes = [models.Index(fields=["plan", "target_date"], name="goal_plan_target_idx")]


@track_history
class PlanReview(models.Model):
    """A (at least quarterly) review. `snapshot` keeps the plan as it read at the review."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("dato for gjennomgang"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    participants_present = models.CharField(_("til stede"), max_length=300, blank=True)
    summary = models.TextField(_("oppsummering"))
    snapshot = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_on__lte=OsloToday()), name="plan_review_not_in_future"
            )
        ]
        indexes = [models.Index(fields=["plan", "reviewed_on"], name="plan_review_idx")]


# --- Contact log (kontaktlogg) ---------------------------------------------------------------------


@track_history
class Contact(ChoiceLabels, models.Model):
    class With(models.TextChoices):
        PARTICIPANT = "participant", _("Deltaker")
        EMPLOYER = "employer", _("Arbeidsgiver")
        TREATMENT_TEAM = "treatment_team", _("Behandlingsteam")
        NAV = "nav", _("NAV")
        FAMILY = "family", _("Familie/nettverk")
        BENEFITS_COUNSELLOR = "benefits_counsellor", _("Veileder for ytelser")

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Ansikt til ansikt")
        PHONE = "phone", _("Telefon")
        VIDEO = "video", _("Video")
        MESSAGE = "message", _("Melding/SMS")

    class Place(models.TextChoices):
        COMMUNITY = "community", _("Ute i samfunnet")
        WORKPLACE = "workplace", _("På arbeidsplassen")
        HOME = "home", _("Hjemme hos deltaker")
        OFFICE = "office", _("På kontoret")

    # Time met in person outside the office counts as community-based work (IPS target: 65 %).
    # Only face-to-face contacts have a place (a CHECK constraint); it has no default, so nothing
    # is counted as community work unless the specialist said where they met.
    COMMUNITY_PLACES = (Place.COMMUNITY, Place.WORKPLACE, Place.HOME)
    MAX_DURATION_MINUTES = 600

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="contacts")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts_logged",
        verbose_name=_("registrert av"),
    )
    contact_date = models.DateField(_("dato"))
    with_whom = models.CharField(
        _("med hvem"), max_length=20, choices=With.choices, default=With.PARTICIPANT
    )
    mode = models.CharField(
        _("form"), max_length=20, choices=Mode.choices, default=Mode.FACE_TO_FACE
    )
    place = models.CharField(_("sted"), max_length=20, choices=Place.choices, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=30)
    note = models.TextField(_("notat"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["-contact_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="contact_duration_1_to_600_minutes",
                violation_error_message=_("Varigheten må være mellom 1 og 600 minutter."),
            ),
            models.CheckConstraint(
                condition=Q(contact_date__lte=OsloToday()),
                name="contact_not_in_future",
                violation_error_message=_("En kontakt kan ikke være frem i tid."),
            ),
            # Only a meeting in person has a place: a phone call "out in the community" would
            # count as community time.
            models.CheckConstraint(
                condition=Q(mode="face_to_face") | Q(place=""),
                name="contact_place_only_in_person",
                violation_error_message=_("Bare møter ansikt til ansikt har et sted."),
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "contact_date"], name="contact_participant_idx"),
            models.Index(fields=["logged_by", "contact_date"], name="contact_logged_by_idx"),
        ]


# --- Jobs and education --------------------------------------------------------------------------


@track_history
class Job(ChoiceLabels, models.Model):
    """A job held by a participant. Only ordinary (competitive) work counts as an outcome;
    work-training places are recorded with is_ordinary=False and never counted as jobs."""

    class EndReason(models.TextChoices):
        QUIT = "quit", _("Sa opp selv")
        DISMISSED = "dismissed", _("Ble sagt opp")
        TEMPORARY_ENDED = "temporary_ended", _("Midlertidig stilling gikk ut")
        OTHER = "other", _("Annet")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="jobs")
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("arbeidsgiver"),
    )
    title = models.CharField(_("stilling"), max_length=200)
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("sluttdato"), null=True, blank=True)
    hours_per_week = models.DecimalField(_("timer per uke"), max_digits=4, decimal_places=1)
    hourly_wage = models.DecimalField(
        _("timelønn (kr)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_ordinary = models.BooleanField(
        _("ordinært arbeid"),
        default=True,
        help_text=_(
            "Ordinær lønn i det åpne arbeidsmarkedet. Arbeidstrening telles ikke som jobb."
        ),
    )
    is_permanent = models.BooleanField(_("fast stilling"), default=False)
    disclosed = models.BooleanField(_("arbeidsgiver kjenner til helseutfordringer"), default=False)
    end_reason = models.CharField(
        _("årsak til slutt"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("merknad"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jobb")
        verbose_name_plural = _("jobber")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="job_end_not_before_start",
                violation_error_message=_("Sluttdato kan ikke være før startdato."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=100),
                name="job_hours_positive",
                violation_error_message=_("Timer per uke må være mellom 0 og 100."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_wage__isnull=True) | Q(hourly_wage__gte=0),
                name="job_wage_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="job_end_reason_with_end_date",
                violation_error_message=_("Oppgi årsak når jobben er avsluttet."),
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "start_date"], name="job_participant_idx"),
            models.Index(fields=["start_date", "end_date"], name="job_period_idx"),
        ]


@track_history
class EducationEpisode(ChoiceLabels, models.Model):
    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("Fullført")
        DROPPED_OUT = "dropped_out", _("Avbrutt")
        OTHER = "other", _("Annet")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="education_episodes"
    )
    institution = models.CharField(_("skole/lærested"), max_length=200)
    programme = models.CharField(_("utdanning/kurs"), max_length=200)
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("sluttdato"), null=True, blank=True)
    is_ordinary = models.BooleanField(_("ordinær utdanning"), default=True)
    end_reason = models.CharField(
        _("årsak til slutt"), max_length=20, choices=EndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utdanning")
        verbose_name_plural = _("utdanninger")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="education_end_not_before_start",
                violation_error_message=_("Sluttdato kan ikke være før startdato."),
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "start_date"], name="education_participant_idx")
        ]


# --- The shared concepts (DESIGN.md §6): one definition each ---------------------------------------
# Expressions over Participant rows, for filters and for conditional aggregates
# (`Count("pk", filter=active_on(day))`). The queryset methods above wrap them.


def status_on(day: dt.date) -> Coalesce:
    """A participant's status at the end of `day`, from the status history.

    The last status event on or before that day gives the status; if every event came later, the
    status before the first of them ("from" of the earliest later event) is the one that held;
    with no events at all, the current status is all we know.
    """
    events = ParticipantStatusEvent.objects.filter(participant=OuterRef("pk"))
    # `at` against an instant (not at__date) so each lookup is one step along the
    # (participant, at, id) index instead of a filter and sort per person and period.
    last_before = (
        events.filter(at__lt=end_of_day(day)).order_by("-at", "-id").values("to_status")[:1]
    )
    first_after = (
        events.filter(at__gte=end_of_day(day))
        .order_by("at", "id")
        .annotate(before=NullIf(F("from_status"), Value("")))
        .values("before")[:1]
    )
    return Coalesce(Subquery(last_before), Subquery(first_after), F("status"))


def active_on(day: dt.date) -> Q:
    """Active participant on a day: had entered by `day` and was in an active status at its end.
    The caseload on a day is exactly these people (every participant has a job specialist)."""
    return Q(entry_date__lte=day) & Q(In(status_on(day), list(Participant.ACTIVE_STATUSES)))


def served_during(start: dt.date, end: dt.date) -> Q:
    """Served in a period: on the caseload on at least one day of [start, end] — active on the
    first day, or entered during the period, or moved into an active status during it."""
    became_active = ParticipantStatusEvent.objects.filter(
        participant=OuterRef("pk"),
        to_status__in=Participant.ACTIVE_STATUSES,
        at__gte=end_of_day(start),
        at__lt=end_of_day(end),
    )
    return Q(entry_date__lte=end) & (
        active_on(start) | Q(entry_date__gte=start) | Q(Exists(became_active))
    )


def ordinary_jobs_overlapping(start: dt.date, end: dt.date) -> models.QuerySet[Job]:
    """Ordinary (competitive) jobs held on at least one day of [start, end]. Work-training places
    (is_ordinary=False) are never work in this sense."""
    return Job.objects.filter(is_ordinary=True, start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )


def working_during(start: dt.date, end: dt.date) -> Q:
    """Working in ordinary employment during a period: held an ordinary job on at least one day
    of [start, end] (a job that started before and ended inside the period counts; two jobs are
    one person)."""
    return Q(Exists(ordinary_jobs_overlapping(start, end).filter(participant=OuterRef("pk")))) & Q(
        entry_date__lte=end
    )


def in_education_during(start: dt.date, end: dt.date) -> Q:
    """In ordinary education during a period: an ordinary education episode on at least one day
    of [start, end] (courses that are not ordinary education never count)."""
    episodes = EducationEpisode.objects.filter(
        participant=OuterRef("pk"), is_ordinary=True, start_date__lte=end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    return Q(Exists(episodes)) & Q(entry_date__lte=end)


def in_person_contact() -> Q:
    """A contact met in person (face to face). Phone, video and messages have no place."""
    return Q(mode=Contact.Mode.FACE_TO_FACE)


def community_contact() -> Q:
    """Contact in the community: met in person outside the office — out and about, at the
    workplace or at the person's home (`Contact.COMMUNITY_PLACES`). The community share of time
    is community minutes ÷ in-person minutes (IPS target 65 %)."""
    return in_person_contact() & Q(place__in=Contact.COMMUNITY_PLACES)
