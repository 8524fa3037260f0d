"""Fidelity review pages. Thin: access check -> form -> service -> redirect.

Leaders see their own team's reviews; auditors the reviews of the teams they are assigned to.
Scoring is for the review's reviewers (and, for a self-assessment, the team's leader).
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from fidelity.chart_review import CHECKS, computed_values, worksheet_for
from fidelity.forms import (
    ExportForm,
    ItemScoreForm,
    MentoringEntryForm,
    QualityActionForm,
    QualityActionStatusForm,
    ReopenForm,
    ReportForm,
    ReviewCreateForm,
    ReviewerScoreForm,
    ReviewNoteForm,
    WorksheetForm,
)
from fidelity.indicators import indicators_for_items
from fidelity.models import ChartCheck, ItemScore, QualityAction, Review, ReviewExport
from fidelity.pdf import review_pdf, review_pdf_filename
from fidelity.selectors import review_get_for_user, reviews_for
from fidelity.services import (
    can_edit_review,
    chart_review_save,
    consensus_adopt_agreed,
    item_score_save,
    mentoring_entry_create,
    mentoring_specialists,
    quality_action_create,
    quality_action_set_status,
    review_change_status,
    review_create,
    review_note_create,
    review_reopen,
    reviewer_score_save,
    reviewer_submit,
    sample_draw,
    section_reports_save,
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


def _state(request, review: Review) -> dict:
    """Who may do what on the review page right now (independent scoring, consensus)."""
    editable = can_edit_review(request.user, review)
    final = review.status == Review.Status.FINAL
    independent = selectors.is_independent(review)
    submitted = selectors.submitted_reviewer_ids(review) if independent else set()
    revealed = independent and selectors.all_submitted(review, submitted)
    reviewer_ids = [u.pk for u in review.reviewers.all()]
    is_reviewer = request.user.pk in reviewer_ids
    return {
        "independent": independent,
        "submitted_ids": submitted,
        "revealed": revealed,
        "is_reviewer": is_reviewer,
        "my_submitted": request.user.pk in submitted,
        # The consensus (or, with one reviewer, the score) is set once the own scores are in.
        "can_edit": editable and not final and (not independent or revealed),
        "can_score_own": independent
        and is_reviewer
        and not final
        and request.user.pk not in submitted,
        "can_manage": editable,
        "can_see_notes": selectors.can_see_notes(request.user, review),
    }


def _rows(
    request, review: Review, scores, state: dict, *, previous=None, forms_for=None
) -> list[dict]:
    """One row per item: the score (consensus), the user's own score, the side-by-side
    comparison once revealed, the evidence (indicator, chart review, notes) and last time's
    follow-up. A fixed number of queries whatever the number of items."""
    indicators = indicators_for_items(review, [s.item for s in scores])
    visible = selectors.reviewer_scores_visible_to(review, request.user, state["submitted_ids"])
    own = {o.item_id: o for o in visible if o.reviewer_id == request.user.pk}
    comparisons = {}
    if state["revealed"]:
        _reviewers, compared = selectors.review_comparison(review, scores, visible)
        comparisons = {c.item_score.item_id: c for c in compared}
    notes_by_item: dict[int, list] = {}
    if state["can_see_notes"]:
        for note in selectors.notes_for(request.user, review):
            for item in note.items.all():
                notes_by_item.setdefault(item.pk, []).append(note)
    chart_totals = {}
    if review.sample.all():
        chart_totals = worksheet_for(review).totals_by_item_code()
    follow_ups = selectors.follow_ups_for(review, previous)
    forms_for = forms_for or {}
    rows = []
    for s in scores:
        mine = own.get(s.item_id)
        rows.append(
            {
                "score": s,
                "indicator": indicators.get(s.item_id),
                "form": forms_for.get(("score", s.item_id))
                or ItemScoreForm(
                    initial={
                        "score": s.score,
                        "rationale": s.rationale,
                        "data_sources": s.data_sources,
                        "recommendation": s.recommendation,
                        "sources": s.sources,
                    },
                    prefix=f"item{s.item_id}",
                ),
                "own": mine,
                "own_form": forms_for.get(("own", s.item_id))
                or ReviewerScoreForm(
                    initial={
                        "score": mine.score if mine else None,
                        "rationale": mine.rationale if mine else "",
                    },
                    prefix=f"own{s.item_id}",
                ),
                "comparison": comparisons.get(s.item_id),
                "chart_total": chart_totals.get(s.item.code),
                "notes": notes_by_item.get(s.item_id, []),
                "follow_up": follow_ups.get(s.item_id),
            }
        )
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
    return rows


def _detail_context(request, review: Review) -> dict:
    scores = selectors.review_scores(review)
    state = _state(request, review)
    summary = selectors.review_summary(review, scores)
    previous = selectors.previous_review(review)
    reviewers = sorted(review.reviewers.all(), key=lambda u: (u.first_name, u.pk))
    return {
        "review": review,
        "rows": _rows(request, review, scores, state, previous=previous),
        "summary": summary,
        "previous": previous,
        "previous_diff": summary.total - (previous.total or 0) if previous else None,
        "reopen_form": ReopenForm(),
        "sample": list(review.sample.all()),
        "reviewers": reviewers,
        **state,
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
    if saved:
        # The form shows what was stored (e.g. the sources in the scale's order).
        form = None
    if not request.htmx:
        if saved:
            messages.success(request, _("Skåren er lagret."))
        else:
            messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(f"{review.get_absolute_url()}#item-{score.item.number}")
    review.refresh_from_db(fields=["status"])
    context = _fragment_context(request, review, score, {("score", score.item_id): form})
    context["saved"] = saved
    response = HttpResponse(
        render_to_string("fidelity/review_detail.html#item_row", context, request)
        + render_to_string("fidelity/review_detail.html#summary", context, request)
    )
    if not saved:
        response.status_code = 422
    return response


def _fragment_context(request, review: Review, score: ItemScore, forms_for: dict) -> dict:
    state = _state(request, review)
    forms_for = {k: v for k, v in forms_for.items() if v is not None}
    previous = selectors.previous_review(review)
    context = {
        "review": review,
        "row": _rows(request, review, [score], state, previous=previous, forms_for=forms_for)[0],
        # The totals beside the form follow each save (htmx out-of-band swap).
        "summary": selectors.review_summary(review, selectors.review_scores(review)),
        "previous": previous,
        "oob": True,
        **state,
    }
    if context["previous"]:
        context["previous_diff"] = context["summary"].total - (context["previous"].total or 0)
    return context


@login_required
@require_POST
def reviewer_score(request, pk, item_pk):
    """A reviewer's own score of one item (independent scoring). The fragment shows the
    user's own score only: the other reviewer's stays hidden until both have handed in."""
    review = _review(request, pk)
    try:
        score = review.scores.select_related("item__section").get(item_id=item_pk)
    except (ItemScore.DoesNotExist, ValueError):
        raise Http404 from None
    require(request.user.pk in [u.pk for u in review.reviewers.all()])
    form = ReviewerScoreForm(request.POST, prefix=f"own{score.item_id}")
    saved = False
    if form.is_valid():
        try:
            reviewer_score_save(
                by=request.user, review=review, item=score.item, **form.cleaned_data
            )
            saved = True
        except ValidationError as error:
            add_validation_error(form, error)
    if not request.htmx:
        if saved:
            messages.success(request, _("Skåren din er lagret."))
        else:
            messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(f"{review.get_absolute_url()}#item-{score.item.number}")
    context = _fragment_context(
        request, review, score, {("own", score.item_id): None if saved else form}
    )
    context["saved"] = saved
    response = HttpResponse(
        render_to_string("fidelity/review_detail.html#item_row", context, request)
    )
    if not saved:
        response.status_code = 422
        return response
    return announce(response, _("Punkt %(code)s er lagret.") % {"code": score.item.code})


@login_required
@require_POST
def reviewer_submit_view(request, pk):
    review = _review(request, pk)
    require(request.user.pk in [u.pk for u in review.reviewers.all()])
    try:
        reviewer_submit(by=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Skårene dine er levert."))
    return redirect(review)


@login_required
@require_GET
def review_compare(request, pk):
    """The reviewers' own scores side by side, disagreements first in mind (highlighted).
    Before every reviewer has handed in, it says who has and shows no scores."""
    review = _review(request, pk)
    state = _state(request, review)
    require(state["independent"] and (state["is_reviewer"] or state["can_manage"]))
    scores = selectors.review_scores(review)
    visible = selectors.reviewer_scores_visible_to(review, request.user, state["submitted_ids"])
    reviewers, comparisons = selectors.review_comparison(review, scores, visible)
    if not state["revealed"]:
        comparisons = []
    return render(
        request,
        "fidelity/review_compare.html",
        {
            "review": review,
            "reviewers": reviewers,
            "comparisons": comparisons,
            "differences": sum(1 for c in comparisons if c.differs),
            **state,
        },
    )


@login_required
@require_POST
def consensus_adopt(request, pk):
    review = _review(request, pk)
    require(can_edit_review(request.user, review))
    try:
        n = consensus_adopt_agreed(by=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Samstemte skårer er satt som konsensus på %(n)s punkter.") % {"n": n}
        )
    return redirect("fidelity:review_compare", pk=review.pk)


@login_required
@require_http_methods(["GET", "POST"])
def review_notes(request, pk):
    """Interview and observation notes: the reviewers', and the team leader's once final."""
    review = _review(request, pk)
    if not selectors.can_see_notes(request.user, review):
        raise PermissionDenied
    state = _state(request, review)
    can_add = state["is_reviewer"] and review.status != Review.Status.FINAL
    form = ReviewNoteForm(request.POST or None, scale=review.scale)
    status = 200
    if request.method == "POST":
        require(can_add)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_note_create(
                    by=request.user,
                    review=review,
                    kind=data["kind"],
                    interviewee=data["interviewee"],
                    held_on=data["held_on"],
                    notes=data["notes"],
                    items=data["items"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Notatet er lagret."))
                return redirect("fidelity:review_notes", pk=review.pk)
        status = 422
    return render(
        request,
        "fidelity/review_notes.html",
        {
            "review": review,
            "notes": list(selectors.notes_for(request.user, review)),
            "form": form,
            "can_add": can_add,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_worksheet(request, pk):
    """The chart-review worksheet for the sample (the reviewers only: it names people)."""
    review = _review(request, pk)
    require(can_edit_review(request.user, review))
    sheet = worksheet_for(review)
    editable = review.status != Review.Status.FINAL
    form = WorksheetForm(request.POST or None, sheet=sheet)
    status = 200
    if request.method == "POST":
        require(editable)
        if form.is_valid():
            try:
                chart_review_save(
                    by=request.user,
                    review=review,
                    answers=form.answers(),
                    computed=computed_values(sheet),
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Journalgjennomgangen er lagret."))
                return redirect("fidelity:review_worksheet", pk=review.pk)
        status = 422
    if sheet.rows:
        access_events_record_many(
            request=request,
            what=AccessEvent.What.FIDELITY_SAMPLE,
            participants=[row.record.participant for row in sheet.rows],
        )
    rows = [
        {
            "row": row,
            "fields": [(cell, form[f"r{row.record.pk}-{cell.check}"]) for cell in row.cells],
        }
        for row in sheet.rows
    ]
    return render(
        request,
        "fidelity/review_worksheet.html",
        {
            "review": review,
            "sheet": sheet,
            "rows": rows,
            "checks": [(c, ChartCheck(c).label) for c in CHECKS],
            "form": form,
            "editable": editable,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_report(request, pk):
    """The report: strengths per section, beside the section's recommendations (per item)."""
    review = _review(request, pk)
    editable = can_edit_review(request.user, review) and review.status != Review.Status.FINAL
    scores = selectors.review_scores(review)
    reports = selectors.section_reports(review)
    sections: list[dict] = []
    for score in scores:
        section = score.item.section
        if not sections or sections[-1]["section"].pk != section.pk:
            report = reports.get(section.pk)
            sections.append(
                {
                    "section": section,
                    "strengths": report.strengths if report else "",
                    "recommendations": [],
                }
            )
        if score.recommendation:
            sections[-1]["recommendations"].append(score)
    form = ReportForm(
        request.POST or None, sections=[(s["section"], s["strengths"]) for s in sections]
    )
    status = 200
    if request.method == "POST":
        require(editable)
        if form.is_valid():
            try:
                section_reports_save(by=request.user, review=review, strengths=form.strengths())
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Rapporten er lagret."))
                return redirect("fidelity:review_report", pk=review.pk)
        status = 422
    for s in sections:
        s["field"] = form[f"strengths-{s['section'].pk}"]
    return render(
        request,
        "fidelity/review_report.html",
        {"review": review, "sections": sections, "editable": editable, "form": form},
        status=status,
    )


