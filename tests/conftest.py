"""Shared fixtures: the personas of STYLE.md, built from factories.

`world` is one small IPS landscape:
- team A (hosted by a DPS, NAV office as partner) with a leader, a job specialist with a
  caseload, a teammate; an auditor assigned to team A;
- team B with its own specialist (the outsider);
- a NAV partner user from team A's partner organisation, and a partner from an unrelated org.
"""

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import Client, override_settings
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
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Redis: each test process has its own keys ---------------------------------------------------
# The cache (login throttle counters and locks) lives in Redis, which other pytest-xdist workers,
# other test runs and Celery's queues share. Each test process gets its own key prefix (its run's
# test database name + the xdist worker), and cache.clear() deletes only those keys: Django's own
# clear() is a FLUSHDB, which would wipe everyone else's keys in that Redis database too.


class OwnKeysRedisCache(RedisCache):
    def clear(self):
        client = self._cache.get_client(None, write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True


def _cache_prefix() -> str:
    base = django_settings.CACHES["default"].get("KEY_PREFIX", "")
    test_db = django_settings.DATABASES["default"]["TEST"]["NAME"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{base}:{test_db}:{worker}"


override_settings(
    CACHES={
        "default": django_settings.CACHES["default"]
        | {"BACKEND": "tests.conftest.OwnKeysRedisCache", "KEY_PREFIX": _cache_prefix()}
    },
    # A signed-in session is saved again once a minute (ips.middleware.SessionIdleMiddleware):
    # in tests only on its first request, so a pinned query count never depends on how long
    # the test took. The session tests set the real minute themselves.
    SESSION_REFRESH_SECONDS=24 * 60 * 60,
).enable()


def pytest_sessionfinish(session, exitstatus):
    from django.core.cache import cache

    with contextlib.suppress(Exception):
        cache.clear()


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
    def coordinator(self):
        """A regional IPS coordinator following both teams (fidelity aggregates only)."""

        def build():
            user = make_member(
                Role.COORDINATOR,
                team=self.team,
                username="koordinator",
                first_name="Kari",
                last_name="Koordinator",
            )
            Membership.objects.create(user=user, role=Role.COORDINATOR, team=self.other_team)
            return user

        return self.once("coordinator", build)

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
        "coordinator",
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
    settings.PASSWORD_HASHERS = FAST_HASHERS


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
def browser(django_db_setup):
    # While Playwright's event loop runs, Django keeps database connections per context instead
    # of per thread: the tests' connection is not the one the test database is dropped with, and
    # left open it keeps the database from being dropped. So: database first, browser after, and
    # the browser closes the connections of its time before it stops.
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
        from django.db import connections

        connections.close_all()
        browser.close()


def _new_context(browser, base_url, **options):
    return browser.new_context(
        locale="nb-NO", timezone_id="Europe/Oslo", base_url=base_url, **options
    )


def _new_page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser, live_server):
    context = _new_context(browser, live_server.url)
    yield _new_page(context)
    context.close()


def open_folded_menu(page) -> None:
    """At phone width the main menu is folded behind the toggler: open it and wait until its
    animation has ended, so a busy machine does not click into a moving menu (a click on a
    link that is still sliding in can land beside it and go nowhere)."""
    from playwright.sync_api import expect

    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
        expect(page.locator(".navbar-collapse.collapsing")).to_have_count(0)


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


# --- One signed-in browser session per persona, for tests that only look at pages --------------
# `page` + `live_server` make every test transactional: its data is built, each persona signs in
# (password + second factor, ~2 s), and the whole database is flushed afterwards (~2 s). Tests
# that only look at pages share that work within their module instead: `signed_in_site` builds
# one World, committed, served by the module's own live server; each persona signs in once
# through the real forms (`signed_in_site.sign_in(...)`, from a module fixture), and
# `open_page(username)` hands a test a fresh browser context with that person's cookies
# (Playwright storage_state). The database is flushed when the module ends.
#
# So in such a module every test sees the same data (plus whatever earlier tests of the module
# did through the pages, e.g. access-log rows), and none may use `world`, `db` or `page` (they
# would build a second World beside the committed one). Keep tests that change data, log out or
# need their own data on `page`.


class SignedInSite:
    def __init__(self, browser, url: str):
        self.browser = browser
        self.url = url
        self.world = World()
        self._states: dict[str, Any] = {}

    def sign_in(self, *usernames: str) -> None:
        """Sign each person in through the real forms, once, and keep their cookies. Call it
        from a module fixture: inside a test, the test's open transaction would hide the TOTP
        device (and lock its row) from the live server."""
        for username in usernames:
            if username in self._states:
                continue
            context = _new_context(self.browser, self.url)
            try:
                page = _new_page(context)
                browser_login(page, username)
                assert "/login/" not in page.url and "/konto/tofaktor/" not in page.url, (
                    f"{username} could not sign in (stopped at {page.url})"
                )
                assert page.get_by_role("button", name="Logg ut").is_visible()
                self._states[username] = context.storage_state()
            finally:
                context.close()

    def new_context(self, username: str | None = None):
        if username and username not in self._states:
            raise LookupError(f"{username} is not signed in: sign_in({username!r}) first")
        state = self._states[username] if username else None
        return _new_context(self.browser, self.url, storage_state=state)


def _flush_database() -> None:
    # What a transactional test does after itself (django.test.TransactionTestCase).
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database="default",
        reset_sequences=False,
        allow_cascade=False,
        inhibit_post_migrate=False,
    )


