from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ips.dates import oslo_today
from ips.forms import DateInput
from ips.merge import MergeFormMixin, snapshot_dumps
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
from participants.selectors import ProfileSection

FUTURE_DATE = _("Datoen kan ikke være frem i tid.")
NUMBER = _("Skriv et tall, for eksempel 37,5.")


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


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


# The kit asks its questions to the person; the form does too (the stored field keeps a short
# name for lists and history). Only fields whose label differs from the model's are here.
PROFILE_QUESTIONS = {
    "sources": _("Hvor kommer opplysningene fra?"),
    "dream_job": _("Drømmejobb: hva slags arbeid har du alltid ønsket deg?"),
    "job_wanted_now": _("Hva slags jobb vil du gjerne ha akkurat nå?"),
    "last_school": _("Hvilken skole gikk du på sist?"),
    "highest_education": _("Hva er den høyeste utdanningen du har fullført?"),
    "early_warning_signs": _("Hva er de første tegnene på at symptomene blusser opp?"),
    "bad_day_signs": _("Hvordan kan jeg se at du har en dårlig dag eller føler deg utilpass?"),
    "coping_strategies": _("Hva gjør du for å få det bedre?"),
    "medication": _("Hvilke medikamenter tar du?"),
    "medication_timing": _("Når tar du dem?"),
    "physical_health": _("Hvordan vurderer du selv den fysiske helsen din?"),
    "limitations": _("Har du fysiske begrensninger som kan ha betydning for arbeidet?"),
    "days_per_week": _("Hvor mange dager i uken kunne du tenke deg å jobbe (høyst)?"),
    "hours_per_day": _("Hvor mange timer per dag (høyst)?"),
    "has_place_to_wash": _("Har du et sted du kan bade eller dusje?"),
    "has_work_clothes": _("Har du klærne du trenger på jobben?"),
    "social_skills_rating": _("Hvor godt kommer du ut av det med andre?"),
    "job_seeking_experience": _("Hvordan har du lett etter arbeid tidligere?"),
    "skills": _("Hvilken kompetanse har du fått på jobb og på skole?"),
    "abilities": _("Hva slags arbeid er du særlig flink til?"),
    "interests": _("Hva liker du særlig å gjøre?"),
    "daily_routine": _("Hvordan ser en vanlig dag ut for deg?"),
    "work_appeal": _("Hva ved arbeid appellerer til deg?"),
    "work_dislikes": _("Hva liker du ikke ved arbeid?"),
    "return_worries": _("Er det noe du er bekymret for når det gjelder å komme tilbake i arbeid?"),
    "work_hopes": _("Hva tror du arbeid vil gi deg personlig, økonomisk og sosialt?"),
    "past_absence": _("Hvordan var fraværet ditt i jobbene du har hatt?"),
    "stressors": _("Hvilke situasjoner og oppgaver stresset deg?"),
    "housing": _("Hvor bor du?"),
    "lives_with": _("Hvem bor du sammen med?"),
    "transport": _("Hvordan vil du komme deg til jobben?"),
    "has_used_substances": _("Har du noen gang brukt ulovlige stoffer eller alkohol?"),
    "close_ones_worried_about_substances": _(
        "Har personer som står deg nær, vært bekymret for rusbruken din?"
    ),
    "has_been_arrested": _("Har du noen gang blitt arrestert?"),
    "willing_to_disclose": _(
        "Er du villig til å fortelle mulige arbeidsgivere om den psykiske lidelsen din?"
    ),
    "income_sources": _("Hvor kommer inntektene dine fra, og hvilken støtte får du fra NAV?"),
    "income_notes": _("Merknader om inntekt og støtte fra NAV"),
    "manages_own_money": _("Styrer du pengene dine selv?"),
    "knows_earnings_effect": _(
        "Vet du hvordan arbeidsinntekt vil påvirke andre inntekter og støtten fra NAV?"
    ),
    "benefits_counselling_received": _("Har du snakket med en rådgiver om stønadsordninger?"),
    "benefits_counselling_wanted": _("Hvis ikke: kunne du tenke deg å gjøre det?"),
}
PROFILE_HELP = {
    "days_per_week": _("Fra 0 til 7."),
    "hours_per_day": _("For eksempel 4 eller 7,5."),
}
NOT_ANSWERED = _("Ikke svart")


