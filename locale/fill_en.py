"""Fill empty English msgstr entries from locale/en_translations.json (msgid -> English).

Usage: python locale/fill_en.py   (then: python manage.py compilemessages)
Keeps the .po the source of truth; the JSON is only a convenient place to write translations.
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"
TRANSLATIONS = HERE / "en_translations.json"


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    translations = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    text = PO.read_text(encoding="utf-8")
    entry = re.compile(r'(msgid ((?:"(?:[^"\\]|\\.)*"\n)+))msgstr ""\n(?!")', re.M)
    filled = 0

    def replace(match):
        nonlocal filled
        msgid = _unquote(match.group(2))
        english = translations.get(msgid)
        if not msgid or english is None:
            return match.group(0)
        filled += 1
        return f"{match.group(1)}msgstr {_quote(english)}\n"

    text = entry.sub(replace, text)
    text = text.replace("#, fuzzy\n", "")
    PO.write_text(text, encoding="utf-8")
    missing = len(re.findall(r'msgstr ""\n\n', text)) - 1
    print(f"filled {filled}; still untranslated: {max(missing, 0)}")


if __name__ == "__main__":
    main()
