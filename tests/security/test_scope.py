"""Least privilege, focused: other teams' participants do not exist; partners never see health."""

from django.db import transaction
from django.urls import reverse

from referrals.models import Referral
from tests.factories import VocationalProfileFactory
from tests.test_access_matrix import DECLARED

HEALTH_MARK = "HELSE-HEMMELIG"


def _url(world, url_name, swap_participant=False):
    expect = DECLARED[url_name]
    try:
        with transaction.atomic():
            kwargs = expect.kwargs(world)
    except Exception:  # noqa: BLE001 - another app's fixture data missing; the matrix reports it
        return None
    if swap_participant:
        if world.participant.pk not in kwargs.values():
            return None
        kwargs = {
            k: (world.other_participant.pk if v == world.participant.pk else v)
            for k, v in kwargs.items()
        }
    return reverse(url_name, kwargs=kwargs) + expect.query


def test_another_teams_participant_id_is_404_on_every_participant_url(world):
    checked = []
    client = world.client_for("specialist")
    for url_name in sorted(DECLARED):
        url = _url(world, url_name, swap_participant=True)
        if url is None:
            continue
        status = client.get(url).status_code
        assert status in (404, 405), (url_name, status)
        checked.append(url_name)
    assert checked  # at least the audit URLs take a participant id


def test_partner_pages_and_csv_exports_contain_no_health_values(world):
    VocationalProfileFactory(
        participant=world.participant,
        **{f: f"{HEALTH_MARK}-{f}" for f in ("diagnosis", "medication", "bad_day_signs")},
    )
    Referral.objects.filter(pk=world.referral.pk).update(
        **{f: f"{HEALTH_MARK}-{f}" for f in Referral.HEALTH_FIELDS}
    )
    client = world.client_for("partner")
    seen = 0
    for url_name in sorted(DECLARED):
        url = _url(world, url_name)
        if url is None:
            continue
        response = client.get(url)
        if response.status_code == 200:
            seen += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert HEALTH_MARK.encode() not in body, url_name
    assert seen
