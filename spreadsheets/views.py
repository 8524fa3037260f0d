"""The import wizard (upload → sheets → columns → preview → confirm) and the team export, for
the IPS leader of the team. Thin: forms, services and selectors do the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ips.access import get_in_scope
from ips.audit.models import AccessEvent
from ips.audit.services import access_events_record_many
from spreadsheets import selectors, services, tasks
from spreadsheets.columns import COLUMNS
from spreadsheets.exporting import template_workbook
from spreadsheets.forms import UploadForm
from spreadsheets.models import ImportRun, Kind, Outcome, TeamExport
from spreadsheets.reading import FileRefused, check_size

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _team(request):
    teams = selectors.import_teams_for(request.user)
    if not teams:
        raise PermissionDenied
    wanted = request.POST.get("team") or request.GET.get("team")
    return get_in_scope(teams, wanted) if wanted else teams.first(), teams


def _run(request, pk) -> ImportRun:
    return get_in_scope(selectors.import_runs_for(request.user), pk)


def _index_context(request, team, teams, form):
    return {
        "team": team,
        "teams": teams,
        "form": form,
        "history": selectors.import_history(team=team)[:20],
        "exports": selectors.team_exports_for(request.user).filter(team=team)[:5],
    }


@login_required
@require_GET
def index(request):
    team, teams = _team(request)
    return render(
        request,
        "spreadsheets/import_index.html",
        _index_context(request, team, teams, UploadForm()),
    )


@login_required
@require_GET
def template_download(request):
    _team(request)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ips-importmal.xlsx"'
    return response


@login_required
@require_POST
def upload(request):
    team, teams = _team(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            content = b"".join(upload.chunks())
            run = services.import_run_create(
                team=team,
                by=request.user,
                file_name=upload.name,
                content=content,
                language=get_language(),
            )
        except FileRefused as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("spreadsheets:run_sheets", pk=run.pk)
    return render(
        request,
        "spreadsheets/import_index.html",
        _index_context(request, team, teams, form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_sheets(request, pk):
    run = _run(request, pk)
    if request.method == "POST":
        kinds = {s["name"]: request.POST.get(f"kind-{i}", "") for i, s in enumerate(run.sheets)}
        kinds = {name: (k if k in COLUMNS else "") for name, k in kinds.items()}
        services.import_run_set_kinds(run=run, kinds=kinds)
        if any(kinds.values()):
            return redirect("spreadsheets:run_mapping", pk=run.pk)
        error = _("Velg hva minst ett ark inneholder.")
    else:
        error = ""
    sheets = [{**s, "index": i} for i, s in enumerate(run.sheets)]
    return render(
        request,
        "spreadsheets/import_sheets.html",
        {"run": run, "sheets": sheets, "kinds": Kind.choices, "error": error},
        status=400 if error else 200,
    )


def _start_preview(run: ImportRun, *, reread: bool) -> None:
    if services.import_run_needs_background(run):
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.PLANNING, percent=1)
        tasks.import_preview_run.delay(run.pk, reread)
    else:
        services.import_run_preview(run, reread=reread)


@login_required
@require_http_methods(["GET", "POST"])
def run_mapping(request, pk):
    run = _run(request, pk)
    errors: dict = {}
    if request.method == "POST":
        mappings = {}
        for i, sheet in enumerate(run.sheets):
            mappings[sheet["name"]] = {
                str(c): request.POST.get(f"map-{i}-{c}", "") for c in range(len(sheet["header"]))
            }
        try:
            services.import_run_set_mapping(run=run, mappings=mappings)
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            for sheet in run.sheets:
                sheet["mapping"] = {k: v for k, v in mappings.get(sheet["name"], {}).items() if v}
        else:
            _start_preview(run, reread=True)
            return redirect("spreadsheets:run_preview", pk=run.pk)
    sheets = []
    for i, sheet in enumerate(run.sheets):
        if not sheet["kind"]:
            continue
        columns = [
            {"index": c, "header": h, "field": sheet["mapping"].get(str(c), "")}
            for c, h in enumerate(sheet["header"])
        ]
        sheets.append(
            {
                **sheet,
                "index": i,
                "kind_label": Kind(sheet["kind"]).label,
                "columns": columns,
                "fields": [(c.key, c.label, c.required) for c in COLUMNS[sheet["kind"]]],
                "error": errors.get(sheet["name"], ""),
            }
        )
    return render(
        request,
        "spreadsheets/import_mapping.html",
        {"run": run, "sheets": sheets, "error": errors.get("", "")},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def run_preview(request, pk):
    run = _run(request, pk)
    if request.htmx and request.GET.get("progress"):
        return render(request, "spreadsheets/import_preview.html#progress", {"run": run})
    outcome = request.GET.get("vis", "")
    outcome = outcome if outcome in Outcome.values else ""
    page = None
    if run.status in (ImportRun.Status.PREVIEW, ImportRun.Status.DONE, ImportRun.Status.PLANNING):
        page = Paginator(selectors.import_rows(run=run, outcome=outcome), PAGE_SIZE).get_page(
            request.GET.get("side")
        )
        shown = [r.participant_id for r in page.object_list if r.participant_id]
        if shown:
            access_events_record_many(
                request=request,
                what=AccessEvent.What.SPREADSHEET_IMPORT,
                participant_ids=shown,
                detail=run.file_name,
            )
    labels = {kind: {c.key: c.label for c in columns} for kind, columns in COLUMNS.items()}
    rows = []
    for row in page.object_list if page else []:
        names = labels.get(row.kind, {})
        rows.append(
            {
                "row": row,
                "messages": [(names.get(k, _("Raden")), m) for k, m in row.messages.items()],
                "fields": [
                    {
                        "key": k,
                        "label": names.get(k, k),
                        "value": v,
                        "error": row.messages.get(k, ""),
                    }
                    for k, v in row.values.items()
                ],
            }
        )
    return render(
        request,
        "spreadsheets/import_preview.html",
        {
            "run": run,
            "page_obj": page,
            "rows": rows,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "counts": run.counts,
            "can_confirm": run.status == ImportRun.Status.PREVIEW
            and not run.counts.get(Outcome.ERROR),
        },
    )


@login_required
@require_POST
def run_fix_row(request, pk, position):
    run = _run(request, pk)
    if run.status != ImportRun.Status.PREVIEW:
        raise Http404
    row = run.rows.filter(position=position).first()
    if row is None:
        raise Http404
    values = {k: request.POST.get(f"value-{k}", v) for k, v in row.values.items()}
    if services.import_run_needs_background(run):
        row.values = values
        row.save(update_fields=["values"])
        _start_preview(run, reread=False)
    else:
        services.import_row_correct(run=run, row=row, values=values)
    return redirect(reverse("spreadsheets:run_preview", args=[run.pk]) + f"#rad-{position}")


@login_required
@require_POST
def run_confirm(request, pk):
    run = _run(request, pk)
    if run.status != ImportRun.Status.PREVIEW:
        return redirect("spreadsheets:run_preview", pk=run.pk)
    if services.import_run_needs_background(run):
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.IMPORTING, percent=1, error=""
        )
        tasks.import_confirm_run.delay(run.pk)
    else:
        try:
            services.import_run_confirm(run)
        except services.ImportBlocked as exc:
            ImportRun.objects.filter(pk=run.pk).update(error=str(exc))
    return redirect("spreadsheets:run_preview", pk=run.pk)


@login_required
@require_POST
def run_abandon(request, pk):
    run = _run(request, pk)
    if run.status != ImportRun.Status.DONE:
        services.import_run_abandon(run=run)
    return redirect(reverse("spreadsheets:index") + f"?team={run.team_id}")


@login_required
@require_POST
def export_start(request):
    team, _teams = _team(request)
    # A small team's workbook is made at once; a large one in the background (Celery).
    large = selectors.team_export_size(team=team) > settings.SPREADSHEET_EXPORT_BACKGROUND_ROWS
    export = services.team_export_start(
        team=team,
        by=request.user,
        language=get_language(),
        schedule=tasks.team_export_run.delay if large else tasks.team_export_run,
    )
    return redirect("spreadsheets:export_progress", pk=export.pk)


def _export(request, pk) -> TeamExport:
    return get_in_scope(selectors.team_exports_for(request.user), pk)


@login_required
@require_GET
def export_progress(request, pk):
    export = _export(request, pk)
    template = "spreadsheets/export_progress.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"export": export})


@login_required
@require_GET
def export_download(request, pk):
    export = _export(request, pk)
    if export.status != TeamExport.Status.DONE or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"ips-{export.team.name}-{export.created_at:%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )
