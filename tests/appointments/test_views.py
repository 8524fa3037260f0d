"""Planning, moving, cancelling and holding through the pages; shown on the participant page
and its timeline; only the team sees them."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from ips.audit.models import AccessEvent
from participants.models import Contact
from tests.factories import today

PLAN = reverse("appointments:plan")


def _form(day: dt.date, **more) -> dict:
    return {
        "kind": Appointment.Kind.PARTICIPANT,
        "day": day.isoformat(),
        "time": "14:30",
        "duration_minutes": 45,
        "mode": Contact.Mode.FACE_TO_FACE,
        "place": Contact.Place.WORKPLACE,
        "location": "Lagerhuset",
        "note": "",
    } | more


def test_plan_from_the_participant_page_and_see_it_there_and_on_the_timeline(
    world, specialist_client
):
    person = world.participant
    day = today() + dt.timedelta(days=2)
    response = specialist_client.post(f"{PLAN}?deltaker={person.pk}", _form(day))
    detail = reverse("participants:detail", kwargs={"pk": person.pk})
    assert response.status_code == 302 and response["Location"] == detail
    appointment = Appointment.objects.get(participant=person)
    assert timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y %H:%M") == (
        f"{day:%d.%m.%Y} 14:30"
    )
    html = specialist_client.get(detail).content.decode()
    assert "Planlagte avtaler" in html and f"{day:%d.%m.%Y} 14:30" in html
    assert 'data-kind="appointment"' in html
    assert AccessEvent.objects.filter(
        what=AccessEvent.What.APPOINTMENT, participant=person, action="change"
    ).exists()


def test_bad_input_keeps_what_was_typed_and_stores_nothing(world, specialist_client):
    response = specialist_client.post(
        f"{PLAN}?deltaker={world.participant.pk}",
        _form(today(), place="", time="25:99", location="Kafé Løkka"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kafé Løkka" in html
    assert "Skriv klokkeslettet som tt:mm." in html
    assert not Appointment.objects.exists()


def test_another_team_cannot_plan_see_or_move(world):
    outsider = world.client_for("other_specialist")
    assert outsider.get(f"{PLAN}?deltaker={world.participant.pk}").status_code == 404
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=world.participant,
        starts_at=timezone.now() + dt.timedelta(days=1),
        place=Contact.Place.HOME,
    )
    edit = reverse("appointments:edit", kwargs={"pk": appointment.pk})
    assert outsider.get(edit).status_code == 404
    assert outsider.post(edit, {"avlys": "1"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.PLANNED


def test_move_then_cancel_shows_earlier_versions(world, specialist_client):
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=world.participant,
        starts_at=timezone.now() + dt.timedelta(days=1),
        place=Contact.Place.HOME,
    )
    edit = reverse("appointments:edit", kwargs={"pk": appointment.pk})
    new_day = today() + dt.timedelta(days=3)
    assert specialist_client.post(edit, _form(new_day)).status_code == 302
    assert specialist_client.post(edit, {"avlys": "1"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    html = specialist_client.get(edit).content.decode()
    assert "Tidligere versjoner" in html and f"{new_day:%d.%m.%Y} 14:30" in html
    assert "Avlyst" in html


def test_hold_from_the_participant_page(world, specialist_client):
    appointment = services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=world.participant,
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        place=Contact.Place.HOME,
    )
    detail = reverse("participants:detail", kwargs={"pk": world.participant.pk})
    assert "Registrer som holdt" in specialist_client.get(detail).content.decode()
    response = specialist_client.post(
        reverse("appointments:hold", kwargs={"pk": appointment.pk}), {"neste": detail}
    )
    assert response.status_code == 302 and response["Location"] == detail
    assert Contact.objects.filter(participant=world.participant, place=Contact.Place.HOME).exists()


def test_plan_a_meeting_with_an_employer_from_its_page(world, specialist_client, leader_client):
    page = reverse("employers:detail", kwargs={"pk": world.employer.pk})
    link = f"{PLAN}?arbeidsgiver={world.employer.pk}"
    assert link in specialist_client.get(page).content.decode()
    assert link not in leader_client.get(page).content.decode()  # leaders plan no meetings
    form = _form(today() + dt.timedelta(days=1))
    del form["kind"]
    assert specialist_client.post(link, form).status_code == 302
    appointment = Appointment.objects.get(employer=world.employer)
    assert appointment.kind == Appointment.Kind.EMPLOYER and appointment.participant is None
