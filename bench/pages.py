"""The Django side of `make bench`: which pages are measured, as whom, and how.

Runs inside a worker process whose DATABASE_URL points at one bench database (small or
national). `bench/run.py` starts one worker per database and drives both in alternating rounds,
so machine noise hits both scales alike and the ratio national/small stays meaningful.

Personas are chosen to be *typical*, not lucky: the specialist with the median caseload, the
leader of that specialist's team, the partner organisation with the median number of referrals,
the participant with the median number of contacts in that caseload.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

LIST = "list"
DASHBOARD = "dashboard"
# Issue 18's targets at national scale: lists and detail pages, and the dashboards, the
# quarterly report and the fidelity review.
TARGET_MS = {LIST: 100, DASHBOARD: 150}
# The project's own code in a profile (the apps and the foundation, not site-packages).
PROJECT_CODE = r"^(?!.*site-packages).*/(ips|participants|referrals|employers|fidelity|appointments|deadlines|dashboards|reports|spreadsheets)/"


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    url_names: tuple[str, ...]  # first one that reverses is used
    persona: str  # key into Context.users
    kind: str = LIST
    kwargs: str | None = None  # key into Context.objects, passed as pk
    admin: str | None = None  # "app_label.model" of the baseline admin page
    admin_object: str | None = None  # with it: the admin change view of that object


PAGES = (
    PageSpec(
        "caseload",
        "Portefølje (caseload)",
        ("participants:caseload",),
        "specialist",
        admin="participants.participant",
    ),
    PageSpec(
        "participant",
        "Deltakerside",
        ("participants:detail",),
        "specialist",
        kwargs="participant",
        admin="participants.participant",
        admin_object="participant",
    ),
    PageSpec(
        "queue",
        "Inntak (henvisningskø)",
        ("referrals:queue",),
        "leader",
        admin="referrals.referral",
    ),
    PageSpec(
        "alerts",
        "Varsler",
        ("deadlines:alert_list",),
        "specialist",
        admin="deadlines.alert",
    ),
    PageSpec(
        "my_day",
        "Min dag",
        ("dashboards:my_day",),
        "specialist",
        kind=DASHBOARD,
        admin="participants.participant",
    ),
    PageSpec(
        "team",
        "Teamoversikt",
        ("dashboards:team",),
        "leader",
        kind=DASHBOARD,
        admin="participants.participant",
    ),
    PageSpec(
        "quarterly",
        "Kvartalsrapport (leder)",
        ("dashboards:quarterly",),
        "leader",
        kind=DASHBOARD,
        admin="participants.participant",
    ),
    PageSpec(
        "partner",
        "Samarbeidsoversikt",
        ("dashboards:partner",),
        "partner",
        kind=DASHBOARD,
        admin="referrals.referral",
    ),
    PageSpec(
        "review",
        "Kvalitetsmåling (detalj)",
        ("fidelity:review_detail", "fidelity:review"),
        "reviewer",
        kind=DASHBOARD,
        kwargs="review",
        admin="fidelity.review",
        admin_object="review",
    ),
    PageSpec(
        "weekly",
        "Jobbutvikling (uke)",
        ("employers:weekly",),
        "specialist",
        admin="employers.employercontact",
    ),
)


@dataclass
class Context:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


def _median_item(rows):
    rows = list(rows)
    return rows[len(rows) // 2] if rows else None


def build_context() -> Context:
    """Pick typical personas and records in the current database."""
    from django.db.models import Count

    from fidelity.models import Review
    from ips.accounts.models import Membership, Organisation, User
    from participants.models import Participant

    Role = Membership.Role
    ctx = Context()
    active = Membership.objects.filter(ended_at__isnull=True)
    closed = [Participant.Status.CLOSED]

    # The specialist with the median number of open cases.
    specialist_ids = active.filter(role=Role.JOB_SPECIALIST).values_list("user_id", flat=True)
    row = _median_item(
        Participant.objects.filter(job_specialist_id__in=specialist_ids)
        .exclude(status__in=closed)
        .values("job_specialist_id")
        .annotate(n=Count("id"))
        .order_by("n", "job_specialist_id")
    )
    if row:
        ctx.users["specialist"] = User.objects.get(pk=row["job_specialist_id"])
        ctx.notes["specialist"] = f"{row['n']} åpne saker"
        team_id = (
            active.filter(user=ctx.users["specialist"], role=Role.JOB_SPECIALIST)
            .values_list("team_id", flat=True)
            .first()
        )
        # The participant with the median number of contacts in that caseload.
        prow = _median_item(
            Participant.objects.filter(job_specialist=ctx.users["specialist"])
            .exclude(status__in=closed)
            .annotate(n=Count("contacts"))
            .values("id", "n")
            .order_by("n", "id")
        )
        if prow:
            ctx.objects["participant"] = prow["id"]
            ctx.notes["participant"] = f"{prow['n']} kontakter"
    else:
        team_id = None

    leader = (
        active.filter(role=Role.LEADER, team_id=team_id, user__is_superuser=False).first()
        if team_id is not None
        else None
    )
    leader = leader or active.filter(role=Role.LEADER, user__is_superuser=False).first()
    if leader:
        ctx.users["leader"] = leader.user
        team_id = team_id or leader.team_id

    # The NAV office (the usual partner) with the median number of referrals, and one of its
    # users; any partner organisation if there is no NAV partner.
    partner_orgs = active.filter(role=Role.PARTNER).values_list("organisation_id", flat=True)
    nav_orgs = partner_orgs.filter(organisation__kind=Organisation.Kind.NAV)
    if nav_orgs.exists():
        partner_orgs = nav_orgs
    from referrals.models import Referral

    orow = _median_item(
        Referral.objects.filter(source_organisation_id__in=partner_orgs)
        .values("source_organisation_id")
        .annotate(n=Count("id"))
        .order_by("n", "source_organisation_id")
    )
    partner = None
    if orow:
        partner = active.filter(
            role=Role.PARTNER, organisation_id=orow["source_organisation_id"]
        ).first()
        ctx.notes["partner"] = f"{orow['n']} henvisninger"
    partner = partner or active.filter(role=Role.PARTNER).first()
    if partner:
        ctx.users["partner"] = partner.user

    # A fidelity review of the typical team, read by its auditor (or the leader).
    review = (
        Review.objects.filter(team_id=team_id).order_by("-period_end").first()
        if team_id is not None
        else None
    ) or Review.objects.order_by("-period_end").first()
    if review:
        ctx.objects["review"] = review.pk
        auditor = active.filter(role=Role.AUDITOR, team_id=review.team_id).first()
        reviewer = auditor.user if auditor else None
        if reviewer is None:
            lead = active.filter(role=Role.LEADER, team_id=review.team_id).first()
            reviewer = lead.user if lead else None
        if reviewer:
            ctx.users["reviewer"] = reviewer

    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            username="bench-admin", email="bench-admin@localhost", password=None
        )
    ctx.users["admin"] = admin
    ctx.notes["team"] = str(team_id)
    return ctx


def verified_client(user):
    """A test Client logged in as `user`, with a verified second factor when django_otp is in use.

    Mirrors what a real login does: force_login, then the OTP device id in the session (that is
    how django_otp remembers a verified session). Bench databases only: a TOTP device named
    "bench" is created for the user if they have none.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    if "django_otp" in settings.INSTALLED_APPS:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def ensure_admin_registered() -> None:
    """Baseline pages: a plain ModelAdmin for bench models no app has registered yet.

    Must run before the URLconf is first loaded (admin.site.urls is read then).
    """
    from django.apps import apps
    from django.contrib import admin

    for spec in PAGES:
        if spec.admin:
            model = apps.get_model(spec.admin)
            if not admin.site.is_registered(model):
                admin.site.register(model)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); the same rule at both scales."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(timings: list[float], sql: list[float] = (), cpu: list[float] = ()) -> dict:  # type: ignore[assignment]
    """p50/p95 of the wall time, and the medians of the SQL time (sum of the request's query
    durations, seen from Django) and of the process CPU time per request."""
    return {
        "n": len(timings),
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "mean": statistics.fmean(timings) if timings else float("nan"),
        "sql_p50": percentile(list(sql), 50),
        "cpu_p50": percentile(list(cpu), 50),
        "cpu_mean": statistics.fmean(cpu) if cpu else float("nan"),
    }


