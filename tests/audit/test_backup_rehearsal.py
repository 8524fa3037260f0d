"""The backup and restore rehearsal (issue 17, item 7), run on the test data: `pg_dump -Fc`,
restore into a scratch database, every table's row count compared, and the access log's
append-only triggers present after the restore."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record
from tests.factories import ParticipantFactory


@pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only
def test_backup_restores_every_row_and_the_append_only_triggers(world, rf, tmp_path):
    participants = [ParticipantFactory(team=world.team) for _ in range(3)]
    request = rf.get("/deltakere/")
    request.user = world.specialist
    for participant in participants:
        access_event_record(
            request=request, what=AccessEvent.What.PARTICIPANT_PAGE, participant=participant
        )
    assert AccessEvent.objects.count() >= 3

    out = io.StringIO()
    call_command("backup_rehearsal", keep_dump=tmp_path / "ips.dump", stdout=out)
    report = out.getvalue()
    assert "backup rehearsal ok" in report
    assert "access log trigger access_event_append_only: ok" in report
    assert "access log trigger access_event_no_truncate: ok" in report
    assert (tmp_path / "ips.dump").read_bytes()[:5] == b"PGDMP"  # custom format
    # The scratch database is gone again.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [connection.settings_dict["NAME"] + "_restore_%"],
        )
        assert cursor.fetchone()[0] == 0


def test_a_missing_row_or_trigger_fails_the_rehearsal():
    from ips.audit.backup import Rehearsal

    good = Rehearsal(counts={"public.a": (2, 2)}, triggers={"t": True})
    assert good.ok
    assert not Rehearsal(counts={"public.a": (2, 1)}, triggers={"t": True}).ok
    assert not Rehearsal(counts={"public.a": (2, 2)}, triggers={"t": False}).ok
    assert not Rehearsal().ok
