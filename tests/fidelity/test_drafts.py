"""A draft is never shown as a result: while items are unscored the review shows how many are
scored and a provisional sum, no band, no comparison with the last final review and no trend
point; its PDF says «UTKAST» on every page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fidelity.pdf import review_pdf_context
from fidelity.selectors import team_trend
from tests.factories import ParticipantFactory
from tests.fidelity.factories import make_review

pytestmark = pytest.mark.django_db

FOURTEEN_SCORED = [4] * 14 + [None] * 11


def test_draft_with_unscored_items_shows_progress_and_provisional_sum_only(world, auditor_client):
    make_review(world, period="2025-H2", scores=5, status="final")
    draft = make_review(world, period="2026-H1", scores=FOURTEEN_SCORED)
    html = auditor_client.get(draft.get_absolute_url()).content.decode()
    assert "14 av 25 punkter skåret" in html
    assert "Foreløpig sum:" in html and "<strong>56</strong>" in html
    assert 'data-testid="review-band"' not in html
    assert "Forrige endelige måling" not in html and "endring" not in html


def test_scoring_the_last_item_brings_band_and_comparison(world, auditor_client):
    make_review(world, period="2025-H2", scores=3, status="final")
    review = make_review(world, period="2026-H1", scores=4)
    html = auditor_client.get(review.get_absolute_url()).content.decode()
    assert 'data-testid="review-band"' in html
    assert "Forrige endelige måling (2025-H2): 75 (endring +25)." in html


def test_draft_has_no_point_in_the_trend(world):
    earlier = make_review(world, period="2025-H2", scores=3, status="final")
    draft = make_review(world, period="2026-H1", scores=FOURTEEN_SCORED)
    assert [r.pk for r in team_trend(draft)] == [earlier.pk]
    context = review_pdf_context(draft)
    assert context["summary"].band is None
    assert [r.pk for r in context["trend"]] == [earlier.pk]


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_draft_pdf_says_utkast_on_every_page_and_no_band(world, auditor_client):
    for _ in range(3):
        ParticipantFactory(team=world.team, job_specialist=world.specialist)
    draft = make_review(world, period="2026-H1", scores=FOURTEEN_SCORED)
    response = auditor_client.get(reverse("fidelity:review_pdf", kwargs={"pk": draft.pk}))
    pages = _pages(response.content)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "UTKAST" in text, f"page {number} of {len(pages)} has no UTKAST"
    text = "\n".join(pages)
    assert "14 av 25 punkter skåret" in text
    assert "Total skår:" not in text  # the levels are listed, but none is given as the result
    assert "Stillingsprosent" in text  # the caseload table of item S1


def test_final_pdf_has_no_utkast(world, auditor_client):
    review = make_review(world, period="2026-H1", scores=4, status="final")
    response = auditor_client.get(reverse("fidelity:review_pdf", kwargs={"pk": review.pk}))
    assert not any("UTKAST" in text for text in _pages(response.content))


def test_review_page_shows_the_caseload_table_and_definitions(world, auditor_client):
    for _ in range(3):
        ParticipantFactory(team=world.team, job_specialist=world.specialist)
    review = make_review(world, period="2026-H2")
    html = auditor_client.get(review.get_absolute_url()).content.decode()
    assert 'data-testid="caseload-per-specialist"' in html
    assert "Siri Spesialist" in html and "Per årsverk" in html
    assert html.count('data-testid="indicator-definition"') >= 10
