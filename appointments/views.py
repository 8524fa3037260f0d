"""Thin views: plan, move, cancel and hold appointments; the specialist's calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments import selectors, services
from appointments.calendar import feed_calendar
from appointments.forms import AppointmentForm
from appointments.models import Appointment
from employers.selectors import employer_get_for_user
from ips.access import is_specialist, require
from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record, access_events_record_many
from ips.forms import add_validation_error
from ips.history import history_of
from participants.selectors import participant_get_for_user
from referrals.selectors import referral_get_for_user


def _next_url(request, fallback: str) -> str:
    url = request.POST.get("neste") or request.GET.get("neste") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def _log(request, appointment_or_subject: dict, *, change: bool) -> None:
    access_event_record(
        request=request,
        what=AccessEvent.What.APPOINTMENT,
        participant=appointment_or_subject.get("participant"),
        referral=appointment_or_subject.get("referral"),
        action=AccessEvent.Action.CHANGE if change else AccessEvent.Action.VIEW,
    )


def _subject(request) -> dict:
    """The one subject named in the query string (?deltaker=, ?henvisning=, ?arbeidsgiver=),
    read in the user's scope (404 outside it)."""
    params = request.GET
    if params.get("deltaker"):
        return {"participant": participant_get_for_user(user=request.user, pk=params["deltaker"])}
    if params.get("henvisning"):
        return {"referral": referral_get_for_user(user=request.user, pk=params["henvisning"])}
    if params.get("arbeidsgiver"):
        return {"employer": employer_get_for_user(user=request.user, pk=params["arbeidsgiver"])}
    raise Http404


def _kind_for(subject: dict) -> str | None:
    if "referral" in subject:
        return Appointment.Kind.FIRST_MEETING
    if "employer" in subject:
        return Appointment.Kind.EMPLOYER
    return None  # a participant: the form asks (the person, or their treatment team)


def _fallback(subject: dict) -> str:
    if subject.get("participant") is not None:
        return reverse("participants:detail", kwargs={"pk": subject["participant"].pk})
    if subject.get("employer") is not None:
        return reverse("employers:detail", kwargs={"pk": subject["employer"].pk})
    return reverse("dashboards:my_day")


def subject_label(subject: dict) -> str:
    for key, attr in (("participant", "name"), ("referral", "person_name"), ("employer", "name")):
        if subject.get(key) is not None:
            return getattr(subject[key], attr)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def plan(request):
    require(is_specialist(request.user))
    subject = _subject(request)
    kind = _kind_for(subject)
    form = AppointmentForm(request.POST or None, kind=kind)
    done = _next_url(request, _fallback(subject))
    _log(request, subject, change=request.method == "POST")
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_plan(
                by=request.user,
                kind=kind or form.cleaned_data["kind"],
                **subject,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Avtalen er planlagt."))
            return redirect(done)
    return render(
        request,
        "appointments/appointment_form.html",
        {
            "form": form,
            "title": _("Planlegg avtale"),
            "subject_label": subject_label(subject),
            "back_url": done,
            "submit_label": _("Planlegg"),
        },
    )


def _subject_of(appointment: Appointment) -> dict:
    return {
        "participant": appointment.participant,
        "referral": appointment.referral,
        "employer": appointment.employer,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Move (new time, place or note) or cancel a planned appointment; history is kept."""
    appointment = selectors.appointment_get_for_user(user=request.user, pk=pk)
    subject = _subject_of(appointment)
    done = _next_url(request, _fallback(subject))
    _log(request, subject, change=request.method == "POST")
    fixed = (
        None
        if appointment.kind in (Appointment.Kind.PARTICIPANT, Appointment.Kind.TREATMENT_TEAM)
        else appointment.kind
    )
    if request.method == "POST":
        form = AppointmentForm(request.POST, kind=fixed)
        try:
            if "avlys" in request.POST:
                services.appointment_cancel(appointment=appointment, by=request.user)
                messages.success(request, _("Avtalen er avlyst. Den står fortsatt i historikken."))
                return redirect(done)
            if form.is_valid():
                arguments = form.service_arguments()
                services.appointment_move(appointment=appointment, by=request.user, **arguments)
                messages.success(
                    request, _("Avtalen er endret. Tidligere versjon er tatt vare på.")
                )
                return redirect(done)
        except ValidationError as exc:
            add_validation_error(form, exc)
    else:
        form = AppointmentForm(initial=AppointmentForm.initial_from(appointment), kind=fixed)
    history = list(history_of(appointment).order_by("-pgh_created_at")[:20])
    return render(
        request,
        "appointments/appointment_form.html",
        {
            "form": form,
            "appointment": appointment,
            "title": _("Endre avtale"),
            "subject_label": subject_label(subject),
            "back_url": done,
            "submit_label": _("Lagre endring"),
            "history": history,
        },
    )


@login_required
@require_POST
def hold(request, pk):
    """The meeting took place: one tap makes it the logged contact (or the first meeting)."""
    appointment = selectors.appointment_get_for_user(user=request.user, pk=pk)
    subject = _subject_of(appointment)
    _log(request, subject, change=True)
    try:
        services.appointment_hold(appointment=appointment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Møtet er registrert som holdt."))
    return redirect(_next_url(request, _fallback(subject)))


# --- The private calendar feed ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    require(is_specialist(request.user))
    token = None
    if request.method == "POST":
        if request.POST.get("handling") == "slaa-av":
            services.calendar_feed_revoke(by=request.user)
            messages.success(request, _("Kalenderen er slått av. Adressen virker ikke lenger."))
            return redirect("appointments:calendar")
        # The address is shown in this response only, never stored or redirected with.
        _feed, token = services.calendar_feed_enable(by=request.user)
    feed = selectors.active_feed_of(request.user)
    feed_url = (
        request.build_absolute_uri(reverse("appointments:feed", kwargs={"token": token}))
        if token
        else None
    )
    response = render(
        request, "appointments/calendar_settings.html", {"feed": feed, "feed_url": feed_url}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def feed(request, token):
    """The feed itself: no sign-in (a phone's calendar cannot), the secret address is the key.
    Read-only; every fetch is in the access log, under the feed's owner."""
    found = selectors.feed_by_token(token)
    if found is None:
        raise Http404
    appointments = selectors.feed_appointments(feed=found)
    # The token stands for its owner in this request, so the log names who the data went to.
    request.user = found.owner
    participant_ids = sorted({a.participant_id for a in appointments if a.participant_id})
    referral_ids = sorted(
        {a.referral_id for a in appointments if a.referral_id and not a.participant_id}
    )
    if participant_ids or referral_ids:
        access_events_record_many(
            request=request,
            what=AccessEvent.What.CALENDAR_FEED,
            participant_ids=participant_ids,
            referral_ids=referral_ids,
            action=AccessEvent.Action.EXPORT,
        )
    else:  # nobody's data in it, but the fetch is still logged
        access_event_record(
            request=request, what=AccessEvent.What.CALENDAR_FEED, action=AccessEvent.Action.EXPORT
        )
    services.calendar_feed_fetched(feed=found)
    response = HttpResponse(
        feed_calendar(appointments, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="ips-avtaler.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
