"""Proxy trust is configured, not assumed (issue 17, finding 3): X-Forwarded-For and
X-Forwarded-Proto count only from the number of reverse proxies set in TRUSTED_PROXY_HOPS."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from ips.audit.models import AccessEvent
from ips.http import client_ip
from tests.conftest import PASSWORD

LOGIN = reverse("login")
PROXY = "172.18.0.5"  # the reverse proxy's address on the internal network


def attempt(password, *, remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=remote, **headers).post(
        LOGIN, {"username": "spesialist", "password": password}
    )


def locked(response) -> bool:
    return response.status_code == 200 and "For mange mislykkede" in response.content.decode()


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", None, "10.0.0.1"),
        (0, "10.0.0.1", "6.6.6.6", "10.0.0.1"),
        (0, "10.0.0.1", "6.6.6.6, 7.7.7.7", "10.0.0.1"),
        (1, PROXY, "10.5.5.5", "10.5.5.5"),
        (1, PROXY, "6.6.6.6, 10.5.5.5", "10.5.5.5"),
        (2, PROXY, "6.6.6.6, 10.5.5.5, 172.18.0.9", "10.5.5.5"),
        # Fewer hops than configured: not through our proxies, so the socket address.
        (2, PROXY, "10.5.5.5", PROXY),
        (1, PROXY, "not-an-address", None),
    ],
)
def test_client_address_is_read_from_the_trusted_hops_only(
    settings, hops, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_ip(request) == expected


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_lock(world, settings):
    """Before: a locked user signed in again by sending another X-Forwarded-For."""
    settings.TRUSTED_PROXY_HOPS = 0
    settings.LOGIN_FAILURE_LIMIT = 3
    for n in range(3):
        attempt("feil", remote="10.0.0.1", forwarded=f"1.2.3.{n}")
    assert locked(attempt(PASSWORD, remote="10.0.0.1", forwarded="9.9.9.9"))
    assert locked(attempt(PASSWORD, remote="10.0.0.1"))
    # Another real address is another person: not locked.
    assert attempt(PASSWORD, remote="10.0.0.2", forwarded="10.0.0.1").status_code == 302


def test_per_address_limit_counts_the_real_address(world, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    for n, name in enumerate(("a", "b", "c", "d")):
        Client(REMOTE_ADDR="10.3.0.1", HTTP_X_FORWARDED_FOR=f"5.5.5.{n}").post(
            LOGIN, {"username": name, "password": "feil"}
        )
    assert locked(attempt(PASSWORD, remote="10.3.0.1", forwarded="5.5.5.99"))


def test_behind_one_proxy_the_address_it_appended_is_counted(world, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.LOGIN_FAILURE_LIMIT = 3
    for n in range(3):
        # The client sends its own X-Forwarded-For; the proxy appends the real address.
        attempt("feil", remote=PROXY, forwarded=f"1.2.3.{n}, 10.5.5.5")
    assert locked(attempt(PASSWORD, remote=PROXY, forwarded="8.8.8.8, 10.5.5.5"))
    assert locked(attempt(PASSWORD, remote=PROXY, forwarded="10.5.5.5"))
    assert attempt(PASSWORD, remote=PROXY, forwarded="10.5.5.5, 10.6.6.6").status_code == 302


@pytest.mark.parametrize(
    ("hops", "forwarded", "stored"),
    [(0, "6.6.6.6", "10.0.0.1"), (1, "6.6.6.6, 10.5.5.5", "10.5.5.5")],
)
def test_access_log_stores_the_real_address(world, settings, hops, forwarded, stored):
    settings.TRUSTED_PROXY_HOPS = hops
    client = world.client_for("specialist")
    client.defaults.update(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    participant = world.participant
    assert (
        client.get(reverse("participants:detail", kwargs={"pk": participant.pk})).status_code == 200
    )
    event = AccessEvent.objects.filter(participant=participant).latest("id")
    assert event.ip_address == stored


def test_forwarded_proto_is_not_trusted_without_a_proxy(world, settings):
    assert django_settings.TRUSTED_PROXY_HOPS == 0
    assert django_settings.SECURE_PROXY_SSL_HEADER is None
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not request.is_secure()


def _settings_value(name: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"from ips import settings; print(settings.{name})"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_forwarded_proto_is_trusted_only_with_proxy_hops_configured():
    assert _settings_value("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_HOPS="0") == "None"
    assert _settings_value("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_HOPS="1") == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_health_check_answers_over_plain_http_with_debug_off(db, settings):
    """Finding 5: compose's health check called http and was redirected to https."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["ips.example.no", "web"]
    client = Client(HTTP_HOST="web")
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    # Every other page still goes to https.
    assert client.get(LOGIN).status_code == 301


def test_compose_puts_a_tls_proxy_in_front_and_keeps_gunicorn_internal():
    """`docker compose config` is the real check where docker compose is installed; this reads
    the file with a YAML parser and checks the shape the deployment relies on."""
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((django_settings.BASE_DIR / "docker-compose.yml").read_text())
    services, networks = compose["services"], compose["networks"]
    proxy, web = services["proxy"], services["web"]
    assert proxy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "ports" not in web  # gunicorn is not published
    assert networks["backend"]["internal"] is True
    assert web["networks"] == ["backend"] and "backend" in proxy["networks"]
    assert [name for name, s in services.items() if s.get("ports")] == ["proxy"]
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["environment"]["TRUSTED_PROXY_HOPS"] == "1"
    assert "/helse/" in " ".join(web["healthcheck"]["test"])
    assert "--timeout" in web["command"]
    caddyfile = (django_settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
