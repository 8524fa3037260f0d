"""What axe cannot see (issue 16): focus rings people can see (≥ 3:1 against what is behind
them, WCAG 1.4.11 / 2.4.7), htmx saves that a screen reader hears (a role=status live region,
4.1.3), and a dialog that puts the keyboard where its form starts.

Shares one set of data and one signed-in session per persona (`signed_in_site`).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from ips.dates import oslo_today
from tests.conftest import screenshot
from tests.factories import AlertFactory, ParticipantFactory

WIDE = {"width": 1280, "height": 800}

# The focused element's ring (its outline, else the colour of its box-shadow) and the colour
# behind it: the first ancestor with a background (the ring sits outside the element: outline
# offset, or a shadow spread). Colours with alpha are blended over what is behind them.
FOCUS_RING_JS = """() => {
    const el = document.activeElement;
    const parse = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const over = (top, bottom) => ({
        r: top.r * top.a + bottom.r * (1 - top.a),
        g: top.g * top.a + bottom.g * (1 - top.a),
        b: top.b * top.a + bottom.b * (1 - top.a),
        a: 1,
    });
    let background = {r: 255, g: 255, b: 255, a: 1};
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour.a > 0) {
            layers.push(colour);
            if (colour.a >= 1) break;
        }
    }
    for (const layer of layers.reverse()) background = over(layer, background);
    const style = getComputedStyle(el);
    let ring = null, width = 0, kind = '';
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
        ring = parse(style.outlineColor); width = parseFloat(style.outlineWidth); kind = 'outline';
    } else if (style.boxShadow && style.boxShadow !== 'none') {
        ring = parse(style.boxShadow);
        const spreads = style.boxShadow.replace(/rgba?\\([^)]*\\)/g, '').trim().split(/\\s+/).map(parseFloat);
        width = spreads.length >= 4 ? spreads[3] : 0; kind = 'box-shadow';
    }
    const luminance = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    let ratio = 0;
    if (ring) {
        const seen = over(ring, background);
        const [hi, lo] = [luminance(seen), luminance(background)].sort((a, b) => b - a);
        ratio = (hi + 0.05) / (lo + 0.05);
    }
    const label = (el.innerText || el.getAttribute('aria-label') || el.name || el.id || '').trim().slice(0, 40);
    return {
        tag: el.tagName.toLowerCase(), type: el.type || '', label, kind, width,
        ratio: Math.round(ratio * 100) / 100,
        inNav: !!el.closest('nav.navbar'),
        control: el.matches('input, select, textarea'),
        button: el.matches('button, .btn'),
    };
}"""


@pytest.fixture(scope="module")
def beyond_world(signed_in_site):
    world = signed_in_site.world
    _ = world.participant
    # Its own person: the contact logged below re-evaluates the participant's alerts.
    other = ParticipantFactory(team=world.team, job_specialist=world.specialist, name="Kari Varsel")
    world.ack_alert = AlertFactory(
        team=world.team,
        owner=world.specialist,
        subject_id=other.pk,
        due_date=oslo_today() + dt.timedelta(days=3),
    )
    signed_in_site.sign_in("spesialist", "leder")
    return world


def _tab_through(page, stops: int) -> list[dict]:
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING_JS)
        if stop["tag"] == "body":  # past the last control: the browser's own UI is next
            break
        seen.append(stop)
    return seen


@pytest.mark.browser
def test_focus_rings_of_menu_links_fields_and_buttons_have_3_to_1_contrast(beyond_world, open_page):
    page = open_page("leder")
    page.set_viewport_size(WIDE)
    page.goto("/deltakere/")
    page.wait_for_load_state("networkidle")
    stops = _tab_through(page, 22)
    weak = [s for s in stops if s["ratio"] < 3 or s["width"] < 2]
    assert not weak, f"Focus rings under 3:1 or thinner than 2 px: {weak}"
    assert sum(s["inNav"] for s in stops) >= 6, f"the menu was not tabbed through: {stops}"
    assert {"input", "select"} <= {s["tag"] for s in stops if s["control"]}, stops
    assert any(s["button"] and not s["inNav"] for s in stops), stops
    nav = [s["ratio"] for s in stops if s["inNav"]]
    fields = [s["ratio"] for s in stops if s["control"]]
    print(
        f"focus ring contrast: menu {min(nav)}-{max(nav)}:1, fields {min(fields)}-{max(fields)}:1"
    )


@pytest.mark.browser
def test_contact_saved_from_the_dialog_is_announced_in_a_status_region(beyond_world, open_page):
    participant = beyond_world.participant
    page = open_page("spesialist")
    page.goto(f"/deltakere/{participant.pk}/")
    page.wait_for_load_state("networkidle")
    region = page.locator("#live-status")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_be_empty()

    page.get_by_role("button", name="Logg kontakt").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("form")).to_be_visible()
    # Focus starts in the form: on the first field the person has to fill in (marked
    # data-autofocus; the date and mode come pre-filled), else on its first field.
    form = dialog.locator("form")
    start = form.locator("[data-autofocus]")
    if not start.count():
        start = form.locator("input:not([type=hidden]), select, textarea")
    expect(start.first).to_be_focused()

    dialog.get_by_label("Notat").fill("Snakket om jobbønsker.")
    dialog.get_by_label("Telefon").check()
    dialog.get_by_role("button", name="Lagre").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="er registrert")).to_have_text(
        f"Kontakten med {participant.name} er registrert."
    )
    screenshot(page, "a11y-contact-announced")


@pytest.mark.browser
def test_acknowledging_an_alert_is_announced_in_the_status_region(beyond_world, open_page):
    alert = beyond_world.ack_alert
    page = open_page("spesialist")
    page.goto("/varsler/")
    page.wait_for_load_state("networkidle")
    row = page.locator(f"#alert-{alert.pk}")
    row.get_by_role("button", name="Kvitter").click()
    expect(page.locator("#live-status[role=status]")).to_have_text("Varselet er kvittert.")
    expect(page.locator(f"#alert-{alert.pk}")).to_contain_text("Kvittert")
