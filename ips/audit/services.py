"""Writing the access log. Reads of participant data call these from the view that shows them."""

import datetime as dt
import ipaddress
from collections.abc import Iterable

from django.db.models import Model
from django.http import HttpRequest

from ips.access import scope_for
from ips.audit.models import AccessEvent
from ips.history import acting_as


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind the load balancer that is the LAST
    X-Forwarded-For hop (the one our proxy appended); earlier hops are whatever the client sent
    and must not be trusted (they would let an attacker dodge the login throttle)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None


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
    action: str = AccessEvent.Action.VIEW,
) -> None:
    """One INSERT for a list page: one row per participant/referral shown on the page."""
    ids = [p.pk for p in participants] + list(participant_ids)
    events = [_event(request, action=action, what=what, participant_id=pk) for pk in ids] + [
        _event(request, action=action, what=what, referral_id=r.pk) for r in referrals
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


def retention_run(*, now: dt.datetime | None = None) -> int:
    """Anonymise every participant closed more than RETENTION_YEARS ago. Each one in its own
    transaction (a failure leaves the others done). Returns how many were anonymised.

    The retention rule is the actor, never a person: the changes are recorded as "System:
    retention" (and the access log names the system too)."""
    from django.conf import settings
    from django.utils import timezone

    from ips.audit.subject import participant_anonymise, participants_due_for_anonymisation

    now = now or timezone.now()
    done = 0
    with acting_as(None, via="retention"):
        for participant in participants_due_for_anonymisation(
            now=now, years=settings.RETENTION_YEARS
        ):
            participant_anonymise(participant=participant, now=now)
            done += 1
    return done
