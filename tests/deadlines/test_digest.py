"""The daily digest: once per day per person, however often the task runs."""

import datetime as dt

from deadlines.models import Alert, DigestLog
from deadlines.tasks import send_daily_digest
from tests.factories import AlertFactory


def test_digest_goes_to_owner_and_leader_once_per_day(world, clock, mailoutbox):
    AlertFactory(team=world.team, owner=world.specialist, rule="no_contact_30_days")
    AlertFactory(team=world.team, owner=world.specialist, rule="profile_missing")
    AlertFactory(team=world.other_team, owner=world.other_specialist)
    # The specialist, team A's two leaders (leder, admin) and the other team's specialist.
    assert send_daily_digest() == 4
    assert send_daily_digest() == 0
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(
        [
            world.specialist.email,
            world.leader.email,
            world.admin.email,
            world.other_specialist.email,
        ]
    )
    assert world.teammate.email not in recipients
    to_specialist = next(m for m in mailoutbox if m.to == [world.specialist.email])
    assert "2 åpne varsler" in to_specialist.subject
    assert "Ingen kontakt på 30 dager: 1" in to_specialist.body
    assert DigestLog.objects.count() == 4
    clock.shift(dt.timedelta(days=1))
    assert send_daily_digest() == 4
    assert len(mailoutbox) == 8


def test_no_digest_without_unresolved_alerts(world, clock, mailoutbox):
    alert = AlertFactory(team=world.team, owner=world.specialist)
    Alert.objects.filter(pk=alert.pk).update(state="resolved", resolved_at=alert.first_breached_at)
    assert send_daily_digest() == 0
    assert mailoutbox == []


def test_digest_links_to_the_alert_list_at_the_site_address(world, mailoutbox, settings):
    settings.SITE_URL = "https://ips.example.no"
    AlertFactory(team=world.team, owner=world.specialist, rule="profile_missing")
    send_daily_digest()
    to_specialist = next(m for m in mailoutbox if m.to == [world.specialist.email])
    assert "https://ips.example.no/varsler/" in to_specialist.body
