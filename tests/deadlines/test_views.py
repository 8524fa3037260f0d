"""Alert list and acknowledge, as the people who use them."""

import pytest
from django.urls import reverse

from deadlines.models import Alert, AlertEvent
from ips.audit.models import AccessEvent
from tests.factories import AlertFactory, ParticipantFactory, ReferralFactory

URL = reverse("deadlines:alert_list")


def _alert(world, *, owner=None, team=None, rule="no_contact_30_days", participant=None):
    team = team or world.team
    participant = participant or ParticipantFactory(
        team=team, job_specialist=owner or world.specialist
    )
    return AlertFactory(
        team=team,
        owner=owner,
        rule=rule,
        subject_kind=Alert.SubjectKind.PARTICIPANT,
        subject_id=participant.pk,
    )


def _ack_url(alert):
    return reverse("deadlines:acknowledge", kwargs={"pk": alert.pk})


def test_specialist_sees_only_own_alerts(world):
    mine = _alert(world, owner=world.specialist)
    _alert(world, owner=world.teammate)
    _alert(world, owner=world.other_specialist, team=world.other_team)
    response = world.client_for("specialist").get(URL)
    assert response.status_code == 200
    assert list(response.context["alerts"]) == [mine]
    assert "Mine varsler" in response.content.decode()


def test_leader_sees_the_teams_alerts_and_filters_by_rule_and_specialist(world):
    a = _alert(world, owner=world.specialist)
    b = _alert(world, owner=world.teammate, rule="profile_missing")
    _alert(world, owner=world.other_specialist, team=world.other_team)
    client = world.client_for("leader")
    assert set(client.get(URL).context["alerts"]) == {a, b}
    assert list(client.get(URL, {"rule": "profile_missing"}).context["alerts"]) == [b]
    assert list(client.get(URL, {"specialist": world.specialist.pk}).context["alerts"]) == [a]


def test_resolved_alerts_are_hidden_unless_asked_for(world):
    alert = _alert(world, owner=world.specialist)
    Alert.objects.filter(pk=alert.pk).update(state="resolved", resolved_at=alert.first_breached_at)
    client = world.client_for("specialist")
    assert list(client.get(URL).context["alerts"]) == []
    assert list(client.get(URL, {"state": "resolved"}).context["alerts"]) == [alert]


def test_alert_list_logs_access_to_the_participants_shown(world):
    alert = _alert(world, owner=world.specialist)
    world.client_for("specialist").get(URL)
    assert AccessEvent.objects.filter(
        user=world.specialist, participant_id=alert.subject_id
    ).exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_alert_list_query_count_is_independent_of_rows(world, rows, django_assert_max_num_queries):
    for _ in range(rows):
        _alert(world, owner=world.specialist)
    client = world.client_for("leader")
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert len(response.context["alerts"]) == min(rows, 25)


def _alerts_of_the_other_kinds(world) -> None:
    """A referral, a specialist and a team alert, owned by the specialist."""
    referral = ReferralFactory.create(team=world.team, assigned_specialist=world.specialist)
    for rule, kind, subject_id in (
        ("first_meeting_overdue", Alert.SubjectKind.REFERRAL, referral.pk),
        ("employer_contacts_low", Alert.SubjectKind.SPECIALIST, world.specialist.pk),
        ("caseload_high", Alert.SubjectKind.TEAM, world.team.pk),
    ):
        AlertFactory(
            team=world.team,
            owner=world.specialist,
            rule=rule,
            subject_kind=kind,
            subject_id=subject_id,
        )


