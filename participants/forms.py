from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ips.dates import oslo_today
from ips.forms import DateInput
from ips.validators import normalise_phone, phone_display
from participants.models import (
    ActionPlan,
    Contact,
    EducationEpisode,
    Goal,
    Job,
    Participant,
    PlanReview,
    SupportPerson,
    VocationalProfile,
    WorkHistoryEntry,
)
from participants.services import PROFILE_FIELDS

FUTURE_DATE = _("Datoen kan ikke være frem i tid.")
NUMBER = _("Skriv et tall, for eksempel 37,5.")


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _is_text_field(name: str) -> bool:
    field = VocationalProfile._meta.get_field(name)
    return isinstance(field, models.Field) and isinstance(field.formfield(), forms.CharField)


def _no_future(form: forms.Form, name: str):
    value = form.cleaned_data.get(name)
    if value and value > oslo_today():
        raise forms.ValidationError(FUTURE_DATE, code="future")
    return value


class ContactDetailsForm(forms.ModelForm):
    """Phone, e-mail, address and the preferred way of contact. The phone is checked here
    (field-level message) and by the service, which stores it as E.164."""

    phone = forms.CharField(
        label=_("Telefon"),
        max_length=30,
        required=False,
        help_text=_(
            "8 siffer, for eksempel 912 34 567. Utenlandsk nummer med landskode (+46 ...)."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = Participant
        fields = ("phone", "email", "address", "preferred_contact")
        labels = {
            "email": _("E-post"),
            "address": _("Adresse"),
            "preferred_contact": _("Foretrukket kontaktmåte"),
        }
        help_texts = {"address": _("Gate og nummer, postnummer og sted.")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_contact"].choices = [
            ("", _("(ikke oppgitt)")),
            *Participant.PreferredContact.choices,
        ]
        if not self.is_bound and self.instance.phone:
            self.initial["phone"] = phone_display(self.instance.phone)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self):
        # The service writes the record (with its own checks and the history's actor): the form
        # only validates what was typed, it never touches the instance.
        pass


class ContactForm(forms.ModelForm):
    """Defaults make the common case quick: today, with the participant, and the mode (and place)
    the user chose last time (`initial`, from the session). The place has no default of its own:
    a meeting in person asks where (one tap), and phone, video and messages have no place."""

    duration_minutes = forms.IntegerField(
        label=_("Varighet (minutter)"),
        initial=30,
        min_value=1,
        max_value=Contact.MAX_DURATION_MINUTES,
        error_messages={
            "min_value": _("Varigheten må være minst 1 minutt."),
            "max_value": _("Varigheten kan være høyst 600 minutter (10 timer)."),
            "invalid": _("Skriv varigheten som et helt antall minutter."),
        },
    )

    class Meta:
        model = Contact
        fields = ("contact_date", "with_whom", "mode", "place", "duration_minutes", "note")
        widgets = {
            "contact_date": DateInput(),
            "mode": forms.RadioSelect,
            "place": forms.RadioSelect,
            "note": _textarea(2),
        }
        labels = {"place": _("Sted (når dere møttes ansikt til ansikt)")}
        help_texts = {
            "place": _(
                "Ute i samfunnet, på arbeidsplassen og hjemme hos deltakeren regnes som "
                "tid ute i samfunnet. Telefon, video og meldinger har ikke sted."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("contact_date", oslo_today())
        # Required for a meeting in person only: the service asks for it (field error) and
        # clears it for the other modes.
        self.fields["place"].required = False
        self.fields["place"].choices = Contact.Place.choices
        # Tells assistive technology the question needs an answer (the form is novalidate, so
        # the browser does not block a phone call without one).
        self.fields["place"].widget.attrs["required"] = True
        # The dialog opens on the question still open: where, for a meeting in person with no
        # remembered place; otherwise the note.
        ask_place = (
            not self.is_bound
            and not self.instance.pk
            and self.initial.get("mode", Contact.Mode.FACE_TO_FACE) == Contact.Mode.FACE_TO_FACE
            and not self.initial.get("place")
        )
        self.fields["place" if ask_place else "note"].widget.attrs["data-autofocus"] = ""

    def clean_contact_date(self):
        return _no_future(self, "contact_date")

    def clean(self):
        cleaned = super().clean()
        # A place still checked after switching to phone, video or message is not a place.
        if cleaned.get("mode") != Contact.Mode.FACE_TO_FACE:
            cleaned["place"] = ""
        return cleaned


class ProfileForm(forms.ModelForm):
    """Every field optional. `version` is the profile version the page was loaded from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    sources = forms.MultipleChoiceField(
        label=_("Kilder brukt"),
        choices=VocationalProfile.Source.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    income_sources = forms.MultipleChoiceField(
        label=_("Inntektskilder og ytelser fra NAV"),
        choices=VocationalProfile.Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    days_per_week = forms.IntegerField(
        label=_("Dager per uke (maks)"),
        min_value=0,
        max_value=7,
        required=False,
        error_messages={"max_value": _("En uke har sju dager.")},
    )
    hours_per_day = forms.DecimalField(
        label=_("Timer per dag (maks)"),
        min_value=0,
        max_value=24,
        max_digits=4,
        decimal_places=1,
        required=False,
        localize=True,
        error_messages={"invalid": NUMBER},
    )

    class Meta:
        model = VocationalProfile
        fields = PROFILE_FIELDS
        widgets = {
            name: _textarea(2)
            for name in PROFILE_FIELDS
            if _is_text_field(name) and name not in ("sources", "income_sources")
        }

    def __init__(self, *args, show_health: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_health:
            for name in VocationalProfile.HEALTH_FIELDS:
                self.fields.pop(name, None)
        yes_no = [("unknown", _("Ikke avklart")), ("true", _("Ja")), ("false", _("Nei"))]
        for name in (
            "manages_own_money",
            "knows_earnings_effect",
            "benefits_counselling_received",
            "benefits_counselling_wanted",
        ):
            self.fields[name].widget = forms.NullBooleanSelect()
            self.fields[name].widget.choices = yes_no


class WorkHistoryForm(forms.ModelForm):
    hours_per_week = forms.DecimalField(
        label=_("Timer per uke"),
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        required=False,
        localize=True,
        error_messages={"invalid": NUMBER, "min_value": _("Timer kan ikke være negative.")},
    )

    class Meta:
        model = WorkHistoryEntry
        fields = (
            "title",
            "employer_name",
            "start_date",
            "end_date",
            "hours_per_week",
            "duties",
            "reason_ended",
            "liked",
            "disliked",
        )
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "duties": _textarea(),
            "reason_ended": _textarea(),
            "liked": _textarea(),
            "disliked": _textarea(),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Sluttdato kan ikke være før startdato."))
        return data


class SupportPersonForm(forms.ModelForm):
    class Meta:
        model = SupportPerson
        fields = ("name", "relation", "contact_frequency")


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ("overall_goal", "job_search_start_date")
        widgets = {"overall_goal": _textarea(3), "job_search_start_date": DateInput()}

    def clean_job_search_start_date(self):
        return _no_future(self, "job_search_start_date")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ("description", "activities", "responsible", "target_date", "achieved_date")
        widgets = {
            "description": _textarea(2),
            "activities": _textarea(2),
            "target_date": DateInput(),
            "achieved_date": DateInput(),
        }

    def clean_achieved_date(self):
        return _no_future(self, "achieved_date")


class PlanReviewForm(forms.ModelForm):
    class Meta:
        model = PlanReview
        fields = ("reviewed_on", "participants_present", "summary")
        widgets = {"reviewed_on": DateInput(), "summary": _textarea(4)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reviewed_on", oslo_today())

    def clean_reviewed_on(self):
        return _no_future(self, "reviewed_on")


class JobStartForm(forms.ModelForm):
    hours_per_week = forms.DecimalField(
        label=_("Timer per uke"),
        min_value=Decimal("0.1"),
        max_value=100,
        max_digits=4,
        decimal_places=1,
        localize=True,
        error_messages={
            "invalid": NUMBER,
            "min_value": _("Timer per uke må være mer enn 0."),
            "max_value": _("Timer per uke kan være høyst 100."),
        },
    )
    hourly_wage = forms.DecimalField(
        label=_("Timelønn (kr)"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        localize=True,
        error_messages={
            "invalid": _("Skriv timelønnen som et tall i kroner, for eksempel 215,50."),
            "min_value": _("Timelønnen kan ikke være negativ."),
        },
    )

    class Meta:
        model = Job
        fields = (
            "employer",
            "title",
            "start_date",
            "hours_per_week",
            "hourly_wage",
            "is_ordinary",
            "is_permanent",
            "disclosed",
        )
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        self.fields["employer"].help_text = _("Fra arbeidsgiverregisteret.")
        self.initial.setdefault("start_date", oslo_today())

    def clean_start_date(self):
        return _no_future(self, "start_date")


class JobEndForm(forms.ModelForm):
    class Meta:
        model = Job
        fields = ("end_date", "end_reason", "end_note")
        widgets = {"end_date": DateInput(), "end_note": _textarea(2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
        self.fields["end_reason"].required = True
        self.initial.setdefault("end_date", oslo_today())

    def clean_end_date(self):
        end = _no_future(self, "end_date")
        if end and end < self.instance.start_date:
            raise forms.ValidationError(
                _("Sluttdato kan ikke være før startdato (%(date)s).")
                % {"date": self.instance.start_date.strftime("%d.%m.%Y")},
                code="before_start",
            )
        return end

    def _post_clean(self):
        # The service validates and saves; don't let the ModelForm touch the instance.
        pass


class EducationStartForm(forms.ModelForm):
    class Meta:
        model = EducationEpisode
        fields = ("institution", "programme", "start_date", "is_ordinary")
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("start_date", oslo_today())

    def clean_start_date(self):
        return _no_future(self, "start_date")


class EducationEndForm(forms.ModelForm):
    class Meta:
        model = EducationEpisode
        fields = ("end_date", "end_reason")
        widgets = {"end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
        self.fields["end_reason"].required = True
        self.initial.setdefault("end_date", oslo_today())

    def clean_end_date(self):
        end = _no_future(self, "end_date")
        if end and end < self.instance.start_date:
            raise forms.ValidationError(_("Sluttdato kan ikke være før startdato."))
        return end

    def _post_clean(self):
        pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Participant.Status.choices)
    note = forms.CharField(label=_("Merknad"), required=False, widget=_textarea(2))
