import django_filters
import django_filters.widgets
from django import forms
from django.utils.translation import gettext_lazy as _

from ips.access import scope_for, teams_for
from ips.accounts.models import Membership, Organisation, User
from referrals.models import Referral


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two native date pickers (`received_after`, `received_before`) with ISO values."""

    def __init__(self, attrs=None):
        widgets = (
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        django_filters.widgets.SuffixedMultiWidget.__init__(self, widgets, attrs)


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Referral.Status.choices, label=_("Status"), empty_label=_("Alle")
    )
    team = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Team"), empty_label=_("Alle team")
    )
    specialist = django_filters.ModelChoiceFilter(
        field_name="assigned_specialist",
        queryset=None,
        label=_("Jobbspesialist"),
        empty_label=_("Alle"),
    )
    source_organisation = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Henvist fra"), empty_label=_("Alle")
    )
    received = django_filters.DateFromToRangeFilter(
        field_name="date_received", label=_("Mottatt mellom"), widget=DateRangeWidget()
    )

    class Meta:
        model = Referral
        fields = ("status", "team", "specialist", "source_organisation", "received")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.filters["team"].queryset = teams_for(user).order_by("name")
        if scope.staff_team_ids:
            self.filters["specialist"].queryset = User.objects.filter(
                memberships__team_id__in=scope.staff_team_ids,
                memberships__role=Membership.Role.JOB_SPECIALIST,
            ).distinct()
            self.filters["source_organisation"].queryset = Organisation.objects.order_by("name")
        else:
            # Partners see their own organisations' referrals and never who works on them.
            del self.filters["specialist"]
            self.filters["source_organisation"].queryset = Organisation.objects.filter(
                pk__in=scope.partner_org_ids
            )
