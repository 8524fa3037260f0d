"""Large files: the preview and the import run in Celery while the page shows progress."""

import pytest
from django.urls import reverse

from participants.models import Participant
from spreadsheets import tasks
from spreadsheets.models import ImportRun
from tests.factories import today
from tests.spreadsheets.sample import sample_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def test_a_large_file_is_previewed_and_imported_in_the_background(world, settings, monkeypatch):
    settings.SPREADSHEET_IMPORT_BACKGROUND_BYTES = 1
    queued = []
    monkeypatch.setattr(tasks.import_preview_run, "delay", lambda *a: queued.append(("preview", a)))
    monkeypatch.setattr(tasks.import_confirm_run, "delay", lambda *a: queued.append(("confirm", a)))
    client = world.client_for("leader")
    data = sample_rows(
        specialists=[world.specialist.username],
        participants=3,
        contacts_per_participant=1,
        today=today(),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("spreadsheets:upload"),
        {"file": SimpleUploadedFile("stor.xlsx", workbook_bytes(data))},
    )
    run = ImportRun.objects.get()
    client.post(
        reverse("spreadsheets:run_sheets", args=[run.pk]),
        {f"kind-{i}": s["kind"] for i, s in enumerate(run.sheets)},
    )
    mapping = {f"map-{i}-{c}": k for i, s in enumerate(run.sheets) for c, k in s["mapping"].items()}
    client.post(reverse("spreadsheets:run_mapping", args=[run.pk]), mapping)
    assert queued == [("preview", (run.pk, True))]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PLANNING
    progress = client.get(
        reverse("spreadsheets:run_preview", args=[run.pk]) + "?progress=1",
        headers={"HX-Request": "true"},
    )
    assert 'role="progressbar"' in progress.content.decode()
    assert "every 1s" in progress.content.decode()

    tasks.import_preview_run(run.pk, True)  # what the worker does
    client.post(reverse("spreadsheets:run_confirm", args=[run.pk]))
    assert queued[-1] == ("confirm", (run.pk,))
    assert not Participant.objects.filter(team=world.team).exists()
    tasks.import_confirm_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Participant.objects.filter(team=world.team).count() == 3
    page = client.get(reverse("spreadsheets:index")).content.decode()
    assert "stor.xlsx" in page and run.sha256[:14] in page


def test_the_preview_shows_the_rows_already_planned_while_the_rest_is_planned(world):
    from tests.spreadsheets.helpers import preview

    data = sample_rows(
        specialists=[world.specialist.username],
        participants=2,
        contacts_per_participant=1,
        today=today(),
    )
    run = preview(team=world.team, by=world.leader, name="a.xlsx", content=workbook_bytes(data))
    run.rows.exclude(kind="employers").delete()  # as if only the first kind were done
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.PLANNING, percent=20)
    page = world.client_for("leader").get(reverse("spreadsheets:run_preview", args=[run.pk]))
    text = page.content.decode()
    assert "Forhåndsvisningen lages fortsatt" in text
    assert data["employers"][0][0] in text
    assert "Bekreft og importer" not in text
