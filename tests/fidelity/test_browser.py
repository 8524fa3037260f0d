"""End to end: an auditor runs a fidelity review and downloads the report."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fidelity.models import Review
from tests.conftest import ARTIFACTS, browser_login, screenshot
from tests.factories import ContactFactory, ParticipantFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_scores_a_review_with_suggestions_finalises_and_downloads_the_pdf(
    world, page, fidelity_scales
):
    for _ in range(6):
        p = ParticipantFactory(team=world.team, job_specialist=world.specialist)
        ContactFactory(participant=p)
    browser_login(page, "revisor")

    page.goto(reverse("fidelity:review_list"))
    page.get_by_role("link", name="Ny måling").click()
    page.get_by_label("Periode").fill("2026-H2")
    page.get_by_label("Besøk fra").fill("2026-11-02")
    page.get_by_label("Besøk til").fill("2026-11-03")
    page.get_by_role("button", name="Opprett måling").click()
    page.get_by_role("heading", name="Kvalitetsmåling IPS Lovisenberg 2026-H2").wait_for()
    review = Review.objects.get()
    assert (review.team, review.kind, review.scale.code) == (world.team, "external", "IPS-25")

    page.get_by_role("button", name="Start skåring").click()
    page.get_by_text("Status er endret.").wait_for()

    # S1 shows what the records say: 6 participants on one specialist -> suggestion 5.
    s1 = page.locator("#item-1")
    assert "Forslag: 5" in s1.get_by_test_id("indicator").inner_text()

    expected_total = 0
    for number in range(1, 26):
        card = page.locator(f"#item-{number}")
        indicator = card.get_by_test_id("indicator")
        suggestion = None
        if indicator.count():
            match = re.search(r"Forslag: (\d)", indicator.inner_text())
            suggestion = int(match.group(1)) if match else None
        score = suggestion or 4
        expected_total += score
        card.locator(f'input[type="radio"][value="{score}"]').check()
        card.get_by_label("Begrunnelse").fill(f"Begrunnelse for punkt {number}")
        card.get_by_role("button", name=re.compile(r"^Lagre punkt")).click()
        page.locator(f"#item-{number}").get_by_role("status").wait_for()
    screenshot(page, "fidelity-review-scored")

    page.get_by_role("button", name="Gjør målingen endelig").click()
    page.get_by_test_id("review-status").filter(has_text="Endelig").wait_for()
    review.refresh_from_db()
    assert review.status == "final"
    assert sum(review.scores.values_list("score", flat=True)) == expected_total
    total_text = page.get_by_test_id("review-total").inner_text()
    assert str(expected_total) in total_text
    band = page.get_by_test_id("review-band").inner_text()

    # WeasyPrint takes seconds on a loaded CI machine: wait longer than the default 10 s.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Last ned PDF (norsk)").click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "fidelity-review.pdf"
    download_info.value.save_as(pdf_path)

    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "IPS Lovisenberg" in text
    assert f"Total skår: {expected_total}" in text
    assert band in text
    assert len(reader.pages) >= 3

    # The PDF renders to page images (poppler's pdftoppm; pypdf when it is not installed).
    if shutil.which("pdftoppm"):
        for old in ARTIFACTS.glob("fidelity-review-page-*.png"):
            old.unlink()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(pdf_path),
                str(ARTIFACTS / "fidelity-review-page"),
            ],
            check=True,
            timeout=60,
        )
        images = sorted(ARTIFACTS.glob("fidelity-review-page-*.png"))
        assert len(images) == len(reader.pages)
        assert all(image.stat().st_size > 2000 for image in images)
    else:
        assert all(page_.mediabox.width > 0 for page_ in reader.pages)
