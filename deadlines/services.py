"""Writes for alerts: acknowledging (by a person) and the daily digest (by a task).

Opening and resolving are the engine's job (engine.py); people only acknowledge.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.models import Alert, AlertEvent, DigestLog
from deadlines.rules import rule_title
from ips.accounts.models import User


def alert_acknowledge(*, alert: Alert, by, comment: str = "") -> Alert:
    """open → acknowledged, with who and a comment. The alert stays until the engine resolves it."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.state != Alert.State.OPEN:
            raise ValidationError(_("Varselet er allerede kvittert eller løst."), code="not_open")
        now = timezone.now()
        alert.state = Alert.State.ACKNOWLEDGED
        alert.acknowledged_by = by
        alert.acknowledged_at = now
        alert.acknowledge_comment = comment.strip()
        alert.full_clean()
        alert.save(
            update_fields=["state", "acknowledged_by", "acknowledged_at", "acknowledge_comment"]
        )
        AlertEvent.objects.create(
            alert=alert,
            from_state=Alert.State.OPEN,
            to_state=Alert.State.ACKNOWLEDGED,
            at=now,
            by=by,
            comment=alert.acknowledge_comment,
        )
    return alert


# --- Daily digest ---------------------------------------------------------------------------------

# Alerts a user is told about: their own (as owner) and, for leaders, every alert of their teams.
_DIGEST_COUNTS_SQL = """
SELECT u.user_id, a.rule, count(DISTINCT a.id)
FROM (
    SELECT a.owner_id AS user_id, a.id AS alert_id FROM deadlines_alert a
    WHERE NOT (a.state = 'resolved') AND a.owner_id IS NOT NULL
    UNION
    SELECT m.user_id, a.id FROM deadlines_alert a
    JOIN accounts_membership m ON m.team_id = a.team_id
        AND m.role = 'ips_leader' AND m.ended_at IS NULL
    WHERE NOT (a.state = 'resolved')
) u
JOIN deadlines_alert a ON a.id = u.alert_id
JOIN accounts_user usr ON usr.id = u.user_id AND usr.is_active AND usr.email <> ''
GROUP BY u.user_id, a.rule
ORDER BY u.user_id, a.rule
"""


def digest_send_daily(*, today: dt.date | None = None) -> int:
    """E-mail each specialist and leader with unresolved alerts a count per rule, once per day.

    The DigestLog row is inserted (unique per user and day) in the same transaction as the send:
    a second run the same day, or a concurrent one, finds the row and sends nothing; a failed
    send rolls the row back so a retry sends it. The e-mail holds counts and a link only, never
    names or health details (e-mail is not a safe channel for them).
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    with connection.cursor() as cursor:
        cursor.execute(_DIGEST_COUNTS_SQL)
        rows = cursor.fetchall()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for user_id, rule, n in rows:
        counts[user_id][rule] = n
    users = User.objects.in_bulk(list(counts))
    # SITE_URL (e.g. https://ips.example.no) makes the link absolute; without it, a path.
    link = settings.SITE_URL + reverse("deadlines:alert_list")
    sent = 0
    for user_id, per_rule in counts.items():
        user = users[user_id]
        total = sum(per_rule.values())
        with transaction.atomic():
            _log, created = DigestLog.objects.get_or_create(
                user=user, date=today, defaults={"sent_at": now, "alert_count": total}
            )
            if not created:
                continue
            lines = [(rule_title(rule), n) for rule, n in sorted(per_rule.items())]
            body = render_to_string(
                "deadlines/digest_email.txt",
                {"user": user, "lines": lines, "total": total, "link": link, "today": today},
            )
            send_mail(
                ngettext("IPS: %(count)s åpent varsel", "IPS: %(count)s åpne varsler", total)
                % {"count": total},
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            sent += 1
    return sent
