"""Referral pages. Thin: access check → form → service → redirect.

Partners see the status of their own organisation's referrals (name, status, dates) and nothing
else; the receiving team sees the whole referral. Every detail view is written to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ips.access import (
    can_manage_intake,
    can_see_referral_details,
    is_leader,
    is_partner,
    require,
    scope_for,
)
from ips.audit.models import AccessEvent
from ips.audit.services import access_event_record, access_events_record_many
from ips.forms import add_validation_error
from referrals.filters import ReferralFilter
from referrals.forms import AssignForm, FirstMeetingForm, MergeForm, ReferralForm, WithdrawForm
from referrals.models import Referral
from referrals.selectors import (
    add_intake_timing,
    existing_participant_for,
    intake_queue_for,
    merge_candidates,
    referral_detail_for,
    referral_events,
    referral_list_for,
    team_specialists_by_free_capacity,
)
from referrals.services import (
    DuplicateParticipantError,
    referral_assign,
    referral_merge,
    referral_register_first_meeting,
    referral_submit,
    referral_withdraw,
)

LIST_PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 50
CONFLICT = gettext_lazy(
    "Henvisningen ble endret samtidig av noen andre, eller dataene bryter en regel. "
    "Ingenting ble lagret. Sjekk feltene og prøv igjen."
)


def _can_act_on(user, referral: Referral) -> bool:
    """First meeting and withdrawal: the team's leader or the assigned job specialist."""
    return is_leader(user, referral.team_id) or (
        referral.assigned_specialist_id == user.pk
        and referral.team_id in scope_for(user).staff_team_ids
    )


@require_GET
@login_required
def referral_list(request):
    user = request.user
    scope = scope_for(user)
    # Auditors work from review samples, not from referrals.
    require(bool(scope.staff_team_ids or scope.partner_org_ids))
    filterset = ReferralFilter(
        request.GET or None, queryset=referral_list_for(user=user), user=user
    )
    page_obj = Paginator(filterset.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    for referral in rows:
        referral.show_details = referral.team_id in scope.staff_team_ids
    access_events_record_many(request=request, what=AccessEvent.What.REFERRAL_LIST, referrals=rows)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "referrals": rows,
            "staff_view": bool(scope.staff_team_ids),
            "can_create": is_partner(user) or is_leader(user),
        },
    )


