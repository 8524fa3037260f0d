"""The three dashboards: my day (job specialist), the team (IPS leader), shared (partner)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboards import charts, measures, quarterly, selectors
from dashboards.csv_export import csv_response
from dashboards.display import cells, figure, outcome_rows
from dashboards.forms import PeriodForm, QuarterForm, default_choice, initial_from_choice
from dashboards.models import PeriodPreference
from dashboards.services import period_preference_save
from deadlines.rules import rule_title
from fidelity.selectors import mentoring_counts_per_month
from ips import periods
from ips.access import is_leader, is_partner, is_specialist, require, teams_for
from ips.audit.models import AccessEvent
from ips.audit.services import access_events_record_many
from ips.dates import oslo_today
from participants.models import Contact

# --- Period picker -------------------------------------------------------------------------------


class PeriodChoice:
    """The period a dashboard shows, the picker form and the query string that reproduces it."""

    def __init__(self, request, *, remember: bool = True):
        submitted = any(name in request.GET for name in PeriodForm.FIELDS)
        saved = PeriodPreference.objects.filter(user=request.user).first()
        choice = (
            {
                "kind": saved.kind,
                "year": saved.year,
                "number": saved.number,
                "start": saved.start,
                "end": saved.end,
            }
            if saved
            else default_choice()
        )
        if submitted:
            self.form = PeriodForm(request.GET)
            if self.form.is_valid():
                choice = self.form.choice()
                if remember:
                    period_preference_save(user=request.user, **choice)
        else:
            self.form = PeriodForm(initial=initial_from_choice(choice))
        self.choice = choice
        self.period = periods.period_for(**choice)

    @property
    def query(self) -> dict:
        initial = initial_from_choice(self.choice)
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in initial.items()}


def _querystring(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


def _definitions_url(request) -> str:
    return request.build_absolute_uri(reverse("dashboards:definitions"))


def _outcome_header() -> list[str]:
    return [
        _("Team"),
        _("Periode"),
        _("Mål"),
        _("Antall"),
        _("Nevner"),
        _("Verdi"),
        _("Enhet"),
        _("Merknad"),
        _("Definisjon: se «Slik regnes tallene»"),
    ]


def _outcome_csv_rows(team_name, period, outcomes, *, suppress, definitions_url) -> list[list]:
    rows = []
    for r in outcomes:
        c = cells(r["value"], suppress=suppress)
        rows.append(
            [
                team_name,
                period.label,
                r["label"],
                c.count,
                c.denominator,
                c.value,
                r["unit"],
                c.note,
                f"{definitions_url}#{r['key']}",
            ]
        )
    return rows


def _trend_header() -> list[str]:
    return [
        _("Team"),
        _("Kvartal"),
        _("I ordinært arbeid (antall)"),
        _("Fikk tjenesten (nevner)"),
        _("Sysselsettingsrate (%)"),
        _("Merknad"),
        _("Definisjon: se «Slik regnes tallene»"),
    ]


def _trend_csv_rows(team_name, trend, *, suppress, definitions_url) -> list[list]:
    rows = []
    for r in trend:
        c = cells(r["rate"], suppress=suppress)
        rows.append(
            [
                team_name,
                r["label"],
                c.count,
                c.denominator,
                c.value,
                c.note,
                f"{definitions_url}#{measures.employment_rate_trend.key}",
            ]
        )
    return rows


# --- Job specialist: my day ------------------------------------------------------------------------


@require_GET
@login_required
def my_day(request):
    user = request.user
    require(is_specialist(user))
    today = oslo_today()
    week = selectors.week_of(today)
    month = selectors.month_of(today)

    alerts = selectors.my_open_alerts(user=user)
    quiet = selectors.my_participants_longest_without_contact(user=user)
    goals = selectors.my_goals_due(user=user, week_end=week[1])
    employer_contacts = selectors.my_face_to_face_employer_contacts(user=user, week=week)
    community, total = selectors.my_community_minutes(user=user, month=month)
    community_share = round(100 * community / total) if total else None

    for p in quiet:
        p.days_without_contact = (today - p.last_contact).days if p.last_contact else None
    for g in goals:
        g.overdue = g.target_date < today

    shown = {p.pk: p for p in quiet} | {g.plan.participant.pk: g.plan.participant for g in goals}
    access_events_record_many(
        request=request, what=AccessEvent.What.MY_DAY, participants=shown.values()
    )

    return render(
        request,
        "dashboards/my_day.html",
        {
            "today": today,
            "week": week,
            "month": month,
            "alerts": [(a, rule_title(a.rule)) for a in alerts],
            "quiet": quiet,
            "goals": goals,
            "employer_contacts": employer_contacts,
            "employer_contacts_target": selectors.EMPLOYER_CONTACTS_WEEKLY_TARGET,
            "employer_contacts_met": employer_contacts >= selectors.EMPLOYER_CONTACTS_WEEKLY_TARGET,
            "community_minutes": community,
            "total_minutes": total,
            "community_share": community_share,
            "community_target": selectors.COMMUNITY_SHARE_TARGET,
            "community_met": community_share is not None
            and community_share >= selectors.COMMUNITY_SHARE_TARGET,
            "community_places": [Contact.Place(p).label for p in Contact.COMMUNITY_PLACES],
        },
    )


# --- IPS leader: the team --------------------------------------------------------------------------


def _leader_team(request):
    teams = list(selectors.leader_teams(request.user))
    require(bool(teams))
    wanted = request.GET.get("team")
    if wanted:
        chosen = next((t for t in teams if str(t.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen, teams
    return teams[0], teams


def _trend(team_ids, period, *, suppress: bool) -> list[dict]:
    quarters = periods.quarters_ending_with(period.end)
    rates = measures.employment_rate_trend(team_ids=team_ids, periods=quarters)
    return _trend_rows(quarters, rates, suppress=suppress)


def _trend_rows(quarters, rates, *, suppress: bool) -> list[dict]:
    return [
        {
            "label": periods.short_quarter_label(q),
            "period": q,
            "rate": rate,
            "figure": figure(rate, suppress=suppress),
        }
        for q, rate in zip(quarters, rates, strict=True)
    ]


def _trend_chart(trend, *, title) -> str:
    return charts.employment_rate_chart(
        title=title,
        labels=[row["label"] for row in trend],
        rates=[row["figure"].value for row in trend],
        empty=charts.empty_reason([row["figure"] for row in trend]),
    )


def _team_data(request):
    team, teams = _leader_team(request)
    chosen = PeriodChoice(request, remember=request.resolver_match.url_name == "team")
    period = chosen.period
    today = oslo_today()
    caseload = selectors.caseload_per_specialist(team=team)
    intake = selectors.intake_summary(user=request.user, team=team, today=today)
    alerts = [
        row | {"label": rule_title(row["rule"])}
        for row in selectors.open_alerts_per_rule(user=request.user, team=team)
    ]
    outcomes = outcome_rows(measures.outcomes(team_ids=[team.pk], period=period), suppress=False)
    trend = _trend([team.pk], period, suppress=False)
    return team, teams, chosen, caseload, intake, alerts, outcomes, trend


@require_GET
@login_required
def team(request):
    require(is_leader(request.user))
    team, teams, chosen, caseload, intake, alerts, outcomes, trend = _team_data(request)
    base_query = chosen.query | {"team": team.pk}
    mentoring_months, mentoring_counts = mentoring_counts_per_month(
        team_id=team.pk, end=oslo_today()
    )
    return render(
        request,
        "dashboards/team.html",
        {
            "team": team,
            "teams": teams,
            "period": chosen.period,
            "form": chosen.form,
            "caseload": caseload,
            "caseload_chart": charts.caseload_chart(
                title=_("Aktive deltakere per jobbspesialist (varsel over %(w)s, brudd over %(l)s)")
                % {"w": team.caseload_warning, "l": team.caseload_limit},
                rows=caseload,
                warning=team.caseload_warning,
                limit=team.caseload_limit,
            ),
            "intake": intake,
            "alerts": alerts,
            "outcomes": outcomes,
            "trend": trend,
            "trend_chart": _trend_chart(
                trend, title=_("Sysselsettingsrate siste 8 kvartaler, med IPS-mål")
            ),
            "trend_chart_empty": charts.empty_reason([row["figure"] for row in trend]),
            "export_query": {
                table: _querystring(**base_query, table=table) for table in TEAM_TABLES
            },
            # The leader's field-mentoring log, counted per specialist and month (fidelity).
            "mentoring_months": mentoring_months,
            "mentoring_counts": mentoring_counts,
        },
    )


TEAM_TABLES = ("caseload", "intake", "alerts", "outcomes", "trend")


@require_GET
@login_required
def team_export(request):
    require(is_leader(request.user))
    table = request.GET.get("table")
    if table not in TEAM_TABLES:
        raise Http404
    team, _teams, chosen, caseload, intake, alerts, outcomes, trend = _team_data(request)
    filename = f"ips-{table}-{chosen.period.start:%Y%m%d}-{chosen.period.end:%Y%m%d}.csv"
    definitions_url = _definitions_url(request)
    if table == "caseload":
        header = [
            _("Jobbspesialist"),
            _("Aktive deltakere"),
            _("Varselgrense"),
            _("Bruddgrense"),
            _("Definisjon: se «Slik regnes tallene»"),
        ]
        anchor = f"{definitions_url}#{measures.active_caseload.key}"
        rows = [[r["name"], r["count"], r["warning"], r["limit"], anchor] for r in caseload]
    elif table == "intake":
        header = [_("Åpne henvisninger"), _("Ikke tildelt"), _("Ikke møtt innen en uke")]
        rows = [[intake["open"], intake["unassigned"], intake["not_met_within_week"]]]
    elif table == "alerts":
        header = [_("Regel"), _("Åpne"), _("Kvittert"), _("Totalt")]
        rows = [[r["label"], r["open"], r["acknowledged"], r["total"]] for r in alerts]
    elif table == "outcomes":
        header = _outcome_header()
        rows = _outcome_csv_rows(
            team.name, chosen.period, outcomes, suppress=False, definitions_url=definitions_url
        )
    else:
        header = _trend_header()
        rows = _trend_csv_rows(team.name, trend, suppress=False, definitions_url=definitions_url)
    # Aggregates and staff names only: no personal data about participants, so no access event.
    return csv_response(filename=filename, header=header, rows=rows)


# --- IPS leader: the quarterly outcome report -----------------------------------------------------


def _quarterly(request):
    require(is_leader(request.user))
    team, teams = _leader_team(request)
    form = QuarterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        period = periods.quarter(form.cleaned_data["year"], form.cleaned_data["quarter"])
    else:
        period = quarterly.default_quarter(oslo_today())
        if not form.is_bound:
            form = QuarterForm(
                initial={"year": period.start.year, "quarter": periods.quarter_number(period.start)}
            )
    return team, teams, form, period


@require_GET
@login_required
def quarterly_report(request):
    team, teams, form, period = _quarterly(request)
    report = quarterly.quarterly_report(team=team, period=period)
    query = _querystring(
        team=team.pk, year=period.start.year, quarter=periods.quarter_number(period.start)
    )
    return render(
        request,
        "dashboards/quarterly.html",
        {"report": report, "team": team, "teams": teams, "form": form, "query": query},
    )


@require_GET
@login_required
def quarterly_report_csv(request):
    team, _teams, _form, period = _quarterly(request)
    report = quarterly.quarterly_report(team=team, period=period)
    header, rows = quarterly.report_csv_rows(report, definitions_url=_definitions_url(request))
    # Aggregates and staff names only: no personal data about participants, so no access event.
    return csv_response(filename=quarterly.report_filename(report, "csv"), header=header, rows=rows)


@require_GET
@login_required
def quarterly_report_pdf(request):
    team, _teams, _form, period = _quarterly(request)
    report = quarterly.quarterly_report(team=team, period=period)
    language = "en" if request.GET.get("lang") == "en" else (request.LANGUAGE_CODE or "nb")
    pdf = quarterly.report_pdf(
        report=report, definitions_url=_definitions_url(request), language=language
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{quarterly.report_filename(report, "pdf")}"'
    )
    return response


# --- Everyone: how the figures are counted -------------------------------------------------------


@require_GET
@login_required
def definitions(request):
    return render(
        request,
        "dashboards/definitions.html",
        {"measures": measures.CATALOGUE, "benchmarks": measures.BENCHMARKS},
    )


# --- Partner: shared dashboard ----------------------------------------------------------------------

PARTNER_TABLES = ("outcomes", "trend", "referrals")
REFERRALS_PER_PAGE = 25


def _partner_team_figures(request, chosen):
    """Outcomes and trend of every team the partner collaborates with: each measure is one
    query grouped by team, so the page's query count does not grow with the number of teams."""
    teams = list(teams_for(request.user).order_by("name", "id"))
    team_ids = [t.pk for t in teams]
    outcomes = measures.outcomes_per_team(team_ids=team_ids, period=chosen.period)
    quarters = periods.quarters_ending_with(chosen.period.end)
    trends = measures.employment_rate_trend.per_team(team_ids=team_ids, periods=quarters)
    return [
        {
            "team": t,
            "outcomes": outcome_rows(outcomes[t.pk], suppress=True),
            "trend": _trend_rows(quarters, trends[t.pk], suppress=True),
        }
        for t in teams
    ]


