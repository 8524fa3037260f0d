import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ips.accounts.models import Membership
from ips.choices import ChoiceLabels


class AccessWhat(models.TextChoices):
    """What was shown, changed or exported: a code, shown as a translated label. A list page
    logs one event per person listed on it; `detail` names the object where it helps (an
    employer, a fidelity period)."""

    CASELOAD = "caseload", _("Portefølje (liste)")
    PARTICIPANT_PAGE = "participant_page", _("Deltakerside")
    CONTACT_LOG = "contact_log", _("Kontaktlogg")
    CONTACT_EDIT = "contact_edit", _("Retting av kontakt")
    VOCATIONAL_PROFILE = "vocational_profile", _("Yrkesprofil")
    ACTION_PLAN = "action_plan", _("Handlingsplan")
    ACTION_PLAN_REVIEW = "action_plan_review", _("Gjennomgang av handlingsplan")
    ACTION_PLAN_PDF = "action_plan_pdf", _("Handlingsplan (PDF)")
    JOB_START = "job_start", _("Jobbstart")
    JOB_END = "job_end", _("Jobbslutt")
    EDUCATION = "education", _("Utdanning")
    STATUS = "status", _("Status i IPS")
    EMPLOYER = "employer", _("Arbeidsgiverside")
    EMPLOYER_CONTACT_FORM = "employer_contact_form", _("Registrering av arbeidsgiverkontakt")
    EMPLOYER_LOG = "employer_log", _("Arbeidsgiverlogg")
    OPENING_NEW = "opening_new", _("Registrering av ledig stilling")
    OPENINGS = "openings", _("Ledige stillinger")
    JOB_DEVELOPMENT_WEEK = "job_development_week", _("Jobbutvikling (ukesoversikt)")
    REFERRAL_LIST = "referral_list", _("Henvisningsliste")
    INTAKE_QUEUE = "intake_queue", _("Inntakskø")
    REFERRAL_STATUS = "referral_status", _("Henvisningsstatus")
    REFERRAL_DETAIL = "referral_detail", _("Henvisning med helseopplysninger")
    ALERT_LIST = "alert_list", _("Varselliste")
    MY_DAY = "my_day", _("Min dag")
    APPOINTMENT = "appointment", _("Avtale")
    CALENDAR_FEED = "calendar_feed", _("Kalender på telefonen (iCalendar)")
    PARTNER_REFERRALS = "partner_referrals", _("Samarbeid: status for egne henvisninger")
    PARTNER_EXPORT = "partner_export", _("Samarbeid: eksport av egne henvisninger")
    FIDELITY_SAMPLE = "fidelity_sample", _("Utvalg til kvalitetsmåling")
    FIDELITY_REVIEW_PDF = "fidelity_review_pdf", _("Kvalitetsmåling (PDF)")
    FIDELITY_EXPORT = "fidelity_export", _("Eksport av kvalitetsmålinger")
    ACCESS_LOG = "access_log", _("Tilgangslogg")
    ACCESS_REPORT = "access_report", _("Tilgangsrapport")
    ACCESS_REPORT_PDF = "access_report_pdf", _("Tilgangsrapport (PDF)")
    UNUSUAL_ACCESS = "unusual_access", _("Uvanlig tilgang")
    HISTORY = "history", _("Historikk")
    SUBJECT_EXPORT = "subject_export", _("Innsyn: alle opplysninger")
    ANONYMISED = "anonymised", _("Anonymisert: lagringstiden er ute")
    CONTACT_DETAILS = "contact_details", _("Kontaktopplysninger")
    SEARCH = "search", _("Søk")
    SPREADSHEET_IMPORT = "spreadsheet_import", _("Import fra regneark")
    TEAM_EXPORT = "team_export", _("Eksport av teamets data (regneark)")
    OTHER = "other", _("Annet")


class AccessEvent(ChoiceLabels, models.Model):
    """Who read, changed or exported which participant's data. Append-only: database triggers
    (pgtrigger.Protect) refuse UPDATE, DELETE and TRUNCATE, so no code path can rewrite the log."""

    class Action(models.TextChoices):
        VIEW = "view", _("Lest")
        CHANGE = "change", _("Endret")
        EXPORT = "export", _("Eksportert")

    What = AccessWhat

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="access_events",
        verbose_name=_("bruker"),
    )
    # Role codes (Membership.Role values, comma-separated, or "system"); shown as labels.
    role = models.CharField(_("rolle"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisasjon"),
        help_text=_("Organisasjonen brukeren arbeidet for da opplysningene ble brukt."),
    )
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
        verbose_name=_("deltaker"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
        verbose_name=_("henvisning"),
    )
    what = models.CharField(_("hva"), max_length=40, choices=What.choices)
    detail = models.CharField(_("detalj"), max_length=200, blank=True)
    path = models.CharField(_("adresse"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["participant", "at"], name="access_participant_idx"),
            models.Index(fields=["user", "at"], name="access_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(what__in=AccessWhat.values),
                name="access_event_what_known",
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # TRUNCATE fires no DELETE trigger: refused by a statement trigger of its own. The app
            # role has no TRUNCATE right either (ips/dbroles.py); this stops the owner too.
            pgtrigger.Trigger(
                name="access_event_no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate rows from % table', TG_TABLE_NAME;",
            ),
        ]

    @property
    def role_display(self) -> str:
        return role_labels(self.role)

    @property
    def what_display(self) -> str:
        return what_label(self.what, self.detail)


ROLE_SYSTEM = "system"


def role_labels(codes: str) -> str:
    """The stored role codes ("job_specialist,leader") as translated labels."""
    labels = dict(Membership.Role.choices) | {ROLE_SYSTEM: _("System")}
    return ", ".join(str(labels.get(code, code)) for code in codes.split(",") if code)


def what_label(what: str, detail: str = "") -> str:
    """«Hva» for display: the translated label, and the detail where there is one. A detail
    that is itself a Norwegian label (the kind of record of a «Historikk» page) is translated;
    a name (an employer) is shown as written."""
    label = str(dict(AccessWhat.choices).get(what, what))
    if what == AccessWhat.OTHER and detail:
        return detail
    return f"{label}: {gettext(detail)}" if detail else label


def _export_storage():
    from django.core.files.storage import FileSystemStorage

    # The same private folder as the fidelity exports (never under MEDIA/static).
    root = getattr(settings, "FIDELITY_EXPORT_ROOT", None) or settings.BASE_DIR / "var" / "exports"
    return FileSystemStorage(location=root)


class AccessReportExport(ChoiceLabels, models.Model):
    """A large access report PDF, made in the background (Celery) while a page shows progress.
    The file is for the leader who asked, while they still lead the participant's team."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Lager PDF")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("språk"), max_length=5, default="nb")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    percent = models.PositiveSmallIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=_export_storage, upload_to="access-reports", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="access_report_export_percent"
            )
        ]
