"""Access expectations for the fidelity pages (see tests/access_matrix.py).

Reviews are visible to the team's leader and its auditor; job specialists and partners have no
review pages (403 on pages without an object, 404 for a review of a team they can't see)."""

import datetime as dt

from fidelity.models import QualityAction, ReviewExport
from tests.access_matrix import Expect, login_required, post_only
from tests.fidelity.factories import make_review


def _review(world):
    return world.once("fidelity_review", lambda: make_review(world))


def _review_kwargs(world):
    return {"pk": _review(world).pk}


def _item_kwargs(world):
    review = _review(world)
    return {"pk": review.pk, "item_pk": review.scores.first().item_id}


def _export_kwargs(world):
    export = world.once(
        "fidelity_export",
        lambda: ReviewExport.objects.create(
            requested_by=world.auditor, period="2026-H1", review_ids=[_review(world).pk]
        ),
    )
    return {"pk": export.pk}


def _reviewers_pages(**extra) -> Expect:
    return Expect(
        statuses=login_required(
            specialist=403,
            teammate=403,
            other_specialist=403,
            partner=403,
            leader=200,
            auditor=200,
            coordinator=403,
            **extra,
        )
    )


def _review_pages(kwargs) -> Expect:
    return Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=200,
            auditor=200,
            coordinator=404,
        ),
        kwargs=kwargs,
    )


def _only(*roles_ok: str, query: str = "") -> Expect:
    others = ("specialist", "teammate", "other_specialist", "leader", "partner", "auditor")
    return Expect(
        statuses=login_required(
            **{role: (200 if role in roles_ok else 403) for role in (*others, "coordinator")}
        ),
        query=query,
    )


def _final_review(world):
    return world.once(
        "fidelity_final_review",
        lambda: make_review(world, period="2025-H2", scores=3, status="final"),
    )


def _final_review_kwargs(world):
    return {"pk": _final_review(world).pk}


def _two_reviewer_review(world):
    return world.once(
        "fidelity_two_reviewer_review",
        lambda: make_review(
            world, period="2026-H1", kind="self", reviewers=[world.auditor, world.leader]
        ),
    )


def _quality_action_kwargs(world):
    review = _final_review(world)
    score = review.scores.first()
    score.recommendation = "Fast ukemøte med NAV-veileder."
    score.save()
    action = world.once(
        "fidelity_quality_action",
        lambda: QualityAction.objects.create(
            team=world.team,
            recommendation=score,
            action="Avtal ukemøte",
            responsible="Lise Leder",
            target_date=dt.date(2026, 9, 1),
            created_by=world.leader,
        ),
    )
    return {"pk": review.pk, "action_pk": action.pk}


EXPECTATIONS = {
    "fidelity:review_list": _reviewers_pages(),
    "fidelity:review_create": _reviewers_pages(),
    "fidelity:review_detail": _review_pages(_review_kwargs),
    "fidelity:review_pdf": _review_pages(_review_kwargs),
    "fidelity:item_score": post_only(_item_kwargs),
    "fidelity:review_status": post_only(_review_kwargs),
    "fidelity:review_reopen": post_only(_review_kwargs),
    "fidelity:sample_draw": post_only(_review_kwargs),
    "fidelity:export_start": post_only(),
    "fidelity:reviewer_score": post_only(_item_kwargs),
    "fidelity:reviewer_submit": post_only(_review_kwargs),
    "fidelity:consensus_adopt": post_only(_review_kwargs),
    "fidelity:quality_action_status": post_only(_quality_action_kwargs),
    # Side by side: only for a review with two reviewers, and for those who run it.
    "fidelity:review_compare": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=200,
            auditor=200,
            coordinator=404,
        ),
        kwargs=lambda world: {"pk": _two_reviewer_review(world).pk},
    ),
    # Interview and observation notes: the reviewers; the team's leader only once final.
    "fidelity:review_notes": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=403,
            auditor=200,
            coordinator=404,
        ),
        kwargs=_review_kwargs,
    ),
    # The worksheet names the sampled people: the reviewers only.
    "fidelity:review_worksheet": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=403,
            auditor=200,
            coordinator=404,
        ),
        kwargs=_review_kwargs,
    ),
    "fidelity:review_report": _review_pages(_review_kwargs),
    "fidelity:quality_plan": _review_pages(_final_review_kwargs),
    # An export belongs to the person who asked for it; nobody else can see it.
    "fidelity:export_detail": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=404,
            auditor=200,
            coordinator=404,
        ),
        kwargs=_export_kwargs,
    ),
    # Not finished yet: 404 for its owner too (nothing to download).
    "fidelity:export_download": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            partner=404,
            leader=404,
            auditor=404,
            coordinator=404,
        ),
        kwargs=_export_kwargs,
    ),
    # The leader's own field-mentoring log; nobody else has one (auditors see counts only, on
    # the review's supervision item).
    "fidelity:mentoring_log": _only("leader"),
    # Across teams: the regional coordinator / grant giver only; aggregates, no participant.
    "fidelity:across_teams": _only("coordinator"),
    "fidelity:across_teams_csv": _only("coordinator", query="?table=teams"),
    "fidelity:across_teams_pdf": _only("coordinator"),
}
