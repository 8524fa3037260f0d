"""A team moving in from its spreadsheets, and taking everything out again.

An import is a run: the uploaded file (kept on the run until it is confirmed or abandoned, never
as case data), the sheets and column mapping the leader chose, and one row per spreadsheet row
with its planned outcome and field messages. Nothing reaches the case records until the leader
confirms; the summary of a confirmed run stays on the team.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels


class Kind(models.TextChoices):
    """What one sheet holds. Import order follows dependencies (employers before jobs...)."""

    EMPLOYERS = "employers", _("Arbeidsgivere")
    CONTACT_PERSONS = "contact_persons", _("Kontaktpersoner")
    PARTICIPANTS = "participants", _("Deltakere")
    REFERRALS = "referrals", _("Henvisninger")
    CONTACTS = "contacts", _("Kontakter")
    EMPLOYER_CONTACTS = "employer_contacts", _("Arbeidsgiverlogg")
    JOBS = "jobs", _("Jobber")
    EDUCATION = "education", _("Utdanning")


class Outcome(models.TextChoices):
    NEW = "new", _("Ny")
    UPDATE = "update", _("Endret")
    UNCHANGED = "unchanged", _("Uendret")
    CONFLICT = "conflict", _("Konflikt")
    ERROR = "error", _("Feil")


def _export_storage():
    from django.core.files.storage import FileSystemStorage

    # The same private folder as the other exports (never under MEDIA/static).
    root = getattr(settings, "FIDELITY_EXPORT_ROOT", None) or settings.BASE_DIR / "var" / "exports"
    return FileSystemStorage(location=root)


class ColumnMapping(ChoiceLabels, models.Model):
    """The column mapping a team last used for a kind of sheet: {header: field}. Offered again
    the next time the team imports a sheet of that kind."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="column_mapping_one_per_kind")
        ]


class ImportRun(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Lastet opp")
        PLANNING = "planning", _("Lager forhåndsvisning")
        PREVIEW = "preview", _("Forhåndsvisning klar")
        IMPORTING = "importing", _("Importerer")
        DONE = "done", _("Importert")
        FAILED = "failed", _("Feilet")
        ABANDONED = "abandoned", _("Avbrutt")

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("filnavn"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0)
    # The upload itself, read again at the preview; emptied once the run is done or abandoned.
    content = models.BinaryField(default=bytes)
    # [{"name": sheet, "kind": kind or "", "header": [...], "mapping": {column index: field}}]
    sheets = models.JSONField(default=list)
    language = models.CharField(max_length=5, default="nb")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    percent = models.PositiveSmallIntegerField(default=0)
    # {outcome: rows} of the last preview, and of the import once done.
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status", "finished_at"], name="import_run_team_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="import_run_percent")
        ]

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PLANNING, self.Status.IMPORTING)


class ImportRow(ChoiceLabels, models.Model):
    """One spreadsheet row of a run: the values by field (as read, or as corrected in the
    preview), and its planned outcome with a message per field."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    sheet = models.CharField(max_length=100)
    row_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    values = models.JSONField(default=dict)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    messages = models.JSONField(default=dict)
    label = models.CharField(max_length=300, blank=True)
    # The existing participant the row matched (for the access log of the preview page).
    participant_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="import_row_position_unique")
        ]
        indexes = [
            models.Index(fields=["run", "outcome", "position"], name="import_row_outcome_idx")
        ]


class TeamExport(ChoiceLabels, models.Model):
    """The team's full data as one workbook, built in the background for the leader."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Lager arbeidsbok")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=5, default="nb")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    percent = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(storage=_export_storage, upload_to="team-exports", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="team_export_percent")
        ]
