"""One person, every role, one browser: the whole IPS pathway end to end (issue 10).

NAV refers Tove → the deadline scan flags the waiting referral → the leader assigns her →
the job specialist meets her, profiles, plans, logs contacts and an employer visit, registers a
job → the scan resolves the intake alerts and flags the missing job follow-up → the specialist
follows up and the alert clears → the team dashboard counts her → the auditor scores the team's
fidelity review and downloads the PDF.

Time: the browser can only act "today", so two things are placed in the past on purpose.
- The referral is moved back 14 days after the partner sends it (a partner cannot send one in
  the past), so the one-week rule has been broken when the scan runs.
- The specialist types last week's dates for the meeting, the contacts and the job start (the
  forms allow past dates), so that four days have passed since the job start without a
  follow-up when the scan runs.
The deadline scan is the system's own step: the test calls the engine in-process, as the
Celery beat task would.
"""

import datetime as dt
import io
import re

import pytest
from django.db.models import F
from playwright.sync_api import expect
from pypdf import PdfReader

from deadlines.engine import scan
from ips.dates import oslo_today
from ips.periods import half_year_code
from referrals.models import Referral, ReferralEvent
from tests.conftest import ARTIFACTS, browser_login, screenshot
from tests.factories import valid_national_id
from tests.fidelity.factories import ensure_scales

PERSON = "Tove Testperson"
# Typed by the specialist into the vocational profile: health details that must never reach
# the referring partner.
DIAGNOSIS = "Bipolar lidelse type 2, stabil"
WARNING_SIGNS = "Sover dårlig og trekker seg unna"
HEALTH_TEXTS = (DIAGNOSIS, WARNING_SIGNS)

# Days ago, counted from the day the test runs.
RECEIVED = 14
FIRST_MEETING = 6  # 8 days after receipt: one day late
CV_SESSION = 5
EMPLOYER_VISIT = 5
JOB_START = 4  # the follow-up was due after 3 days


def _day(days_ago: int) -> dt.date:
    return oslo_today() - dt.timedelta(days=days_ago)


def _iso(days_ago: int) -> str:
    return _day(days_ago).isoformat()


def _shown(days_ago: int) -> str:
    return _day(days_ago).strftime("%d.%m.%Y")


def _sign_in_as(page, username: str) -> None:
    if page.get_by_role("button", name="Logg ut").count():
        page.get_by_role("button", name="Logg ut").click()
        page.wait_for_load_state("networkidle")
    browser_login(page, username)


def _nav(page, label: str) -> None:
    menu = page.get_by_role("navigation", name="Hovedmeny")
    link = menu.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        # The entry sits in one of the menu's drop-down groups (ips/navigation.py).
        entry = page.get_by_role("link", name=label, exact=True, include_hidden=True)
        menu.locator(".dropdown").filter(has=entry).get_by_role("button").click()
    link.click()
    page.wait_for_load_state("networkidle")


def _deadline_scan() -> None:
    """The system's step: what the Celery beat task runs every 15 minutes."""
    scan()


def _as_if_sent_days_ago(person_name: str, days: int) -> None:
    """Move the referral's dates and its "received" event back, as if NAV had sent it then."""
    shift = dt.timedelta(days=days)
    referral = Referral.objects.get(person_name=person_name)
    Referral.objects.filter(pk=referral.pk).update(
        referral_date=F("referral_date") - shift,
        date_received=F("date_received") - shift,
        created_at=F("created_at") - shift,
    )
    ReferralEvent.objects.filter(referral=referral).update(at=F("at") - shift)


def _assert_no_health_details(page) -> None:
    html = page.content()
    for text in HEALTH_TEXTS:
        assert text not in html, f"health detail {text!r} shown on {page.url}"


# --- 1. The NAV partner refers --------------------------------------------------------------------


