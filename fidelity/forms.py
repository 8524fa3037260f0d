from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fidelity.models import (
    ChartReviewAnswer,
    DataSource,
    Item,
    MentoringEntry,
    QualityAction,
    Review,
    ReviewNote,
    Scale,
)
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
    sources = forms.MultipleChoiceField(
        label=_("Kilder"),
        required=False,
        choices=DataSource.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Velg blant de fire kildene.")},
    )


class ReviewerScoreForm(forms.Form):
    """One reviewer's own score of an item, before the reviewers compare."""

    score = forms.TypedChoiceField(
        label=_("Min skår"),
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Velg en skår fra 1 til 5.")},
    )
    rationale = forms.CharField(
        label=_("Min begrunnelse"),
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


class ReviewNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type notat"), choices=ReviewNote.Kind.choices, initial=ReviewNote.Kind.INTERVIEW
    )
    interviewee = forms.ChoiceField(
        label=_("Hvem ble intervjuet"),
        choices=[("", _("(ikke for observasjon)")), *ReviewNote.Interviewee.choices],
        required=False,
    )
    held_on = forms.DateField(label=_("Dato"), widget=DateInput())
    notes = forms.CharField(label=_("Notater"), widget=forms.Textarea(attrs={"rows": 4}))
    items: forms.ModelMultipleChoiceField[Item] = forms.ModelMultipleChoiceField(
        label=_("Punkter notatet belyser"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst ett punkt.")},
    )

    def __init__(self, *args, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(scale=scale).order_by("number")
        self.fields["items"].label_from_instance = lambda i: f"{i.code} {i.name_nb}"

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReviewNote.Kind.INTERVIEW and not data.get("interviewee"):
            self.add_error("interviewee", _("Velg hvem som ble intervjuet."))
        return data


ANSWER_CHOICES = [("", _("Ikke vurdert")), *ChartReviewAnswer.Answer.choices]


class WorksheetForm(forms.Form):
    """One choice per sampled record and check, named `r<record id>-<check>`; each starts at
    the reviewer's earlier answer, or else at what the records say."""

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {}
        for row in sheet.rows:
            for cell in row.cells:
                name = f"r{row.record.pk}-{cell.check}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{row.name}: {cell.check}",
                    choices=ANSWER_CHOICES,
                    required=False,
                    initial=cell.answer or cell.computed,
                )
                self.cells[name] = (row.record.pk, cell.check)

    def answers(self) -> dict[tuple[int, str], str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.cells.items()}


class QualityActionForm(forms.Form):
    action = forms.CharField(
        label=_("Tiltak"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    responsible = forms.CharField(
        label=_("Ansvarlig"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    target_date = forms.DateField(
        label=_("Frist"), widget=DateInput(attrs={"class": "form-control"})
    )


class QualityActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=QualityAction.Status.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ReportForm(forms.Form):
    """The report's strengths, one text per section of the scale (`strengths-<section id>`)."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section, initial in sections:
            self.fields[f"strengths-{section.pk}"] = forms.CharField(
                label=_("Styrker"),
                required=False,
                initial=initial,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            )

    def strengths(self) -> dict[int, str]:
        return {
            int(name.removeprefix("strengths-")): value for name, value in self.cleaned_data.items()
        }
