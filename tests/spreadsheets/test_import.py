import datetime as dt

import pytest

from employers.models import Employer
from ips.audit.models import AccessEvent
from ips.history import acting_as, history_of
from participants.models import Contact, Job, Participant
from spreadsheets import services
from spreadsheets.models import ColumnMapping, ImportRun
from spreadsheets.values import parse_date
from tests.factories import today
from tests.spreadsheets.helpers import outcomes, preview
from tests.spreadsheets.sample import sample_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def _data(world, n=6, contacts=3):
    return sample_rows(
        specialists=[world.specialist.username, world.teammate.username],
        participants=n,
        contacts_per_participant=contacts,
        today=today(),
    )


def test_a_team_spreadsheet_goes_in_and_the_same_file_again_changes_nothing(world):
    data = _data(world)
    content = workbook_bytes(data)
    run = preview(team=world.team, by=world.leader, name="portefølje.xlsx", content=content)
    assert outcomes(run) == {"new": 6 + 18 + 2 + len(data["employers"])}
    assert Participant.objects.filter(team=world.team).count() == 0  # nothing before confirm

    services.import_run_confirm(run)

    people = Participant.objects.filter(team=world.team)
    assert people.count() == 6
    assert Contact.objects.filter(participant__team=world.team).count() == 18
    assert Job.objects.filter(participant__team=world.team).count() == 2
    assert Employer.objects.filter(team=world.team).count() == len(data["employers"])
    first = people.get(national_id=data["people"][0][1])
    assert first.name == data["people"][0][0]
    assert first.job_specialist == world.specialist
    assert first.entry_date == parse_date(data["people"][0][4])
    # History names the leader and the row; the access log names each person touched.
    event = history_of(first).get()
    assert event.pgh_context.metadata["user"] == world.leader.pk
    assert event.pgh_context.metadata["via"] == "import: portefølje.xlsx, Deltakere rad 2"
    logged = AccessEvent.objects.filter(what="spreadsheet_import", user=world.leader)
    assert set(logged.values_list("participant_id", flat=True)) == set(
        people.values_list("pk", flat=True)
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.sha256 and run.counts["new"] > 0
    assert ColumnMapping.objects.filter(team=world.team, kind="participants").exists()

    again = preview(team=world.team, by=world.leader, name="portefølje.xlsx", content=content)
    assert again.counts["new"] == 0 and again.counts["update"] == 0
    assert again.counts["unchanged"] == run.counts["new"]
    services.import_run_confirm(again)
    assert Contact.objects.filter(participant__team=world.team).count() == 18


def test_a_corrected_file_updates_only_what_changed(world):
    data = _data(world, n=3, contacts=1)
    services.import_run_confirm(
        preview(team=world.team, by=world.leader, name="a.xlsx", content=workbook_bytes(data))
    )
    data["people"][1][2] = "98765432"
    run = preview(team=world.team, by=world.leader, name="a.xlsx", content=workbook_bytes(data))
    assert run.counts["update"] == 1 and run.counts["new"] == 0
    row = run.rows.get(outcome="update")
    assert row.messages["phone"].endswith("→ 98765432")
    services.import_run_confirm(run)
    assert Participant.objects.get(national_id=data["people"][1][1]).phone == "98765432"


def test_a_newer_change_in_the_app_is_a_conflict_not_overwritten(world):
    data = _data(world, n=2, contacts=0)
    services.import_run_confirm(
        preview(team=world.team, by=world.leader, name="a.xlsx", content=workbook_bytes(data))
    )
    person = Participant.objects.get(national_id=data["people"][0][1])
    person.phone = "11111111"
    with acting_as(world.specialist):  # an edit in the app, after the import
        person.save()
    data["people"][0][2] = "22222222"
    run = preview(team=world.team, by=world.leader, name="a.xlsx", content=workbook_bytes(data))
    assert run.counts["conflict"] == 1
    assert "etter forrige import" in run.rows.get(outcome="conflict").messages["_row"]
    services.import_run_confirm(run)
    person.refresh_from_db()
    assert person.phone == "11111111"


def test_rows_with_bad_values_get_a_message_per_field_and_block_the_import(world):
    data = _data(world, n=5, contacts=1)
    data["people"][1][1] = "01010112346"  # wrong check digits
    data["people"][2][3] = "ukjent.person"
    data["people"][4][4] = "31/12/2020"
    first = data["people"][0][1]
    data["contacts"].append(list(next(c for c in data["contacts"] if c[0] == first)))  # twice
    data["jobs"][0][5] = "01.01.2000"  # ends before it starts
    run = preview(team=world.team, by=world.leader, name="feil.xlsx", content=workbook_bytes(data))
    errors = {(r.sheet, r.row_number): r.messages for r in run.rows.filter(outcome="error")}
    assert "ikke gyldig" in errors[("Deltakere", 3)]["national_id"]
    assert "Ukjent jobbspesialist" in errors[("Deltakere", 4)]["job_specialist"]
    assert "dd.mm.åååå" in errors[("Deltakere", 6)]["entry_date"]
    assert any("dobbel rad" in m.get("_row", "") for m in errors.values())
    assert any("før startdato" in m.get("end_date", "") for m in errors.values())
    with pytest.raises(services.ImportBlocked):
        services.import_run_confirm(run)
    assert not Participant.objects.filter(team=world.team).exists()
    assert not Employer.objects.filter(team=world.team).exists()


def test_messages_are_in_english_when_chosen(world):
    data = _data(world, n=1, contacts=0)
    data["people"][0][3] = "nobody"
    run = preview(
        team=world.team, by=world.leader, name="x.xlsx", content=workbook_bytes(data), language="en"
    )
    assert (
        "Unknown job specialist"
        in run.rows.get(outcome="error", sheet="Deltakere").messages["job_specialist"]
    )


def test_a_corrected_row_in_the_preview_can_then_be_imported(world):
    data = _data(world, n=2, contacts=0)
    data["people"][0][3] = "ukjent"
    run = preview(team=world.team, by=world.leader, name="x.xlsx", content=workbook_bytes(data))
    row = run.rows.get(outcome="error", sheet="Deltakere")
    services.import_row_correct(
        run=run, row=row, values={"job_specialist": world.specialist.username}
    )
    run.refresh_from_db()
    assert run.counts["error"] == 0
    services.import_run_confirm(run)
    assert Participant.objects.filter(team=world.team).count() == 2


def test_excel_serial_and_iso_dates_are_read(world):
    from spreadsheets.values import parse_date

    assert parse_date("45658") == dt.date(2025, 1, 1)
    assert parse_date("2025-01-01") == dt.date(2025, 1, 1)
    assert parse_date("1.2.2025") == dt.date(2025, 2, 1)


def test_the_teams_mapping_is_offered_next_time(world):
    content = "Kandidat;Personnr;Veileder;Startet\nOla;{nid};{user};01.02.2025\n"
    from tests.factories import valid_national_id

    text = content.format(nid=valid_national_id(3), user=world.specialist.username).encode()
    run = services.import_run_create(
        team=world.team, by=world.leader, file_name="egen.csv", content=text, language="nb"
    )
    services.import_run_set_kinds(run=run, kinds={run.sheets[0]["name"]: "participants"})
    assert run.sheets[0]["mapping"] == {}  # nothing in these headers is known
    services.import_run_set_mapping(
        run=run,
        mappings={
            run.sheets[0]["name"]: {
                "0": "name",
                "1": "national_id",
                "2": "job_specialist",
                "3": "entry_date",
            }
        },
    )
    again = services.import_run_create(
        team=world.team, by=world.leader, file_name="egen.csv", content=text, language="nb"
    )
    services.import_run_set_kinds(run=again, kinds={again.sheets[0]["name"]: "participants"})
    assert again.sheets[0]["mapping"] == {
        "0": "name",
        "1": "national_id",
        "2": "job_specialist",
        "3": "entry_date",
    }
