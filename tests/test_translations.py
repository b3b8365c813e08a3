"""Every user-facing string is translated in Finnish, Swedish and English, and compiled."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def read_po(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for every entry of a .po file, header excluded."""
    entries: list[tuple[str, list[str], bool]] = []
    msgctxt: list[str] = []
    msgid: list[str] = []
    msgstrs: list[list[str]] = []
    fuzzy = False
    current: list[str] | None = None

    def flush() -> None:
        nonlocal msgctxt, msgid, msgstrs, fuzzy
        if msgid and "".join(msgid):
            # Compiled catalogues key an entry with a context as "context\x04msgid".
            key = "\x04".join(filter(None, ["".join(msgctxt), "".join(msgid)]))
            entries.append((key, ["".join(s) for s in msgstrs], fuzzy))
        msgctxt, msgid, msgstrs, fuzzy = [], [], [], False

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
            current = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#~"):
            continue
        elif line.startswith("msgctxt "):
            msgctxt = [line[9:-1]]
            current = msgctxt
        elif line.startswith("msgid "):
            msgid, current = [line[7:-1]], None
            current = msgid
        elif line.startswith("msgid_plural "):
            current = []
        elif line.startswith("msgstr"):
            current = [line.split(" ", 1)[1][1:-1]]
            msgstrs.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line[1:-1])
    return entries


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_string_is_translated_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = read_po(po)
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstrs, fuzzy in entries if fuzzy or not all(msgstrs)]
    assert untranslated == []
    with (po.with_suffix(".mo")).open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled = {key[0] if isinstance(key, tuple) else key for key in catalog}
    stale = [
        msgid
        for msgid, _msgstrs, _fuzzy in entries
        if msgid.replace('\\"', '"') not in compiled and msgid.replace("\\n", "\n") not in compiled
    ]
    assert stale == [], "run `make messages` to compile the .mo files"
