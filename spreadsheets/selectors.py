"""Reads of the import and export: a leader's own teams only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ips.access import scope_for
from ips.accounts.models import Team
from spreadsheets.models import ImportRow, ImportRun, TeamExport


def import_teams_for(user: Any) -> QuerySet[Team]:
    """The teams whose data this user may import and export: the teams they lead."""
    return Team.objects.filter(pk__in=scope_for(user).leader_team_ids).order_by("name", "pk")


def import_runs_for(user: Any) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(team_id__in=scope_for(user).leader_team_ids).select_related(
        "team", "uploaded_by"
    )


def import_history(*, team: Team) -> QuerySet[ImportRun]:
    """The team's confirmed imports, newest first: who, when, which file, rows per outcome."""
    return (
        ImportRun.objects.filter(team=team, status=ImportRun.Status.DONE)
        .select_related("uploaded_by")
        .order_by("-finished_at")
    )


def import_rows(*, run: ImportRun, outcome: str = "") -> QuerySet[ImportRow]:
    rows = run.rows.order_by("position")
    return rows.filter(outcome=outcome) if outcome else rows


def team_exports_for(user: Any) -> QuerySet[TeamExport]:
    return TeamExport.objects.filter(
        requested_by=user, team_id__in=scope_for(user).leader_team_ids
    ).select_related("team")


def team_export_size(*, team: Team) -> int:
    """Rows the team's workbook will hold, roughly: participants and their contacts."""
    from participants.models import Contact, Participant

    return (
        Participant.objects.filter(team=team).count()
        + Contact.objects.filter(participant__team=team).count()
    )
