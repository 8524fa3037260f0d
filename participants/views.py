"""Thin views: scope the participant through the access policy, log the read, form → service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import DecimalField, Field
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from deadlines.selectors import with_open_alert_count
from employers import services as employer_services
from employers.forms import JobStartWithNewEmployerForm, duplicate_in_form_message
from employers.selectors import employers_contacted_for, employers_for
from ips.access import can_edit_participant, can_see_health, is_leader, is_staff_member, require
from ips.audit.models import AccessEvent, AccessWhat
from ips.audit.services import access_event_record, access_events_record_many
from ips.forms import add_validation_error
from ips.http import announce
from ips.merge import BadSnapshot, ConflictForm
from ips.pdf import render_pdf
from participants import services
from participants.filters import CaseloadFilter
from participants.forms import (
    PROFILE_QUESTIONS,
    ContactDetailsForm,
    ContactForm,
    EducationEndForm,
    EducationStartForm,
    GoalForm,
    JobEndForm,
    PlanForm,
    PlanReviewForm,
    StatusForm,
    SupportPersonForm,
    WorkHistoryForm,
    profile_section_form,
    profile_values_from_snapshot,
)
from participants.models import ActionPlan, Contact, Participant, VocationalProfile
from participants.selectors import (
    PROFILE_SECTION_BY_KEY,
    PROFILE_SECTIONS,
    caseload_for,
    caseload_rows,
    contact_details_for,
    days_since,
    participant_for_page,
    participant_get_for_user,
    profile_completeness,
    profile_previous_answers,
    profile_section_fills,
    specialists_led_by,
)
from reports.timeline import participant_timeline

CASELOAD_PAGE_SIZE = 25


def _participant(request, pk, *, what: AccessWhat, edit: bool = False) -> Participant:
    """The participant if the user may see it (else 404), 403 for edits without the right to
    edit, and the read (or change) written to the access log."""
    participant = participant_get_for_user(
        user=request.user, pk=pk, queryset=participant_for_page(user=request.user, pk=pk)
    )
    if edit:
        require(can_edit_participant(request.user, participant))
    action = AccessEvent.Action.CHANGE if request.method == "POST" else AccessEvent.Action.VIEW
    access_event_record(request=request, what=what, participant=participant, action=action)
    return participant


def _form_page(request, participant, form, *, title: str, back: str, submit: str, extra=None):
    context = {
        "participant": participant,
        "form": form,
        "title": title,
        "back_url": back,
        "submit_label": submit,
        **(extra or {}),
    }
    return render(request, "participants/participant_form.html", context)


def _event_form_page(request, participant, form, save, *, done: str, title: str, submit: str):
    """Job, education and status events: a valid POST is saved and leads back to the participant
    page; otherwise (or when the service refuses it) the form is shown again with what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(_detail_url(participant))
    return _form_page(
        request, participant, form, title=title, back=_detail_url(participant), submit=submit
    )


def _detail_url(participant) -> str:
    return reverse("participants:detail", kwargs={"pk": participant.pk})


# --- Caseload ------------------------------------------------------------------------------------


@login_required
@require_GET
def caseload(request):
    require(is_staff_member(request.user))
    leader = is_leader(request.user)
    filterset = CaseloadFilter(
        request.GET,
        queryset=with_open_alert_count(caseload_for(user=request.user)),
        specialists=specialists_led_by(user=request.user) if leader else None,
    )
    page = Paginator(filterset.qs, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.days_since_contact = days_since(row.last_contact_date)
    access_events_record_many(request=request, what=AccessEvent.What.CASELOAD, participants=rows)
    return render(
        request,
        "participants/participant_caseload.html",
        {"filter": filterset, "page_obj": page, "rows": rows, "is_leader": leader},
    )


# --- Participant page --------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.PARTICIPANT_PAGE)
    try:
        pages = int(request.GET.get("vis", "1"))
    except ValueError:
        pages = 1
    items, has_more = participant_timeline(participant=participant, pages=pages)
    open_jobs = list(participant.jobs.filter(end_date__isnull=True).select_related("employer"))
    open_education = list(participant.education_episodes.filter(end_date__isnull=True))
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "timeline": items,
            "has_more": has_more,
            "next_pages": pages + 1,
            "open_jobs": open_jobs,
            "open_education": open_education,
            "can_edit": can_edit_participant(request.user, participant),
            "contact_details": contact_details_for(user=request.user, participant=participant),
            # The leader answers "who has looked at my record" requests.
            "access_report_pk": participant.pk
            if is_leader(request.user, participant.team_id)
            else None,
        },
    )


