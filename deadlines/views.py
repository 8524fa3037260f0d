from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.selectors import planned_first_meetings
from deadlines import selectors, services
from deadlines.forms import AcknowledgeForm, AlertFilterForm
from deadlines.models import Alert
from deadlines.rules import rule_title
from deadlines.selectors import alert_get_for_user
from ips.access import is_leader, is_staff_member, require
from ips.audit.models import AccessEvent
from ips.audit.services import access_events_record_many
from ips.http import announce

PAGE_SIZE = 25


def _can_acknowledge(user, alert: Alert) -> bool:
    return alert.owner_id == user.pk or is_leader(user, alert.team_id)


# The subjects with a page of their own (a specialist or a team alert links to nothing).
SUBJECT_URLS: dict[str, str] = {
    Alert.SubjectKind.PARTICIPANT: "participants:detail",
    Alert.SubjectKind.REFERRAL: "referrals:detail",
}


def _subject_url(alert: Any) -> str | None:
    """The subject's page, for an alert `_decorate` has given its `subject`."""
    name = SUBJECT_URLS.get(alert.subject_kind)
    if not name or alert.subject is None:
        return None
    return reverse(name, kwargs={"pk": alert.subject_id})


def _decorate(alerts, user, labels):
    for alert in alerts:
        alert.rule_title = rule_title(alert.rule)
        alert.subject = labels.get((alert.subject_kind, alert.subject_id))
        if alert.subject_kind == Alert.SubjectKind.TEAM:
            alert.subject = alert.team  # loaded with the alert (a team alert's subject is its team)
        alert.subject_url = _subject_url(alert)
        alert.can_acknowledge = alert.state == Alert.State.OPEN and _can_acknowledge(user, alert)
    return alerts


def _mark_planned(alerts) -> None:
    """A booked first meeting shows on its referral's alert («planlagt 03.12.»), as on «Min
    dag». One query for the page, none without referral alerts."""
    referral_ids = [a.subject_id for a in alerts if a.subject_kind == Alert.SubjectKind.REFERRAL]
    planned = planned_first_meetings(referral_ids)
    for alert in alerts:
        is_referral = alert.subject_kind == Alert.SubjectKind.REFERRAL
        alert.planned = planned.get(alert.subject_id) if is_referral else None


def _log_reads(request, alerts) -> None:
    participant_ids = [
        a.subject_id for a in alerts if a.subject_kind == Alert.SubjectKind.PARTICIPANT
    ]
    referral_ids = [a.subject_id for a in alerts if a.subject_kind == Alert.SubjectKind.REFERRAL]
    if participant_ids or referral_ids:
        access_events_record_many(
            request=request,
            what=AccessEvent.What.ALERT_LIST,
            participant_ids=participant_ids,
            referral_ids=referral_ids,
        )


@login_required
def alert_list(request):
    """A specialist's own alerts ("mine varsler"); a leader's: every alert of the team."""
    require(is_staff_member(request.user))
    leader = is_leader(request.user)
    specialists = list(selectors.specialists_for_filter(request.user)) if leader else None
    form = AlertFilterForm(request.GET or None, specialists=specialists)
    filters = form.cleaned_data if form.is_valid() else {}
    alerts = selectors.alert_list_for_user(
        user=request.user,
        rule=filters.get("rule") or "",
        specialist_id=filters.get("specialist"),
        min_age_days=filters.get("age"),
        state=filters.get("state") or "",
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _decorate(rows, request.user, selectors.subject_labels(rows))
    _mark_planned(rows)
    _log_reads(request, rows)
    return render(
        request,
        "deadlines/alert_list.html",
        {
            "form": form,
            "page_obj": page,
            "alerts": rows,
            "is_leader": leader,
            "acknowledge_form": AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def alert_acknowledge(request, pk):
    alert = alert_get_for_user(user=request.user, pk=pk)
    require(_can_acknowledge(request.user, alert))
    form = AcknowledgeForm(request.POST)
    error = None
    if form.is_valid():
        try:
            alert = services.alert_acknowledge(
                alert=alert, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = "; ".join(m for errs in form.errors.values() for m in errs)
    if request.htmx:
        alert.refresh_from_db()
        rows = _decorate([alert], request.user, selectors.subject_labels([alert]))
        _mark_planned(rows)
        response = render(
            request,
            "deadlines/alert_list.html#alert_row",
            {"alert": rows[0], "error": error, "is_leader": is_leader(request.user)},
        )
        # A refusal is already said by the row's role=alert message.
        return response if error else announce(response, _("Varselet er kvittert."))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Varselet er kvittert."))
    return redirect("deadlines:alert_list")
