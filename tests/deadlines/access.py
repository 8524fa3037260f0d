from deadlines.models import Alert
from tests.access_matrix import post_only, staff_pages
from tests.factories import AlertFactory


def _alert_of_specialist(world):
    alert = world.once(
        "deadline_alert",
        lambda: AlertFactory(
            team=world.team,
            owner=world.specialist,
            rule="no_contact_30_days",
            subject_kind=Alert.SubjectKind.PARTICIPANT,
            subject_id=world.participant.pk,
        ),
    )
    return {"pk": alert.pk}


EXPECTATIONS = {
    # Every staff member has "mine varsler"; partners and auditors have no alert list.
    "deadlines:alert_list": staff_pages(),
    "deadlines:acknowledge": post_only(kwargs=_alert_of_specialist),
}
