import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ips.access import scope_for
from participants.selectors import participants_for
from referrals.selectors import referrals_for

BASE_DIR = Path(__file__).resolve().parents[2]


def test_login_page_is_norwegian_by_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert response["Content-Language"] == "nb"
    assert "Logg inn" in response.content.decode()


def test_english_can_be_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_signed_in_pages_are_english_when_chosen(world):
    client = world.client_for("specialist")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    world.participant  # noqa: B018 - a caseload row to render
    my_day = client.get(reverse("dashboards:my_day")).content.decode()
    caseload = client.get(reverse("participants:caseload")).content.decode()
    for english in ("My day", "Caseload", "Employers", "Alerts", "Open alerts", "Log contact"):
        assert english in my_day
    for norwegian in ("Min dag", "Portefølje", "Arbeidsgivere", "Åpne varsler", "Logg kontakt"):
        assert norwegian not in my_day and norwegian not in caseload
    assert "My caseload" in caseload and "Last contact" in caseload


def test_wrong_password_gives_a_norwegian_message_and_keeps_the_username(world, client):
    response = client.post(reverse("login"), {"username": "spesialist", "password": "feil"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "riktig brukernavn og passord" in body
    assert 'value="spesialist"' in body


def test_pages_for_signed_in_users_are_never_cached(world):
    response = world.client_for("specialist").get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_strict_content_security_policy_is_sent(client):
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp


def test_unknown_page_is_a_friendly_norwegian_404(world):
    response = world.client_for("specialist").get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


def test_scope_reads_memberships_once_per_request(world, django_assert_num_queries):
    user = world.specialist
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)
    assert scope_for(user).specialist_team_ids == {world.team.pk}


def test_outsiders_do_not_see_other_teams_records(world):
    assert not participants_for(world.other_specialist).filter(pk=world.participant.pk).exists()
    assert participants_for(world.specialist).filter(pk=world.participant.pk).exists()
    assert not participants_for(world.partner).exists()
    assert referrals_for(world.partner).filter(pk=world.referral.pk).exists()
    assert not referrals_for(world.other_partner).filter(pk=world.referral.pk).exists()


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for its own process only.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://root@localhost/ips"}, "must be a PostgreSQL URL"),
        ({"DATABASE_URL": "postgres://user@host:notaport/ips"}, "DATABASE_URL is malformed"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL="),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SITE_URL": "ips.example.no"}, "SITE_URL='ips.example.no' must start with https://"),
        ({"TRUSTED_PROXY_HOPS": "-1"}, "TRUSTED_PROXY_HOPS"),
        ({"DATABASE_APP_URL": "mysql://app@db/ips"}, "DATABASE_APP_URL must be a PostgreSQL URL"),
    ],
)
def test_bad_configuration_stops_with_one_clear_line(overrides, message):
    result = _manage("check", **overrides)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_manage_py_on_an_unconfigured_checkout_uses_development_settings():
    """A developer's `python manage.py makemigrations --check` works without any setup, and says
    which settings it used; one configured variable brings back the strict checks."""
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=BASE_DIR,
        env=bare,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert "local development settings" in result.stderr
    strict = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=bare | {"DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert strict.returncode == 2
    assert "must be set" in strict.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-value-1234567890-abcdefghij",
        ALLOWED_HOSTS="ips.example.no",
        SECURE_SSL_REDIRECT="true",
        SECURE_COOKIES="true",
        STATIC_PLAIN_STORAGE="false",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_make_run_migrates_as_the_owner_and_serves_as_the_app_role():
    from ips.embedded import database_roles

    socket = "postgres://postgres@%2Ftmp%2Fvar%2Fpgdata/ips"
    owner, app = database_roles({"DATABASE_URL": socket}, embedded=True)
    assert owner["DATABASE_URL"] == socket
    assert owner["DATABASE_APP_URL"] == app["DATABASE_URL"]
    assert app["DATABASE_URL"] == "postgres://ips_app@%2Ftmp%2Fvar%2Fpgdata/ips"
    assert "DATABASE_APP_URL" not in app

    given = {
        "DATABASE_URL": "postgres://app:x@db/ips",
        "DATABASE_OWNER_URL": "postgres://o:y@db/ips",
    }
    owner, app = database_roles(dict(given), embedded=False)
    assert owner["DATABASE_URL"] == "postgres://o:y@db/ips"
    assert app["DATABASE_URL"] == "postgres://app:x@db/ips" and "DATABASE_OWNER_URL" not in app

    single = {"DATABASE_URL": "postgres://ips@db/ips"}
    owner, app = database_roles(dict(single), embedded=False)
    assert owner is app and app["DATABASE_URL"] == single["DATABASE_URL"]


@pytest.mark.django_db
def test_the_apps_database_connections_run_without_jit():
    """PostgreSQL's JIT compiled the fidelity caseload indicator's query for 366 ms before
    running it in 3 ms (national bench): the app's connections switch it off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
