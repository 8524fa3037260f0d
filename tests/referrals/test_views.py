import datetime as dt

import pytest
from django.urls import reverse

from ips.audit.models import AccessEvent
from participants.models import Contact, Participant
from referrals.models import Referral, ReferralEvent
from tests.factories import (
    ParticipantFactory,
    ReferralFactory,
    TeamFactory,
    today,
    valid_national_id,
)
from tests.referrals.factories import give_caseload

pytestmark = pytest.mark.django_db


def _form_data(world, **overrides):
    data = {
        "person_name": "Nora Ny",
        "national_id": valid_national_id(700),
        "phone": "98765432",
        "referral_date": (today() - dt.timedelta(days=2)).isoformat(),
        "referrer_name": "Vera Veileder",
        "job_wishes": "Vil jobbe med dyr",
        "substance_use": "Ingen nå",
        "consent_given": "on",
        "consent_date": (today() - dt.timedelta(days=2)).isoformat(),
        "consent_method": "verbal",
    }
    data.update(overrides)
    return data


# --- Submitting -----------------------------------------------------------------------------


def test_partner_submits_a_referral_to_a_team_their_office_works_with(world, partner_client):
    response = partner_client.post(
        reverse("referrals:create"), _form_data(world, team=world.team.pk)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:list")
    referral = Referral.objects.get()
    assert referral.team == world.team
    assert referral.source_organisation == world.nav
    assert referral.submitted_by == world.partner
    assert referral.date_received == today()
    assert referral.status == Referral.Status.RECEIVED
    assert referral.events.get().to_status == "received"
    listing = partner_client.get(reverse("referrals:list"))
    assert "Nora Ny" in listing.content.decode()
    assert "Mottatt" in listing.content.decode()


def test_partner_cannot_send_to_a_team_outside_their_partnerships(world, partner_client):
    second = TeamFactory(name="IPS Oslo øst")
    second.partner_organisations.add(world.nav)
    form = partner_client.get(reverse("referrals:create")).context["form"]
    assert set(form.fields["team"].queryset) == {world.team, second}

    response = partner_client.post(
        reverse("referrals:create"), _form_data(world, team=world.other_team.pk)
    )

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_partner_with_one_team_cannot_redirect_it_elsewhere(world, partner_client):
    # The one team is offered, not fixed (issue 17); another team is refused, nothing stored.
    response = partner_client.post(
        reverse("referrals:create"), _form_data(world, team=world.other_team.pk)
    )
    assert "team" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_leaders_referral_goes_to_their_own_team(world, leader_client):
    response = leader_client.post(
        reverse("referrals:create"),
        _form_data(
            world,
            source_organisation=world.dps.pk,
            date_received=(today() - dt.timedelta(days=1)).isoformat(),
        ),
    )

    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert referral.team == world.team
    assert referral.source_organisation == world.dps
    assert referral.date_received == today() - dt.timedelta(days=1)


class DaysFromToday(int):
    """A date relative to the Oslo today, made into a date when the test runs: parameters are
    built at collection, which can fall on another date than the test's own around midnight."""


def _dates(overrides: dict) -> dict:
    return {
        key: (today() + dt.timedelta(days=value)).isoformat()
        if isinstance(value, DaysFromToday)
        else value
        for key, value in overrides.items()
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"national_id": "01019012345"}, "national_id", "Fødselsnummeret eller D-nummeret"),
        ({"person_name": ""}, "person_name", "Skriv inn navnet til personen."),
        ({"person_name": "   "}, "person_name", "Skriv inn navnet til personen."),
        (
            {"referral_date": DaysFromToday(1)},
            "referral_date",
            "Datoen kan ikke være frem i tid.",
        ),
        (
            {"date_received": DaysFromToday(1)},
            "date_received",
            "Datoen kan ikke være frem i tid.",
        ),
        (
            {"date_received": DaysFromToday(-5)},
            "date_received",
            "Mottatt dato kan ikke være før henvisningsdatoen.",
        ),
    ],
    ids=[
        "invalid-national-id",
        "empty-name",
        "blank-name",
        "future-referral-date",
        "future-received",
        "received-before-referral",
    ],
)
def test_bad_referral_input_gets_a_field_message_and_keeps_what_was_typed(
    world, leader_client, overrides, field, message
):
    data = _form_data(
        world,
        source_organisation=world.nav.pk,
        date_received=today().isoformat(),
        job_wishes="Drømmer om å kjøre buss",
    )
    data.update(_dates(overrides))

    response = leader_client.post(reverse("referrals:create"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert message in html
    # What was typed is still there.
    assert "Drømmer om å kjøre buss" in html
    assert 'value="98765432"' in html
    if field != "national_id":
        assert f'value="{data["national_id"]}"' in html
    assert not Referral.objects.exists()


# --- What partners see ------------------------------------------------------------------------


def test_partner_sees_status_and_dates_but_no_contents(world, partner_client):
    referral = world.referral
    referral.substance_use = "Amfetamin tidligere"
    referral.job_wishes = "Jobb i barnehage"
    referral.criminal_record = "Dom for tyveri"
    referral.save()

    response = partner_client.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Henrik Henvist" in html
    assert "Mottatt" in html
    for secret in ("Amfetamin", "barnehage", "tyveri", referral.national_id, "912 34 567"):
        assert secret not in html
    event = AccessEvent.objects.get(referral=referral)
    assert event.user == world.partner


def test_partner_list_shows_no_specialist(world, partner_client, assigned):
    html = partner_client.get(reverse("referrals:list")).content.decode()
    assert "Astrid Tildelt" in html
    assert "Tildelt jobbspesialist" in html
    assert "Siri" not in html


def test_team_sees_health_details_and_the_view_is_logged(world, specialist_client, assigned):
    response = specialist_client.get(reverse("referrals:detail", kwargs={"pk": assigned.pk}))

    html = response.content.decode()
    assert "Cannabis i helgene" in html
    assert "Litt skjelving" in html
    event = AccessEvent.objects.get(referral=assigned, user=world.specialist)
    assert event.action == AccessEvent.Action.VIEW


@pytest.mark.parametrize("name", ["detail", "assign", "first_meeting", "withdraw"])
def test_other_partner_and_other_team_get_404(world, assigned, name):
    url = reverse(f"referrals:{name}", kwargs={"pk": assigned.pk})
    for role in ("other_specialist", "auditor"):
        assert world.client_for(role).get(url).status_code == 404, role
    other_partner = world.client_for("anonymous")
    other_partner.force_login(world.other_partner)
    assert other_partner.get(url).status_code == 404
    if name != "detail":
        assert other_partner.post(url, {}).status_code == 404
        assert world.client_for("other_specialist").post(url, {}).status_code == 404


def test_other_partner_does_not_see_the_referral_in_the_list(world):
    world.referral  # noqa: B018
    client = world.client_for("anonymous")
    client.force_login(world.other_partner)
    assert "Henrik Henvist" not in client.get(reverse("referrals:list")).content.decode()


# --- Intake queue -----------------------------------------------------------------------------


def test_queue_shows_open_referrals_oldest_first_with_the_week_rule_in_words(
    world, leader_client, assigned
):
    old = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        person_name="Olga Gammel",
        referral_date=today() - dt.timedelta(days=10),
        date_received=today() - dt.timedelta(days=9),
    )
    new = ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        person_name="Nils Ny",
        referral_date=today(),
        date_received=today(),
    )
    ReferralFactory(
        team=world.team,
        source_organisation=world.nav,
        person_name="Mona Møtt",
        assigned_specialist=world.specialist,
        status=Referral.Status.FIRST_MEETING_HELD,
        first_meeting_date=today(),
    )
    ReferralFactory(team=world.other_team, person_name="Bodil Bergen")

    response = leader_client.get(reverse("referrals:queue"))

    rows = response.context["referrals"]
    assert [r.pk for r in rows] == [old.pk, assigned.pk, new.pk]
    html = response.content.decode()
    assert "Mona Møtt" not in html and "Bodil Bergen" not in html
    assert rows[0].days_since_received == 9
    assert rows[0].week_rule.code == "overdue"
    assert "Over én uke" in html
    assert rows[2].week_rule.code == "ok"
    assert "Innenfor fristen" in html


