"""Two auditors run a fidelity review the way the Fidelity Review Manual describes (issue 20):
each scores every item on their own, then they compare, agree a consensus, write interview notes
linked to items, complete the chart-review worksheet for the sample and finalise; the PDF states
the consensus, strengths, recommendations and both reviewers. The team's leader then turns two
recommendations into quality-plan actions, and the next review shows them beside the items.

The second auditor never sees the first one's scores before handing in their own: every page and
htmx fragment they get before that is checked for the first auditor's rationales.
"""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from fidelity.models import QualityAction, Review, ReviewerScore, ReviewNote
from ips.accounts.models import Membership
from ips.dates import oslo_today
from ips.periods import half_year_code
from tests.a11y.test_axe import blocking_violations
from tests.conftest import ARTIFACTS, _new_context, _new_page, browser_login, screenshot
from tests.factories import (
    ContactFactory,
    ParticipantFactory,
    VocationalProfileFactory,
    make_member,
)
from tests.fidelity.factories import ensure_scales, make_review

FIRST_SECRET = "Rune mener"
DIFFERENT = {1: 3, 2: 2, 14: 3}  # item number -> the first auditor's score where they differ
RECOMMENDATIONS = {
    1: "Hold porteføljen på 20 deltakere per jobbspesialist.",
    2: "La jobbspesialistene bruke all tid på arbeidsrettet oppfølging.",
}
STRENGTHS = "Teamet kjenner deltakernes ønsker godt."


@pytest.fixture
def second_auditor(world):
    """A second auditor on team A (kept out of the shared `world`)."""
    return make_member(
        Membership.Role.AUDITOR,
        team=world.team,
        username="revisor2",
        first_name="Randi",
        last_name="Revisor",
    )


def _next_half_year(code: str) -> str:
    year, half = code.split("-H")
    return f"{int(year) + 1}-H1" if half == "2" else f"{year}-H2"


