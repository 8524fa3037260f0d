"""The national benchmark loader, at a tiny scale (the full run is bench/deadline_scan.py)."""

import io

from django.apps import apps

from ips.demo import national
from participants.models import Contact, Participant
from tests.factories import ParticipantFactory


def test_national_seed_loads_once_without_history_and_reenables_triggers(db):
    out = io.StringIO()
    report = national.seed(teams=2, stdout=out)
    assert "2 teams" in report
    assert Participant.objects.count() == 2 * national.PARTICIPANTS_PER_TEAM
    assert Contact.objects.count() == (
        2 * national.PARTICIPANTS_PER_TEAM * national.CONTACTS_PER_PARTICIPANT
    )
    participant_history = apps.get_model("participants", "ParticipantHistory")
    assert participant_history.objects.count() == 0
    assert national.seed(teams=2, stdout=out) == "National data already present; nothing changed."
    # History triggers are back on for normal use.
    person = ParticipantFactory()
    assert participant_history.objects.filter(pgh_obj_id=person.pk).exists()
