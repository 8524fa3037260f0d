"""The engine: auto-resolve, idempotency, concurrency, constant query count."""

import threading

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections

from deadlines.engine import scan
from deadlines.models import Alert, AlertEvent
from deadlines.rules import RULES
from ips.audit.history import history_entries
from participants.models import Participant
from tests.deadlines.conftest import TODAY, days_ago
from tests.factories import ContactFactory, ParticipantFactory, ReferralFactory


def _neglected(world, n: int, team=None, specialist=None) -> list[Participant]:
    """Participants that breach several rules at once (no contact, no profile, no plan...)."""
    return [
        ParticipantFactory.create(
            team=team or world.team,
            job_specialist=specialist or world.specialist,
            entry_date=days_ago(60),
        )
        for _ in range(n)
    ]


def _state():
    return (
        sorted(Alert.objects.values_list("rule", "subject_id", "state", "owner_id", "due_date")),
        AlertEvent.objects.count(),
        apps.get_model("deadlines", "AlertHistory").objects.count(),
    )


@pytest.mark.usefixtures("clock")
def test_second_scan_changes_nothing(world):
    _neglected(world, 3)
    first = scan()
    assert sum(r.opened for r in first) > 0
    before = _state()
    second = scan()
    assert _state() == before
    assert all(r.opened == 0 and r.resolved == 0 and r.updated == 0 for r in second)
    assert sum(r.kept for r in second) == sum(r.opened for r in first)


@pytest.mark.usefixtures("clock")
def test_acknowledged_alert_stays_acknowledged_until_resolved(world):
    from deadlines.services import alert_acknowledge

    person = _neglected(world, 1)[0]
    scan(rules=["no_contact_30_days"])
    alert = Alert.objects.get(rule="no_contact_30_days")
    alert_acknowledge(alert=alert, by=world.leader, comment="Ringer i morgen")
    scan(rules=["no_contact_30_days"])
    alert.refresh_from_db()
    assert alert.state == Alert.State.ACKNOWLEDGED
    ContactFactory(participant=person, contact_date=TODAY)
    scan(rules=["no_contact_30_days"])
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESOLVED
    assert alert.acknowledge_comment == "Ringer i morgen"
    assert [(e.from_state, e.to_state) for e in alert.events.all()] == [
        ("", "open"),
        ("open", "acknowledged"),
        ("acknowledged", "resolved"),
    ]
    # The history names the scan for opening and resolving, the leader for acknowledging.
    actors = [entry.user for entry in reversed(history_entries(obj=alert))]
    assert actors == ["System: deadline scan", "Lise Leder", "System: deadline scan"]


@pytest.mark.usefixtures("clock")
def test_a_new_breach_after_resolution_opens_a_new_alert(world):
    person = _neglected(world, 1)[0]
    scan(rules=["no_contact_30_days"])
    contact = ContactFactory(participant=person, contact_date=TODAY)
    scan(rules=["no_contact_30_days"])
    type(contact).objects.filter(pk=contact.pk).update(contact_date=days_ago(45))
    scan(rules=["no_contact_30_days"])
    states = sorted(Alert.objects.filter(rule="no_contact_30_days").values_list("state", flat=True))
    assert states == ["open", "resolved"]


@pytest.mark.usefixtures("clock")
def test_reassigned_participant_moves_the_alert_to_the_new_specialist(world):
    person = _neglected(world, 1)[0]
    scan(rules=["no_contact_30_days"])
    Participant.objects.filter(pk=person.pk).update(job_specialist=world.teammate)
    result = scan(rules=["no_contact_30_days"])[0]
    assert (result.opened, result.kept, result.updated) == (0, 1, 1)
    assert Alert.objects.get(rule="no_contact_30_days").owner == world.teammate


@pytest.mark.usefixtures("clock")
def test_query_count_does_not_depend_on_data_size(world, django_assert_num_queries):
    # Per rule: advisory lock + the scan statement; inside the test's transaction the per-rule
    # atomic block adds a SAVEPOINT and its RELEASE (in production those are BEGIN/COMMIT).
    per_rule = 2 + 2
    _neglected(world, 2)
    with django_assert_num_queries(per_rule * len(RULES)):
        scan()
    _neglected(world, 30, team=world.other_team, specialist=world.other_specialist)
    for i in range(10):
        ReferralFactory(
            team=world.team,
            source_organisation=world.nav,
            referral_date=days_ago(9),
            date_received=days_ago(9),
        )
        assert i >= 0
    with django_assert_num_queries(per_rule * len(RULES)):
        scan()
    assert Alert.objects.filter(rule="first_meeting_overdue").count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_produce_no_duplicate_alerts(clock):
    from tests.conftest import World

    world = World()
    _neglected(world, 15)
    for _ in range(5):
        ReferralFactory(
            team=world.team,
            source_organisation=world.nav,
            referral_date=days_ago(9),
            date_received=days_ago(9),
        )
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            scan()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule, subject_kind, subject_id, count(*) FROM deadlines_alert "
            "GROUP BY 1, 2, 3 HAVING count(*) > 1"
        )
        assert cursor.fetchall() == []
    assert Alert.objects.filter(rule="no_contact_30_days").count() == 15
    assert Alert.objects.filter(rule="first_meeting_overdue").count() == 5
    # One "opened" event per alert, not one per scan.
    assert AlertEvent.objects.count() == Alert.objects.count()


@pytest.mark.usefixtures("clock")
def test_scan_deadlines_command_prints_a_summary_per_rule(world, capsys):
    _neglected(world, 2)
    call_command("scan_deadlines")
    out = capsys.readouterr().out
    for rule in RULES:
        assert rule.code in out
    line = next(x for x in out.splitlines() if x.startswith("no_contact_30_days"))
    assert line.split()[1:] == ["2", "0", "0"]
    call_command("scan_deadlines", "no_contact_30_days")
    line = next(
        x for x in capsys.readouterr().out.splitlines() if x.startswith("no_contact_30_days")
    )
    assert line.split()[1:] == ["0", "2", "0"]


def test_beat_schedule_runs_every_rule_and_the_digest():
    from celery.schedules import crontab

    from ips.celery import app

    schedule = app.conf.beat_schedule
    scheduled = [
        code for entry in schedule.values() for args in entry.get("args", ()) for code in args
    ]
    assert sorted(scheduled) == sorted(rule.code for rule in RULES)
    assert schedule["deadlines-frequent"]["schedule"] == crontab(minute="*/15")
    assert "employer_contacts_low" in schedule["deadlines-weekly"]["args"][0]
    assert {"caseload_high", "caseload_over_limit"} <= set(schedule["deadlines-nightly"]["args"][0])
    assert schedule["deadlines-daily-digest"]["task"] == "deadlines.send_daily_digest"