def _score_own(page, number: int, score: int, rationale: str) -> str:
    card = page.locator(f"#item-{number}")
    card.locator(f'input[type="radio"][value="{score}"]').check()
    card.get_by_label("Min begrunnelse").fill(rationale)
    card.get_by_role("button", name=re.compile(r"^Lagre min skår")).click()
    saved = page.locator(f"#item-{number}")
    saved.get_by_role("status").wait_for()
    return saved.inner_html()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _accessible(page) -> None:
    """axe-core finds nothing serious or critical (WCAG 2.1 A/AA), as for the main pages."""
    problems = blocking_violations(page)
    assert not problems, f"{page.url}: {problems}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_auditors_score_independently_agree_finalise_and_the_leader_plans(
    world, browser, live_server, second_auditor
):
    ensure_scales()
    for n in range(4):
        p = ParticipantFactory(
            team=world.team, job_specialist=world.specialist, name=f"Utvalgt {n} Person"
        )
        ContactFactory(participant=p)
    # Health detail in the records that the worksheet must not show the auditors.
    VocationalProfileFactory(participant=p, diagnosis="SKJULT-DIAGNOSE", medication="SKJULT-MED")
    period = half_year_code(oslo_today())

    contexts = []

    def open_as(username):
        context = _new_context(browser, live_server.url)
        contexts.append(context)
        page = _new_page(context)
        browser_login(page, username)
        return page

    try:
        # --- The first auditor creates the review with both reviewers and scores on their own.
        rune = open_as("revisor")
        rune.goto("/kvalitet/ny/")
        rune.get_by_label("Periode").fill(period)
        rune.get_by_label("Randi Revisor").check()
        rune.get_by_label("Besøk fra").fill(oslo_today().isoformat())
        rune.get_by_label("Besøk til").fill(oslo_today().isoformat())
        rune.get_by_role("button", name="Opprett måling").click()
        rune.get_by_test_id("independent-status").wait_for()
        review = Review.objects.get()
        assert {u.username for u in review.reviewers.all()} == {"revisor", "revisor2"}
        rune.get_by_role("button", name="Start skåring").click()
        rune.get_by_text("Status er endret.").wait_for()
        rune.get_by_role("button", name="Trekk 10 journaler til gjennomgang").click()
        rune.get_by_text("journaler er trukket ut til gjennomgang").wait_for()

        _accessible(rune)
        for number in range(1, 26):
            _score_own(rune, number, DIFFERENT.get(number, 4), f"{FIRST_SECRET} om punkt {number}")
        rune.get_by_role("button", name="Lever mine skårer").click()
        rune.get_by_text("Skårene dine er levert.").wait_for()

        # --- The second auditor sees none of it before handing in their own.
        randi = open_as("revisor2")
        randi.goto(review.get_absolute_url())
        assert FIRST_SECRET not in randi.content()
        assert randi.get_by_test_id("item-comparison").count() == 0
        randi.get_by_role("link", name="Sammenlign skårer").click()
        randi.get_by_test_id("compare-waiting").wait_for()
        assert FIRST_SECRET not in randi.content()
        randi.goto(review.get_absolute_url())
        for number in range(1, 26):
            fragment = _score_own(randi, number, 4, f"Randi mener om punkt {number}")
            assert FIRST_SECRET not in fragment
        assert FIRST_SECRET not in randi.content()
        randi.get_by_role("button", name="Lever mine skårer").click()
        randi.get_by_text("Skårene dine er levert.").wait_for()
        assert ReviewerScore.objects.filter(review=review).count() == 50

        # --- Side by side: the three disagreements are highlighted.
        randi.get_by_role("link", name="Se forskjellene og sett konsensus").click()
        expect(randi.get_by_test_id("difference")).to_have_count(len(DIFFERENT))
        expect(randi.get_by_test_id("difference-count")).to_contain_text(
            "Målerne skåret ulikt på 3 punkter."
        )
        assert FIRST_SECRET in randi.content()
        _accessible(randi)
        randi.set_viewport_size({"width": 360, "height": 800})
        _no_sideways_scroll(randi)
        screenshot(randi, "fidelity-two-reviewers-compare-360")
        randi.set_viewport_size({"width": 1280, "height": 720})
        randi.get_by_role("button", name="Sett samstemte skårer som konsensus").click()
        randi.get_by_text("Samstemte skårer er satt som konsensus på 22 punkter.").wait_for()

        # Consensus on the disagreements, with a rationale (and a recommendation on two).
        for number in DIFFERENT:
            randi.goto(f"{review.get_absolute_url()}#item-{number}")
            card = randi.locator(f"#item-{number}")
            expect(card.get_by_test_id("item-comparison")).to_contain_text("Målerne skåret ulikt")
            card.locator('input[type="radio"][value="3"]').check()
            card.get_by_label("Begrunnelse").fill(f"Enige etter samtale om punkt {number}")
            if number in RECOMMENDATIONS:
                card.get_by_label("Anbefaling").fill(RECOMMENDATIONS[number])
            card.get_by_label("Intervjuer").check()
            card.get_by_role("button", name=re.compile(r"^Lagre punkt")).click()
            randi.locator(f"#item-{number}").get_by_role("status").wait_for()
            randi.goto(f"/kvalitet/{review.pk}/sammenlign/")
        consensus = dict(review.scores.values_list("item__number", "score"))
        assert all(v is not None for v in consensus.values())
        assert [consensus[n] for n in DIFFERENT] == [3, 3, 3]

        # --- Two interview notes, each linked to the items it informs.
        rune.goto(review.get_absolute_url())
        rune.get_by_role("link", name="Intervjuer og observasjoner").click()
        for interviewee, text, items in [
            ("IPS-leder", "Lederen beskriver ukentlig veiledning i felt.", ["S1", "O5"]),
            ("NAV-kontakt", "NAV-veilederen møter teamet hver uke.", ["O3"]),
        ]:
            rune.get_by_label("Hvem ble intervjuet").select_option(label=interviewee)
            rune.get_by_label("Dato").fill(oslo_today().isoformat())
            rune.get_by_role("textbox", name="Notater").fill(text)
            for code in items:
                rune.get_by_role("checkbox", name=re.compile(rf"^\s*{code}\s")).check()
            rune.get_by_role("button", name="Lagre notat").click()
            rune.get_by_text("Notatet er lagret.").wait_for()
        expect(rune.get_by_test_id("note")).to_have_count(2)
        _accessible(rune)
        notes = ReviewNote.objects.filter(review=review).order_by("pk")
        assert [sorted(i.code for i in n.items.all()) for n in notes] == [["O5", "S1"], ["O3"]]

        # --- The chart-review worksheet: confirm what the records say, correct one answer.
        rune.goto(review.get_absolute_url())
        rune.get_by_role("link", name="Journalgjennomgang", exact=True).click()
        records = rune.get_by_test_id("worksheet-record")
        expect(records).to_have_count(4)
        body = rune.content()
        assert "SKJULT-DIAGNOSE" not in body and "SKJULT-MED" not in body
        _accessible(rune)
        records.first.get_by_label("Tilbudt veiledning om ytelser").select_option("yes")
        for i in range(4):
            select = records.nth(i).get_by_label("Arbeidsgiverkontakter følger deltakerens ønsker")
            select.select_option("na")
        rune.get_by_role("button", name="Lagre journalgjennomgangen").click()
        rune.get_by_text("Journalgjennomgangen er lagret.").wait_for()
        expect(rune.get_by_test_id("worksheet-totals")).to_contain_text(
            "Tilbudt veiledning om ytelser (SV1): ja i 1 av 4 journaler"
        )
        rune.goto(review.get_absolute_url())
        expect(rune.locator("#item-12").get_by_test_id("chart-evidence")).to_contain_text(
            "ja i 1 av 4 journaler"
        )

        # --- The report's strengths, then final.
        rune.get_by_role("link", name="Rapport", exact=True).click()
        _accessible(rune)
        rune.get_by_label("Styrker").first.fill(STRENGTHS)
        rune.get_by_role("button", name="Lagre rapporten").click()
        rune.get_by_text("Rapporten er lagret.").wait_for()
        rune.goto(review.get_absolute_url())
        rune.get_by_role("button", name="Gjør målingen endelig").click()
        rune.get_by_test_id("review-status").filter(has_text="Endelig").wait_for()

        with rune.expect_download(timeout=60_000) as download_info:
            rune.get_by_role("link", name="Last ned PDF (norsk)").click()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf_path = ARTIFACTS / "fidelity-two-reviewers.pdf"
        download_info.value.save_as(pdf_path)
        assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        flat = " ".join(text.split())
        assert "Konsensus" in flat
        assert "Rune Revisor" in flat and "Randi Revisor" in flat
        assert STRENGTHS in flat
        for recommendation in RECOMMENDATIONS.values():
            assert recommendation in flat
        total = sum(review.scores.values_list("score", flat=True))
        assert f"Total skår: {total}" in flat
        assert "UTKAST" not in flat

        # --- The leader builds the quality plan from two recommendations.
        leader = open_as("leder")
        leader.goto(review.get_absolute_url())
        leader.get_by_role("link", name="Kvalitetsplan", exact=True).click()
        _accessible(leader)
        for number, (action, status) in {
            1: ("Fordel deltakerne jevnt på spesialistene", "Pågår"),
            2: ("Flytt administrative oppgaver til lederen", None),
        }.items():
            code = review.scores.get(item__number=number).item.code
            card = leader.get_by_test_id("recommendation").filter(has_text=RECOMMENDATIONS[number])
            card.get_by_label("Tiltak").fill(action)
            card.get_by_label("Ansvarlig").fill("Lise Leder")
            card.get_by_label("Frist").fill((oslo_today() + dt.timedelta(days=90)).isoformat())
            card.get_by_role("button", name=f"Legg til tiltak for {code}").click()
            leader.get_by_text("Tiltaket er lagt til i kvalitetsplanen.").wait_for()
            if status:
                card = leader.get_by_test_id("recommendation").filter(
                    has_text=RECOMMENDATIONS[number]
                )
                card.get_by_label("Status").select_option(label=status)
                card.get_by_role("button", name="Endre status").click()
                leader.get_by_text("Status for tiltaket er endret.").wait_for()
        assert sorted(QualityAction.objects.values_list("status", flat=True)) == [
            "in_progress",
            "planned",
        ]

        # --- The next review shows last time's recommendations and their status by the items.
        following = make_review(
            world, period=_next_half_year(period), reviewers=[world.auditor, second_auditor]
        )
        leader.goto(following.get_absolute_url())
        first = leader.locator("#item-1").get_by_test_id("follow-up")
        expect(first).to_contain_text(RECOMMENDATIONS[1])
        expect(first).to_contain_text("Pågår")
        expect(first).to_contain_text("En skår senkes aldri fordi en anbefaling ikke er fulgt opp")
        second = leader.locator("#item-2").get_by_test_id("follow-up")
        expect(second).to_contain_text(RECOMMENDATIONS[2])
        expect(second).to_contain_text("Planlagt")
        expect(leader.get_by_test_id("follow-up")).to_have_count(2)
        _accessible(leader)
        screenshot(leader, "fidelity-next-review-follow-up")
    finally:
        for context in contexts:
            context.close()
