"""The participant page's small «Planlagte avtaler» section, as one inclusion tag, so the
participant page needs a single line to show it."""

from django import template
from django.utils import timezone

from appointments.selectors import for_participant
from ips.access import is_specialist

register = template.Library()


@register.inclusion_tag("appointments/includes/participant_appointments.html", takes_context=True)
def participant_appointments(context, participant):
    """The participant was read in scope (and access-logged) by the page's view."""
    now = timezone.now()
    appointments = for_participant(participant=participant)
    for a in appointments:
        a.is_due = a.starts_at <= now
    return {
        "appointments": appointments,
        "participant": participant,
        "can_edit": context.get("can_edit", False),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def plans_appointments(user) -> bool:
    """Job specialists plan appointments (their own); other roles have none."""
    return is_specialist(user)