def test_assign_page_suggests_the_specialist_with_most_free_capacity(world, leader_client):
    give_caseload(world.specialist, world.team, 4)
    give_caseload(world.teammate, world.team, 1)

    response = leader_client.get(reverse("referrals:assign", kwargs={"pk": world.referral.pk}))

    specialists = response.context["specialists"]
    assert [s.username for s in specialists] == ["kollega", "spesialist"]
    assert [s.active_caseload for s in specialists] == [1, 4]
    assert [s.free_capacity for s in specialists] == [24, 21]
    assert response.context["selected"] == str(world.teammate.pk)
    html = response.content.decode()
    assert f'id="specialist-{world.teammate.pk}" value="{world.teammate.pk}" checked' in html


def test_leader_assigns_and_the_referral_leaves_the_unassigned_state(world, leader_client):
    url = reverse("referrals:assign", kwargs={"pk": world.referral.pk})
    response = leader_client.post(url, {"specialist": world.specialist.pk})

    assert response.status_code == 302
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist == world.specialist
    assert world.referral.status == Referral.Status.ASSIGNED


def test_specialist_cannot_assign(world, specialist_client):
    url = reverse("referrals:assign", kwargs={"pk": world.referral.pk})
    response = specialist_client.post(url, {"specialist": world.specialist.pk})

    assert response.status_code == 403
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist is None


