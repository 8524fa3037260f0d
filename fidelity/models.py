from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels
from ips.db import OsloToday
from ips.history import track_history


class Scale(models.Model):
    """A fidelity scale version (IPS-25, IPS-15, ...). Scales are data: a new version is added
    with a data migration or the admin, never with code. Bands are stored as JSON:
    [{"min": 115, "key": "exemplary", "name_nb": "...", "name_en": "..."}, ...] (highest first)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name_nb = models.CharField(_("navn (bokmål)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    version = models.CharField(_("versjon"), max_length=20)
    is_default = models.BooleanField(_("standard"), default=False)
    bands = models.JSONField(_("nivåer"), default=list)

    class Meta:
        verbose_name = _("kvalitetsskala")
        verbose_name_plural = _("kvalitetsskalaer")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="scale_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name_nb


class Section(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="sections")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40)
    name_nb = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "key"], name="section_key_unique_per_scale")
        ]


class Item(models.Model):
    """One item of a scale. `anchors_nb`/`anchors_en`: {"1": "...", ..., "5": "..."}.
    `indicator`: the code of the system-computed indicator shown beside it (may be blank)."""

    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    name_nb = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nb = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    anchors_nb = models.JSONField(default=dict)
    anchors_en = models.JSONField(default=dict)
    indicator = models.CharField(max_length=40, blank=True)
    # Optional per-item thresholds that turn the indicator's value into a suggested score
    # (4 limits for scores 5, 4, 3, 2); empty = the indicator's default (IPS-25) limits.
    suggestion_limits = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["scale", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="item_number_unique_per_scale")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_nb}"


@track_history
class Review(ChoiceLabels, models.Model):
    """A fidelity review (kvalitetsmåling) of one team for one period, on one scale version."""

    class Kind(models.TextChoices):
        SELF = "self", _("Egenvurdering")
        EXTERNAL = "external", _("Ekstern måling")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SCORING = "scoring", _("Skåring")
        FINAL = "final", _("Endelig")

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="fidelity_reviews"
    )
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="reviews")
    period = models.CharField(_("periode"), max_length=7, help_text=_("F.eks. 2026-H1."))
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="fidelity_reviews", verbose_name=_("målere")
    )
    visit_start = models.DateField(_("besøk fra"), null=True, blank=True)
    visit_end = models.DateField(_("besøk til"), null=True, blank=True)
    # Sampled records are readable by the reviewers until this date (the review window).
    sample_access_until = models.DateField(_("journalgjennomgang til"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kvalitetsmåling")
        verbose_name_plural = _("kvalitetsmålinger")
        ordering = ["-period_end", "team"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="review_period_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["team", "period", "kind"], name="review_one_per_team_period_kind"
            ),
        ]
        indexes = [models.Index(fields=["team", "period_end"], name="review_team_period_idx")]

    def __str__(self) -> str:
        return f"{self.team} {self.period} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("fidelity:review_detail", kwargs={"pk": self.pk})


@track_history
class ItemScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("skår"), null=True, blank=True)
    rationale = models.TextField(_("begrunnelse"), blank=True)
    data_sources = models.TextField(_("datakilder"), blank=True)
    recommendation = models.TextField(_("anbefaling"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Which of the manual's four data sources (DataSource, below) the score rests on.
    # A database default as well: bulk SQL (the national demo seed) inserts scores without it.
    sources = ArrayField(models.CharField(max_length=20), default=list, db_default="{}", blank=True)

    class Meta:
        ordering = ["item__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="item_score_between_1_and_5",
                violation_error_message=_("Skåren må være mellom 1 og 5."),
            ),
            models.UniqueConstraint(fields=["review", "item"], name="item_score_unique"),
        ]


class ReviewEvent(ChoiceLabels, models.Model):
    """Status changes of a review, including a recorded reopening of a final review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=Review.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Review.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class SampledRecord(models.Model):
    """A participant drawn into a review's chart-review sample."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="sample")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "participant"], name="sampled_record_unique")
        ]


def _export_storage():
    from django.core.files.storage import FileSystemStorage

    root = getattr(settings, "FIDELITY_EXPORT_ROOT", None) or settings.BASE_DIR / "var" / "exports"
    return FileSystemStorage(location=root)


class ReviewExport(ChoiceLabels, models.Model):
    """A background export of all reviews for one period (one PDF per review, zipped)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Lager PDF-er")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("periode"), max_length=7)
    language = models.CharField(_("språk"), max_length=5, default="nb")
    # The reviews to export are fixed when the export is requested (the requester's scope then).
    review_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done_count = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=_export_storage, upload_to="fidelity", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def total(self) -> int:
        return len(self.review_ids)

    @property
    def percent(self) -> int:
        if not self.review_ids:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * self.done_count / len(self.review_ids))


class MentoringEntry(ChoiceLabels, models.Model):
    """The IPS leader's field-mentoring log (feltveiledning): one row per occasion the leader
    worked alongside a job specialist. Reviewers read it for the supervision item (IPS-25 O5:
    the leader joins field work). Kept, never deleted: the log is evidence."""

    class Activity(models.TextChoices):
        JOINT_EMPLOYER_VISIT = "joint_employer_visit", _("Felles arbeidsgiverbesøk")
        JOB_DEVELOPMENT_COACHING = "job_development_coaching", _("Veiledning i jobbutvikling")
        CASE_REVIEW = "case_review", _("Saksgjennomgang")
        OTHER = "other", _("Annet")

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="mentoring_entries"
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentoring_received",
        verbose_name=_("jobbspesialist"),
    )
    date = models.DateField(_("dato"))
    activity = models.CharField(_("hva ble gjort"), max_length=30, choices=Activity.choices)
    notes = models.TextField(_("notater"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feltveiledning")
        verbose_name_plural = _("feltveiledninger")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    activity__in=[
                        "joint_employer_visit",
                        "job_development_coaching",
                        "case_review",
                        "other",
                    ]
                ),
                name="mentoring_entry_activity_known",
            ),
            models.CheckConstraint(
                condition=Q(date__lte=OsloToday()),
                name="mentoring_entry_date_not_in_future",
                violation_error_message=_("Datoen kan ikke være fram i tid."),
            ),
        ]
        indexes = [models.Index(fields=["team", "date"], name="mentoring_team_date_idx")]