def partner_refers(page) -> None:
    browser_login(page, "partner")
    _nav(page, "Ny henvisning")
    page.get_by_label("Personens navn").fill(PERSON)
    page.get_by_label("Fødselsnummer eller D-nummer").fill(valid_national_id(1010))
    page.get_by_label("Personens telefon").fill("41234567")
    page.get_by_label("Henvisningsdato").fill(_iso(0))
    page.get_by_label("Jobbønsker og anbefalinger om arbeidsmiljø").fill("Vil jobbe i butikk")
    page.get_by_label("Send til IPS-team").select_option(label="IPS Lovisenberg")
    page.get_by_label("Personen har samtykket til å bli henvist til IPS").check()
    page.get_by_label("Dato for samtykket").fill(_iso(0))
    page.get_by_label("Skriftlig (signert)").check()
    screenshot(page, "journey-01-partner-referral-form")
    page.get_by_role("button", name="Send henvisningen").click()
    page.wait_for_url("**/henvisninger/")
    expect(page.get_by_role("row").filter(has_text=PERSON)).to_contain_text("Mottatt")
    screenshot(page, "journey-02-partner-referral-received")


# --- 2. The scan flags the waiting referral; the leader sees it -----------------------------------


def leader_sees_the_intake_alerts(page) -> None:
    _sign_in_as(page, "leder")
    _nav(page, "Varsler")
    rows = page.get_by_role("row").filter(has_text=PERSON)
    expect(rows.filter(has_text="Henvisningen er ikke tildelt")).to_have_count(1)
    expect(rows.filter(has_text="Første møte er ikke holdt")).to_have_count(1)
    screenshot(page, "journey-03-leader-alerts-open")


# --- 3. The leader assigns ------------------------------------------------------------------------


def leader_assigns_to_siri(page) -> None:
    _nav(page, "Inntak")
    row = page.get_by_role("row").filter(has_text=PERSON)
    expect(row).to_contain_text(_shown(RECEIVED))
    expect(row).to_contain_text("Over én uke")
    screenshot(page, "journey-04-leader-intake-queue")
    row.get_by_role("link", name="Tildel").click()
    page.get_by_label("Siri Spesialist").check()
    screenshot(page, "journey-05-leader-assign")
    page.get_by_role("button", name="Tildel", exact=True).click()
    page.wait_for_url("**/henvisninger/inntak/")
    expect(page.get_by_text(f"{PERSON} er tildelt Siri Spesialist.")).to_be_visible()


# --- 4. The job specialist works with Tove --------------------------------------------------------


def specialist_holds_the_first_meeting(page) -> None:
    _sign_in_as(page, "spesialist")
    _nav(page, "Henvisninger")
    page.get_by_role("link", name=PERSON).click()
    page.get_by_role("link", name="Registrer første møte").click()
    page.get_by_label("Dato for første møte").fill(_iso(FIRST_MEETING))
    page.get_by_label("Ute i samfunnet").check()
    page.get_by_label("Kort notat").fill("Kaffe på Grünerløkka, snakket om butikkjobb")
    screenshot(page, "journey-06-specialist-first-meeting")
    page.get_by_role("button", name="Registrer første møte").click()
    expect(page.get_by_text(f"Første møte er registrert. {PERSON} er nå deltaker.")).to_be_visible()
    page.get_by_role("link", name="Gå til deltakeren").click()
    expect(page.get_by_role("heading", name=PERSON, level=1)).to_be_visible()
    expect(page.get_by_text("Status: I oppstart").first).to_be_visible()


def specialist_starts_the_profile(page) -> None:
    page.get_by_role("link", name="Yrkesprofil").click()
    page.get_by_label("Drømmejobb").fill("Butikksjef")
    page.get_by_role("button", name="Lagre arbeidsmål").click()
    expect(page.get_by_text("Arbeidsmål er lagret.")).to_be_visible()
    page.get_by_role("textbox", name="Diagnose", exact=True).fill(DIAGNOSIS)
    page.get_by_label("Hva er de første tegnene på at symptomene blusser opp?").fill(WARNING_SIGNS)
    page.get_by_role("button", name="Lagre diagnose og symptomer").click()
    expect(page.get_by_text("Diagnose og symptomer er lagret.")).to_be_visible()
    screenshot(page, "journey-07-specialist-profile")
    page.get_by_role("link", name=f"Tilbake til {PERSON}").click()


