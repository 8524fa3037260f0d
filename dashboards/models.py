from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ips.choices import ChoiceLabels


class PeriodPreference(ChoiceLabels, models.Model):
    """The reporting period a user last chose on a dashboard, shown again next time."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Kvartal")
        HALF = "half", _("Halvår")
        YEAR = "year", _("År")
        CUSTOM = "custom", _("Egendefinert")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_period"
    )
    kind = models.CharField(_("periode"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("kvartal/halvår"), null=True, blank=True)
    start = models.DateField(_("fra"), null=True, blank=True)
    end = models.DateField(_("til"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("valgt rapportperiode")
        verbose_name_plural = _("valgte rapportperioder")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="quarter", year__isnull=False, number__gte=1, number__lte=4)
                    | Q(kind="half", year__isnull=False, number__gte=1, number__lte=2)
                    | Q(kind="year", year__isnull=False)
                    | Q(kind="custom", start__isnull=False, end__gte=F("start"))
                ),
                name="period_preference_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"
