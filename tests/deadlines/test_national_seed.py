"""The national benchmark loader, at a tiny scale (the full run is bench/deadline_scan.py)."""

import io

from django.apps import apps
from django.db.models import Count, F, Q
from django.test import Client
from django.urls import reverse

from fidelity.models import Item, ItemScore, Review, ReviewEvent, Scale
from ips.accounts.models import Membership, Team, User
from ips.demo import national
from participants.models import Contact, Participant, ParticipantStatusEvent
from referrals.models import Referral, ReferralEvent
from tests.factories import ParticipantFactory

TEAMS = 2


def test_national_seed_loads_once_without_history_and_reenables_triggers(db):
    out = io.StringIO()
    report = national.seed(teams=TEAMS, stdout=out)
    assert "2 teams" in report
    assert Participant.objects.count() == TEAMS * national.PARTICIPANTS_PER_TEAM
    assert Contact.objects.count() == (
        TEAMS * national.PARTICIPANTS_PER_TEAM * national.CONTACTS_PER_PARTICIPANT
    )
    for history in (
        "participants.ParticipantHistory",
        "fidelity.ReviewHistory",
        "fidelity.ItemScoreHistory",
    ):
        assert apps.get_model(history).objects.count() == 0
    assert (
        national.seed(teams=TEAMS, stdout=out) == "National data already present; nothing changed."
    )
    # History triggers are back on for normal use.
    person = ParticipantFactory()
    participant_history = apps.get_model("participants", "ParticipantHistory")
    assert participant_history.objects.filter(pgh_obj_id=person.pk).exists()


def test_national_seed_scores_two_reviews_per_team_on_every_item(db):
    national.seed(teams=TEAMS, stdout=io.StringIO())
    scale = Scale.objects.get(is_default=True)
    items = Item.objects.filter(scale=scale).count()
    assert items == 25

    reviews = Review.objects.filter(team__name__startswith="IPS Nasjonal")
    per_team = reviews.values("team").annotate(n=Count("id"), kinds=Count("kind", distinct=True))
    assert sorted((row["n"], row["kinds"]) for row in per_team) == [(2, 2)] * TEAMS
    assert not reviews.exclude(scale=scale).exists()
    scored = ItemScore.objects.filter(review__in=reviews)
    assert scored.count() == 2 * TEAMS * items
    assert not scored.filter(score__isnull=True).exists()
    assert set(scored.values_list("score", flat=True)) <= {1, 2, 3, 4, 5}
    # Final reviews carry their finalisation; reviews being scored do not.
    assert not reviews.filter(status="final", finalised_at__isnull=True).exists()
    assert not reviews.exclude(status="final").filter(finalised_at__isnull=False).exists()
    assert reviews.filter(kind="external", status="final").count() == TEAMS
    # Reviewers are people of the team: its auditor (external) or its leader (self-assessment).
    for review in reviews:
        (reviewer,) = review.reviewers.all()
        role = Membership.Role.AUDITOR if review.kind == "external" else Membership.Role.LEADER
        assert Membership.objects.filter(user=reviewer, team=review.team, role=role).exists()
        events = list(ReviewEvent.objects.filter(review=review).values_list("to_status", flat=True))
        assert events == (
            ["draft", "scoring", "final"] if review.status == "final" else ["draft", "scoring"]
        )


def test_national_seed_gives_participants_their_status_history(db):
    national.seed(teams=TEAMS, stdout=io.StringIO())
    participants = Participant.objects.annotate(
        events=Count("status_events"),
        first_meetings=Count("status_events", filter=Q(status_events__to_status="engaged")),
    )
    assert not participants.filter(first_meetings=0).exists()
    assert not participants.filter(status="engaged").exclude(events=1).exists()
    assert not participants.exclude(status="engaged").exclude(events=2).exists()
    # The last event is the current status; a closed participant's is the closing itself.
    mismatched = [
        p
        for p in Participant.objects.filter(status="closed")[:50]
        if ParticipantStatusEvent.objects.filter(participant=p).last().at != p.closed_at
    ]
    assert mismatched == []


def test_national_seed_partner_users_refer_and_see_their_dashboard(db):
    national.seed(teams=TEAMS, stdout=io.StringIO())
    team = Team.objects.get(name=national.MARKER)
    nav_user = User.objects.get(username="nasj-nav-0001")
    (nav,) = team.partner_organisations.filter(kind="nav")
    assert Membership.objects.filter(
        user=nav_user, role=Membership.Role.PARTNER, organisation=nav
    ).exists()
    assert set(team.partner_organisations.values_list("kind", flat=True)) == {"nav", "dps", "ara"}
    for username in ("nasj-dps-0001", "nasj-ara-0001", "nasj-revisor-0001"):
        assert User.objects.filter(username=username).exists()
    assert (
        Membership.objects.filter(
            user__username="nasj-revisor-0001", role=Membership.Role.AUDITOR
        ).count()
        == TEAMS
    )
    # Every referral was submitted by a partner user of the organisation it came from, and its
    # receipt is on record.
    referrals = Referral.objects.filter(team=team)
    assert referrals.filter(source_organisation=nav, submitted_by=nav_user).count() == (
        national.REFERRALS_PER_TEAM // 2
    )
    assert not referrals.exclude(
        submitted_by__memberships__organisation=F("source_organisation")
    ).exists()
    assert (
        ReferralEvent.objects.filter(referral__team=team, to_status="received", by=nav_user).count()
        == national.REFERRALS_PER_TEAM // 2
    )

    client = Client()
    client.force_login(nav_user)
    response = client.get(reverse("dashboards:partner"))
    assert response.status_code == 200
    assert team.name in response.content.decode()

    auditor = Client()
    auditor.force_login(User.objects.get(username="nasj-revisor-0001"))
    review = Review.objects.get(team=team, kind="external")
    response = auditor.get(review.get_absolute_url())
    assert response.status_code == 200
    assert review.period in response.content.decode()
