import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from fidelity.models import ItemScore, Review, Scale
from fidelity.scale_loader import SCALES_DIR
from fidelity.selectors import band_for, review_scores, review_summary
from tests.fidelity.factories import make_review, spread


def test_ips25_is_the_default_scale_with_25_items_in_three_sections(fidelity_scales):
    scale = Scale.objects.get(is_default=True)
    assert scale.code == "IPS-25"
    counts = {s.key: s.items.count() for s in scale.sections.all()}
    assert counts == {"staffing": 3, "organization": 8, "services": 14}
    first = scale.items.get(number=1)
    assert first.name_en == "Caseload size" and first.indicator == "caseload"
    assert set(first.anchors_nb) == set(first.anchors_en) == {"1", "2", "3", "4", "5"}


def test_ips15_has_15_items(fidelity_scales):
    assert Scale.objects.get(code="IPS-15").items.count() == 15


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (125, "exemplary"),
        (115, "exemplary"),
        (114, "good"),
        (100, "good"),
        (99, "fair"),
        (74, "fair"),
        (73, "not_supported"),
        (25, "not_supported"),
    ],
)
def test_ips25_total_and_band_at_every_boundary(world, total, band):
    review = make_review(world, scores=spread(total, 25))
    summary = review_summary(review, review_scores(review))
    assert summary.total == total
    assert summary.complete
    assert summary.band["key"] == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (75, "good"),
        (66, "good"),
        (65, "fair"),
        (56, "fair"),
        (55, "not_supported"),
        (15, "not_supported"),
    ],
)
def test_ips15_total_and_band_at_every_boundary(world, total, band):
    review = make_review(world, scale_code="IPS-15", scores=spread(total, 15))
    summary = review_summary(review, review_scores(review))
    assert (summary.total, summary.band["key"]) == (total, band)


def test_section_subtotals_add_up_to_the_total(world):
    review = make_review(world, scores=[5, 5, 5] + [4] * 8 + [3] * 14)
    summary = review_summary(review, review_scores(review))
    assert [(s.section.key, s.total, s.maximum) for s in summary.sections] == [
        ("staffing", 15, 15),
        ("organization", 32, 40),
        ("services", 42, 70),
    ]
    assert summary.total == 89


@pytest.mark.parametrize("bad", [0, 6])
def test_database_refuses_a_score_outside_1_to_5(world, bad):
    review = make_review(world)
    row = review.scores.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemScore.objects.filter(pk=row.pk).update(score=bad)
    row.refresh_from_db()
    assert row.score is None


def test_a_new_scale_version_is_added_as_data_and_old_final_reviews_keep_theirs(world, tmp_path):
    final = make_review(world, scores=4, status=Review.Status.FINAL)
    data = json.loads((SCALES_DIR / "ips25.json").read_text(encoding="utf-8"))
    data["code"], data["version"] = "IPS-25-2030", "2030"
    data["bands"][0]["min"] = 120
    path = tmp_path / "ips25-2030.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("fidelity_load_scale", str(path), stdout=io.StringIO())

    new = Scale.objects.get(is_default=True)
    assert new.code == "IPS-25-2030" and new.items.count() == 25
    final.refresh_from_db()
    assert final.scale.code == "IPS-25"
    assert band_for(final.scale.bands, 115)["key"] == "exemplary"
    assert band_for(new.bands, 115)["key"] == "good"
    # A later review is created on the new default.
    later = make_review(world, period="2026-H2")
    assert later.scale.code == "IPS-25-2030"


def test_loading_a_scale_code_twice_is_refused(fidelity_scales):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="new code"):
        call_command("fidelity_load_scale", str(SCALES_DIR / "ips25.json"), stdout=io.StringIO())