def test_assigning_over_the_breach_threshold_needs_the_checkbox(world, leader_client):
    world.team.caseload_warning = 1
    world.team.caseload_limit = 2
    world.team.save()
    give_caseload(world.specialist, world.team, 2)
    url = reverse("referrals:assign", kwargs={"pk": world.referral.pk})

    response = leader_client.post(url, {"specialist": world.specialist.pk})

    assert response.status_code == 200
    assert "confirm_over_limit" in response.context["form"].errors
    html = response.content.decode()
    assert "Over bruddgrensen" in html
    assert f'value="{world.specialist.pk}" checked' in html
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist is None

    response = leader_client.post(
        url, {"specialist": world.specialist.pk, "confirm_over_limit": "on"}
    )
    assert response.status_code == 302
    world.referral.refresh_from_db()
    assert world.referral.assigned_specialist == world.specialist


def test_assigning_someone_outside_the_team_is_a_form_error(world, leader_client):
    url = reverse("referrals:assign", kwargs={"pk": world.referral.pk})
    response = leader_client.post(url, {"specialist": world.other_specialist.pk})

    assert response.status_code == 200
    assert "specialist" in response.context["form"].errors
    world.referral.refresh_from_db()
    assert world.referral.status == Referral.Status.RECEIVED


# --- First meeting --------------------------------------------------------------------------


def _meeting(**overrides):
    data = {
        "meeting_date": today().isoformat(),
        "place": Contact.Place.COMMUNITY,
        "duration_minutes": "45",
        "note": "Møttes på kafé",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["specialist", "leader"])
def test_assigned_specialist_or_leader_registers_the_first_meeting(world, assigned, role):
    client = world.client_for(role)
    url = reverse("referrals:first_meeting", kwargs={"pk": assigned.pk})

    response = client.post(url, _meeting())

    assert response.status_code == 302
    participant = Participant.objects.get(referral=assigned)
    assert participant.job_specialist == world.specialist
    assert participant.contacts.get().logged_by == getattr(world, role)
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.FIRST_MEETING_HELD
    detail = client.get(response["Location"]).content.decode()
    assert "Første møte holdt" in detail
    assert "Gå til deltakeren" in detail


