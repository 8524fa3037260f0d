"""Writing the access log. Reads of participant data call these from the view that shows them."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Model
from django.http import HttpRequest

from ips.access import scope_for
from ips.audit.models import AccessEvent
from ips.http import client_ip


def _event(
    request: HttpRequest,
    *,
    action: str,
    what: str,
    participant_id: int | None = None,
    referral_id: int | None = None,
) -> AccessEvent:
    user = request.user if request.user.is_authenticated else None
    return AccessEvent(
        user=user,
        role=",".join(scope_for(user).roles) if user else "",
        action=action,
        participant_id=participant_id,
        referral_id=referral_id,
        what=what[:200],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
    )


def access_event_record(
    *,
    request: HttpRequest,
    what: str,
    action: str = AccessEvent.Action.VIEW,
    participant: Model | None = None,
    referral: Model | None = None,
) -> AccessEvent:
    event = _event(
        request,
        action=action,
        what=what,
        participant_id=getattr(participant, "pk", None),
        referral_id=getattr(referral, "pk", None),
    )
    event.save()
    return event


def access_events_record_many(
    *,
    request: HttpRequest,
    what: str,
    participants: Iterable[Model] = (),
    referrals: Iterable[Model] = (),
    participant_ids: Iterable[int] = (),
    referral_ids: Iterable[int] = (),
    action: str = AccessEvent.Action.VIEW,
) -> None:
    """One INSERT for a list page: one row per participant/referral shown on the page."""
    ids = [p.pk for p in participants] + list(participant_ids)
    events = [_event(request, action=action, what=what, participant_id=pk) for pk in ids] + [
        _event(request, action=action, what=what, referral_id=pk)
        for pk in [r.pk for r in referrals] + list(referral_ids)
    ]
    if events:
        AccessEvent.objects.bulk_create(events)


def unusual_access_report_send(*, days: int = 7) -> dict[str, int]:
    """E-mail each team's leaders the number of findings (no names in e-mail: they read the
    details in the app, behind two-factor sign-in). Returns {team name: findings} for teams
    with findings."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import timezone

    from ips.accounts.models import Membership, Team
    from ips.audit.selectors import unusual_access

    until = timezone.now()
    since = until - dt.timedelta(days=days)
    sent: dict[str, int] = {}
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        report = unusual_access(team_ids=[team.pk], since=since, until=until)
        if report.is_empty:
            continue
        findings = len(report.outside_caseload) + len(report.bursts)
        leaders = Membership.objects.filter(
            team=team, role=Membership.Role.LEADER, ended_at__isnull=True
        ).values_list("user__email", flat=True)
        recipients = [email for email in leaders if email]
        if recipients:
            send_mail(
                subject=f"Uvanlig tilgang i {team.name}: {findings} funn siste uke",
                message=(
                    f"Tilgangsloggen for {team.name} har {findings} funn siste {days} dager "
                    "(lesing utenfor egen portefølje, eller mange journaler på kort tid).\n"
                    "Logg inn og se «Tilgangslogg» → «Uvanlig tilgang»."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        sent[team.name] = findings
    return sent
