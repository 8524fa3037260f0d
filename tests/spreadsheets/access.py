from spreadsheets.models import ImportRun, TeamExport
from tests.access_matrix import Expect, login_required, post_only

_leader_only = login_required(
    specialist=403,
    teammate=403,
    other_specialist=403,
    leader=200,
    partner=403,
    auditor=403,
    coordinator=403,
)
# A run or an export belongs to the team's leaders: nobody else finds it.
_leader_record = login_required(
    specialist=404,
    teammate=404,
    other_specialist=404,
    leader=200,
    partner=404,
    auditor=404,
    coordinator=404,
)


def _run(world):
    run = world.once(
        "import_run",
        lambda: ImportRun.objects.create(
            team=world.team, uploaded_by=world.leader, file_name="x.csv", sha256="0" * 64
        ),
    )
    return {"pk": run.pk}


def _export(world):
    export = world.once(
        "team_export",
        lambda: TeamExport.objects.create(team=world.team, requested_by=world.leader),
    )
    return {"pk": export.pk}


EXPECTATIONS = {
    "spreadsheets:index": Expect(statuses=_leader_only),
    "spreadsheets:template": Expect(statuses=_leader_only),
    "spreadsheets:upload": post_only(),
    "spreadsheets:run_sheets": Expect(statuses=_leader_record, kwargs=_run),
    "spreadsheets:run_mapping": Expect(statuses=_leader_record, kwargs=_run),
    "spreadsheets:run_preview": Expect(statuses=_leader_record, kwargs=_run),
    "spreadsheets:run_fix_row": post_only(kwargs=lambda w: {**_run(w), "position": 1}),
    "spreadsheets:run_confirm": post_only(kwargs=_run),
    "spreadsheets:run_abandon": post_only(kwargs=_run),
    "spreadsheets:export_start": post_only(),
    "spreadsheets:export_progress": Expect(statuses=_leader_record, kwargs=_export),
    # Not ready yet: 404 for the leader too, until the file is made.
    "spreadsheets:export_download": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            leader=404,
            partner=404,
            auditor=404,
            coordinator=404,
        ),
        kwargs=_export,
    ),
}
