"""A real Celery worker (subprocess) on real Redis and the real test database runs the
beat-scheduled scan and creates alerts."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from deadlines.models import Alert
from ips.celery import app
from tests.conftest import World
from tests.factories import ParticipantFactory, today

BASE_DIR = Path(settings.BASE_DIR)


def _test_database_url() -> str:
    """DATABASE_URL with the database name swapped for the test database's."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.mark.celery_e2e
@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_beat_scheduled_scan_and_creates_alerts():
    world = World()
    # Real clock here: the worker process cannot share a frozen one. 60 days in, no contact.
    people = [
        ParticipantFactory(
            team=world.team,
            job_specialist=world.specialist,
            entry_date=today() - dt.timedelta(days=60),
        )
        for _ in range(3)
    ]
    queue = f"e2e-deadlines-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DATABASE_POOL": "false",
        "IPS_PROCESS": "celery",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ips",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Exactly what beat sends for the 15-minute entry (ips/celery.py).
        entry = app.conf.beat_schedule["deadlines-frequent"]
        app.send_task(entry["task"], args=entry["args"], queue=queue)
        deadline = time.monotonic() + 90
        found = set()
        while time.monotonic() < deadline:
            found = set(
                Alert.objects.filter(rule="no_contact_30_days").values_list("subject_id", flat=True)
            )
            if found or worker.poll() is not None:
                break
            time.sleep(0.5)
        assert worker.poll() is None, "worker exited early"
        assert found == {p.pk for p in people}
        assert Alert.objects.filter(rule="job_search_overdue").count() == 3
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output[-4000:])
