"""Celery tasks of the spreadsheet import and export: each calls one service and records a
failure on its row, so the progress page can say so."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import translation

from spreadsheets import services
from spreadsheets.models import ImportRun, TeamExport

logger = logging.getLogger(__name__)


@shared_task(
    name="spreadsheets.preview", acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60
)
def import_preview_run(run_id: int, reread: bool = True) -> None:
    run = ImportRun.objects.filter(pk=run_id).select_related("team").first()
    if run is None:
        return
    try:
        with translation.override(run.language):
            services.import_run_preview(run, reread=reread)
    except Exception as exc:
        logger.exception("import preview %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, error=str(exc)[:1000]
        )


@shared_task(
    name="spreadsheets.confirm", acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60
)
def import_confirm_run(run_id: int) -> None:
    run = ImportRun.objects.filter(pk=run_id).select_related("team", "uploaded_by").first()
    if run is None or run.status == ImportRun.Status.DONE:
        return
    try:
        with translation.override(run.language):
            services.import_run_confirm(
                run, progress=lambda p: ImportRun.objects.filter(pk=run_id).update(percent=p)
            )
    except services.ImportBlocked as exc:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.PREVIEW, error=str(exc), percent=0
        )
    except Exception as exc:
        logger.exception("import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.PREVIEW, error=str(exc)[:1000], percent=0
        )


@shared_task(
    name="spreadsheets.team_export", acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60
)
def team_export_run(export_id: int) -> None:
    export = TeamExport.objects.filter(pk=export_id).select_related("team", "requested_by").first()
    if export is None or export.status == TeamExport.Status.DONE:
        return
    try:
        services.team_export_build(export)
    except Exception as exc:
        TeamExport.objects.filter(pk=export_id).update(
            status=TeamExport.Status.FAILED, error=str(exc)[:1000]
        )
        raise
