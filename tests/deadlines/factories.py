"""Helpers to build the records each rule watches."""

import datetime as dt

from deadlines.engine import scan
from deadlines.models import Alert
from tests.factories import ParticipantFactory


def run(rule: str) -> set[int]:
    """Scan one rule; return the subject ids that now have an unresolved alert for it."""
    scan(rules=[rule])
    return set(
        Alert.objects.filter(rule=rule)
        .exclude(state=Alert.State.RESOLVED)
        .values_list("subject_id", flat=True)
    )


def caseload(specialist, team, n: int, **kwargs) -> list:
    return [ParticipantFactory(team=team, job_specialist=specialist, **kwargs) for _ in range(n)]


def monday_of_last_week(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday() + 7)
