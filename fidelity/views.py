"""Fidelity review pages. Thin: access check -> form -> service -> redirect.

Leaders see their own team's reviews; auditors the reviews of the teams they are assigned to.
Scoring is for the review's reviewers (and, for a self-assessment, the team's leader).
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboards.csv_export import csv_response
from fidelity import selectors
from fidelity.forms import (
    ExportForm,
    ItemScoreForm,
    MentoringEntryForm,
    ReopenForm,
    ReviewCreateForm,
)
from fidelity.indicators import indicators_for_items
from fidelity.models import ItemScore, Review, ReviewExport
from fidelity.pdf import review_pdf, review_pdf_filename
from fidelity.selectors import review_get_for_user, reviews_for
from fidelity.services import (
    can_edit_review,
    item_score_save,
    mentoring_entry_create,
    mentoring_specialists,
    review_change_status,
    review_create,
    review_reopen,
    sample_draw,
)
from fidelity.tasks import review_export_run
from ips.access import (
    get_in_scope,
    is_auditor,
    is_coordinator,
    is_leader,
    require,
    review_team_ids_for,
    scope_for,
)
from ips.accounts.models import Membership, Team, User
from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record, access_events_record_many
from ips.charts import bar_chart, line_chart
from ips.dates import oslo_today
from ips.forms import add_validation_error
from ips.http import announce
from ips.pdf import render_pdf

PAGE_SIZE = 25


def _require_reviewer_role(user) -> None:
    require(is_leader(user) or is_auditor(user))


@login_required
@require_GET
def review_list(request):
    _require_reviewer_role(request.user)
    scoped = reviews_for(request.user)
    page = Paginator(selectors.reviews_list(scoped), PAGE_SIZE).get_page(request.GET.get("page"))
    trend_rows = list(selectors.reviews_list(scoped.filter(status=Review.Status.FINAL)))
    trends = selectors.trends_by_team(trend_rows)
    periods = sorted({period for rows in trends.values() for period, _total in rows})
    chart = None
    if trends:
        chart = line_chart(
            title=_("Total skår per team"),
            labels=periods,
            series={team: [dict(rows).get(p) for p in periods] for team, rows in trends.items()},
        )
    return render(
        request,
        "fidelity/review_list.html",
        {
            "page_obj": page,
            "trends": trends,
            "trend_chart": chart,
            "export_form": ExportForm(initial={"language": "nb"}),
            "can_create": True,
            # When each team's next review is due (the same definition as the leader's alert).
            "schedule": selectors.review_schedule(review_team_ids_for(request.user)),
        },
    )


def _create_form(request, data=None):
    team_ids = review_team_ids_for(request.user)
    teams = Team.objects.filter(pk__in=team_ids).order_by("name")
    candidates = (
        User.objects.filter(
            memberships__team_id__in=team_ids,
            memberships__ended_at__isnull=True,
            memberships__role__in=[
                Membership.Role.AUDITOR,
                Membership.Role.LEADER,
                Membership.Role.JOB_SPECIALIST,
            ],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )
    initial = {"reviewers": [request.user.pk]}
    if teams.count() == 1:
        initial["team"] = teams.first()
    initial["kind"] = Review.Kind.EXTERNAL if is_auditor(request.user) else Review.Kind.SELF
    return ReviewCreateForm(data, teams=teams, reviewer_candidates=candidates, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def review_create_view(request):
    _require_reviewer_role(request.user)
    form = _create_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = review_create(
                by=request.user,
                team=data["team"],
                period=data["period"],
                kind=data["kind"],
                reviewers=data["reviewers"],
                visit_start=data["visit_start"],
                visit_end=data["visit_end"],
                scale=data["scale"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Målingen er opprettet."))
            return redirect("fidelity:review_detail", pk=review.pk)
    return render(request, "fidelity/review_form.html", {"form": form})


def _review(request, pk) -> Review:
    return review_get_for_user(
        user=request.user, pk=pk, queryset=selectors.review_for_page(reviews_for(request.user))
    )


def _detail_context(request, review: Review) -> dict:
    scores = selectors.review_scores(review)
    indicators = indicators_for_items(review, [s.item for s in scores])
    editable = can_edit_review(request.user, review)
    rows: list[dict[str, Any]] = [
        {
            "score": s,
            "indicator": indicators.get(s.item_id),
            "form": ItemScoreForm(
                initial={
                    "score": s.score,
                    "rationale": s.rationale,
                    "data_sources": s.data_sources,
                    "recommendation": s.recommendation,
                },
                prefix=f"item{s.item_id}",
            ),
        }
        for s in scores
    ]
    summary = selectors.review_summary(review, scores)
    previous = selectors.previous_review(review)
    # The leader's field-mentoring log is evidence for the supervision item (counts only).
    evidence_items = {
        s.item_id
        for s in scores
        if (review.scale.code, s.item.code) in selectors.MENTORING_EVIDENCE_ITEMS
    }
    if evidence_items:
        mentoring = selectors.mentoring_evidence(review)
        for row in rows:
            if row["score"].item_id in evidence_items:
                row["mentoring"] = mentoring
    return {
        "review": review,
        "rows": rows,
        "summary": summary,
        "previous": previous,
        "previous_diff": summary.total - (previous.total or 0) if previous else None,
        "can_edit": editable and review.status != Review.Status.FINAL,
        "can_manage": editable,
        "reopen_form": ReopenForm(),
        "sample": list(review.sample.all()),
    }


@login_required
@require_GET
def review_detail(request, pk):
    review = _review(request, pk)
    context = _detail_context(request, review)
    if context["sample"]:
        access_events_record_many(
            request=request,
            what=AccessEvent.What.FIDELITY_SAMPLE,
            participants=[record.participant for record in context["sample"]],
        )
    return render(request, "fidelity/review_detail.html", context)


@login_required
@require_POST
def item_score(request, pk, item_pk):
    review = _review(request, pk)
    try:
        score = review.scores.select_related("item__section").get(item_id=item_pk)
    except (ItemScore.DoesNotExist, ValueError):
        raise Http404 from None
    require(can_edit_review(request.user, review))
    form = ItemScoreForm(request.POST, prefix=f"item{score.item_id}")
    saved = False
    if form.is_valid():
        try:
            item_score_save(by=request.user, item_score=score, **form.cleaned_data)
            saved = True
        except ValidationError as error:
            add_validation_error(form, error)
            score.refresh_from_db()
    if not request.htmx:
        if saved:
            messages.success(request, _("Skåren er lagret."))
        else:
            messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(f"{review.get_absolute_url()}#item-{score.item.number}")
    indicators = indicators_for_items(review, [score.item])
    review.refresh_from_db(fields=["status"])
    row = {"score": score, "indicator": indicators.get(score.item_id), "form": form}
    if (review.scale.code, score.item.code) in selectors.MENTORING_EVIDENCE_ITEMS:
        row["mentoring"] = selectors.mentoring_evidence(review)
    context = {
        "review": review,
        "row": row,
        "can_edit": review.status != Review.Status.FINAL,
        "saved": saved,
        # The totals beside the form follow each save (htmx out-of-band swap).
        "summary": selectors.review_summary(review, selectors.review_scores(review)),
        "previous": selectors.previous_review(review),
        "oob": True,
    }
    if context["previous"]:
        context["previous_diff"] = context["summary"].total - (context["previous"].total or 0)
    response = HttpResponse(
        render_to_string("fidelity/review_detail.html#item_row", context, request)
        + render_to_string("fidelity/review_detail.html#summary", context, request)
    )
    if not saved:
        response.status_code = 422
        return response
    return announce(response, _("Punkt %(code)s er lagret.") % {"code": score.item.code})


@login_required
@require_POST
def review_status(request, pk):
    review = _review(request, pk)
    require(can_edit_review(request.user, review))
    to_status = request.POST.get("to_status", "")
    if to_status not in Review.Status.values:
        messages.error(request, _("Ukjent status."))
        return redirect(review)
    try:
        review_change_status(by=request.user, review=review, to_status=to_status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status er endret."))
    return redirect(review)


@login_required
@require_POST
def review_reopen_view(request, pk):
    review = _review(request, pk)
    require(can_edit_review(request.user, review))
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            review_reopen(by=request.user, review=review, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Målingen er gjenåpnet."))
            return redirect(review)
    context = _detail_context(request, review)
    context["reopen_form"] = form
    context["reopen_open"] = True
    return render(request, "fidelity/review_detail.html", context, status=422)


@login_required
@require_POST
def review_sample_draw(request, pk):
    review = _review(request, pk)
    require(can_edit_review(request.user, review))
    try:
        records = sample_draw(by=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(n)s journaler er trukket ut til gjennomgang.") % {"n": len(records)}
        )
    return redirect(review)


@login_required
@require_GET
def review_pdf_view(request, pk):
    review = _review(request, pk)
    language = request.GET.get("lang", "nb")
    if language not in ("nb", "en"):
        language = "nb"
    pdf = review_pdf(review=review, language=language)
    access_event_record(
        request=request,
        what=AccessEvent.What.FIDELITY_REVIEW_PDF,
        detail=str(review.pk),
        action=AccessEvent.Action.EXPORT,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{review_pdf_filename(review, language)}"'
    )
    return response


@login_required
@require_POST
def export_start(request):
    _require_reviewer_role(request.user)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("fidelity:review_list")
    ids = list(
        reviews_for(request.user)
        .filter(period=form.cleaned_data["period"])
        .order_by("team__name", "kind")
        .values_list("pk", flat=True)
    )
    if not ids:
        messages.error(request, _("Ingen målinger for denne perioden."))
        return redirect("fidelity:review_list")
    export = ReviewExport.objects.create(
        requested_by=request.user,
        period=form.cleaned_data["period"],
        language=form.cleaned_data["language"],
        review_ids=ids,
    )
    transaction.on_commit(lambda: review_export_run.delay(export.pk))
    return redirect("fidelity:export_detail", pk=export.pk)


def _export(request, pk) -> ReviewExport:
    try:
        return selectors.exports_for(request.user).get(pk=pk)
    except (ReviewExport.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
@require_GET
def export_detail(request, pk):
    export = _export(request, pk)
    template = "fidelity/export_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"export": export})


@login_required
@require_GET
def export_download(request, pk):
    export = _export(request, pk)
    if export.status != ReviewExport.Status.DONE or not export.file:
        raise Http404
    # The ZIP holds no participant data (scores and texts only), but an export is an export.
    access_event_record(
        request=request,
        what=AccessEvent.What.FIDELITY_EXPORT,
        detail=export.period,
        action=AccessEvent.Action.EXPORT,
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"kvalitetsmalinger-{export.period}.zip",
        content_type="application/zip",
    )


# --- The leader's field-mentoring log -------------------------------------------------------------


def _leader_team(request) -> Team:
    """The team whose log is shown: ?team= among the teams the user leads, else the first."""
    teams = Team.objects.filter(pk__in=scope_for(request.user).leader_team_ids).order_by("name")
    wanted = request.GET.get("team") or request.POST.get("team")
    if wanted:
        return get_in_scope(teams, wanted)
    team = teams.first()
    if team is None:
        raise Http404
    return team


@login_required
@require_http_methods(["GET", "POST"])
def mentoring_log(request):
    """The leader's field-mentoring log: log an occasion, see the counts per specialist and
    month, and the latest entries with notes. Leaders only, own team only."""
    require(is_leader(request.user))
    team = _leader_team(request)
    specialists = mentoring_specialists(team_id=team.pk).order_by("first_name", "last_name")
    form = MentoringEntryForm(
        request.POST if request.method == "POST" else None,
        specialists=specialists,
        initial={"date": oslo_today()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mentoring_entry_create(by=request.user, team=team, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Feltveiledningen er logget."))
                return redirect(f"{reverse('fidelity:mentoring_log')}?team={team.pk}")
        status = 422
    months, counts = selectors.mentoring_counts_per_month(team_id=team.pk, end=oslo_today())
    entries = Paginator(
        selectors.mentoring_entries_for(request.user)
        .filter(team=team)
        .select_related("specialist", "created_by"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "fidelity/mentoringentry_list.html",
        {
            "team": team,
            "teams": Team.objects.filter(pk__in=scope_for(request.user).leader_team_ids).order_by(
                "name"
            ),
            "form": form,
            "mentoring_months": months,
            "mentoring_counts": counts,
            "page_obj": entries,
        },
        status=status,
    )


# --- Across teams (regional coordinator, grant giver) ---------------------------------------------


def _overview(request) -> selectors.CrossTeamOverview:
    require(is_coordinator(request.user))
    return selectors.cross_team_overview(selectors.coordinator_team_ids_for(request.user))


def _overview_context(overview: selectors.CrossTeamOverview) -> dict:
    weakest = sorted(
        (item for item in overview.items if item.average is not None),
        key=lambda item: item.average or 0.0,
    )[:5]
    chart = None
    if overview.with_result:
        chart = bar_chart(
            title=_("Gjennomsnittlig skår per punkt, siste endelige måling per team"),
            labels=[item.code for item in overview.items],
            series=[
                round(item.average, 2) if item.average is not None else None
                for item in overview.items
            ],
            value_range=(0, 5),
            width=900,
            height=300,
        )
    return {"overview": overview, "weakest": weakest, "items_chart": chart}


@login_required
@require_GET
def across_teams(request):
    """Fidelity across the teams a coordinator follows: aggregates only, never a participant."""
    return render(request, "fidelity/across_teams.html", _overview_context(_overview(request)))


ACROSS_TEAMS_TABLES = ("teams", "bands", "items")


def _band_name(band: dict | None) -> str:
    return selectors.localised(band, "name") if band else ""


@login_required
@require_GET
def across_teams_csv(request):
    overview = _overview(request)
    table = request.GET.get("table", "teams")
    if table not in ACROSS_TEAMS_TABLES:
        raise Http404
    if table == "teams":
        header = [_("Team"), _("Siste periode"), _("Total"), _("Nivå"), _("Endring")]
        header += [str(period) for period in overview.periods]
        rows = []
        for result in overview.teams:
            by_period = dict(result.trend)
            latest = result.latest
            rows.append(
                [
                    result.team.name,
                    latest[0] if latest else None,
                    latest[1] if latest else None,
                    _band_name(result.band),
                    result.change,
                    *[by_period.get(period) for period in overview.periods],
                ]
            )
    elif table == "bands":
        header = [_("Nivå"), _("Fra total"), _("Antall team")]
        rows = [[_band_name(band), band["min"], n] for band, n in overview.bands]
        rows.append([_("Ingen endelig måling"), None, overview.without_result])
    else:
        header = [_("Punkt"), _("Navn"), _("Del"), _("Gjennomsnitt"), _("Antall team")]
        rows = [
            [
                item.code,
                selectors.localised(item, "name"),
                selectors.localised(item, "section"),
                round(item.average, 2) if item.average is not None else None,
                item.teams,
            ]
            for item in overview.items
        ]
    access_event_record(
        request=request,
        what=AccessEvent.What.FIDELITY_EXPORT,
        detail=f"across-teams-{table}",
        action=AccessEvent.Action.EXPORT,
    )
    return csv_response(
        filename=f"kvalitet-paa-tvers-{table}-{oslo_today():%Y%m%d}.csv", header=header, rows=rows
    )


@login_required
@require_GET
def across_teams_pdf(request):
    overview = _overview(request)
    language = request.GET.get("lang", "nb")
    if language not in ("nb", "en"):
        language = "nb"
    with translation.override(language):
        context = _overview_context(overview)
        if context["items_chart"]:
            context["items_chart"] = "data:image/svg+xml;base64," + base64.b64encode(
                context["items_chart"].encode("utf-8")
            ).decode("ascii")
        context["generated"] = timezone.localtime()
        pdf = render_pdf(template="fidelity/across_teams_pdf.html", context=context)
    access_event_record(
        request=request,
        what=AccessEvent.What.FIDELITY_EXPORT,
        detail="across-teams-pdf",
        action=AccessEvent.Action.EXPORT,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="kvalitet-paa-tvers-{oslo_today():%Y%m%d}-{language}.pdf"'
    )
    return response
