"""The person's access report «Hvem har sett opplysningene om deg»: grouped like patients'
access logs, paginated, a bounded PDF (in the background when large), codes shown as labels."""

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ips.audit import pdf as audit_pdf
from ips.audit.models import AccessEvent, AccessReportExport
from ips.audit.tasks import access_report_pdf_run, weekly_unusual_access_report
from tests.factories import ParticipantFactory

What = AccessEvent.What


def events(user, participant, what, n, *, at=None, role="job_specialist", detail=""):
    """n events at `at` (default now), one INSERT … SELECT generate_series like the bench (the
    model's `at` is auto_now_add, and the log is append-only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_accessevent (at, user_id, role, action, participant_id, what,"
            " detail, path) SELECT %s, %s, %s, 'view', %s, %s, %s, '/x/'"
            " FROM generate_series(1, %s)",
            [at or timezone.now(), user.pk, role, participant.pk, what, detail, n],
        )


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def main_text(html: str) -> str:
    """The visible text of the page's <main> (the report, not the menu)."""
    main = re.search(r"<main.*?</main>", html, re.S)
    parser = _Text()
    parser.feed(main.group(0) if main else html)
    return " ".join(" ".join(parser.parts).split())


def report_url(world):
    return reverse("audit:participant_report", args=[world.participant.pk])


def test_one_line_per_day_person_role_and_kind_of_access(world):
    events(world.teammate, world.participant, What.CASELOAD, 40)
    events(world.teammate, world.participant, What.PARTICIPANT_PAGE, 3)
    events(
        world.teammate,
        world.participant,
        What.CASELOAD,
        5,
        at=timezone.now() - dt.timedelta(days=3),
    )
    html = world.client_for("leader").get(report_url(world)).content.decode()
    text = main_text(html)
    assert text.count("Kåre Kollega") == 3  # today: caseload, participant page; 3 days ago
    assert "Portefølje (liste)" in text and "Deltakerside" in text
    assert re.search(r"Portefølje \(liste\) \d\d:\d\d 40", text)
    assert str(world.team.host_organisation) in text or "–" in text


def test_the_organisation_the_user_worked_for_is_recorded_and_shown(world):
    world.client_for("teammate").get(reverse("participants:detail", args=[world.participant.pk]))
    event = AccessEvent.objects.get(user=world.teammate, what=What.PARTICIPANT_PAGE)
    assert event.organisation_id == world.team.host_organisation_id
    text = main_text(world.client_for("leader").get(report_url(world)).content.decode())
    assert world.team.host_organisation.name in text


@pytest.mark.parametrize("days", [3, 80])
def test_report_is_paginated_with_a_fixed_number_of_queries(
    world, django_assert_max_num_queries, days
):
    # One line per Oslo day: at a fixed Oslo clock time on each day, so a summer-time change
    # inside the range cannot put two of them on one day (24 hours back is not always a day).
    today = timezone.localdate()
    earlier = min(timezone.localtime().time(), dt.time(0, 30))
    for d in range(days):
        events(
            world.teammate,
            world.participant,
            What.PARTICIPANT_PAGE,
            2,
            at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=d), earlier)),
        )
    client = world.client_for("leader")
    with django_assert_max_num_queries(14):
        html = client.get(report_url(world)).content.decode()
    # The leader's own earlier reads are lines too; this view is logged after it is read.
    assert main_text(html).count("Kåre Kollega") == min(days, 50)
    if days > 50:
        assert "Side 1 av 2" in html
        page2 = client.get(report_url(world), {"page": 2}).content.decode()
        # The first view is now a line of today's, which moves one of Kåre's to page 2.
        assert main_text(page2).count("Kåre Kollega") == days - 49


NB_FORBIDDEN = [
    "job_specialist",
    "ips_leader",
    "caseload",
    "participant page",
    "participant_page",
    "Participant page",
    "Job specialist",
    "View",
    "Created at",
    "Updated at",
]
EN_FORBIDDEN = [
    "Deltakerside",
    "Jobbspesialist",
    "Portefølje",
    "Lest",
    "Hvem",
    "Organisasjon",
    "Antall",
    "Dato",
    "IPS-leder",
]


