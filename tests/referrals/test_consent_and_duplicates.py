"""Issue 17, item 6: the partner chooses the team (never preselected), the person's consent is
recorded, a possible duplicate in the same team is flagged to the leader (who can merge it), and
a sender hears only about their own organisation's referrals."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from referrals.models import Referral, ReferralEvent
from referrals.services import referral_merge, referral_withdraw
from tests.factories import (
    ParticipantFactory,
    ReferralFactory,
    TeamFactory,
    today,
    valid_national_id,
)

pytestmark = pytest.mark.django_db

NATIONAL_ID = valid_national_id(1717)


def _form(world, **overrides):
    data = {
        "team": world.team.pk,
        "person_name": "Nora Ny",
        "national_id": NATIONAL_ID,
        "phone": "98765432",
        "referral_date": (today() - dt.timedelta(days=1)).isoformat(),
        "job_wishes": "Vil jobbe i barnehage",
        "consent_given": "on",
        "consent_date": (today() - dt.timedelta(days=1)).isoformat(),
        "consent_method": "written",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _search(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match


def _team_options(html: str) -> list[str]:
    select = _search(r'<select name="team".*?</select>', html).group(0)
    return re.findall(r"<option[^>]*>", select)


# --- The team is chosen, not preselected ---------------------------------------------------------


def test_partner_with_one_team_gets_an_empty_team_choice_and_a_suggestion(world, partner_client):
    html = partner_client.get(reverse("referrals:create")).content.decode()

    options = _team_options(html)
    assert options[0].startswith('<option value=""')
    assert len(options) == 2  # «Velg team» and IPS Lovisenberg
    assert not any("selected" in option for option in options[1:])
    suggestion = _search(r'<p class="form-text[^"]*" id="team-suggestion">(.*?)</p>', html)
    assert "det eneste teamet organisasjonen din samarbeider med" in suggestion.group(1)
    assert f'href="?team={world.team.pk}"' in suggestion.group(1)
    assert "Velg IPS Lovisenberg" in suggestion.group(1)


def test_the_suggestion_is_the_team_the_partner_sent_to_last_and_still_needs_a_click(
    world, partner_client
):
    second = TeamFactory(name="IPS Alna")
    second.partner_organisations.add(world.nav)
    ReferralFactory(team=second, source_organisation=world.nav, submitted_by=world.partner)

    html = partner_client.get(reverse("referrals:create")).content.decode()
    assert not any("selected" in option for option in _team_options(html)[1:])
    assert "dit du sendte forrige henvisning" in html
    assert f'data-value="{second.pk}"' in html

    # The click (without JavaScript: the link) chooses it.
    html = partner_client.get(reverse("referrals:create"), {"team": second.pk}).content.decode()
    assert f'<option value="{second.pk}" selected>' in html


def test_sending_without_choosing_a_team_is_a_field_error_and_nothing_is_stored(
    world, partner_client
):
    response = partner_client.post(reverse("referrals:create"), _form(world, team=""))

    assert response.status_code == 200
    assert response.context["form"].errors["team"] == [
        "Velg hvilket IPS-team henvisningen skal til."
    ]
    html = response.content.decode()
    assert "Velg hvilket IPS-team henvisningen skal til." in html
    assert 'value="Nora Ny"' in html and "Vil jobbe i barnehage" in html
    assert not Referral.objects.exists()


# --- Consent -------------------------------------------------------------------------------------


class Days(int):
    """Days from the Oslo today, made a date when the test runs (not at collection)."""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"consent_given": None},
            "consent_given",
            "Personen må ha samtykket før henvisningen sendes. Kryss av når det er gjort.",
        ),
        ({"consent_date": ""}, "consent_date", "Skriv inn datoen personen samtykket."),
        ({"consent_date": Days(1)}, "consent_date", "Datoen kan ikke være frem i tid."),
        ({"consent_date": "31.02.2026"}, "consent_date", "Skriv datoen som dd.mm.åååå."),
        ({"consent_method": None}, "consent_method", "Velg hvordan samtykket ble gitt."),
        ({"consent_method": "telepathy"}, "consent_method", "Velg en av måtene i listen."),
    ],
    ids=["not-ticked", "no-date", "future-date", "bad-date", "no-method", "unknown-method"],
)
def test_consent_is_required_with_a_norwegian_field_message_and_nothing_stored(
    world, partner_client, overrides, field, message
):
    overrides = {
        key: (today() + dt.timedelta(days=value)).isoformat() if isinstance(value, Days) else value
        for key, value in overrides.items()
    }
    response = partner_client.post(reverse("referrals:create"), _form(world, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert message in html
    assert 'value="Nora Ny"' in html and "Vil jobbe i barnehage" in html
    assert not Referral.objects.exists()


def test_consent_is_stored_and_shown_on_the_referral(world, partner_client, leader_client):
    response = partner_client.post(reverse("referrals:create"), _form(world))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent_given is True
    assert referral.consent_date == today() - dt.timedelta(days=1)
    assert referral.consent_method == Referral.ConsentMethod.WRITTEN

    html = leader_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    consent = _search(r'<dd class="col-sm-7" id="consent">(.*?)</dd>', html).group(1)
    assert consent == f"Ja, {referral.consent_date:%d.%m.%Y} (Skriftlig (signert))"


def test_an_older_referral_without_consent_still_opens(world, leader_client):
    referral = world.referral  # made as before consent was recorded
    assert referral.consent_given is None
    html = leader_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Ikke registrert (henvisningen er fra før samtykke ble registrert)" in html


@pytest.mark.parametrize(
    "consent",
    [
        {"consent_given": True},
        {"consent_given": True, "consent_method": "verbal"},
        {"consent_given": True, "consent_date": "DATE"},
        {"consent_given": False, "consent_date": "DATE", "consent_method": "verbal"},
        {"consent_date": "DATE"},
        {"consent_given": True, "consent_date": "DATE", "consent_method": "telepathy"},
    ],
    ids=["yes-only", "no-date", "no-method", "consent-no", "date-only", "unknown-method"],
)
def test_the_database_refuses_incomplete_consent(world, consent):
    referral = world.referral
    consent = {k: referral.referral_date if v == "DATE" else v for k, v in consent.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(**consent)


def test_the_database_refuses_consent_in_the_future(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=world.referral.pk).update(
            consent_given=True,
            consent_date=today() + dt.timedelta(days=1),
            consent_method="verbal",
        )


# --- Possible duplicates in the leader's queue -----------------------------------------------------


def _open(world, team=None, **kwargs):
    if "date_received" in kwargs:
        kwargs.setdefault("referral_date", kwargs["date_received"])
    return ReferralFactory(
        team=team or world.team,
        source_organisation=kwargs.pop("source_organisation", world.nav),
        national_id=kwargs.pop("national_id", NATIONAL_ID),
        **kwargs,
    )


def _queue_row(html: str, referral) -> str:
    return _search(rf'<tr data-referral="{referral.pk}">.*?</tr>', html).group(0)


def test_a_second_open_referral_in_the_same_team_is_flagged_with_a_link_to_the_first(
    world, leader_client
):
    first = _open(world, date_received=today() - dt.timedelta(days=5))
    second = _open(world, source_organisation=world.dps, date_received=today())
    alone = _open(world, national_id=valid_national_id(1718))

    html = leader_client.get(reverse("referrals:queue")).content.decode()

    row = _queue_row(html, second)
    assert "Mulig duplikat" in row
    assert f'href="/henvisninger/{first.pk}/"' in row
    assert f"Åpen henvisning mottatt {first.date_received:%d.%m.%Y}" in row
    assert f'href="/henvisninger/{second.pk}/slaa-sammen/"' in row
    # Each of the two points to the other.
    assert f'href="/henvisninger/{second.pk}/"' in _queue_row(html, first)
    assert "Mulig duplikat" not in _queue_row(html, alone)


def test_the_same_person_in_another_team_is_not_a_duplicate(world, leader_client):
    here = _open(world)
    _open(world, team=world.other_team, source_organisation=world.other_org)
    ParticipantFactory(
        team=world.other_team, job_specialist=world.other_specialist, national_id=NATIONAL_ID
    )

    html = leader_client.get(reverse("referrals:queue")).content.decode()

    assert "Mulig duplikat" not in _queue_row(html, here)
    assert "slaa-sammen" not in html


def test_an_active_participant_of_the_team_makes_a_new_referral_a_possible_duplicate(
    world, leader_client
):
    participant = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, national_id=NATIONAL_ID
    )
    referral = _open(world)

    row = _queue_row(leader_client.get(reverse("referrals:queue")).content.decode(), referral)

    assert "Mulig duplikat" in row and "Allerede aktiv deltaker i teamet" in row
    assert f'href="/deltakere/{participant.pk}/"' in row


def test_a_closed_participant_is_not_an_active_participation(world, leader_client):
    ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        national_id=NATIONAL_ID,
        status="closed",
    )
    referral = _open(world)
    row = _queue_row(leader_client.get(reverse("referrals:queue")).content.decode(), referral)
    assert "Mulig duplikat" not in row


QUEUE_QUERIES = 9


@pytest.mark.parametrize("n", [2, 20])
def test_queue_with_duplicates_has_the_same_query_count_for_2_and_20(
    world, leader_client, django_assert_num_queries, n
):
    for i in range(n):
        # Pairs of the same person, and every fourth one already a participant.
        national_id = valid_national_id(3000 + i // 2)
        _open(world, national_id=national_id)
        if i % 4 == 0:
            ParticipantFactory(
                team=world.team, job_specialist=world.specialist, national_id=national_id
            )
    with django_assert_num_queries(QUEUE_QUERIES):
        response = leader_client.get(reverse("referrals:queue"))
    rows = response.context["referrals"]
    assert len(rows) == n
    assert all(row.duplicate_referral_id for row in rows)
    assert response.content.decode().count("Mulig duplikat") == n + (n + 3) // 4 * 2


# --- Merging -------------------------------------------------------------------------------------


def test_leader_merges_a_duplicate_into_the_kept_referral_and_history_is_kept(world, leader_client):
    kept = _open(world, date_received=today() - dt.timedelta(days=5))
    duplicate = _open(world, source_organisation=world.dps)
    url = reverse("referrals:merge", args=[duplicate.pk])

    page = leader_client.get(url).content.decode()
    assert f'value="referral-{kept.pk}"' in page

    response = leader_client.post(url, {"kept": f"referral-{kept.pk}"})

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Referral.Status.WITHDRAWN
    assert duplicate.withdrawal_reason == Referral.WithdrawalReason.DUPLICATE
    assert duplicate.duplicate_of == kept
    kept.refresh_from_db()
    assert kept.status == Referral.Status.RECEIVED
    assert ReferralEvent.objects.filter(referral=duplicate, to_status="withdrawn").exists()
    assert "er slått sammen hit" in ReferralEvent.objects.get(referral=kept).note
    # Both rows stay; the queue no longer flags the kept one.
    assert Referral.objects.filter(pk__in=[kept.pk, duplicate.pk]).count() == 2
    queue = leader_client.get(reverse("referrals:queue")).content.decode()
    assert "Mulig duplikat" not in _queue_row(queue, kept)
    detail = leader_client.get(reverse("referrals:detail", args=[duplicate.pk])).content.decode()
    assert f'href="/henvisninger/{kept.pk}/"' in detail
    assert "Dobbel henvisning (slått sammen)" in detail


def test_leader_merges_a_referral_into_the_active_participant(world, leader_client):
    participant = ParticipantFactory(
        team=world.team, job_specialist=world.specialist, national_id=NATIONAL_ID
    )
    referral = _open(world)
    response = leader_client.post(
        reverse("referrals:merge", args=[referral.pk]), {"kept": f"participant-{participant.pk}"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.duplicate_of_participant == participant
    assert referral.status == Referral.Status.WITHDRAWN


def test_merge_needs_a_choice_among_the_candidates(world, leader_client):
    _open(world)
    duplicate = _open(world)
    other_team = _open(world, team=world.other_team)
    url = reverse("referrals:merge", args=[duplicate.pk])
    for posted in ({}, {"kept": f"referral-{other_team.pk}"}, {"kept": "nonsense"}):
        response = leader_client.post(url, posted)
        assert response.status_code == 200
        assert "kept" in response.context["form"].errors
    duplicate.refresh_from_db()
    assert duplicate.status == Referral.Status.RECEIVED


def test_merge_service_refuses_another_teams_or_another_persons_referral(world):
    duplicate = _open(world)
    with pytest.raises(ValidationError):
        referral_merge(
            duplicate=duplicate, kept=_open(world, team=world.other_team), by=world.leader
        )
    with pytest.raises(ValidationError):
        referral_merge(
            duplicate=duplicate,
            kept=_open(world, national_id=valid_national_id(1719)),
            by=world.leader,
        )
    duplicate.refresh_from_db()
    assert duplicate.status == Referral.Status.RECEIVED


def test_only_the_teams_leader_may_merge(world):
    _open(world)
    duplicate = _open(world)
    url = reverse("referrals:merge", args=[duplicate.pk])
    assert world.client_for("specialist").post(url, {}).status_code == 403
    assert world.client_for("other_specialist").post(url, {}).status_code == 404
    assert world.client_for("partner").post(url, {}).status_code == 403


def test_a_plain_withdrawal_cannot_claim_to_be_a_merge(world):
    with pytest.raises(ValidationError):
        referral_withdraw(referral=world.referral, reason="duplicate", by=world.leader)


# --- What the sender is told -----------------------------------------------------------------------


def test_partner_is_told_their_organisation_already_sent_one_and_may_send_anyway(
    world, partner_client
):
    earlier = _open(world, date_received=today() - dt.timedelta(days=6))

    response = partner_client.post(reverse("referrals:create"), _form(world))

    assert response.status_code == 200
    html = response.content.decode()
    message = (
        "Organisasjonen din sendte allerede en henvisning for denne personen "
        f"{earlier.date_received:%d.%m.%Y} (til IPS Lovisenberg), og den er ikke avsluttet."
    )
    assert message in html
    assert Referral.objects.count() == 1

    response = partner_client.post(
        reverse("referrals:create"), _form(world, confirm_duplicate="on")
    )
    assert response.status_code == 302
    assert Referral.objects.count() == 2


def test_a_partner_of_another_organisation_gets_no_hint(world):
    world.team.partner_organisations.add(world.other_org)
    earlier = _open(world, date_received=today() - dt.timedelta(days=6))
    ParticipantFactory(team=world.team, job_specialist=world.specialist, national_id=NATIONAL_ID)
    client = world.client_for("anonymous")
    client.force_login(world.other_partner)

    form_page = client.get(reverse("referrals:create")).content.decode()
    response = client.post(reverse("referrals:create"), _form(world), follow=True)

    assert response.redirect_chain  # sent at once, no question asked
    html = form_page + response.content.decode()
    assert earlier.date_received.strftime("%d.%m.%Y") not in html
    for word in ("allerede", "duplikat", "Organisasjonen din sendte"):
        assert word not in html
    assert Referral.objects.filter(national_id=NATIONAL_ID).count() == 2


def test_a_partner_is_not_told_about_another_team_s_referral_from_another_organisation(world):
    world.other_team.partner_organisations.add(world.nav)
    _open(world, team=world.other_team, source_organisation=world.other_org)
    client = world.client_for("partner")
    response = client.post(reverse("referrals:create"), _form(world))
    assert response.status_code == 302
