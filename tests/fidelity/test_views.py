import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fidelity.models import ItemScore, Review, ReviewEvent, ReviewExport
from ips.audit.models import AccessEvent
from tests.factories import ContactFactory, ParticipantFactory
from tests.fidelity.factories import make_review


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def add_participants(world, n):
    for _ in range(n):
        p = ParticipantFactory(team=world.team, job_specialist=world.specialist)
        ContactFactory(participant=p)


def test_list_shows_the_auditors_reviews_with_trend(world, auditor_client):
    make_review(world, period="2025-H1", scores=3, status="final")
    make_review(world, period="2025-H2", scores=4, status="final")
    response = auditor_client.get(reverse("fidelity:review_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "IPS Lovisenberg" in body and "2025-H1: 75 → 2025-H2: 100" in body
    assert "<svg" in body


def test_detail_shows_every_item_with_anchors_and_the_indicator_suggestion(world, auditor_client):
    for _ in range(3):
        ParticipantFactory(team=world.team, job_specialist=world.specialist)
    review = make_review(world, period="2026-H2")
    response = auditor_client.get(review.get_absolute_url())
    body = response.content.decode()
    assert body.count('class="card mb-3" id="item-') == 25
    assert "20 eller færre deltakere per jobbspesialist" in body
    assert "Fra journalene:" in body and "Forslag: 5" in body


@pytest.mark.parametrize("role", ["auditor", "leader"])
def test_detail_query_count_does_not_depend_on_participants(world, role, django_assert_num_queries):
    review = make_review(world, period="2026-H2", scores=3)
    client = world.client_for(role)
    add_participants(world, 2)
    client.get(review.get_absolute_url())  # warm the session/scope caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(review.get_absolute_url()).status_code == 200
    add_participants(world, 25)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(review.get_absolute_url()).status_code == 200


def _score_url(review, number=1):
    item = review.scores.get(item__number=number).item
    return reverse("fidelity:item_score", kwargs={"pk": review.pk, "item_pk": item.pk}), item


def test_htmx_save_of_one_item(world, auditor_client):
    review = make_review(world)
    url, item = _score_url(review)
    prefix = f"item{item.pk}-"
    response = auditor_client.post(
        url,
        {
            prefix + "score": "4",
            prefix + "rationale": "Snitt 22",
            prefix + "data_sources": "Portefølje",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lagret" in body
    # The totals follow the save without a reload (out-of-band swap).
    assert 'id="review-summary"' in body and 'hx-swap-oob="true"' in body
    assert "Foreløpig sum: <strong>4</strong>" in body and "1 av 25 punkter skåret" in body
    row = ItemScore.objects.get(review=review, item=item)
    assert (row.score, row.rationale, row.data_sources) == (4, "Snitt 22", "Portefølje")


@pytest.mark.parametrize("bad", ["0", "6", "x"])
def test_out_of_range_score_is_refused_with_a_message_and_the_text_kept(world, auditor_client, bad):
    review = make_review(world)
    url, item = _score_url(review)
    prefix = f"item{item.pk}-"
    response = auditor_client.post(
        url,
        {prefix + "score": bad, prefix + "rationale": "Skrevet tekst"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Velg en skår fra 1 til 5." in body and "Skrevet tekst" in body
    assert ItemScore.objects.get(review=review, item=item).score is None


def test_scoring_a_final_review_is_refused(world, auditor_client):
    review = make_review(world, scores=3, status="final")
    url, item = _score_url(review)
    response = auditor_client.post(
        url, {f"item{item.pk}-score": "5"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "endelig" in response.content.decode()
    assert ItemScore.objects.get(review=review, item=item).score == 3


def test_leader_cannot_score_an_external_review(world, leader_client):
    review = make_review(world)
    url, item = _score_url(review)
    assert leader_client.post(url, {f"item{item.pk}-score": "5"}).status_code == 403


def test_create_review_through_the_form(world, auditor_client, fidelity_scales):
    response = auditor_client.post(
        reverse("fidelity:review_create"),
        {
            "team": world.team.pk,
            "period": "2026-h1",
            "kind": "external",
            "scale": review_scale_id(),
            "reviewers": [world.auditor.pk],
            "visit_start": "2026-05-04",
            "visit_end": "2026-05-05",
        },
    )
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.period == "2026-H1" and review.scores.count() == 25


def review_scale_id():
    from tests.fidelity.factories import scale

    return scale("IPS-25").pk


def test_create_with_bad_period_keeps_the_input(world, auditor_client):
    response = auditor_client.post(
        reverse("fidelity:review_create"),
        {
            "team": world.team.pk,
            "period": "våren 2026",
            "kind": "external",
            "scale": review_scale_id(),
            "reviewers": [world.auditor.pk],
            "visit_start": "2026-05-06",
            "visit_end": "2026-05-05",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026-H1 eller 2026-Q3" in body and "våren 2026" in body
    assert "Besøket kan ikke slutte før det begynner." in body
    assert not Review.objects.exists()


def test_status_flow_and_reopen_through_the_pages(world, auditor_client):
    review = make_review(world, scores=4)
    status_url = reverse("fidelity:review_status", kwargs={"pk": review.pk})
    auditor_client.post(status_url, {"to_status": "scoring"})
    auditor_client.post(status_url, {"to_status": "final"})
    review.refresh_from_db()
    assert review.status == "final"

    reopen_url = reverse("fidelity:review_reopen", kwargs={"pk": review.pk})
    response = auditor_client.post(reopen_url, {"reason": ""})
    assert response.status_code == 422
    assert Review.objects.get(pk=review.pk).status == "final"
    auditor_client.post(reopen_url, {"reason": "Ny informasjon om NAV-samarbeidet"})
    assert Review.objects.get(pk=review.pk).status == "scoring"
    assert ReviewEvent.objects.filter(review=review, reason__startswith="Ny informasjon").exists()


def test_sample_draw_page_lists_and_logs_the_sample(world, auditor_client):
    add_participants(world, 3)
    review = make_review(world, period="2026-H2")
    auditor_client.post(reverse("fidelity:sample_draw", kwargs={"pk": review.pk}))
    assert review.sample.count() == 3
    before = AccessEvent.objects.count()
    response = auditor_client.get(review.get_absolute_url())
    assert "Journaler til gjennomgang" in response.content.decode()
    assert AccessEvent.objects.count() == before + 3


def test_pdf_has_team_total_band_and_english_names(world, auditor_client):
    review = make_review(world, scores=[5] * 20 + [4] * 5, status="final")
    response = auditor_client.get(reverse("fidelity:review_pdf", kwargs={"pk": review.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "IPS Lovisenberg" in text and "120" in text and "Svært god IPS-kvalitet" in text
    assert "Side 2 av" in text
    english = pdf_text(
        auditor_client.get(
            reverse("fidelity:review_pdf", kwargs={"pk": review.pk}) + "?lang=en"
        ).content
    )
    assert "Exemplary fidelity" in english and "Caseload size" in english
    assert AccessEvent.objects.filter(action="export").count() == 2


def test_pdf_query_count_does_not_depend_on_participants(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fidelity.pdf import review_pdf
    from fidelity.selectors import review_for_page

    review = make_review(world, period="2026-H2", scores=3)
    add_participants(world, 2)
    with CaptureQueriesContext(connection) as small:
        review_pdf(review=review_for_page(Review.objects).get(pk=review.pk))
    add_participants(world, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        review_pdf(review=review_for_page(Review.objects).get(pk=review.pk))


def test_pdf_trend_is_one_query_for_a_draft_and_for_a_final_review(
    world, django_assert_num_queries
):
    from fidelity.selectors import team_trend

    earlier = make_review(world, period="2025-H2", scores=3, status="final")
    current = make_review(world, period="2026-H1", scores=4)
    with django_assert_num_queries(1):
        draft_trend = team_trend(current)
    Review.objects.filter(pk=current.pk).update(status=Review.Status.FINAL)
    with django_assert_num_queries(1):
        final_trend = team_trend(current)
    for trend in (draft_trend, final_trend):
        assert [(r.pk, r.total) for r in trend] == [(earlier.pk, 75), (current.pk, 100)]


def test_period_export_runs_as_a_job_and_gives_a_zip(
    world, auditor_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FIDELITY_EXPORT_ROOT = tmp_path
    make_review(world, scores=4, status="final")
    make_review(world, kind="self", by=world.leader, scores=3)
    make_review(world, period="2025-H2", scores=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = auditor_client.post(
            reverse("fidelity:export_start"), {"period": "2026-H1", "language": "nb"}
        )
    export = ReviewExport.objects.get()
    assert response["Location"] == reverse("fidelity:export_detail", kwargs={"pk": export.pk})
    assert export.status == "done" and export.done_count == 2 and export.percent == 100
    progress = auditor_client.get(
        response["Location"], headers={"HX-Request": "true"}
    ).content.decode()
    assert "100 %" in progress and "Last ned ZIP" in progress and "hx-trigger" not in progress
    download = auditor_client.get(reverse("fidelity:export_download", kwargs={"pk": export.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert "IPS Lovisenberg" in pdf_text(archive.read(names[0]))


def test_export_progress_polls_while_running(world, auditor_client):
    export = ReviewExport.objects.create(
        requested_by=world.auditor,
        period="2026-H1",
        review_ids=[1, 2, 3, 4],
        done_count=1,
        status="running",
    )
    body = auditor_client.get(
        reverse("fidelity:export_detail", kwargs={"pk": export.pk})
    ).content.decode()
    assert 'hx-trigger="every 1s"' in body and "25 %" in body and 'aria-valuenow="25"' in body


def test_list_query_count_is_the_same_for_few_and_many_reviews(world, auditor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_review(world, period="2024-H1", scores=3, status="final")
    auditor_client.get(reverse("fidelity:review_list"))
    with CaptureQueriesContext(connection) as few:
        auditor_client.get(reverse("fidelity:review_list"))
    for period in ("2024-H2", "2025-H1", "2025-H2", "2026-H1", "2026-H2"):
        make_review(world, period=period, scores=4, status="final")
    with CaptureQueriesContext(connection) as many:
        body = auditor_client.get(reverse("fidelity:review_list")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "2024-H1: 75 → 2024-H2: 100" in body


def test_leader_list_shows_only_the_own_team(world, leader_client):
    make_review(world, period="2026-H1", scores=3)
    from tests.factories import make_member

    auditor_b = make_member("auditor", team=world.other_team, username="revisor-b")
    make_review(world, by=auditor_b, team=world.other_team, period="2026-H1")
    body = leader_client.get(reverse("fidelity:review_list")).content.decode()
    assert "IPS Lovisenberg" in body and "IPS Bergen" not in body
