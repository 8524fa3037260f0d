from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fidelity.models import MentoringEntry, Review, Scale
from ips.accounts.models import Team, User
from ips.forms import DateInput
from ips.periods import period_dates, period_normalise


class ReviewCreateForm(forms.Form):
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, empty_label=None
    )
    period = forms.CharField(
        label=_("Periode"),
        max_length=7,
        help_text=_("År og halvår eller kvartal, f.eks. 2026-H1 eller 2026-Q3."),
    )
    kind = forms.ChoiceField(label=_("Type måling"), choices=Review.Kind.choices)
    scale = forms.ModelChoiceField(
        label=_("Skala"),
        queryset=Scale.objects.order_by("-is_default", "code"),
        empty_label=None,
        help_text=_("IPS-25 er standard. Den eldre IPS-15 kan velges for sammenligning."),
    )
    reviewers: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label=_("Målere"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vanligvis to målere."),
    )
    visit_start = forms.DateField(label=_("Besøk fra"), required=False, widget=DateInput())
    visit_end = forms.DateField(label=_("Besøk til"), required=False, widget=DateInput())

    def __init__(self, *args, teams, reviewer_candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["reviewers"].queryset = reviewer_candidates
        self.fields["reviewers"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean_period(self):
        period = period_normalise(self.cleaned_data["period"])
        if period_dates(period) is None:
            raise forms.ValidationError(
                _("Skriv perioden som år og halvår eller kvartal, f.eks. 2026-H1 eller 2026-Q3.")
            )
        return period

    def clean(self):
        data = super().clean()
        start, end = data.get("visit_start"), data.get("visit_end")
        if start and end and end < start:
            self.add_error("visit_end", _("Besøket kan ikke slutte før det begynner."))
        return data


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ItemScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Skår"),
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Velg en skår fra 1 til 5.")},
    )
    rationale = forms.CharField(
        label=_("Begrunnelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    data_sources = forms.CharField(
        label=_("Datakilder"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
        help_text=_("F.eks. intervju med leder, journalgjennomgang, arbeidsgiverlogg."),
    )
    recommendation = forms.CharField(
        label=_("Anbefaling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor gjenåpnes målingen?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExportForm(forms.Form):
    period = forms.CharField(label=_("Periode"), max_length=7, help_text=_("F.eks. 2026-H1."))
    language = forms.ChoiceField(
        label=_("Språk"), choices=[("nb", _("Norsk bokmål")), ("en", _("Engelsk"))]
    )

    def clean_period(self):
        period = period_normalise(self.cleaned_data["period"])
        if period_dates(period) is None:
            raise forms.ValidationError(_("Skriv perioden som f.eks. 2026-H1 eller 2026-Q3."))
        return period


class MentoringEntryForm(forms.Form):
    specialist: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Jobbspesialist"),
        queryset=None,
        error_messages={"invalid_choice": _("Velg en jobbspesialist i teamet.")},
    )
    date = forms.DateField(
        label=_("Dato"),
        widget=DateInput(),
        error_messages={"invalid": _("Skriv datoen som dd.mm.åååå.")},
    )
    activity = forms.ChoiceField(
        label=_("Hva ble gjort"),
        choices=MentoringEntry.Activity.choices,
        error_messages={"invalid_choice": _("Velg hva som ble gjort.")},
    )
    notes = forms.CharField(
        label=_("Notater"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bare for deg som leder. Skriv ikke helseopplysninger om deltakere her."),
    )

    def __init__(self, *args, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists
        self.fields["specialist"].label_from_instance = lambda u: u.get_full_name() or u.username
