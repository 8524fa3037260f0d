"""Every employer page on a phone: no serious axe findings at 360 px (tests/a11y runs axe at
desktop width for the list, detail and weekly pages), and no sideways scrolling."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.a11y.test_axe import NARROW, blocking_violations, too_wide
from tests.conftest import browser_login
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", PAGES)
def test_employer_page_is_accessible_and_fits_360px(world, page, key):
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
    name, with_employer = PAGES[key]
    url = reverse(name, kwargs={"pk": world.employer.pk} if with_employer else None)
    browser_login(page, "spesialist")
    page.set_viewport_size(NARROW)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200
    problems = blocking_violations(page)
    assert not problems, "\n".join(problems)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], too_wide(page)
