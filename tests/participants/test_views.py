import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from employers.models import EmployerContactParticipant
from ips.audit.models import AccessEvent
from participants import services
from participants.models import Contact, Participant, VocationalProfile
from participants.selectors import profile_field_values
from tests.factories import (
    ActionPlanFactory,
    AlertFactory,
    ContactFactory,
    EducationEpisodeFactory,
    EmployerContactFactory,
    EmployerFactory,
    GoalFactory,
    JobFactory,
    ParticipantFactory,
    PlanReviewFactory,
    today,
)
from tests.participants.factories import StatusEventFactory

pytestmark = pytest.mark.django_db


def _caseload(client, query=""):
    return client.get(reverse("participants:caseload") + query)


# --- Caseload ------------------------------------------------------------------------------------


def test_specialist_sees_only_own_caseload_with_contact_days_target_and_alerts(
    world, specialist_client
):
    mine = world.participant
    ContactFactory(participant=mine, contact_date=today() - dt.timedelta(days=4))
    GoalFactory(
        plan=ActionPlanFactory(participant=mine), target_date=today() + dt.timedelta(days=3)
    )
    AlertFactory(team=world.team, subject_id=mine.pk, owner=world.specialist)
    AlertFactory(
        team=world.team,
        subject_id=mine.pk,
        rule="plan_review_due",
        state="resolved",
        resolved_at=dt.datetime.now(dt.UTC),
    )
    ParticipantFactory(team=world.team, job_specialist=world.teammate, name="Kari Kollegas")
    html = _caseload(specialist_client).content.decode()
    assert "Ola Deltaker" in html
    assert "Kari Kollegas" not in html
    assert "4 dager siden" in html
    assert "1 åpent varsel" in html


def test_leader_sees_every_specialists_caseload_and_can_filter_by_specialist(world, leader_client):
    assert world.participant.pk
    ParticipantFactory(team=world.team, job_specialist=world.teammate, name="Kari Kollegas")
    ParticipantFactory(
        team=world.other_team, job_specialist=world.other_specialist, name="Berit Bergen"
    )
    html = _caseload(leader_client).content.decode()
    assert "Ola Deltaker" in html and "Kari Kollegas" in html
    assert "Berit Bergen" not in html
    html = _caseload(leader_client, f"?specialist={world.teammate.pk}").content.decode()
    assert "Kari Kollegas" in html and "Ola Deltaker" not in html


def test_caseload_search_status_filter_and_sort_by_days_since_contact(world, specialist_client):
    a = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Anne Aas")
    b = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Bjørn Berg")
    ParticipantFactory(
        team=world.team, job_specialist=world.specialist, name="Cato Closed", status="closed"
    )
    ContactFactory(participant=a, contact_date=today())
    ContactFactory(participant=b, contact_date=today() - dt.timedelta(days=20))
    html = _caseload(specialist_client).content.decode()
    assert "Cato Closed" not in html  # active ones by default
    assert "Cato Closed" in _caseload(specialist_client, "?status=all").content.decode()
    html = _caseload(specialist_client, "?q=bjørn").content.decode()
    assert "Bjørn Berg" in html and "Anne Aas" not in html
    html = _caseload(specialist_client, "?sort=days").content.decode()
    assert html.index("Bjørn Berg") < html.index("Anne Aas")
    html = _caseload(specialist_client, "?sort=-name").content.decode()
    assert html.index("Bjørn Berg") < html.index("Anne Aas")


def test_caseload_logs_one_access_event_per_shown_row(world, specialist_client):
    for _ in range(3):
        ParticipantFactory(team=world.team, job_specialist=world.specialist)
    _caseload(specialist_client)
    events = AccessEvent.objects.filter(user=world.specialist, what=AccessEvent.What.CASELOAD)
    assert events.count() == 3
    assert all(e.participant_id for e in events)


def _build_caseload(world, n):
    for i in range(n):
        p = ParticipantFactory(team=world.team, job_specialist=world.specialist)
        ContactFactory(participant=p)
        GoalFactory(plan=ActionPlanFactory(participant=p))
        AlertFactory(team=world.team, subject_id=p.pk, owner=world.specialist, rule=f"r{i}")


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_caseload_query_count_does_not_grow_with_the_caseload(world, specialist_client):
    url = reverse("participants:caseload")
    # A new session's first request also saves it (the idle timeout's refresh).
    specialist_client.get(url)
    _build_caseload(world, 3)
    small = _count_queries(specialist_client, url)
    _build_caseload(world, 27)
    large = _count_queries(specialist_client, url)
    print("caseload queries:", small, large)
    assert small == large
    assert small <= 12


