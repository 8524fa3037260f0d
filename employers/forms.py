import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, EmployerContact, EmployerContactPerson, JobOpening
from employers.services import normalise_orgnr
from ips.accounts.models import validate_orgnr
from ips.dates import oslo_today
from ips.forms import DateInput


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
