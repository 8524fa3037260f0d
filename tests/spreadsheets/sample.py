"""A realistic team spreadsheet, built by the tests (and the bench) themselves: a workbook with
the sheets a Norwegian IPS team keeps — Deltakere, Kontakter, Jobber, Arbeidsgivere — in the
headers and formats people type (dd.mm.yyyy dates, decimal commas, «ja»/«nei»)."""

from __future__ import annotations

import datetime as dt
import io
import random

from openpyxl import Workbook
from stdnum.no import orgnr as stdnum_orgnr

from tests.factories import valid_national_id

FIRST = [
    "Ola",
    "Kari",
    "Per",
    "Ingrid",
    "Åse",
    "Bjørn",
    "Siv",
    "Øystein",
    "Lars",
    "Mona",
    "Nils",
    "Tone",
]
LAST = [
    "Nordmann",
    "Hansen",
    "Johansen",
    "Ødegård",
    "Berg",
    "Haugen",
    "Dæhli",
    "Sæther",
    "Lie",
    "Moen",
]
EMPLOYERS = [
    "Rema 1000",
    "Kiwi",
    "Bakeriet",
    "Posten",
    "Oslo kommune",
    "Elkjøp",
    "Møller Bil",
    "Kaffebrenneriet",
]


def valid_orgnr(n: int) -> str:
    for i in range(1000):
        base = f"9{(n * 7919 + i) % 10_000_000:07d}"
        for check in "0123456789":
            if stdnum_orgnr.is_valid(base + check):
                return base + check
    raise AssertionError(n)


def sample_rows(
    *,
    specialists: list[str],
    participants: int,
    contacts_per_participant: int,
    today: dt.date,
    seed: int = 19,
):
    rnd = random.Random(seed)
    employers = []
    for i in range(max(3, participants // 5)):
        employers.append(
            [f"{EMPLOYERS[i % len(EMPLOYERS)]} {i + 1}", valid_orgnr(i + 1), "Handel", "Oslo"]
        )
    people, contacts, jobs = [], [], []
    for n in range(participants):
        nid = valid_national_id(n + 1000)
        entry = today - dt.timedelta(days=60 + (n * 13) % 700)
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n + 1}"
        people.append(
            [
                name,
                nid,
                f"9{n:07d}",
                specialists[n % len(specialists)],
                entry.strftime("%d.%m.%Y"),
                "Jobbsøk" if n % 3 else "I arbeid",
                "Nei",
            ]
        )
        for c in range(contacts_per_participant):
            day = entry + dt.timedelta(days=1 + (c * 3) % max(1, (today - entry).days - 1))
            mode = "Ansikt til ansikt" if c % 3 else "Telefon"
            place = (
                ("Ute i samfunnet" if c % 2 else "På kontoret")
                if mode == "Ansikt til ansikt"
                else ""
            )
            contacts.append(
                [
                    nid,
                    day.strftime("%d.%m.%Y"),
                    "Deltaker",
                    mode,
                    place,
                    30 + (c % 4) * 15,
                    f"Samtale {c + 1}",
                ]
            )
        if n % 3 == 0:
            employer = employers[n % len(employers)]
            start = entry + dt.timedelta(days=30)
            jobs.append(
                [
                    nid,
                    employer[0],
                    employer[1],
                    "Butikkmedarbeider",
                    start.strftime("%d.%m.%Y"),
                    "",
                    "20,5",
                    "205,50",
                    "ja",
                    "nei",
                    "",
                ]
            )
    rnd.shuffle(contacts)
    return {"employers": employers, "people": people, "contacts": contacts, "jobs": jobs}


HEADERS = {
    "Arbeidsgivere": ["Arbeidsgiver", "Organisasjonsnummer", "Bransje", "Kommune"],
    "Deltakere": [
        "Navn",
        "Fødselsnummer",
        "Telefon",
        "Jobbspesialist",
        "Oppstart",
        "Status",
        "I arbeid ved henvisning",
    ],
    "Kontakter": ["Fødselsnummer", "Dato", "Med hvem", "Form", "Sted", "Minutter", "Notat"],
    "Jobber": [
        "Fødselsnummer",
        "Arbeidsgiver",
        "Organisasjonsnummer",
        "Stilling",
        "Startdato",
        "Sluttdato",
        "Timer per uke",
        "Timelønn",
        "Ordinært arbeid",
        "Fast stilling",
        "Årsak til slutt",
    ],
}


def workbook_bytes(data: dict) -> bytes:
    workbook = Workbook(write_only=True)
    for title, key in (
        ("Deltakere", "people"),
        ("Kontakter", "contacts"),
        ("Jobber", "jobs"),
        ("Arbeidsgivere", "employers"),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(HEADERS[title])
        for row in data[key]:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample_workbook(**kwargs) -> bytes:
    return workbook_bytes(sample_rows(**kwargs))
