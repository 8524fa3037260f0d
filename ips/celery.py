import os

from celery import Celery
from celery.schedules import crontab

# Plain data (no models): safe to import before Django is set up.
from deadlines.rules import rules_for_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")

app = Celery("ips")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _disable_db_pool_in_workers() -> None:
    # Prefork children must not share pooled connections opened in the parent process.
    os.environ.setdefault("DATABASE_POOL", "false")


if os.environ.get("IPS_PROCESS") == "celery":
    _disable_db_pool_in_workers()


# The schedule lives in code (reviewed, versioned), not in the database. Times are Europe/Oslo
# (CELERY_TIMEZONE). Rule groups: deadlines/rules.py (Rule.schedule).
app.conf.beat_schedule = {
    "deadlines-frequent": {
        "task": "deadlines.scan",
        "schedule": crontab(minute="*/15"),
        "args": (rules_for_schedule("frequent"),),
    },
    "deadlines-nightly": {
        "task": "deadlines.scan",
        "schedule": crontab(hour=2, minute=10),
        "args": (rules_for_schedule("nightly"),),
    },
    "deadlines-weekly": {
        "task": "deadlines.scan",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "args": (rules_for_schedule("weekly"),),
    },
    "deadlines-daily-digest": {
        "task": "deadlines.send_daily_digest",
        "schedule": crontab(hour=7, minute=30),
    },
    # Privacy: anonymise records past their retention period; report unusual access weekly.
    "participants-retention-nightly": {
        "task": "participants.retention_anonymise",
        "schedule": crontab(hour=3, minute=0),
    },
    "audit-unusual-access-weekly": {
        "task": "audit.weekly_unusual_access_report",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon"),
    },
}
