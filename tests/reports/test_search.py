"""The menu's search: the own teams' participants and referrals by name, national ID or phone;
nothing (and no hint) outside the scope; every hit in the access log; bounded, pinned queries."""

import re

import pytest
from django.urls import reverse

from ips.audit.models import AccessEvent
from participants.models import Participant
from tests.factories import ParticipantFactory, ReferralFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:search")


def _search(client, text):
    return client.post(URL, {"q": text})


def _hits(response):
    results = response.context["results"]
    return [p.pk for p in results.participants], [r.pk for r in results.referrals]


def test_team_finds_a_participant_by_national_id_and_the_search_is_logged(world):
    participant = world.participant
    client = world.client_for("teammate")
    response = _search(client, participant.national_id)
    assert _hits(response) == ([participant.pk], [])
    html = response.content.decode()
    assert reverse("participants:detail", args=[participant.pk]) in html
    event = AccessEvent.objects.get(user=world.teammate)
    assert (event.participant_id, event.what, event.detail) == (
        participant.pk,
        "search",
        "fødselsnummer",
    )
    # The number never stands in the address the log (or a proxy) records.
    assert participant.national_id not in event.path


def _page(response, typed):
    """The page as the person sees it, without what they typed and the form's CSRF token."""
    html = response.content.decode().replace(typed, "")
    return re.sub(r"(csrf-token|csrfmiddlewaretoken)[^>]*>", "", html)


def test_another_teams_specialist_finds_nothing_and_gets_no_hint(world):
    participant = world.participant
    outsider = world.client_for("other_specialist")
    found_nothing = _search(outsider, participant.national_id)
    never_existed = _search(outsider, "01010012356"[:10] + "0")
    assert _hits(found_nothing) == ([], [])
    assert _page(found_nothing, participant.national_id) == _page(never_existed, "01010012350")
    assert "Ingen treff." in found_nothing.content.decode()
    assert not AccessEvent.objects.filter(participant=participant).exists()


def test_partners_and_auditors_have_no_search_and_no_menu_entry(world):
    for role in ("partner", "auditor"):
        client = world.client_for(role)
        assert client.post(URL, {"q": world.participant.national_id}).status_code == 403
        home = client.get(reverse("referrals:list") if role == "partner" else "/kvalitet/")
        assert URL not in home.content.decode()
    assert (
        URL in world.client_for("specialist").get(reverse("participants:caseload")).content.decode()
    )
    assert not AccessEvent.objects.filter(what="search").exists()


def test_finds_by_phone_however_it_was_typed(world, specialist_client):
    Participant.objects.filter(pk=world.participant.pk).update(phone="+4791234567")
    referral = ReferralFactory(team=world.team, source_organisation=world.nav, phone="912 34 567")
    for typed in ("91234567", "912 34 567", "+47 912 34 567", "0047 91 23 45 67"):
        assert _hits(_search(specialist_client, typed)) == ([world.participant.pk], [referral.pk])
    assert _hits(_search(specialist_client, "92234567")) == ([], [])


def test_finds_by_name_words_and_the_referral_not_yet_met(world, specialist_client):
    assert world.participant.name == "Ola Deltaker"
    ParticipantFactory(team=world.team, job_specialist=world.teammate, name="Ola Nordmann")
    ParticipantFactory(team=world.other_team, name="Ola Bergensen")
    referral = world.referral  # Henrik Henvist, not met yet
    met = ReferralFactory(team=world.team, source_organisation=world.nav, person_name="Ola Møtt")
    met.status = "first_meeting_held"
    met.first_meeting_date = met.date_received
    met.assigned_specialist = world.specialist
    met.save()
    response = _search(specialist_client, "ola")
    names = [p.name for p in response.context["results"].participants]
    assert names == ["Ola Deltaker", "Ola Nordmann"]
    assert response.context["results"].referrals == []
    assert _hits(_search(specialist_client, "henrik henv"))[1] == [referral.pk]
    referral_event = AccessEvent.objects.get(referral=referral)
    assert referral_event.what == "search"


def test_a_part_of_a_national_id_finds_nobody(world, specialist_client):
    response = _search(specialist_client, world.participant.national_id[:6])
    assert _hits(response) == ([], [])
    assert "hele fødselsnummeret" in response.content.decode()


def test_an_empty_search_gets_a_field_message(world, specialist_client):
    response = _search(specialist_client, "  ")
    assert response.status_code == 200
    assert response.context["form"].errors["q"] == ["Skriv hva du leter etter."]


def _queries_for(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = _search(client, "Nordmann")
    return response


@pytest.mark.parametrize("people", [3, 25])
def test_results_are_bounded_every_one_logged_and_the_query_count_is_fixed(
    world, django_assert_num_queries, people
):
    ParticipantFactory.create_batch(people, team=world.team, job_specialist=world.specialist)
    ReferralFactory.create_batch(
        people, team=world.team, source_organisation=world.nav, person_name="Kari Nordmann"
    )
    client = world.client_for("specialist")
    client.get(URL)  # the session and second factor are settled before counting
    # user, OTP device, scope; participants, referrals; one access-log INSERT (the session is
    # read from Redis and was saved by the first request). The same with 3 hits and with 25.
    response = _queries_for(client, django_assert_num_queries, 6)
    results = response.context["results"]
    shown = min(people, 20)
    assert (len(results.participants), len(results.referrals)) == (shown, shown)
    assert results.more_participants is (people > 20)
    assert AccessEvent.objects.filter(what="search", participant__isnull=False).count() == shown
    assert AccessEvent.objects.filter(what="search", referral__isnull=False).count() == shown
    if people > 20:
        assert "Viser de 20 første deltakerne" in response.content.decode()
