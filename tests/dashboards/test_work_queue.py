"""«Min dag» as the work queue: every alert says who it is about and offers the action that
clears it, in place; the answer is the refreshed queue, without the cleared alert."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import Appointment
from deadlines.engine import scan
from deadlines.models import Alert
from ips.audit.models import AccessEvent
from participants.models import Contact, PlanReview
from referrals.models import Referral
from tests.factories import ContactFactory, ParticipantFactory, ReferralFactory, today

URL = reverse("dashboards:my_day")


def _action(action: str, pk: int) -> str:
    return reverse("dashboards:my_day_action", kwargs={"action": action, "pk": pk})


def _quiet(world, name="Stine Stille"):
    person = ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        name=name,
        entry_date=today() - dt.timedelta(days=80),
    )
    ContactFactory(participant=person, contact_date=today() - dt.timedelta(days=45))
    return person


def test_each_alert_names_its_participant_with_a_link_and_the_action(world, specialist_client):
    person = _quiet(world)
    scan(["no_contact_30_days"])
    html = specialist_client.get(URL).content.decode()
    assert "Ingen kontakt på 30 dager" in html
    assert f'href="{reverse("participants:detail", kwargs={"pk": person.pk})}"' in html
    assert "Stine Stille" in html
    assert _action("kontakt", person.pk) in html
    assert 'role="status"' in html
    # Counts per rule at the top, before the appointments and the alerts.
    assert html.index('data-figure="alert-counts"') < html.index("Avtaler i dag og denne uken")
    assert AccessEvent.objects.filter(
        user=world.specialist, what=AccessEvent.What.MY_DAY, participant=person
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_logging_the_contact_from_my_day_answers_with_the_queue_without_the_alert(world):
    client = world.client_for("specialist")
    person = _quiet(world)
    scan(["no_contact_30_days"])
    form = client.get(_action("kontakt", person.pk), HTTP_HX_REQUEST="true")
    assert "Logg kontakt: Stine Stille" in form.content.decode()

    response = client.post(
        _action("kontakt", person.pk),
        {
            "contact_date": today().isoformat(),
            "with_whom": Contact.With.PARTICIPANT,
            "mode": Contact.Mode.FACE_TO_FACE,
            "place": Contact.Place.COMMUNITY,
            "duration_minutes": 30,
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="work-queue"' in html
    assert "Ingen kontakt på 30 dager" not in html
    assert "Kontakten med Stine Stille er registrert." in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "myDayUpdated" in response["HX-Trigger-After-Settle"]
    assert Alert.objects.get(rule="no_contact_30_days", subject_id=person.pk).state == "resolved"


def test_a_refused_contact_goes_back_into_the_dialog_with_what_was_typed(world, specialist_client):
    person = _quiet(world)
    response = specialist_client.post(
        _action("kontakt", person.pk),
        {
            "contact_date": today().isoformat(),
            "with_whom": Contact.With.PARTICIPANT,
            "mode": Contact.Mode.FACE_TO_FACE,
            "place": "",
            "duration_minutes": 30,
            "note": "Tur i parken",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#myday-dialog-body"
    html = response.content.decode()
    assert "Tur i parken" in html and "Velg hvor dere møttes." in html
    assert not Contact.objects.filter(participant=person, contact_date=today()).exists()


def test_plan_review_from_my_day(world, specialist_client):
    person = _quiet(world)
    response = specialist_client.post(
        _action("gjennomgang", person.pk),
        {"reviewed_on": today().isoformat(), "summary": "Planen holder"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert PlanReview.objects.filter(plan__participant=person).count() == 1


def test_employer_contact_from_my_day_is_on_the_persons_behalf(world, specialist_client):
    person = _quiet(world)
    response = specialist_client.post(
        _action("arbeidsgiverkontakt", person.pk),
        {
            "employer": world.employer.pk,
            "contact_date": today().isoformat(),
            "face_to_face": "on",
            "purpose": "on_behalf",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.first_employer_contact_date == today()


def test_actions_are_scoped(world):
    outsider = world.client_for("other_specialist")
    person = _quiet(world)
    assert outsider.get(_action("kontakt", person.pk)).status_code == 404
    assert world.client_for("partner").get(_action("kontakt", person.pk)).status_code == 403
    assert world.client_for("specialist").get(_action("ukjent", person.pk)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_assigned_referral_shows_its_deadline_then_planlagt_then_resolves(world):
    referral = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        person_name="Henny Henvist",
        referral_date=today() - dt.timedelta(days=10),
        date_received=today() - dt.timedelta(days=9),
    )
    fresh = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        person_name="Frida Fersk",
        date_received=today() - dt.timedelta(days=1),
    )
    leader = world.client_for("leader")
    for r in (referral, fresh):
        response = leader.post(
            reverse("referrals:assign", kwargs={"pk": r.pk}), {"specialist": world.specialist.pk}
        )
        assert response.status_code == 302
    alert = Alert.objects.get(rule="first_meeting_overdue", subject_id=referral.pk)
    assert alert.state == "open" and alert.owner == world.specialist

    client = world.client_for("specialist")
    html = client.get(URL).content.decode()
    assert "Henny Henvist" in html and "Første møte er ikke holdt" in html
    assert f"Frist {(referral.date_received + dt.timedelta(days=7)):%d.%m.%Y}" in html
    assert "Frida Fersk" in html and "Nye henvisninger" in html
    assert f"Frist {(fresh.date_received + dt.timedelta(days=7)):%d.%m.%Y}" in html
    assert _action("book-forste-mote", fresh.pk) in html

    when = timezone.localtime() + dt.timedelta(days=1)
    booked = client.post(
        _action("book-forste-mote", referral.pk),
        {
            "day": when.date().isoformat(),
            "time": "10:00",
            "duration_minutes": 60,
            "place": Contact.Place.COMMUNITY,
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f"planlagt {when:%d.%m.}" in booked
    # The alert list says it too, on the same alert.
    alerts_page = client.get(reverse("deadlines:alert_list")).content.decode()
    assert f"planlagt {when:%d.%m.}" in alerts_page
    assert Appointment.objects.get(referral=referral).status == Appointment.Status.PLANNED

    registered = client.post(
        _action("forste-mote", referral.pk),
        {
            "meeting_date": today().isoformat(),
            "place": Contact.Place.COMMUNITY,
            "duration_minutes": 60,
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Første møte er ikke holdt" not in registered
    assert "Første møte med Henny Henvist er registrert." in registered
    alert.refresh_from_db()
    assert alert.state == "resolved"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.FIRST_MEETING_HELD
    # The planned meeting does not wait to be registered a second time.
    assert Appointment.objects.get(referral=referral).status == Appointment.Status.DONE


def test_appointments_of_today_and_the_week_come_first_and_a_passed_one_is_held_in_one_tap(
    world, specialist_client
):
    person = _quiet(world)
    passed = appointment_services.appointment_plan(
        by=world.specialist,
        kind=Appointment.Kind.PARTICIPANT,
        participant=person,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place=Contact.Place.HOME,
    )
    html = specialist_client.get(URL).content.decode()
    assert html.index("Avtaler i dag og denne uken") < html.index("Åpne varsler")
    assert "Venter på registrering" in html
    hold = reverse("dashboards:my_day_hold", kwargs={"pk": passed.pk})
    assert hold in html
    response = specialist_client.post(hold, HTTP_HX_REQUEST="true")
    assert "Møtet er registrert som holdt." in response.content.decode()
    passed.refresh_from_db()
    assert passed.status == Appointment.Status.DONE
    assert passed.contact.place == Contact.Place.HOME
