"""Thin views: access check → form → service → redirect. Reads come from employers.selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from employers import selectors, services
from employers.forms import (
    ContactPersonForm,
    EmployerContactAnyEmployerForm,
    EmployerContactForm,
    EmployerForm,
    JobOpeningForm,
    JobOpeningStatusForm,
    duplicate_in_form_message,
)
from employers.models import EmployerContact, JobOpening
from employers.selectors import employer_get_for_user, employers_for, job_opening_get_for_user
from ips.access import can_edit_employer, is_staff_member, require, staff_teams_for
from ips.audit.models import AccessEvent, AccessWhat
from ips.audit.services import access_events_record_many
from ips.forms import add_validation_error

PAGE_SIZE = 25


def _require_staff(request) -> None:
    """Register, log and weekly view are team pages: partners and auditors have none (403)."""
    require(is_staff_member(request.user))


def _editable_employer(request, pk):
    employer = employer_get_for_user(user=request.user, pk=pk)
    require(can_edit_employer(request.user, employer))
    return employer


def _chosen_team(request):
    """The team whose page this is: ?team=<id> among the user's own teams, else the first."""
    teams = list(staff_teams_for(request.user).order_by("name", "id"))
    wanted = request.GET.get("team")
    if wanted:
        for team in teams:
            if str(team.pk) == wanted:
                return team, teams
        raise Http404
    return teams[0], teams


def _log_people_shown(request, what: AccessWhat, people, detail: str = "") -> None:
    unique = {p.pk: p for p in people}
    access_events_record_many(
        request=request, what=what, detail=detail, participants=unique.values()
    )


# --- Register ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def employer_list(request):
    _require_staff(request)
    search = request.GET.get("q", "")
    qs = selectors.employer_list(user=request.user, search=search)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for employer in page_obj:
        employer.editable = can_edit_employer(request.user, employer)
    return render(
        request,
        "employers/employer_list.html",
        {"page_obj": page_obj, "search": search},
    )


def _duplicate_error(form, existing) -> None:
    form.add_error(
        "org_number",
        format_html(
            '{} <a href="{}">{}</a>',
            _("Denne arbeidsgiveren finnes allerede i registeret:"),
            reverse("employers:detail", args=[existing.pk]),
            existing.name,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def employer_create(request):
    _require_staff(request)
    teams = staff_teams_for(request.user).order_by("name", "id")
    form = EmployerForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team", None) or teams.first()
        try:
            employer = services.employer_create(team=team, by=request.user, **data)
        except services.DuplicateEmployerError as exc:
            _duplicate_error(form, exc.employer)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Arbeidsgiveren er registrert."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": None})


@login_required
@require_http_methods(["GET", "POST"])
def employer_edit(request, pk):
    employer = _editable_employer(request, pk)
    form = EmployerForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.EMPLOYER_EDITABLE_FIELDS}
        try:
            services.employer_update(employer=employer, by=request.user, **changes)
        except services.DuplicateEmployerError as exc:
            _duplicate_error(form, exc.employer)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


