from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels
from ips.db import OsloToday
from ips.history import track_history
from ips.validators import validate_national_id
from participants.models import InWorkAtReferral


@track_history
class Referral(ChoiceLabels, models.Model):
    """A henvisning, with the fields of the IPS kit's referral form.

    There is deliberately no "rejected" status: IPS has zero exclusion. A referral ends only
    when the person withdraws (or cannot be reached / moves), with the reason recorded.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        ASSIGNED = "assigned", _("Tildelt jobbspesialist")
        FIRST_MEETING_HELD = "first_meeting_held", _("Første møte holdt")
        WITHDRAWN = "withdrawn", _("Trukket av personen")

    class WithdrawalReason(models.TextChoices):
        DECLINED = "declined", _("Personen ønsker ikke å delta likevel")
        MOVED = "moved", _("Personen har flyttet")
        UNREACHABLE = "unreachable", _("Fikk ikke kontakt etter dokumenterte forsøk")
        OTHER = "other", _("Annet (beskriv)")
        # Not the person's choice but a merge: the same person was referred twice to the team.
        # Set only by `referral_merge`, which points the row to the record that is kept.
        DUPLICATE = "duplicate", _("Dobbel henvisning (slått sammen)")

    class ConsentMethod(models.TextChoices):
        VERBAL = "verbal", _("Muntlig")
        WRITTEN = "written", _("Skriftlig (signert)")
        DIGITAL = "digital", _("Digitalt (skjema eller melding)")

    OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED)

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("team")
    )
    # The person
    person_name = models.CharField(_("navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer / D-nummer"), max_length=11, validators=[validate_national_id]
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    # Where it came from
    referral_date = models.DateField(_("henvisningsdato"))
    source_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("henvist fra (organisasjon)"),
    )
    referrer_name = models.CharField(_("henvist av (navn)"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("henviserens telefon"), max_length=30, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_submitted",
        verbose_name=_("registrert av"),
    )
    date_received = models.DateField(_("dato mottatt"))
    in_work_at_referral = models.CharField(
        _("i arbeid ved henvisning"),
        max_length=10,
        choices=InWorkAtReferral.choices,
        default=InWorkAtReferral.UNKNOWN,
        help_text=_("Hadde personen lønnet arbeid da henvisningen ble skrevet?"),
    )
    # The person's consent to being referred. Empty on referrals made before it was recorded
    # (they still load); every new referral has all three (the form and `referral_submit`
    # require them, and a CHECK keeps them all-or-nothing).
    consent_given = models.BooleanField(_("samtykke gitt"), null=True, blank=True)
    consent_date = models.DateField(_("dato for samtykke"), null=True, blank=True)
    consent_method = models.CharField(
        _("hvordan samtykket ble gitt"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    # Intake
    assigned_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_referrals",
        verbose_name=_("henvist til (jobbspesialist)"),
    )
    assigned_at = models.DateTimeField(_("tildelt"), null=True, blank=True)
    first_meeting_date = models.DateField(_("dato for første møte"), null=True, blank=True)
    action_plan_completed_date = models.DateField(
        _("dato handlingsplan ferdig"), null=True, blank=True
    )
    # What helps the job specialist (the last four are health details: own team only)
    job_wishes = models.TextField(_("jobbønsker og anbefalinger om arbeidsmiljø"), blank=True)
    medication_side_effects = models.TextField(
        _("medisiner og bivirkninger som kan påvirke arbeid"), blank=True
    )
    substance_use = models.TextField(_("rusbruk"), blank=True)
    criminal_record = models.TextField(_("eventuelt rulleblad"), blank=True)
    other_information = models.TextField(_("annen nyttig informasjon"), blank=True)
    # Lifecycle
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    withdrawal_reason = models.CharField(
        _("årsak"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_note = models.TextField(_("beskrivelse"), blank=True)
    withdrawn_at = models.DateTimeField(_("trukket"), null=True, blank=True)
    # A merged duplicate points to the record that was kept: another referral of the team, or
    # the person's participant record in the team.
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
        verbose_name=_("slått sammen med henvisning"),
    )
    duplicate_of_participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("slått sammen med deltaker"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    HEALTH_FIELDS = ("medication_side_effects", "substance_use", "criminal_record")

    class Meta:
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        ordering = ["date_received", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_received__gte=F("referral_date")),
                name="referral_received_not_before_referral_date",
                violation_error_message=_("Mottatt dato kan ikke være før henvisningsdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(first_meeting_date__isnull=True)
                | Q(first_meeting_date__gte=F("date_received")),
                name="referral_first_meeting_not_before_received",
                violation_error_message=_(
                    "Første møte kan ikke være før henvisningen ble mottatt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(action_plan_completed_date__isnull=True)
                | Q(action_plan_completed_date__gte=F("date_received")),
                name="referral_plan_not_before_received",
                violation_error_message=_("Handlingsplanen kan ikke være ferdig før mottatt dato."),
            ),
            models.CheckConstraint(
                condition=Q(referral_date__lte=OsloToday())
                & Q(date_received__lte=OsloToday())
                & (Q(first_meeting_date__isnull=True) | Q(first_meeting_date__lte=OsloToday()))
                & (
                    Q(action_plan_completed_date__isnull=True)
                    | Q(action_plan_completed_date__lte=OsloToday())
                ),
                name="referral_dates_not_in_future",
                violation_error_message=_("Datoer kan ikke være frem i tid."),
            ),
            models.CheckConstraint(
                condition=(Q(status="withdrawn") & ~Q(withdrawal_reason=""))
                | (~Q(status="withdrawn") & Q(withdrawal_reason="")),
                name="referral_withdrawn_has_reason",
                violation_error_message=_("En trukket henvisning må ha en årsak."),
            ),
            models.CheckConstraint(
                condition=~Q(status="first_meeting_held") | Q(first_meeting_date__isnull=False),
                name="referral_met_has_first_meeting_date",
            ),
            models.CheckConstraint(
                condition=Q(status="received")
                | Q(assigned_specialist__isnull=False)
                | Q(status="withdrawn"),
                name="referral_assigned_has_specialist",
            ),
            models.CheckConstraint(
                condition=Q(
                    consent_given__isnull=True, consent_date__isnull=True, consent_method=""
                )
                | Q(
                    consent_given=True,
                    consent_date__isnull=False,
                    consent_method__in=["verbal", "written", "digital"],
                ),
                name="referral_consent_complete",
                violation_error_message=_("Samtykket må ha ja, dato og hvordan det ble gitt."),
            ),
            models.CheckConstraint(
                condition=Q(consent_date__isnull=True) | Q(consent_date__lte=OsloToday()),
                name="referral_consent_not_in_future",
                violation_error_message=_("Datoen for samtykket kan ikke være frem i tid."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(withdrawal_reason="duplicate")
                    & (
                        Q(duplicate_of__isnull=False, duplicate_of_participant__isnull=True)
                        | Q(duplicate_of__isnull=True, duplicate_of_participant__isnull=False)
                    )
                )
                | (
                    ~Q(withdrawal_reason="duplicate")
                    & Q(duplicate_of__isnull=True, duplicate_of_participant__isnull=True)
                ),
                name="referral_duplicate_points_to_kept",
                violation_error_message=_(
                    "En sammenslått henvisning må peke til henvisningen eller deltakeren som "
                    "beholdes."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")),
                name="referral_duplicate_not_itself",
            ),
            # Zero exclusion in the database too: no "rejected" (or any other) status can be
            # stored, whatever writes the row.
            models.CheckConstraint(
                condition=Q(status__in=["received", "assigned", "first_meeting_held", "withdrawn"]),
                name="referral_status_allowed",
                violation_error_message=_("Ukjent status for henvisningen."),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "date_received"], name="referral_queue_idx"),
            models.Index(fields=["source_organisation", "status"], name="referral_source_idx"),
            models.Index(fields=["assigned_specialist", "status"], name="referral_specialist_idx"),
            models.Index(fields=["national_id"], name="referral_national_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.date_received:%d.%m.%Y})"


class ReferralEvent(ChoiceLabels, models.Model):
    """One row per status change: who moved the referral from what to what, and when."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]