def test_leader_caseload_query_count_is_constant(world, leader_client):
    url = reverse("participants:caseload")
    # A new session's first request also saves it (the idle timeout's refresh).
    leader_client.get(url)
    _build_caseload(world, 3)
    small = _count_queries(leader_client, url)
    _build_caseload(world, 27)
    assert _count_queries(leader_client, url) == small


# --- Participant page --------------------------------------------------------------------------------


def _build_record(world, n, start=0):
    p = world.participant
    plan = ActionPlanFactory(participant=p) if not hasattr(p, "action_plan") else p.action_plan
    for i in range(start, start + n):
        ContactFactory(participant=p, note=f"kontakt {i}")
        JobFactory(participant=p, employer=world.employer, title=f"Jobb {i}")
        EducationEpisodeFactory(participant=p)
        GoalFactory(plan=plan)
        PlanReviewFactory(plan=plan, reviewed_by=world.specialist)
        StatusEventFactory(participant=p)
        ec = EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
        EmployerContactParticipant.objects.create(employer_contact=ec, participant=p)
        AlertFactory(team=world.team, subject_id=p.pk, rule=f"r{i}")
    p.refresh_from_db()


def test_participant_page_query_count_does_not_grow_with_the_record(world, specialist_client):
    url = reverse("participants:detail", kwargs={"pk": world.participant.pk})
    # A new session's first request also saves it (the idle timeout's refresh).
    specialist_client.get(url)
    _build_record(world, 5)
    small = _count_queries(specialist_client, url)
    _build_record(world, 45, start=5)
    large = _count_queries(specialist_client, url)
    print("participant page queries:", small, large)
    assert small == large
    assert small <= 25


def test_timeline_shows_everything_newest_first_and_is_bounded(world, specialist_client):
    p = world.participant
    ContactFactory(participant=p, contact_date=today() - dt.timedelta(days=9), note="Gammel prat")
    JobFactory(participant=p, employer=world.employer, title="Kokk", start_date=today())
    ec = EmployerContactFactory(employer=world.employer, job_specialist=world.specialist)
    EmployerContactParticipant.objects.create(employer_contact=ec, participant=p)
    response = specialist_client.get(reverse("participants:detail", kwargs={"pk": p.pk}))
    timeline = response.context["timeline"]
    kinds = [item.kind for item in timeline]
    assert "employer_contact" in kinds and "job_start" in kinds
    assert kinds[-1] == "contact"
    assert [i.on for i in timeline] == sorted((i.on for i in timeline), reverse=True)
    for i in range(105):
        ContactFactory(participant=p, note=f"n{i}")
    response = specialist_client.get(reverse("participants:detail", kwargs={"pk": p.pk}))
    assert len(response.context["timeline"]) == 100
    assert "Vis flere hendelser" in response.content.decode()
    response = specialist_client.get(reverse("participants:detail", kwargs={"pk": p.pk}) + "?vis=2")
    assert len(response.context["timeline"]) > 100


def test_timeline_names_alerts_by_their_rule_title_not_their_code(world, specialist_client):
    AlertFactory(team=world.team, subject_id=world.participant.pk, rule="no_contact_30_days")
    response = specialist_client.get(reverse("participants:detail", args=[world.participant.pk]))
    html = response.content.decode()
    assert "Varsel: Ingen kontakt på 30 dager" in html
    assert "no_contact_30_days" not in html


def test_participant_page_logs_the_read(world):
    client = world.client_for("teammate")
    client.get(reverse("participants:detail", kwargs={"pk": world.participant.pk}))
    event = AccessEvent.objects.get(user=world.teammate)
    assert event.participant_id == world.participant.pk and event.action == "view"


# --- Contact log dialog ------------------------------------------------------------------------------


