"""Small polib tool for the English catalogue, locale/en/LC_MESSAGES/django.po.

The .po file is the one place the English texts live: edit it directly, or merge a file of
msgid -> English pairs into it with this script.

Usage:
    python locale/fill_en.py --missing > todo.json   # untranslated and fuzzy entries, as pairs
    python locale/fill_en.py todo.json               # merge pairs (JSON or CSV) into the .po
    python locale/fill_en.py pairs.csv --overwrite   # ... replacing existing translations too
    python manage.py compilemessages --ignore=.venv

A JSON pairs file is an object mapping a msgid to its English text. A plural entry maps to a
list [singular, plural] (a plain string is used for both forms); an entry with a msgctxt is
keyed "context\\u0004msgid" (the gettext convention). `--missing` prints exactly that shape,
with "" for what is still to write (the fuzzy guesses, to check, go to stderr), so its output
can be edited and merged back; entries left "" are not merged.

A CSV pairs file has a header row with the columns msgid and msgstr, and optionally msgctxt
and msgstr_plural (the plural form; left empty, msgstr is used for both).

Merging fills untranslated and fuzzy entries (with --overwrite, every entry the file covers),
removes their "fuzzy" flag and "#|" previous-msgid comments, and writes the .po back with
polib; msgcat, where installed, then re-wraps it the way makemessages writes it. Pairs whose
msgid is not in the catalogue are listed on stderr and otherwise ignored.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"

Translation = str | list[str]


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid


def active(po: polib.POFile) -> list[polib.POEntry]:
    """The catalogue's entries, without makemessages' obsolete (#~) ones."""
    return [e for e in po if not e.obsolete]


def is_missing(entry: polib.POEntry) -> bool:
    return entry.fuzzy or not entry.translated()


def current(entry: polib.POEntry) -> Translation:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(0, ""), entry.msgstr_plural.get(1, "")]
    return entry.msgstr


def set_translation(entry: polib.POEntry, value: Translation) -> None:
    if entry.msgid_plural:
        if isinstance(value, list) and len(value) != 2:
            raise ValueError(f"{key(entry)!r}: a plural needs [singular, plural]")
        singular, plural = value if isinstance(value, list) else (value, value)
        entry.msgstr_plural = {0: singular, 1: plural}
    else:
        if isinstance(value, list):
            raise ValueError(f"{key(entry)!r} is not a plural entry")
        entry.msgstr = value
    if entry.fuzzy:
        entry.flags.remove("fuzzy")
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def read_pairs(path: Path) -> dict[str, Translation]:
    if path.suffix.lower() == ".csv":
        pairs: dict[str, Translation] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                ctxt = row.get("msgctxt") or None
                text = row["msgstr"]
                plural = row.get("msgstr_plural") or ""
                pairs[f"{ctxt}\x04{row['msgid']}" if ctxt else row["msgid"]] = (
                    [text, plural] if plural else text
                )
        return pairs
    pairs = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(pairs, dict):
        raise SystemExit(f"{path}: expected a JSON object of msgid -> English text")
    return pairs


def complete(value: Translation) -> bool:
    return all(value) if isinstance(value, list) else bool(value)


def list_missing(po: polib.POFile) -> None:
    missing = [e for e in active(po) if is_missing(e)]
    # Every value is left empty to fill in (an empty value is not merged), so merging the
    # output back never accepts makemessages' fuzzy guess unseen; the guesses go to stderr.
    todo = {key(e): ["", ""] if e.msgid_plural else "" for e in missing}
    print(json.dumps(todo, ensure_ascii=False, indent=2))
    for entry in missing:
        if entry.fuzzy:
            guess = json.dumps(current(entry), ensure_ascii=False)
            print(f"fuzzy {json.dumps(key(entry), ensure_ascii=False)}: {guess}", file=sys.stderr)
    fuzzy = sum(e.fuzzy for e in missing)
    print(f"{len(missing) - fuzzy} untranslated, {fuzzy} fuzzy", file=sys.stderr)


def merge(po: polib.POFile, pairs: dict[str, Translation], *, overwrite: bool) -> None:
    entries = {key(e): e for e in active(po)}
    filled = 0
    for msgid, value in pairs.items():
        entry = entries.get(msgid)
        if entry is None or not complete(value):
            continue
        if overwrite or is_missing(entry):
            set_translation(entry, value)
            filled += 1
    unknown = [msgid for msgid in pairs if msgid not in entries]
    for msgid in unknown:
        print(f"not in the catalogue: {json.dumps(msgid, ensure_ascii=False)}", file=sys.stderr)
    po.metadata_is_fuzzy = False  # makemessages marks a new catalogue's header fuzzy
    po.save()
    msgcat = shutil.which("msgcat")
    if msgcat:  # re-wrap long lines the way makemessages writes them
        subprocess.run([msgcat, "-o", str(PO), str(PO)], check=False)  # noqa: S603
    still = sum(is_missing(e) for e in active(polib.pofile(str(PO))))
    print(f"filled {filled}; not in the catalogue: {len(unknown)}; still missing: {still}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pairs", nargs="?", type=Path, help="JSON or CSV file to merge")
    parser.add_argument(
        "--missing", action="store_true", help="print untranslated and fuzzy entries as JSON"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="also replace entries already translated"
    )
    args = parser.parse_args(argv)
    po = polib.pofile(str(PO), wrapwidth=79)
    if args.missing:
        list_missing(po)
    elif args.pairs:
        merge(po, read_pairs(args.pairs), overwrite=args.overwrite)
    else:
        parser.error("give a pairs file to merge, or --missing")


if __name__ == "__main__":
    main(sys.argv[1:])