def _yes_no_field(label) -> forms.NullBooleanField:
    """A yes/no question; «ikke svart» (None) until the person has answered."""
    return forms.NullBooleanField(
        label=label,
        required=False,
        widget=forms.RadioSelect(
            choices=[("True", _("Ja")), ("False", _("Nei")), ("", NOT_ANSWERED)]
        ),
    )


def _rating_field(label) -> forms.TypedChoiceField:
    """The kit's four steps, best first as on the kit's form."""
    steps = [(str(v), str(lbl)) for v, lbl in reversed(VocationalProfile.Rating.choices)]
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*steps, ("", NOT_ANSWERED)],
        widget=forms.RadioSelect,
    )


class ProfileSectionForm(MergeFormMixin, forms.ModelForm):
    """One section of the vocational profile (participants.selectors.PROFILE_SECTIONS). Every
    field optional. It carries the values it was shown with (ips.merge), so a save from a
    stale page merges instead of overwriting. Built per section by `profile_section_form`."""

    class Meta:
        model = VocationalProfile
        fields: tuple[str, ...] = ()

    def __init__(self, *args, show_health: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_health:
            for name in VocationalProfile.HEALTH_FIELDS:
                self.fields.pop(name, None)
        for name, field in self.fields.items():
            if name in PROFILE_QUESTIONS:
                field.label = PROFILE_QUESTIONS[name]
            if name in PROFILE_HELP:
                field.help_text = PROFILE_HELP[name]
        # Unbound: start from the stored values (a new profile: the fields' defaults).
        if not self.is_bound and self.BASE_FIELD not in self.initial:
            self.initial[self.BASE_FIELD] = snapshot_dumps(
                {n: getattr(self.instance, n) for n in self.fields if n != self.BASE_FIELD}
            )


def _profile_formfield(db_field, **kwargs):
    name = db_field.name
    if name in ("sources", "income_sources"):
        choices = (
            VocationalProfile.Source.choices
            if name == "sources"
            else VocationalProfile.Benefit.choices
        )
        return forms.MultipleChoiceField(
            label=db_field.verbose_name,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if name == "days_per_week":
        return forms.IntegerField(
            label=db_field.verbose_name,
            min_value=0,
            max_value=7,
            required=False,
            error_messages={"max_value": _("En uke har sju dager.")},
        )
    if name == "hours_per_day":
        return forms.DecimalField(
            label=db_field.verbose_name,
            min_value=0,
            max_value=24,
            max_digits=4,
            decimal_places=1,
            required=False,
            localize=True,
            error_messages={"invalid": NUMBER},
        )
    if isinstance(db_field, models.BooleanField):
        return _yes_no_field(db_field.verbose_name)
    if name in ("physical_health", "social_skills_rating"):
        return _rating_field(db_field.verbose_name)
    if isinstance(db_field, models.TextField):
        return db_field.formfield(widget=_textarea(2), **kwargs)
    return db_field.formfield(**kwargs)


def profile_section_form(section: ProfileSection) -> type[ProfileSectionForm]:
    return forms.modelform_factory(  # type: ignore[return-value]  # a ProfileSectionForm
        VocationalProfile,
        form=ProfileSectionForm,
        fields=section.fields,
        formfield_callback=_profile_formfield,
    )


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
        fields = ("name", "relation", "contact_frequency", "thoughts_on_work", "how_they_can_help")
        labels = {
            "name": _("Person du bruker tid sammen med"),
            "contact_frequency": _("Hvor ofte dere ses eller snakker sammen"),
            "thoughts_on_work": _("Hvilke tanker har personen om arbeid?"),
            "how_they_can_help": _("Hvordan kan personen hjelpe deg med arbeidsmålene dine?"),
        }
        widgets = {"thoughts_on_work": _textarea(2), "how_they_can_help": _textarea(2)}


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


def profile_values_from_snapshot(values: dict) -> dict:
    """Profile field values back from their normalised form (ips.merge), as Python values."""
    fields = {f.name: f for f in VocationalProfile._meta.concrete_fields}
    return {name: fields[name].to_python(value) for name, value in values.items()}
