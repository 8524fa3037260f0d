"""'Historikk' on each record: who changed which fields, when; scoped like the record itself."""

import pghistory
import pytest
from django.urls import reverse

from ips.audit.history import history_entries
from ips.audit.models import AccessEvent
from participants.models import VocationalProfile
from tests.factories import ActionPlanFactory, JobFactory, VocationalProfileFactory


def url(kind, pk):
    return reverse("audit:history", kwargs={"kind": kind, "pk": pk})


def test_participant_history_shows_who_changed_which_field(world):
    participant = world.participant
    with pghistory.context(user=world.teammate.pk, url="/deltakere/1/endre/"):
        participant.phone = "99887766"
        participant.save()
    response = world.client_for("specialist").get(url("deltaker", participant.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kåre Kollega" in html
    assert "99887766" in html
    assert "Opprettet" in html and "Endret" in html
    assert AccessEvent.objects.filter(
        user=world.specialist, participant=participant, what__startswith="Historikk"
    ).exists()


@pytest.mark.django_db
def test_history_entries_leave_hidden_health_fields_out(world):
    profile = VocationalProfileFactory(participant=world.participant, diagnosis="F20")
    with pghistory.context(user=world.specialist.pk):
        profile.diagnosis = "F25"
        profile.dream_job = "Snekker"
        profile.save()
    shown = history_entries(obj=profile, hidden_fields=frozenset(VocationalProfile.HEALTH_FIELDS))
    fields = {c.field for e in shown for c in e.changes}
    assert "drømmejobb" in fields
    assert "diagnose" not in fields
    everything = history_entries(obj=profile)
    assert "diagnose" in {c.field for e in everything for c in e.changes}


@pytest.mark.parametrize("kind", ["deltaker", "profil", "plan", "jobb", "henvisning"])
def test_history_of_another_teams_record_is_404(world, kind):
    other = world.other_participant
    objects = {
        "deltaker": lambda: other,
        "profil": lambda: VocationalProfileFactory(participant=other),
        "plan": lambda: ActionPlanFactory(participant=other),
        "jobb": lambda: JobFactory(participant=other),
        "henvisning": lambda: world.other_referral,
    }
    obj = objects[kind]()
    assert world.client_for("specialist").get(url(kind, obj.pk)).status_code == 404
    assert world.client_for("other_specialist").get(url(kind, obj.pk)).status_code == 200


def test_referring_partner_gets_no_referral_history(world):
    assert world.client_for("partner").get(url("henvisning", world.referral.pk)).status_code == 403
    assert world.client_for("leader").get(url("henvisning", world.referral.pk)).status_code == 200


def test_unknown_kind_is_404(world):
    assert world.client_for("leader").get(url("bruker", world.leader.pk)).status_code == 404


def test_record_pages_link_to_their_history(world):
    participant = world.participant
    profile = VocationalProfileFactory(participant=participant)
    plan = ActionPlanFactory(participant=participant)
    job = JobFactory(participant=participant)
    client = world.client_for("specialist")
    pages = {
        reverse("participants:detail", args=[participant.pk]): [
            url("deltaker", participant.pk),
            url("jobb", job.pk),
        ],
        reverse("participants:profile", args=[participant.pk]): [url("profil", profile.pk)],
        reverse("participants:plan", args=[participant.pk]): [url("plan", plan.pk)],
    }
    for page, links in pages.items():
        html = client.get(page).content.decode()
        for link in links:
            assert f'href="{link}"' in html, (page, link)
            assert client.get(link).status_code == 200


def test_only_the_leader_is_offered_the_access_report_on_the_participant_page(world):
    page = reverse("participants:detail", args=[world.participant.pk])
    report = reverse("audit:participant_report", args=[world.participant.pk])
    assert report in world.client_for("leader").get(page).content.decode()
    assert report not in world.client_for("specialist").get(page).content.decode()
