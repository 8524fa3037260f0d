import datetime as dt
import random

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from fidelity.models import ItemScore, Review, ReviewerSubmission, ReviewEvent, SampledRecord
from fidelity.services import (
    item_score_save,
    review_change_status,
    review_create,
    review_reopen,
    sample_draw,
)
from ips.access import forget_scope
from ips.audit.history import history_entries
from participants.models import Participant
from participants.selectors import participants_for
from tests.factories import ParticipantFactory
from tests.fidelity.factories import make_review


def test_create_sets_period_dates_and_one_empty_score_per_item(world, fidelity_scales):
    review = review_create(
        by=world.auditor,
        team=world.team,
        period="2026-q3",
        kind="external",
        reviewers=[world.auditor],
    )
    assert (review.period, review.period_start, review.period_end) == (
        "2026-Q3",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )
    assert review.scale.code == "IPS-25"
    assert review.scores.count() == 25
    assert not review.scores.filter(score__isnull=False).exists()
    assert ReviewEvent.objects.filter(review=review, to_status="draft").count() == 1


def test_half_year_period(world):
    review = make_review(world, period="2026-H2")
    assert (review.period_start, review.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("period", ["2026", "2026-H3", "26-H1", "2026-Q5", ""])
def test_create_refuses_a_malformed_period(world, fidelity_scales, period):
    with pytest.raises(ValidationError) as exc:
        review_create(
            by=world.auditor,
            team=world.team,
            period=period,
            kind="self",
            reviewers=[world.auditor],
        )
    assert "period" in exc.value.error_dict
    assert not Review.objects.exists()


def test_create_refuses_a_team_outside_the_users_review_teams(world):
    with pytest.raises(PermissionDenied):
        review_create(
            by=world.auditor,
            team=world.other_team,
            period="2026-H1",
            kind="external",
            reviewers=[world.auditor],
        )
    with pytest.raises(PermissionDenied):
        review_create(
            by=world.specialist,
            team=world.team,
            period="2026-H1",
            kind="self",
            reviewers=[world.specialist],
        )


def test_create_refuses_reviewers_from_outside_the_team(world, fidelity_scales):
    with pytest.raises(ValidationError) as exc:
        review_create(
            by=world.auditor,
            team=world.team,
            period="2026-H1",
            kind="external",
            reviewers=[world.other_specialist],
        )
    assert "reviewers" in exc.value.error_dict


def test_create_refuses_a_second_review_of_the_same_kind_and_period(world):
    make_review(world)
    with pytest.raises(ValidationError):
        make_review(world)


def test_score_save_keeps_texts_and_refuses_out_of_range(world):
    review = make_review(world)
    row = review.scores.first()
    item_score_save(
        by=world.auditor,
        item_score=row,
        score=4,
        rationale=" Godt ",
        data_sources="Intervju",
        recommendation="Fortsett",
    )
    row.refresh_from_db()
    assert (row.score, row.rationale, row.data_sources, row.recommendation) == (
        4,
        "Godt",
        "Intervju",
        "Fortsett",
    )
    with pytest.raises(ValidationError):
        item_score_save(by=world.auditor, item_score=row, score=6)
    row.refresh_from_db()
    assert row.score == 4


def test_someone_who_is_not_a_reviewer_cannot_score_an_external_review(world):
    review = make_review(world)
    with pytest.raises(PermissionDenied):
        item_score_save(by=world.leader, item_score=review.scores.first(), score=3)


def test_leader_may_score_the_teams_self_assessment(world):
    review = make_review(world, kind="self", by=world.leader)
    item_score_save(by=world.leader, item_score=review.scores.first(), score=3)


def test_final_review_is_locked(world):
    review = make_review(world, scores=3)
    review_change_status(by=world.auditor, review=review, to_status="scoring")
    review = review_change_status(by=world.auditor, review=review, to_status="final")
    assert review.finalised_at is not None
    row = review.scores.first()
    with pytest.raises(ValidationError, match="endelig"):
        item_score_save(by=world.auditor, item_score=row, score=5)
    assert ItemScore.objects.get(pk=row.pk).score == 3
    with pytest.raises(ValidationError):
        review_change_status(by=world.auditor, review=review, to_status="draft")


def test_finalising_needs_every_item_scored(world):
    review = make_review(world, status="scoring")
    with pytest.raises(ValidationError, match="25 mangler"):
        review_change_status(by=world.auditor, review=review, to_status="final")
    assert Review.objects.get(pk=review.pk).status == "scoring"


def test_draft_cannot_jump_to_final(world):
    review = make_review(world, scores=3)
    with pytest.raises(ValidationError):
        review_change_status(by=world.auditor, review=review, to_status="final")


def test_reopening_needs_a_reason_and_is_recorded(world):
    review = make_review(world, scores=3, status="final")
    with pytest.raises(ValidationError):
        review_reopen(by=world.auditor, review=review, reason="  ")
    assert Review.objects.get(pk=review.pk).status == "final"
    review_reopen(by=world.auditor, review=review, reason="Feil skår på S1")
    review.refresh_from_db()
    assert review.status == "scoring"
    event = review.events.last()
    assert (event.from_status, event.to_status, event.reason, event.by) == (
        "final",
        "scoring",
        "Feil skår på S1",
        world.auditor,
    )
    item_score_save(by=world.auditor, item_score=review.scores.first(), score=5)


def _team_participants(world, n, **kwargs):
    return [
        ParticipantFactory(team=world.team, job_specialist=world.specialist, **kwargs)
        for _ in range(n)
    ]


def test_sample_draws_ten_active_participants_of_the_team_and_opens_them_to_the_auditor(world):
    active = _team_participants(world, 14)
    # On a pause since before the period: not served in it, so never drawn.
    _team_participants(world, 3, status=Participant.Status.INACTIVE, entry_date=dt.date(2026, 1, 5))
    ParticipantFactory(team=world.other_team, job_specialist=world.other_specialist)
    review = make_review(world, period="2026-H2")
    assert not participants_for(world.auditor).exists()

    records = sample_draw(by=world.auditor, review=review, rng=random.Random(1))

    drawn = {r.participant_id for r in records}
    assert len(drawn) == 10 and drawn <= {p.pk for p in active}
    forget_scope(world.auditor)
    assert set(participants_for(world.auditor).values_list("pk", flat=True)) == drawn
    review.refresh_from_db()
    assert review.sample_access_until >= review.visit_end + dt.timedelta(days=30)
    # The leader's view of the team is unchanged; the auditor sees no health details.
    assert participants_for(world.leader).count() == 17


def test_sample_access_stops_after_the_window(world):
    _team_participants(world, 4)
    review = make_review(world, period="2026-H2")
    sample_draw(by=world.auditor, review=review)
    review.refresh_from_db()
    assert participants_for(world.auditor).count() == 4
    with time_machine.travel(review.sample_access_until + dt.timedelta(days=1), tick=False):
        forget_scope(world.auditor)
        assert not participants_for(world.auditor).exists()


def test_sample_access_stops_when_the_review_is_final(world):
    _team_participants(world, 2)
    review = make_review(world, period="2026-H2", scores=3)
    sample_draw(by=world.auditor, review=review)
    Review.objects.filter(pk=review.pk).update(status="final")
    forget_scope(world.auditor)
    assert not participants_for(world.auditor).exists()


def test_sample_is_drawn_once(world):
    _team_participants(world, 2)
    review = make_review(world, period="2026-H2")
    sample_draw(by=world.auditor, review=review)
    with pytest.raises(ValidationError, match="allerede"):
        sample_draw(by=world.auditor, review=review)
    assert SampledRecord.objects.count() == 2


def test_each_score_names_its_own_reviewer_in_the_history(world):
    review = make_review(
        world, kind="self", by=world.leader, reviewers=[world.leader, world.auditor]
    )
    row = review.scores.first()
    # Two reviewers set the consensus once both have handed in their own scores.
    for reviewer in (world.leader, world.auditor):
        ReviewerSubmission.objects.create(review=review, reviewer=reviewer)
    item_score_save(by=world.auditor, item_score=row, score=3)
    item_score_save(by=world.leader, item_score=row, score=4)
    actors = [entry.user for entry in reversed(history_entries(obj=row))]
    assert actors == ["Lise Leder", "Rune Revisor", "Lise Leder"]  # created with the review
    review_change_status(by=world.auditor, review=review, to_status="scoring")
    assert history_entries(obj=review)[0].user == "Rune Revisor"
