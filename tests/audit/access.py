from ips.audit.models import AccessReportExport
from tests.access_matrix import Expect, login_required, team_staff

_leader_only = login_required(
    specialist=403,
    teammate=403,
    other_specialist=403,
    leader=200,
    partner=403,
    auditor=403,
    coordinator=403,
)
# The leader of the participant's team; teammates see the record but not its access report (403);
# everyone else does not see the participant at all (404).
_report = login_required(
    specialist=403,
    teammate=403,
    other_specialist=404,
    leader=200,
    partner=404,
    auditor=404,
    coordinator=404,
)

# A background report is the requesting leader's own: nobody else finds it.
_own_export = login_required(
    specialist=404,
    teammate=404,
    other_specialist=404,
    leader=200,
    partner=404,
    auditor=404,
    coordinator=404,
)


def _export(world):
    export = world.once(
        "access_report_export",
        lambda: AccessReportExport.objects.create(
            requested_by=world.leader, participant=world.participant
        ),
    )
    return {"pk": export.pk}


EXPECTATIONS = {
    "audit:log": Expect(statuses=_leader_only),
    "audit:unusual": Expect(statuses=_leader_only),
    "audit:history": team_staff(kwargs=lambda w: {"kind": "deltaker", "pk": w.participant.pk}),
    "audit:participant_report": Expect(statuses=_report, kwargs=lambda w: {"pk": w.participant.pk}),
    "audit:subject_export": Expect(statuses=_report, kwargs=lambda w: {"pk": w.participant.pk}),
    "audit:participant_report_pdf": Expect(
        statuses=_report, kwargs=lambda w: {"pk": w.participant.pk}
    ),
    "audit:participant_report_export": Expect(statuses=_own_export, kwargs=_export),
    # Not ready yet: 404 for the leader too, until the file is made.
    "audit:participant_report_export_download": Expect(
        statuses={**_own_export, "leader": 404}, kwargs=_export
    ),
}
