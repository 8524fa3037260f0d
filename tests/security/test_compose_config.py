"""`docker compose config` accepts docker-compose.yml with the proxy service (issue 17). Runs
where the compose plugin (`docker compose`) or Debian's `docker-compose` is installed; skips
elsewhere (tests/security/test_proxy.py checks the file's shape without it)."""

import os
import shutil
import subprocess  # noqa: S404

import pytest
from django.conf import settings


def _compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(  # noqa: S603
            [docker, "compose", "version"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_is_valid_with_the_proxy():
    compose = _compose()
    if compose is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    env = os.environ | {
        "POSTGRES_PASSWORD": "owner-secret",
        "APP_DB_PASSWORD": "app-secret",
        "SECRET_KEY": "compose-check",
        "SITE_ADDRESS": "ips.example.no",
    }
    result = subprocess.run(  # noqa: S603
        [*compose, "--project-directory", str(settings.BASE_DIR), "config"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert "image: caddy:2" in config
    assert "TRUSTED_PROXY_HOPS: '1'" in config or 'TRUSTED_PROXY_HOPS: "1"' in config
    assert "postgres://ips_app:app-secret@db:5432/ips" in config
    assert "SITE_ADDRESS: ips.example.no" in config


def test_compose_refuses_to_start_without_the_secrets():
    compose = _compose()
    if compose is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD", "SECRET_KEY")}
    env |= {"APP_DB_PASSWORD": "app-secret"}
    result = subprocess.run(  # noqa: S603
        [*compose, "--project-directory", str(settings.BASE_DIR), "config", "-q"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr or "set SECRET_KEY" in result.stderr
