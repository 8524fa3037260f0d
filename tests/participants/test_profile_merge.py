"""Two people editing the same profile section from pages loaded before either saved: the saves
merge (ips/merge.py) instead of the second reverting the first."""

import re

import pytest
from django.urls import reverse

from participants.models import ProfileSectionFill, VocationalProfile

pytestmark = pytest.mark.django_db


def _open(client, world, section):
    """Open the profile page and return the section form's fields as a browser would post them."""
    html = client.get(reverse("participants:profile", kwargs={"pk": world.participant.pk}))
    html = html.content.decode()
    form = re.search(
        rf'<form method="post" action="[^"]*/del/{section}/[^"]*".*?</form>', html, re.DOTALL
    )
    assert form, f"no form for {section}"
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[0]):
        data[name] = value
    for name, value in re.findall(
        r'<textarea name="([^"]+)"[^>]*>\s*(.*?)</textarea>', form[0], re.DOTALL
    ):
        data[name] = value.strip()
    for name, value in re.findall(
        r'<input type="text" name="([^"]+)"[^>]*value="([^"]*)"', form[0]
    ):
        data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    return data


def _save(client, world, section, data):
    url = reverse(
        "participants:profile_section", kwargs={"pk": world.participant.pk, "section": section}
    )
    return client.post(url, data)


def _profile(world):
    return VocationalProfile.objects.get(participant=world.participant)


def test_two_specialists_change_different_fields_from_stale_pages_and_both_are_kept(world):
    first, second = world.client_for("specialist"), world.client_for("teammate")
    mine = _open(first, world, "motivation")
    theirs = _open(second, world, "motivation")  # both pages opened before anyone saved
    assert _save(second, world, "motivation", {**theirs, "motivation-work_appeal": "Kolleger"})[
        "Location"
    ].endswith("#del-motivation")
    response = _save(first, world, "motivation", {**mine, "motivation-return_worries": "Tempo"})
    assert response.status_code == 302
    profile = _profile(world)
    assert (profile.work_appeal, profile.return_worries) == ("Kolleger", "Tempo")
    page = first.get(response["Location"]).content.decode()
    assert "Motivasjon og forventninger er lagret." in page
    assert "Utfylt av Siri" in page


def test_same_field_is_a_conflict_and_resolving_it_keeps_the_other_persons_changes(world):
    first, second = world.client_for("specialist"), world.client_for("teammate")
    mine = _open(first, world, "goals")
    theirs = _open(second, world, "goals")
    _save(
        second,
        world,
        "goals",
        {**theirs, "goals-dream_job": "Kokk", "goals-job_wanted_now": "Oppvask på kafé"},
    )
    # The specialist changed the dream job too, and nothing else.
    response = _save(first, world, "goals", {**mine, "goals-dream_job": "Snekker"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Noen andre endret de samme spørsmålene" in html
    assert "Behold det som er lagret nå: «Kokk»" in html
    assert "Bruk det du skrev: «Snekker»" in html
    profile = _profile(world)
    assert (profile.dream_job, profile.job_wanted_now) == ("Kokk", "Oppvask på kafé")

    # Saving the conflict page with «mine» changes the dream job only.
    token = re.search(r'name="goals-token" value="([^"]+)"', html)[1]
    again = _save(first, world, "goals", {"goals-token": token, "goals-resolve_dream_job": "mine"})
    assert again.status_code == 302
    profile.refresh_from_db()
    assert (profile.dream_job, profile.job_wanted_now) == ("Snekker", "Oppvask på kafé")
    fill = ProfileSectionFill.objects.get(profile=profile, section="goals")
    assert fill.filled_by == world.specialist


def test_conflict_page_needs_a_choice_and_keeping_the_stored_value_changes_nothing(world):
    first, second = world.client_for("specialist"), world.client_for("teammate")
    mine = _open(first, world, "education")
    theirs = _open(second, world, "education")
    _save(second, world, "education", {**theirs, "education-last_school": "Elvebakken"})
    html = _save(
        first,
        world,
        "education",
        {**mine, "education-last_school": "Hartvig Nissen", "education-highest_education": "VG2"},
    ).content.decode()
    assert _profile(world).highest_education == "VG2"  # the part only she changed is saved
    token = re.search(r'name="education-token" value="([^"]+)"', html)[1]
    unresolved = _save(first, world, "education", {"education-token": token})
    assert unresolved.status_code == 200
    assert "Velg hvilken verdi som skal gjelde." in unresolved.content.decode()
    kept = _save(
        first,
        world,
        "education",
        {"education-token": token, "education-resolve_last_school": "keep"},
    )
    assert kept.status_code == 302
    assert (_profile(world).last_school, _profile(world).highest_education) == ("Elvebakken", "VG2")


def test_a_third_change_while_the_conflict_page_was_open_is_a_conflict_again(world):
    first, second = world.client_for("specialist"), world.client_for("teammate")
    mine, theirs = _open(first, world, "goals"), _open(second, world, "goals")
    _save(second, world, "goals", {**theirs, "goals-dream_job": "Kokk"})
    html = _save(first, world, "goals", {**mine, "goals-dream_job": "Snekker"}).content.decode()
    token = re.search(r'name="goals-token" value="([^"]+)"', html)[1]
    _save(second, world, "goals", {**_open(second, world, "goals"), "goals-dream_job": "Baker"})
    again = _save(first, world, "goals", {"goals-token": token, "goals-resolve_dream_job": "mine"})
    assert again.status_code == 409
    assert "Behold det som er lagret nå: «Baker»" in again.content.decode()
    assert _profile(world).dream_job == "Baker"


def test_an_altered_conflict_token_saves_nothing(world, specialist_client):
    response = _save(
        specialist_client,
        world,
        "goals",
        {"goals-token": "forged", "goals-resolve_dream_job": "mine"},
    )
    assert response.status_code == 302
    assert not VocationalProfile.objects.filter(participant=world.participant).exists()


def test_yes_no_and_rating_questions_round_trip_through_the_page(world, specialist_client):
    data = _open(specialist_client, world, "hygiene")
    _save(specialist_client, world, "hygiene", {**data, "hygiene-has_place_to_wash": "True"})
    data = _open(specialist_client, world, "social")
    _save(specialist_client, world, "social", {**data, "social-social_skills_rating": "3"})
    profile = _profile(world)
    assert (profile.has_place_to_wash, profile.has_work_clothes) == (True, None)
    assert profile.social_skills_rating == VocationalProfile.Rating.GOOD
    html = specialist_client.get(
        reverse("participants:profile", kwargs={"pk": world.participant.pk})
    ).content.decode()
    assert re.search(r'name="hygiene-has_place_to_wash" value="True"[^>]*checked', html)
    assert re.search(r'name="social-social_skills_rating" value="3"[^>]*checked', html)