class QueryTimer:
    """A connection.execute_wrapper that adds up the wall time of every query of a request."""

    def __init__(self):
        self.ms = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000
            self.count += 1


class Worker:
    """Lives in one process bound to one database; answers the orchestrator's requests."""

    def __init__(self):
        self.ctx = build_context()
        self.clients = {}
        self.urls = {}

    def client(self, persona):
        if persona not in self.clients:
            self.clients[persona] = verified_client(self.ctx.users[persona])
        return self.clients[persona]

    def resolve(self, spec: PageSpec) -> tuple[str | None, str]:
        """URL of the page, or None and the reason it can't be measured."""
        from django.urls import NoReverseMatch, reverse

        kwargs = {}
        if spec.kwargs:
            if spec.kwargs not in self.ctx.objects:
                return None, f"no {spec.kwargs} in the data"
            kwargs = {"pk": self.ctx.objects[spec.kwargs]}
        for name in spec.url_names:
            try:
                return reverse(name, kwargs=kwargs or None), name
            except NoReverseMatch:
                continue
        return None, "not available (URL does not exist yet)"

    def admin_url(self, spec: PageSpec) -> str | None:
        from django.urls import NoReverseMatch, reverse

        if not spec.admin:
            return None
        app_label, model = spec.admin.split(".")
        try:
            if spec.admin_object:
                pk = self.ctx.objects.get(spec.admin_object)
                if pk is None:
                    return None
                return reverse(f"admin:{app_label}_{model}_change", args=[pk])
            return reverse(f"admin:{app_label}_{model}_changelist")
        except NoReverseMatch:
            return None

    def describe(self) -> dict:
        pages = {}
        for spec in PAGES:
            url, why = self.resolve(spec)
            user = self.ctx.users.get(spec.persona)
            if url and user is None:
                url, why = None, f"no user for persona {spec.persona}"
            pages[spec.key] = {
                "url": url,
                "why": why,
                "user": user.username if user else None,
                "admin_url": self.admin_url(spec),
            }
        return {"pages": pages, "notes": self.ctx.notes}

    def _get(self, client, url):
        ms, status, _sql, _cpu = self._get_timed(client, url)
        return ms, status

    def _get_timed(self, client, url):
        """Wall ms, status, SQL ms (sum of the query durations) and CPU ms of this process
        (time.process_time: Python and templates; PostgreSQL's own CPU is not in it)."""
        from django.db import connection

        timer = QueryTimer()
        cpu_started = time.process_time()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            else:
                _ = response.content
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        return wall, response.status_code, timer.ms, cpu

    def measure(self, key: str, n: int, *, admin: bool = False) -> dict:
        spec = next(s for s in PAGES if s.key == key)
        url = self.admin_url(spec) if admin else self.resolve(spec)[0]
        client = self.client("admin" if admin else spec.persona)
        timings, sql, cpu, statuses = [], [], [], set()
        for _ in range(n):
            ms, status, sql_ms, cpu_ms = self._get_timed(client, url)
            timings.append(ms)
            sql.append(sql_ms)
            cpu.append(cpu_ms)
            statuses.add(status)
        return {"timings": timings, "sql": sql, "cpu": cpu, "statuses": sorted(statuses)}

    def profile(self, key: str, n: int, path: str, top: int = 30) -> str:
        """cProfile of n requests of one page (after one warm-up), the top functions by own
        time and by cumulative time written to `path`."""
        import cProfile
        import io
        import pstats

        spec = next(s for s in PAGES if s.key == key)
        url = self.resolve(spec)[0]
        client = self.client(spec.persona)
        self._get(client, url)
        # CPU time, not wall: waiting for PostgreSQL (or for a busy machine) is not counted.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(n):
            self._get(client, url)
        profiler.disable()
        out = io.StringIO()
        out.write(
            f"# cProfile (process CPU time): {spec.label} ({url}), {n} requests, "
            f"as {spec.persona}\n\n"
        )
        out.write("## the project's own functions, by cumulative CPU\n")
        project = pstats.Stats(profiler, stream=out)
        project.sort_stats("cumulative").print_stats(PROJECT_CODE, top)
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        out.write("\n## all functions, by own CPU (tottime)\n")
        stats.sort_stats("tottime").print_stats(top)
        out.write("\n## all functions, by cumulative CPU\n")
        stats.sort_stats("cumulative").print_stats(top)
        with open(path, "w", encoding="utf-8") as f:
            f.write(out.getvalue())
        return path

    def queries(self, key: str, *, admin: bool = False) -> dict:
        """Query count of one request, and its plain SELECTs (candidates for EXPLAIN)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        spec = next(s for s in PAGES if s.key == key)
        url = self.admin_url(spec) if admin else self.resolve(spec)[0]
        client = self.client("admin" if admin else spec.persona)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        selects: list[dict[str, Any]] = [
            {"sql": q["sql"], "ms": float(q["time"]) * 1000}
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
            and ";" not in q["sql"]  # pghistory's set_config prefix precedes writes
            and "set_config(" not in q["sql"]
        ]
        slow = sorted(selects, key=lambda q: -q["ms"])
        return {
            "count": len(captured.captured_queries),
            "status": response.status_code,
            "slow": slow,
        }

    def explain(self, sql: str) -> str:
        from django.db import connection, transaction

        # ANALYZE executes the statement: plain SELECTs only, inside a transaction rolled back.
        if not sql.lstrip().upper().startswith("SELECT") or ";" in sql:
            return "(skipped: not a plain SELECT)"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        return plan

    def csv_export(self) -> dict:
        """Time the dashboards CSV export (leader persona), if the app has one."""
        from django.urls import NoReverseMatch, reverse

        from dashboards import urls as dashboard_urls

        names = [
            p.name
            for p in getattr(dashboard_urls, "urlpatterns", [])
            if getattr(p, "name", None) and ("csv" in p.name or "export" in p.name)
        ]
        from dashboards import views as dashboard_views

        tables = list(getattr(dashboard_views, "TEAM_TABLES", None) or [None])
        for name in names:
            if "partner" in name:
                continue
            try:
                url = reverse(f"dashboards:{name}")
            except NoReverseMatch:
                continue
            client = self.client("leader")
            figures = []
            for table in tables:
                full = f"{url}?table={table}" if table else url
                self._get(client, full)  # warm-up
                ms, status = self._get(client, full)
                figures.append({"table": table, "ms": ms, "status": status})
            return {"url": url, "name": name, "figures": figures}
        return {"url": None}


def ensure_bench_personas() -> list[str]:
    """Give the typical team a partner user and a scored fidelity review if the data has none,
    and run the deadline scan once if the typical team has no alerts yet.

    The national seed now brings partner users and two reviews per team; these fallbacks keep
    bench databases seeded before that measurable. The alert check is per team: the small bench
    database gets its demo alerts from `seed_demo` before its national-shaped teams are added.
    Idempotent (bench databases only).
    """
    import datetime as dt

    from django.db import transaction
    from django.db.models import Count

    from fidelity.models import ItemScore, Review, Scale
    from ips.accounts.models import Membership, Organisation, Team, User
    from participants.models import Participant
    from referrals.models import Referral

    Role = Membership.Role
    done: list[str] = []
    active = Membership.objects.filter(ended_at__isnull=True)
    specialist_ids = active.filter(role=Role.JOB_SPECIALIST).values_list("user_id", flat=True)
    row = _median_item(
        Participant.objects.filter(job_specialist_id__in=specialist_ids)
        .exclude(status=Participant.Status.CLOSED)
        .values("job_specialist_id", "team_id")
        .annotate(n=Count("id"))
        .order_by("n", "job_specialist_id")
    )
    if row is None:
        return done
    team = Team.objects.get(pk=row["team_id"])
    with transaction.atomic():
        nav = Organisation.Kind.NAV
        if not active.filter(role=Role.PARTNER, organisation__kind=nav).exists():
            # A NAV office working with the typical team, source of half of its referrals.
            office = Organisation.objects.create(name=f"NAV Bench {team.pk}", kind=nav)
            team.partner_organisations.add(office)
            ids = list(
                Referral.objects.filter(team=team).order_by("id").values_list("id", flat=True)
            )
            Referral.objects.filter(id__in=ids[::2]).update(source_organisation=office)
            user = User.objects.create_user(username="bench-nav", first_name="Bench")
            Membership.objects.create(user=user, role=Role.PARTNER, organisation=office)
            done.append("NAV partner user")
        scale = Scale.objects.filter(is_default=True).first() or Scale.objects.first()
        if scale and not Review.objects.filter(team=team).exists():
            auditor = active.filter(role=Role.AUDITOR, team=team).first()
            if auditor is None:
                user = User.objects.create_user(username="bench-revisor", first_name="Bench")
                auditor = Membership.objects.create(user=user, role=Role.AUDITOR, team=team)
            leader = active.filter(role=Role.LEADER, team=team).first()
            review = Review.objects.create(
                team=team,
                scale=scale,
                period="2026-H1",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 6, 30),
                kind=Review.Kind.SELF,
                status=Review.Status.SCORING,
                created_by=leader.user if leader else auditor.user,
            )
            review.reviewers.add(auditor.user)
            ItemScore.objects.bulk_create(
                ItemScore(
                    review=review,
                    item=item,
                    score=1 + item.number % 5,
                    rationale="Vurdert ut fra journalgjennomgang og intervju med teamet.",
                    data_sources="Journal, intervju",
                )
                for item in scale.items.order_by("number")
            )
            done.append("scored fidelity review")
    from deadlines.models import Alert

    if not Alert.objects.filter(team=team).exists():
        # Alerts come from the deadline scan (a Celery beat job in production): run it once.
        from deadlines.engine import scan

        scan()
        done.append(f"{Alert.objects.count()} alerts from one deadline scan")
    return done


def worker_main(conn, env: dict) -> None:
    """Entry point of a worker process (multiprocessing, spawn)."""
    import os
    import sys
    from pathlib import Path

    os.environ.update(env)
    base = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(base))
    os.chdir(base)
    import django

    django.setup()
    ensure_admin_registered()
    worker = None
    while True:
        message = conn.recv()
        command = message.pop("cmd")
        if command == "stop":
            conn.send({"ok": True})
            return
        try:
            if command == "ensure_personas":
                conn.send({"ok": True, "result": ensure_bench_personas()})
                continue
            if worker is None:
                worker = Worker()
            result = getattr(worker, command)(**message)
            conn.send({"ok": True, "result": result})
        except Exception as exc:  # noqa: BLE001 - reported to the orchestrator, not swallowed
            import traceback

            conn.send({"ok": False, "error": f"{exc!r}", "trace": traceback.format_exc()})
