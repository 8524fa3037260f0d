"""Choice labels (ips/choices.py): Django's get_FOO_display, without translating every label of
the field on every call."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

from ips.choices import ChoiceLabels
from participants.models import Contact, Participant
from participants.statuses import ParticipantStatus


def _ours(model) -> bool:
    """An app of this project (in the repository, not an installed package)."""
    path = Path(model._meta.app_config.path)
    return path.is_relative_to(settings.BASE_DIR) and "site-packages" not in path.parts


def test_every_model_of_ours_with_a_choice_field_shows_labels_the_fast_way():
    left_out = [
        model.__name__
        for model in apps.get_models()
        if _ours(model)
        and not model.__name__.endswith("History")  # pghistory's event rows (history pages)
        and any(field.choices for field in model._meta.fields)
        and not issubclass(model, ChoiceLabels)
    ]
    assert left_out == []


def test_label_is_in_the_language_of_the_request():
    contact = Contact(mode=Contact.Mode.PHONE, with_whom=Contact.With.EMPLOYER)
    participant = Participant(status=ParticipantStatus.EMPLOYED)
    with translation.override("nb"):
        shown = (contact.get_mode_display(), contact.get_with_whom_display())
        assert shown == ("Telefon", "Arbeidsgiver")
        assert participant.get_status_display() == "I arbeid"
    with translation.override("en"):
        assert contact.get_mode_display() == "Phone"
        assert contact.get_with_whom_display() == "Employer"
        assert participant.get_status_display() not in ("I arbeid", "employed")


def test_a_value_without_a_choice_shows_as_it_is():
    assert Contact(mode="fax").get_mode_display() == "fax"
