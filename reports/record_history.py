"""Which record a «Historikk» page shows, and to whom (the reader above the domain apps).

The history rows themselves are read by `ips.audit.history.history_entries`; here each kind of
record is fetched through its own app's scoped selector, and health fields are hidden from
anyone outside the participant's own team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.http import Http404
from django.utils.translation import gettext_noop

from deadlines.selectors import alert_get_for_user
from fidelity.selectors import review_get_for_user
from ips import access
from participants.models import ActionPlan, Job, Participant, VocationalProfile
from participants.selectors import participant_get_for_user, participants_for
from referrals.selectors import referral_get_for_user


@dataclass(frozen=True)
class Kind:
    label: str  # Norwegian, as stored in the access log; templates translate it for display


KINDS = {
    "deltaker": Kind(gettext_noop("Deltaker")),
    "henvisning": Kind(gettext_noop("Henvisning")),
    "profil": Kind(gettext_noop("Yrkesprofil")),
    "plan": Kind(gettext_noop("Tiltaksplan")),
    "jobb": Kind(gettext_noop("Jobb")),
    "varsel": Kind(gettext_noop("Varsel")),
    "kvalitetsmaling": Kind(gettext_noop("Kvalitetsmåling")),
}


@dataclass(frozen=True)
class Subject:
    obj: object
    participant: object | None  # for the access log
    referral: object | None
    hidden_fields: frozenset[str]


def history_subject(*, user: Any, kind: str, pk: Any) -> Subject:
    """The record, if this user may see it (404 outside scope, 403 inside without the right)."""
    if kind not in KINDS:
        raise Http404
    if kind == "deltaker":
        participant = participant_get_for_user(user=user, pk=pk)
        # Contact details, like health details, are for the participant's own team only.
        hidden = _health_hidden(user, participant, Participant.CONTACT_FIELDS)
        return Subject(participant, participant, None, hidden)
    if kind == "henvisning":
        referral = referral_get_for_user(user=user, pk=pk)
        access.require(access.can_see_referral_details(user, referral))
        return Subject(referral, None, referral, frozenset())
    if kind in PARTICIPANT_PARTS:
        model = PARTICIPANT_PARTS[kind]
        # django-stubs joins the three models' querysets to QuerySet[Model]; each has .participant.
        obj = cast(
            Part,
            access.get_in_scope(
                model.objects.select_related("participant").filter(
                    participant__in=participants_for(user)
                ),
                pk,
            ),
        )
        health = getattr(model, "HEALTH_FIELDS", ())
        return Subject(obj, obj.participant, None, _health_hidden(user, obj.participant, health))
    if kind == "varsel":
        return Subject(alert_get_for_user(user=user, pk=pk), None, None, frozenset())
    return Subject(review_get_for_user(user=user, pk=pk), None, None, frozenset())


Part = VocationalProfile | ActionPlan | Job
PARTICIPANT_PARTS: dict[str, type[Part]] = {
    "profil": VocationalProfile,
    "plan": ActionPlan,
    "jobb": Job,
}


def _health_hidden(user: Any, participant: Any, health_fields: Any) -> frozenset[str]:
    return frozenset() if access.can_see_health(user, participant) else frozenset(health_fields)
