import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    """Who read, changed or exported which participant's data. Append-only: database triggers
    (pgtrigger.Protect) refuse UPDATE, DELETE and TRUNCATE, so no code path can rewrite the log."""

    class Action(models.TextChoices):
        VIEW = "view", _("Lest")
        CHANGE = "change", _("Endret")
        EXPORT = "export", _("Eksportert")

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="access_events",
        verbose_name=_("bruker"),
    )
    role = models.CharField(_("rolle"), max_length=40, blank=True)
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
    what = models.CharField(_("hva"), max_length=200)
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
