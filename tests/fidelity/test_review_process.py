"""The review as reviewers run it: independent scoring, then consensus; notes; the chart-review
worksheet; the report and the team's quality plan."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fidelity.chart_review import worksheet_for
from fidelity.models import (
    ChartCheck,
    ChartReviewAnswer,
    ItemScore,
    QualityAction,
    Review,
    ReviewerScore,
    ReviewNote,
    SampledRecord,
)
from fidelity.services import (
    consensus_adopt_agreed,
    item_score_save,
    quality_action_create,
    review_change_status,
    review_note_create,
    reviewer_score_save,
    reviewer_submit,
    sample_draw,
)
from ips.accounts.models import Membership
from participants.models import VocationalProfile
from tests.factories import (
    ContactFactory,
    EmployerContactFactory,
    EmployerFactory,
    JobFactory,
    ParticipantFactory,
    VocationalProfileFactory,
    make_member,
    today,
)
from tests.fidelity.factories import make_review
from tests.fidelity.test_views import pdf_text

SECRET = "RUNE-EGEN-BEGRUNNELSE"


@pytest.fixture
def second_auditor(world):
    return make_member(
        Membership.Role.AUDITOR,
        team=world.team,
        username="revisor2",
        first_name="Randi",
        last_name="Revisor",
    )


@pytest.fixture
def two_reviewer_review(world, second_auditor):
    return make_review(world, period="2026-H2", reviewers=[world.auditor, second_auditor])


def _items(review):
    return [s.item for s in review.scores.select_related("item").order_by("item__number")]


def score_all(review, reviewer, value=3, marker=""):
    for item in _items(review):
        reviewer_score_save(
            by=reviewer,
            review=review,
            item=item,
            score=value(item) if callable(value) else value,
            rationale=f"{marker}-{item.code}" if marker else "",
        )


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- Independent scoring, then consensus --------------------------------------------------------


def test_second_reviewer_sees_none_of_the_firsts_scores_before_both_handed_in(
    world, two_reviewer_review, second_auditor
):
    review = two_reviewer_review
    score_all(review, world.auditor, 2, marker=SECRET)
    reviewer_submit(by=world.auditor, review=review)
    item = _items(review)[0]
    second = _client(second_auditor)

    pages = {
        "detail": second.get(review.get_absolute_url()),
        "compare": second.get(reverse("fidelity:review_compare", kwargs={"pk": review.pk})),
        "report": second.get(reverse("fidelity:review_report", kwargs={"pk": review.pk})),
        "notes": second.get(reverse("fidelity:review_notes", kwargs={"pk": review.pk})),
        "own fragment": second.post(
            reverse("fidelity:reviewer_score", kwargs={"pk": review.pk, "item_pk": item.pk}),
            {f"own{item.pk}-score": "4", f"own{item.pk}-rationale": "Min egen"},
            headers={"HX-Request": "true"},
        ),
        "consensus fragment": second.post(
            reverse("fidelity:item_score", kwargs={"pk": review.pk, "item_pk": item.pk}),
            {f"item{item.pk}-score": "4"},
            headers={"HX-Request": "true"},
        ),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code in (200, 422), name
        assert SECRET not in body, name
        assert 'data-testid="item-comparison"' not in body, name
    assert "Min egen" in pages["own fragment"].content.decode()
    assert "Konsensus settes når begge målerne har levert" in (
        pages["consensus fragment"].content.decode()
    )
    assert ItemScore.objects.get(review=review, item=item).score is None
    assert "Rune Revisor: <strong>levert</strong>" in pages["detail"].content.decode()
    assert 'data-testid="compare-waiting"' in pages["compare"].content.decode()

    # Once both have handed in, both see both, side by side, the differences highlighted.
    score_all(review, second_auditor, lambda i: 4 if i.number == 1 else 2)
    reviewer_submit(by=second_auditor, review=review)
    compare = second.get(reverse("fidelity:review_compare", kwargs={"pk": review.pk}))
    body = compare.content.decode()
    assert SECRET in body
    assert body.count('data-testid="difference"') == 1
    assert "Målerne skåret ulikt på 1 punkt." in body
    detail = second.get(review.get_absolute_url()).content.decode()
    assert detail.count('data-testid="item-comparison"') == 25
    assert "Målerne skåret ulikt" in detail


def test_the_leader_sees_no_reviewer_scores_before_both_handed_in(
    world, two_reviewer_review, leader_client
):
    score_all(two_reviewer_review, world.auditor, 2, marker=SECRET)
    reviewer_submit(by=world.auditor, review=two_reviewer_review)
    body = leader_client.get(two_reviewer_review.get_absolute_url()).content.decode()
    assert SECRET not in body


def test_consensus_and_finalising_wait_for_both_reviewers(
    world, two_reviewer_review, second_auditor
):
    review = two_reviewer_review
    row = review.scores.first()
    score_all(review, world.auditor, 3)
    reviewer_submit(by=world.auditor, review=review)
    with pytest.raises(ValidationError, match="begge målerne"):
        item_score_save(by=world.auditor, item_score=row, score=3)
    review_change_status(by=world.auditor, review=review, to_status="scoring")
    ItemScore.objects.filter(review=review).update(score=3)
    with pytest.raises(ValidationError, match="Begge målerne må levere"):
        review_change_status(by=world.auditor, review=review, to_status="final")


def test_own_scores_are_locked_once_handed_in_and_need_every_item(
    world, two_reviewer_review, second_auditor
):
    review = two_reviewer_review
    item = _items(review)[0]
    reviewer_score_save(by=world.auditor, review=review, item=item, score=3)
    with pytest.raises(ValidationError, match="24 mangler"):
        reviewer_submit(by=world.auditor, review=review)
    score_all(review, world.auditor, 3)
    reviewer_submit(by=world.auditor, review=review)
    with pytest.raises(ValidationError, match="levert"):
        reviewer_score_save(by=world.auditor, review=review, item=item, score=5)
    assert ReviewerScore.objects.get(review=review, item=item, reviewer=world.auditor).score == 3
    with pytest.raises(PermissionDenied):
        reviewer_score_save(by=world.leader, review=review, item=item, score=5)


def test_agreed_scores_become_the_consensus_and_the_final_review_keeps_everything(
    world, two_reviewer_review, second_auditor
):
    review = two_reviewer_review
    score_all(review, world.auditor, 4, marker="A")
    score_all(review, second_auditor, lambda i: 2 if i.number == 1 else 4, marker="B")
    reviewer_submit(by=world.auditor, review=review)
    reviewer_submit(by=second_auditor, review=review)
    assert consensus_adopt_agreed(by=second_auditor, review=review) == 24
    first = review.scores.get(item__number=1)
    assert first.score is None
    agreed = review.scores.get(item__number=2)
    assert (agreed.score, agreed.rationale) == (4, "A-S2\nB-S2")
    item_score_save(by=world.auditor, item_score=first, score=3, rationale="Enige etter samtale")
    review_change_status(by=world.auditor, review=review, to_status="scoring")
    review_change_status(by=world.auditor, review=review, to_status="final")
    assert ReviewerScore.objects.filter(review=review).count() == 50
    with pytest.raises(ValidationError):
        reviewer_score_save(by=world.auditor, review=review, item=first.item, score=1)
    with pytest.raises(ValidationError):
        item_score_save(by=world.auditor, item_score=first, score=1)


def test_a_review_with_one_reviewer_is_scored_as_before(world, auditor_client):
    review = make_review(world)
    body = auditor_client.get(review.get_absolute_url()).content.decode()
    assert 'data-testid="independent-status"' not in body
    assert 'data-testid="own-score-form"' not in body
    assert body.count("Lagre punkt ") == 25


# --- Notes --------------------------------------------------------------------------------------


def test_notes_are_for_the_reviewers_and_the_leader_once_final(
    world, second_auditor, leader_client
):
    review = make_review(world, period="2026-H2")
    items = _items(review)[:2]
    review_note_create(
        by=world.auditor,
        review=review,
        kind=ReviewNote.Kind.INTERVIEW,
        interviewee=ReviewNote.Interviewee.NAV,
        held_on=dt.date(2026, 11, 2),
        notes="Møtes ukentlig med teamet.",
        items=items,
    )
    url = reverse("fidelity:review_notes", kwargs={"pk": review.pk})
    assert "Møtes ukentlig" in world.client_for("auditor").get(url).content.decode()
    assert "Møtes ukentlig" in (
        world.client_for("auditor").get(review.get_absolute_url()).content.decode()
    )
    # Another auditor of the team who is not on this review, and the leader before it is final.
    assert _client(second_auditor).get(url).status_code == 403
    assert leader_client.get(url).status_code == 403
    assert "Møtes ukentlig" not in leader_client.get(review.get_absolute_url()).content.decode()
    Review.objects.filter(pk=review.pk).update(status="final")
    assert "Møtes ukentlig" in leader_client.get(url).content.decode()
    assert "Møtes ukentlig" in leader_client.get(review.get_absolute_url()).content.decode()
    assert world.client_for("specialist").get(url).status_code == 404


def test_an_interview_note_needs_who_was_interviewed(world, auditor_client):
    review = make_review(world, period="2026-H2")
    item = _items(review)[0]
    url = reverse("fidelity:review_notes", kwargs={"pk": review.pk})
    response = auditor_client.post(
        url,
        {
            "kind": "interview",
            "held_on": "2026-11-02",
            "notes": "Skrevet tekst",
            "items": [item.pk],
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Velg hvem som ble intervjuet." in body and "Skrevet tekst" in body
    assert not ReviewNote.objects.exists()


# --- Chart review -----------------------------------------------------------------------------


def _sampled(world, review, n):
    for i in range(n):
        p = ParticipantFactory(
            team=world.team, job_specialist=world.specialist, name=f"Utvalg {i:02d}"
        )
        ContactFactory(participant=p, contact_date=today() - dt.timedelta(days=5))
    sample_draw(by=world.auditor, review=review, size=n)


def test_worksheet_computes_the_checks_from_the_records(world, auditor_client):
    review = make_review(world, period="2026-H2")
    person = ParticipantFactory(
        team=world.team,
        job_specialist=world.specialist,
        name="Kari Sjekk",
        entry_date=today() - dt.timedelta(days=60),
    )
    VocationalProfileFactory(
        participant=person,
        job_wanted_now="Jobb i varehandel",
        diagnosis="HEMMELIG-DIAGNOSE",
        benefits_counselling_received=True,
    )
    employer = EmployerFactory(team=world.team, industry="Varehandel")
    contact = EmployerContactFactory(
        employer=employer,
        job_specialist=world.specialist,
        contact_date=person.entry_date + dt.timedelta(days=12),
    )
    contact.participants.add(person)
    job = JobFactory(
        participant=person, employer=employer, start_date=today() - dt.timedelta(days=10)
    )
    ContactFactory(participant=person, contact_date=job.start_date + dt.timedelta(days=1))
    SampledRecord.objects.create(review=review, participant=person, drawn_by=world.auditor)

    sheet = worksheet_for(review)
    cells = {c.check: c for c in sheet.rows[0].cells}
    assert cells[ChartCheck.PROFILE].computed == "yes"  # saved today, after the job start
    assert cells[ChartCheck.RAPID_CONTACT].computed == "yes"
    assert cells[ChartCheck.PREFERENCES].computed == "yes"
    assert cells[ChartCheck.BENEFITS].computed == "yes"
    assert cells[ChartCheck.FOLLOW_ALONG].computed == "yes"
    assert cells[ChartCheck.TIME_UNLIMITED].computed == "yes"

    # A profile last saved before the job started was not updated after it.
    VocationalProfile.objects.filter(participant=person).update(
        updated_at=timezone.now() - dt.timedelta(days=20)
    )
    cells = {c.check: c for c in worksheet_for(review).rows[0].cells}
    assert cells[ChartCheck.PROFILE].computed == "no"

    url = reverse("fidelity:review_worksheet", kwargs={"pk": review.pk})
    page = auditor_client.get(url).content.decode()
    assert "Kari Sjekk" in page and "HEMMELIG-DIAGNOSE" not in page and "Varehandel" not in page

    # The reviewer corrects one value; the totals on the item follow the corrected answer.
    record = SampledRecord.objects.get(review=review)
    data = {f"r{record.pk}-{c}": cells[c].computed for c in cells}
    data[f"r{record.pk}-{ChartCheck.PROFILE}"] = "yes"
    assert auditor_client.post(url, data).status_code == 302
    answer = ChartReviewAnswer.objects.get(record=record, check_code=ChartCheck.PROFILE)
    assert (answer.answer, answer.computed) == ("yes", "no")
    detail = auditor_client.get(review.get_absolute_url()).content.decode()
    assert "Yrkesprofil startet og oppdatert etter jobbstart: ja i 1 av 1 journaler" in detail


def _worksheet_queries(world, auditor_client, review):
    url = reverse("fidelity:review_worksheet", kwargs={"pk": review.pk})
    auditor_client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert auditor_client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as sheet_ctx:
        worksheet_for(review)
    return len(ctx.captured_queries), len(sheet_ctx.captured_queries)


def test_worksheet_query_count_is_the_same_for_3_and_30_records(world, auditor_client):
    small = make_review(world, period="2026-H2")
    _sampled(world, small, 3)
    large = make_review(world, period="2026-H2", kind="self")
    large.reviewers.add(world.auditor)
    _sampled(world, large, 30)
    assert SampledRecord.objects.filter(review=large).count() == 30
    small_counts = _worksheet_queries(world, auditor_client, small)
    large_counts = _worksheet_queries(world, auditor_client, large)
    assert small_counts == large_counts
    assert small_counts[1] == 3  # records, their answers, the facts behind every check


# --- Report and quality plan ------------------------------------------------------------------


def _final_with_recommendations(world):
    review = make_review(world, period="2026-H1", scores=3)
    rows = list(review.scores.order_by("item__number"))
    rows[0].recommendation = "Skriv en rutine for møter med NAV."
    rows[2].recommendation = "Færre deltakere per jobbspesialist."
    ItemScore.objects.bulk_update(rows, ["recommendation"])
    Review.objects.filter(pk=review.pk).update(status="final")
    review.refresh_from_db()
    return review, rows


def test_leader_builds_the_quality_plan_and_the_next_review_shows_it(world, leader_client):
    review, rows = _final_with_recommendations(world)
    url = reverse("fidelity:quality_plan", kwargs={"pk": review.pk})
    response = leader_client.post(
        url,
        {
            "recommendation": rows[0].pk,
            f"rec{rows[0].pk}-action": "Ukemøte med NAV",
            f"rec{rows[0].pk}-responsible": "Lise Leder",
            f"rec{rows[0].pk}-target_date": "2026-09-01",
        },
    )
    assert response.status_code == 302
    action = QualityAction.objects.get()
    assert (action.team, action.status) == (world.team, "planned")
    leader_client.post(
        reverse("fidelity:quality_action_status", kwargs={"pk": review.pk, "action_pk": action.pk}),
        {f"a{action.pk}-status": "in_progress"},
    )
    action.refresh_from_db()
    assert action.status == "in_progress"
    # The auditor reads the plan but cannot change it.
    assert world.client_for("auditor").get(url).status_code == 200
    assert (
        world.client_for("auditor")
        .post(url, {"recommendation": rows[2].pk, f"rec{rows[2].pk}-action": "x"})
        .status_code
        == 403
    )

    following = make_review(world, period="2026-H2")
    body = leader_client.get(following.get_absolute_url()).content.decode()
    assert body.count('data-testid="follow-up"') == 2
    assert "Skriv en rutine for møter med NAV." in body and "Pågår" in body
    assert "En skår senkes aldri fordi en anbefaling ikke er fulgt opp" in body


def test_quality_plan_refuses_a_missing_date_and_keeps_what_was_typed(world, leader_client):
    review, rows = _final_with_recommendations(world)
    response = leader_client.post(
        reverse("fidelity:quality_plan", kwargs={"pk": review.pk}),
        {
            "recommendation": rows[0].pk,
            f"rec{rows[0].pk}-action": "Ukemøte med NAV",
            f"rec{rows[0].pk}-responsible": "Lise Leder",
        },
    )
    assert response.status_code == 422
    assert "Ukemøte med NAV" in response.content.decode()
    assert not QualityAction.objects.exists()
    with pytest.raises(PermissionDenied):
        quality_action_create(
            by=world.auditor,
            recommendation=rows[0],
            action="x",
            responsible="y",
            target_date=dt.date(2026, 9, 1),
        )


def test_pdf_has_strengths_recommendations_and_consensus(world, auditor_client, second_auditor):
    review = make_review(world, period="2026-H2", reviewers=[world.auditor, second_auditor])
    score_all(review, world.auditor, 4)
    score_all(review, second_auditor, 4)
    reviewer_submit(by=world.auditor, review=review)
    reviewer_submit(by=second_auditor, review=review)
    consensus_adopt_agreed(by=world.auditor, review=review)
    first = review.scores.get(item__number=1)
    first.recommendation = "Hold porteføljen under 20."
    first.save()
    auditor_client.post(
        reverse("fidelity:review_report", kwargs={"pk": review.pk}),
        {f"strengths-{first.item.section_id}": "Tydelig ansvar for hver deltaker."},
    )
    response = auditor_client.get(reverse("fidelity:review_pdf", kwargs={"pk": review.pk}))
    text = pdf_text(response.content)
    assert "Tydelig ansvar for hver deltaker." in text
    assert "Hold porteføljen under 20." in text
    assert "Konsensus" in text
    assert "Rune Revisor" in text and "Randi Revisor" in text
