from fidelity.models import Review
from ips.audit.history import history_entries
from ips.demo import small
from participants.models import Participant
from tests.fidelity.factories import ensure_scales


def test_demo_data_has_one_review_per_team(db):
    ensure_scales()
    assert small.seed()
    reviews = {r.team.name: r for r in Review.objects.select_related("team")}
    assert set(reviews) == {"IPS Lovisenberg DPS", "IPS ARA Oslo"}
    assert reviews["IPS Lovisenberg DPS"].status == "final"
    assert not reviews["IPS Lovisenberg DPS"].scores.filter(score__isnull=True).exists()
    assert reviews["IPS ARA Oslo"].status == "scoring"


def test_demo_history_names_the_seed_and_the_reviewer(db):
    ensure_scales()
    assert small.seed()
    participant = Participant.objects.order_by("pk").first()
    assert history_entries(obj=participant)[-1].user == "System: demo seed"
    review = Review.objects.get(team__name="IPS Lovisenberg DPS")
    assert {entry.user for entry in history_entries(obj=review)} == {"Rune Rød"}
