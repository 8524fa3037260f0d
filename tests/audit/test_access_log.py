"""The access log: append-only at the database, searchable by the leader, reportable per person."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ips.audit.models import AccessEvent
from ips.audit.selectors import unusual_access
from ips.audit.tasks import weekly_unusual_access_report
from tests.factories import ParticipantFactory

View = AccessEvent.Action.VIEW


def event(user, participant, *, action=View, what=AccessEvent.What.PARTICIPANT_PAGE, path=None):
    return AccessEvent.objects.create(
        user=user,
        role="job_specialist",
        action=action,
        participant=participant,
        what=what,
        path=path or f"/deltakere/{participant.pk}/",
        ip_address="10.0.0.7",
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessevent SET what = 'endret' WHERE id = %s",
        "DELETE FROM audit_accessevent WHERE id = %s",
    ],
)
def test_access_log_refuses_update_and_delete_at_the_database(world, sql):
    e = event(world.specialist, world.participant)
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [e.pk])
    e.refresh_from_db()
    assert e.what == AccessEvent.What.PARTICIPANT_PAGE


def test_leader_searches_by_participant_user_date_and_action(world):
    other = ParticipantFactory(team=world.team, job_specialist=world.teammate, name="Kari Annen")
    event(world.specialist, world.participant)
    event(
        world.teammate,
        other,
        action=AccessEvent.Action.EXPORT,
        what=AccessEvent.What.SUBJECT_EXPORT,
    )
    event(world.other_specialist, world.other_participant)  # another team: never shown
    client = world.client_for("leader")
    url = reverse("audit:log")

    html = client.get(url).content.decode()
    assert "Ola Deltaker" in html and "Kari Annen" in html
    assert "Berit Bergen" not in html

    html = client.get(url, {"participant": "kari"}).content.decode()
    assert "Kari Annen" in html and "Ola Deltaker" not in html
    html = client.get(url, {"person": "Siri"}).content.decode()
    assert "Ola Deltaker" in html and "Kari Annen" not in html
    html = client.get(url, {"action": "export"}).content.decode()
    assert "Kari Annen" in html and "Ola Deltaker" not in html
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    html = client.get(url, {"date_from": tomorrow}).content.decode()
    assert "Ingen hendelser" in html


def test_search_with_dates_in_wrong_order_says_so(world):
    response = world.client_for("leader").get(
        reverse("audit:log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "Til-datoen kan ikke være før fra-datoen" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_log_page_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        event(world.specialist, world.participant)
    client = world.client_for("leader")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("audit:log")).status_code == 200


def test_reading_the_log_is_itself_logged(world):
    event(world.specialist, world.participant)
    world.client_for("leader").get(reverse("audit:log"))
    assert AccessEvent.objects.filter(
        user=world.leader, participant=world.participant, what=AccessEvent.What.ACCESS_LOG
    ).exists()


def test_person_report_lists_who_looked_and_is_logged(world):
    event(world.teammate, world.participant)
    client = world.client_for("leader")
    html = client.get(reverse("audit:participant_report", args=[world.participant.pk])).content
    assert "Kåre Kollega" in html.decode()
    assert AccessEvent.objects.filter(
        user=world.leader,
        participant=world.participant,
        action=View,
        what=AccessEvent.What.ACCESS_REPORT,
    ).exists()


def test_person_report_pdf_is_a_pdf_and_the_export_is_logged(world):
    event(world.teammate, world.participant)
    response = world.client_for("leader").get(
        reverse("audit:participant_report_pdf", args=[world.participant.pk])
    )
    assert response["Content-Type"] == "application/pdf"

    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Kåre Kollega" in text and "Ola Deltaker" in text
    assert AccessEvent.objects.filter(
        user=world.leader, participant=world.participant, action=AccessEvent.Action.EXPORT
    ).exists()


def test_unusual_access_flags_reading_outside_own_caseload_but_not_the_leader(world):
    event(world.specialist, world.participant)  # own caseload
    event(world.teammate, world.participant)  # someone else's participant
    event(world.leader, world.participant)  # the leader reads the whole team
    now = timezone.now()
    report = unusual_access(
        team_ids=[world.team.pk],
        since=now - dt.timedelta(days=7),
        until=now + dt.timedelta(minutes=1),
    )
    assert [(r.user_id, r.participant_id) for r in report.outside_caseload] == [
        (world.teammate.pk, world.participant.pk)
    ]


def test_unusual_access_flags_many_records_in_one_hour(world, settings):
    settings.UNUSUAL_ACCESS_RECORDS_PER_HOUR = 5
    for n in range(5):
        event(world.specialist, world.participant, path=f"/deltakere/{n}/")
    # A list page showing many rows is one address: not a burst.
    for _ in range(10):
        event(world.teammate, world.participant, path="/deltakere/")
    now = timezone.now()
    report = unusual_access(
        team_ids=[world.team.pk],
        since=now - dt.timedelta(days=1),
        until=now + dt.timedelta(minutes=1),
    )
    assert [(b.user_id, b.records) for b in report.bursts] == [(world.specialist.pk, 5)]


def test_weekly_task_mails_the_leader_counts_without_names(world):
    world.leader.email = "leder@example.no"
    world.leader.save()
    event(world.teammate, world.participant)
    assert weekly_unusual_access_report.apply().get() == {world.team.name: 1}
    assert "leder@example.no" in mail.outbox[0].to
    assert "Ola" not in mail.outbox[0].body
    page = world.client_for("leader").get(reverse("audit:unusual")).content.decode()
    assert "Kåre Kollega" in page and "Ola Deltaker" in page