# --- Independent scoring, evidence, chart review, report and quality plan (issue 20) ------------


class DataSource(models.TextChoices):
    """The four data sources of the Fidelity Review Manual."""

    RECORDS = "records", _("Journaler og fagsystem")
    DOCUMENTS = "documents", _("Dokumenter")
    INTERVIEWS = "interviews", _("Intervjuer")
    OBSERVATION = "observation", _("Observasjon")


@track_history
class ReviewerScore(models.Model):
    """One reviewer's own score of one item, given before the reviewers compare. The review's
    consensus is the item's ItemScore; these stay beside it (also when the review is final)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reviewer_scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("skår"), null=True, blank=True)
    rationale = models.TextField(_("begrunnelse"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="reviewer_score_between_1_and_5",
                violation_error_message=_("Skåren må være mellom 1 og 5."),
            ),
            models.UniqueConstraint(
                fields=["review", "item", "reviewer"], name="reviewer_score_unique"
            ),
        ]


class ReviewerSubmission(models.Model):
    """A reviewer has handed in their own scores: from then on they are locked, and once every
    reviewer has handed in, the scores are shown side by side."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="submissions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer"], name="reviewer_submission_unique"
            )
        ]


@track_history
class ReviewNote(ChoiceLabels, models.Model):
    """An interview or observation note, linked to the items it informs. The reviewers' own:
    shown to the review's reviewers and, once the review is final, to the team's leader."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Intervju")
        OBSERVATION = "observation", _("Observasjon")

    class Interviewee(models.TextChoices):
        LEADER = "leader", _("IPS-leder")
        SPECIALIST = "specialist", _("Jobbspesialist")
        CLINICIAN = "clinician", _("Behandler")
        PARTICIPANT = "participant", _("Deltaker")
        NAV = "nav", _("NAV-kontakt")
        EMPLOYER = "employer", _("Arbeidsgiver")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    interviewee = models.CharField(
        _("hvem ble intervjuet"), max_length=20, choices=Interviewee.choices, blank=True
    )
    held_on = models.DateField(_("dato"))
    notes = models.TextField(_("notater"))
    items = models.ManyToManyField(Item, related_name="+", verbose_name=_("punkter"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="interview") & ~Q(interviewee=""))
                | (Q(kind="observation") & Q(interviewee="")),
                name="review_note_interviewee_for_interviews",
            )
        ]


class ChartCheck(models.TextChoices):
    """The checks of the chart-review worksheet, each feeding one item (by its code)."""

    PROFILE = "profile", _("Yrkesprofil startet og oppdatert etter jobbstart")
    RAPID_CONTACT = "rapid_contact", _("Første møte med arbeidsgiver innen 30 dager")
    PREFERENCES = "preferences", _("Arbeidsgiverkontakter følger deltakerens ønsker")
    BENEFITS = "benefits", _("Tilbudt veiledning om ytelser")
    FOLLOW_ALONG = "follow_along", _("Oppfølging etter jobbstart")
    TIME_UNLIMITED = (
        "time_unlimited",
        _("Tidsubegrenset oppfølging (ikke avsluttet for uteblivelse)"),
    )


@track_history
class ChartReviewAnswer(ChoiceLabels, models.Model):
    """The reviewer's answer to one check for one sampled record: the system's computed value
    confirmed or corrected. `computed` keeps what the records said when the answer was given."""

    class Answer(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nei")
        NOT_APPLICABLE = "na", _("Ikke aktuelt")

    record = models.ForeignKey(SampledRecord, on_delete=models.PROTECT, related_name="answers")
    check_code = models.CharField(max_length=20, choices=ChartCheck.choices)
    answer = models.CharField(max_length=5, choices=Answer.choices)
    computed = models.CharField(max_length=5, choices=Answer.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "check_code"], name="chart_answer_unique"),
            models.CheckConstraint(
                condition=Q(check_code__in=ChartCheck.values), name="chart_answer_known_check"
            ),
        ]


@track_history
class SectionReport(models.Model):
    """The report's strengths for one section of the scale (recommendations are per item)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="section_reports")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("styrker"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "section"], name="section_report_unique")
        ]


@track_history
class QualityAction(ChoiceLabels, models.Model):
    """An action in the team's quality plan, made by the leader from a recommendation of a
    final review and followed up at the next review."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("Pågår")
        DONE = "done", _("Gjennomført")
        DROPPED = "dropped", _("Ikke gjennomført")

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="quality_actions"
    )
    recommendation = models.ForeignKey(
        ItemScore, on_delete=models.PROTECT, related_name="quality_actions"
    )
    action = models.TextField(_("tiltak"))
    responsible = models.CharField(_("ansvarlig"), max_length=200)
    target_date = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "done", "dropped"]),
                name="quality_action_status_known",
            )
        ]