@login_required
def contact_details_edit(request, pk):
    """Phone, e-mail, address and preferred way of contact (own team only: 404 outside it)."""
    participant = _participant(request, pk, what=AccessEvent.What.CONTACT_DETAILS, edit=True)
    form = ContactDetailsForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_contact_update(
                participant=participant, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Kontaktopplysningene er lagret. Tidligere verdier ligger i historikken."),
            )
            return redirect(_detail_url(participant) + "#kontaktopplysninger")
    return _form_page(
        request,
        participant,
        form,
        title=_("Kontaktopplysninger"),
        back=_detail_url(participant),
        submit=_("Lagre kontaktopplysninger"),
    )


# --- Contact log -------------------------------------------------------------------------------------


def _contact_saved_response(request, participant, origin: str):
    if origin == "caseload":
        # A caseload row: the participant with the columns its selector annotates.
        row: Any = with_open_alert_count(caseload_rows(user=request.user)).get(pk=participant.pk)
        row.days_since_contact = days_since(row.last_contact_date)
        html = render_to_string(
            "participants/partials/caseload_row.html", {"row": row}, request=request
        )
    else:
        items, has_more = participant_timeline(participant=participant)
        html = render_to_string(
            "participants/partials/timeline.html",
            {
                "participant": participant,
                "timeline": items,
                "has_more": has_more,
                "next_pages": 2,
                "can_edit": True,
            },
            request=request,
        )
    response = HttpResponse(html)
    announce(response, _("Kontakten med %(name)s er registrert.") % {"name": participant.name})
    return trigger_client_event(response, "contactLogged", {"participant": participant.pk})


LAST_CONTACT_CHOICE = "contact_last_choice"


def _last_contact_choice(request) -> dict:
    remembered = request.session.get(LAST_CONTACT_CHOICE) or {}
    mode = remembered.get("mode")
    if mode not in Contact.Mode.values:
        return {}
    place = remembered.get("place", "")
    return {"mode": mode, "place": place if place in Contact.Place.values else ""}