@pytest.mark.parametrize(("role", "pinned"), [("specialist", 10), ("leader", 11)])
def test_alert_list_query_count_is_independent_of_the_kinds_of_alert(
    world, role, pinned, django_assert_num_queries
):
    """Subjects are fetched in one query per kind whether or not that kind is on the page, and
    the booked first meetings («planlagt») in one more."""
    _alert(world, owner=world.specialist)
    client = world.client_for(role)
    client.get(URL)  # warm the session
    with django_assert_num_queries(pinned):
        client.get(URL)
    _alerts_of_the_other_kinds(world)
    with django_assert_num_queries(pinned):
        response = client.get(URL)
    shown = {(a.subject_kind, str(a.subject)) for a in response.context["alerts"]}
    assert (Alert.SubjectKind.SPECIALIST, str(world.specialist)) in shown
    assert {kind for kind, _label in shown} == set(Alert.SubjectKind.values)


def test_owner_acknowledges_with_a_comment(world):
    alert = _alert(world, owner=world.specialist)
    response = world.client_for("specialist").post(_ack_url(alert), {"comment": "Avtalt møte"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.ACKNOWLEDGED
    assert alert.acknowledged_by == world.specialist
    assert alert.acknowledge_comment == "Avtalt møte"
    event = AlertEvent.objects.get(alert=alert)
    assert (event.from_state, event.to_state, event.by) == (
        "open",
        "acknowledged",
        world.specialist,
    )


def test_leader_acknowledges_with_htmx_and_gets_the_row_back(world):
    alert = _alert(world, owner=world.specialist)
    response = world.client_for("leader").post(
        _ack_url(alert), {"comment": "Tatt opp i veiledning"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="alert-{alert.pk}"' in html
    assert "Tatt opp i veiledning" in html
    assert "<html" not in html
    alert.refresh_from_db()
    assert alert.state == Alert.State.ACKNOWLEDGED


def test_teammate_cannot_see_or_acknowledge_anothers_alert(world):
    alert = _alert(world, owner=world.specialist)
    response = world.client_for("teammate").post(_ack_url(alert), {"comment": "x"})
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN


def test_acknowledging_twice_gives_a_message_not_an_error(world):
    alert = _alert(world, owner=world.specialist)
    client = world.client_for("specialist")
    client.post(_ack_url(alert), {"comment": "første"})
    response = client.post(_ack_url(alert), {"comment": "andre"}, follow=True)
    assert response.status_code == 200
    assert "allerede kvittert" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledge_comment == "første"
    assert AlertEvent.objects.filter(alert=alert).count() == 1


def test_too_long_comment_is_refused_and_nothing_changes(world):
    alert = _alert(world, owner=world.specialist)
    response = world.client_for("specialist").post(
        _ack_url(alert), {"comment": "x" * 1001}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "1000" in response.content.decode()
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN


def test_badge_counts_for_participants(world):
    from deadlines.selectors import open_alert_counts_for_participants

    p = world.participant
    _alert(world, owner=world.specialist, participant=p)
    _alert(world, owner=world.specialist, participant=p, rule="profile_missing")
    resolved = _alert(world, owner=world.specialist, participant=p, rule="plan_review_due")
    Alert.objects.filter(pk=resolved.pk).update(
        state="resolved", resolved_at=resolved.first_breached_at
    )
    assert open_alert_counts_for_participants([p.pk, 999999]) == {p.pk: 2}


def test_leader_filters_by_age_of_the_alert(world):
    import datetime as dt

    from django.utils import timezone

    old = _alert(world, owner=world.specialist)
    Alert.objects.filter(pk=old.pk).update(first_breached_at=timezone.now() - dt.timedelta(days=10))
    new = _alert(world, owner=world.specialist)
    client = world.client_for("leader")
    assert list(client.get(URL, {"age": "7"}).context["alerts"]) == [old]
    assert set(client.get(URL).context["alerts"]) == {old, new}


def test_specialist_has_no_specialist_filter_and_bad_filter_values_do_not_break(world):
    _alert(world, owner=world.specialist)
    response = world.client_for("specialist").get(URL, {"rule": "nonsense", "age": "x"})
    assert response.status_code == 200
    assert "specialist" not in response.context["form"].fields
