from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from ips.choices import ChoiceLabels
from ips.history import track_history


def validate_orgnr(value: str) -> None:
    if value and not orgnr.is_valid(value):
        raise ValidationError(
            _("Organisasjonsnummeret er ikke gyldig (9 siffer med riktig kontrollsiffer)."),
            code="invalid_orgnr",
        )


class User(AbstractUser):
    """Staff and partner users. Roles come from Membership rows, never from flags on the user."""

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organisation(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        NAV = "nav", _("NAV-kontor")
        DPS = "dps", _("DPS (distriktspsykiatrisk senter)")
        ARA = "ara", _("ARA (rus- og avhengighetsbehandling)")
        MUNICIPALITY = "municipality", _("Kommune")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, blank=True, validators=[validate_orgnr]
    )
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@track_history
class Team(models.Model):
    """An IPS team: job specialists and their leader, hosted by one organisation."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_teams",
        verbose_name=_("vertsorganisasjon"),
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_teams",
        verbose_name=_("samarbeidende organisasjoner"),
        help_text=_("NAV-kontor, DPS, ARA og andre som henviser til og samarbeider med teamet."),
    )
    caseload_warning = models.PositiveSmallIntegerField(
        _("varsel ved portefølje over"),
        default=20,
        help_text=_("IPS anbefaler høyst 20 deltakere per jobbspesialist."),
    )
    caseload_limit = models.PositiveSmallIntegerField(
        _("brudd ved portefølje over"),
        default=25,
        help_text=_("Over dette regnes porteføljen som for stor (IPS-skalaen: høyst 25)."),
    )
    shares_employers_with = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="employer_registers_shared_with_me",
        verbose_name=_("deler arbeidsgiverregisteret med"),
    )
    is_active = models.BooleanField(_("aktivt"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("IPS-team")
        verbose_name_plural = _("IPS-team")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_warning__lte=models.F("caseload_limit")),
                name="team_caseload_warning_not_above_limit",
                violation_error_message=_("Varselgrensen kan ikke være høyere enn bruddgrensen."),
            ),
            models.CheckConstraint(
                condition=Q(caseload_limit__gte=1), name="team_caseload_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@track_history
class Membership(ChoiceLabels, models.Model):
    """What a user may do, and where. Ended memberships are kept (nothing is hard-deleted)."""

    class Role(models.TextChoices):
        JOB_SPECIALIST = "job_specialist", _("Jobbspesialist")
        LEADER = "ips_leader", _("IPS-leder")
        PARTNER = "partner", _("Samarbeidspartner (NAV/DPS/ARA)")
        AUDITOR = "auditor", _("Kvalitetsmåler (fidelity)")
        # A regional IPS coordinator or the grant giver: one membership per team they follow.
        # Sees the teams' fidelity results as aggregates only, never a participant.
        COORDINATOR = "coordinator", _("Regional koordinator / tilskuddsgiver")

    TEAM_ROLES = (Role.JOB_SPECIALIST, Role.LEADER, Role.AUDITOR, Role.COORDINATOR)

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("bruker")
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("team"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisasjon"),
    )
    started_at = models.DateTimeField(_("fra"), auto_now_add=True)
    ended_at = models.DateTimeField(_("til"), null=True, blank=True)
    # A job specialist's position size in the team: caseloads are compared per full-time
    # equivalent (IPS-25 item 1), so 12 participants at 50 % is 24 per FTE.
    position_percent = models.PositiveSmallIntegerField(
        _("stillingsprosent"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Stillingsstørrelse i teamet, 1–100 %. Brukes for jobbspesialister."),
    )

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.CheckConstraint(
                condition=Q(position_percent__gte=1, position_percent__lte=100),
                name="membership_position_percent_1_to_100",
                violation_error_message=_("Stillingsprosenten må være mellom 1 og 100."),
            ),
            # Team roles belong to a team; partners belong to an organisation. Never both.
            models.CheckConstraint(
                condition=(
                    Q(role="partner", organisation__isnull=False, team__isnull=True)
                    | (~Q(role="partner") & Q(team__isnull=False, organisation__isnull=True))
                ),
                name="membership_scope_matches_role",
                violation_error_message=_(
                    "Partnere knyttes til en organisasjon; jobbspesialister, ledere, "
                    "kvalitetsmålere og koordinatorer til et team."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "team"],
                condition=Q(ended_at__isnull=True, team__isnull=False),
                name="membership_one_active_per_user_role_team",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(ended_at__isnull=True, organisation__isnull=False),
                name="membership_one_active_per_user_role_org",
            ),
        ]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.team or self.organisation}"
