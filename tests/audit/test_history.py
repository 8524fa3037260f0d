"""'Historikk' on each record: who changed which fields, when; scoped like the record itself."""

import pghistory
import pytest
from django.urls import reverse

from ips.accounts.models import User
from ips.audit.history import history_entries
from ips.audit.models import AccessEvent
from ips.history import acting_as
from participants import services as participant_services
from participants.models import ActionPlan, VocationalProfile
from tests.factories import ActionPlanFactory, JobFactory, VocationalProfileFactory, today


def url(kind, pk):
    return reverse("audit:history", kwargs={"kind": kind, "pk": pk})


def test_participant_history_shows_who_changed_which_field(world):
    participant = world.participant
    with pghistory.context(user=world.teammate.pk, url="/deltakere/1/endre/"):
        participant.phone = "99887766"
        participant.save()
    response = world.client_for("specialist").get(url("deltaker", participant.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kåre Kollega" in html
    assert "99887766" in html
    assert "Opprettet" in html and "Endret" in html
    assert AccessEvent.objects.filter(
        user=world.specialist, participant=participant, what=AccessEvent.What.HISTORY
    ).exists()


@pytest.mark.django_db
def test_history_entries_leave_hidden_health_fields_out(world):
    profile = VocationalProfileFactory(participant=world.participant, diagnosis="F20")
    with pghistory.context(user=world.specialist.pk):
        profile.diagnosis = "F25"
        profile.dream_job = "Snekker"
        profile.save()
    shown = history_entries(obj=profile, hidden_fields=frozenset(VocationalProfile.HEALTH_FIELDS))
    fields = {c.field for e in shown for c in e.changes}
    assert "drømmejobb" in fields
    assert "diagnose" not in fields
    everything = history_entries(obj=profile)
    assert "diagnose" in {c.field for e in everything for c in e.changes}


@pytest.mark.parametrize("kind", ["deltaker", "profil", "plan", "jobb", "henvisning"])
def test_history_of_another_teams_record_is_404(world, kind):
    other = world.other_participant
    objects = {
        "deltaker": lambda: other,
        "profil": lambda: VocationalProfileFactory(participant=other),
        "plan": lambda: ActionPlanFactory(participant=other),
        "jobb": lambda: JobFactory(participant=other),
        "henvisning": lambda: world.other_referral,
    }
    obj = objects[kind]()
    assert world.client_for("specialist").get(url(kind, obj.pk)).status_code == 404
    assert world.client_for("other_specialist").get(url(kind, obj.pk)).status_code == 200


def test_referring_partner_gets_no_referral_history(world):
    assert world.client_for("partner").get(url("henvisning", world.referral.pk)).status_code == 403
    assert world.client_for("leader").get(url("henvisning", world.referral.pk)).status_code == 200


def test_unknown_kind_is_404(world):
    assert world.client_for("leader").get(url("bruker", world.leader.pk)).status_code == 404


def test_record_pages_link_to_their_history(world):
    participant = world.participant
    profile = VocationalProfileFactory(participant=participant)
    plan = ActionPlanFactory(participant=participant)
    job = JobFactory(participant=participant)
    client = world.client_for("specialist")
    pages = {
        reverse("participants:detail", args=[participant.pk]): [
            url("deltaker", participant.pk),
            url("jobb", job.pk),
        ],
        reverse("participants:profile", args=[participant.pk]): [url("profil", profile.pk)],
        reverse("participants:plan", args=[participant.pk]): [url("plan", plan.pk)],
    }
    for page, links in pages.items():
        html = client.get(page).content.decode()
        for link in links:
            assert f'href="{link}"' in html, (page, link)
            assert client.get(link).status_code == 200


def test_only_the_leader_is_offered_the_access_report_on_the_participant_page(world):
    page = reverse("participants:detail", args=[world.participant.pk])
    report = reverse("audit:participant_report", args=[world.participant.pk])
    assert report in world.client_for("leader").get(page).content.decode()
    assert report not in world.client_for("specialist").get(page).content.decode()


# --- Who made the change: the services' `by`, inside a request and outside one ------------------


def _actors(obj) -> list[str]:
    """The name shown for each change of `obj`, oldest first."""
    return [entry.user for entry in reversed(history_entries(obj=obj))]


def _contexts(obj) -> list[dict]:
    rows = obj.history.select_related("pgh_context").order_by("pgh_id")
    return [row.pgh_context.metadata for row in rows]


def test_a_change_outside_any_request_names_its_actor_on_the_history_page(world):
    # As from a Celery task, the shell or an import: no middleware, only the service's `by`.
    plan = participant_services.plan_save(
        participant=world.participant, by=world.teammate, overall_goal="Jobb i butikk"
    )
    assert _actors(plan) == ["Kåre Kollega", "Kåre Kollega"]  # created, then saved
    html = world.client_for("specialist").get(url("plan", plan.pk)).content.decode()
    assert "Kåre Kollega" in html


def test_two_actors_in_sequence_are_each_named_on_their_own_row(world):
    goal = participant_services.goal_add(
        participant=world.participant, by=world.specialist, description="Lage CV"
    )
    participant_services.goal_update(goal=goal, by=world.teammate, description="CV og søknad")
    participant_services.goal_update(goal=goal, by=world.specialist, achieved_date=today())
    assert _actors(goal) == ["Siri Spesialist", "Kåre Kollega", "Siri Spesialist"]


def test_another_actor_inside_a_request_gets_own_rows_and_keeps_the_url(world):
    # One context per request: naming a second person in it must neither rename the rows the
    # signed-in user wrote before nor lose the request's URL.
    path = "/deltakere/1/handlingsplan/"
    with pghistory.context(user=world.specialist.pk, url=path):
        plan = participant_services.plan_save(
            participant=world.participant, by=world.specialist, overall_goal="Jobb i butikk"
        )
        goal = participant_services.goal_add(
            participant=world.participant, by=world.teammate, description="Lage CV"
        )
        participant_services.plan_save(
            participant=world.participant, by=world.specialist, overall_goal="Jobb på lager"
        )
    assert _contexts(plan) == [{"user": world.specialist.pk, "url": path}] * 3
    assert _contexts(goal) == [{"user": world.teammate.pk, "url": path}]
    assert len({row.pgh_context_id for row in plan.history.all()}) == 1


def test_a_service_called_from_a_view_joins_the_requests_context(world, specialist_client):
    path = reverse("participants:plan", args=[world.participant.pk])
    response = specialist_client.post(path, {"overall_goal": "Jobb på lager"})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(participant=world.participant)
    assert _contexts(plan) == [{"user": world.specialist.pk, "url": path}] * 2


def test_a_system_process_is_named_with_its_process(world):
    participant = world.participant
    with acting_as(None, via="deadline scan"):
        participant.phone = "99887766"
        participant.save()
    assert history_entries(obj=participant)[0].user == "System: deadline scan"


def test_acting_as_refuses_an_anonymous_system_or_an_unsaved_user(db):
    with pytest.raises(ValueError, match="names its process"), acting_as(None):
        pass
    with pytest.raises(ValueError, match="saved user"), acting_as(User(username="ny")):
        pass
