from spreadsheets import services
from spreadsheets.models import ImportRun


def preview(*, team, by, name, content, language="nb") -> ImportRun:
    """Upload, keep the suggested sheets and columns, and make the preview."""
    run = services.import_run_create(
        team=team, by=by, file_name=name, content=content, language=language
    )
    services.import_run_set_mapping(
        run=run, mappings={s["name"]: s["mapping"] for s in run.sheets if s["kind"]}
    )
    return services.import_run_preview(run)


def outcomes(run) -> dict:
    return {k: v for k, v in run.counts.items() if v}
