"""Phone (tap to call), e-mail, address and preferred way of contact: from the referral, kept up
to date by the team, with history, and shown to the participant's own team only."""

import datetime as dt
import importlib

import pytest
from django.urls import reverse

from fidelity.models import SampledRecord
from ips.history import history_of
from participants.models import Participant
from referrals import services as referral_services
from tests.factories import ParticipantFactory, ReferralFactory, ReviewFactory, today

pytestmark = pytest.mark.django_db


def _detail(client, participant):
    return client.get(reverse("participants:detail", kwargs={"pk": participant.pk}))


def _edit_url(participant):
    return reverse("participants:contact_details", kwargs={"pk": participant.pk})


def _with_contact_details(world):
    Participant.objects.filter(pk=world.participant.pk).update(
        phone="+4791234567",
        email="ola@example.no",
        address="Storgata 1, 0182 Oslo",
        preferred_contact="sms",
    )
    return world.participant


def test_first_meeting_copies_the_referrals_phone_checked(world):
    referral = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        phone="912 34 567",
        assigned_specialist=world.specialist,
        status="assigned",
        date_received=today() - dt.timedelta(days=2),
    )
    participant = referral_services.referral_register_first_meeting(
        referral=referral,
        meeting_date=today(),
        place="community",
        duration_minutes=45,
        by=world.specialist,
    )
    assert participant.phone == "+4791234567"


def test_first_meeting_keeps_a_referral_phone_that_is_no_valid_number_as_typed(world):
    referral = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        phone="ring mor: 1234",
        assigned_specialist=world.specialist,
        status="assigned",
        date_received=today() - dt.timedelta(days=2),
    )
    participant = referral_services.referral_register_first_meeting(
        referral=referral,
        meeting_date=today(),
        place="office",
        duration_minutes=30,
        by=world.specialist,
    )
    assert participant.phone == "ring mor: 1234"


def test_team_sees_contact_details_with_a_tap_to_call_link(world, specialist_client):
    participant = _with_contact_details(world)
    html = _detail(specialist_client, participant).content.decode()
    assert 'href="tel:+4791234567"' in html
    assert "Ring 91 23 45 67" in html
    assert 'href="mailto:ola@example.no"' in html
    assert "Storgata 1, 0182 Oslo" in html
    assert "SMS" in html
    assert _edit_url(participant) in html


def test_a_sampled_auditor_reads_the_record_but_never_the_contact_details(world):
    participant = _with_contact_details(world)
    review = ReviewFactory(team=world.team, sample_access_until=today() + dt.timedelta(days=7))
    review.reviewers.add(world.auditor)
    SampledRecord.objects.create(review=review, participant=participant, drawn_by=world.leader)
    client = world.client_for("auditor")
    response = _detail(client, participant)
    html = response.content.decode()
    assert response.status_code == 200 and "Ola Deltaker" in html
    for detail in ("tel:", "91 23 45 67", "ola@example.no", "Storgata", "Kontaktopplysninger"):
        assert detail not in html
    assert client.get(_edit_url(participant)).status_code == 403
    history = client.get(reverse("audit:history", args=["deltaker", participant.pk]))
    assert history.status_code == 200
    assert "Storgata" not in history.content.decode()
    assert "+4791234567" not in history.content.decode()


def test_partner_and_other_team_never_reach_the_contact_details(world):
    participant = _with_contact_details(world)
    for role in ("partner", "other_specialist"):
        client = world.client_for(role)
        assert _detail(client, participant).status_code == 404
        assert client.get(_edit_url(participant)).status_code == 404


def test_team_edits_contact_details_and_the_history_names_who_changed_what(
    world, specialist_client
):
    participant = world.participant
    response = specialist_client.post(
        _edit_url(participant),
        {
            "phone": "22 00 00 00",
            "email": "ola@example.no",
            "address": "Storgata 1, 0182 Oslo",
            "preferred_contact": "phone",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.phone, participant.preferred_contact) == ("+4722000000", "phone")
    latest = history_of(participant).order_by("-pgh_id").first()
    assert latest.phone == "+4722000000" and latest.address == "Storgata 1, 0182 Oslo"
    assert latest.pgh_context.metadata["user"] == world.specialist.pk
    page = specialist_client.get(reverse("audit:history", args=["deltaker", participant.pk]))
    assert "Storgata 1, 0182 Oslo" in page.content.decode()


def test_a_bad_phone_number_gets_a_field_message_keeps_what_was_typed_and_stores_nothing(
    world, specialist_client
):
    participant = _with_contact_details(world)
    typed = {
        "phone": "12 34",
        "email": "ny@example.no",
        "address": "Ny vei 2, 5003 Bergen",
        "preferred_contact": "email",
    }
    response = specialist_client.post(_edit_url(participant), typed)
    assert response.status_code == 200
    assert "Telefonnummeret er ikke gyldig" in response.context["form"].errors["phone"][0]
    html = response.content.decode()
    for value in ("12 34", "ny@example.no", "Ny vei 2, 5003 Bergen"):
        assert value in html
    participant.refresh_from_db()
    assert (participant.phone, participant.address) == ("+4791234567", "Storgata 1, 0182 Oslo")


def test_sms_as_the_way_of_contact_needs_a_phone_number(world, specialist_client):
    response = specialist_client.post(
        _edit_url(world.participant),
        {"phone": "", "email": "", "address": "Her", "preferred_contact": "sms"},
    )
    assert response.status_code == 200
    assert "Skriv telefonnummeret" in response.context["form"].errors["phone"][0]
    world.participant.refresh_from_db()
    assert world.participant.address == ""


def test_the_edit_form_shows_the_stored_phone_as_people_read_it(world, specialist_client):
    participant = _with_contact_details(world)
    html = specialist_client.get(_edit_url(participant)).content.decode()
    assert 'value="91 23 45 67"' in html


def test_the_data_migration_gives_earlier_participants_their_referrals_phone(world):
    from django.apps import apps

    migration = importlib.import_module(
        "participants.migrations.0007_participant_phone_from_referral"
    )
    checked = ReferralFactory(team=world.team, source_organisation=world.nav, phone="912 34 567")
    as_typed = ReferralFactory(team=world.team, source_organisation=world.nav, phone="ukjent")
    without = ReferralFactory(team=world.team, source_organisation=world.nav, phone="")
    own = ReferralFactory(team=world.team, source_organisation=world.nav, phone="22 00 00 00")
    people = {
        referral.pk: ParticipantFactory(
            team=world.team, job_specialist=world.specialist, referral=referral, phone=phone
        )
        for referral, phone in ((checked, ""), (as_typed, ""), (without, ""), (own, "+4740000000"))
    }
    migration.copy_phone_from_referral(apps, None)
    phones = {pk: Participant.objects.get(pk=p.pk).phone for pk, p in people.items()}
    assert phones == {
        checked.pk: "+4791234567",
        as_typed.pk: "ukjent",
        without.pk: "",
        own.pk: "+4740000000",
    }
