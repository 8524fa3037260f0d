"""Accessibility of every main page: axe-core (WCAG 2.1 A/AA rules) finds nothing serious or
critical at 1280 px and at 360 px, no aria-describedby / aria-labelledby points at a missing
id, the page works at 360 px width without sideways scrolling, and the contact log can be used
with the keyboard alone. What axe cannot see is measured in tests/a11y/test_beyond_axe.py.

The tests of this module share one set of data and one signed-in session per persona
(`signed_in_site` in tests/conftest.py): the data is built and each persona signs in once, not
once per page.
"""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from ips.dates import oslo_today
from tests.conftest import screenshot
from tests.factories import (
    AlertFactory,
    ContactFactory,
    EmployerContactFactory,
)
from tests.fidelity.factories import make_review

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
NARROW = {"width": 360, "height": 800}

# key: (url name, persona username, kwargs from the a11y world)
PAGES = {
    "login": ("login", None, None),
    "start": ("home", "spesialist", None),
    "caseload": ("participants:caseload", "spesialist", None),
    "participant": ("participants:detail", "spesialist", lambda w: {"pk": w.participant.pk}),
    "referral_queue": ("referrals:queue", "leder", None),
    "referral_list": ("referrals:list", "partner", None),
    "referral_create": ("referrals:create", "partner", None),
    "referral_detail": ("referrals:detail", "leder", lambda w: {"pk": w.referral.pk}),
    "alert_list": ("deadlines:alert_list", "spesialist", None),
    "my_day": ("dashboards:my_day", "spesialist", None),
    "calendar": ("appointments:calendar", "spesialist", None),
    "my_day_action": (
        "dashboards:my_day_action",
        "spesialist",
        lambda w: {"action": "kontakt", "pk": w.participant.pk},
    ),
    "team_dashboard": ("dashboards:team", "leder", None),
    "partner_dashboard": ("dashboards:partner", "partner", None),
    "employer_list": ("employers:list", "spesialist", None),
    "employer_detail": ("employers:detail", "spesialist", lambda w: {"pk": w.employer.pk}),
    "employer_weekly": ("employers:weekly", "spesialist", None),
    "review_list": ("fidelity:review_list", "revisor", None),
    "review_detail": ("fidelity:review_detail", "revisor", lambda w: {"pk": w.a11y_review.pk}),
    "audit_log": ("audit:log", "leder", None),
    "search": ("reports:search", "spesialist", None),
    "contact_details": (
        "participants:contact_details",
        "spesialist",
        lambda w: {"pk": w.participant.pk},
    ),
    "mentoring_log": ("fidelity:mentoring_log", "leder", None),
    "across_teams": ("fidelity:across_teams", "koordinator", None),
    "vocational_profile": (
        "participants:profile",
        "spesialist",
        lambda w: {"pk": w.participant.pk},
    ),
    "action_plan": ("participants:plan", "spesialist", lambda w: {"pk": w.participant.pk}),
    "job_start": ("participants:job_start", "spesialist", lambda w: {"pk": w.participant.pk}),
    "spreadsheets": ("spreadsheets:index", "leder", None),
    "quarterly": ("dashboards:quarterly", "leder", None),
    "definitions": ("dashboards:definitions", "leder", None),
}


@pytest.fixture(scope="module")
def a11y_world(signed_in_site):
    """The shared personas plus a little of everything, so pages show real content. Built once
    for the module (committed; flushed when the module ends)."""
    world = signed_in_site.world
    participant = world.participant
    # Contact details on the participant page (the tap-to-call link).
    type(participant).objects.filter(pk=participant.pk).update(
        phone="+4791234567", address="Storgata 1, 0182 Oslo", preferred_contact="sms"
    )
    for days in (2, 9, 20):
        ContactFactory(participant=participant, contact_date=oslo_today() - dt.timedelta(days=days))
    _ = world.referral
    EmployerContactFactory(
        employer=world.employer, job_specialist=world.specialist, contact_date=oslo_today()
    )
    AlertFactory(
        team=world.team,
        owner=world.specialist,
        subject_id=participant.pk,
        due_date=oslo_today() + dt.timedelta(days=3),
    )
    # An IPS-25 review in progress (25 item forms with help texts) and a final one, so the
    # review list shows its trend chart.
    world.a11y_review = make_review(world, period="2026-H1")
    make_review(world, period="2025-H2", scores=4, status="final")
    _ = world.coordinator
    signed_in_site.sign_in(*sorted({username for _, username, _ in PAGES.values() if username}))
    return world


def blocking_violations(page) -> list[str]:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            problems.append(
                f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}"
            )
    return problems


def assert_still_signed_in(page, username) -> None:
    """The shared session is still valid: the page is not the sign-in or two-factor step."""
    assert "/login/" not in page.url and "/konto/tofaktor/" not in page.url, (
        f"{username} was sent to {page.url}: the shared session is no longer signed in"
    )


