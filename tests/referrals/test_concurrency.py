"""Two people registering the same person at once: the database's unique constraint decides,
and the loser gets the "already a participant" answer instead of an error page."""

import threading

import pytest
from django.db import connections, transaction

from participants.models import Contact, Participant
from referrals.models import Referral
from referrals.services import DuplicateParticipantError, referral_register_first_meeting
from tests.factories import ParticipantFactory, today


@pytest.mark.django_db(transaction=True)
def test_a_participant_created_meanwhile_wins_and_the_first_meeting_points_to_it(world):
    from tests.referrals.factories import assigned_referral

    referral = assigned_referral(world)
    inserted = threading.Event()
    release = threading.Event()
    created = {}

    def other_request():
        try:
            with transaction.atomic():
                created["participant"] = ParticipantFactory(
                    team=world.team,
                    job_specialist=world.teammate,
                    national_id=referral.national_id,
                )
                inserted.set()
                # Hold the row uncommitted while the first meeting is being registered.
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_request)
    thread.start()
    assert inserted.wait(timeout=10)
    # Commit the other request shortly after ours has passed its duplicate check and is
    # waiting on the unique index.
    threading.Timer(0.5, release.set).start()

    with pytest.raises(DuplicateParticipantError) as excinfo:
        referral_register_first_meeting(
            referral=referral,
            meeting_date=today(),
            place=Contact.Place.OFFICE,
            duration_minutes=30,
            by=world.specialist,
        )
    thread.join(timeout=10)

    assert excinfo.value.participant.pk == created["participant"].pk
    assert Participant.objects.filter(national_id=referral.national_id).count() == 1
    assert not Contact.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSIGNED
