import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from employers.models import Employer, EmployerContact, EmployerContactPerson
from ips.accounts.models import Membership
from ips.audit.models import AccessEvent
from participants.models import Contact, EducationEpisode, Job, Participant
from referrals.models import Referral
from spreadsheets import services
from spreadsheets.exporting import team_workbook, template_workbook
from spreadsheets.models import TeamExport
from tests.factories import (
    ContactFactory,
    EducationEpisodeFactory,
    EmployerContactFactory,
    EmployerContactPersonFactory,
    EmployerFactory,
    JobFactory,
    ParticipantFactory,
    ReferralFactory,
    TeamFactory,
    today,
)
from tests.spreadsheets.helpers import preview

pytestmark = pytest.mark.django_db


def _team_with_everything(world):
    team = world.team
    employer = EmployerFactory(
        team=team, name="Rema 1000 Torshov", org_number="974760673", address='=HYPERLINK("x")'
    )
    other = EmployerFactory(team=team, name="Kaffebrenneriet", org_number="")
    EmployerContactPersonFactory(
        employer=employer,
        name="Kari Butikksjef",
        role="Butikksjef",
        phone="22 33 44 55",
        email="kari@example.no",
    )
    people = []
    for n, specialist in enumerate([world.specialist, world.teammate, world.specialist]):
        p = ParticipantFactory(
            team=team,
            job_specialist=specialist,
            name=f"Åse Ødegård {n}",
            phone=f"+47 900 00 00{n}",
            status=[
                Participant.Status.JOB_SEARCH,
                Participant.Status.EMPLOYED,
                Participant.Status.INACTIVE,
            ][n],
            entry_date=today() - dt.timedelta(days=200 + n),
            in_work_at_referral="no",
        )
        people.append(p)
        ContactFactory(
            participant=p,
            contact_date=today() - dt.timedelta(days=5),
            note="-ringte tilbake",
            duration_minutes=25,
        )
        ContactFactory(
            participant=p,
            contact_date=today() - dt.timedelta(days=5),
            mode=Contact.Mode.PHONE,
            note="@ kort",
        )
    JobFactory(
        participant=people[1],
        employer=employer,
        start_date=today() - dt.timedelta(days=90),
        hours_per_week=Decimal("37.5"),
        hourly_wage=Decimal("230.25"),
        is_permanent=True,
    )
    JobFactory(
        participant=people[0],
        employer=other,
        start_date=today() - dt.timedelta(days=150),
        end_date=today() - dt.timedelta(days=100),
        end_reason=Job.EndReason.QUIT,
        is_ordinary=False,
    )
    EducationEpisodeFactory(participant=people[2], start_date=today() - dt.timedelta(days=60))
    contact = EmployerContactFactory(
        employer=employer,
        job_specialist=world.specialist,
        purpose=EmployerContact.Purpose.ON_BEHALF,
        outcome=EmployerContact.Outcome.INTERVIEW,
        contact_date=today() - dt.timedelta(days=3),
        next_step="Ring",
        next_step_date=today(),
    )
    contact.participants.add(people[0])
    referral = ReferralFactory(
        team=team,
        source_organisation=world.nav,
        person_name=people[0].name,
        national_id=people[0].national_id,
        referral_date=people[0].entry_date - dt.timedelta(days=10),
        date_received=people[0].entry_date - dt.timedelta(days=9),
        assigned_specialist=world.specialist,
        first_meeting_date=people[0].entry_date,
        status=Referral.Status.FIRST_MEETING_HELD,
        in_work_at_referral="no",
    )
    Participant.objects.filter(pk=people[0].pk).update(referral=referral)
    ReferralFactory(team=team, source_organisation=world.nav, person_name="Venter Vennesen")
    return team


