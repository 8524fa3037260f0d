"""The contact dialog's place («Sted»): no default that claims community work, asked for (and
required) when the meeting was in person, never stored for phone, video or messages."""

import re
from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from participants.models import Contact
from participants.selectors import community_minutes
from tests.factories import ContactFactory, today

pytestmark = pytest.mark.django_db


class _FormDefaults(HTMLParser):
    """What a browser would submit for the form as rendered: text values, checked radios."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.data[name] = a.get("value", "")
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.data.setdefault(name, "")
        elif tag == "option" and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        if tag == "select" and name:
            self._select = name

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def _dialog_defaults(client, participant) -> dict[str, str]:
    url = reverse("participants:contact_log", kwargs={"pk": participant.pk})
    parser = _FormDefaults()
    parser.feed(client.get(url + "?fra=detail", HTTP_HX_REQUEST="true").content.decode())
    return parser.data


def _log(client, participant, data):
    url = reverse("participants:contact_log", kwargs={"pk": participant.pk})
    return client.post(url + "?fra=detail", data, HTTP_HX_REQUEST="true")


def _autofocused(client, participant) -> str:
    url = reverse("participants:contact_log", kwargs={"pk": participant.pk})
    html = client.get(url + "?fra=detail", HTTP_HX_REQUEST="true").content.decode()
    found = re.search(r'<(?:input|textarea)[^>]*name="(\w+)"[^>]*data-autofocus', html)
    assert found is not None, html
    return found.group(1)


def test_dialog_has_no_place_preselected_and_opens_on_that_question(world, specialist_client):
    assert _autofocused(specialist_client, world.participant) == "place"
    defaults = _dialog_defaults(specialist_client, world.participant)
    assert defaults["mode"] == "face_to_face"
    assert "place" not in defaults
    assert defaults["contact_date"] == today().isoformat()


def test_phone_contact_logged_with_the_dialogs_defaults_is_not_community_time(
    world, specialist_client
):
    data = _dialog_defaults(specialist_client, world.participant) | {"mode": "phone"}
    response = _log(specialist_client, world.participant, data)
    assert response.status_code == 200
    assert "contactLogged" in response["HX-Trigger"]
    contact = Contact.objects.get(participant=world.participant)
    assert (contact.mode, contact.place) == ("phone", "")
    assert community_minutes(Contact.objects.filter(participant=world.participant)) == (0, 0, 0)


def test_place_left_over_from_switching_mode_is_cleared_for_a_phone_call(world, specialist_client):
    data = _dialog_defaults(specialist_client, world.participant)
    response = _log(specialist_client, world.participant, data | {"mode": "phone", "place": "home"})
    assert response.status_code == 200
    assert Contact.objects.get(participant=world.participant).place == ""


def test_meeting_in_person_without_a_place_is_asked_for_and_keeps_what_was_typed(
    world, specialist_client
):
    data = _dialog_defaults(specialist_client, world.participant) | {"note": "Kafé på Torshov"}
    response = _log(specialist_client, world.participant, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velg hvor dere møttes." in html
    assert "Kafé på Torshov" in html
    assert not Contact.objects.filter(participant=world.participant).exists()


def test_meeting_in_person_at_the_workplace_counts_as_community_time(world, specialist_client):
    data = _dialog_defaults(specialist_client, world.participant) | {
        "place": "workplace",
        "duration_minutes": "40",
    }
    _log(specialist_client, world.participant, data)
    assert community_minutes(Contact.objects.filter(participant=world.participant)) == (40, 40, 0)


def test_dialog_remembers_the_last_mode_and_place_of_the_user(world, specialist_client):
    data = _dialog_defaults(specialist_client, world.participant)
    _log(specialist_client, world.participant, data | {"place": "home"})
    assert _dialog_defaults(specialist_client, world.participant).items() >= {
        ("mode", "face_to_face"),
        ("place", "home"),
    }
    assert _autofocused(specialist_client, world.participant) == "note"
    _log(specialist_client, world.participant, data | {"mode": "video"})
    remembered = _dialog_defaults(specialist_client, world.participant)
    assert remembered["mode"] == "video"
    assert "place" not in remembered


def test_editing_a_contact_to_a_phone_call_clears_its_place(world, specialist_client):
    contact = ContactFactory(participant=world.participant, place=Contact.Place.HOME)
    url = reverse(
        "participants:contact_edit", kwargs={"pk": world.participant.pk, "contact_pk": contact.pk}
    )
    specialist_client.post(
        url,
        {
            "contact_date": contact.contact_date.isoformat(),
            "with_whom": "participant",
            "mode": "phone",
            "place": "home",
            "duration_minutes": "15",
            "note": "",
        },
    )
    contact.refresh_from_db()
    assert (contact.mode, contact.place) == ("phone", "")


def test_database_refuses_a_place_on_a_phone_contact(world):
    contact = ContactFactory(participant=world.participant, mode=Contact.Mode.PHONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(place=Contact.Place.COMMUNITY)