@require_GET
@login_required
def intake_queue(request):
    user = request.user
    require(is_leader(user))
    page_obj = Paginator(intake_queue_for(user=user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = add_intake_timing(page_obj.object_list)
    access_events_record_many(request=request, what=AccessEvent.What.INTAKE_QUEUE, referrals=rows)
    return render(
        request,
        "referrals/referral_queue.html",
        {
            "page_obj": page_obj,
            "referrals": rows,
            "several_teams": len(scope_for(user).leader_team_ids) > 1,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_create(request):
    user = request.user
    require(is_partner(user) or is_leader(user))
    # `?team=<pk>`: the sender clicked the suggested team (the link works without JavaScript).
    initial = {"team": request.GET["team"]} if request.GET.get("team", "").isdigit() else {}
    form = ReferralForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_submit(by=user, **form.service_kwargs())
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:
            form.add_error(None, CONFLICT)
        else:
            messages.success(
                request,
                _("Henvisningen for %(name)s er sendt til %(team)s.")
                % {"name": referral.person_name, "team": referral.team},
            )
            if can_see_referral_details(user, referral):
                return redirect("referrals:detail", pk=referral.pk)
            return redirect("referrals:list")
    return render(request, "referrals/referral_form.html", {"form": form})


@require_GET
@login_required
def referral_detail(request, pk):
    user = request.user
    referral = referral_detail_for(user=user, pk=pk)
    events = referral_events(referral=referral)
    if not can_see_referral_details(user, referral):
        # The referring partner: name, status and dates. Nothing of the contents.
        access_event_record(
            request=request, what=AccessEvent.What.REFERRAL_STATUS, referral=referral
        )
        return render(
            request,
            "referrals/referral_status.html",
            {"referral": referral, "events": events},
        )
    access_event_record(request=request, what=AccessEvent.What.REFERRAL_DETAIL, referral=referral)
    is_open = referral.status in Referral.OPEN_STATUSES
    if is_open:
        add_intake_timing([referral])
    context = {
        "referral": referral,
        "events": events,
        "can_assign": is_open and can_manage_intake(user, referral.team_id),
        "can_register_meeting": referral.status == Referral.Status.ASSIGNED
        and _can_act_on(user, referral),
        "can_withdraw": is_open and _can_act_on(user, referral),
        "participant_link": None,
        "existing_participant": None,
        # A possible duplicate in the same team (annotated by the selector): the leader may
        # merge it into the other record.
        "can_merge": is_open
        and can_manage_intake(user, referral.team_id)
        and bool(referral.duplicate_referral_id or referral.duplicate_participant_id),
    }
    if referral.status == Referral.Status.FIRST_MEETING_HELD:
        participant = existing_participant_for(referral=referral)
        if participant is not None:
            context["participant_link"] = reverse(
                "participants:detail", kwargs={"pk": participant.pk}
            )
    elif is_open:
        existing = existing_participant_for(referral=referral)
        if existing is not None:
            context["existing_participant"] = existing
            context["existing_participant_url"] = reverse(
                "participants:detail", kwargs={"pk": existing.pk}
            )
    return render(request, "referrals/referral_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def referral_assign_view(request, pk):
    user = request.user
    referral = referral_detail_for(user=user, pk=pk)
    require(can_manage_intake(user, referral.team_id))
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, _("Henvisningen er allerede avsluttet og kan ikke tildeles."))
        return redirect("referrals:detail", pk=referral.pk)
    specialists_qs = team_specialists_by_free_capacity(team=referral.team)
    form = AssignForm(request.POST or None, referral=referral, specialists=specialists_qs)
    if request.method == "POST" and form.is_valid():
        specialist = form.cleaned_data["specialist"]
        try:
            referral = referral_assign(
                referral=referral,
                specialist=specialist,
                by=user,
                confirm_over_limit=form.cleaned_data["confirm_over_limit"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:
            form.add_error(None, CONFLICT)
        else:
            messages.success(
                request,
                _("%(name)s er tildelt %(specialist)s.")
                % {"name": referral.person_name, "specialist": specialist},
            )
            return redirect("referrals:queue")
    specialists = list(specialists_qs)
    limit = referral.team.caseload_limit
    for specialist in specialists:
        specialist.over_limit = specialist.active_caseload >= limit
        specialist.over_warning = specialist.active_caseload >= referral.team.caseload_warning
    if form.is_bound:
        selected = form.data.get("specialist", "")
    elif referral.assigned_specialist_id:
        selected = str(referral.assigned_specialist_id)
    else:
        # The suggestion: the specialist with the most free capacity.
        selected = str(specialists[0].pk) if specialists else ""
    return render(
        request,
        "referrals/referral_assign.html",
        {
            "referral": add_intake_timing([referral])[0],
            "form": form,
            "specialists": specialists,
            "selected": selected,
            "any_over_limit": any(s.over_limit for s in specialists),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_first_meeting(request, pk):
    user = request.user
    referral = referral_detail_for(user=user, pk=pk)
    require(_can_act_on(user, referral))
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, _("Henvisningen er allerede avsluttet."))
        return redirect("referrals:detail", pk=referral.pk)
    if referral.assigned_specialist_id is None:
        messages.warning(
            request, _("Tildel henvisningen til en jobbspesialist før første møte registreres.")
        )
        return redirect("referrals:detail", pk=referral.pk)
    form = FirstMeetingForm(request.POST or None, referral=referral)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = referral_register_first_meeting(
                referral=referral,
                meeting_date=data["meeting_date"],
                place=data["place"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
                by=user,
            )
        except DuplicateParticipantError as error:
            duplicate = error.participant
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:
            form.add_error(None, CONFLICT)
        else:
            messages.success(
                request,
                _("Første møte er registrert. %(name)s er nå deltaker.")
                % {"name": participant.name},
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_first_meeting.html",
        {
            "referral": referral,
            "form": form,
            "duplicate": duplicate,
            "duplicate_url": reverse("participants:detail", kwargs={"pk": duplicate.pk})
            if duplicate
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_withdraw_view(request, pk):
    user = request.user
    referral = referral_detail_for(user=user, pk=pk)
    require(_can_act_on(user, referral))
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, _("Henvisningen er allerede avsluttet."))
        return redirect("referrals:detail", pk=referral.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_withdraw(
                referral=referral,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:
            form.add_error(None, CONFLICT)
        else:
            messages.success(request, _("Henvisningen er avsluttet."))
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_withdraw.html",
        {
            "referral": referral,
            "form": form,
            "duplicate_label": Referral.WithdrawalReason.DUPLICATE.label,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_merge_view(request, pk):
    """A possible duplicate (the same national ID open twice in the team, or already an active
    participant there): the leader keeps one record, and this one is withdrawn pointing to it."""
    user = request.user
    referral = referral_detail_for(user=user, pk=pk)
    require(can_manage_intake(user, referral.team_id))
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, _("Henvisningen er allerede avsluttet."))
        return redirect("referrals:detail", pk=referral.pk)
    candidates = merge_candidates(referral=referral)
    if not candidates.referrals and candidates.participant is None:
        messages.info(
            request, _("Det finnes ingen annen åpen henvisning eller deltaker å slå sammen med.")
        )
        return redirect("referrals:detail", pk=referral.pk)
    form = MergeForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            referral_merge(duplicate=referral, by=user, **form.kept_kwargs())
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:
            form.add_error(None, CONFLICT)
        else:
            messages.success(
                request,
                _("Henvisningen er slått sammen og avsluttet som dobbel henvisning."),
            )
            return redirect("referrals:queue")
    access_events_record_many(
        request=request,
        what=AccessEvent.What.REFERRAL_DETAIL,
        referrals=[referral, *candidates.referrals],
    )
    return render(
        request,
        "referrals/referral_merge.html",
        {"referral": referral, "form": form, "candidates": candidates},
    )
