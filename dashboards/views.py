"""The three dashboards: my day (job specialist), the team (IPS leader), shared (partner)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from appointments import services as appointment_services
from appointments.forms import AppointmentForm
from appointments.models import Appointment
from appointments.selectors import appointment_get_for_user, planned_first_meetings
from dashboards import charts, figures, measures, quarterly, selectors
from dashboards import work_queue as work_queue_actions
from dashboards.csv_export import csv_response
from dashboards.display import cells, figure, outcome_rows
from dashboards.forms import (
    EmployerContactQuickForm,
    PeriodForm,
    QuarterForm,
    default_choice,
    initial_from_choice,
)
from dashboards.models import PeriodPreference
from dashboards.services import period_preference_save
from dashboards.work_queue import work_queue
from deadlines.rules import rule_title
from employers.selectors import employers_for
from employers.services import employer_contact_log
from fidelity.selectors import mentoring_counts_per_month
from ips import periods
from ips.access import (
    can_edit_participant,
    is_leader,
    is_partner,
    is_specialist,
    is_staff_member,
    require,
    teams_for,
)
from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record, access_events_record_many
from ips.dates import oslo_today
from ips.forms import add_validation_error
from ips.http import announce
from participants import services as participant_services
from participants.forms import ContactForm, PlanReviewForm
from participants.models import Contact
from participants.selectors import participant_get_for_user
from referrals.forms import FirstMeetingForm
from referrals.models import Referral
from referrals.selectors import referral_get_for_user

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


def _queue_context(request, today) -> dict:
    week = selectors.week_of(today)
    queue = work_queue(user=request.user, today=today, week_end=week[1])
    return {"queue": queue, "today": today, "week": week}


def _log_queue(request, queue, participants=()) -> None:
    """One access event per person shown (participants and referred people)."""
    ids = queue.participant_ids() | {p.pk for p in participants}
    access_events_record_many(
        request=request,
        what=AccessEvent.What.MY_DAY,
        participant_ids=sorted(ids),
        referral_ids=sorted(queue.referral_ids()),
    )


@require_GET
@login_required
def my_day(request):
    user = request.user
    require(is_specialist(user))
    today = oslo_today()
    context = _queue_context(request, today)
    week = context["week"]
    month = selectors.month_of(today)

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
    _log_queue(request, context["queue"], shown.values())

    return render(
        request,
        "dashboards/my_day.html",
        {
            **context,
            "month": month,
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


def _queue_response(request, message: str) -> HttpResponse:
    """After an action: the work queue as it is now (the alert it cleared is gone: alerts are
    re-evaluated when the write commits), and the result said in the page's live region."""
    context = _queue_context(request, oslo_today())
    _log_queue(request, context["queue"])
    html = render_to_string("dashboards/partials/work_queue.html", context, request=request)
    html += render_to_string(
        "dashboards/partials/my_day_status.html", {"message": message, "oob": True}, request=request
    )
    response = trigger_client_event(HttpResponse(html), "myDayUpdated", after="settle")
    return announce(response, message)


def _action_subject(request, action: str, pk):
    """The participant or referral the action is about, in scope (404 outside it), with the
    read or change in the access log."""
    kind, _label = work_queue_actions.ACTIONS[action]
    change = AccessEvent.Action.CHANGE if request.method == "POST" else AccessEvent.Action.VIEW
    what = {
        work_queue_actions.CONTACT: AccessEvent.What.CONTACT_LOG,
        work_queue_actions.REVIEW: AccessEvent.What.ACTION_PLAN_REVIEW,
        work_queue_actions.EMPLOYER_CONTACT: AccessEvent.What.EMPLOYER_CONTACT_FORM,
        work_queue_actions.FIRST_MEETING: AccessEvent.What.REFERRAL_DETAIL,
        work_queue_actions.BOOK: AccessEvent.What.APPOINTMENT,
    }[action]
    if kind == "participant":
        participant = participant_get_for_user(user=request.user, pk=pk)
        require(can_edit_participant(request.user, participant))
        access_event_record(request=request, what=what, participant=participant, action=change)
        return participant
    referral = referral_get_for_user(user=request.user, pk=pk)
    require(is_staff_member(request.user, referral.team_id))
    access_event_record(request=request, what=what, referral=referral, action=change)
    return referral


