"""Writing the access log. Reads of participant data call these from the view that shows them."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from ips.access import scope_for
from ips.accounts.models import User
from ips.audit.models import AccessEvent, AccessReportExport, AccessWhat
from ips.audit.pdf import PDF_LINES, participant_access_report_pdf
from ips.audit.selectors import access_groups, participant_access_pdf_plan
from ips.history import acting_as
from ips.http import client_ip


def _fields(request: HttpRequest, *, action: str, what: AccessWhat, detail: str = "") -> dict:
    """What every access-log row of one request has in common (worked out once per request,
    not once per listed row)."""
    user = request.user if request.user.is_authenticated else None
    scope = scope_for(user)
    return {
        "user": user,
        "role": ",".join(scope.roles) if user else "",
        "organisation_id": scope.organisation_id,
        "action": action,
        "what": AccessEvent.What(what),
        "detail": str(detail)[:200],
        "path": request.get_full_path()[:500],
        "ip_address": client_ip(request),
    }


def access_event_record(
    *,
    request: HttpRequest,
    what: AccessWhat,
    detail: str = "",
    action: str = AccessEvent.Action.VIEW,
    participant: Model | None = None,
    referral: Model | None = None,
) -> AccessEvent:
    event = AccessEvent(
        **_fields(request, action=action, what=what, detail=detail),
        participant_id=getattr(participant, "pk", None),
        referral_id=getattr(referral, "pk", None),
    )
    event.save()
    return event


def access_events_record_many(
    *,
    request: HttpRequest,
    what: AccessWhat,
    detail: str = "",
    participants: Iterable[Model] = (),
    referrals: Iterable[Model] = (),
    participant_ids: Iterable[int] = (),
    referral_ids: Iterable[int] = (),
    action: str = AccessEvent.Action.VIEW,
) -> None:
    """One INSERT for a list page: one row per participant/referral shown on the page."""
    ids = [p.pk for p in participants] + list(participant_ids)
    referral_pks = [r.pk for r in referrals] + list(referral_ids)
    if not ids and not referral_pks:
        return
    fields = _fields(request, action=action, what=what, detail=detail)
    AccessEvent.objects.bulk_create(
        [AccessEvent(**fields, participant_id=pk) for pk in ids]
        + [AccessEvent(**fields, referral_id=pk) for pk in referral_pks]
    )


def access_events_record_for(
    *,
    user: User,
    what: AccessWhat,
    action: str,
    participant_ids: Iterable[int],
    detail: str = "",
    path: str = "",
) -> int:
    """The access log of work done outside a request (a Celery task acting for `user`): one
    multi-row INSERT, one row per participant, with the user's role and organisation."""
    scope = scope_for(user)
    events = [
        AccessEvent(
            user=user,
            role=",".join(scope.roles),
            organisation_id=scope.organisation_id,
            action=action,
            participant_id=pk,
            what=AccessEvent.What(what),
            detail=str(detail)[:200],
            path=path[:500],
        )
        for pk in sorted(set(participant_ids))
    ]
    AccessEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def access_report_export_start(
    *, participant: Any, language: str, by: User, schedule: Callable[[int], object]
) -> AccessReportExport:
    """A large access report PDF: the row the progress page follows, and the Celery task
    (`schedule(export_id)`) started once the row is committed."""
    with acting_as(by):
        export = AccessReportExport.objects.create(
            requested_by=by, participant=participant, language=language
        )
    transaction.on_commit(lambda: schedule(export.pk))
    return export


def access_report_export_build(export: AccessReportExport) -> AccessReportExport:
    """Read the grouped lines, render them and save the file, noting progress as it goes."""
    with acting_as(export.requested_by, via="access report PDF"):

        def progress(percent: int, **more: Any) -> None:
            AccessReportExport.objects.filter(pk=export.pk).update(percent=percent, **more)

        progress(5, status=AccessReportExport.Status.RUNNING)
        plan = participant_access_pdf_plan(participant=export.participant, max_lines=PDF_LINES)
        groups = access_groups(plan.rows, level=plan.level)
        progress(30, lines=len(groups))
        pdf = participant_access_report_pdf(
            participant=export.participant,
            groups=groups,
            language=export.language,
            level=plan.level,
        )
        progress(90)
        export.refresh_from_db()
        export.file.save(
            f"tilgangsrapport-{export.participant_id}-{export.pk}.pdf",
            ContentFile(pdf),
            save=False,
        )
        export.status = AccessReportExport.Status.DONE
        export.percent = 100
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "percent", "finished_at"])
    return export


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
            subject, message = _unusual_access_mail(team=team.name, findings=findings, days=days)
            send_mail(
                subject=subject,
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        sent[team.name] = findings
    return sent


def _unusual_access_mail(*, team: str, findings: int, days: int) -> tuple[str, str]:
    """Users have no stored language, so the e-mail is in Norwegian with English below (the
    subject in both). The texts are the .po's, like the rest of the UI."""
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    def texts(language: str) -> tuple[str, str]:
        with translation.override(language):
            subject = ngettext(
                "Uvanlig tilgang i %(team)s: %(n)s funn siste uke",
                "Uvanlig tilgang i %(team)s: %(n)s funn siste uke",
                findings,
            ) % {"team": team, "n": findings}
            body = ngettext(
                "Tilgangsloggen for %(team)s har %(n)s funn siste %(days)s dager "
                "(lesing utenfor egen portefølje, eller mange journaler på kort tid).",
                "Tilgangsloggen for %(team)s har %(n)s funn siste %(days)s dager "
                "(lesing utenfor egen portefølje, eller mange journaler på kort tid).",
                findings,
            ) % {"team": team, "n": findings, "days": days}
            body += "\n" + gettext("Logg inn og se «Tilgangslogg» → «Uvanlig tilgang».")
        return subject, body

    nb_subject, nb_body = texts("nb")
    en_subject, en_body = texts("en")
    return f"{nb_subject} / {en_subject}", f"{nb_body}\n\n(English)\n{en_body}"
