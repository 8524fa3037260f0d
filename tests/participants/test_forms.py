"""Bad input: a field-level message, everything typed kept, nothing stored changed."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.forms import profile_section_form
from participants.models import Contact, Job, VocationalProfile
from participants.selectors import PROFILE_SECTIONS
from tests.factories import JobFactory, today

pytestmark = pytest.mark.django_db


def _contact_post(**overrides):
    data = {
        "contact_date": today().isoformat(),
        "with_whom": "participant",
        "mode": "face_to_face",
        "place": "community",
        "duration_minutes": "30",
        "note": "Møttes på kafé for å se på stillinger",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("minutes", "message"),
    [("0", "minst 1 minutt"), ("2000", "høyst 600 minutter"), ("tretti", "helt antall minutter")],
)
def test_contact_duration_outside_range_is_refused_and_note_kept(
    world, specialist_client, minutes, message
):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(url, _contact_post(duration_minutes=minutes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Møttes på kafé for å se på stillinger" in html
    assert 'id="error_1_id_duration_minutes"' in html or "invalid-feedback" in html
    assert not Contact.objects.exists()


def test_contact_dated_in_the_future_is_refused(world, specialist_client):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = specialist_client.post(url, _contact_post(contact_date=tomorrow))
    html = response.content.decode()
    assert "Datoen kan ikke være frem i tid." in html
    assert tomorrow in html
    assert not Contact.objects.exists()


def test_invalid_contact_in_the_dialog_goes_back_into_the_dialog(world, specialist_client):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(
        url + "?fra=caseload", _contact_post(duration_minutes="0"), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "#contact-dialog-body"
    assert response["HX-Reswap"] == "innerHTML"
    assert "Møttes på kafé" in response.content.decode()


def _job_post(world, **overrides):
    data = {
        "employer": str(world.employer.pk),
        "title": "Lagermedarbeider hos Rema",
        "start_date": (today() - dt.timedelta(days=1)).isoformat(),
        "hours_per_week": "20",
        "hourly_wage": "215,50",
        "is_ordinary": "on",
    }
    data.update(overrides)
    return data


def test_negative_hours_are_refused_and_nothing_typed_lost(world, specialist_client):
    url = reverse("participants:job_start", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(url, _job_post(world, hours_per_week="-5"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Timer per uke må være mer enn 0." in html
    assert "Lagermedarbeider hos Rema" in html
    assert 'value="-5"' in html
    assert not Job.objects.exists()


def test_wage_with_letters_is_refused(world, specialist_client):
    url = reverse("participants:job_start", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(url, _job_post(world, hourly_wage="200 kr"))
    html = response.content.decode()
    assert "Skriv timelønnen som et tall" in html
    assert 'value="200 kr"' in html
    assert not Job.objects.exists()


def test_job_start_accepts_norwegian_decimal_comma(world, specialist_client):
    url = reverse("participants:job_start", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(url, _job_post(world, hours_per_week="37,5"))
    assert response.status_code == 302
    job = Job.objects.get()
    assert (str(job.hours_per_week), str(job.hourly_wage)) == ("37.5", "215.50")


def test_job_end_before_start_is_refused_and_the_job_stays_open(world, specialist_client):
    job = JobFactory(participant=world.participant, employer=world.employer)
    url = reverse("participants:job_end", kwargs={"pk": world.participant.pk, "job_pk": job.pk})
    before = (job.start_date - dt.timedelta(days=3)).isoformat()
    response = specialist_client.post(
        url, {"end_date": before, "end_reason": "quit", "end_note": "Flyttet"}
    )
    html = response.content.decode()
    assert "Sluttdato kan ikke være før startdato" in html
    assert before in html and "Flyttet" in html
    job.refresh_from_db()
    assert job.end_date is None and job.end_reason == ""


def test_job_end_needs_a_reason(world, specialist_client):
    job = JobFactory(participant=world.participant, employer=world.employer)
    url = reverse("participants:job_end", kwargs={"pk": world.participant.pk, "job_pk": job.pk})
    response = specialist_client.post(url, {"end_date": today().isoformat(), "end_reason": ""})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    job.refresh_from_db()
    assert job.end_date is None


def test_profile_forms_leave_out_health_fields_for_people_who_may_not_see_them():
    shown = set()
    for section in PROFILE_SECTIONS:
        shown |= set(profile_section_form(section)(show_health=False).fields)
    assert not set(VocationalProfile.HEALTH_FIELDS) & shown
    assert "dream_job" in shown
    every = set()
    for section in PROFILE_SECTIONS:
        every |= set(profile_section_form(section)().fields)
    assert set(VocationalProfile.HEALTH_FIELDS) - {"previous_answers"} <= every


def test_every_profile_field_is_optional():
    for section in PROFILE_SECTIONS:
        if section.fields:
            form = profile_section_form(section)(data={})
            assert form.is_valid(), (section.key, form.errors)
