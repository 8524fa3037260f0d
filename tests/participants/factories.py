"""Extra factories for participant records (the shared ones live in tests/factories.py)."""

import factory

from participants.models import ParticipantStatusEvent, SupportPerson, WorkHistoryEntry
from tests.factories import ParticipantFactory, VocationalProfileFactory


class StatusEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantStatusEvent

    participant = factory.SubFactory(ParticipantFactory)
    from_status = "engaged"
    to_status = "job_search"


class WorkHistoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkHistoryEntry

    profile = factory.SubFactory(VocationalProfileFactory)
    title = "Lagermedarbeider"


class SupportPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPerson

    profile = factory.SubFactory(VocationalProfileFactory)
    name = "Mor"
