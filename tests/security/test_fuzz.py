"""Robustness: malformed input to every form and every query parameter of every URL.

Walks every declared URL (tests/<app>/access.py, which the access matrix already proves covers
every URL pattern), as the personas who can open it. For each page it sends
- every GET-form field and a few common parameters with hostile values, and
- every POST form on the page with all fields set to one hostile value at a time
  (POST-only endpoints get a body of hostile values too).
No response may be a 500 (or raise), and a rejected POST (anything but a redirect) must leave the
stored data unchanged: a fingerprint of every case table is compared before and after.

Values are a fixed list of known troublemakers plus random unicode from a seeded generator, so a
failure reproduces exactly; runtime stays well under two minutes.
"""

import random
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from tests.test_access_matrix import DECLARED

CASE_APPS = ("accounts", "referrals", "participants", "employers", "fidelity", "deadlines")
SKIPPED = {"logout"}
ROLES = ("leader", "specialist", "partner", "auditor")
COMMON_PARAMS = ("page", "q", "status", "sort", "team", "period")


def _random_text(rng: random.Random, n: int) -> str:
    alphabet = "aøå ÆØÅ\u202e\u200b\ufeff'\"<>%&;\\/{}[]\t\n0123456789-_.,😀\u0301"
    return "".join(rng.choice(alphabet) for _ in range(n))


def hostile_values() -> list[str]:
    rng = random.Random(9)  # noqa: S311 - reproducible fuzz input, not security
    return [
        "",
        "\x00",
        "x" * 20_000,
        "-1",
        "99999999999999999999999",
        "2026-02-30",
        "1e309",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "ÆØÅ\u202e\ufeff😀",
        _random_text(rng, 40),
        _random_text(rng, 300),
    ]


GET_VALUES = ("\x00", "x" * 5000, "-1", "2026-13-45", "ÆØÅ😀\u202e", "' OR 1=1 --")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._current)
        elif tag in {"input", "select", "textarea"} and self._current is not None:
            name = a.get("name")
            if name and name != "csrfmiddlewaretoken" and a.get("type") != "file":
                self._current["fields"].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def fingerprint() -> dict[str, str]:
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.app_label in CASE_APPS and not m._meta.proxy and m._meta.managed
    ]
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - table names from the model registry
            )
            result[table] = cursor.fetchone()
    return result


def _request(client, method, url, data, failures, label):
    try:
        response = getattr(client, method)(url, data)
    except Exception as exc:  # noqa: BLE001 - an unhandled exception is what we are looking for
        failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    if response.status_code >= 500:
        failures.append(f"{label}: HTTP {response.status_code}")
    return response


def _build_world_urls(world):
    urls = {}
    for url_name in sorted(DECLARED):
        if url_name in SKIPPED:
            continue
        expect = DECLARED[url_name]
        try:
            with transaction.atomic():
                urls[url_name] = reverse(url_name, kwargs=expect.kwargs(world)) + expect.query
        except Exception:  # noqa: BLE001, S112 - fixture data of another app missing; matrix reports it
            continue
    return urls


def test_no_malformed_input_gives_a_500_or_changes_stored_data(world):
    world.participant, world.referral, world.employer  # noqa: B018 - data for the forms to hit
    clients = {role: world.client_for(role) for role in ROLES}
    failures: list[str] = []
    values = hostile_values()
    for url_name, url in _build_world_urls(world).items():
        path = url.split("?")[0]
        openers = []
        for role, client in clients.items():
            response = _request(client, "get", url, {}, failures, f"GET {url_name} as {role}")
            if response is not None and response.status_code in (200, 405):
                openers.append((role, client, response))
            if len(openers) == 2:
                break
        for role, client, page in openers:
            label = f"{url_name} as {role}"
            html = page.status_code == 200 and "html" in page.get("Content-Type", "")
            forms = []
            if html:
                parser = _Forms()
                parser.feed(page.content.decode(errors="replace"))
                forms = parser.forms
            # Query parameters.
            if html:
                params = set(COMMON_PARAMS)
                for form in forms:
                    if form["method"] == "get":
                        params.update(form["fields"])
                for value in GET_VALUES:
                    _request(
                        client,
                        "get",
                        path,
                        dict.fromkeys(params, value),
                        failures,
                        f"GET {label} {value[:12]!r}",
                    )
            # Forms (or a hostile body for POST-only endpoints).
            posts = [f for f in forms if f["method"] == "post" and f["action"] in ("", path)]
            if page.status_code == 405:
                posts = [{"fields": ["note", "status", "reason", "date", "value", "score"]}]
            for form in posts:
                for value in values:
                    before = fingerprint()
                    response = _request(
                        client,
                        "post",
                        path,
                        dict.fromkeys(form["fields"], value),
                        failures,
                        f"POST {label} {value[:12]!r}",
                    )
                    rejected = response is not None and response.status_code not in (301, 302, 303)
                    if rejected and fingerprint() != before:
                        failures.append(f"POST {label} {value[:12]!r}: rejected but data changed")
    assert not failures, "\n".join(failures[:40])