def test_contact_dialog_get_returns_the_form_partial_with_defaults(world, specialist_client):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    response = specialist_client.get(url + "?fra=caseload", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert f'value="{today().isoformat()}"' in html
    assert 'value="face_to_face" selected' in html or 'value="face_to_face"' in html
    assert "data-autofocus" in html


def test_contact_logged_from_the_caseload_returns_the_updated_row(world, specialist_client):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    response = specialist_client.post(
        url + "?fra=caseload",
        {
            "contact_date": today().isoformat(),
            "with_whom": "participant",
            "mode": "face_to_face",
            "place": "community",
            "duration_minutes": "30",
            "note": "",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.startswith(f'<tr id="row-{world.participant.pk}"')
    assert "i dag</td>" in html
    assert "contactLogged" in response["HX-Trigger"]
    contact = Contact.objects.get()
    assert (contact.logged_by, contact.place) == (world.specialist, "community")


def test_contact_page_opened_from_my_day_posts_a_plain_form(world, specialist_client):
    # "Min dag" links to the form as a page of its own. With the dialog's hx-post, htmx found no
    # #timeline on that page and sent nothing: "Lagre" silently saved nothing.
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    html = specialist_client.get(url).content.decode()
    assert "hx-post" not in html
    assert "data-dialog-close" not in html  # "Avbryt" is a link back, not a dialog button
    assert "Avbryt</a>" in html
    dialog = specialist_client.get(url + "?fra=detail", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-target="#timeline"' in dialog


def test_contact_edit_keeps_history_and_shows_earlier_versions(world, specialist_client):
    c = ContactFactory(participant=world.participant, note="Skrivefeil")
    url = reverse(
        "participants:contact_edit", kwargs={"pk": world.participant.pk, "contact_pk": c.pk}
    )
    response = specialist_client.post(
        url,
        {
            "contact_date": c.contact_date.isoformat(),
            "with_whom": "nav",
            "mode": "phone",
            "place": "office",
            "duration_minutes": "15",
            "note": "Rettet",
        },
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.with_whom, c.note) == ("nav", "Rettet")
    assert "Skrivefeil" in specialist_client.get(url).content.decode()


def test_contact_of_another_participant_is_404(world, specialist_client):
    other = ContactFactory(participant=ParticipantFactory(team=world.team))
    url = reverse(
        "participants:contact_edit", kwargs={"pk": world.participant.pk, "contact_pk": other.pk}
    )
    assert specialist_client.get(url).status_code == 404


# --- Vocational profile --------------------------------------------------------------------------------


def _section_url(world, section):
    return reverse(
        "participants:profile_section", kwargs={"pk": world.participant.pk, "section": section}
    )


def _base_token(client, world, section):
    """The snapshot a section's form carries, as the page renders it now."""
    html = client.get(reverse("participants:profile", kwargs={"pk": world.participant.pk}))
    match = re.search(rf'name="{section}-merge_base" value="([^"]+)"', html.content.decode())
    assert match, f"no form for section {section}"
    return match.group(1)


def test_profile_page_shows_completeness_empty_sections_and_sources(world, specialist_client):
    for section, data in (
        ("goals", {"dream_job": "Kokk"}),
        ("sources", {"sources": ["person", "treatment_team"]}),
    ):
        services.profile_section_save(
            participant=world.participant,
            by=world.specialist,
            section=section,
            base=profile_field_values(None, data),
            data=data,
        )
    url = reverse("participants:profile", kwargs={"pk": world.participant.pk})
    html = specialist_client.get(url).content.decode()
    assert "6 % utfylt" in html  # 1 of 18 sections (the sources do not count)
    assert "Ikke fylt ut ennå" in html and "Bosituasjon og transport" in html
    assert "Personen selv, Behandlingsteamet" in html
    assert "Diagnose" in html


def test_profile_section_save_through_the_page(world, specialist_client):
    response = specialist_client.post(
        _section_url(world, "physical"),
        {
            "physical-hours_per_day": "6,5",
            "physical-merge_base": _base_token(specialist_client, world, "physical"),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#del-physical")
    specialist_client.post(
        _section_url(world, "income"),
        {
            "income-manages_own_money": "True",
            "income-merge_base": _base_token(specialist_client, world, "income"),
        },
    )
    profile = VocationalProfile.objects.get(participant=world.participant)
    assert (str(profile.hours_per_day), profile.manages_own_money) == ("6.5", True)


def test_profile_section_with_bad_input_keeps_what_was_typed_and_saves_nothing(
    world, specialist_client
):
    response = specialist_client.post(
        _section_url(world, "physical"),
        {"physical-days_per_week": "9", "physical-limitations": "Vondt i ryggen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "En uke har sju dager." in html and "Vondt i ryggen" in html
    assert not VocationalProfile.objects.filter(participant=world.participant).exists()


def test_unknown_profile_section_is_404(world, specialist_client):
    assert specialist_client.post(_section_url(world, "nope"), {}).status_code == 404
    assert specialist_client.post(_section_url(world, "work_history"), {}).status_code == 404


def test_status_change_to_job_search_works_with_an_empty_profile(world, specialist_client):
    p = world.participant
    Participant.objects.filter(pk=p.pk).update(status="engaged")
    url = reverse("participants:status_change", kwargs={"pk": p.pk})
    response = specialist_client.post(url, {"status": "job_search", "note": ""})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "job_search"
    assert not VocationalProfile.objects.filter(participant=p).exists()


def test_work_history_and_support_person_are_added_to_the_profile(world, specialist_client):
    pk = world.participant.pk
    specialist_client.post(
        reverse("participants:work_history_add", kwargs={"pk": pk}),
        {"title": "Kokk", "employer_name": "Hotell", "hours_per_week": "30"},
    )
    specialist_client.post(
        reverse("participants:support_person_add", kwargs={"pk": pk}),
        {"name": "Mor", "relation": "mor", "contact_frequency": "hver uke"},
    )
    html = specialist_client.get(
        reverse("participants:profile", kwargs={"pk": pk})
    ).content.decode()
    assert "Hotell" in html and "hver uke" in html


# --- Action plan -----------------------------------------------------------------------------------------


def test_goal_added_from_the_plan_page(world, specialist_client):
    pk = world.participant.pk
    response = specialist_client.post(
        reverse("participants:goal_add", kwargs={"pk": pk}),
        {"goal-description": "Lage CV", "goal-responsible": "Siri"},
    )
    assert response.status_code == 302
    html = specialist_client.get(reverse("participants:plan", kwargs={"pk": pk})).content.decode()
    assert "Lage CV" in html


def test_review_page_shows_the_plan_as_it_was(world, specialist_client):
    p = world.participant
    services.plan_save(participant=p, by=world.specialist, overall_goal="Jobb i barnehage")
    review = services.plan_review_record(
        participant=p, by=world.specialist, reviewed_on=today(), summary="Ok"
    )
    services.plan_save(participant=p, by=world.specialist, overall_goal="Jobb på lager")
    url = reverse("participants:review_detail", kwargs={"pk": p.pk, "review_pk": review.pk})
    assert "Jobb i barnehage" in specialist_client.get(url).content.decode()


def test_plan_pdf_is_a_pdf_with_the_goals_and_logs_an_export(world, specialist_client):
    p = world.participant
    services.plan_save(participant=p, by=world.specialist, overall_goal="Fast jobb i butikk")
    services.goal_add(participant=p, by=world.specialist, description="Besøke tre butikker")
    response = specialist_client.get(reverse("participants:plan_pdf", kwargs={"pk": p.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Besøke tre butikker" in text
    assert "Fast jobb i butikk" in text
    assert "signatur" in text
    assert AccessEvent.objects.filter(participant=p, action="export").count() == 1


# --- Edits are for the participant's own team --------------------------------------------------------


def test_other_team_cannot_post_a_contact(world):
    url = reverse("participants:contact_log", kwargs={"pk": world.participant.pk})
    response = world.client_for("other_specialist").post(url, {"duration_minutes": "30"})
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_action_plan_page_and_pdf_show_who_filled_it_in_and_the_employers_contacted(
    world, specialist_client
):
    p = world.participant
    services.plan_save(participant=p, by=world.teammate, overall_goal="Fast jobb i butikk")
    first = today() - dt.timedelta(days=20)
    for day in (first, today() - dt.timedelta(days=2)):
        ec = EmployerContactFactory(
            team=world.team,
            employer=world.employer,
            job_specialist=world.specialist,
            contact_date=day,
        )
        EmployerContactParticipant.objects.create(employer_contact=ec, participant=p)
    # A contact on someone else's behalf is not this person's.
    other = EmployerContactFactory(
        employer=EmployerFactory(team=world.team, name="Annen Arbeidsgiver AS"),
        job_specialist=world.specialist,
    )
    EmployerContactParticipant.objects.create(
        employer_contact=other, participant=world.other_participant
    )
    html = specialist_client.get(reverse("participants:plan", kwargs={"pk": p.pk})).content
    html = html.decode()
    assert f"Utfylt av Kåre Kollega, {today().strftime('%d.%m.%Y')}" in html
    assert world.employer.name in html and first.strftime("%d.%m.%Y") in html
    assert other.employer.name not in html
    pdf = specialist_client.get(reverse("participants:plan_pdf", kwargs={"pk": p.pk})).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kåre Kollega" in text and "Arbeidsgivere kontaktet" in text
    assert world.employer.name in text and first.strftime("%d.%m.%Y") in text
