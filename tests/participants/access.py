from participants.models import ActionPlan
from tests.access_matrix import post_only, staff_pages, team_staff
from tests.factories import (
    ActionPlanFactory,
    ContactFactory,
    EducationEpisodeFactory,
    GoalFactory,
    JobFactory,
    PlanReviewFactory,
)


def _pk(w):
    return {"pk": w.participant.pk}


def _plan(w):
    # Other tests call these kwargs more than once for the same world: one plan per person.
    existing = ActionPlan.objects.filter(participant=w.participant).first()
    return existing or ActionPlanFactory(participant=w.participant)


EXPECTATIONS = {
    # Specialists see their own caseload, leaders the team's; partners and auditors have none.
    "participants:caseload": staff_pages(),
    "participants:detail": team_staff(_pk),
    "participants:status_change": team_staff(_pk),
    # Phone, e-mail and address: the own team only (an auditor or partner: not found).
    "participants:contact_details": team_staff(_pk),
    "participants:contact_log": team_staff(_pk),
    "participants:contact_edit": team_staff(
        lambda w: {
            "pk": w.participant.pk,
            "contact_pk": ContactFactory.create(participant=w.participant).pk,
        }
    ),
    "participants:profile": team_staff(_pk),
    "participants:profile_section": post_only(
        lambda w: {"pk": w.participant.pk, "section": "goals"}
    ),
    "participants:work_history_add": team_staff(_pk),
    "participants:support_person_add": team_staff(_pk),
    "participants:plan": team_staff(_pk),
    "participants:plan_pdf": team_staff(_pk),
    "participants:goal_add": team_staff(_pk),
    "participants:goal_edit": team_staff(
        lambda w: {"pk": w.participant.pk, "goal_pk": GoalFactory.create(plan=_plan(w)).pk}
    ),
    "participants:review_add": team_staff(_pk),
    "participants:review_detail": team_staff(
        lambda w: {
            "pk": w.participant.pk,
            "review_pk": PlanReviewFactory.create(plan=_plan(w), reviewed_by=w.specialist).pk,
        }
    ),
    "participants:job_start": team_staff(_pk),
    "participants:job_end": team_staff(
        lambda w: {
            "pk": w.participant.pk,
            "job_pk": JobFactory.create(participant=w.participant, employer=w.employer).pk,
        }
    ),
    "participants:education_start": team_staff(_pk),
    "participants:education_end": team_staff(
        lambda w: {
            "pk": w.participant.pk,
            "education_pk": EducationEpisodeFactory.create(participant=w.participant).pk,
        }
    ),
}
