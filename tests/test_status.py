"""publish.py status: the translators' report, as a table and as JSON, from catalogues made in tmp_path."""
from __future__ import annotations

import json

from .conftest import run_publish
from .test_catalogues import REVIEWED, write_catalogue

HEADING = "crafting-connections/er-h-feelings/text"  # an easy-read heading
BOLD = "crafting-connections/rush-of-love/text"
ITEMS = "crafting-connections/things-that-help/items"
LONG_WORD = "Schwangerschaftsbetreuungsberatungsstellenmitarbeiterinnenfortbildungsveranstaltungen"


def polish(context: str, english: str) -> str:
    if context == HEADING:
        return f"{LONG_WORD} {LONG_WORD} {LONG_WORD}"
    if context == BOLD:
        return "PL: **niezamknięty " + english
    if context == "crafting-connections/expectations/text":
        return "PL: " + english.rstrip(".") + "  koniec"  # a double space, and no full stop
    return "PL: " + english


def test_status_table_and_json(tmp_path):
    translations = tmp_path / "translations"
    path = write_catalogue(translations, "pl", polish, fuzzy=(ITEMS,), headers=REVIEWED)
    with path.open("a", encoding="utf-8") as po:
        po.write('\n#~ msgctxt "crafting-connections/gone/text"\n#~ msgid "Removed."\n#~ msgstr "Usunięte."\n')

    table = run_publish("status", "--translations", str(translations))
    assert table.returncode == 1, table.stderr  # the unbalanced '**' is refused by the build
    lines = table.stdout.splitlines()
    crafting = next(line for line in lines if line.startswith("pl") and "crafting-connections" in line).split()
    # The list's 5 items share their context: 5 fuzzy; the unbalanced one is refused, not counted translated.
    assert crafting[2:] == ["62/68", "5", "0", "no"]
    assert any("reviewed by A. Tłumacz, 1 obsolete" in line for line in lines)

    lines_of_po = path.read_text(encoding="utf-8").splitlines()
    bold_line = lines_of_po.index(f'msgctxt "{BOLD}"') + 2  # the msgid's line, as Babel counts it
    assert f"{path}:{bold_line}: error: msgctxt \"{BOLD}\": [catalogue] unbalanced '**'" in table.stdout
    assert "[endpunc]" in table.stdout and "[doublespacing]" in table.stdout
    assert f"[fit] '{LONG_WORD}' is wider than its" in table.stdout
    assert "the heading takes" in table.stdout

    as_json = run_publish("status", "--translations", str(translations), "--json")
    report = json.loads(as_json.stdout)
    assert [lang["lang"] for lang in report] == ["pl"] and report[0]["obsolete"] == 1
    rows = {row["leaflet"]: row for row in report[0]["leaflets"]}
    assert rows["crafting-connections"]["fuzzy"] == 5 and rows["crafting-connections"]["published"] == "no"
    checks = {f["check"] for f in report[0]["findings"]}
    assert {"catalogue", "endpunc", "doublespacing", "fit"} <= checks
    assert len(report[0]["findings"]) == sum(1 for line in lines if ": error: msgctxt" in line or
                                              ": warning: msgctxt" in line)


def test_status_of_the_source_language_and_a_long_title(tmp_path):
    translations = tmp_path / "translations"
    title = "crafting-connections/leaflet/title"
    write_catalogue(translations, "pl", lambda c, english: " ".join(["PL: " + english] * 4) if c == title
                    else "PL: " + english)
    english = run_publish("status", "--translations", str(translations), "--lang", "en")
    assert english.returncode == 1 and "Traceback" not in english.stderr
    assert "en is the language the leaflets are written in" in english.stdout
    polish = run_publish("status", "--translations", str(translations), "--lang", "pl")
    assert polish.returncode == 0, polish.stdout + polish.stderr
    assert f'msgctxt "{title}": [fit] the title takes' in polish.stdout
