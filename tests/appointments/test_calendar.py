"""The private calendar feed, read with icalendar's own parser: initials only, no names, no
notes; a secret address that can be revoked; every fetch in the access log."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from appointments import services
from appointments.models import Appointment
from ips.audit.models import AccessEvent
from participants.models import Contact
from tests.factories import ParticipantFactory, today


def _feed_url(token: str) -> str:
    return reverse("appointments:feed", kwargs={"token": token})


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_feed_has_time_place_type_and_initials_only(world):
    person = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, name="Ola Nordmann"
    )
    starts = timezone.make_aware(
        dt.datetime.combine(today() + dt.timedelta(days=1), dt.time(9, 30))
    )
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=person,
        starts_at=starts,
        duration_minutes=45,
        place=Contact.Place.COMMUNITY,
        location="Kafé Løkka",
        note="Snakke om medisiner og søvn",
        with_whom="Mor",
    )
    _feed, token = services.calendar_feed_enable(by=world.specialist)

    response = Client().get(_feed_url(token))
    (event,) = _events(response)
    assert str(event["summary"]) == "Møte med deltaker: O.N."
    assert "Ute i samfunnet" in str(event["location"]) and "Kafé Løkka" in str(event["location"])
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + dt.timedelta(minutes=45)
    assert str(event["uid"]).startswith(f"appointment-{appointment.pk}@")
    text = response.content.decode()
    for secret in ("Ola", "Nordmann", "medisiner", "søvn", "Mor"):
        assert secret not in text
    assert "no-store" in response["Cache-Control"]

    logged = AccessEvent.objects.get(what=AccessEvent.What.CALENDAR_FEED)
    assert logged.user == world.specialist
    assert logged.participant == person
    assert logged.action == AccessEvent.Action.EXPORT


def test_feed_shows_only_the_owners_appointments_and_cancelled_ones_as_cancelled(world):
    starts = timezone.now() + dt.timedelta(days=2)
    mine = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=world.participant,
        starts_at=starts,
        mode=Contact.Mode.PHONE,
    )
    services.appointment_plan(
        by=world.teammate,
        kind=Appointment.Kind.PARTICIPANT,
        participant=world.participant,
        starts_at=starts,
        mode=Contact.Mode.PHONE,
    )
    services.appointment_cancel(appointment=mine, by=world.specialist)
    _feed, token = services.calendar_feed_enable(by=world.specialist)
    (event,) = _events(Client().get(_feed_url(token)))
    assert str(event["status"]) == "CANCELLED"


def test_an_unknown_or_revoked_address_finds_nothing(world):
    _feed, token = services.calendar_feed_enable(by=world.specialist)
    assert Client().get(_feed_url("not-a-token")).status_code == 404
    services.calendar_feed_revoke(by=world.specialist)
    assert Client().get(_feed_url(token)).status_code == 404
    assert Client().post(_feed_url(token)).status_code == 405


def test_the_address_is_shown_once_when_switched_on(world, specialist_client):
    url = reverse("appointments:calendar")
    response = specialist_client.post(url)
    html = response.content.decode()
    assert "/avtaler/kalender/" in html and ".ics" in html
    feed_path = html.split("/avtaler/kalender/")[1].split(".ics")[0]
    assert Client().get(f"/avtaler/kalender/{feed_path}.ics").status_code == 200
    again = specialist_client.get(url).content.decode()
    assert feed_path not in again
    assert "Kalenderen er slått på" in again
    specialist_client.post(url, {"handling": "slaa-av"})
    assert Client().get(f"/avtaler/kalender/{feed_path}.ics").status_code == 404


def test_partners_and_auditors_get_no_calendar(world):
    for role in ("partner", "auditor"):
        assert world.client_for(role).get(reverse("appointments:calendar")).status_code == 403
