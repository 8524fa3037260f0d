"""Every page with participant data writes the access log; health details stay in the team."""

import datetime as dt

import pytest
from django.urls import reverse

from fidelity.models import SampledRecord
from ips.audit.models import AccessEvent
from participants import services
from participants.models import VocationalProfile
from participants.selectors import profile_field_values
from tests.factories import ReviewFactory, today
from tests.participants.access import EXPECTATIONS

pytestmark = pytest.mark.django_db

# Pages one can open (a POST-only action logs its change, tested with the action).
PARTICIPANT_PAGES = sorted(
    name
    for name in EXPECTATIONS
    if name not in ("participants:caseload", "participants:profile_section")
)


@pytest.mark.parametrize("url_name", PARTICIPANT_PAGES)
def test_every_participant_page_logs_the_read(world, url_name):
    url = reverse(url_name, kwargs=EXPECTATIONS[url_name].kwargs(world))
    response = world.client_for("teammate").get(url)
    assert response.status_code == 200
    event = AccessEvent.objects.get(user=world.teammate)
    assert event.participant_id == world.participant.pk
    assert event.action in ("view", "export")


def _sampled_for_auditor(world):
    review = ReviewFactory(team=world.team, sample_access_until=today() + dt.timedelta(days=7))
    review.reviewers.add(world.auditor)
    SampledRecord.objects.create(
        review=review, participant=world.participant, drawn_by=world.leader
    )


def test_sampled_auditor_reads_the_profile_without_health_details_and_cannot_edit(world):
    for section, data in (
        ("goals", {"dream_job": "Gartner"}),
        ("health", {"diagnosis": "Hemmelig diagnose"}),
        ("medication", {"medication": "Hemmelig medisin"}),
    ):
        services.profile_section_save(
            participant=world.participant,
            by=world.specialist,
            section=section,
            base=profile_field_values(None, data),
            data=data,
        )
    VocationalProfile.objects.filter(participant=world.participant).update(
        previous_answers={"substance_use": "Hasj", "education": "Fagbrev som kokk"}
    )
    _sampled_for_auditor(world)
    client = world.client_for("auditor")
    url = reverse("participants:profile", kwargs={"pk": world.participant.pk})
    html = client.get(url).content.decode()
    assert "Gartner" in html
    assert "Hemmelig diagnose" not in html and "Hasj" not in html
    assert "Hemmelig medisin" not in html and "Diagnose" not in html
    assert "Fagbrev som kokk" in html  # earlier free text that is not a health detail
    save_url = reverse(
        "participants:profile_section", kwargs={"pk": world.participant.pk, "section": "goals"}
    )
    assert client.post(save_url, {"goals-dream_job": "x"}).status_code == 403
    contact_url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    assert client.get(contact_url).status_code == 403
    assert AccessEvent.objects.filter(user=world.auditor, participant=world.participant).exists()
