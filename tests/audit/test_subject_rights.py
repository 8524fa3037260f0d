"""Access requests (export of everything) and anonymisation after the retention period."""

import datetime as dt
import io
import json

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ips.audit.history import history_entries
from ips.audit.models import AccessEvent
from participants.models import Participant
from participants.tasks import retention_anonymise
from tests.conftest import PASSWORD
from tests.factories import (
    ActionPlanFactory,
    JobFactory,
    ParticipantFactory,
    ReferralFactory,
    VocationalProfileFactory,
)

Export = AccessEvent.Action.EXPORT


def export_url(participant):
    return reverse("audit:subject_export", args=[participant.pk])


def test_export_needs_the_leaders_password_again(world):
    cache.clear()
    client = world.client_for("leader")
    response = client.post(export_url(world.participant), {"format": "json", "password": "feil"})
    assert response.status_code == 200
    assert "Feil passord" in response.content.decode()
    assert not AccessEvent.objects.filter(action=Export).exists()
    cache.clear()


def test_json_export_holds_everything_and_is_logged(world):
    VocationalProfileFactory(participant=world.participant, diagnosis="Bipolar lidelse")
    JobFactory(participant=world.participant, title="Lagermedarbeider")
    response = world.client_for("leader").post(
        export_url(world.participant), {"format": "json", "password": PASSWORD}
    )
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    assert "Ola Deltaker" in text and "Bipolar lidelse" in text and "Lagermedarbeider" in text
    tables = {s["table"] for s in data["sections"]}
    assert {"participants.Participant", "participants.VocationalProfile", "participants.Job"} <= (
        tables
    )
    assert AccessEvent.objects.filter(
        user=world.leader, participant=world.participant, action=Export
    ).exists()


def test_pdf_export_is_a_readable_pdf(world):
    VocationalProfileFactory(participant=world.participant, dream_job="Snekker")
    response = world.client_for("leader").post(
        export_url(world.participant), {"format": "pdf", "password": PASSWORD}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ola Deltaker" in text and "Snekker" in text


def test_job_specialist_cannot_export(world):
    response = world.client_for("specialist").post(
        export_url(world.participant), {"format": "json", "password": PASSWORD}
    )
    assert response.status_code == 403


def _closed(world, years_ago, name):
    referral = ReferralFactory(
        team=world.team, source_organisation=world.nav, person_name=name, substance_use="Cannabis"
    )
    participant = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, name=name, referral=referral
    )
    VocationalProfileFactory(
        participant=participant,
        diagnosis="Schizofreni",
        dream_job="Kokk",
        previous_answers={"substance_use": "Cannabis i helgene"},
    )
    ActionPlanFactory(participant=participant, overall_goal="Fast jobb")
    JobFactory(participant=participant, title="Kokk")
    participant.name = name + " Endret"  # an earlier version in the change history
    participant.save()
    Participant.objects.filter(pk=participant.pk).update(
        status=Participant.Status.CLOSED,
        closed_at=timezone.now() - dt.timedelta(days=365 * years_ago + 2),
    )
    return participant


def test_retention_anonymises_old_closed_participants_and_keeps_the_figures(world, settings):
    settings.RETENTION_YEARS = 5
    old = _closed(world, 6, "Gammel Person")
    recent = _closed(world, 1, "Nylig Person")
    national_id = old.national_id

    assert retention_anonymise.apply().get() == 1

    old.refresh_from_db()
    assert old.name == "Anonymisert"
    assert old.national_id != national_id and not old.phone
    assert old.status == Participant.Status.CLOSED and old.entry_date and old.anonymised_at
    assert old.profile.diagnosis == "" and old.profile.dream_job == ""
    assert old.profile.previous_answers == {}  # earlier free text, kept as JSON
    assert not old.profile.history.filter(previous_answers__has_key="substance_use").exists()
    assert old.action_plan.overall_goal == ""
    assert old.jobs.get().title == "Kokk"  # jobs count on dashboards
    old.referral.refresh_from_db()
    assert old.referral.person_name == "Anonymisert" and old.referral.substance_use == ""
    # Earlier versions in the change history are scrubbed too.
    names = set(old.history.values_list("name", flat=True))
    assert names == {"Anonymisert"}
    assert not old.history.filter(national_id=national_id).exists()
    assert AccessEvent.objects.filter(
        participant=old, action=AccessEvent.Action.CHANGE, user=None
    ).exists()
    assert history_entries(obj=old)[0].user == "System: retention"

    recent.refresh_from_db()
    assert recent.name == "Nylig Person Endret"
    # Running again changes nothing (idempotent).
    assert retention_anonymise.apply().get() == 0
