"""A participant's status, and THE definition of an active participant.

Plain data (no models), so the deadline rules' SQL can be built before Django's apps are loaded
(`ips/celery.py` reads the rule registry at import time).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ips.db import sql_text_list


class ParticipantStatus(models.TextChoices):
    ENGAGED = "engaged", _("I oppstart")
    JOB_SEARCH = "job_search", _("Jobbsøk")
    EMPLOYED = "employed", _("I arbeid")
    EDUCATION = "education", _("I utdanning")
    FOLLOW_ALONG = "follow_along", _("Oppfølging")
    INACTIVE = "inactive", _("Pause etter eget ønske")
    CLOSED = "closed", _("Avsluttet etter eget ønske")


# An active participant is in one of these statuses; they are the ones on a job specialist's
# caseload. A pause (inactive) and a closing at the person's own wish do not count.
ACTIVE_STATUSES: tuple[ParticipantStatus, ...] = (
    ParticipantStatus.ENGAGED,
    ParticipantStatus.JOB_SEARCH,
    ParticipantStatus.EMPLOYED,
    ParticipantStatus.EDUCATION,
    ParticipantStatus.FOLLOW_ALONG,
)

# The same list for hand-written set-based SQL (the deadline rules): `p.status IN (...)`.
ACTIVE_STATUSES_SQL = sql_text_list(ACTIVE_STATUSES)
