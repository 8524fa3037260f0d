"""The columns of each kind of sheet: the field, its Norwegian header (used by the template, the
export and the suggestions), the other headers teams use for it, and how a cell is read.

One list per kind. The export writes exactly these columns and the import reads them, so an
exported workbook imports again unchanged.

Extension point: a field added to a model (for instance the participant's address or preferred
contact) becomes importable and exportable by adding one `Column` to its kind here — the
planner compares and writes every field a kind lists (`PARTICIPANT_COLUMNS` for participants).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spreadsheets.models import Kind


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Norwegian header of the template and the export
    type: str  # text, national_id, date, decimal, int, bool, choice, specialist, orgnr, id_list, organisation
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: str = ""  # for type "choice": a key of spreadsheets.values.CHOICES
    label: str | Promise = ""
    max_length: int = 0
    extra: dict = field(default_factory=dict)


def C(key, header, type="text", *, required=False, aliases=(), choices="", label="", max_length=0):
    return Column(key, header, type, required, tuple(aliases), choices, label or header, max_length)


NATIONAL_ID = C(
    "national_id",
    "Fødselsnummer",
    "national_id",
    required=True,
    aliases=("fnr", "personnummer", "fødselsnr", "d-nummer", "national id", "national_id", "ssn"),
    label=_("Fødselsnummer"),
)
EMPLOYER_ORGNR = C(
    "employer_org_number",
    "Organisasjonsnummer",
    "orgnr",
    aliases=("orgnr", "org.nr", "org nr", "organisation number", "org number"),
    label=_("Organisasjonsnummer"),
)
EMPLOYER_NAME = C(
    "employer_name",
    "Arbeidsgiver",
    aliases=("arbeidsgivernavn", "bedrift", "firma", "employer", "employer name"),
    label=_("Arbeidsgiver"),
    max_length=200,
)

PARTICIPANT_COLUMNS = (
    C(
        "name",
        "Navn",
        required=True,
        aliases=("deltaker", "fullt navn", "name"),
        label=_("Navn"),
        max_length=200,
    ),
    NATIONAL_ID,
    C(
        "phone",
        "Telefon",
        aliases=("tlf", "mobil", "telefonnummer", "phone"),
        label=_("Telefon"),
        max_length=30,
    ),
    C(
        "job_specialist",
        "Jobbspesialist",
        "specialist",
        required=True,
        aliases=("spesialist", "job specialist", "specialist", "jobbspesialist (brukernavn)"),
        label=_("Jobbspesialist"),
    ),
    C(
        "entry_date",
        "Oppstart",
        "date",
        required=True,
        aliases=(
            "startdato",
            "startdato i ips",
            "første møte",
            "entry date",
            "start date",
            "start",
        ),
        label=_("Oppstart"),
    ),
    C(
        "status",
        "Status",
        "choice",
        choices="participant_status",
        aliases=("status i ips",),
        label=_("Status"),
    ),
    C(
        "in_work_at_referral",
        "I arbeid ved henvisning",
        "choice",
        choices="in_work",
        aliases=("i arbeid", "in work at referral"),
        label=_("I arbeid ved henvisning"),
    ),
)

REFERRAL_COLUMNS = (
    C(
        "person_name",
        "Navn",
        required=True,
        aliases=("name", "person", "deltaker"),
        label=_("Navn"),
        max_length=200,
    ),
    NATIONAL_ID,
    C("phone", "Telefon", aliases=("tlf", "mobil", "phone"), label=_("Telefon"), max_length=30),
    C(
        "referral_date",
        "Henvist dato",
        "date",
        required=True,
        aliases=("henvisningsdato", "henvist", "referral date", "referred"),
        label=_("Henvist dato"),
    ),
    C(
        "date_received",
        "Mottatt dato",
        "date",
        aliases=("mottatt", "date received", "received"),
        label=_("Mottatt dato"),
    ),
    C(
        "source_organisation",
        "Henvist fra",
        "organisation",
        required=True,
        aliases=(
            "henviser (organisasjon)",
            "kilde",
            "referred by",
            "source",
            "source organisation",
        ),
        label=_("Henvist fra"),
    ),
    C(
        "referrer_name",
        "Henvist av",
        aliases=("henviser", "referrer"),
        label=_("Henvist av"),
        max_length=200,
    ),
    C(
        "in_work_at_referral",
        "I arbeid ved henvisning",
        "choice",
        choices="in_work",
        aliases=("i arbeid", "in work at referral"),
        label=_("I arbeid ved henvisning"),
    ),
    C(
        "assigned_specialist",
        "Jobbspesialist",
        "specialist",
        aliases=("spesialist", "job specialist", "tildelt"),
        label=_("Jobbspesialist"),
    ),
    C(
        "first_meeting_date",
        "Første møte",
        "date",
        aliases=("dato for første møte", "first meeting"),
        label=_("Første møte"),
    ),
)

EMPLOYER_COLUMNS = (
    C(
        "name",
        "Arbeidsgiver",
        required=True,
        aliases=("navn", "bedrift", "firma", "employer", "name"),
        label=_("Arbeidsgiver"),
        max_length=200,
    ),
    C(
        "org_number",
        "Organisasjonsnummer",
        "orgnr",
        aliases=EMPLOYER_ORGNR.aliases,
        label=_("Organisasjonsnummer"),
    ),
    C("industry", "Bransje", aliases=("industry", "næring"), label=_("Bransje"), max_length=200),
    C(
        "municipality",
        "Kommune",
        aliases=("municipality", "sted"),
        label=_("Kommune"),
        max_length=100,
    ),
    C(
        "address",
        "Adresse",
        aliases=("address", "besøksadresse"),
        label=_("Adresse"),
        max_length=300,
    ),
    C("notes", "Notater", aliases=("notat", "notes", "merknad"), label=_("Notater")),
)

CONTACT_PERSON_COLUMNS = (
    EMPLOYER_NAME,
    EMPLOYER_ORGNR,
    C(
        "name",
        "Kontaktperson",
        required=True,
        aliases=("navn", "contact person", "name"),
        label=_("Kontaktperson"),
        max_length=200,
    ),
    C("role", "Rolle", aliases=("stilling", "role", "title"), label=_("Rolle"), max_length=200),
    C("phone", "Telefon", aliases=("tlf", "mobil", "phone"), label=_("Telefon"), max_length=30),
    C(
        "email",
        "E-post",
        aliases=("epost", "e-mail", "email", "mail"),
        label=_("E-post"),
        max_length=254,
    ),
)

CONTACT_COLUMNS = (
    NATIONAL_ID,
    C(
        "contact_date",
        "Dato",
        "date",
        required=True,
        aliases=("kontaktdato", "date", "contact date"),
        label=_("Dato"),
    ),
    C(
        "with_whom",
        "Med hvem",
        "choice",
        choices="contact_with",
        aliases=("with whom", "kontakt med"),
        label=_("Med hvem"),
    ),
    C(
        "mode",
        "Form",
        "choice",
        choices="contact_mode",
        aliases=("kontaktform", "mode"),
        label=_("Form"),
    ),
    C(
        "place",
        "Sted",
        "choice",
        choices="contact_place",
        aliases=("place", "møtested"),
        label=_("Sted"),
    ),
    C(
        "duration_minutes",
        "Minutter",
        "int",
        aliases=("varighet", "varighet (minutter)", "minutes", "duration"),
        label=_("Minutter"),
    ),
    C("note", "Notat", aliases=("note", "kommentar", "merknad"), label=_("Notat")),
    C(
        "logged_by",
        "Registrert av",
        "specialist",
        aliases=("jobbspesialist", "logged by", "spesialist"),
        label=_("Registrert av"),
    ),
)

EMPLOYER_CONTACT_COLUMNS = (
    EMPLOYER_NAME,
    EMPLOYER_ORGNR,
    C(
        "contact_date",
        "Dato",
        "date",
        required=True,
        aliases=("kontaktdato", "date"),
        label=_("Dato"),
    ),
    C(
        "job_specialist",
        "Jobbspesialist",
        "specialist",
        required=True,
        aliases=("spesialist", "job specialist"),
        label=_("Jobbspesialist"),
    ),
    C(
        "face_to_face",
        "Ansikt til ansikt",
        "bool",
        aliases=("face to face", "fysisk møte"),
        label=_("Ansikt til ansikt"),
    ),
    C(
        "purpose",
        "Formål",
        "choice",
        required=True,
        choices="employer_purpose",
        aliases=("purpose",),
        label=_("Formål"),
    ),
    C(
        "outcome",
        "Resultat",
        "choice",
        choices="employer_outcome",
        aliases=("outcome",),
        label=_("Resultat"),
    ),
    C(
        "participants",
        "På vegne av (fødselsnummer)",
        "id_list",
        aliases=("på vegne av", "on behalf of"),
        label=_("På vegne av (fødselsnummer)"),
    ),
    C("note", "Notat", aliases=("note", "merknad"), label=_("Notat")),
    C("next_step", "Neste steg", aliases=("next step",), label=_("Neste steg"), max_length=300),
    C(
        "next_step_date",
        "Dato for neste steg",
        "date",
        aliases=("next step date",),
        label=_("Dato for neste steg"),
    ),
)

JOB_COLUMNS = (
    NATIONAL_ID,
    EMPLOYER_NAME,
    EMPLOYER_ORGNR,
    C(
        "title",
        "Stilling",
        required=True,
        aliases=("jobb", "tittel", "job title", "title", "position"),
        label=_("Stilling"),
        max_length=200,
    ),
    C(
        "start_date",
        "Startdato",
        "date",
        required=True,
        aliases=("start", "fra", "start date", "jobbstart"),
        label=_("Startdato"),
    ),
    C("end_date", "Sluttdato", "date", aliases=("slutt", "til", "end date"), label=_("Sluttdato")),
    C(
        "hours_per_week",
        "Timer per uke",
        "decimal",
        required=True,
        aliases=("timer", "hours per week", "hours"),
        label=_("Timer per uke"),
    ),
    C(
        "hourly_wage",
        "Timelønn",
        "decimal",
        aliases=("lønn", "timelønn (kr)", "hourly wage", "wage"),
        label=_("Timelønn"),
    ),
    C(
        "is_ordinary",
        "Ordinært arbeid",
        "bool",
        aliases=("ordinær", "ordinary", "competitive"),
        label=_("Ordinært arbeid"),
    ),
    C(
        "is_permanent",
        "Fast stilling",
        "bool",
        aliases=("fast", "permanent"),
        label=_("Fast stilling"),
    ),
    C(
        "end_reason",
        "Årsak til slutt",
        "choice",
        choices="job_end_reason",
        aliases=("sluttårsak", "end reason"),
        label=_("Årsak til slutt"),
    ),
)

EDUCATION_COLUMNS = (
    NATIONAL_ID,
    C(
        "institution",
        "Skole/lærested",
        required=True,
        aliases=("skole", "lærested", "institution", "school"),
        label=_("Skole/lærested"),
        max_length=200,
    ),
    C(
        "programme",
        "Utdanning/kurs",
        required=True,
        aliases=("utdanning", "kurs", "programme", "program", "course"),
        label=_("Utdanning/kurs"),
        max_length=200,
    ),
    C(
        "start_date",
        "Startdato",
        "date",
        required=True,
        aliases=("start", "fra", "start date"),
        label=_("Startdato"),
    ),
    C("end_date", "Sluttdato", "date", aliases=("slutt", "til", "end date"), label=_("Sluttdato")),
    C(
        "is_ordinary",
        "Ordinær utdanning",
        "bool",
        aliases=("ordinær", "ordinary"),
        label=_("Ordinær utdanning"),
    ),
    C(
        "end_reason",
        "Årsak til slutt",
        "choice",
        choices="education_end_reason",
        aliases=("sluttårsak", "end reason"),
        label=_("Årsak til slutt"),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.EMPLOYERS: EMPLOYER_COLUMNS,
    Kind.CONTACT_PERSONS: CONTACT_PERSON_COLUMNS,
    Kind.PARTICIPANTS: PARTICIPANT_COLUMNS,
    Kind.REFERRALS: REFERRAL_COLUMNS,
    Kind.CONTACTS: CONTACT_COLUMNS,
    Kind.EMPLOYER_CONTACTS: EMPLOYER_CONTACT_COLUMNS,
    Kind.JOBS: JOB_COLUMNS,
    Kind.EDUCATION: EDUCATION_COLUMNS,
}

# The kinds this import reads, in the order they are written (what a row refers to first).
KINDS_IN_ORDER = tuple(COLUMNS)

# Sheet names that say which kind a sheet holds (Norwegian and English).
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    Kind.EMPLOYERS: ("arbeidsgivere", "arbeidsgiver", "employers", "bedrifter"),
    Kind.CONTACT_PERSONS: ("kontaktpersoner", "contact persons"),
    Kind.PARTICIPANTS: ("deltakere", "deltaker", "participants", "portefølje", "caseload"),
    Kind.REFERRALS: ("henvisninger", "henvisning", "referrals"),
    Kind.CONTACTS: ("kontakter", "kontaktlogg", "contacts", "contact log"),
    Kind.EMPLOYER_CONTACTS: (
        "arbeidsgiverlogg",
        "arbeidsgiverkontakter",
        "employer contacts",
        "employer log",
    ),
    Kind.JOBS: ("jobber", "jobb", "jobs"),
    Kind.EDUCATION: ("utdanning", "education"),
}


def normalise_header(text: object) -> str:
    """«Fødselsnummer:», " fødselsnummer *" and "FØDSELSNUMMER" are the same header."""
    value = str(text or "").strip().lower().replace("\u00a0", " ")
    value = re.sub(r"[*:]+$", "", value).strip()
    return re.sub(r"\s+", " ", value)


def column(kind: str, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)


def suggest_mapping(
    kind: str, header: list[str], saved: dict[str, str] | None = None
) -> dict[int, str]:
    """Column index → field: the team's saved mapping first (by header text), then the
    Norwegian header, its English and common variants. Each field is used once."""
    saved = {normalise_header(k): v for k, v in (saved or {}).items()}
    keys = {c.key for c in COLUMNS[kind]}
    names: dict[str, str] = {}
    for c in COLUMNS[kind]:
        for name in (c.header, c.key, *c.aliases):
            names.setdefault(normalise_header(name), c.key)
    result: dict[int, str] = {}
    used: set[str] = set()
    for index, text in enumerate(header):
        norm = normalise_header(text)
        key = saved.get(norm) if saved.get(norm) in keys else names.get(norm)
        if key and key not in used:
            result[index] = key
            used.add(key)
    return result


def suggest_kind(sheet_name: str, header: list[str]) -> str:
    """The kind a sheet's name says, else the kind whose headers it matches best (or "")."""
    name = normalise_header(sheet_name)
    for kind, names in SHEET_NAMES.items():
        if name in names:
            return kind
    best: str = ""
    score = 0
    for kind in COLUMNS:
        hits = len(suggest_mapping(kind, header))
        if hits > score:
            best, score = kind, hits
    return best if score >= 2 else ""
