"""Planned meetings of a job specialist, and the specialist's private calendar feed.

An appointment is never deleted: it is planned, then done (it became the logged contact, the
first meeting or the employer contact) or cancelled. Moves and cancellations are history rows
(ips.history.track_history), naming who made them.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels
from ips.history import track_history
from participants.models import Contact


@track_history
class Appointment(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Møte med deltaker")
        FIRST_MEETING = "first_meeting", _("Første møte")
        EMPLOYER = "employer", _("Møte med arbeidsgiver")
        TREATMENT_TEAM = "treatment_team", _("Møte med behandlingsteam")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        DONE = "done", _("Holdt")
        CANCELLED = "cancelled", _("Avlyst")

    MAX_DURATION_MINUTES = Contact.MAX_DURATION_MINUTES

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("jobbspesialist"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("deltaker"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("henvisning"),
    )
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("arbeidsgiver"),
    )
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveIntegerField(_("varighet (minutter)"), default=60)
    mode = models.CharField(
        _("form"), max_length=20, choices=Contact.Mode.choices, default=Contact.Mode.FACE_TO_FACE
    )
    place = models.CharField(_("hvor"), max_length=20, choices=Contact.Place.choices, blank=True)
    location = models.CharField(_("sted"), max_length=200, blank=True)
    with_whom = models.CharField(_("med hvem"), max_length=200, blank=True)
    note = models.TextField(_("notat"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # What the appointment became once held: the contact in the participant's log (a meeting
    # with the person or their treatment team, or the first meeting), or the employer log line.
    contact = models.ForeignKey(
        "participants.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_contact = models.ForeignKey(
        "employers.EmployerContact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avtale")
        verbose_name_plural = _("avtaler")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "done", "cancelled"]),
                name="appointment_status_known",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="appointment_duration_range",
            ),
            # Each kind has its subject: the person, the referral, or the employer.
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["participant", "treatment_team"], participant__isnull=False)
                    & Q(referral__isnull=True, employer__isnull=True)
                )
                # Once held, a first meeting also points to the participant it made.
                | Q(kind="first_meeting", referral__isnull=False, employer__isnull=True)
                | Q(kind="employer", employer__isnull=False, referral__isnull=True),
                name="appointment_kind_has_subject",
            ),
            # Only a meeting in person has a place (as in the contact log); a first meeting is
            # always in person.
            models.CheckConstraint(
                condition=Q(mode="face_to_face") | Q(place=""), name="appointment_place_in_person"
            ),
            models.CheckConstraint(
                condition=~Q(kind="first_meeting") | Q(mode="face_to_face"),
                name="appointment_first_meeting_in_person",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "starts_at"], name="appointment_owner_idx"),
            models.Index(fields=["participant", "starts_at"], name="appointment_participant_idx"),
            models.Index(fields=["referral", "status"], name="appointment_referral_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%d.%m.%Y %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class CalendarFeed(models.Model):
    """A specialist's private iCalendar feed. Only a SHA-256 hash of the secret token is
    stored: the address is shown once, when the feed is switched on. Revoking keeps the row."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_owner",
            )
        ]
