import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, EmployerContact, EmployerContactPerson, JobOpening
from employers.services import normalise_orgnr
from ips.accounts.models import validate_orgnr
from ips.dates import oslo_today
from ips.forms import DateInput
from participants.forms import JobStartForm


class ParticipantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EmployerForm(forms.ModelForm):
    # Wider than the stored nine digits: people paste "974 760 673" or "974760673 MVA".
    org_number = forms.CharField(
        label=_("Organisasjonsnummer"),
        max_length=20,
        required=False,
        help_text=_("9 siffer. Mellomrom er greit."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Employer
        fields = ["name", "org_number", "industry", "municipality", "address", "notes"]
        labels = {
            "name": _("Navn"),
            "industry": _("Bransje"),
            "municipality": _("Kommune"),
            "address": _("Adresse"),
            "notes": _("Notater"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone working in two teams chooses whose register the employer goes into.
        if teams is not None and len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                queryset=teams, label=_("Register (team)"), empty_label=None
            )
            self.order_fields(["team"])

    def clean_org_number(self):
        value = normalise_orgnr(self.cleaned_data.get("org_number", ""))
        validate_orgnr(value)
        return value


# --- A new employer typed into another form -------------------------------------------------------


def _org_number_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        help_text=_("9 siffer. Mellomrom er greit."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def add_new_employer_fields(form: forms.BaseForm) -> None:
    """Let a form that chooses an employer from the register (field `employer`) take a new one
    instead: its name and, optionally, its organisation number, right below the choice."""
    choice = form.fields["employer"]
    choice.required = False
    choice.help_text = _("Fra arbeidsgiverregisteret. Finnes den ikke der, skriv den inn under.")
    form.fields["new_employer_name"] = forms.CharField(
        label=_("Eller ny arbeidsgiver: navn"), max_length=200, required=False
    )
    form.fields["new_employer_org_number"] = _org_number_field(
        _("Ny arbeidsgiver: organisasjonsnummer (valgfritt)")
    )
    names = list(form.fields)
    names.remove("new_employer_name")
    names.remove("new_employer_org_number")
    at = names.index("employer") + 1
    form.order_fields([*names[:at], "new_employer_name", "new_employer_org_number", *names[at:]])


def clean_new_employer_org_number(form: forms.BaseForm) -> str:
    value = normalise_orgnr(form.cleaned_data.get("new_employer_org_number", ""))
    validate_orgnr(value)
    return value


def clean_employer_or_new(form: forms.BaseForm, cleaned: dict) -> None:
    """Exactly one employer: chosen from the register, or typed in as new."""
    chosen = cleaned.get("employer")
    name = (cleaned.get("new_employer_name") or "").strip()
    cleaned["new_employer_name"] = name
    org_typed = bool(form.data.get(form.add_prefix("new_employer_org_number"), "").strip())
    if chosen and (name or org_typed):
        form.add_error(
            "new_employer_name",
            forms.ValidationError(
                _("Velg enten en arbeidsgiver fra registeret eller skriv inn en ny, ikke begge."),
                code="both",
            ),
        )
    elif not chosen and not name:
        if org_typed:
            form.add_error(
                "new_employer_name",
                forms.ValidationError(
                    _("Skriv navnet på den nye arbeidsgiveren."), code="required"
                ),
            )
        elif "employer" not in form.errors:
            form.add_error(
                "employer",
                forms.ValidationError(
                    _("Velg en arbeidsgiver fra registeret, eller skriv navnet på en ny."),
                    code="required",
                ),
            )


def duplicate_in_form_message(existing: Employer) -> str:
    """The organisation number typed for a new employer is already in the register: say which
    one, and to choose it (a link would leave the form and what was typed in it)."""
    return _(
        "Denne arbeidsgiveren finnes allerede i registeret: %(name)s. Velg den i listen over."
    ) % {"name": existing.name}


class JobStartWithNewEmployerForm(JobStartForm):
    """The job-start form of participants, where the employer may also be a new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_new_employer_fields(self)

    def clean_new_employer_org_number(self):
        return clean_new_employer_org_number(self)

    def clean(self):
        cleaned = super().clean()
        clean_employer_or_new(self, cleaned)
        return cleaned


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = EmployerContactPerson
        fields = ["name", "role", "phone", "email"]
        labels = {
            "name": _("Navn"),
            "role": _("Rolle"),
            "phone": _("Telefon"),
            "email": _("E-post"),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }


class EmployerContactForm(forms.Form):
    """The employer log line, short enough to fill in on a phone outside the employer's door."""

    contact_date = forms.DateField(label=_("Dato"), widget=DateInput())
    face_to_face = forms.BooleanField(
        label=_("Ansikt til ansikt"),
        required=False,
        initial=True,
        help_text=_("Kryss av når du møtte arbeidsgiveren, ikke for telefon eller e-post."),
    )
    purpose = forms.ChoiceField(label=_("Formål"), choices=EmployerContact.Purpose.choices)
    contact_person = forms.ModelChoiceField(
        label=_("Kontaktperson"),
        queryset=EmployerContactPerson.objects.none(),
        required=False,
        empty_label=_("(ingen valgt)"),
    )
    participants = ParticipantChoiceField(
        label=_("På vegne av deltaker(e)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Valgfritt. Jobbsøket følger hver persons egne ønsker."),
    )
    outcome = forms.ChoiceField(
        label=_("Resultat"),
        choices=[("", _("(ikke angitt)")), *EmployerContact.Outcome.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Notat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label=_("Neste steg"), max_length=300, required=False)
    next_step_date = forms.DateField(
        label=_("Dato for neste steg"), required=False, widget=DateInput()
    )

    def __init__(self, *args, employer, participants, **kwargs):
        super().__init__(*args, **kwargs)
        if employer is None:
            # The employer is chosen (or typed in) on the form itself: its contact persons are
            # not known yet.
            del self.fields["contact_person"]
        else:
            self.fields["contact_person"].queryset = employer.contact_persons.filter(is_active=True)
        self.fields["participants"].queryset = participants
        if not self.is_bound:
            self.initial.setdefault("contact_date", oslo_today())

    def clean_contact_date(self):
        value = self.cleaned_data["contact_date"]
        if value > oslo_today():
            raise forms.ValidationError(
                _("Datoen kan ikke være frem i tid. Logg kontakten når den har funnet sted."),
                code="future",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        contact_date = cleaned.get("contact_date")
        next_step_date = cleaned.get("next_step_date")
        if contact_date and next_step_date and next_step_date < contact_date:
            self.add_error(
                "next_step_date",
                forms.ValidationError(
                    _("Neste steg kan ikke være før kontaktdatoen (%(date)s)."),
                    params={"date": contact_date.strftime("%d.%m.%Y")},
                    code="before_contact",
                ),
            )
        return cleaned


class EmployerContactAnyEmployerForm(EmployerContactForm):
    """The employer log line for any employer of the team's register, or a new one typed in."""

    employer = forms.ModelChoiceField(
        label=_("Arbeidsgiver"),
        queryset=Employer.objects.none(),
        required=False,
        empty_label=_("(velg fra registeret)"),
    )

    def __init__(self, *args, employers, participants, **kwargs):
        super().__init__(*args, employer=None, participants=participants, **kwargs)
        self.fields["employer"].queryset = employers
        self.order_fields(["employer", *[n for n in self.fields if n != "employer"]])
        add_new_employer_fields(self)

    def clean_new_employer_org_number(self):
        return clean_new_employer_org_number(self)

    def clean(self):
        cleaned = super().clean()
        clean_employer_or_new(self, cleaned)
        return cleaned


class JobOpeningForm(forms.Form):
    title = forms.CharField(label=_("Stilling"), max_length=200)
    hours_per_week = forms.DecimalField(
        label=_("Timer per uke"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        max_value=100,
    )
    deadline = forms.DateField(label=_("Søknadsfrist"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    matched_participants = ParticipantChoiceField(
        label=_("Aktuelle deltakere"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hvem stillingen kan passe for, ut fra deres egne ønsker."),
    )
    source_contact = forms.ModelChoiceField(
        label=_("Funnet gjennom kontakt"),
        queryset=EmployerContact.objects.none(),
        required=False,
        empty_label=_("(ingen)"),
    )

    def __init__(self, *args, employer, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matched_participants"].queryset = participants
        source = self.fields["source_contact"]
        # Recent contacts only (a queryset, not a slice: the field filters it on submit).
        source.queryset = EmployerContact.objects.filter(
            employer=employer, contact_date__gte=oslo_today() - dt.timedelta(days=90)
        ).select_related("job_specialist")
        source.label_from_instance = lambda c: (
            f"{c.contact_date:%d.%m.%Y} – {c.get_purpose_display()} ({c.job_specialist})"
        )

    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        if value and value < oslo_today():
            raise forms.ValidationError(_("Søknadsfristen har allerede gått ut."), code="past")
        return value


class JobOpeningStatusForm(forms.Form):
    status = forms.ChoiceField(choices=JobOpening.Status.choices)
