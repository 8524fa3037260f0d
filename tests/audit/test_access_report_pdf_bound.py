"""Issue 17, item 2: the person's access report as a PDF stays short however many events there
are: per day when that fits `PDF_LINES` lines, else per month, else one line per person and
kind of access for the whole period (bench/access_report.py times it at 100,000 events)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ips.audit import pdf as audit_pdf
from ips.audit import selectors
from ips.audit.models import AccessEvent
from tests.audit.test_access_report import events, pdf_text

pytestmark = pytest.mark.django_db

What = AccessEvent.What


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _seed(world):
    """Kåre on five days of March 2026 and one day of April: six day lines, two month lines,
    one line for the whole period."""
    for d in range(2, 7):
        events(world.teammate, world.participant, What.CASELOAD, 3, at=_at(dt.date(2026, 3, d)))
    events(world.teammate, world.participant, What.CASELOAD, 2, at=_at(dt.date(2026, 4, 10), 9))


def _pdf(world, monkeypatch, max_lines: int, language: str = "nb") -> str:
    monkeypatch.setattr("ips.audit.views.PDF_LINES", max_lines)
    client = world.client_for("leader")
    if language != "nb":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("audit:participant_report_pdf", args=[world.participant.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_plan_takes_the_finest_grouping_that_fits(world):
    _seed(world)
    plan = selectors.participant_access_pdf_plan
    assert (plan(participant=world.participant, max_lines=6).level, 6) == ("day", 6)
    assert plan(participant=world.participant, max_lines=5).level == "month"
    month = plan(participant=world.participant, max_lines=5)
    assert month.lines == 2
    period = plan(participant=world.participant, max_lines=1)
    assert (period.level, period.lines) == ("period", 1)


def test_pdf_per_day_when_it_fits(world, monkeypatch):
    _seed(world)
    text = _pdf(world, monkeypatch, max_lines=300)
    assert text.count("Kåre Kollega") == 6
    assert "02.03.2026" in text and "Én linje per dag" in text
    assert "registrerte tilganger" not in text


def test_pdf_per_month_when_the_days_do_not_fit(world, monkeypatch):
    _seed(world)
    text = _pdf(world, monkeypatch, max_lines=5)
    assert text.count("Kåre Kollega") == 2
    assert "mars 2026" in text and "april 2026" in text
    assert "Én linje per måned" in text
    assert "Loggen har 17 registrerte tilganger." in text
    assert "slått sammen per måned" in text
    # March: first and last time, on five days, fifteen times.
    assert "02.03.2026 12:00 06.03.2026 12:00 5 15" in text


def test_pdf_for_the_whole_period_when_the_months_do_not_fit(world, monkeypatch):
    _seed(world)
    text = _pdf(world, monkeypatch, max_lines=1)
    assert text.count("Kåre Kollega") == 1
    assert "02.03.2026 12:00 10.04.2026 09:00 6 17" in text
    assert "for hele perioden" in text


def test_month_pdf_in_english_has_no_norwegian_word(world, monkeypatch):
    _seed(world)
    text = _pdf(world, monkeypatch, max_lines=5, language="en")
    assert "March 2026" in text and "April 2026" in text
    for word in ("mars", "Måned", "Dager", "Antall", "registrerte", "Portefølje", "Hvem"):
        assert word not in text, word


def test_the_background_pdf_uses_the_same_bounded_grouping(
    world, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from ips.audit.models import AccessReportExport
    from ips.audit.services import access_report_export_build

    settings.FIDELITY_EXPORT_ROOT = tmp_path
    _seed(world)
    monkeypatch.setattr("ips.audit.services.PDF_LINES", 5)
    export = AccessReportExport.objects.create(
        requested_by=world.leader, participant=world.participant, language="nb"
    )
    access_report_export_build(export)
    export.refresh_from_db()
    assert export.lines == 2
    assert "mars 2026" in pdf_text(export.file.read())
    assert audit_pdf.PDF_LINES == 300
