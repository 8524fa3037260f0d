"""The participant's timeline: everything that happened with the person, from every app.

A reader above the domain apps: the participant's own records, employer contacts made on their
behalf (employers) and alerts about them (deadlines), merged newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.selectors import timeline_rows as appointment_rows
from deadlines.models import Alert
from deadlines.rules import rule_title
from employers.models import EmployerContactParticipant
from ips.history import history_model_of
from participants.models import (
    Contact,
    EducationEpisode,
    Goal,
    Job,
    Participant,
    ParticipantStatusEvent,
    PlanReview,
    VocationalProfile,
)


@dataclass
class TimelineItem:
    kind: str
    label: str
    on: dt.date
    at: dt.datetime
    text: str = ""
    detail: str = ""
    obj: object = None
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[dt.date, dt.datetime]:
        return (self.on, self.at)


def _aware_date(value: dt.datetime) -> dt.date:
    return timezone.localdate(value)


def _midday(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


TIMELINE_PAGE = 100


def participant_timeline(*, participant: Participant, pages: int = 1) -> tuple[list, bool]:
    """Everything that happened with the person, newest first: referral, contacts, plan
    reviews, goals, profile updates, employer contacts on their behalf, jobs, education, status
    changes, alerts and appointments. Each source is one query limited to the newest `limit` rows, so the
    query count does not grow with the record; returns (items, has_more)."""
    limit = TIMELINE_PAGE * max(1, min(pages, 20))
    items: list[TimelineItem] = []
    pid = participant.pk

    referral = participant.referral
    if referral is not None:
        items.append(
            TimelineItem(
                "referral",
                str(_("Henvisning mottatt")),
                referral.date_received,
                _midday(referral.date_received),
                obj=referral,
            )
        )

    for c in (
        Contact.objects.filter(participant_id=pid)
        .select_related("logged_by")
        .order_by("-contact_date", "-created_at")[:limit]
    ):
        items.append(
            TimelineItem(
                "contact",
                str(_("Kontakt: %(with)s") % {"with": c.get_with_whom_display()}),
                c.contact_date,
                c.created_at,
                text=c.note,
                detail=", ".join(
                    str(x)
                    for x in (
                        c.get_mode_display(),
                        c.get_place_display() if c.place else "",
                        _("%(n)s min") % {"n": c.duration_minutes},
                        c.logged_by.get_full_name(),
                    )
                    if x
                ),
                obj=c,
            )
        )

    for r in (
        PlanReview.objects.filter(plan__participant_id=pid)
        .select_related("reviewed_by")
        .order_by("-reviewed_on", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                "plan_review",
                str(_("Handlingsplanen gjennomgått")),
                r.reviewed_on,
                r.created_at,
                text=r.summary,
                obj=r,
            )
        )

    for g in Goal.objects.filter(plan__participant_id=pid).order_by("-created_at")[:limit]:
        items.append(
            TimelineItem(
                "goal",
                str(_("Delmål lagt til")),
                _aware_date(g.created_at),
                g.created_at,
                text=g.description,
                obj=g,
            )
        )

    for h in _profile_events(pid, limit):
        items.append(
            TimelineItem(
                "profile",
                str(_("Yrkesprofilen oppdatert")),
                _aware_date(h.pgh_created_at),
                h.pgh_created_at,
                obj=h,
            )
        )

    for link in (
        EmployerContactParticipant.objects.filter(participant_id=pid)
        .select_related("employer_contact__employer")
        .order_by("-employer_contact__contact_date", "-employer_contact_id")[:limit]
    ):
        ec = link.employer_contact
        items.append(
            TimelineItem(
                "employer_contact",
                str(_("Arbeidsgiverkontakt: %(employer)s") % {"employer": ec.employer.name}),
                ec.contact_date,
                ec.created_at,
                text=ec.note,
                detail=ec.get_purpose_display(),
                obj=ec,
            )
        )

    for j in (
        Job.objects.filter(participant_id=pid)
        .select_related("employer")
        .order_by("-start_date", "-id")[:limit]
    ):
        kind_text = _("Jobb") if j.is_ordinary else _("Arbeidstrening (teller ikke som jobb)")
        items.append(
            TimelineItem(
                "job_start",
                str(_("Startet i jobb")) if j.is_ordinary else str(_("Startet arbeidstrening")),
                j.start_date,
                j.created_at,
                text=f"{j.title}, {j.employer.name}",
                detail=str(kind_text),
                obj=j,
            )
        )
        if j.end_date:
            items.append(
                TimelineItem(
                    "job_end",
                    str(_("Jobben sluttet")),
                    j.end_date,
                    j.updated_at,
                    text=f"{j.title}, {j.employer.name}",
                    detail=j.get_end_reason_display(),
                    obj=j,
                )
            )

    for e in EducationEpisode.objects.filter(participant_id=pid).order_by("-start_date", "-id")[
        :limit
    ]:
        items.append(
            TimelineItem(
                "education_start",
                str(_("Startet på utdanning")),
                e.start_date,
                e.created_at,
                text=f"{e.programme}, {e.institution}",
                obj=e,
            )
        )
        if e.end_date:
            items.append(
                TimelineItem(
                    "education_end",
                    str(_("Utdanning avsluttet")),
                    e.end_date,
                    _midday(e.end_date),
                    text=f"{e.programme}, {e.institution}",
                    detail=e.get_end_reason_display(),
                    obj=e,
                )
            )

    for ev in (
        ParticipantStatusEvent.objects.filter(participant_id=pid)
        .select_related("by")
        .order_by("-at", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                "status",
                str(_("Status: %(status)s") % {"status": ev.get_to_status_display()}),
                _aware_date(ev.at),
                ev.at,
                text=ev.note,
                obj=ev,
            )
        )

    for a in Alert.objects.filter(
        subject_kind=Alert.SubjectKind.PARTICIPANT, subject_id=pid
    ).order_by("-first_breached_at", "-id")[:limit]:
        items.append(
            TimelineItem(
                "alert",
                str(_("Varsel: %(rule)s") % {"rule": rule_title(a.rule)}),
                _aware_date(a.first_breached_at),
                a.first_breached_at,
                detail=a.get_state_display(),
                obj=a,
            )
        )

    for ap in appointment_rows(participant_id=pid, limit=limit):
        items.append(
            TimelineItem(
                "appointment",
                str(
                    _("%(kind)s (%(status)s)")
                    % {"kind": ap.get_kind_display(), "status": ap.get_status_display().lower()}
                ),
                _aware_date(ap.starts_at),
                ap.starts_at,
                detail=", ".join(
                    str(x)
                    for x in (
                        timezone.localtime(ap.starts_at).strftime("%H:%M"),
                        ap.get_place_display() if ap.place else ap.get_mode_display(),
                        ap.location,
                        ap.employer.name if ap.employer else "",
                    )
                    if x
                ),
                obj=ap,
            )
        )

    items.sort(key=lambda i: i.sort_key, reverse=True)
    return items[:limit], len(items) > limit


def _profile_events(participant_id: int, limit: int) -> QuerySet[Any]:
    history_model = history_model_of(VocationalProfile)
    return history_model._default_manager.filter(pgh_obj__participant_id=participant_id).order_by(
        "-pgh_created_at"
    )[:limit]
