"""The private iCalendar feed of a specialist's appointments.

What leaves the system here ends up on a phone and in whatever cloud calendar it syncs with, so
an entry carries the time, the place, the type of meeting and the person's initials only: never
a full name, the note, or anything about health.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from appointments.models import Appointment

PRODID = "-//IPS jobbstøtte//Avtaler//NO"


def initials(name: str) -> str:
    """ "Ola Nordmann" → "O.N."; hyphenated parts count as names ("Anne-Lise Berg" → "A.L.B.")."""
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(f"{p[0].upper()}." for p in parts)


def who(appointment: Appointment) -> str:
    """The person (initials) or the employer the entry is about."""
    if appointment.kind == Appointment.Kind.EMPLOYER:
        assert appointment.employer is not None
        return appointment.employer.name
    if appointment.kind == Appointment.Kind.FIRST_MEETING:
        assert appointment.referral is not None
        return initials(appointment.referral.person_name)
    assert appointment.participant is not None
    return initials(appointment.participant.name)


def _place(appointment: Appointment) -> str:
    parts = [
        appointment.get_place_display() if appointment.place else appointment.get_mode_display()
    ]
    if appointment.location:
        parts.append(appointment.location)
    return ", ".join(str(p) for p in parts)


def feed_calendar(appointments: Iterable[Appointment], *, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("IPS-avtaler"))
    now = timezone.now()
    for a in appointments:
        event = Event()
        event.add("uid", f"appointment-{a.pk}@{host}")
        event.add("dtstamp", now)
        event.add("last-modified", a.updated_at.astimezone(dt.UTC))
        event.add("dtstart", a.starts_at.astimezone(dt.UTC))
        event.add("dtend", a.ends_at.astimezone(dt.UTC))
        event.add("summary", f"{a.get_kind_display()}: {who(a)}")
        event.add("location", _place(a))
        event.add(
            "status", "CANCELLED" if a.status == Appointment.Status.CANCELLED else "CONFIRMED"
        )
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        cal.add_component(event)
    return cal.to_ical()
