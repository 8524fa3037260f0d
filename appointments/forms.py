"""The appointment form: short enough to fill in on a phone."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment
from ips.dates import oslo_today
from ips.forms import DateInput
from participants.models import Contact


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (Appointment.Kind.PARTICIPANT, Appointment.Kind.PARTICIPANT.label),
            (Appointment.Kind.TREATMENT_TEAM, Appointment.Kind.TREATMENT_TEAM.label),
        ],
        widget=forms.RadioSelect,
        initial=Appointment.Kind.PARTICIPANT,
    )
    day = forms.DateField(
        label=_("Dato"),
        widget=DateInput(),
        error_messages={
            "required": _("Skriv inn datoen."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
    )
    time = forms.TimeField(
        label=_("Klokkeslett"),
        widget=TimeInput(),
        error_messages={
            "required": _("Skriv inn klokkeslettet."),
            "invalid": _("Skriv klokkeslettet som tt:mm."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Varighet (minutter)"),
        min_value=1,
        max_value=Appointment.MAX_DURATION_MINUTES,
        initial=60,
        error_messages={
            "required": _("Skriv inn hvor lenge møtet varer."),
            "min_value": _("Varigheten må være minst 1 minutt."),
            "max_value": _("Varigheten kan være høyst 600 minutter."),
            "invalid": _("Skriv et helt antall minutter."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Form"),
        choices=Contact.Mode.choices,
        initial=Contact.Mode.FACE_TO_FACE,
        widget=forms.RadioSelect,
    )
    place = forms.ChoiceField(
        label=_("Hvor"),
        choices=Contact.Place.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("For møter ansikt til ansikt."),
    )
    location = forms.CharField(
        label=_("Sted"),
        max_length=200,
        required=False,
        help_text=_("F.eks. kafé eller adresse. Vises i kalenderen din."),
    )
    with_whom = forms.CharField(label=_("Med hvem"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Notat"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Vises ikke i kalenderen."),
    )

    def __init__(self, *args, kind: str | None = None, **kwargs):
        """With `kind` given (a first meeting, an employer meeting) there is nothing to choose."""
        super().__init__(*args, **kwargs)
        self.fixed_kind = kind
        if kind is not None:
            del self.fields["kind"]
        if kind == Appointment.Kind.FIRST_MEETING:
            del self.fields["mode"]
            self.fields["place"].required = True
            self.fields["place"].error_messages["required"] = _("Velg hvor dere skal møtes.")
        if not self.is_bound:
            self.initial.setdefault("day", oslo_today())

    @classmethod
    def initial_from(cls, appointment: Appointment) -> dict:
        local = timezone.localtime(appointment.starts_at)
        return {
            "kind": appointment.kind,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": appointment.duration_minutes,
            "mode": appointment.mode,
            "place": appointment.place,
            "location": appointment.location,
            "with_whom": appointment.with_whom,
            "note": appointment.note,
        }

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode", Contact.Mode.FACE_TO_FACE)
        if (
            mode == Contact.Mode.FACE_TO_FACE
            and not cleaned.get("place")
            and "place" not in self.errors
        ):
            self.add_error(
                "place",
                forms.ValidationError(_("Velg hvor dere skal møtes."), code="place_required"),
            )
        if mode != Contact.Mode.FACE_TO_FACE:
            cleaned["place"] = ""
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned form as the keyword arguments of appointment_plan / appointment_move."""
        c = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(c["day"], c["time"]))
        return {
            "starts_at": starts_at,
            "duration_minutes": c["duration_minutes"],
            "mode": c.get("mode", Contact.Mode.FACE_TO_FACE),
            "place": c.get("place", ""),
            "location": c["location"],
            "with_whom": c["with_whom"],
            "note": c["note"],
        }
