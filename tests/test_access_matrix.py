"""Every URL pattern, every persona: the access policy as one table."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ROLES, Expect

# Django's own admin is guarded by is_staff; checked separately below.
SKIPPED_NAMESPACES = {"admin"}


def _declared() -> dict[str, Expect]:
    expectations: dict[str, Expect] = {}
    tests_dir = Path(__file__).resolve().parent
    for module_info in pkgutil.iter_modules([str(tests_dir)]):
        if not module_info.ispkg:
            continue
        if not (tests_dir / module_info.name / "access.py").exists():
            continue
        module = importlib.import_module(f"tests.{module_info.name}.access")
        overlap = expectations.keys() & module.EXPECTATIONS.keys()
        assert not overlap, f"Declared twice: {overlap}"
        expectations.update(module.EXPECTATIONS)
    return expectations


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names.extend(_url_names(pattern, prefix))
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern without a name: {pattern.pattern}"
            names.append(f"{namespace}{pattern.name}")
    return names


DECLARED = _declared()


def test_every_url_pattern_has_a_declared_access_expectation():
    undeclared = sorted(set(_url_names()) - DECLARED.keys())
    assert not undeclared, f"Declare access expectations in tests/<app>/access.py for: {undeclared}"


def test_no_expectation_for_a_url_that_does_not_exist():
    stale = sorted(DECLARED.keys() - set(_url_names()))
    assert not stale, f"Expectations for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("url_name", sorted(DECLARED))
def test_access_matrix(world, url_name):
    expect = DECLARED[url_name]
    url = reverse(url_name, kwargs=expect.kwargs(world)) + expect.query
    got = {}
    for role in ROLES:
        response = world.client_for(role).get(url)
        got[role] = response.status_code
        if role == "anonymous" and response.status_code == 302 and not expect.public:
            assert response["Location"].startswith(reverse("login")), url
    assert got == expect.statuses


def test_admin_is_only_for_administrators(world):
    for role in ROLES[1:]:
        response = world.client_for(role).get("/admin/")
        assert response.status_code == 302, role
    admin = world.client_for("anonymous")
    admin.force_login(world.admin)
    assert admin.get("/admin/").status_code == 200
