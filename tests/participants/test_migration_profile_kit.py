"""The migration from the flattened free-text profile to the kit's questions keeps every answer:
rows written before it (through the models as they were then) read the same afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from participants.models import VocationalProfile
from participants.selectors import PROFILE_SECTION_BY_KEY, profile_previous_answers


def _targets():
    """The state just before the kit migrations (found by name, so a renumbering when other
    branches' migrations are merged first needs no change here), and the latest state of every
    app, where the test database must be left."""
    graph = MigrationExecutor(connection).loader.graph
    names = {name.split("_", 1)[1]: name for app, name in graph.nodes if app == "participants"}
    first = ("participants", names["profile_kit_questions"])
    before = [p for p in graph.node_map[first].parents if p.key[0] == "participants"]
    assert len(before) == 1
    return [before[0].key], graph.leaf_nodes()


OLD_ANSWERS = {
    "dream_job": "Kokk på hotell",
    "education": "Videregående, påbegynt fagbrev",
    "medication": "Abilify 10 mg om morgenen",
    "hygiene_and_clothing": "Dusjer hjemme, mangler arbeidssko",
    "social_skills": "God",
    "interests_and_routine": "Fotball, står opp kl. 9",
    "motivation_and_worries": "Vil ha kolleger, redd for tempoet",
    "work_habits": "Mye fravær i forrige jobb",
    "substance_use": "Cannabis i helgene",
    "criminal_record": "Nei",
    "disclosure": "ja.",
    "housing": "Kommunal leilighet",
    "physical_health": 2,
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_free_text_answers_are_kept_after_the_move_to_the_kit_questions(world):
    before, after = _targets()
    try:
        old_apps = _migrate(before)
        OldProfile = old_apps.get_model("participants", "VocationalProfile")
        old = OldProfile.objects.create(participant_id=world.participant.pk, **OLD_ANSWERS)
        # An earlier version in the change history, with text that was later rewritten.
        OldProfile.objects.filter(pk=old.pk).update(work_habits="Lite fravær, men sliten")
        OldProfile.objects.filter(pk=old.pk).update(work_habits=OLD_ANSWERS["work_habits"])
        untouched = OldProfile.objects.create(
            participant_id=world.other_participant.pk, dream_job="Snekker"
        )
    finally:
        _migrate(after)

    profile = VocationalProfile.objects.get(pk=old.pk)
    # Clear answers became the kit's yes/no and rating questions.
    assert profile.has_been_arrested is False
    assert profile.willing_to_disclose is True
    assert profile.social_skills_rating == VocationalProfile.Rating.GOOD
    # The same four steps, now in the kit's words (2 was «Middels»).
    assert profile.get_physical_health_display() == "Akseptabel"
    # Everything else is kept word for word.
    assert profile.previous_answers == {
        "education": OLD_ANSWERS["education"],
        "medication": OLD_ANSWERS["medication"],
        "hygiene_and_clothing": OLD_ANSWERS["hygiene_and_clothing"],
        "interests_and_routine": OLD_ANSWERS["interests_and_routine"],
        "motivation_and_worries": OLD_ANSWERS["motivation_and_worries"],
        "work_habits": OLD_ANSWERS["work_habits"],
        "substance_use": OLD_ANSWERS["substance_use"],
    }
    assert profile.medication == ""  # which medicines and when: now two questions
    assert profile.has_used_substances is None  # free text is not a yes or a no
    assert (profile.dream_job, profile.housing) == ("Kokk på hotell", "Kommunal leilighet")
    assert VocationalProfile.objects.get(pk=untouched.pk).previous_answers == {}

    # The change history keeps each version's own text.
    texts = [h.previous_answers.get("work_habits") for h in profile.history.order_by("pgh_id")]
    assert "Lite fravær, men sliten" in texts

    # The page shows the earlier text under the questions that replaced it.
    section = PROFILE_SECTION_BY_KEY["hygiene"]
    assert profile_previous_answers(profile, section, show_health=True) == [
        OLD_ANSWERS["hygiene_and_clothing"]
    ]
    html = world.client_for("specialist").get(
        reverse("participants:profile", kwargs={"pk": world.participant.pk})
    )
    html = html.content.decode()
    assert "Tidligere fritekst" in html
    for key in profile.previous_answers:
        assert OLD_ANSWERS[key] in html, key
