from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deadlines.rules import rule_choices
from ips.choices import ChoiceLabels
from ips.history import track_history


@track_history
class Alert(ChoiceLabels, models.Model):
    """A breach of an IPS time rule for one subject. Never deleted: open → acknowledged →
    resolved (automatically, when the condition clears)."""

    class SubjectKind(models.TextChoices):
        REFERRAL = "referral", _("Henvisning")
        PARTICIPANT = "participant", _("Deltaker")
        SPECIALIST = "specialist", _("Jobbspesialist")
        TEAM = "team", _("Team")

    class State(models.TextChoices):
        OPEN = "open", _("Åpen")
        ACKNOWLEDGED = "acknowledged", _("Kvittert")
        RESOLVED = "resolved", _("Løst")

    class Severity(models.TextChoices):
        # Context: as a severity "Varsel" means a warning; elsewhere "Varsel" is an alert.
        WARNING = "warning", pgettext_lazy("alert severity", "Varsel")
        BREACH = "breach", pgettext_lazy("alert severity", "Brudd")

    rule = models.CharField(_("regel"), max_length=40)
    severity = models.CharField(_("alvorlighet"), max_length=10, choices=Severity.choices)
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField()
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="alerts", verbose_name=_("team")
    )
    # Who should act: the job specialist for referral/participant/specialist alerts.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("ansvarlig"),
    )
    state = models.CharField(
        _("tilstand"), max_length=15, choices=State.choices, default=State.OPEN
    )
    first_breached_at = models.DateTimeField(_("oppdaget"))
    due_date = models.DateField(_("frist"), null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledge_comment = models.TextField(_("kommentar"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["first_breached_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_kind", "subject_id"],
                condition=~Q(state="resolved"),
                name="alert_one_unresolved_per_rule_subject",
            ),
            models.CheckConstraint(
                condition=Q(state="resolved", resolved_at__isnull=False)
                | (~Q(state="resolved") & Q(resolved_at__isnull=True)),
                name="alert_resolved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "state", "rule"], name="alert_team_state_idx"),
            models.Index(fields=["owner", "state"], name="alert_owner_state_idx"),
            models.Index(fields=["subject_kind", "subject_id"], name="alert_subject_idx"),
        ]


class AlertEvent(ChoiceLabels, models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=15, choices=Alert.State.choices, blank=True)
    to_state = models.CharField(max_length=15, choices=Alert.State.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["alert", "at"], name="alert_event_idx")]


class TeamRuleSetting(ChoiceLabels, models.Model):
    """A team's own threshold for a rule, or the rule switched off. Without a row the rule's
    default applies (for the caseload rules: the team's caseload_warning / caseload_limit)."""

    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="rule_settings",
        verbose_name=_("team"),
    )
    rule = models.CharField(_("regel"), max_length=40, choices=rule_choices)
    threshold = models.PositiveIntegerField(
        _("terskel"),
        null=True,
        blank=True,
        help_text=_("Tom: standardverdien for regelen brukes."),
    )
    enabled = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("varselregel for team")
        verbose_name_plural = _("varselregler for team")
        ordering = ["team", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["team", "rule"], name="team_rule_setting_unique"),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gte=1),
                name="team_rule_setting_threshold_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} – {self.rule}"


class DigestLog(models.Model):
    """One row per user and day the alert digest went out. Inserted before sending, under a
    unique constraint, so a second run of the digest task the same day sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    sent_at = models.DateTimeField()
    alert_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_user_per_day")
        ]