@login_required
@require_http_methods(["GET"])
def employer_detail(request, pk):
    employer = employer_get_for_user(
        user=request.user, pk=pk, queryset=employers_for(request.user).select_related("team")
    )
    detail = selectors.employer_detail(user=request.user, employer=employer)
    page_obj = Paginator(detail.contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    people = [p for c in page_obj for p in c.visible_people]
    people += [job.participant for job in detail.hires]
    people += [p for o in detail.openings for p in o.visible_people]
    _log_people_shown(request, AccessEvent.What.EMPLOYER, people, employer.name)
    return render(
        request,
        "employers/employer_detail.html",
        {
            "employer": employer,
            "detail": detail,
            "page_obj": page_obj,
            "editable": can_edit_employer(request.user, employer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_person_add(request, pk):
    employer = _editable_employer(request, pk)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_person_add(employer=employer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Kontaktpersonen er lagt til."))
            return redirect("employers:detail", pk=employer.pk)
    return render(
        request, "employers/contactperson_form.html", {"form": form, "employer": employer}
    )


@login_required
@require_POST
def employer_archive(request, pk):
    employer = _editable_employer(request, pk)
    services.employer_archive(employer=employer, by=request.user)
    messages.success(request, _("Arbeidsgiveren er arkivert og vises ikke lenger i registeret."))
    return redirect("employers:list")


# --- Employer log ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    employer = _editable_employer(request, pk)
    choices = selectors.participant_choices(user=request.user, team_id=employer.team_id)
    form = EmployerContactForm(request.POST or None, employer=employer, participants=choices)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.employer_contact_log(
                employer=employer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Kontakten er logget."))
            if contact.outcome == EmployerContact.Outcome.JOB_OPENING:
                url = reverse("employers:opening_create", args=[employer.pk])
                return redirect(f"{url}?kontakt={contact.pk}")
            return redirect("employers:detail", pk=employer.pk)
    _log_people_shown(request, AccessEvent.What.EMPLOYER_CONTACT_FORM, choices, employer.name)
    return render(
        request, "employers/employercontact_form.html", {"form": form, "employer": employer}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create_any(request):
    """Log a contact with any employer of the team's register, or with a new one typed in on
    the same form (saved together with the contact, or not at all)."""
    _require_staff(request)
    team, _teams = _chosen_team(request)
    # The team's own register: a shared register is read-only for the teams it is shared with.
    employers = employers_for(request.user).filter(team=team, archived_at__isnull=True)
    employers = employers.order_by("name", "id")
    choices = selectors.participant_choices(user=request.user, team_id=team.pk)
    form = EmployerContactAnyEmployerForm(
        request.POST or None, employers=employers, participants=choices
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        employer = data.pop("employer")
        name, org_number = data.pop("new_employer_name"), data.pop("new_employer_org_number")
        try:
            if employer is None:
                contact = services.employer_contact_log_with_new_employer(
                    team=team,
                    by=request.user,
                    employer_name=name,
                    employer_org_number=org_number,
                    **data,
                )
            else:
                contact = services.employer_contact_log(employer=employer, by=request.user, **data)
        except services.DuplicateEmployerError as exc:
            form.add_error("new_employer_org_number", duplicate_in_form_message(exc.employer))
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Kontakten er logget."))
            if contact.outcome == EmployerContact.Outcome.JOB_OPENING:
                url = reverse("employers:opening_create", args=[contact.employer_id])
                return redirect(f"{url}?kontakt={contact.pk}")
            return redirect("employers:detail", pk=contact.employer_id)
    _log_people_shown(request, AccessEvent.What.EMPLOYER_CONTACT_FORM, choices, team.name)
    return render(request, "employers/employercontact_form.html", {"form": form, "employer": None})


@login_required
@require_http_methods(["GET"])
def employer_log(request):
    _require_staff(request)
    specialists = list(selectors.team_specialists(user=request.user))
    wanted = request.GET.get("spesialist", "")
    chosen = next((u for u in specialists if str(u.pk) == wanted), None)
    qs = selectors.employer_log(user=request.user, specialist_id=chosen.pk if chosen else None)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_people_shown(
        request, AccessEvent.What.EMPLOYER_LOG, [p for c in page_obj for p in c.visible_people]
    )
    return render(
        request,
        "employers/employercontact_list.html",
        {"page_obj": page_obj, "specialists": specialists, "chosen": chosen},
    )


# --- Job openings ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def opening_create(request, pk):
    employer = _editable_employer(request, pk)
    choices = selectors.participant_choices(user=request.user, team_id=employer.team_id)
    initial = {}
    if request.method == "GET" and request.GET.get("kontakt", "").isdigit():
        initial["source_contact"] = request.GET["kontakt"]
    form = JobOpeningForm(
        request.POST or None, employer=employer, participants=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.job_opening_create(employer=employer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Den ledige stillingen er registrert."))
            return redirect("employers:detail", pk=employer.pk)
    _log_people_shown(request, AccessEvent.What.OPENING_NEW, choices, employer.name)
    return render(request, "employers/jobopening_form.html", {"form": form, "employer": employer})


@login_required
@require_http_methods(["GET"])
def opening_list(request):
    _require_staff(request)
    status = request.GET.get("status", JobOpening.Status.OPEN)
    if status not in JobOpening.Status.values:
        status = JobOpening.Status.OPEN
    qs = selectors.job_opening_list(user=request.user, status=status)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_people_shown(
        request, AccessEvent.What.OPENINGS, [p for o in page_obj for p in o.visible_people]
    )
    return render(
        request,
        "employers/jobopening_list.html",
        {"page_obj": page_obj, "status": status, "statuses": JobOpening.Status.choices},
    )


@login_required
@require_POST
def opening_status(request, pk):
    opening = job_opening_get_for_user(user=request.user, pk=pk)
    require(can_edit_employer(request.user, opening.employer))
    form = JobOpeningStatusForm(request.POST)
    if form.is_valid():
        services.job_opening_set_status(
            opening=opening, by=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("Status for stillingen er endret."))
    else:
        messages.error(request, _("Ukjent status."))
    return redirect("employers:opening_list")


# --- Weekly job development ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def weekly(request):
    _require_staff(request)
    team, teams = _chosen_team(request)
    view = selectors.weekly_view(user=request.user, team=team)
    _log_people_shown(
        request,
        AccessEvent.What.JOB_DEVELOPMENT_WEEK,
        [p for o in view.openings for p in o.visible_people],
    )
    return render(
        request,
        "employers/weekly.html",
        {"view": view, "teams": teams, "team": team},
    )
