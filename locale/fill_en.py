"""Fill the English catalogue from locale/en_translations.json (msgid -> English).

Usage:
    python locale/fill_en.py            # write translations into the .po
    python locale/fill_en.py --missing  # list msgids that have no translation in the JSON
    python manage.py compilemessages --ignore=.venv

The JSON maps a msgid to its English text. A plural entry maps to a list
[singular, plural]; an entry with a msgctxt is keyed "context\\u0004msgid" (the gettext
convention). Every entry in the .po that the JSON covers gets that translation and loses any
"fuzzy" flag and "#|" previous-msgid comment (makemessages' fuzzy guesses are usually wrong);
a fuzzy entry the JSON does not cover is emptied rather than left with a wrong guess.
The .po stays the source of truth at run time; the JSON is a convenient place to write in.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"
TRANSLATIONS = HERE / "en_translations.json"

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    text = "".join(re.fullmatch(r'\s*"(.*)"\s*', line).group(1) for line in lines)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in escaped.rstrip("\n"):
        return '"' + escaped.replace("\n", "\\n") + '"'
    # Multi-line strings are written like xgettext does: an empty first line, then one per line.
    parts = escaped.split("\n")
    lines = [part + "\\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


class Entry:
    """One catalogue entry: its comment lines and its keyword -> text fields, in file order."""

    def __init__(self) -> None:
        self.comments: list[str] = []
        self.fields: dict[str, str] = {}

    @property
    def key(self) -> str:
        msgid = self.fields.get("msgid", "")
        ctxt = self.fields.get("msgctxt")
        return f"{ctxt}\x04{msgid}" if ctxt is not None else msgid

    @property
    def plural(self) -> bool:
        return "msgid_plural" in self.fields

    @property
    def fuzzy(self) -> bool:
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)

    def translation(self):
        if self.plural:
            return [self.fields.get("msgstr[0]", ""), self.fields.get("msgstr[1]", "")]
        return self.fields.get("msgstr", "")

    def set_translation(self, value) -> None:
        if self.plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            self.fields["msgstr[0]"], self.fields["msgstr[1]"] = singular, plural
        else:
            if isinstance(value, list):
                raise ValueError(f"{self.key!r} is not a plural entry")
            self.fields["msgstr"] = value

    def unfuzz(self) -> None:
        kept = []
        for comment in self.comments:
            if comment.startswith("#|"):
                continue
            if comment.startswith("#,"):
                flags = [f.strip() for f in comment[2:].split(",") if f.strip() != "fuzzy"]
                if not flags:
                    continue
                comment = "#, " + ", ".join(flags)
            kept.append(comment)
        self.comments = kept

    def render(self) -> str:
        out = list(self.comments)
        for keyword, text in self.fields.items():
            out.append(f"{keyword} {_quote(text)}")
        return "\n".join(out) + "\n"


def parse(text: str) -> list[Entry]:
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        entry = Entry()
        fields: list[tuple[str, list[str]]] = []  # keyword -> its quoted lines
        for line in block.split("\n"):
            if line.startswith("#"):
                entry.comments.append(line)
            elif line.startswith('"'):
                fields[-1][1].append(line)
            else:
                keyword, rest = line.split(" ", 1)
                fields.append((keyword, [rest]))
        entry.fields = {keyword: _unquote(lines) for keyword, lines in fields}
        entries.append(entry)
    return entries


def render(entries: list[Entry]) -> str:
    return "\n".join(entry.render() for entry in entries)


def main(argv: list[str]) -> None:
    translations = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    entries = parse(PO.read_text(encoding="utf-8"))
    header, body = entries[0], entries[1:]
    if "--missing" in argv:
        for entry in body:
            if entry.key not in translations:
                print(
                    json.dumps(entry.key, ensure_ascii=False)
                    + (" [plural]" if entry.plural else "")
                )
        return
    filled = emptied = 0
    for entry in body:
        if entry.key in translations:
            entry.set_translation(translations[entry.key])
            entry.unfuzz()
            filled += 1
        elif entry.fuzzy:
            entry.set_translation(["", ""] if entry.plural else "")
            entry.unfuzz()
            emptied += 1
    header.unfuzz()
    PO.write_text(render(entries), encoding="utf-8")
    msgcat = shutil.which("msgcat")
    if msgcat:  # re-wrap long lines the way makemessages writes them
        subprocess.run([msgcat, "-o", str(PO), str(PO)], check=False)  # noqa: S603
    untranslated = [
        e.key for e in body if not all(e.translation() if e.plural else [e.translation()])
    ]
    print(
        f"filled {filled}; emptied fuzzy guesses {emptied}; still untranslated: {len(untranslated)}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
