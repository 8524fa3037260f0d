"""Locust load mix for `bench/load.py` (not meant to be run by hand against anything but 127.0.0.1).

Users do not type passwords: `bench/load.py` creates a signed-in, two-factor-verified session for
each bench user in the national bench database (a TOTP device named "bench" per user, and the
device id in the session, as django_otp does after a real login) and hands the session keys over
in the JSON file named by BENCH_SESSIONS. That keeps PBKDF2 (≈0.3 s of CPU per login) out of the
page figures and works whether or not 2FA is enforced.

Mix (50 users): mostly job specialists (caseload, participant page, log a contact, my day), some
leaders (intake queue, team dashboard, caseload), a few partners (partner dashboard, referrals).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

OSLO = ZoneInfo("Europe/Oslo")
DATA = json.loads(open(os.environ["BENCH_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
_pools = {role: itertools.cycle(DATA["sessions"][role] or [None]) for role in DATA["sessions"]}


class _FormParser(HTMLParser):
    """Collects POST forms and their fields from a page (enough to fill in the contact log)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and ((a.get("method") or "").lower() == "post" or a.get("hx-post")):
            action = a.get("hx-post") or a.get("action") or ""
            self._form = {"action": action, "fields": {}, "meta": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                if "checked" in a or name not in self._form["fields"]:
                    self._form["fields"][name] = a.get("value", "on")
            elif kind == "checkbox":
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self._form["fields"][name] = a.get("value") or ""
                self._form["meta"][name] = (kind, "required" in a)
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].setdefault(name, "")
        elif tag == "option" and self._select and a.get("value"):
            if not self._form["fields"][self._select] or "selected" in a:
                self._form["fields"][self._select] = a["value"]
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ""
            self._form["meta"][name] = ("textarea", "required" in a)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def contact_form(html: str):
    """The contact-log form in `html`, filled with plausible values, or None."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if re.search(r"kontakt|contact", form["action"], re.I) and not re.search(
            r"arbeidsgiver|employer", form["action"], re.I
        ):
            fields = dict(form["fields"])
            for name, (kind, _required) in form["meta"].items():
                if fields.get(name):
                    continue
                if kind == "date" or "date" in name or "dato" in name:
                    fields[name] = dt.datetime.now(OSLO).date().isoformat()
                elif kind == "number" or "minutes" in name or "minutt" in name:
                    fields[name] = "30"
                elif kind == "textarea" or name in {"note", "notat"}:
                    fields[name] = "Lasttest: samtale om jobbsøking."
            return form["action"], fields
    return None


class _BenchUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 4)

    def on_start(self):
        self.me = {"participant_urls": [], "contact_urls": []}
        self.urls = {}
        me = next(_pools[self.role])
        if me is None:  # no bench user of this role in the data: this locust user idles
            return
        self.me.update(me)
        self.urls = DATA["urls"]
        self.client.cookies.set(DATA["cookie_name"], me["session_key"])

    def get(self, url, name):
        if url:
            self.client.get(url, name=name)


class Specialist(_BenchUser):
    role = "specialist"
    weight = 7

    @task(3)
    def caseload(self):
        self.get(self.urls.get("caseload"), "caseload")

    @task(4)
    def participant_page(self):
        if self.me["participant_urls"]:
            self.get(random.choice(self.me["participant_urls"]), "participant page")

    @task(1)
    def log_contact(self):
        """What the dialog does: fetch the form (htmx partial), post it back (htmx)."""
        if not self.me["contact_urls"]:
            return
        url = random.choice(self.me["contact_urls"])
        htmx = {"HX-Request": "true"}
        form_page = self.client.get(url, name="contact form", headers=htmx)
        found = contact_form(form_page.text) if form_page.ok else None
        if not found:
            return
        action, fields = found
        fields.setdefault("csrfmiddlewaretoken", self.client.cookies.get("csrftoken") or "")
        with self.client.post(
            action or url,
            data=fields,
            name="log contact",
            headers={**htmx, "Referer": form_page.url},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 204, 302, 303):
                response.failure(f"HTTP {response.status_code}")
            elif "is-invalid" in response.text:
                response.failure("contact form rejected: " + response.text[:200])
            else:
                response.success()

    @task(1)
    def my_day(self):
        self.get(self.urls.get("my_day"), "my day")


class Leader(_BenchUser):
    role = "leader"
    weight = 2

    @task(2)
    def queue(self):
        self.get(self.urls.get("queue"), "referral queue")

    @task(2)
    def team_dashboard(self):
        self.get(self.urls.get("team"), "team dashboard")

    @task(1)
    def caseload(self):
        self.get(self.urls.get("caseload"), "caseload")


class Partner(_BenchUser):
    role = "partner"
    weight = 1

    @task(2)
    def partner_dashboard(self):
        self.get(self.urls.get("partner"), "partner dashboard")

    @task(1)
    def referrals(self):
        self.get(self.urls.get("referrals"), "referral list")
