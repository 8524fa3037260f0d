from tests.access_matrix import post_only, staff_pages, team_staff
from tests.factories import JobOpeningFactory


def _employer(world):
    return {"pk": world.employer.pk}


def _opening(world):
    opening = JobOpeningFactory(employer=world.employer, created_by=world.specialist)
    return {"pk": opening.pk}


EXPECTATIONS = {
    "employers:list": staff_pages(),
    "employers:create": staff_pages(),
    "employers:detail": team_staff(kwargs=_employer),
    "employers:edit": team_staff(kwargs=_employer),
    "employers:archive": post_only(kwargs=_employer),
    "employers:contact_person_add": team_staff(kwargs=_employer),
    "employers:contact_create": team_staff(kwargs=_employer),
    "employers:opening_create": team_staff(kwargs=_employer),
    "employers:contact_create_any": staff_pages(),
    "employers:log": staff_pages(),
    "employers:opening_list": staff_pages(),
    "employers:opening_status": post_only(kwargs=_opening),
    "employers:weekly": staff_pages(),
}