@login_required
def contact_log(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.CONTACT_LOG, edit=True)
    origin = request.GET.get("fra", "detail")
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.contact_log(
                    participant=participant, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                # The next contact starts from this one's mode and place (per user, per session).
                request.session[LAST_CONTACT_CHOICE] = {
                    "mode": contact.mode,
                    "place": contact.place,
                }
                if request.htmx:
                    return _contact_saved_response(request, participant, origin)
                messages.success(request, _("Kontakten er registrert."))
                return redirect(_detail_url(participant))
    else:
        form = ContactForm(initial=_last_contact_choice(request))
    context = {
        "participant": participant,
        "form": form,
        "origin": origin,
        "in_dialog": bool(request.htmx),
    }
    if request.htmx:
        response = render(request, "participants/partials/contact_form.html", context)
        if request.method == "POST":
            # Invalid: the form (with what was typed) goes back into the dialog.
            response = reswap(retarget(response, "#contact-dialog-body"), "innerHTML")
        return response
    return render(request, "participants/contact_log.html", context)


@login_required
def contact_edit(request, pk, contact_pk):
    participant = _participant(request, pk, what=AccessEvent.What.CONTACT_EDIT, edit=True)
    contact = participant.contacts.filter(pk=contact_pk).first()
    if contact is None:
        from django.http import Http404

        raise Http404
    if request.method == "POST":
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                services.contact_update(contact=contact, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request, _("Kontakten er endret. Tidligere versjon er tatt vare på.")
                )
                return redirect(_detail_url(participant))
    else:
        form = ContactForm(instance=contact)
    history = list(contact.history.order_by("-pgh_created_at")[:20])
    return _form_page(
        request,
        participant,
        form,
        title=_("Endre kontakt"),
        back=_detail_url(participant),
        submit=_("Lagre endring"),
        extra={"contact_history": history},
    )


# --- Vocational profile --------------------------------------------------------------------------------
# One form per section of the kit's form, each saved on its own (ips.merge: a stale page merges).


def _profile_url(participant, section: str = "") -> str:
    url = reverse("participants:profile", kwargs={"pk": participant.pk})
    return f"{url}#del-{section}" if section else url


def _profile_sections(request, participant, profile, *, posted=None):
    """The page's sections: title, the form (editors) or the values (readers), the earlier free
    text, «utfylt av / dato». `posted` = (section key, bound form or None, conflict form or
    None) replaces that section's fresh form."""
    show_health = can_see_health(request.user, participant)
    can_edit = can_edit_participant(request.user, participant)
    health = set(VocationalProfile.HEALTH_FIELDS)
    fills = profile_section_fills(profile)
    instance = profile or VocationalProfile(participant=participant)
    sections = []
    for section in PROFILE_SECTIONS:
        names = [n for n in section.fields if show_health or n not in health]
        if section.fields and not names:
            continue
        form = conflict_form = None
        if posted and posted[0] == section.key:
            form, conflict_form = posted[1], posted[2]
        elif can_edit and section.fields:
            form = profile_section_form(section)(
                instance=instance, show_health=show_health, prefix=section.key
            )
        sections.append(
            {
                "section": section,
                "form": form,
                "conflict_form": conflict_form,
                "values": [(_profile_label(n), _display(instance, n)) for n in names],
                "previous": profile_previous_answers(profile, section, show_health=show_health),
                "fill": fills.get(section.key),
            }
        )
    return sections


def _profile_page(request, participant, profile, *, posted=None, status=200):
    show_health = can_see_health(request.user, participant)
    work_history = list(profile.work_history.all()) if profile else []
    support_network = list(profile.support_network.all()) if profile else []
    completeness = profile_completeness(
        profile=profile,
        show_health=show_health,
        related_counts={
            "work_history": len(work_history),
            "support_network": len(support_network),
        },
    )
    context = {
        "participant": participant,
        "profile": profile,
        "sections": _profile_sections(request, participant, profile, posted=posted),
        "completeness": completeness,
        "work_history": work_history,
        "support_network": support_network,
        "show_health": show_health,
        "can_edit": can_edit_participant(request.user, participant),
        "source_labels": [
            VocationalProfile.Source(s).label for s in (profile.sources if profile else [])
        ],
    }
    return render(request, "participants/vocationalprofile_edit.html", context, status=status)


@login_required
@require_GET
def profile(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.VOCATIONAL_PROFILE)
    profile = VocationalProfile.objects.filter(participant=participant).first()
    return _profile_page(request, participant, profile)


def _profile_label(name: str) -> str:
    field = VocationalProfile._meta.get_field(name)
    assert isinstance(field, Field)  # profile questions are concrete fields
    return str(field.verbose_name)


@login_required
@require_POST
def profile_section(request, pk, section):
    """Save one section. A save from a stale page is merged (ips.merge): the user's own changes
    go on top of what is stored now; fields both changed differently come back as a conflict
    form on the page, to resolve field by field. The conflict form posts here too."""
    participant = _participant(request, pk, what=AccessEvent.What.VOCATIONAL_PROFILE, edit=True)
    spec = PROFILE_SECTION_BY_KEY.get(section)
    if spec is None or not spec.fields:
        raise Http404
    show_health = can_see_health(request.user, participant)
    profile = VocationalProfile.objects.filter(participant=participant).first()
    form_class = profile_section_form(spec)
    if f"{section}-token" in request.POST:
        return _profile_resolve(request, participant, spec, profile)
    form = form_class(
        request.POST,
        instance=profile or VocationalProfile(participant=participant),
        show_health=show_health,
        prefix=section,
    )
    if not form.is_valid():
        return _profile_page(request, participant, profile, posted=(section, form, None))
    try:
        base = form.base_snapshot()
    except BadSnapshot:
        # A page from before per-section saving, or an altered one: treat every field as
        # possibly changed by someone else (a stored value that differs is a conflict).
        base = {}
    try:
        result = services.profile_section_save(
            participant=participant,
            by=request.user,
            section=section,
            base=base,
            data=form.merge_data(),
        )
    except ValidationError as exc:
        add_validation_error(form, exc)
        return _profile_page(request, participant, profile, posted=(section, form, None))
    return _profile_saved(request, participant, spec, result)


def _profile_resolve(request, participant, spec, profile):
    conflict = ConflictForm(
        request.POST, labels=_conflict_labels(spec), display=_display_value, prefix=spec.key
    )
    try:
        conflict.base()
    except BadSnapshot:
        messages.error(request, _("Skjemaet kunne ikke leses. Åpne delen på nytt og prøv igjen."))
        return redirect(_profile_url(participant, spec.key))
    if not conflict.is_valid():
        return _profile_page(request, participant, profile, posted=(spec.key, None, conflict))
    try:
        result = services.profile_section_save(
            participant=participant,
            by=request.user,
            section=spec.key,
            base=conflict.base(),
            data=profile_values_from_snapshot(conflict.chosen_mine()),
        )
    except ValidationError as exc:
        add_validation_error(conflict, exc)
        return _profile_page(request, participant, profile, posted=(spec.key, None, conflict))
    return _profile_saved(request, participant, spec, result)


def _profile_saved(request, participant, spec, result):
    labels = [_profile_label(n) for n in result.applied]
    if result.conflicts:
        conflict = ConflictForm(
            conflicts=result.conflicts,
            labels=_conflict_labels(spec),
            display=_display_value,
            prefix=spec.key,
        )
        if labels:
            messages.success(
                request,
                _("Lagret: %(fields)s.") % {"fields": ", ".join(labels)},
            )
        return _profile_page(
            request, participant, result.profile, posted=(spec.key, None, conflict), status=409
        )
    if labels:
        messages.success(request, _("%(section)s er lagret.") % {"section": spec.title})
    else:
        messages.info(
            request, _("Ingen endringer å lagre i %(section)s.") % {"section": spec.title}
        )
    return redirect(_profile_url(participant, spec.key))


def _conflict_labels(spec) -> dict[str, str]:
    return {n: str(PROFILE_QUESTIONS.get(n, _profile_label(n))) for n in spec.fields}


def _display_value(name: str, value) -> str:
    """A profile value as the page shows it (also a normalised one, from a conflict form)."""
    field = VocationalProfile._meta.get_field(name)
    if name in ("sources", "income_sources"):
        labels = dict(
            (VocationalProfile.Source if name == "sources" else VocationalProfile.Benefit).choices
        )
        return ", ".join(str(labels.get(v, v)) for v in value or [])
    if value is True:
        return _("Ja")
    if value is False:
        return _("Nei")
    if value is None or value == "":
        return str(_("ikke svart")) if value is None else str(_("tomt"))
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(int(value) if str(value).isdigit() else value, value))
    if isinstance(field, DecimalField):
        return number_format(field.to_python(value))
    return str(value)


