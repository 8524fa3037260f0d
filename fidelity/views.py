"""Fidelity review pages. Thin: access check -> form -> service -> redirect.

Leaders see their own team's reviews; auditors the reviews of the teams they are assigned to.
Scoring is for the review's reviewers (and, for a self-assessment, the team's leader).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fidelity import selectors
from fidelity.forms import ExportForm, ItemScoreForm, ReopenForm, ReviewCreateForm
from fidelity.indicators import indicators_for_items
from fidelity.models import ItemScore, Review, ReviewExport
from fidelity.pdf import review_pdf, review_pdf_filename
from fidelity.selectors import review_get_for_user, reviews_for
from fidelity.services import (
    can_edit_review,
    item_score_save,
    review_change_status,
    review_create,
    review_reopen,
    sample_draw,
)
from fidelity.tasks import review_export_run
from ips.access import is_auditor, is_leader, require, review_team_ids_for
from ips.accounts.models import Membership, Team, User
from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record, access_events_record_many
from ips.charts import line_chart
from ips.forms import add_validation_error
from ips.http import announce

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
    rows = [
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