def _mark_signed_in_site_tests(items) -> None:
    # pytest-django creates the test database only for tests that ask for one (a django_db mark,
    # `db`, `live_server`...); a test on `signed_in_site` needs it too. The mark also wraps the
    # test's own queries in a rolled-back transaction; the live server commits as usual.
    for item in items:
        if "signed_in_site" not in getattr(item, "fixturenames", ()):
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None:
            item.add_marker(pytest.mark.django_db)
        elif marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"):
            raise pytest.UsageError(
                f"{item.nodeid}: a test on signed_in_site cannot be transactional (its flush "
                "would delete the module's shared data)."
            )


@pytest.fixture(scope="module")
def signed_in_site(browser, django_db_setup, django_db_blocker):
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        # Never build (or flush!) anything but the test database.
        test_name = connection.settings_dict["TEST"]["NAME"]
        if connection.settings_dict["NAME"] != test_name:
            pytest.fail(f"not on the test database {test_name}: {connection.settings_dict['NAME']}")
        try:
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield SignedInSite(browser, server.url)
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            _flush_database()


@pytest.fixture
def open_page(signed_in_site):
    """`open_page("spesialist")`: a new page in a context signed in as that person (None: signed
    out), at the module's live server. Closed after the test."""
    contexts = []

    def open_(username: str | None = None):
        contexts.append(signed_in_site.new_context(username))
        return _new_page(contexts[-1])

    yield open_
    for context in contexts:
        context.close()


# --- pytest-xdist: long modules first -------------------------------------------------------------
# `make test` hands whole modules to the workers (--dist loadfile) in collection order
# (--no-loadscope-reorder; xdist's default order, most tests first, puts the one-test modules
# below last). These modules take a minute or more each, and the browser modules tens of seconds:
# started first, they run beside the short ones instead of leaving one worker alone at the end.
LONG_MODULES = ("tests/security/test_fuzz.py", "tests/journeys/test_full_journey.py")


def _long_modules_first(items) -> None:
    browser_modules = {
        item.nodeid.split("::")[0] for item in items if item.get_closest_marker("browser")
    }

    def rank(item) -> int:
        module = item.nodeid.split("::")[0]
        return 0 if module in LONG_MODULES else 1 if module in browser_modules else 2

    items.sort(key=rank)  # stable: each module keeps its own order


def pytest_collection_modifyitems(config, items):
    _mark_signed_in_site_tests(items)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _long_modules_first(items)
