"""A new employer on the way: typed into the job-start form or the employer-contact form, saved
together with the job or the contact in one transaction, or not at all."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers import services
from employers.models import Employer, EmployerContact
from participants.models import Job
from tests.employers.factories import valid_orgnr
from tests.factories import EmployerFactory, today

pytestmark = pytest.mark.django_db


def _job_url(world):
    return reverse("participants:job_start", kwargs={"pk": world.participant.pk})


def _job_post(**overrides):
    data = {
        "employer": "",
        "new_employer_name": "Kiwi Sagene",
        "new_employer_org_number": valid_orgnr(40),
        "title": "Butikkmedarbeider",
        "start_date": (today() - dt.timedelta(days=1)).isoformat(),
        "hours_per_week": "18,5",
        "hourly_wage": "205",
        "is_ordinary": "on",
    }
    data.update(overrides)
    return data


def test_job_start_with_a_new_employer_typed_inline_saves_both(world, specialist_client):
    response = specialist_client.post(_job_url(world), _job_post(new_employer_org_number=""))
    assert response.status_code == 302
    employer = Employer.objects.get(name="Kiwi Sagene")
    assert (employer.team, employer.created_by, employer.org_number) == (
        world.team,
        world.specialist,
        "",
    )
    job = Job.objects.get()
    assert (job.employer, job.title, job.hours_per_week) == (
        employer,
        "Butikkmedarbeider",
        Decimal("18.5"),
    )
    world.participant.refresh_from_db()
    assert world.participant.status == "employed"


def test_the_organisation_number_is_stored_as_its_nine_digits(world, specialist_client):
    spaced = f"{valid_orgnr(40)[:3]} {valid_orgnr(40)[3:6]} {valid_orgnr(40)[6:]} MVA"
    specialist_client.post(_job_url(world), _job_post(new_employer_org_number=spaced))
    assert Employer.objects.get(name="Kiwi Sagene").org_number == valid_orgnr(40)


def test_a_bad_organisation_number_keeps_everything_typed_and_stores_nothing(
    world, specialist_client
):
    response = specialist_client.post(
        _job_url(world), _job_post(new_employer_org_number="123 456 789")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["new_employer_org_number"]
    assert "Organisasjonsnummeret er ikke gyldig" in errors["new_employer_org_number"][0]
    html = response.content.decode()
    for typed in ("Kiwi Sagene", "123 456 789", "Butikkmedarbeider", "18,5", "205"):
        assert f'value="{typed}"' in html
    assert not Employer.objects.filter(name="Kiwi Sagene").exists()
    assert not Job.objects.exists()


def test_an_organisation_number_already_in_the_register_names_it_and_stores_nothing(
    world, specialist_client
):
    EmployerFactory(team=world.team, name="Kiwi 123 Sagene", org_number=valid_orgnr(41))
    response = specialist_client.post(
        _job_url(world), _job_post(new_employer_org_number=valid_orgnr(41))
    )
    assert response.status_code == 200
    error = response.context["form"].errors["new_employer_org_number"][0]
    assert "finnes allerede i registeret: Kiwi 123 Sagene" in error
    assert 'value="Butikkmedarbeider"' in response.content.decode()
    assert Employer.objects.count() == 1 and not Job.objects.exists()


def test_an_employer_from_the_register_and_a_new_one_at_once_is_refused(world, specialist_client):
    response = specialist_client.post(_job_url(world), _job_post(employer=str(world.employer.pk)))
    assert response.status_code == 200
    assert "ikke begge" in response.context["form"].errors["new_employer_name"][0]
    assert not Job.objects.exists() and not Employer.objects.filter(name="Kiwi Sagene").exists()


def test_neither_an_employer_from_the_register_nor_a_new_one_is_refused(world, specialist_client):
    response = specialist_client.post(
        _job_url(world), _job_post(new_employer_name="", new_employer_org_number="")
    )
    assert response.status_code == 200
    assert "skriv navnet på en ny" in response.context["form"].errors["employer"][0]


def test_the_register_choice_still_works_as_before(world, specialist_client):
    response = specialist_client.post(
        _job_url(world),
        _job_post(
            employer=str(world.employer.pk), new_employer_name="", new_employer_org_number=""
        ),
    )
    assert response.status_code == 302
    assert Job.objects.get().employer == world.employer
    assert Employer.objects.count() == 1


def test_a_job_the_service_refuses_takes_the_new_employer_with_it(world):
    with pytest.raises(ValidationError) as refused:
        services.job_start_with_new_employer(
            participant=world.participant,
            by=world.specialist,
            employer_name="Framtid AS",
            title="Kokk",
            start_date=today() + dt.timedelta(days=3),
            hours_per_week=Decimal("20"),
        )
    assert "start_date" in refused.value.error_dict
    assert not Employer.objects.filter(name="Framtid AS").exists()
    assert not Job.objects.exists()


# --- The employer-contact form -------------------------------------------------------------------

CONTACT_URL = reverse("employers:contact_create_any")


def _contact_post(world, **overrides):
    data = {
        "employer": "",
        "new_employer_name": "Sagene Sykkel",
        "new_employer_org_number": valid_orgnr(42),
        "contact_date": today().isoformat(),
        "face_to_face": "on",
        "purpose": "on_behalf",
        "participants": [str(world.participant.pk)],
        "outcome": "learned_needs",
        "note": "Trenger folk til verkstedet om våren.",
    }
    data.update(overrides)
    return data


def test_employer_contact_with_a_new_employer_saves_both(world, specialist_client):
    response = specialist_client.post(CONTACT_URL, _contact_post(world))
    employer = Employer.objects.get(name="Sagene Sykkel")
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:detail", args=[employer.pk])
    contact = EmployerContact.objects.get()
    assert (contact.employer, contact.job_specialist, contact.team) == (
        employer,
        world.specialist,
        world.team,
    )
    assert list(contact.participants.all()) == [world.participant]
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date == today()


def test_employer_contact_with_a_bad_organisation_number_keeps_everything_typed(
    world, specialist_client
):
    response = specialist_client.post(
        CONTACT_URL, _contact_post(world, new_employer_org_number="123 456 788")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Organisasjonsnummeret er ikke gyldig" in errors["new_employer_org_number"][0]
    html = response.content.decode()
    for typed in ('value="Sagene Sykkel"', 'value="123 456 788"', "Trenger folk til verkstedet"):
        assert typed in html
    assert not Employer.objects.filter(name="Sagene Sykkel").exists()
    assert not EmployerContact.objects.exists()


def test_employer_contact_with_an_employer_from_the_register(world, specialist_client):
    response = specialist_client.post(
        CONTACT_URL,
        _contact_post(
            world, employer=str(world.employer.pk), new_employer_name="", new_employer_org_number=""
        ),
    )
    assert response.status_code == 302
    assert EmployerContact.objects.get().employer == world.employer


def test_another_teams_employer_cannot_be_chosen(world, specialist_client):
    response = specialist_client.post(
        CONTACT_URL,
        _contact_post(
            world,
            employer=str(world.other_employer.pk),
            new_employer_name="",
            new_employer_org_number="",
        ),
    )
    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not EmployerContact.objects.exists()
