import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from participants.models import Participant

ACTIVE = "active"
ALL = "all"


class CaseloadFilter(django_filters.FilterSet):
    """Status (active by default), specialist (leaders only), name search and sorting."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Søk på navn")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ACTIVE, _("Alle aktive")), (ALL, _("Alle")), *Participant.Status.choices],
        method="filter_status",
        empty_label=None,
    )
    specialist = django_filters.ModelChoiceFilter(
        label=_("Jobbspesialist"),
        field_name="job_specialist",
        queryset=None,
        empty_label=_("Alle jobbspesialister"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sorter etter"),
        choices=[
            ("name", _("Navn (A–Å)")),
            ("-name", _("Navn (Å–A)")),
            ("days", _("Flest dager siden kontakt")),
            ("-days", _("Færrest dager siden kontakt")),
        ],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Participant
        fields: list[str] = []

    def __init__(self, data=None, *args, specialists=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", ACTIVE)
        data.setdefault("sort", "name")
        super().__init__(data, *args, **kwargs)
        if specialists is None:
            del self.filters["specialist"]
        else:
            self.filters["specialist"].queryset = specialists
        for name in ("q",):
            self.form.fields[name].widget = forms.TextInput(attrs={"type": "search"})

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.active()
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_sort(self, queryset, name, value):
        if value in ("days", "-days"):
            # Most days since contact = oldest last contact first; never contacted comes first.
            order = (
                F("last_contact_date").asc(nulls_first=True)
                if value == "days"
                else F("last_contact_date").desc(nulls_last=True)
            )
            return queryset.order_by(order, "name", "id")
        return queryset.order_by(value, "id")
