import datetime as dt

import pytest
from django.urls import reverse

from employers.models import Employer, EmployerContact, JobOpening
from ips.audit.models import AccessEvent
from tests.employers.factories import valid_orgnr
from tests.factories import (
    EmployerContactFactory,
    EmployerContactPersonFactory,
    EmployerFactory,
    JobFactory,
    JobOpeningFactory,
    ParticipantFactory,
    today,
)

Purpose = EmployerContact.Purpose


def _contact_post(world, **overrides):
    data = {
        "contact_date": today().isoformat(),
        "face_to_face": "on",
        "purpose": Purpose.ON_BEHALF,
        "participants": [world.participant.pk],
        "outcome": "",
        "note": "Snakket med butikksjefen om deltid på lager.",
        "next_step": "Ringe tilbake",
        "next_step_date": (today() + dt.timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


# --- Register: create, edit, search -------------------------------------------------------------


def test_specialist_registers_an_employer(world, specialist_client):
    response = specialist_client.post(
        reverse("employers:create"),
        {"name": "Coop Extra Sagene", "org_number": valid_orgnr(10), "industry": "Varehandel"},
    )
    employer = Employer.objects.get(name="Coop Extra Sagene")
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:detail", args=[employer.pk])
    assert employer.team == world.team
    assert employer.org_number == valid_orgnr(10)


def test_invalid_orgnr_gives_a_field_message_and_keeps_what_was_typed(world, specialist_client):
    response = specialist_client.post(
        reverse("employers:create"),
        {
            "name": "Feilnummer AS",
            "org_number": "123 456 789",
            "industry": "Bygg og anlegg",
            "municipality": "Bærum",
            "notes": "Møtte daglig leder på messe.",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Organisasjonsnummeret er ikke gyldig" in form.errors["org_number"][0]
    body = response.content.decode()
    for typed in ("Feilnummer AS", "123 456 789", "Bygg og anlegg", "Bærum", "Møtte daglig leder"):
        assert typed in body
    assert not Employer.objects.filter(name="Feilnummer AS").exists()


def test_duplicate_orgnr_links_to_the_existing_employer(world, specialist_client):
    existing = EmployerFactory(team=world.team, name="Rema Torshov", org_number=valid_orgnr(11))
    response = specialist_client.post(
        reverse("employers:create"), {"name": "Rema 1000 Torshov", "org_number": valid_orgnr(11)}
    )
    assert response.status_code == 200
    error = response.context["form"].errors["org_number"][0]
    assert reverse("employers:detail", args=[existing.pk]) in error
    assert "Rema Torshov" in error
    assert 'value="Rema 1000 Torshov"' in response.content.decode()
    assert Employer.objects.filter(org_number=valid_orgnr(11)).count() == 1


def test_edit_saves_changes(world, specialist_client):
    employer = world.employer
    response = specialist_client.post(
        reverse("employers:edit", args=[employer.pk]),
        {"name": employer.name, "org_number": "", "industry": "Dagligvare", "municipality": "Oslo"},
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.industry == "Dagligvare"


def test_search_finds_by_name_and_by_orgnr_with_spaces(world, specialist_client):
    number = valid_orgnr(12)
    EmployerFactory(team=world.team, name="Bakeriet på hjørnet", org_number=number)
    EmployerFactory(team=world.team, name="Snekker Hansen")
    url = reverse("employers:list")
    by_name = specialist_client.get(url, {"q": "bakeri"})
    assert [e.name for e in by_name.context["page_obj"]] == ["Bakeriet på hjørnet"]
    spaced = f"{number[:3]} {number[3:6]}"
    by_number = specialist_client.get(url, {"q": spaced})
    assert [e.name for e in by_number.context["page_obj"]] == ["Bakeriet på hjørnet"]


def test_list_shows_last_contact_date(world, specialist_client):
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        contact_date=today() - dt.timedelta(days=4),
    )
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        contact_date=today() - dt.timedelta(days=20),
    )
    response = specialist_client.get(reverse("employers:list"))
    (employer,) = response.context["page_obj"]
    assert employer.last_contact == today() - dt.timedelta(days=4)
    assert (today() - dt.timedelta(days=4)).strftime("%d.%m.%Y") in response.content.decode()


def test_contact_person_is_added(world, specialist_client):
    response = specialist_client.post(
        reverse("employers:contact_person_add", args=[world.employer.pk]),
        {"name": "Mona Hansen", "role": "Butikksjef", "phone": "911 22 333", "email": ""},
    )
    assert response.status_code == 302
    assert world.employer.contact_persons.get().name == "Mona Hansen"


# --- Employer log: bad input ---------------------------------------------------------------------


def _log_url(world):
    return reverse("employers:contact_create", args=[world.employer.pk])


def test_contact_dated_in_the_future_gives_a_field_message_and_keeps_input(
    world, specialist_client
):
    future = (today() + dt.timedelta(days=2)).isoformat()
    response = specialist_client.post(
        _log_url(world), _contact_post(world, contact_date=future, next_step_date="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "frem i tid" in form.errors["contact_date"][0]
    body = response.content.decode()
    assert f'value="{future}"' in body
    assert "Snakket med butikksjefen om deltid på lager." in body
    assert "Ringe tilbake" in body
    assert not EmployerContact.objects.exists()
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date is None


def test_next_step_before_contact_gives_a_field_message_and_keeps_input(world, specialist_client):
    before = (today() - dt.timedelta(days=1)).isoformat()
    response = specialist_client.post(_log_url(world), _contact_post(world, next_step_date=before))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["next_step_date"]
    assert "før kontaktdatoen" in form.errors["next_step_date"][0]
    body = response.content.decode()
    assert f'value="{before}"' in body
    assert "Snakket med butikksjefen" in body
    # The chosen participant stays ticked.
    assert f'value="{world.participant.pk}"' in body and "checked" in body
    assert not EmployerContact.objects.exists()


def test_participant_of_another_team_cannot_be_chosen(world, specialist_client):
    response = specialist_client.post(
        _log_url(world), _contact_post(world, participants=[world.other_participant.pk])
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not EmployerContact.objects.exists()


def test_logged_contact_sets_first_employer_contact_date(world, specialist_client):
    person = EmployerContactPersonFactory(employer=world.employer)
    response = specialist_client.post(
        _log_url(world), _contact_post(world, contact_person=person.pk)
    )
    assert response.status_code == 302
    contact = EmployerContact.objects.get()
    assert contact.job_specialist == world.specialist
    assert contact.contact_person == person
    assert list(contact.participants.all()) == [world.participant]
    world.participant.refresh_from_db()
    assert world.participant.first_employer_contact_date == today()


def test_outcome_job_opening_leads_to_the_opening_form_with_the_contact_chosen(
    world, specialist_client
):
    response = specialist_client.post(
        _log_url(world), _contact_post(world, outcome=EmployerContact.Outcome.JOB_OPENING)
    )
    contact = EmployerContact.objects.get()
    assert response["Location"].endswith(f"?kontakt={contact.pk}")
    form_page = specialist_client.get(response["Location"])
    assert form_page.context["form"].initial["source_contact"] == str(contact.pk)


def test_job_opening_is_recorded(world, specialist_client):
    response = specialist_client.post(
        reverse("employers:opening_create", args=[world.employer.pk]),
        {
            "title": "Lagermedarbeider",
            "hours_per_week": "20",
            "deadline": (today() + dt.timedelta(days=14)).isoformat(),
            "matched_participants": [world.participant.pk],
        },
    )
    assert response.status_code == 302
    opening = JobOpening.objects.get()
    assert list(opening.matched_participants.all()) == [world.participant]


def test_job_opening_with_past_deadline_gives_a_field_message(world, specialist_client):
    response = specialist_client.post(
        reverse("employers:opening_create", args=[world.employer.pk]),
        {"title": "Kokk", "deadline": (today() - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors
    assert 'value="Kokk"' in response.content.decode()
    assert not JobOpening.objects.exists()


def test_job_opening_can_be_marked_filled(world, specialist_client):
    opening = JobOpeningFactory(employer=world.employer, created_by=world.specialist)
    response = specialist_client.post(
        reverse("employers:opening_status", args=[opening.pk]), {"status": "filled"}
    )
    assert response.status_code == 302
    opening.refresh_from_db()
    assert opening.status == JobOpening.Status.FILLED


# --- Access between teams ----------------------------------------------------------------------


def test_other_team_cannot_see_or_log_in_this_teams_register(world):
    EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
    client = world.client_for("other_specialist")
    assert client.get(reverse("employers:detail", args=[world.employer.pk])).status_code == 404
    response = client.post(_log_url(world), _contact_post(world, participants=[]))
    assert response.status_code == 404
    listing = client.get(reverse("employers:list"))
    assert world.employer.name not in listing.content.decode()
    log = client.get(reverse("employers:log"))
    assert list(log.context["page_obj"]) == []
    assert EmployerContact.objects.count() == 1


def test_other_team_cannot_change_status_of_this_teams_opening(world):
    opening = JobOpeningFactory(employer=world.employer, created_by=world.specialist)
    response = world.client_for("other_specialist").post(
        reverse("employers:opening_status", args=[opening.pk]), {"status": "closed"}
    )
    assert response.status_code == 404
    opening.refresh_from_db()
    assert opening.status == JobOpening.Status.OPEN


def test_shared_register_is_read_only_for_the_partner_team(shared_register):
    world = shared_register
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        note="Ønsker folk til lageret",
    ).participants.add(world.participant)
    client = world.client_for("other_specialist")

    detail = client.get(reverse("employers:detail", args=[world.employer.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Ønsker folk til lageret" in body
    assert "kun lesetilgang" in body
    # The other team sees the log, never the names of this team's participants.
    assert world.participant.name not in body
    assert reverse("employers:contact_create", args=[world.employer.pk]) not in body

    assert client.get(reverse("employers:edit", args=[world.employer.pk])).status_code == 403
    edit = client.post(reverse("employers:edit", args=[world.employer.pk]), {"name": "Kapret"})
    assert edit.status_code == 403
    assert client.get(_log_url(world)).status_code == 403
    assert client.post(_log_url(world), _contact_post(world, participants=[])).status_code == 403
    url = reverse("employers:contact_person_add", args=[world.employer.pk])
    assert client.post(url, {"name": "X"}).status_code == 403
    url = reverse("employers:opening_create", args=[world.employer.pk])
    assert client.post(url, {"title": "X"}).status_code == 403
    world.employer.refresh_from_db()
    assert world.employer.name == "Rema 1000 Grünerløkka"
    assert EmployerContact.objects.count() == 1

    listing = client.get(reverse("employers:list"))
    assert world.employer.name in listing.content.decode()
    log = client.get(reverse("employers:log"))
    assert len(log.context["page_obj"]) == 1
    assert world.participant.name not in log.content.decode()


def test_sharing_is_one_way(shared_register):
    world = shared_register
    response = world.client_for("specialist").get(
        reverse("employers:detail", args=[world.other_employer.pk])
    )
    assert response.status_code == 404


# --- Detail: history, hires, audit ----------------------------------------------------------------


def test_detail_shows_history_hires_and_last_contact(world, leader_client):
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        contact_date=today() - dt.timedelta(days=3),
        note="Første besøk",
    )
    JobFactory(participant=world.participant, employer=world.employer, title="Kassemedarbeider")
    response = leader_client.get(reverse("employers:detail", args=[world.employer.pk]))
    body = response.content.decode()
    assert "Første besøk" in body
    assert "Kassemedarbeider" in body and world.participant.name in body
    assert response.context["detail"].last_contact == today() - dt.timedelta(days=3)
    # Showing the participant's job is a read of participant data: logged.
    assert AccessEvent.objects.filter(user=world.leader, participant=world.participant).exists()


def _detail_data(world, n):
    for i in range(n):
        participant = ParticipantFactory(team=world.team, job_specialist=world.specialist)
        contact = EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
        contact.participants.add(participant)
        JobFactory(participant=participant, employer=world.employer)
        JobOpeningFactory(
            employer=world.employer, created_by=world.specialist
        ).matched_participants.add(participant)
        EmployerContactPersonFactory(employer=world.employer, name=f"Person {i}")


@pytest.mark.parametrize("size", [3, 30])
def test_detail_query_count_does_not_grow(
    world, specialist_client, size, django_assert_num_queries
):
    _detail_data(world, size)
    url = reverse("employers:detail", args=[world.employer.pk])
    specialist_client.get(url)  # warm the session
    with django_assert_num_queries(DETAIL_QUERIES):
        response = specialist_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_list_and_log_query_counts_do_not_grow(
    world, specialist_client, size, django_assert_num_queries
):
    for _ in range(size):
        employer = EmployerFactory(team=world.team)
        EmployerContactFactory(employer=employer, job_specialist=world.specialist).participants.add(
            world.participant
        )
    specialist_client.get(reverse("employers:list"))
    with django_assert_num_queries(LIST_QUERIES):
        specialist_client.get(reverse("employers:list"))
    with django_assert_num_queries(LOG_QUERIES):
        specialist_client.get(reverse("employers:log"))


DETAIL_QUERIES = 15
LIST_QUERIES = 6
LOG_QUERIES = 9


def test_log_can_be_filtered_by_specialist(world, leader_client):
    EmployerContactFactory(employer=world.employer, job_specialist=world.specialist, note="Siris")
    EmployerContactFactory(employer=world.employer, job_specialist=world.teammate, note="Kåres")
    response = leader_client.get(reverse("employers:log"), {"spesialist": world.teammate.pk})
    assert [c.note for c in response.context["page_obj"]] == ["Kåres"]
    everyone = leader_client.get(reverse("employers:log"))
    assert len(everyone.context["page_obj"]) == 2


def test_archived_employer_leaves_the_list_but_keeps_its_history(world, specialist_client):
    EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
    response = specialist_client.post(reverse("employers:archive", args=[world.employer.pk]))
    assert response.status_code == 302
    world.employer.refresh_from_db()
    assert world.employer.archived_at is not None
    listing = specialist_client.get(reverse("employers:list"))
    assert list(listing.context["page_obj"]) == []
    detail = specialist_client.get(reverse("employers:detail", args=[world.employer.pk]))
    assert detail.status_code == 200
    assert len(detail.context["page_obj"]) == 1


def test_shared_register_cannot_be_archived_by_the_partner_team(shared_register):
    world = shared_register
    client = world.client_for("other_specialist")
    response = client.post(reverse("employers:archive", args=[world.employer.pk]))
    assert response.status_code == 403
    world.employer.refresh_from_db()
    assert world.employer.archived_at is None
