import datetime as dt

from django.utils import timezone

from tests.access_matrix import Expect, login_required, post_only, team_staff


def _appointment(world) -> dict:
    from appointments.services import appointment_plan

    appointment = world.once(
        "appointment",
        lambda: appointment_plan(
            by=world.specialist,
            kind="participant",
            participant=world.participant,
            starts_at=timezone.now() + dt.timedelta(days=1),
            place="community",
        ),
    )
    return {"pk": appointment.pk}


def _only(*roles_ok: str) -> Expect:
    others = {
        "specialist",
        "teammate",
        "other_specialist",
        "leader",
        "partner",
        "auditor",
        "coordinator",
    }
    return Expect(statuses=login_required(**{r: (200 if r in roles_ok else 403) for r in others}))


EXPECTATIONS = {
    # Without ?deltaker=, ?henvisning= or ?arbeidsgiver= there is nothing to plan (404); with
    # one, see tests/appointments/test_views.py.
    "appointments:plan": Expect(
        statuses=login_required(
            specialist=404,
            teammate=404,
            other_specialist=404,
            leader=403,
            partner=403,
            auditor=403,
            coordinator=403,
        )
    ),
    # Moving or cancelling: the team's staff (the leader too); outside the team it does not exist.
    "appointments:edit": team_staff(kwargs=_appointment),
    "appointments:hold": post_only(kwargs=_appointment),
    "appointments:calendar": _only("specialist", "teammate", "other_specialist"),
    # The feed needs no sign-in; without a valid secret address it does not exist.
    "appointments:feed": Expect(
        statuses={
            "anonymous": 404,
            "specialist": 404,
            "teammate": 404,
            "other_specialist": 404,
            "leader": 404,
            "partner": 404,
            "auditor": 404,
            "coordinator": 404,
        },
        kwargs=lambda world: {"token": "not-a-valid-token"},
        public=True,
    ),
}