def specialist_adds_a_goal(page) -> None:
    page.get_by_role("link", name="Handlingsplan").click()
    page.get_by_role("textbox", name=re.compile(r"^Delmål")).fill("Søke tre butikkjobber")
    page.get_by_role("button", name="Legg til delmål").click()
    expect(page.get_by_role("rowheader", name="Søke tre butikkjobber")).to_be_visible()
    screenshot(page, "journey-08-specialist-action-plan")
    page.get_by_role("link", name=f"Tilbake til {PERSON}").click()


def specialist_logs_a_contact_in_the_dialog(page) -> None:
    page.get_by_role("button", name="Logg kontakt").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Dato*", exact=True).fill(_iso(CV_SESSION))
    dialog.get_by_label("Notat").fill("Skrev CV sammen på biblioteket")
    dialog.get_by_label("Ute i samfunnet").check()
    dialog.get_by_role("button", name="Lagre").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#timeline")).to_contain_text("Skrev CV sammen på biblioteket")


def specialist_visits_an_employer_for_tove(page, employer_name: str) -> None:
    _nav(page, "Arbeidsgiverregisteret")
    page.get_by_role("link", name=f"Logg kontakt – {employer_name}").click()
    page.get_by_label("Dato*", exact=True).fill(_iso(EMPLOYER_VISIT))
    expect(page.get_by_label("Ansikt til ansikt")).to_be_checked()
    page.get_by_label("Formål").select_option(label="På vegne av en jobbsøker")
    page.get_by_label(PERSON).check()
    page.get_by_label("Resultat").select_option(label="Ansettelse")
    page.get_by_label("Notat").fill("Butikksjefen vil ansette Tove i 20 % stilling")
    screenshot(page, "journey-09-specialist-employer-contact")
    page.get_by_role("button", name="Lagre kontakten").click()
    expect(page.get_by_text("Kontakten er logget.")).to_be_visible()


def specialist_registers_the_job(page, employer_name: str) -> None:
    _nav(page, "Portefølje")
    page.get_by_role("link", name=PERSON).click()
    page.get_by_role("link", name="Registrer jobbstart").click()
    page.get_by_role("combobox", name="Arbeidsgiver").select_option(label=employer_name)
    page.get_by_role("textbox", name="Stilling").fill("Butikkmedarbeider")
    page.get_by_label("Startdato").fill(_iso(JOB_START))
    page.get_by_role("textbox", name="Timer per uke").fill("20")
    page.get_by_role("button", name="Registrer jobbstart").click()
    expect(page.get_by_text("Jobbstarten er registrert.")).to_be_visible()
    expect(page.get_by_text("Status: I arbeid").first).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(f"Butikkmedarbeider, {employer_name}")
    expect(timeline).to_contain_text("Søke tre butikkjobber")
    expect(timeline).to_contain_text(employer_name)  # the employer visit on her behalf
    screenshot(page, "journey-10-specialist-participant-timeline")


# --- 5a. The scan again: intake alerts resolve, the job follow-up is due --------------------------


