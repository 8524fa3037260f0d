import datetime as dt

import pytest
from stdnum.no import fodselsnummer

from participants.models import Contact
from referrals.forms import FirstMeetingForm, ReferralForm, WithdrawForm
from tests.factories import today, valid_national_id

pytestmark = pytest.mark.django_db


def _data(world, **overrides):
    data = {
        "person_name": "Nora Ny",
        "national_id": valid_national_id(800),
        "referral_date": (today() - dt.timedelta(days=1)).isoformat(),
        "date_received": today().isoformat(),
        "source_organisation": world.nav.pk,
        "team": world.team.pk,
        "consent_given": "on",
        "consent_date": (today() - dt.timedelta(days=1)).isoformat(),
        "consent_method": "written",
    }
    data.update(overrides)
    return data


def _d_number() -> str:
    """A D-number: a valid fødselsnummer with 4 added to the first digit."""
    for n in range(1000):
        base = valid_national_id(n)
        if int(base[0]) <= 5:
            candidate_base = str(int(base[0]) + 4) + base[1:9]
            k1 = fodselsnummer.calc_check_digit1(candidate_base)
            k2 = fodselsnummer.calc_check_digit2(candidate_base + k1) if len(k1) == 1 else "xx"
            candidate = candidate_base + k1 + k2
            if len(candidate) == 11 and fodselsnummer.is_valid(candidate):
                return candidate
    raise AssertionError("no D-number found")


def test_valid_referral_from_leader(world):
    form = ReferralForm(_data(world), user=world.leader)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["team"] == world.team


def test_national_id_with_a_wrong_check_digit_is_a_clear_field_error(world):
    good = valid_national_id(801)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    form = ReferralForm(_data(world, national_id=wrong), user=world.leader)
    assert not form.is_valid()
    assert form.errors["national_id"] == [
        "Fødselsnummeret eller D-nummeret er ikke gyldig. Sjekk at alle 11 sifrene er riktige."
    ]


def test_d_number_is_accepted(world):
    form = ReferralForm(_data(world, national_id=_d_number()), user=world.leader)
    assert form.is_valid(), form.errors


def test_national_id_typed_with_a_space_is_stored_as_digits(world):
    nid = valid_national_id(802)
    form = ReferralForm(_data(world, national_id=f"{nid[:6]} {nid[6:]}"), user=world.leader)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_id"] == nid


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused(world, name):
    form = ReferralForm(_data(world, person_name=name), user=world.leader)
    assert form.errors["person_name"] == ["Skriv inn navnet til personen."]


def test_received_before_referral_date_is_refused(world):
    form = ReferralForm(
        _data(world, date_received=(today() - dt.timedelta(days=3)).isoformat()),
        user=world.leader,
    )
    assert form.errors["date_received"] == ["Mottatt dato kan ikke være før henvisningsdatoen."]


@pytest.mark.parametrize("field", ["referral_date", "date_received"])
def test_dates_in_the_future_are_refused(world, field):
    form = ReferralForm(
        _data(world, **{field: (today() + dt.timedelta(days=1)).isoformat()}), user=world.leader
    )
    assert form.errors[field] == ["Datoen kan ikke være frem i tid."]


def test_norwegian_date_format_is_accepted(world):
    form = ReferralForm(
        _data(world, referral_date=(today() - dt.timedelta(days=1)).strftime("%d.%m.%Y")),
        user=world.leader,
    )
    assert form.is_valid(), form.errors


def test_partner_form_has_no_received_date_and_fixed_organisation(world):
    form = ReferralForm(user=world.partner)
    assert "date_received" not in form.fields
    assert "source_organisation" not in form.fields
    assert form.fixed["source_organisation"] == world.nav


def test_partner_future_referral_date_is_refused(world):
    form = ReferralForm(
        _data(world, referral_date=(today() + dt.timedelta(days=2)).isoformat()),
        user=world.partner,
    )
    assert form.errors["referral_date"] == ["Datoen kan ikke være frem i tid."]


def test_first_meeting_in_the_future_is_refused(world):
    form = FirstMeetingForm(
        {
            "meeting_date": (today() + dt.timedelta(days=1)).isoformat(),
            "place": Contact.Place.OFFICE,
            "duration_minutes": 30,
        },
        referral=world.referral,
    )
    assert form.errors["meeting_date"] == ["Datoen kan ikke være frem i tid."]


def test_first_meeting_before_received_is_refused(world):
    received = world.referral.date_received
    form = FirstMeetingForm(
        {
            "meeting_date": (received - dt.timedelta(days=1)).isoformat(),
            "place": Contact.Place.OFFICE,
            "duration_minutes": 30,
        },
        referral=world.referral,
    )
    assert form.errors["meeting_date"] == [
        f"Første møte kan ikke være før henvisningen ble mottatt ({received:%d.%m.%Y})."
    ]


@pytest.mark.parametrize("minutes", ["0", "601", "abc"])
def test_first_meeting_duration_must_be_sensible(world, minutes):
    form = FirstMeetingForm(
        {"meeting_date": today().isoformat(), "place": "office", "duration_minutes": minutes},
        referral=world.referral,
    )
    assert "duration_minutes" in form.errors


def test_withdrawal_reason_other_needs_text():
    form = WithdrawForm({"reason": "other", "note": " "})
    assert form.errors["note"] == ["Beskriv årsaken når du velger «Annet»."]
    assert WithdrawForm({"reason": "moved"}).is_valid()
