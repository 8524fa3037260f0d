import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ips.access import get_in_scope, is_leader, require, scope_for
from ips.accounts import throttle
from ips.audit import selectors, subject
from ips.audit.forms import AccessLogSearchForm, SubjectExportForm
from ips.audit.history import history_entries
from ips.audit.models import AccessEvent, AccessReportExport
from ips.audit.pdf import INLINE_LINES, PDF_LINES, participant_access_report_pdf
from ips.audit.services import (
    access_event_record,
    access_events_record_many,
    access_report_export_start,
)
from ips.audit.tasks import access_report_pdf_run
from ips.http import client_ip
from participants.selectors import participant_get_for_user
from reports import record_history

PAGE_SIZE = 50


@require_GET
@login_required
def access_log(request):
    """The team leader's search in the access log of their team's participants."""
    require(is_leader(request.user))
    form = AccessLogSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.access_events_search(user=request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {e.participant for e in page.object_list if e.participant_id}
    access_events_record_many(request=request, what=AccessEvent.What.ACCESS_LOG, participants=shown)
    return render(request, "audit/accessevent_list.html", {"form": form, "page_obj": page})


def _report_participant(request, pk):
    participant = participant_get_for_user(user=request.user, pk=pk)
    require(is_leader(request.user, participant.team_id))
    return participant


@require_GET
@login_required
def participant_report(request, pk):
    """Who has looked at this person's record: for answering the person's own request. Grouped
    per day, person, role, organisation and kind of access; paginated."""
    participant = _report_participant(request, pk)
    paginator = Paginator(selectors.participant_access_groups(participant=participant), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    groups = selectors.access_groups(page.object_list)  # read before this view is logged
    access_event_record(
        request=request, what=AccessEvent.What.ACCESS_REPORT, participant=participant
    )
    return render(
        request,
        "audit/participant_report.html",
        {"participant": participant, "page_obj": page, "groups": groups},
    )


@require_GET
@login_required
def participant_report_pdf(request, pk):
    """The report as a PDF: made at once when it is short, else in the background."""
    participant = _report_participant(request, pk)
    plan = selectors.participant_access_pdf_plan(participant=participant, max_lines=PDF_LINES)
    if plan.lines > INLINE_LINES:
        export = access_report_export_start(
            participant=participant,
            language=get_language(),
            by=request.user,
            schedule=access_report_pdf_run.delay,
        )
        return redirect("audit:participant_report_export", pk=export.pk)
    groups = selectors.access_groups(plan.rows, level=plan.level)  # read before this is logged
    access_event_record(
        request=request,
        what=AccessEvent.What.ACCESS_REPORT_PDF,
        action=AccessEvent.Action.EXPORT,
        participant=participant,
    )
    pdf = participant_access_report_pdf(participant=participant, groups=groups, level=plan.level)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tilgangsrapport-{participant.pk}.pdf"'
    return response


def _report_export(request, pk) -> AccessReportExport:
    """The leader's own background report, while they still lead the participant's team."""
    export = get_in_scope(
        AccessReportExport.objects.filter(requested_by=request.user).select_related("participant"),
        pk,
    )
    _report_participant(request, export.participant_id)
    return export


@require_GET
@login_required
def participant_report_export(request, pk):
    export = _report_export(request, pk)
    template = "audit/participant_report_export.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"export": export, "participant": export.participant})


@require_GET
@login_required
def participant_report_export_download(request, pk):
    export = _report_export(request, pk)
    if export.status != AccessReportExport.Status.DONE or not export.file:
        raise Http404
    access_event_record(
        request=request,
        what=AccessEvent.What.ACCESS_REPORT_PDF,
        action=AccessEvent.Action.EXPORT,
        participant=export.participant,
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"tilgangsrapport-{export.participant_id}.pdf",
        content_type="application/pdf",
    )


@require_GET
@login_required
def unusual(request):
    """Unusual access in the teams this user leads, for the last week (or the week chosen)."""
    require(is_leader(request.user))
    until = timezone.now()
    try:
        days = min(max(int(request.GET.get("dager", 7)), 1), 92)
    except (TypeError, ValueError):
        days = 7
    since = until - dt.timedelta(days=days)
    report = selectors.unusual_access(
        team_ids=scope_for(request.user).leader_team_ids, since=since, until=until
    )
    participants = {row.participant_id for row in report.outside_caseload}
    if participants:
        access_events_record_many(
            request=request,
            what=AccessEvent.What.UNUSUAL_ACCESS,
            participant_ids=participants,
        )
    return render(
        request,
        "audit/unusual.html",
        {"report": report, "since": since, "until": until, "days": days},
    )


@require_GET
@login_required
def history(request, kind, pk):
    """ "Historikk": every saved version of one record, who changed what and when."""
    subject = record_history.history_subject(user=request.user, kind=kind, pk=pk)
    entries = history_entries(obj=subject.obj, hidden_fields=subject.hidden_fields)
    if subject.participant is not None or subject.referral is not None:
        access_event_record(
            request=request,
            what=AccessEvent.What.HISTORY,
            detail=record_history.KINDS[kind].label,
            participant=subject.participant,
            referral=subject.referral,
        )
    return render(
        request,
        "audit/history.html",
        {
            "subject": subject.obj,
            "kind_label": record_history.KINDS[kind].label,
            "entries": entries,
            "health_hidden": bool(subject.hidden_fields),
        },
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def subject_export(request, pk):
    """Access request: everything held about one participant, as PDF or JSON. The team leader
    only, and only after typing their password again (a stolen unlocked session is not enough
    for a bulk export). Wrong passwords count towards the sign-in lock."""
    participant = _report_participant(request, pk)
    username, ip = request.user.username, client_ip(request)
    form = SubjectExportForm(request.POST or None, user=request.user)
    if request.method == "POST":
        locked = throttle.login_lock_remaining(username=username, ip=ip)
        if locked:
            form.is_valid()
            form.add_error(None, _("For mange feil passord. Prøv igjen senere."))
        elif form.is_valid():
            throttle.login_success_reset(username=username, ip=ip)
            fmt = form.cleaned_data["format"]
            access_event_record(
                request=request,
                what=AccessEvent.What.SUBJECT_EXPORT,
                detail=fmt.upper(),
                action=AccessEvent.Action.EXPORT,
                participant=participant,
            )
            if fmt == "json":
                body, content_type = (
                    subject.participant_export_json(participant),
                    "application/json",
                )
            else:
                body = subject.participant_export_pdf(participant)
                content_type = "application/pdf"
            response = HttpResponse(body, content_type=content_type)
            response["Content-Disposition"] = (
                f'attachment; filename="innsyn-{participant.pk}.{fmt}"'
            )
            return response
        elif "password" in form.errors:
            throttle.login_failure_record(username=username, ip=ip)
    return render(request, "audit/subject_export.html", {"form": form, "participant": participant})
