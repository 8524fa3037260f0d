from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import PeriodPreference
from employers.models import Employer, EmployerContact
from ips import periods
from ips.dates import oslo_today
from ips.forms import DateInput

FIRST_YEAR = 2000
# A custom range longer than this is almost always a typing error (and slow to compute).
MAX_CUSTOM_DAYS = 5 * 366


class PeriodForm(forms.Form):
    """The period picker. Submitted by GET so a chosen period can be bookmarked and shared."""

    kind = forms.ChoiceField(label=_("Periode"), choices=PeriodPreference.Kind.choices)
    year = forms.IntegerField(label=_("År"), required=False)
    quarter = forms.TypedChoiceField(
        label=_("Kvartal"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(n, _("%(n)s. kvartal") % {"n": n}) for n in range(1, 5)],
    )
    half = forms.TypedChoiceField(
        label=_("Halvår"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, _("1. halvår")), (2, _("2. halvår"))],
    )
    start = forms.DateField(label=_("Fra dato"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Til dato"), required=False, widget=DateInput)

    FIELDS = ("kind", "year", "quarter", "half", "start", "end")

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not FIRST_YEAR <= year <= oslo_today().year:
            raise forms.ValidationError(
                _("Velg et år mellom %(first)s og %(last)s.")
                % {"first": FIRST_YEAR, "last": oslo_today().year}
            )
        return year

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needs_year = kind in (periods.QUARTER, periods.HALF, periods.YEAR)
        if needs_year and data.get("year") is None and "year" not in self.errors:
            self.add_error("year", _("Oppgi år."))
        if kind == periods.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Velg kvartal."))
        if kind == periods.HALF and not data.get("half"):
            self.add_error("half", _("Velg halvår."))
        if kind == periods.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Oppgi fra-dato."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Oppgi til-dato."))
            if start and end:
                if end < start:
                    self.add_error("end", _("Til-datoen kan ikke være før fra-datoen."))
                elif (end - start).days > MAX_CUSTOM_DAYS:
                    self.add_error("end", _("Perioden kan være høyst fem år lang."))
                elif start.year < FIRST_YEAR:
                    self.add_error("start", _("Velg en dato etter år 2000."))
        return data

    def choice(self) -> dict:
        """The valid choice as keyword arguments for `periods.period_for` and the preference."""
        data = self.cleaned_data
        kind = data["kind"]
        number = {periods.QUARTER: data.get("quarter"), periods.HALF: data.get("half")}.get(kind)
        return {
            "kind": kind,
            "year": data.get("year") if kind != periods.CUSTOM else None,
            "number": number,
            "start": data.get("start") if kind == periods.CUSTOM else None,
            "end": data.get("end") if kind == periods.CUSTOM else None,
        }


def default_choice(today: dt.date | None = None) -> dict:
    today = today or oslo_today()
    return {
        "kind": periods.QUARTER,
        "year": today.year,
        "number": periods.quarter_number(today),
        "start": None,
        "end": None,
    }


def initial_from_choice(choice: dict) -> dict:
    initial = {"kind": choice["kind"], "year": choice["year"]}
    if choice["kind"] == periods.QUARTER:
        initial["quarter"] = choice["number"]
    elif choice["kind"] == periods.HALF:
        initial["half"] = choice["number"]
    elif choice["kind"] == periods.CUSTOM:
        initial |= {"start": choice["start"], "end": choice["end"]}
    return initial


class QuarterForm(forms.Form):
    """The quarter of the leader's quarterly report (GET, so a report can be bookmarked)."""

    year = forms.IntegerField(
        label=_("År"),
        error_messages={"required": _("Oppgi år."), "invalid": _("Skriv året med fire sifre.")},
    )
    quarter = forms.TypedChoiceField(
        label=_("Kvartal"),
        coerce=int,
        choices=[(n, _("%(n)s. kvartal") % {"n": n}) for n in range(1, 5)],
        error_messages={
            "required": _("Velg kvartal."),
            "invalid_choice": _("Velg et kvartal fra 1 til 4."),
        },
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= oslo_today().year:
            raise forms.ValidationError(
                _("Velg et år mellom %(first)s og %(last)s.")
                % {"first": FIRST_YEAR, "last": oslo_today().year}
            )
        return year


class EmployerContactQuickForm(forms.Form):
    """«Min dag»: a face-to-face employer contact on one person's behalf, in a few fields (the
    full form is on the employer's page)."""

    employer: forms.ModelChoiceField[Employer] = forms.ModelChoiceField(
        label=_("Arbeidsgiver"),
        queryset=None,
        error_messages={
            "required": _("Velg arbeidsgiveren."),
            "invalid_choice": _("Velg en arbeidsgiver fra listen."),
        },
    )
    contact_date = forms.DateField(
        label=_("Dato"),
        widget=DateInput(),
        error_messages={
            "required": _("Skriv inn datoen."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
    )
    face_to_face = forms.BooleanField(label=_("Ansikt til ansikt"), required=False, initial=True)
    purpose = forms.ChoiceField(
        label=_("Formål"),
        choices=EmployerContact.Purpose.choices,
        initial=EmployerContact.Purpose.ON_BEHALF,
    )
    note = forms.CharField(
        label=_("Notat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        employer.queryset = employers
        if not self.is_bound:
            self.initial.setdefault("contact_date", oslo_today())

    def clean_contact_date(self):
        value = self.cleaned_data["contact_date"]
        if value > oslo_today():
            raise forms.ValidationError(_("Datoen kan ikke være frem i tid."), code="future")
        return value