def _action_form(request, action: str, subject, planned):
    data = request.POST if request.method == "POST" else None
    if action == work_queue_actions.CONTACT:
        return ContactForm(data)
    if action == work_queue_actions.REVIEW:
        return PlanReviewForm(data)
    if action == work_queue_actions.EMPLOYER_CONTACT:
        employers = (
            employers_for(request.user)
            .filter(team_id=subject.team_id, archived_at__isnull=True)
            .order_by("name")
        )
        return EmployerContactQuickForm(data, employers=employers)
    if action == work_queue_actions.FIRST_MEETING:
        initial = {}
        if planned is not None and planned.starts_at <= timezone.now():
            initial = {
                "meeting_date": timezone.localdate(planned.starts_at),
                "place": planned.place,
                "duration_minutes": planned.duration_minutes,
                "note": planned.note,
            }
        return FirstMeetingForm(data, referral=subject, initial=initial)
    return AppointmentForm(data, kind=Appointment.Kind.FIRST_MEETING)


def _action_save(request, action: str, subject, form) -> str:
    by = request.user
    data = form.cleaned_data
    if action == work_queue_actions.CONTACT:
        participant_services.contact_log(participant=subject, by=by, **data)
        return _("Kontakten med %(name)s er registrert.") % {"name": subject.name}
    if action == work_queue_actions.REVIEW:
        participant_services.plan_review_record(participant=subject, by=by, **data)
        return _("Gjennomgangen av planen til %(name)s er registrert.") % {"name": subject.name}
    if action == work_queue_actions.EMPLOYER_CONTACT:
        employer_contact_log(
            employer=data["employer"],
            by=by,
            contact_date=data["contact_date"],
            purpose=data["purpose"],
            face_to_face=data["face_to_face"],
            participants=[subject],
            note=data["note"],
        )
        return _("Arbeidsgiverkontakten for %(name)s er registrert.") % {"name": subject.name}
    if action == work_queue_actions.FIRST_MEETING:
        appointment_services.first_meeting_register(referral=subject, by=by, **data)
        return _("Første møte med %(name)s er registrert.") % {"name": subject.person_name}
    appointment = appointment_services.appointment_plan(
        by=by, kind=Appointment.Kind.FIRST_MEETING, referral=subject, **form.service_arguments()
    )
    return _("Første møte med %(name)s er planlagt %(when)s.") % {
        "name": subject.person_name,
        "when": timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y %H:%M"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def my_day_action(request, action, pk):
    """The one action that clears an alert, in a dialog on «Min dag»: GET the form, POST it.
    A saved action answers with the refreshed work queue; a refused one with the form again,
    with what was typed."""
    require(is_specialist(request.user))
    if action not in work_queue_actions.ACTIONS:
        raise Http404
    subject = _action_subject(request, action, pk)
    planned = None
    if isinstance(subject, Referral):
        planned = planned_first_meetings([subject.pk]).get(subject.pk)
    form = _action_form(request, action, subject, planned)
    if request.method == "POST" and form.is_valid():
        try:
            message = _action_save(request, action, subject, form)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, message)
                return redirect("dashboards:my_day")
            return _queue_response(request, message)
    context = {
        "form": form,
        "action": action,
        "action_url": reverse("dashboards:my_day_action", kwargs={"action": action, "pk": pk}),
        "title": work_queue_actions.ACTIONS[action][1],
        "subject_name": getattr(subject, "name", None) or subject.person_name,
        "planned": planned,
        "in_dialog": bool(request.htmx),
    }
    if not request.htmx:  # without JavaScript: the form on a page of its own
        return render(request, "dashboards/my_day_action.html", context)
    response = render(request, "dashboards/partials/my_day_action.html", context)
    if request.method == "POST":
        # Refused: the form (with what was typed) goes back into the dialog.
        response = reswap(retarget(response, "#myday-dialog-body"), "innerHTML")
    return response


@login_required
@require_POST
def my_day_hold(request, pk):
    """One tap: the appointment took place, and becomes the logged contact or first meeting."""
    require(is_specialist(request.user))
    appointment = appointment_get_for_user(user=request.user, pk=pk)
    access_event_record(
        request=request,
        what=AccessEvent.What.APPOINTMENT,
        participant=appointment.participant,
        referral=appointment.referral,
        action=AccessEvent.Action.CHANGE,
    )
    try:
        appointment_services.appointment_hold(appointment=appointment, by=request.user)
    except ValidationError as exc:
        message = " ".join(exc.messages)
    else:
        message = _("Møtet er registrert som holdt.")
    if not request.htmx:
        messages.info(request, message)
        return redirect("dashboards:my_day")
    return _queue_response(request, message)


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
    rates = figures.employment_rate_trend(team_ids=team_ids, periods=quarters, today=oslo_today())
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
    outcomes = outcome_rows(
        figures.outcomes(team_ids=[team.pk], period=period, today=today), suppress=False
    )
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
    today = oslo_today()
    outcomes = figures.outcomes_per_team(team_ids=team_ids, period=chosen.period, today=today)
    quarters = periods.quarters_ending_with(chosen.period.end)
    trends = figures.employment_rate_trend_per_team(
        team_ids=team_ids, periods=quarters, today=today
    )
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