def test_a_teammate_who_is_not_assigned_cannot_register_the_first_meeting(world, assigned):
    url = reverse("referrals:first_meeting", kwargs={"pk": assigned.pk})
    response = world.client_for("teammate").post(url, _meeting())

    assert response.status_code == 403
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"meeting_date": DaysFromToday(1)},
            "Datoen kan ikke være frem i tid.",
        ),
        (
            {"meeting_date": DaysFromToday(-20)},
            "Første møte kan ikke være før henvisningen ble mottatt",
        ),
    ],
    ids=["future", "before-received"],
)
def test_bad_first_meeting_date_is_a_field_error_and_keeps_the_input(
    world, specialist_client, assigned, overrides, message
):
    overrides = _dates(overrides)
    url = reverse("referrals:first_meeting", kwargs={"pk": assigned.pk})
    response = specialist_client.post(url, _meeting(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["meeting_date"])
    html = response.content.decode()
    assert message in html
    assert "Møttes på kafé" in html
    assert f'value="{overrides["meeting_date"]}"' in html
    assert not Participant.objects.exists()


def test_duplicate_national_id_offers_the_existing_participant(world, specialist_client, assigned):
    existing = ParticipantFactory(
        team=world.team,
        job_specialist=world.teammate,
        national_id=assigned.national_id,
        name="Astrid Fra Før",
    )
    url = reverse("referrals:first_meeting", kwargs={"pk": assigned.pk})

    response = specialist_client.post(url, _meeting())

    assert response.status_code == 200
    html = response.content.decode()
    assert "allerede deltaker" in html
    assert f'href="/deltakere/{existing.pk}/"' in html
    assert Participant.objects.filter(national_id=assigned.national_id).count() == 1
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.ASSIGNED


def test_first_meeting_page_for_an_unassigned_referral_sends_the_leader_back(world, leader_client):
    url = reverse("referrals:first_meeting", kwargs={"pk": world.referral.pk})
    response = leader_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": world.referral.pk})


# --- Withdrawal -------------------------------------------------------------------------------


def test_withdraw_page_explains_that_nobody_is_turned_away(world, specialist_client, assigned):
    html = specialist_client.get(
        reverse("referrals:withdraw", kwargs={"pk": assigned.pk})
    ).content.decode()
    assert "IPS har ingen avslag" in html
    for choice in Referral.WithdrawalReason.labels:
        assert str(choice) in html
    lowered = html.lower()
    for word in ("avvist", "avvis henvisning", "ikke kvalifisert", "ikke aktuell"):
        assert word not in lowered


def test_withdraw_with_other_reason_needs_text(world, specialist_client, assigned):
    url = reverse("referrals:withdraw", kwargs={"pk": assigned.pk})
    response = specialist_client.post(url, {"reason": "other", "note": ""})

    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.ASSIGNED

    response = specialist_client.post(url, {"reason": "other", "note": "Begynte på skole"})
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Referral.Status.WITHDRAWN
    assert assigned.withdrawal_note == "Begynte på skole"


def test_withdraw_refuses_an_unknown_reason(world, leader_client):
    url = reverse("referrals:withdraw", kwargs={"pk": world.referral.pk})
    response = leader_client.post(url, {"reason": "rejected"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    world.referral.refresh_from_db()
    assert world.referral.status == Referral.Status.RECEIVED


# --- List and filters ---------------------------------------------------------------------------


def test_list_filters_by_status_specialist_organisation_and_received_dates(
    world, leader_client, assigned
):
    world.referral  # noqa: B018  (received 3 days ago, from NAV)
    from_dps = ReferralFactory(
        team=world.team,
        source_organisation=world.dps,
        referral_date=today() - dt.timedelta(days=20),
        date_received=today() - dt.timedelta(days=20),
    )
    url = reverse("referrals:list")

    def names(query):
        return {r.pk for r in leader_client.get(url, query).context["referrals"]}

    assert names({"status": "assigned"}) == {assigned.pk}
    assert names({"specialist": world.specialist.pk}) == {assigned.pk}
    assert names({"source_organisation": world.dps.pk}) == {from_dps.pk}
    assert names(
        {
            "received_after": (today() - dt.timedelta(days=30)).isoformat(),
            "received_before": (today() - dt.timedelta(days=10)).isoformat(),
        }
    ) == {from_dps.pk}
    assert names({"team": world.team.pk}) == {world.referral.pk, assigned.pk, from_dps.pk}


def test_list_survives_nonsense_filters(world, leader_client):
    response = leader_client.get(
        reverse("referrals:list"),
        {"status": "rejected", "team": "x", "received_after": "31.31.2020", "page": "zz"},
    )
    assert response.status_code == 200


def test_no_rejection_wording_on_any_referral_page(world, leader_client, assigned):
    pages = [
        reverse("referrals:list"),
        reverse("referrals:queue"),
        reverse("referrals:create"),
        reverse("referrals:detail", kwargs={"pk": assigned.pk}),
        reverse("referrals:assign", kwargs={"pk": assigned.pk}),
        reverse("referrals:first_meeting", kwargs={"pk": assigned.pk}),
    ]
    for url in pages:
        html = leader_client.get(url).content.decode().lower()
        for word in ("avvist", "avslått", "ikke kvalifisert", "rejected", "not eligible"):
            assert word not in html, (url, word)


# --- Query counts -----------------------------------------------------------------------------


def _make_referrals(world, n):
    for i in range(n):
        referral = ReferralFactory(
            team=world.team,
            source_organisation=world.nav,
            assigned_specialist=world.specialist if i % 2 else None,
            status=Referral.Status.ASSIGNED if i % 2 else Referral.Status.RECEIVED,
            referral_date=today() - dt.timedelta(days=i % 12 + 1),
            date_received=today() - dt.timedelta(days=i % 12),
        )
        ReferralEvent.objects.create(referral=referral, to_status=referral.status)


QUEUE_QUERIES = 9
LIST_QUERIES = 12
PARTNER_LIST_QUERIES = 11
DETAIL_QUERIES = 10


@pytest.mark.parametrize("n", [3, 30])
def test_queue_query_count_does_not_grow(world, leader_client, django_assert_num_queries, n):
    _make_referrals(world, n)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = leader_client.get(reverse("referrals:queue"))
    assert len(response.context["referrals"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow(world, leader_client, django_assert_num_queries, n):
    _make_referrals(world, n)
    with django_assert_num_queries(LIST_QUERIES):
        response = leader_client.get(reverse("referrals:list"))
    assert len(response.context["referrals"]) == min(n, 25)


@pytest.mark.parametrize("n", [3, 30])
def test_partner_list_query_count_does_not_grow(
    world, partner_client, django_assert_num_queries, n
):
    _make_referrals(world, n)
    with django_assert_num_queries(PARTNER_LIST_QUERIES):
        response = partner_client.get(reverse("referrals:list"))
    assert len(response.context["referrals"]) == min(n, 25)


@pytest.mark.parametrize("extra_events", [0, 20])
def test_detail_query_count_does_not_grow_with_history(
    world, leader_client, assigned, django_assert_num_queries, extra_events
):
    for _ in range(extra_events):
        ReferralEvent.objects.create(
            referral=assigned, from_status="assigned", to_status="assigned", by=world.leader
        )
    url = reverse("referrals:detail", kwargs={"pk": assigned.pk})
    with django_assert_num_queries(DETAIL_QUERIES):
        leader_client.get(url)


@pytest.mark.parametrize(("posted", "stored"), [("no", "no"), ("yes", "yes"), (None, "unknown")])
def test_partner_records_whether_the_person_was_in_work_when_referred(
    world, partner_client, posted, stored
):
    data = _form_data(world, team=world.team.pk)
    if posted:
        data["in_work_at_referral"] = posted
    response = partner_client.post(reverse("referrals:create"), data)
    assert response.status_code == 302
    assert Referral.objects.get().in_work_at_referral == stored


def test_an_unknown_in_work_answer_gets_a_field_message_and_keeps_what_was_typed(
    world, partner_client
):
    data = _form_data(world, team=world.team.pk, in_work_at_referral="kanskje")
    response = partner_client.post(reverse("referrals:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg ja, nei eller vet ikke." in html
    assert 'value="Nora Ny"' in html
    assert not Referral.objects.exists()