@pytest.mark.browser
@pytest.mark.parametrize("key", PAGES)
def test_page_has_no_serious_axe_violations_and_fits_360px(a11y_world, open_page, key):
    name, username, kwargs_from = PAGES[key]
    url = reverse(name, kwargs=kwargs_from(a11y_world) if kwargs_from else None)
    page = open_page(username)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200, f"{url} gave {response.status}"
    if username:
        assert_still_signed_in(page, username)

    problems = blocking_violations(page)
    assert not problems, f"{url}:\n" + "\n".join(problems)
    assert not missing_aria_references(page), f"{url}: {missing_aria_references(page)}"

    page.set_viewport_size(NARROW)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"a11y-360-{key}")
    assert scroll_width <= NARROW["width"], (
        f"{url} scrolls sideways at 360 px (document is {scroll_width} px wide); "
        f"too wide: {too_wide(page)}"
    )
    problems = blocking_violations(page)
    assert not problems, f"{url} at 360 px:\n" + "\n".join(problems)
    assert not missing_aria_references(page), f"{url}: {missing_aria_references(page)}"


def missing_aria_references(page) -> list[str]:
    """Every id named by an aria-describedby / aria-labelledby that is not on the page (axe
    checks aria-labelledby only where it names something, and aria-describedby not at all)."""
    return page.evaluate(
        """() => {
            const missing = [];
            for (const attr of ['aria-describedby', 'aria-labelledby']) {
                for (const el of document.querySelectorAll(`[${attr}]`)) {
                    for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
                        if (!document.getElementById(id)) {
                            const name = el.id || el.getAttribute('name') || el.tagName.toLowerCase();
                            missing.push(`${name} ${attr}="${id}"`);
                        }
                    }
                }
            }
            return missing;
        }"""
    )


def too_wide(page) -> list[str]:
    """The outermost elements sticking out past the viewport (what to fix)."""
    return page.evaluate(
        """() => {
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right <= window.innerWidth + 1 || !r.width) continue;
                const parent = el.parentElement;
                if (parent && parent !== document.body &&
                    parent.getBoundingClientRect().right > window.innerWidth + 1) continue;
                const cls = el.className && el.className.baseVal === undefined ? el.className : '';
                out.push(`${el.tagName.toLowerCase()}.${cls.split(' ').join('.')} (${Math.round(r.width)} px)`);
            }
            return out.slice(0, 8);
        }"""
    )


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {
                tag: el.tagName.toLowerCase(),
                type: (el.getAttribute('type') || '').toLowerCase(),
                name: el.getAttribute('name') || '',
                opener: el.dataset ? (el.dataset.dialogOpen || '') : '',
                inDialog: !!el.closest('dialog[open]'),
                required: el.required || false,
                empty: 'value' in el ? el.value === '' : false,
                submit: el.matches('button[type=submit], button:not([type]), input[type=submit]'),
            };
        }"""
    )


def _contact_dialog_id(page) -> str | None:
    """The id of the dialog that holds (or loads, via htmx) the contact-log form."""
    return page.evaluate(
        """() => {
            const isContact = (url) =>
                /kontakt|contact/i.test(url || '') && !/arbeidsgiver|employer/i.test(url || '');
            for (const opener of document.querySelectorAll('[data-dialog-open]')) {
                if (isContact(opener.getAttribute('hx-get'))) return opener.dataset.dialogOpen;
            }
            for (const dialog of document.querySelectorAll('dialog')) {
                const form = dialog.querySelector('form');
                if (form && isContact(form.getAttribute('action') || form.getAttribute('hx-post'))) {
                    return dialog.id || null;
                }
            }
            return null;
        }"""
    )


@pytest.mark.browser
def test_contact_log_dialog_works_with_keyboard_only(a11y_world, open_page):
    # Adds one contact to the shared data (the page tests above neither count nor mind it).
    from participants.models import Contact

    participant = a11y_world.participant
    url = reverse("participants:detail", kwargs={"pk": participant.pk})
    page = open_page("spesialist")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert_still_signed_in(page, "spesialist")
    dialog_id = _contact_dialog_id(page)
    assert dialog_id, "The participant page has no contact-log dialog."
    before = Contact.objects.filter(participant=participant).count()

    # Tab from the top of the page to the button that opens the dialog, then press Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if _focused(page)["opener"] == dialog_id:
            break
    else:
        pytest.fail("The contact-log button cannot be reached with Tab.")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"dialog#{dialog_id}[open] form")
    page.wait_for_load_state("networkidle")
    if not _focused(page)["inDialog"]:
        page.keyboard.press("Tab")
    assert _focused(page)["inDialog"], "Focus does not move into the opened dialog."

    # Fill the required fields by typing, Tab between them, submit with Enter.
    today = oslo_today()
    for _ in range(40):
        field = _focused(page)
        assert field["inDialog"], "Tab left the dialog before reaching its submit button."
        if field["submit"]:
            break
        if field["required"] and field["empty"]:
            if field["type"] == "date":
                page.keyboard.type(today.strftime("%d%m%Y"))
            elif field["type"] == "number":
                page.keyboard.type("30")
            elif field["tag"] in {"input", "textarea"} and field["type"] not in {
                "radio",
                "checkbox",
            }:
                page.keyboard.type("Samtale om jobbønsker.")
        if field["tag"] == "select" and field["required"] and field["empty"]:
            page.keyboard.press("ArrowDown")
        if field["type"] == "radio" and field["required"]:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    else:
        pytest.fail("The dialog's submit button cannot be reached with Tab.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.keyboard.press("Enter")
    assert posted.value.status == 200, f"Saving gave HTTP {posted.value.status}"
    page.wait_for_load_state("networkidle")

    errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    assert Contact.objects.filter(participant=participant).count() == before + 1, errors
    screenshot(page, "a11y-contact-log-keyboard")
