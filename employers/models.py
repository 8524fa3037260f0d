from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ips.accounts.models import validate_orgnr
from ips.choices import ChoiceLabels
from ips.db import OsloToday
from ips.history import track_history


@track_history
class Employer(models.Model):
    """An employer in a team's register. The register is shared within the team and, by the
    team's choice, with the teams listed in Team.shares_employers_with."""

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="employers", verbose_name=_("team")
    )
    name = models.CharField(_("navn"), max_length=200)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, blank=True, validators=[validate_orgnr]
    )
    industry = models.CharField(_("bransje"), max_length=200, blank=True)
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    notes = models.TextField(_("notater"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)

    class Meta:
        verbose_name = _("arbeidsgiver")
        verbose_name_plural = _("arbeidsgivere")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "org_number"],
                condition=~Q(org_number=""),
                name="employer_orgnr_unique_per_register",
                violation_error_message=_("Denne arbeidsgiveren finnes allerede i registeret."),
            )
        ]
        indexes = [
            models.Index(fields=["team", "name"], name="employer_team_name_idx"),
            models.Index(fields=["org_number"], name="employer_orgnr_idx"),
        ]

    def __str__(self) -> str:
        return self.name


@track_history
class EmployerContactPerson(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="contact_persons")
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@track_history
class EmployerContact(ChoiceLabels, models.Model):
    """One line of the arbeidsgiverlogg (job development)."""

    class Purpose(models.TextChoices):
        FIRST_VISIT = "first_visit", _("Første besøk / bli kjent med behov")
        FOLLOW_UP = "follow_up", _("Oppfølgingsbesøk")
        ON_BEHALF = "on_behalf", _("På vegne av en jobbsøker")
        SUPPORT_EMPLOYED = "support_employed", _("Støtte til deltaker i jobb")
        OTHER = "other", _("Annet")

    class Outcome(models.TextChoices):
        LEARNED_NEEDS = "learned_needs", _("Lærte om behov")
        JOB_OPENING = "job_opening", _("Ledig stilling")
        INTERVIEW = "interview", _("Intervju")
        HIRE = "hire", _("Ansettelse")
        NO_NEED = "no_need", _("Ikke behov nå")

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="employer_contacts"
    )
    job_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employer_contacts",
        verbose_name=_("jobbspesialist"),
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("arbeidsgiver")
    )
    contact_person = models.ForeignKey(
        EmployerContactPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kontaktperson"),
    )
    contact_date = models.DateField(_("dato"))
    face_to_face = models.BooleanField(_("ansikt til ansikt"), default=True)
    purpose = models.CharField(_("formål"), max_length=20, choices=Purpose.choices)
    outcome = models.CharField(_("resultat"), max_length=20, choices=Outcome.choices, blank=True)
    participants = models.ManyToManyField(
        "participants.Participant",
        through="EmployerContactParticipant",
        blank=True,
        related_name="employer_contacts",
        verbose_name=_("på vegne av"),
    )
    note = models.TextField(_("notat"), blank=True)
    next_step = models.CharField(_("neste steg"), max_length=300, blank=True)
    next_step_date = models.DateField(_("dato for neste steg"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("arbeidsgiverkontakt")
        verbose_name_plural = _("arbeidsgiverlogg")
        ordering = ["-contact_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_date__lte=OsloToday()),
                name="employer_contact_not_in_future",
                violation_error_message=_("En kontakt kan ikke være frem i tid."),
            ),
            models.CheckConstraint(
                condition=Q(next_step_date__isnull=True) | Q(next_step_date__gte=F("contact_date")),
                name="employer_contact_next_step_not_before_contact",
                violation_error_message=_("Neste steg kan ikke være før kontakten."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["job_specialist", "contact_date"], name="empcontact_specialist_idx"
            ),
            models.Index(fields=["employer", "contact_date"], name="empcontact_employer_idx"),
            models.Index(fields=["team", "contact_date"], name="empcontact_team_idx"),
        ]


class EmployerContactParticipant(models.Model):
    employer_contact = models.ForeignKey(EmployerContact, on_delete=models.PROTECT)
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employer_contact", "participant"], name="empcontact_participant_unique"
            )
        ]
        indexes = [
            models.Index(fields=["participant", "employer_contact"], name="empcontact_part_idx")
        ]


@track_history
class JobOpening(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        FILLED = "filled", _("Besatt")
        CLOSED = "closed", _("Lukket")

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="job_openings")
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        related_name="job_openings",
        verbose_name=_("arbeidsgiver"),
    )
    source_contact = models.ForeignKey(
        EmployerContact, null=True, blank=True, on_delete=models.PROTECT, related_name="openings"
    )
    title = models.CharField(_("stilling"), max_length=200)
    hours_per_week = models.DecimalField(
        _("timer per uke"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    deadline = models.DateField(_("søknadsfrist"), null=True, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    matched_participants = models.ManyToManyField(
        "participants.Participant",
        blank=True,
        related_name="job_openings",
        verbose_name=_("aktuelle deltakere"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledig stilling")
        verbose_name_plural = _("ledige stillinger")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gt=0, hours_per_week__lte=100),
                name="job_opening_hours_positive",
            )
        ]
        indexes = [models.Index(fields=["team", "status"], name="job_opening_team_idx")]

    def __str__(self) -> str:
        return f"{self.title} – {self.employer}"