def specialist_follows_up_the_job_start(page) -> None:
    _nav(page, "Min dag")
    alerts = page.locator("section", has=page.get_by_role("heading", name="Åpne varsler"))
    # Each alert in «Min dag»'s work queue is a list item naming the person.
    expect(
        alerts.get_by_role("listitem").filter(has_text="Ingen oppfølging etter jobbstart")
    ).to_contain_text(PERSON)
    row = page.get_by_role("row").filter(has_text=PERSON)
    expect(row).to_contain_text("I arbeid")
    expect(row).to_contain_text(_shown(CV_SESSION))
    screenshot(page, "journey-11-specialist-my-day-follow-up-due")

    row.get_by_role("link", name="Logg kontakt").click()
    page.get_by_label("På arbeidsplassen").check()
    page.get_by_label("Notat").fill("Første uke i butikken gikk fint")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Kontakten er registrert.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Første uke i butikken gikk fint")


def specialist_sees_a_clear_day(page) -> None:
    _nav(page, "Min dag")
    expect(page.get_by_text("Ingen åpne varsler. Bra!")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=PERSON)).to_contain_text(_shown(0))
    screenshot(page, "journey-12-specialist-my-day-clear")


# --- 5b. The partner sees the status, never the contents ------------------------------------------


def partner_sees_first_meeting_held(page) -> None:
    _sign_in_as(page, "partner")
    _nav(page, "Henvisninger")
    row = page.get_by_role("row").filter(has_text=PERSON)
    expect(row).to_contain_text("Første møte holdt")
    expect(row).to_contain_text(_shown(FIRST_MEETING))
    _assert_no_health_details(page)
    row.get_by_role("link", name=PERSON).click()
    expect(page.get_by_role("heading", name=f"Status for henvisning: {PERSON}")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Første møte holdt")
    _assert_no_health_details(page)
    assert "Butikksjef" not in page.content()  # nor the rest of the profile
    screenshot(page, "journey-15-partner-referral-status")
    _nav(page, "Samarbeid")
    referrals = page.locator("section", has=page.get_by_role("heading", name="Status for deres"))
    expect(referrals.get_by_role("row").filter(has_text=PERSON)).to_contain_text(
        "Første møte holdt"
    )
    _assert_no_health_details(page)
    screenshot(page, "journey-16-partner-dashboard")


# --- 6. The leader: alerts resolved, the team dashboard counts Tove -------------------------------


def leader_sees_the_alerts_resolved(page) -> None:
    _sign_in_as(page, "leder")
    _nav(page, "Varsler")
    expect(page.get_by_text("Ingen varsler. Bra jobbet!")).to_be_visible()
    page.get_by_label("Tilstand").select_option(label="Løst")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.get_by_role("row").filter(has_text=PERSON)
    for title in (
        "Henvisningen er ikke tildelt",
        "Første møte er ikke holdt",
        "Ingen oppfølging etter jobbstart",
    ):
        expect(rows.filter(has_text=title)).to_contain_text("Løst")
    screenshot(page, "journey-13-leader-alerts-resolved")


def _measure(page, key: str):
    return page.locator(f'tr[data-measure="{key}"] td').first


def leader_sees_the_team_dashboard(page) -> None:
    _nav(page, "Teamoversikt")
    caseload = page.get_by_role("row").filter(has_text="Siri Spesialist")
    expect(caseload.get_by_role("cell").first).to_have_text("1")
    expect(page.locator('[data-figure="intake-open"]')).to_have_text("0")
    # The last 30 days, whatever the quarter: Tove's referral and job fall inside.
    page.get_by_label("Periode*", exact=True).select_option(label="Egendefinert")
    page.get_by_label("Fra dato").fill(_iso(30))
    page.get_by_label("Til dato").fill(_iso(0))
    page.get_by_role("button", name="Vis periode").click()
    page.wait_for_load_state("networkidle")
    expect(_measure(page, "active")).to_have_text("1")
    expect(_measure(page, "working")).to_have_text("1")
    expect(_measure(page, "job_starts")).to_have_text("1")
    expect(_measure(page, "referrals")).to_have_text("1")
    expect(_measure(page, "days_to_first_meeting")).to_have_text("8 dager (n = 1)")
    expect(_measure(page, "days_to_employer_contact")).to_have_text("1 dag (n = 1)")
    expect(_measure(page, "days_to_first_job")).to_have_text("2 dager (n = 1)")
    expect(page.get_by_text("Ingen åpne varsler.")).to_be_visible()
    screenshot(page, "journey-14-leader-team-dashboard")


# --- 7. The auditor reviews the team and exports the PDF ------------------------------------------


def auditor_scores_and_downloads_the_review(page) -> bytes:
    _sign_in_as(page, "revisor")
    period = half_year_code(oslo_today())
    _nav(page, "Kvalitetsmåling")
    page.get_by_role("link", name="Ny måling").click()
    page.get_by_label("Periode").fill(period)
    page.get_by_label("Besøk fra").fill(_iso(0))
    page.get_by_label("Besøk til").fill(_iso(0))
    page.get_by_role("button", name="Opprett måling").click()
    expect(
        page.get_by_role("heading", name=f"Kvalitetsmåling IPS Lovisenberg {period}")
    ).to_be_visible()
    page.get_by_role("button", name="Start skåring").click()
    expect(page.get_by_text("Status er endret.")).to_be_visible()

    # Item 1, caseload size, is suggested from the records: Tove is Siri's only participant.
    item = page.locator("#item-1")
    indicator = item.get_by_test_id("indicator")
    expect(indicator).to_contain_text("Høyeste portefølje per årsverk: 1")
    expect(indicator).to_contain_text("Forslag: 5")
    item.locator('input[type="radio"][value="5"]').check()
    item.get_by_label("Begrunnelse").fill("Tove møtte Siri i samfunnet og fikk jobb på 8 dager")
    item.get_by_role("button", name=re.compile(r"^Lagre punkt")).click()
    item.get_by_role("status").wait_for()
    # One item of 25 scored: a provisional sum, not a result.
    expect(page.get_by_test_id("review-progress")).to_contain_text("1 av 25 punkter skåret")
    expect(page.get_by_test_id("review-total")).to_contain_text("Foreløpig sum: 5")
    screenshot(page, "journey-17-auditor-review")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned PDF (norsk)").click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "journey-fidelity-review.pdf"
    download_info.value.save_as(pdf_path)
    return pdf_path.read_bytes()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_one_person_through_every_role(world, page):
    ensure_scales()  # a transactional test flushed the data migration's fidelity scales
    employer_name = world.employer.name

    # 1. NAV sends the referral; it then waits two weeks in the queue.
    partner_refers(page)
    _as_if_sent_days_ago(PERSON, RECEIVED)

    # 2. The scan opens the intake alerts; the leader sees them.
    _deadline_scan()
    leader_sees_the_intake_alerts(page)

    # 3. The leader assigns Tove to Siri.
    leader_assigns_to_siri(page)

    # 4. Siri's work with Tove.
    specialist_holds_the_first_meeting(page)
    specialist_starts_the_profile(page)
    specialist_adds_a_goal(page)
    specialist_logs_a_contact_in_the_dialog(page)
    specialist_visits_an_employer_for_tove(page, employer_name)
    specialist_registers_the_job(page, employer_name)

    # 5. The scan resolves the intake alerts and flags the job follow-up; Siri follows up and
    #    the next scan clears it.
    _deadline_scan()
    specialist_follows_up_the_job_start(page)
    _deadline_scan()
    specialist_sees_a_clear_day(page)

    # The partner: "first meeting held", and nothing of what Siri wrote about Tove's health.
    partner_sees_first_meeting_held(page)

    # 6. The leader: every alert resolved, Tove on the team dashboard.
    leader_sees_the_alerts_resolved(page)
    leader_sees_the_team_dashboard(page)

    # 7. The auditor's review of the team, as a PDF.
    pdf = auditor_scores_and_downloads_the_review(page)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "IPS Lovisenberg" in text
    assert "Tove møtte Siri i samfunnet" in text
    assert "UTKAST" in text  # the review is not final
