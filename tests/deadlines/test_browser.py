import pytest

from deadlines.models import Alert
from tests.conftest import browser_login, screenshot
from tests.factories import AlertFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_acknowledges_an_alert_in_place(world, page):
    alert = AlertFactory(
        team=world.team,
        owner=world.specialist,
        rule="no_contact_30_days",
        subject_kind=Alert.SubjectKind.PARTICIPANT,
        subject_id=world.participant.pk,
    )
    browser_login(page, "leder")
    page.goto("/varsler/")
    row = page.locator(f"#alert-{alert.pk}")
    assert "Ingen kontakt på 30 dager" in row.inner_text()
    assert "Ola Deltaker" in row.inner_text()
    row.get_by_label("Kommentar").fill("Siri ringer i dag")
    row.get_by_role("button", name="Kvitter").click()
    page.locator(f"#alert-{alert.pk}", has_text="Siri ringer i dag").wait_for()
    assert page.url.endswith("/varsler/")  # swapped in place, no reload
    alert.refresh_from_db()
    assert alert.state == Alert.State.ACKNOWLEDGED
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "deadlines-alert-list-360")
