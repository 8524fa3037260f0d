"""«Min dag» as a work queue: each open alert with the person it is about and the one action
that clears it, the week's appointments first, and newly assigned referrals.

A reader: it composes deadlines (alerts), referrals, participants and appointments. Every part
is a fixed number of queries, whatever the number of alerts or appointments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment
from appointments.selectors import my_planned, planned_first_meetings
from dashboards import selectors
from deadlines.models import Alert
from deadlines.rules import rule_title
from deadlines.selectors import subject_labels
from participants.models import Participant
from referrals.models import Referral

# The action that clears each rule: (action code for the «Min dag» dialog, button label).
# None: no in-place action; the row links to the page where it is dealt with.
CONTACT = "kontakt"
REVIEW = "gjennomgang"
EMPLOYER_CONTACT = "arbeidsgiverkontakt"
FIRST_MEETING = "forste-mote"
BOOK = "book-forste-mote"

ACTIONS: dict[str, tuple[str, Any]] = {
    CONTACT: ("participant", _("Logg kontakt")),
    REVIEW: ("participant", _("Registrer gjennomgang av planen")),
    EMPLOYER_CONTACT: ("participant", _("Logg arbeidsgiverkontakt")),
    FIRST_MEETING: ("referral", _("Registrer første møte")),
    BOOK: ("referral", _("Book første møte")),
}

RULE_ACTIONS: dict[str, tuple[str, ...]] = {
    "no_contact_30_days": (CONTACT,),
    "job_start_followup": (CONTACT,),
    "job_loss_followup": (CONTACT,),
    "plan_review_due": (REVIEW,),
    "job_search_overdue": (EMPLOYER_CONTACT,),
    "first_meeting_overdue": (BOOK, FIRST_MEETING),
}


@dataclass
class Action:
    code: str
    label: Any
    subject_id: int

    @property
    def url(self) -> str:
        return reverse(
            "dashboards:my_day_action", kwargs={"action": self.code, "pk": self.subject_id}
        )


@dataclass
class Item:
    """One row of the queue: an alert, or a new referral with no alert yet."""

    title: Any
    subject_label: str
    subject_url: str
    due_date: dt.date | None
    alert: Alert | None = None
    actions: list[Action] = field(default_factory=list)
    link: tuple[str, Any] | None = None
    planned: Appointment | None = None
    key: str = ""
    # The person shown on the row (for the access log).
    participant_id: int | None = None
    referral_id: int | None = None


def _first_meeting_due(referral: Referral) -> dt.date:
    return referral.date_received + dt.timedelta(days=selectors.FIRST_MEETING_WITHIN_DAYS)


def _link_for(alert: Alert, subject: Any) -> tuple[str, Any] | None:
    if alert.rule == "profile_missing" and subject is not None:
        return reverse("participants:profile", kwargs={"pk": subject.pk}), _("Start yrkesprofilen")
    if alert.rule in ("caseload_high", "caseload_over_limit"):
        return reverse("participants:caseload"), _("Se porteføljen")
    if alert.rule == "employer_contacts_low":
        return reverse("employers:list"), _("Logg arbeidsgiverkontakt")
    if alert.rule == "referral_unassigned" and subject is not None:
        return reverse("referrals:detail", kwargs={"pk": subject.pk}), _("Se henvisningen")
    return None


def _alert_item(alert: Alert, subject: Any, planned: dict[int, Appointment]) -> Item:
    label, url = "", ""
    if isinstance(subject, Participant):
        label, url = subject.name, reverse("participants:detail", kwargs={"pk": subject.pk})
    elif isinstance(subject, Referral):
        label, url = subject.person_name, reverse("referrals:detail", kwargs={"pk": subject.pk})
    elif subject is not None:
        label = str(subject)
    item = Item(
        title=rule_title(alert.rule),
        subject_label=label,
        subject_url=url,
        due_date=alert.due_date,
        alert=alert,
        link=_link_for(alert, subject),
        key=f"alert-{alert.pk}",
        participant_id=subject.pk if isinstance(subject, Participant) else None,
        referral_id=subject.pk if isinstance(subject, Referral) else None,
    )
    if subject is not None and alert.rule != "referral_unassigned":
        item.actions = [
            Action(code, ACTIONS[code][1], subject.pk) for code in RULE_ACTIONS.get(alert.rule, ())
        ]
    if isinstance(subject, Referral):
        item.planned = planned.get(subject.pk)
    return item


@dataclass
class WorkQueue:
    counts: list[dict[str, Any]]
    appointments_due: list[Appointment]
    appointments_today: list[Appointment]
    appointments_week: list[Appointment]
    new_referrals: list[Item]
    alerts: list[Item]
    alert_total: int

    def _appointments(self) -> list[Appointment]:
        return self.appointments_due + self.appointments_today + self.appointments_week

    def participant_ids(self) -> set[int]:
        ids = {i.participant_id for i in self.alerts if i.participant_id}
        for a in self._appointments():
            if a.participant_id:
                ids.add(a.participant_id)
        return ids

    def referral_ids(self) -> set[int]:
        ids = {i.referral_id for i in self.alerts + self.new_referrals if i.referral_id}
        for a in self._appointments():
            if a.referral_id:
                ids.add(a.referral_id)
        return ids


def work_queue(*, user: Any, today: dt.date, week_end: dt.date) -> WorkQueue:
    alerts = selectors.my_open_alerts(user=user)
    labels = subject_labels(alerts)
    fresh = selectors.my_new_referrals(user=user)
    # Booked first meetings of the referrals on the page (alerts about them, new ones): the same
    # selector as «Varsler» (appointments.selectors.planned_first_meetings), one query.
    planned = planned_first_meetings(
        {a.subject_id for a in alerts if a.subject_kind == Alert.SubjectKind.REFERRAL}
        | {r.pk for r in fresh}
    )
    items = [_alert_item(a, labels.get((a.subject_kind, a.subject_id)), planned) for a in alerts]

    with_alert = {
        i.alert.subject_id
        for i in items
        if i.alert and i.alert.subject_kind == Alert.SubjectKind.REFERRAL
    }
    new_referrals = [
        Item(
            title=_("Ny henvisning"),
            subject_label=r.person_name,
            subject_url=reverse("referrals:detail", kwargs={"pk": r.pk}),
            due_date=_first_meeting_due(r),
            actions=[Action(code, ACTIONS[code][1], r.pk) for code in (BOOK, FIRST_MEETING)],
            planned=planned.get(r.pk),
            key=f"referral-{r.pk}",
            referral_id=r.pk,
        )
        for r in fresh
        if r.pk not in with_alert
    ]

    now = timezone.now()
    due, on_day, later = [], [], []
    for a in my_planned(user=user, until=week_end):
        if a.starts_at <= now:
            due.append(a)
        elif timezone.localdate(a.starts_at) == today:
            on_day.append(a)
        else:
            later.append(a)
    counts = [
        {"rule": row["rule"], "title": rule_title(row["rule"]), "total": row["total"]}
        for row in selectors.my_alert_counts(user=user)
    ]
    return WorkQueue(
        counts=counts,
        appointments_due=due,
        appointments_today=on_day,
        appointments_week=later,
        new_referrals=new_referrals,
        alerts=items,
        alert_total=sum(c["total"] for c in counts),
    )
