from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ips.access import scope_for, teams_for
from ips.accounts.models import Organisation, Team, User
from ips.dates import oslo_today
from ips.forms import DateInput
from participants.models import Contact, InWorkAtReferral
from referrals.models import Referral
from referrals.selectors import earlier_open_referrals_from_own_side, suggested_team_for

FUTURE_DATE = _("Datoen kan ikke være frem i tid.")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReferralForm(forms.ModelForm):
    """The kit's referral form. A partner chooses the receiving team among the teams their
    organisation works with; a leader's referral goes to their own team and may have arrived
    on an earlier date (paper, phone).

    The team is never preselected: health details sent to the wrong team cannot be recalled,
    so the list starts empty and the sender picks one (their usual team is offered as a
    suggestion they still have to click). The person's consent is required."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Send til IPS-team"),
        empty_label=_("Velg team"),
        error_messages={
            "required": _("Velg hvilket IPS-team henvisningen skal til."),
            "invalid_choice": _("Velg et av IPS-teamene i listen."),
        },
    )
    consent_given = forms.BooleanField(
        label=_("Personen har samtykket til å bli henvist til IPS"),
        error_messages={
            "required": _(
                "Personen må ha samtykket før henvisningen sendes. Kryss av når det er gjort."
            )
        },
    )
    consent_method = forms.ChoiceField(
        label=_("Hvordan ble samtykket gitt?"),
        choices=Referral.ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan samtykket ble gitt."),
            "invalid_choice": _("Velg en av måtene i listen."),
        },
    )
    confirm_duplicate = forms.BooleanField(
        required=False,
        label=_(
            "Jeg vet at det finnes en åpen henvisning for personen, og vil sende en ny likevel."
        ),
    )
    source_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Henvist fra (organisasjon)"),
        empty_label=_("Velg organisasjon"),
    )

    class Meta:
        model = Referral
        fields = (
            "team",
            "person_name",
            "national_id",
            "phone",
            "referral_date",
            "date_received",
            "source_organisation",
            "referrer_name",
            "referrer_phone",
            "in_work_at_referral",
            "consent_given",
            "consent_date",
            "consent_method",
            "job_wishes",
            "medication_side_effects",
            "substance_use",
            "criminal_record",
            "other_information",
        )
        widgets = {
            "referral_date": DateInput(),
            "date_received": DateInput(),
            "consent_date": DateInput(),
            "in_work_at_referral": forms.RadioSelect,
            "job_wishes": _textarea(),
            "medication_side_effects": _textarea(),
            "substance_use": _textarea(),
            "criminal_record": _textarea(2),
            "other_information": _textarea(),
        }
        labels = {
            "person_name": _("Personens navn"),
            "national_id": _("Fødselsnummer eller D-nummer"),
            "phone": _("Personens telefon"),
            "referrer_name": _("Henvist av (navn)"),
            "referrer_phone": _("Henviserens telefon"),
            "in_work_at_referral": _("I arbeid ved henvisning"),
            "consent_date": _("Dato for samtykket"),
        }
        help_texts = {
            "national_id": _("11 siffer."),
            "referral_date": _("Datoen henvisningen ble skrevet."),
            "date_received": _("Datoen IPS-teamet fikk henvisningen."),
            "in_work_at_referral": _(
                "Hadde personen lønnet arbeid da henvisningen ble skrevet? Brukes i "
                "sysselsettingsraten etter IPS Grow."
            ),
            "job_wishes": _("Hva slags arbeid personen ønsker, og hva som bør tas hensyn til."),
            "medication_side_effects": _(
                "For eksempel skjelving, dårligere hukommelse eller tretthet."
            ),
            "substance_use": _("Nåværende bruk, hvis det er relevant for arbeid."),
            "criminal_record": _("Bare hvis det finnes og kan ha betydning for jobbsøket."),
            "other_information": _("Alt som kan hjelpe personen å nå målene sine om arbeid."),
        }
        error_messages = {
            "consent_date": {
                "required": _("Skriv inn datoen personen samtykket."),
                "invalid": _("Skriv datoen som dd.mm.åååå."),
            },
            "person_name": {"required": _("Skriv inn navnet til personen.")},
            "national_id": {"required": _("Skriv inn fødselsnummer eller D-nummer.")},
            "referral_date": {
                "required": _("Skriv inn henvisningsdatoen."),
                "invalid": _("Skriv datoen som dd.mm.åååå."),
            },
            "in_work_at_referral": {"invalid_choice": _("Velg ja, nei eller vet ikke.")},
            "date_received": {
                "required": _("Skriv inn datoen henvisningen ble mottatt."),
                "invalid": _("Skriv datoen som dd.mm.åååå."),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.by_leader = bool(scope.leader_team_ids)
        if self.by_leader:
            self.fields["team"].queryset = Team.objects.filter(pk__in=scope.leader_team_ids)
            self.fields["source_organisation"].queryset = Organisation.objects.order_by("name")
            self.fields["date_received"].initial = oslo_today()
        else:
            self.fields["team"].queryset = teams_for(user).filter(is_active=True).order_by("name")
            self.fields["source_organisation"].queryset = Organisation.objects.filter(
                pk__in=scope.partner_org_ids
            ).order_by("name")
            # Submitted online: received the moment it is sent.
            del self.fields["date_received"]
        self.fields["referral_date"].initial = oslo_today()
        self.fields["consent_date"].required = True
        self.user = user
        self.fixed = {}
        self.suggested_team, self.suggested_because = None, ""
        self.earlier: list[Referral] = []
        # A leader's own team is no choice to make; a partner always picks the team, even when
        # their organisation works with one only.
        fixable = ("team", "source_organisation") if self.by_leader else ("source_organisation",)
        for name in fixable:
            choices = list(self.fields[name].queryset[:2])
            if len(choices) == 1:
                # Nothing to choose: show the value as text instead of a one-option list.
                self.fixed[name] = choices[0]
                del self.fields[name]
        if "team" in self.fields and not self.by_leader:
            self.suggested_team, self.suggested_because = suggested_team_for(
                user=user, teams=self.fields["team"].queryset
            )
        # Preselected "don't know": a referrer who cannot say is not stopped by it.
        self.fields["in_work_at_referral"].required = False
        self.fields["person_name"].widget.attrs["autocomplete"] = "off"
        national_id = self.fields["national_id"]
        # Room for "010190 12345": spaces and dashes are dropped before the 11 digits are checked.
        national_id.max_length = 14
        national_id.validators = [
            v for v in national_id.validators if not isinstance(v, MaxLengthValidator)
        ]
        national_id.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": "14"}
        )

    def clean_person_name(self):
        name = " ".join(self.cleaned_data["person_name"].split())
        if not name:
            raise forms.ValidationError(_("Skriv inn navnet til personen."), code="required")
        return name

    def clean_national_id(self):
        # People type "010190 12345" or "010190-12345"; store the 11 digits.
        return "".join(
            ch for ch in self.cleaned_data["national_id"] if not ch.isspace() and ch != "-"
        )

    def clean_referral_date(self):
        value = self.cleaned_data["referral_date"]
        if value > oslo_today():
            raise forms.ValidationError(FUTURE_DATE, code="future")
        return value

    def clean_consent_date(self):
        value = self.cleaned_data["consent_date"]
        if value > oslo_today():
            raise forms.ValidationError(FUTURE_DATE, code="future")
        return value

    def clean_date_received(self):
        value = self.cleaned_data["date_received"]
        if value > oslo_today():
            raise forms.ValidationError(FUTURE_DATE, code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        referral_date = cleaned.get("referral_date")
        received = cleaned.get("date_received")
        if referral_date and received and received < referral_date:
            self.add_error(
                "date_received",
                forms.ValidationError(
                    _("Mottatt dato kan ikke være før henvisningsdatoen."),
                    code="received_before_referral",
                ),
            )
        for name, value in self.fixed.items():
            cleaned[name] = value
        national_id = cleaned.get("national_id")
        if national_id and "national_id" not in self.errors:
            self.earlier = earlier_open_referrals_from_own_side(
                user=self.user, national_id=national_id
            )
            if self.earlier and not cleaned.get("confirm_duplicate"):
                first = self.earlier[0]
                message = (
                    _(
                        "Teamet ditt har allerede en åpen henvisning for denne personen, "
                        "mottatt %(date)s."
                    )
                    if self.by_leader
                    else _(
                        "Organisasjonen din sendte allerede en henvisning for denne personen "
                        "%(date)s (til %(team)s), og den er ikke avsluttet."
                    )
                )
                self.add_error(
                    "confirm_duplicate",
                    forms.ValidationError(
                        message,
                        params={
                            "date": first.date_received.strftime("%d.%m.%Y"),
                            "team": first.team,
                        },
                        code="earlier_referral",
                    ),
                )
        return cleaned

    def clean_in_work_at_referral(self) -> str:
        return self.cleaned_data.get("in_work_at_referral") or InWorkAtReferral.UNKNOWN

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        # consent_given is required to be ticked; the service records it as given.
        return {
            name: data[name]
            for name in self.Meta.fields
            if name in data and name != "consent_given"
        }


class MergeForm(forms.Form):
    """Which record to keep when a referral is a duplicate: "referral-<pk>" or
    "participant-<pk>", among the candidates of `merge_candidates`."""

    kept = forms.ChoiceField(
        label=_("Hvilken skal beholdes?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg henvisningen eller deltakeren som skal beholdes."),
            "invalid_choice": _("Velg en av henvisningene eller deltakeren i listen."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        choices = [
            (
                f"referral-{r.pk}",
                _("Henvisningen mottatt %(date)s fra %(organisation)s")
                % {
                    "date": r.date_received.strftime("%d.%m.%Y"),
                    "organisation": r.source_organisation,
                },
            )
            for r in candidates.referrals
        ]
        if candidates.participant is not None:
            choices.append(
                (
                    f"participant-{candidates.participant.pk}",
                    _("Deltakeren %(name)s i teamet") % {"name": candidates.participant.name},
                )
            )
        kept = self.fields["kept"]
        assert isinstance(kept, forms.ChoiceField)
        kept.choices = choices

    def kept_kwargs(self) -> dict:
        kind, _sep, pk = self.cleaned_data["kept"].partition("-")
        if kind == "participant":
            return {"kept_participant": self.candidates.participant}
        return {"kept": next(r for r in self.candidates.referrals if str(r.pk) == pk)}


class AssignForm(forms.Form):
    specialist: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None,
        label=_("Jobbspesialist"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg en jobbspesialist.")},
    )
    confirm_over_limit = forms.BooleanField(
        required=False,
        label=_("Jeg har sett at porteføljen er over bruddgrensen og vil tildele likevel."),
    )

    def __init__(self, *args, referral: Referral, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        specialist = self.fields["specialist"]
        assert isinstance(specialist, forms.ModelChoiceField)
        specialist.queryset = specialists

    def clean(self):
        cleaned = super().clean()
        specialist = cleaned.get("specialist")
        limit = self.referral.team.caseload_limit
        over_limit = specialist is not None and specialist.active_caseload >= limit
        if over_limit and not cleaned.get("confirm_over_limit"):
            self.add_error(
                "confirm_over_limit",
                forms.ValidationError(
                    _(
                        "%(name)s har %(count)s aktive deltakere, og bruddgrensen er "
                        "%(limit)s. Kryss av for å bekrefte tildelingen."
                    ),
                    params={
                        "name": specialist,
                        "count": specialist.active_caseload,
                        "limit": limit,
                    },
                    code="over_limit",
                ),
            )
        return cleaned


class FirstMeetingForm(forms.Form):
    meeting_date = forms.DateField(
        label=_("Dato for første møte"),
        widget=DateInput(),
        error_messages={
            "required": _("Skriv inn datoen for første møte."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
    )
    place = forms.ChoiceField(
        label=_("Hvor møttes dere?"),
        choices=Contact.Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvor møtet var.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Varighet (minutter)"),
        min_value=1,
        max_value=Contact.MAX_DURATION_MINUTES,
        initial=60,
        error_messages={
            "required": _("Skriv inn hvor lenge møtet varte."),
            "min_value": _("Varigheten må være minst 1 minutt."),
            "max_value": _("Varigheten kan være høyst 600 minutter."),
            "invalid": _("Skriv et helt antall minutter."),
        },
    )
    note = forms.CharField(
        label=_("Kort notat"), required=False, widget=_textarea(), max_length=5000
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["meeting_date"].initial = oslo_today()
        self.fields["meeting_date"].help_text = _(
            "Fra mottatt dato (%(date)s) til i dag. Datoen blir deltakerens startdato i IPS."
        ) % {"date": referral.date_received.strftime("%d.%m.%Y")}

    def clean_meeting_date(self):
        value = self.cleaned_data["meeting_date"]
        if value > oslo_today():
            raise forms.ValidationError(FUTURE_DATE, code="future")
        if value < self.referral.date_received:
            raise forms.ValidationError(
                _("Første møte kan ikke være før henvisningen ble mottatt (%(date)s)."),
                params={"date": self.referral.date_received.strftime("%d.%m.%Y")},
                code="before_received",
            )
        return value


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Hvorfor avsluttes henvisningen?"),
        # A duplicate is merged instead, so that it points to the record kept.
        choices=[
            choice
            for choice in Referral.WithdrawalReason.choices
            if choice[0] != Referral.WithdrawalReason.DUPLICATE
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg en årsak."),
            "invalid_choice": _("Velg en årsak fra listen."),
        },
    )
    note = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        widget=_textarea(),
        max_length=5000,
        help_text=_(
            "Påkrevd ved «Annet». Ved «fikk ikke kontakt»: skriv hvilke forsøk som er gjort."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == Referral.WithdrawalReason.OTHER
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note",
                forms.ValidationError(
                    _("Beskriv årsaken når du velger «Annet»."), code="note_required"
                ),
            )
        return cleaned