def _seed_kinds(world):
    events(world.teammate, world.participant, What.CASELOAD, 4)
    events(world.teammate, world.participant, What.PARTICIPANT_PAGE, 1)
    events(world.leader, world.participant, What.ACTION_PLAN_PDF, 1, role="ips_leader")
    events(world.teammate, world.participant, What.HISTORY, 1, detail="Deltaker")


def test_report_in_norwegian_has_no_code_or_english_word(world):
    _seed_kinds(world)
    text = main_text(world.client_for("leader").get(report_url(world)).content.decode())
    assert "Jobbspesialist" in text and "IPS-leder" in text and "Handlingsplan (PDF)" in text
    assert "Historikk: Deltaker" in text
    for word in NB_FORBIDDEN:
        assert word not in text, word


def test_report_in_english_has_no_code_or_norwegian_word(world):
    _seed_kinds(world)
    client = world.client_for("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = main_text(client.get(report_url(world)).content.decode())
    assert "Job specialist" in text and "Participant page" in text
    for word in EN_FORBIDDEN + ["job_specialist", "caseload", "participant_page"]:
        assert word not in text, word


def test_pdf_in_english_has_no_norwegian_word(world):
    _seed_kinds(world)
    client = world.client_for("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("audit:participant_report_pdf", args=[world.participant.pk]))
    text = pdf_text(response.content)
    assert "Participant page" in text
    for word in ["Deltakerside", "Jobbspesialist", "job_specialist", "Hvem"]:
        assert word not in text, word


def test_leaders_log_search_shows_labels_not_codes(world):
    _seed_kinds(world)
    text = main_text(world.client_for("leader").get(reverse("audit:log")).content.decode())
    assert "Jobbspesialist" in text and "Portefølje (liste)" in text
    assert "job_specialist" not in text and "caseload" not in text


def test_large_pdf_is_made_in_the_background_with_a_progress_page(
    world, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.FIDELITY_EXPORT_ROOT = tmp_path
    monkeypatch.setattr(audit_pdf, "INLINE_LINES", 3)
    monkeypatch.setattr("ips.audit.views.INLINE_LINES", 3)
    now = timezone.now()
    for d in range(5):
        events(
            world.teammate,
            world.participant,
            What.PARTICIPANT_PAGE,
            1,
            at=now - dt.timedelta(days=d),
        )
    scheduled = []
    monkeypatch.setattr(access_report_pdf_run, "delay", scheduled.append)
    client = world.client_for("leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("audit:participant_report_pdf", args=[world.participant.pk]))
    export = AccessReportExport.objects.get(participant=world.participant)
    assert scheduled == [export.pk]
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:participant_report_export", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Venter" in page and 'role="progressbar"' in page and "every 1s" in page

    access_report_pdf_run.apply(args=[export.pk]).get()
    export.refresh_from_db()
    assert export.status == AccessReportExport.Status.DONE and export.percent == 100
    assert export.lines == 5
    page = client.get(response["Location"]).content.decode()
    assert "Last ned PDF" in page and "every 1s" not in page
    download = client.get(reverse("audit:participant_report_export_download", args=[export.pk]))
    body = b"".join(download.streaming_content)
    text = pdf_text(body)
    assert text.count("Kåre Kollega") == 5
    assert AccessEvent.objects.filter(
        user=world.leader, what=What.ACCESS_REPORT_PDF, action=AccessEvent.Action.EXPORT
    ).exists()
    # Another leader's export is not found by this one's colleague.
    assert world.client_for("teammate").get(response["Location"]).status_code == 404


def test_weekly_mail_is_in_norwegian_and_english(world):
    world.leader.email = "leder@example.no"
    world.leader.save()
    other = ParticipantFactory(team=world.team, job_specialist=world.specialist)
    events(world.teammate, other, What.PARTICIPANT_PAGE, 1)
    weekly_unusual_access_report.apply().get()
    message = mail.outbox[0]
    assert "Uvanlig tilgang" in message.subject and "Unusual access" in message.subject
    assert "Tilgangsloggen for" in message.body and "The access log for" in message.body
