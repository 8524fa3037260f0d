"""Every employer page on a phone: no serious axe findings at 360 px (tests/a11y runs axe at
desktop width for the list, detail and weekly pages), and no sideways scrolling.

The pages share one set of data and one signed-in session (`signed_in_site` in
tests/conftest.py): built and signed in once for the module, not once per page."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.a11y.test_axe import NARROW, assert_still_signed_in, blocking_violations, too_wide
from tests.factories import EmployerContactFactory, JobOpeningFactory, today

PAGES = {
    "create": ("employers:create", False),
    "edit": ("employers:edit", True),
    "contact_person_add": ("employers:contact_person_add", True),
    "contact_create": ("employers:contact_create", True),
    "opening_create": ("employers:opening_create", True),
    "log": ("employers:log", False),
    "opening_list": ("employers:opening_list", False),
    "list": ("employers:list", False),
    "detail": ("employers:detail", True),
    "weekly": ("employers:weekly", False),
}


@pytest.fixture(scope="module")
def employer_world(signed_in_site):
    """Built once for the module (committed; flushed when the module ends)."""
    world = signed_in_site.world
    EmployerContactFactory(
        employer=world.employer,
        job_specialist=world.specialist,
        note="Trenger folk i helgene",
        next_step="Ringe",
        next_step_date=today() + dt.timedelta(days=2),
    ).participants.add(world.participant)
    JobOpeningFactory(
        employer=world.employer, created_by=world.specialist
    ).matched_participants.add(world.participant)
    signed_in_site.sign_in("spesialist")
    return world


@pytest.mark.browser
@pytest.mark.parametrize("key", PAGES)
def test_employer_page_is_accessible_and_fits_360px(employer_world, open_page, key):
    name, with_employer = PAGES[key]
    url = reverse(name, kwargs={"pk": employer_world.employer.pk} if with_employer else None)
    page = open_page("spesialist")
    page.set_viewport_size(NARROW)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200
    assert_still_signed_in(page, "spesialist")
    problems = blocking_violations(page)
    assert not problems, "\n".join(problems)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], too_wide(page)
