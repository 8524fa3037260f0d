import pytest

from tests.conftest import browser_login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_specialist_logs_in_and_sees_the_start_page(world, page):
    browser_login(page, "spesialist")
    assert page.get_by_role("button", name="Logg ut").is_visible()
    assert "Siri" in page.content()
    screenshot(page, "start-page-specialist")