def _snapshot(team):
    """Every imported field of every record, keyed the way the import matches them."""
    people = {
        p.national_id: (
            p.name,
            p.phone,
            p.job_specialist_id,
            p.entry_date,
            p.status,
            p.in_work_at_referral,
        )
        for p in Participant.objects.filter(team=team)
    }
    contacts = sorted(
        (
            c.participant.national_id,
            c.contact_date,
            c.with_whom,
            c.mode,
            c.place,
            c.duration_minutes,
            c.note,
            c.logged_by_id,
        )
        for c in Contact.objects.filter(participant__team=team)
    )
    employers = sorted(
        (e.name, e.org_number, e.industry, e.municipality, e.address, e.notes)
        for e in Employer.objects.filter(team=team)
    )
    persons = sorted(
        (p.employer.name, p.name, p.role, p.phone, p.email)
        for p in EmployerContactPerson.objects.filter(employer__team=team)
    )
    jobs = sorted(
        (
            j.participant.national_id,
            j.employer.name,
            j.title,
            j.start_date,
            j.end_date,
            j.hours_per_week,
            j.hourly_wage,
            j.is_ordinary,
            j.is_permanent,
            j.end_reason,
        )
        for j in Job.objects.filter(participant__team=team)
    )
    education = sorted(
        (
            e.participant.national_id,
            e.institution,
            e.programme,
            e.start_date,
            e.end_date,
            e.is_ordinary,
            e.end_reason,
        )
        for e in EducationEpisode.objects.filter(participant__team=team)
    )
    log = sorted(
        (
            c.employer.name,
            c.contact_date,
            c.job_specialist_id,
            c.face_to_face,
            c.purpose,
            c.outcome,
            c.note,
            c.next_step,
            c.next_step_date,
            tuple(sorted(p.national_id for p in c.participants.all())),
        )
        for c in EmployerContact.objects.filter(team=team)
    )
    referrals = sorted(
        (
            r.person_name,
            r.national_id,
            r.phone,
            r.referral_date,
            r.date_received,
            r.source_organisation.name,
            r.referrer_name,
            r.in_work_at_referral,
            r.assigned_specialist_id,
            r.first_meeting_date,
            r.status,
            str(getattr(getattr(r, "participant", None), "national_id", "")),
        )
        for r in Referral.objects.filter(team=team)
    )
    return {
        "referrals": referrals,
        "people": people,
        "contacts": contacts,
        "employers": employers,
        "persons": persons,
        "jobs": jobs,
        "education": education,
        "log": log,
    }


def test_export_then_import_into_an_empty_team_reproduces_every_record(world):
    source = _team_with_everything(world)
    content, ids = team_workbook(source)
    assert len(ids) == 3
    assert any(r[-1] for r in _snapshot(source)["referrals"])  # one is linked to its person
    empty = TeamFactory(name="IPS Ny")
    for user, role in (
        (world.specialist, Membership.Role.JOB_SPECIALIST),
        (world.teammate, Membership.Role.JOB_SPECIALIST),
        (world.leader, Membership.Role.LEADER),
    ):
        Membership.objects.create(user=user, team=empty, role=role)
    from ips.access import forget_scope

    forget_scope(world.leader)
    run = preview(team=empty, by=world.leader, name="eksport.xlsx", content=content)
    assert run.counts["error"] == 0, list(
        run.rows.filter(outcome="error").values_list("sheet", "messages")
    )
    services.import_run_confirm(run)
    assert _snapshot(empty) == _snapshot(source)
    # And the export of the copy imports into the copy as nothing new.
    again = preview(
        team=empty, by=world.leader, name="eksport.xlsx", content=team_workbook(empty)[0]
    )
    assert again.counts["new"] == 0 and again.counts["update"] == 0


def test_the_export_neutralises_formulas(world):
    _team_with_everything(world)
    workbook = load_workbook(io.BytesIO(team_workbook(world.team)[0]))
    addresses = [row[4] for row in workbook["Arbeidsgivere"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in addresses
    notes = {row[6] for row in workbook["Kontakter"].iter_rows(min_row=2, values_only=True)}
    assert "'-ringte tilbake" in notes and "'@ kort" in notes


def test_the_leader_exports_from_the_page_and_it_is_access_logged(
    world, django_capture_on_commit_callbacks
):
    _team_with_everything(world)
    client = world.client_for("leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("spreadsheets:export_start"))
    export = TeamExport.objects.get()
    assert response.url == reverse("spreadsheets:export_progress", args=[export.pk])
    export.refresh_from_db()
    assert export.status == "done"  # small team: made at once, after the commit
    download = client.get(reverse("spreadsheets:export_download", args=[export.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert {
        "Deltakere",
        "Kontakter",
        "Jobber",
        "Arbeidsgivere",
        "Utdanning",
        "Arbeidsgiverlogg",
        "Kontaktpersoner",
    } <= set(workbook.sheetnames)
    logged = AccessEvent.objects.filter(what="team_export", action="export", user=world.leader)
    assert logged.count() == 3


def test_the_template_has_norwegian_headers_an_example_and_the_allowed_values(world):
    workbook = load_workbook(io.BytesIO(template_workbook()))
    rows = list(workbook["Deltakere"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Navn", "Fødselsnummer", "Telefon", "Jobbspesialist", "Oppstart")
    assert len(rows) == 2
    allowed = {
        r[0]: r[2] for r in workbook["Tillatte verdier"].iter_rows(min_row=2, values_only=True)
    }
    assert "Jobbsøk" in allowed["Status"]
    response = world.client_for("leader").get(reverse("spreadsheets:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
