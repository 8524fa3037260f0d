from fidelity.models import Review
from ips.demo import small
from tests.fidelity.factories import ensure_scales


def test_demo_data_has_one_review_per_team(db):
    ensure_scales()
    assert small.seed()
    reviews = {r.team.name: r for r in Review.objects.select_related("team")}
    assert set(reviews) == {"IPS Lovisenberg DPS", "IPS ARA Oslo"}
    assert reviews["IPS Lovisenberg DPS"].status == "final"
    assert not reviews["IPS Lovisenberg DPS"].scores.filter(score__isnull=True).exists()
    assert reviews["IPS ARA Oslo"].status == "scoring"
