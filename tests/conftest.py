"""Shared fixtures: the personas of STYLE.md, built from factories.

`world` is one small IPS landscape:
- team A (hosted by a DPS, NAV office as partner) with a leader, a job specialist with a
  caseload, a teammate; an auditor assigned to team A;
- team B with its own specialist (the outsider);
- a NAV partner user from team A's partner organisation, and a partner from an unrelated org.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ips.accounts.models import Membership, Organisation
from tests.factories import (
    EmployerFactory,
    OrganisationFactory,
    ParticipantFactory,
    ReferralFactory,
    TeamFactory,
    make_member,
    today,
)

Role = Membership.Role
PASSWORD = "korrekt-hest-batteri"


class World:
    """Lazily built personas and records. Attributes are created on first use."""

    def __init__(self):
        self.nav = OrganisationFactory(name="NAV Grünerløkka", kind=Organisation.Kind.NAV)
        self.dps = OrganisationFactory(name="Lovisenberg DPS", kind=Organisation.Kind.DPS)
        self.other_org = OrganisationFactory(name="NAV Bergenhus", kind=Organisation.Kind.NAV)
        self.team = TeamFactory(name="IPS Lovisenberg", host_organisation=self.dps)
        self.team.partner_organisations.add(self.nav)
        self.other_team = TeamFactory(
            name="IPS Bergen",
            host_organisation=OrganisationFactory(name="Bjørgvin DPS", kind=Organisation.Kind.DPS),
        )
        self.other_team.partner_organisations.add(self.other_org)
        self.specialist = make_member(
            Role.JOB_SPECIALIST,
            team=self.team,
            username="spesialist",
            first_name="Siri",
            last_name="Spesialist",
        )
        self.teammate = make_member(
            Role.JOB_SPECIALIST,
            team=self.team,
            username="kollega",
            first_name="Kåre",
            last_name="Kollega",
        )
        self.other_specialist = make_member(
            Role.JOB_SPECIALIST,
            team=self.other_team,
            username="utenforstaende",
            first_name="Una",
            last_name="Utenfor",
        )
        self.leader = make_member(
            Role.LEADER, team=self.team, username="leder", first_name="Lise", last_name="Leder"
        )
        self.partner = make_member(
            Role.PARTNER,
            organisation=self.nav,
            username="partner",
            first_name="Per",
            last_name="Partner",
        )
        self.other_partner = make_member(
            Role.PARTNER,
            organisation=self.other_org,
            username="annenpartner",
            first_name="Anne",
            last_name="Annenpartner",
        )
        self.auditor = make_member(
            Role.AUDITOR, team=self.team, username="revisor", first_name="Rune", last_name="Revisor"
        )
        self.admin = make_member(
            Role.LEADER, team=self.team, username="admin", is_staff=True, is_superuser=True
        )
        self._cache = {}

    def once(self, key, build):
        """`build()` the first time `key` is asked for; the same object afterwards."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def participant(self):
        return self.once(
            "participant",
            lambda: ParticipantFactory(
                team=self.team, job_specialist=self.specialist, name="Ola Deltaker"
            ),
        )

    @property
    def other_participant(self):
        return self.once(
            "other_participant",
            lambda: ParticipantFactory(
                team=self.other_team, job_specialist=self.other_specialist, name="Berit Bergen"
            ),
        )

    @property
    def referral(self):
        return self.once(
            "referral",
            lambda: ReferralFactory(
                team=self.team,
                source_organisation=self.nav,
                submitted_by=self.partner,
                person_name="Henrik Henvist",
                referral_date=today() - dt.timedelta(days=4),
                date_received=today() - dt.timedelta(days=3),
            ),
        )

    @property
    def other_referral(self):
        return self.once(
            "other_referral",
            lambda: ReferralFactory(
                team=self.other_team,
                source_organisation=self.other_org,
                submitted_by=self.other_partner,
                person_name="Bodil Bergen",
            ),
        )

    @property
    def employer(self):
        return self.once(
            "employer", lambda: EmployerFactory(team=self.team, name="Rema 1000 Grünerløkka")
        )

    @property
    def other_employer(self):
        return self.once(
            "other_employer", lambda: EmployerFactory(team=self.other_team, name="Bergen Bakeri AS")
        )

    ROLES = (
        "anonymous",
        "specialist",
        "teammate",
        "other_specialist",
        "leader",
        "partner",
        "auditor",
    )

    def client_for(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(getattr(self, role))
        return client


# --- Two-factor sign-in in tests ---------------------------------------------------------------
# Every session needs a second factor (ips.accounts.middleware). Test logins get one for real: each
# user gets a confirmed TOTP device, and a shortcut login stores it in the session exactly as
# django_otp.login() does after a correct code.


def totp_device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def totp_code_for(user) -> str:
    """The code the person's authenticator app shows right now."""
    device = totp_device_for(user)
    # django-otp refuses a code from a time step it has already accepted (replay protection);
    # a test may sign the same person in twice within 30 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


_django_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    _django_force_login(self, user, backend)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _test_logins_pass_the_second_factor(monkeypatch):
    """`client.force_login(user)` skips the password; in tests it skips the second factor too, so
    every test (and world.client_for) gets a fully signed-in session. Tests of the two-factor
    step itself sign in through the real login form instead."""
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture(scope="session", autouse=True)
def _flush_may_truncate_the_access_log():
    """Transactional tests (live server, browser) are emptied with `flush`, i.e. TRUNCATE, which
    the access log's trigger refuses. In a test database, and for the flush only, the trigger
    is lifted with pgtrigger.ignore, the library's own way to do so."""
    import pgtrigger
    from django.core.management.commands import flush

    handle = flush.Command.handle

    def handle_ignoring_the_truncate_trigger(self, *args, **options):
        with pgtrigger.ignore("audit.AccessEvent:access_event_no_truncate"):
            return handle(self, *args, **options)

    flush.Command.handle = handle_ignoring_the_truncate_trigger
    yield
    flush.Command.handle = handle


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; tests create many users. Production keeps PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def specialist_client(world):
    return world.client_for("specialist")


@pytest.fixture
def leader_client(world):
    return world.client_for("leader")


@pytest.fixture
def partner_client(world):
    return world.client_for("partner")


@pytest.fixture
def auditor_client(world):
    return world.client_for("auditor")


# --- Browser (Playwright driving Debian's chromium) ---------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no chromium at {CHROMIUM}: browser tests must run in CI.")
        pytest.skip("No chromium on this machine (browser tests run in CI).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="nb-NO", timezone_id="Europe/Oslo", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def browser_login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real forms: password, then the current code from the person's
    authenticator (computed from their TOTP device, created here if they have none)."""
    from ips.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is not None:
        totp_device_for(user)
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("networkidle")
    if user is not None and "/konto/tofaktor/" in page.url:
        page.get_by_label("Kode").fill(totp_code_for(user))
        page.get_by_role("button", name="Bekreft").click()
        page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