@require_GET
@login_required
def partner(request):
    require(is_partner(request.user))
    chosen = PeriodChoice(request)
    team_rows = _partner_team_figures(request, chosen)
    for row in team_rows:
        row["chart"] = _trend_chart(
            row["trend"],
            title=_("%(team)s: sysselsettingsrate siste 8 kvartaler") % {"team": row["team"].name},
        )
        row["chart_empty"] = charts.empty_reason([r["figure"] for r in row["trend"]])
    referrals = Paginator(selectors.partner_referrals(user=request.user), REFERRALS_PER_PAGE)
    page = referrals.get_page(request.GET.get("page"))
    access_events_record_many(
        request=request, what=AccessEvent.What.PARTNER_REFERRALS, referrals=page
    )
    return render(
        request,
        "dashboards/partner.html",
        {
            "period": chosen.period,
            "form": chosen.form,
            "team_rows": team_rows,
            "page_obj": page,
            "referrals": page.object_list,
            "export_query": {
                table: _querystring(**chosen.query, table=table) for table in PARTNER_TABLES
            },
            "small_count": settings.SMALL_COUNT_SUPPRESSION,
        },
    )


@require_GET
@login_required
def partner_export(request):
    require(is_partner(request.user))
    table = request.GET.get("table")
    if table not in PARTNER_TABLES:
        raise Http404
    chosen = PeriodChoice(request, remember=False)
    period = chosen.period
    filename = f"ips-samarbeid-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    if table == "referrals":
        referrals = list(selectors.partner_referrals(user=request.user))
        access_events_record_many(
            request=request,
            what=AccessEvent.What.PARTNER_EXPORT,
            referrals=referrals,
            action=AccessEvent.Action.EXPORT,
        )
        header = [_("Navn"), _("Status")]
        rows = [[r.person_name, r.get_status_display()] for r in referrals]
        return csv_response(filename=filename, header=header, rows=rows)
    team_rows = _partner_team_figures(request, chosen)
    definitions_url = _definitions_url(request)
    if table == "outcomes":
        header = _outcome_header()
        rows = [
            line
            for row in team_rows
            for line in _outcome_csv_rows(
                row["team"].name,
                period,
                row["outcomes"],
                suppress=True,
                definitions_url=definitions_url,
            )
        ]
    else:
        header = _trend_header()
        rows = [
            line
            for row in team_rows
            for line in _trend_csv_rows(
                row["team"].name, row["trend"], suppress=True, definitions_url=definitions_url
            )
        ]
    return csv_response(filename=filename, header=header, rows=rows)