def _quality_plan_context(request, review: Review, forms_by_score=None) -> dict:
    recommendations = selectors.recommendations_of(review)
    can_plan = review.status == Review.Status.FINAL and is_leader(request.user, review.team_id)
    forms_by_score = forms_by_score or {}
    return {
        "review": review,
        "can_plan": can_plan,
        "rows": [
            {
                "score": rec,
                "form": forms_by_score.get(rec.pk)
                or QualityActionForm(initial={"action": rec.recommendation}, prefix=f"rec{rec.pk}"),
                "actions": [
                    (a, QualityActionStatusForm(initial={"status": a.status}, prefix=f"a{a.pk}"))
                    for a in rec.quality_actions.all()
                ],
            }
            for rec in recommendations
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def quality_plan(request, pk):
    """The team's quality plan from this review's recommendations: the leader adds actions
    (action, responsible, target date) and keeps their status; the reviewers read it."""
    review = _review(request, pk)
    if request.method == "POST":
        require(review.status == Review.Status.FINAL and is_leader(request.user, review.team_id))
        try:
            rec = review.scores.get(pk=request.POST.get("recommendation", ""))
        except (ItemScore.DoesNotExist, ValueError):
            raise Http404 from None
        form = QualityActionForm(request.POST, prefix=f"rec{rec.pk}")
        if form.is_valid():
            try:
                quality_action_create(by=request.user, recommendation=rec, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Tiltaket er lagt til i kvalitetsplanen."))
                return redirect(
                    f"{reverse('fidelity:quality_plan', kwargs={'pk': review.pk})}#rec-{rec.pk}"
                )
        return render(
            request,
            "fidelity/quality_plan.html",
            _quality_plan_context(request, review, {rec.pk: form}),
            status=422,
        )
    return render(request, "fidelity/quality_plan.html", _quality_plan_context(request, review))


@login_required
@require_POST
def quality_action_status(request, pk, action_pk):
    review = _review(request, pk)
    require(is_leader(request.user, review.team_id))
    try:
        action = QualityAction.objects.get(
            pk=action_pk, team_id=review.team_id, recommendation__review=review
        )
    except (QualityAction.DoesNotExist, ValueError):
        raise Http404 from None
    form = QualityActionStatusForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        quality_action_set_status(
            by=request.user, quality_action=action, status=form.cleaned_data["status"]
        )
        messages.success(request, _("Status for tiltaket er endret."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect(
        f"{reverse('fidelity:quality_plan', kwargs={'pk': review.pk})}#rec-{action.recommendation_id}"
    )


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
