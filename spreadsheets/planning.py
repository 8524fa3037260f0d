"""The preview: what each spreadsheet row would do, computed without writing anything.

Every row is read with its kind's columns (spreadsheets/columns.py), checked against the same
rules the services apply, and matched against the team's records: participants by national ID,
employers by organisation number (or name), contacts, jobs and education by participant + date +
type, employer contacts by employer + date + specialist + purpose. A matched row whose values
differ is an update — unless the record was changed in the app after the team's previous import
(or never came from an import), which makes it a conflict: an import never silently overwrites
a newer change.

The existing records are read once per kind (a handful of queries whatever the file's size).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from dashboards.csv_export import FORMULA_STARTS
from employers.models import Employer, EmployerContact, EmployerContactPerson
from employers.services import normalise_orgnr
from ips.accounts.models import Membership, Organisation, Team, User, validate_orgnr
from ips.dates import oslo_today
from ips.history import history_model_of
from ips.validators import validate_national_id
from participants.models import Contact, EducationEpisode, Job, Participant
from referrals.models import Referral
from spreadsheets.columns import COLUMNS, KINDS_IN_ORDER, Column
from spreadsheets.models import Kind, Outcome
from spreadsheets.values import (
    CellError,
    choice_label,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
)

FUTURE = "Datoen kan ikke være frem i tid."


@dataclass
class RowIn:
    position: int
    kind: str
    sheet: str
    row_number: int
    values: dict[str, str]


@dataclass
class Plan:
    row: RowIn
    outcome: str = Outcome.NEW
    messages: dict[str, str] = field(default_factory=dict)
    label: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    key: Any = None

    def error(self, name: str, message: str) -> None:
        self.messages.setdefault(name, str(message))
        self.outcome = Outcome.ERROR

    @property
    def ok(self) -> bool:
        return self.outcome != Outcome.ERROR


def _display(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, Model):
        return str(value)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return a is not None and b is not None and Decimal(a) == Decimal(b)
        except (TypeError, ArithmeticError):
            return False
    if isinstance(a, Model) or isinstance(b, Model):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return (a or "") == (b or "") if isinstance(a, str) or isinstance(b, str) else a == b


class Planner:
    def __init__(self, *, team: Team, rows: Iterable[RowIn]):
        self.team = team
        self.today = oslo_today()
        self.rows = list(rows)
        self.plans: list[Plan] = []
        self.by_kind: dict[str, list[Plan]] = defaultdict(list)
        self._specialists = self._load_specialists()
        # What the file itself brings, for rows of later kinds that refer to it.
        self.file_participants: dict[str, Plan] = {}
        self.file_employers: dict[str, Plan] = {}

    # --- reading cells -------------------------------------------------------------------

    @property
    def _organisations(self) -> dict[str, Organisation]:
        if not hasattr(self, "_organisations_cache"):
            self._organisations_cache = {
                o.name.strip().lower(): o for o in Organisation.objects.order_by("-id")
            }
        return self._organisations_cache

    def _load_specialists(self) -> dict[str, User]:
        users = User.objects.filter(
            memberships__team=self.team,
            memberships__role=Membership.Role.JOB_SPECIALIST,
            memberships__ended_at__isnull=True,
            is_active=True,
        ).distinct()
        found: dict[str, User] = {}
        names: Counter[str] = Counter()
        for user in users:
            names[user.get_full_name().strip().lower()] += 1
        for user in users:
            found[user.username.lower()] = user
            full = user.get_full_name().strip().lower()
            if full and names[full] == 1:
                found.setdefault(full, user)
            if user.email:
                found.setdefault(user.email.lower(), user)
        return found

    def _parse(self, plan: Plan, columns: tuple[Column, ...]) -> None:
        values = plan.row.values
        for col in columns:
            if col.key not in values:
                continue
            text = (values.get(col.key) or "").strip()
            if not text:
                if col.required:
                    plan.error(col.key, _("Feltet må fylles ut."))
                plan.data[col.key] = None if col.type not in ("text", "choice") else ""
                continue
            try:
                plan.data[col.key] = self._read(col, text)
            except CellError as exc:
                plan.error(col.key, str(exc.message))
            except ValidationError as exc:
                plan.error(col.key, " ".join(str(m) for m in exc.messages))
        for col in columns:
            if col.required and col.key not in values and col.key not in plan.messages:
                plan.error(col.key, _("Kolonnen mangler i filen."))

    def _read(self, col: Column, text: str) -> Any:
        if col.type == "text":
            if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
                text = text[1:]  # neutralised by our own export: the text as it was
            if col.max_length and len(text) > col.max_length:
                raise CellError(_("Høyst %(n)s tegn.") % {"n": col.max_length})
            return text
        if col.type == "national_id":
            digits = text.replace(" ", "").replace(".", "")
            if len(digits) == 10 and digits.isdigit():
                digits = "0" + digits  # a leading zero lost when the cell was a number
            validate_national_id(digits)
            return digits
        if col.type == "orgnr":
            try:
                value = normalise_orgnr(text)
            except Exception:
                value = text
            validate_orgnr(value)
            return value
        if col.type == "date":
            day = parse_date(text)
            if day > self.today:
                raise CellError(_(FUTURE))
            return day
        if col.type == "decimal":
            return parse_decimal(text)
        if col.type == "int":
            return parse_int(text)
        if col.type == "bool":
            return parse_bool(text)
        if col.type == "choice":
            return parse_choice(col.choices, text)
        if col.type == "specialist":
            user = self._specialists.get(text.strip().lower())
            if user is None:
                raise CellError(
                    _(
                        "Ukjent jobbspesialist «%(name)s». Bruk brukernavnet eller det fulle "
                        "navnet til en jobbspesialist i teamet."
                    )
                    % {"name": text}
                )
            return user
        if col.type == "organisation":
            organisation = self._organisations.get(text.strip().lower())
            if organisation is None:
                raise CellError(
                    _("Ukjent organisasjon «%(name)s». Bruk navnet slik det står i registeret.")
                    % {"name": text}
                )
            return organisation
        if col.type == "id_list":
            ids = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
            for value in ids:
                validate_national_id(value)
            return ids
        raise AssertionError(col.type)

    # --- the whole run -------------------------------------------------------------------

    def run(self) -> list[Plan]:
        """Every row at once (the confirmed import plans this way)."""
        for kind in KINDS_IN_ORDER:
            rows = [row for row in self.rows if row.kind == kind]
            if rows:
                self.plan_kind(kind, rows)
        self.plans.sort(key=lambda p: p.row.position)
        return self.plans

    def plan_kind(self, kind: str, rows: Iterable[RowIn]) -> list[Plan]:
        """One kind's rows, after the kinds it refers to (KINDS_IN_ORDER): the preview stores
        each kind's outcome as soon as it is known, so the first page shows early."""
        plans = []
        for row in rows:
            plan = Plan(row=row)
            self._parse(plan, COLUMNS[kind])
            plans.append(plan)
        self.by_kind[kind].extend(plans)
        self.plans.extend(plans)
        getattr(self, f"_plan_{kind}")(plans)
        self._conflicts(plans)
        return plans

    def _duplicates(self, plans: list[Plan], key_of) -> None:
        """A second row with the same key: exact copies and clashes alike are errors."""
        seen: dict[Any, Plan] = {}
        for plan in plans:
            if not plan.ok:
                continue
            key = key_of(plan)
            if key is None:
                continue
            plan.key = key
            first = seen.get(key)
            if first is not None:
                plan.error(
                    "_row",
                    _("Raden gjelder det samme som rad %(n)s i arket %(sheet)s (dobbel rad).")
                    % {"n": first.row.row_number, "sheet": first.row.sheet},
                )
            else:
                seen[key] = plan

    def _compare(self, plan: Plan, target: Model, fields: Iterable[str]) -> None:
        plan.target = target
        for name in fields:
            if name not in plan.data:
                continue
            new = plan.data[name]
            model_field = target._meta.get_field(name)
            if model_field.is_relation:
                # By id, without fetching the related record for every row.
                old_id = getattr(target, model_field.get_attname())  # type: ignore[union-attr]
                if getattr(new, "pk", new) != old_id:
                    plan.changes[name] = new
                continue
            if not _same(new, getattr(target, name)):
                plan.changes[name] = new
        if plan.changes:
            plan.outcome = Outcome.UPDATE
            for name, new in plan.changes.items():
                plan.messages[name] = f"{_display(getattr(target, name))} → {_display(new)}"
        else:
            plan.outcome = Outcome.UNCHANGED

    # --- references across sheets ---------------------------------------------------------

    def _participant_ref(self, plan: Plan) -> tuple[Any, User | None]:
        """The participant a row is about: an existing one, or one this file creates. Returns
        (Participant or national ID, their job specialist)."""
        nid = plan.data.get("national_id")
        if not nid:
            return None, None
        existing = self._participants.get(nid)
        if existing is not None:
            return existing, existing.job_specialist
        in_file = self.file_participants.get(nid)
        if in_file is not None:
            if not in_file.ok:
                plan.error(
                    "national_id",
                    _("Deltakeren har feil i rad %(n)s i arket %(sheet)s.")
                    % {"n": in_file.row.row_number, "sheet": in_file.row.sheet},
                )
                return None, None
            return nid, in_file.data.get("job_specialist")
        plan.error(
            "national_id", _("Ingen deltaker i teamet eller i filen har dette fødselsnummeret.")
        )
        return None, None

    def _employer_ref(self, plan: Plan) -> Any:
        orgnr = plan.data.get("employer_org_number") or ""
        name = (plan.data.get("employer_name") or "").strip()
        if not orgnr and not name:
            if plan.ok:
                plan.error(
                    "employer_name", _("Oppgi arbeidsgiverens navn eller organisasjonsnummer.")
                )
            return None
        key = orgnr or name.lower()
        existing = self._employers_by_orgnr.get(orgnr) if orgnr else None
        existing = existing or (None if orgnr else self._employers_by_name.get(name.lower()))
        if existing is not None:
            return existing
        in_file = self.file_employers.get(key) or (
            self.file_employers.get(name.lower()) if name else None
        )
        if in_file is not None:
            if not in_file.ok:
                plan.error(
                    "employer_name",
                    _("Arbeidsgiveren har feil i rad %(n)s i arket %(sheet)s.")
                    % {"n": in_file.row.row_number, "sheet": in_file.row.sheet},
                )
                return None
            return in_file.key
        plan.error("employer_name", _("Arbeidsgiveren finnes ikke i registeret eller i filen."))
        return None

    # --- each kind ----------------------------------------------------------------------

    @property
    def _participants(self) -> dict[str, Participant]:
        if not hasattr(self, "_participants_cache"):
            self._participants_cache = {
                p.national_id: p
                for p in Participant.objects.filter(team=self.team).select_related("job_specialist")
            }
        return self._participants_cache

    def _load_employers(self) -> None:
        if hasattr(self, "_employers_by_orgnr"):
            return
        employers = list(Employer.objects.filter(team=self.team).order_by("id"))
        self._employers_by_orgnr = {e.org_number: e for e in employers if e.org_number}
        self._employers_by_name: dict[str, Employer] = {}
        for e in employers:
            self._employers_by_name.setdefault(e.name.strip().lower(), e)

    def _plan_employers(self, plans: list[Plan]) -> None:
        self._load_employers()
        self._duplicates(
            plans, lambda p: p.data.get("org_number") or (p.data.get("name") or "").lower() or None
        )
        fields = [c.key for c in COLUMNS[Kind.EMPLOYERS]]
        for plan in plans:
            plan.label = plan.data.get("name") or ""
            if not plan.ok:
                continue
            orgnr = plan.data.get("org_number") or ""
            target = self._employers_by_orgnr.get(orgnr) if orgnr else None
            if target is None:
                candidate = self._employers_by_name.get((plan.data.get("name") or "").lower())
                if candidate is not None and (not orgnr or not candidate.org_number):
                    target = candidate
            self.file_employers[plan.key] = plan
            if orgnr and plan.data.get("name"):
                self.file_employers.setdefault(plan.data["name"].lower(), plan)
            if target is not None:
                self._compare(plan, target, fields)

    def _plan_contact_persons(self, plans: list[Plan]) -> None:
        self._load_employers()
        existing: dict[tuple[int, str], EmployerContactPerson] = {
            (p.employer_id, p.name.strip().lower()): p
            for p in EmployerContactPerson.objects.filter(employer__team=self.team)
        }
        for plan in plans:
            plan.label = plan.data.get("name") or ""
            if not plan.ok:
                continue
            plan.data["employer"] = self._employer_ref(plan)
        self._duplicates(
            plans,
            lambda p: (
                getattr(p.data["employer"], "pk", p.data["employer"]),
                p.data["name"].lower(),
            ),
        )
        for plan in plans:
            if not plan.ok:
                continue
            employer = plan.data["employer"]
            target = (
                existing.get((employer.pk, plan.data["name"].lower()))
                if isinstance(employer, Employer)
                else None
            )
            if target is not None:
                self._compare(plan, target, ("role", "phone", "email"))

    def _plan_participants(self, plans: list[Plan]) -> None:
        self._duplicates(plans, lambda p: p.data.get("national_id"))
        fields = [c.key for c in COLUMNS[Kind.PARTICIPANTS] if c.key != "national_id"]
        for plan in plans:
            plan.label = plan.data.get("name") or plan.row.values.get("name", "")
            nid = plan.data.get("national_id")
            if nid and nid not in self.file_participants:
                self.file_participants[nid] = plan
            if not plan.ok:
                continue
            target = self._participants.get(nid) if nid else None
            if target is not None:
                self._compare(plan, target, fields)

    def _plan_referrals(self, plans: list[Plan]) -> None:
        """Referrals by national ID + referral date. The status follows the dates: a first
        meeting held, else assigned to a specialist, else received."""
        for plan in plans:
            d = plan.data
            plan.label = d.get("person_name") or ""
            if not plan.ok:
                continue
            if not d.get("date_received") and "date_received" in d:
                d["date_received"] = d["referral_date"]
            received = d.get("date_received") or d["referral_date"]
            if received < d["referral_date"]:
                plan.error("date_received", _("Mottatt dato kan ikke være før henvisningsdatoen."))
            if d.get("first_meeting_date"):
                if d["first_meeting_date"] < received:
                    plan.error(
                        "first_meeting_date",
                        _("Første møte kan ikke være før henvisningen ble mottatt."),
                    )
                if not d.get("assigned_specialist"):
                    plan.error(
                        "assigned_specialist", _("Oppgi jobbspesialisten når første møte er holdt.")
                    )
        self._duplicates(plans, lambda p: (p.data["national_id"], p.data["referral_date"]))
        existing = {
            (r.national_id, r.referral_date): r for r in Referral.objects.filter(team=self.team)
        }
        fields = [
            c.key for c in COLUMNS[Kind.REFERRALS] if c.key not in ("national_id", "referral_date")
        ]
        for plan in plans:
            if plan.ok and plan.key in existing:
                self._compare(plan, existing[plan.key], fields)

    def _occurrence_keys(self, plans: list[Plan], base) -> None:
        """Rows with the same participant, date and type are matched in order (the n-th such
        row to the n-th such record); a row identical to an earlier one is a duplicate."""
        seen_rows: dict[tuple, Plan] = {}
        counts: Counter = Counter()
        for plan in plans:
            if not plan.ok:
                continue
            identity = tuple(sorted((k, str(v)) for k, v in plan.row.values.items()))
            first = seen_rows.get(identity)
            if first is not None:
                plan.error(
                    "_row",
                    _("Raden er lik rad %(n)s i arket %(sheet)s (dobbel rad).")
                    % {"n": first.row.row_number, "sheet": first.row.sheet},
                )
                continue
            seen_rows[identity] = plan
            key = base(plan)
            plan.key = (*key, counts[key])
            counts[key] += 1

    def _plan_contacts(self, plans: list[Plan]) -> None:
        for plan in plans:
            participant, specialist = self._participant_ref(plan) if plan.ok else (None, None)
            plan.data["participant"] = participant
            plan.label = getattr(participant, "name", "") or plan.row.values.get("national_id", "")
            if not plan.ok:
                continue
            data = plan.data
            data["with_whom"] = data.get("with_whom") or Contact.With.PARTICIPANT
            data["mode"] = data.get("mode") or Contact.Mode.FACE_TO_FACE
            if data.get("duration_minutes") is None:
                data["duration_minutes"] = 30
            if not 1 <= data["duration_minutes"] <= Contact.MAX_DURATION_MINUTES:
                plan.error("duration_minutes", _("Varigheten må være mellom 1 og 600 minutter."))
            if data["mode"] != Contact.Mode.FACE_TO_FACE and data.get("place"):
                plan.error("place", _("Bare møter ansikt til ansikt har et sted."))
            elif data["mode"] == Contact.Mode.FACE_TO_FACE and not data.get("place"):
                plan.error("place", _("Velg hvor dere møttes."))
            if not data.get("logged_by"):
                data["logged_by"] = specialist
        pids = [p.pk for p in self._participants.values()]
        existing: dict[tuple, list[Contact]] = defaultdict(list)
        for c in Contact.objects.filter(participant_id__in=pids).order_by("id"):
            existing[(c.participant_id, c.contact_date, c.with_whom, c.mode)].append(c)

        def base(plan: Plan) -> tuple:
            d = plan.data
            ref = getattr(d["participant"], "pk", d["participant"])
            return (ref, d["contact_date"], d["with_whom"], d["mode"])

        self._occurrence_keys(plans, base)
        fields = ("place", "duration_minutes", "note", "logged_by")
        for plan in plans:
            if not plan.ok or not isinstance(plan.data["participant"], Participant):
                continue
            ref, date, with_whom, mode, n = plan.key
            matches = existing.get((ref, date, with_whom, mode), [])
            if n < len(matches):
                self._compare(plan, matches[n], fields)

    def _plan_employer_contacts(self, plans: list[Plan]) -> None:
        self._load_employers()
        for plan in plans:
            employer = self._employer_ref(plan) if plan.ok else None
            plan.data["employer"] = employer
            plan.label = getattr(employer, "name", "") or plan.row.values.get("employer_name", "")
            if not plan.ok:
                continue
            d = plan.data
            if d.get("face_to_face") is None:
                d["face_to_face"] = True
            if d.get("next_step_date") and d["next_step_date"] < d["contact_date"]:
                plan.error("next_step_date", _("Neste steg kan ikke være før kontakten."))
            people = []
            for nid in d.get("participants") or []:
                if nid in self._participants:
                    people.append(self._participants[nid])
                elif nid in self.file_participants and self.file_participants[nid].ok:
                    people.append(nid)
                else:
                    plan.error(
                        "participants",
                        _("Ingen deltaker i teamet eller i filen har fødselsnummer %(id)s.")
                        % {"id": nid},
                    )
            d["participants"] = people
        existing: dict[tuple, list[EmployerContact]] = defaultdict(list)
        for c in EmployerContact.objects.filter(team=self.team).order_by("id"):
            existing[(c.employer_id, c.contact_date, c.job_specialist_id, c.purpose)].append(c)

        def base(plan: Plan) -> tuple:
            d = plan.data
            return (
                getattr(d["employer"], "pk", d["employer"]),
                d["contact_date"],
                d["job_specialist"].pk,
                d["purpose"],
            )

        self._occurrence_keys(plans, base)
        for plan in plans:
            if not plan.ok or not isinstance(plan.data["employer"], Employer):
                continue
            ref, date, specialist, purpose, n = plan.key
            matches = existing.get((ref, date, specialist, purpose), [])
            if n < len(matches):
                self._compare(
                    plan,
                    matches[n],
                    ("face_to_face", "outcome", "note", "next_step", "next_step_date"),
                )

    def _episode_rules(self, plan: Plan, reason_message: str) -> None:
        d = plan.data
        if d.get("end_date") and d.get("start_date") and d["end_date"] < d["start_date"]:
            plan.error("end_date", _("Sluttdato kan ikke være før startdato."))
        if d.get("end_date") and not d.get("end_reason"):
            plan.error("end_reason", reason_message)
        if d.get("end_reason") and not d.get("end_date"):
            plan.error("end_date", _("Oppgi sluttdato når det står en årsak til slutt."))

    def _plan_jobs(self, plans: list[Plan]) -> None:
        self._load_employers()
        for plan in plans:
            participant = self._participant_ref(plan)[0] if plan.ok else None
            employer = self._employer_ref(plan) if plan.ok else None
            plan.data["participant"], plan.data["employer"] = participant, employer
            plan.label = " – ".join(
                x for x in (getattr(participant, "name", ""), plan.data.get("title") or "") if x
            )
            if not plan.ok:
                continue
            d = plan.data
            self._episode_rules(plan, _("Oppgi årsak når jobben er avsluttet."))
            hours = d.get("hours_per_week")
            if hours is not None and not (0 < hours <= 100):
                plan.error("hours_per_week", _("Timer per uke må være mellom 0 og 100."))
            if d.get("hourly_wage") is not None and d["hourly_wage"] < 0:
                plan.error("hourly_wage", _("Timelønnen kan ikke være negativ."))
            if d.get("is_ordinary") is None:
                d["is_ordinary"] = True
            if d.get("is_permanent") is None:
                d["is_permanent"] = False
        pids = [p.pk for p in self._participants.values()]
        existing: dict[tuple, list[Job]] = defaultdict(list)
        for job in Job.objects.filter(participant_id__in=pids).order_by("id"):
            existing[(job.participant_id, job.start_date, job.title.strip().lower())].append(job)

        def base(plan: Plan) -> tuple:
            d = plan.data
            return (
                getattr(d["participant"], "pk", d["participant"]),
                d["start_date"],
                d["title"].lower(),
            )

        self._occurrence_keys(plans, base)
        fields = (
            "employer",
            "end_date",
            "hours_per_week",
            "hourly_wage",
            "is_ordinary",
            "is_permanent",
            "end_reason",
        )
        for plan in plans:
            if not plan.ok or not isinstance(plan.data["participant"], Participant):
                continue
            *key, n = plan.key
            matches = existing.get(tuple(key), [])
            if n < len(matches):
                self._compare(plan, matches[n], fields)
                if "employer" in plan.changes and not isinstance(
                    plan.changes["employer"], Employer
                ):
                    pass  # a new employer from the file: resolved when written

    def _plan_education(self, plans: list[Plan]) -> None:
        for plan in plans:
            participant = self._participant_ref(plan)[0] if plan.ok else None
            plan.data["participant"] = participant
            plan.label = " – ".join(
                x for x in (getattr(participant, "name", ""), plan.data.get("programme") or "") if x
            )
            if not plan.ok:
                continue
            self._episode_rules(plan, _("Oppgi hvorfor utdanningen sluttet."))
            if plan.data.get("is_ordinary") is None:
                plan.data["is_ordinary"] = True
        pids = [p.pk for p in self._participants.values()]
        existing: dict[tuple, list[EducationEpisode]] = defaultdict(list)
        for e in EducationEpisode.objects.filter(participant_id__in=pids).order_by("id"):
            existing[(e.participant_id, e.start_date, e.programme.strip().lower())].append(e)

        def base(plan: Plan) -> tuple:
            d = plan.data
            return (
                getattr(d["participant"], "pk", d["participant"]),
                d["start_date"],
                d["programme"].lower(),
            )

        self._occurrence_keys(plans, base)
        for plan in plans:
            if not plan.ok or not isinstance(plan.data["participant"], Participant):
                continue
            *key, n = plan.key
            matches = existing.get(tuple(key), [])
            if n < len(matches):
                self._compare(
                    plan, matches[n], ("institution", "end_date", "is_ordinary", "end_reason")
                )

    # --- conflicts -----------------------------------------------------------------------

    def _conflicts(self, plans: list[Plan]) -> None:
        """An update of a record whose last change was not made by an import (an edit in the
        app after the previous import, or a record that never came from one) is a conflict:
        the app's newer value is kept. Read from each record's change history."""
        from django.utils import timezone

        updates = [p for p in plans if p.outcome == Outcome.UPDATE]
        by_model: dict[type[Model], list[Plan]] = defaultdict(list)
        for plan in updates:
            by_model[type(plan.target)].append(plan)
        for model, group in by_model.items():
            history = history_model_of(model)
            latest = {
                row["pgh_obj_id"]: row
                for row in history.objects.filter(  # type: ignore[attr-defined]
                    pgh_obj_id__in=[p.target.pk for p in group]
                )
                .order_by("pgh_obj_id", "-pgh_id")
                .distinct("pgh_obj_id")
                .values("pgh_obj_id", "pgh_created_at", "pgh_context__metadata")
            }
            for plan in group:
                row = latest.get(plan.target.pk)
                if row is None:
                    continue
                via = (row["pgh_context__metadata"] or {}).get("via", "")
                if str(via).startswith("import:"):
                    continue
                plan.outcome = Outcome.CONFLICT
                when = timezone.localtime(row["pgh_created_at"])
                plan.messages["_row"] = _(
                    "Endret i appen %(when)s, etter forrige import. Raden tas ikke med: appens "
                    "verdi beholdes. Rett i appen, eller i filen og last opp på nytt."
                ) % {"when": when.strftime("%d.%m.%Y %H:%M")}


def summary(plans: Iterable[Plan]) -> dict[str, int]:
    counts = Counter(p.outcome for p in plans)
    return {o.value: counts.get(o.value, 0) for o in Outcome}


def label_for(value: Any) -> str:
    return _display(value)


__all__ = ["Plan", "Planner", "RowIn", "choice_label", "summary"]