def _display(profile, name: str) -> str:
    """A stored value on the read-only page ("" when not answered)."""
    value = getattr(profile, name)
    if value is None or value == "" or value == []:
        return ""
    return _display_value(name, value)


@login_required
def work_history_add(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.VOCATIONAL_PROFILE, edit=True)
    back = reverse("participants:profile", kwargs={"pk": participant.pk})
    form = WorkHistoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_history_add(participant=participant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Arbeidserfaringen er lagt til."))
            return redirect(back + "#arbeidserfaring")
    return _form_page(
        request,
        participant,
        form,
        title=_("Legg til arbeidserfaring"),
        back=back,
        submit=_("Lagre"),
    )


@login_required
def support_person_add(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.VOCATIONAL_PROFILE, edit=True)
    back = reverse("participants:profile", kwargs={"pk": participant.pk})
    form = SupportPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_person_add(
                participant=participant, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Personen er lagt til i støttenettverket."))
            return redirect(back + "#stottenettverk")
    return _form_page(
        request,
        participant,
        form,
        title=_("Legg til person i nettverket"),
        back=back,
        submit=_("Lagre"),
    )


# --- Action plan ----------------------------------------------------------------------------------------


def _plan_url(participant) -> str:
    return reverse("participants:plan", kwargs={"pk": participant.pk})


@login_required
def plan(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.ACTION_PLAN)
    plan = ActionPlan.objects.filter(participant=participant).select_related("filled_by").first()
    can_edit = can_edit_participant(request.user, participant)
    form = PlanForm(request.POST if request.method == "POST" else None, instance=plan)
    if request.method == "POST":
        require(can_edit)
        if form.is_valid():
            try:
                services.plan_save(participant=participant, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("Handlingsplanen er lagret."))
                return redirect(_plan_url(participant))
    goals = list(plan.goals.filter(archived_at__isnull=True)) if plan else []
    reviews = list(plan.reviews.select_related("reviewed_by")) if plan else []
    employers_contacted = employers_contacted_for(user=request.user, participant=participant)
    return render(
        request,
        "participants/actionplan_detail.html",
        {
            "participant": participant,
            "plan": plan,
            "form": form if can_edit else None,
            "goal_form": GoalForm(prefix="goal") if can_edit else None,
            "goals": goals,
            "reviews": reviews,
            "employers_contacted": employers_contacted,
            "can_edit": can_edit,
        },
    )


@login_required
def goal_add(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.ACTION_PLAN, edit=True)
    form = GoalForm(request.POST or None, prefix="goal")
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(participant=participant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Delmålet er lagt til."))
            return redirect(_plan_url(participant) + "#delmal")
    return _form_page(
        request,
        participant,
        form,
        title=_("Nytt delmål"),
        back=_plan_url(participant),
        submit=_("Legg til delmål"),
    )


@login_required
def goal_edit(request, pk, goal_pk):
    participant = _participant(request, pk, what=AccessEvent.What.ACTION_PLAN, edit=True)
    goal = _child_or_404(participant, "goal", goal_pk)
    form = GoalForm(request.POST or None, instance=goal, prefix="goal")
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Delmålet er endret."))
            return redirect(_plan_url(participant) + "#delmal")
    return _form_page(
        request,
        participant,
        form,
        title=_("Endre delmål"),
        back=_plan_url(participant),
        submit=_("Lagre endring"),
    )


def _child_or_404(participant, kind: str, pk):
    from django.http import Http404

    from participants.models import EducationEpisode, Goal, Job, PlanReview

    queries = {
        "goal": Goal.objects.filter(plan__participant=participant),
        "review": PlanReview.objects.filter(plan__participant=participant).select_related(
            "reviewed_by"
        ),
        "job": Job.objects.filter(participant=participant).select_related("employer"),
        "education": EducationEpisode.objects.filter(participant=participant),
    }
    obj = queries[kind].filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@login_required
def review_add(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.ACTION_PLAN_REVIEW, edit=True)
    form = PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review_record(
                participant=participant, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Gjennomgangen er registrert."))
            return redirect(_plan_url(participant) + "#gjennomganger")
    return _form_page(
        request,
        participant,
        form,
        title=_("Registrer gjennomgang av handlingsplanen"),
        back=_plan_url(participant),
        submit=_("Lagre gjennomgang"),
    )


@login_required
@require_GET
def review_detail(request, pk, review_pk):
    participant = _participant(request, pk, what=AccessEvent.What.ACTION_PLAN_REVIEW)
    review = _child_or_404(participant, "review", review_pk)
    return render(
        request,
        "participants/planreview_detail.html",
        {"participant": participant, "review": review, "snapshot": review.snapshot},
    )


@login_required
@require_GET
def plan_pdf(request, pk):
    participant = participant_get_for_user(
        user=request.user, pk=pk, queryset=participant_for_page(user=request.user, pk=pk)
    )
    access_event_record(
        request=request,
        what=AccessEvent.What.ACTION_PLAN_PDF,
        participant=participant,
        action=AccessEvent.Action.EXPORT,
    )
    plan = ActionPlan.objects.filter(participant=participant).select_related("filled_by").first()
    goals = list(plan.goals.filter(archived_at__isnull=True)) if plan else []
    pdf = render_pdf(
        template="participants/actionplan_pdf.html",
        context={
            "participant": participant,
            "plan": plan,
            "goals": goals,
            "employers_contacted": employers_contacted_for(
                user=request.user, participant=participant
            ),
        },
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handlingsplan-{participant.pk}.pdf"'
    return response


# --- Jobs, education, status ---------------------------------------------------------------------------


@login_required
def job_start(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.JOB_START, edit=True)
    employers = employers_for(request.user).filter(archived_at__isnull=True).order_by("name")

    def save(data):
        data = dict(data)
        name, org_number = data.pop("new_employer_name"), data.pop("new_employer_org_number")
        if not name:
            return services.job_start(participant=participant, by=request.user, **data)
        # A new employer typed in on the way: it and the job are saved together, or neither.
        data.pop("employer")
        try:
            return employer_services.job_start_with_new_employer(
                participant=participant,
                by=request.user,
                employer_name=name,
                employer_org_number=org_number,
                **data,
            )
        except employer_services.DuplicateEmployerError as exc:
            raise ValidationError(
                {"new_employer_org_number": duplicate_in_form_message(exc.employer)}
            ) from exc

    return _event_form_page(
        request,
        participant,
        JobStartWithNewEmployerForm(request.POST or None, employers=employers),
        save,
        done=_("Jobbstarten er registrert."),
        title=_("Registrer jobbstart"),
        submit=_("Registrer jobbstart"),
    )


@login_required
def job_end(request, pk, job_pk):
    participant = _participant(request, pk, what=AccessEvent.What.JOB_END, edit=True)
    job = _child_or_404(participant, "job", job_pk)
    return _event_form_page(
        request,
        participant,
        JobEndForm(request.POST or None, instance=job),
        lambda data: services.job_end(job=job, by=request.user, **data),
        done=_("Jobbslutten er registrert."),
        title=_("Registrer at jobben slutter: %(title)s, %(employer)s")
        % {"title": job.title, "employer": job.employer.name},
        submit=_("Registrer slutt"),
    )


@login_required
def education_start(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.EDUCATION, edit=True)
    return _event_form_page(
        request,
        participant,
        EducationStartForm(request.POST or None),
        lambda data: services.education_start(participant=participant, by=request.user, **data),
        done=_("Utdanningen er registrert."),
        title=_("Registrer utdanning"),
        submit=_("Registrer utdanning"),
    )


@login_required
def education_end(request, pk, education_pk):
    participant = _participant(request, pk, what=AccessEvent.What.EDUCATION, edit=True)
    episode = _child_or_404(participant, "education", education_pk)
    return _event_form_page(
        request,
        participant,
        EducationEndForm(request.POST or None, instance=episode),
        lambda data: services.education_end(episode=episode, by=request.user, **data),
        done=_("Utdanningen er registrert som avsluttet."),
        title=_("Avslutt utdanning: %(p)s") % {"p": episode.programme},
        submit=_("Registrer slutt"),
    )


@login_required
def status_change(request, pk):
    participant = _participant(request, pk, what=AccessEvent.What.STATUS, edit=True)
    return _event_form_page(
        request,
        participant,
        StatusForm(request.POST or None, initial={"status": participant.status}),
        lambda data: services.participant_change_status(
            participant=participant, to_status=data["status"], by=request.user, note=data["note"]
        ),
        done=_("Statusen er endret."),
        title=_("Endre status"),
        submit=_("Lagre status"),
    )
