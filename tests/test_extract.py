"""The gettext tools translators use work on our catalogues: pybabel extract, GNU msgmerge and
msgfmt, translate-toolkit (Weblate's reader); keys stay put when a source changes; the notes
tell a translator what each text is and what to keep."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.misc.multistring import multistring
from translate.storage import po

from leaflets.glossary import glossary, load_glossary
from leaflets.reader import InputError

from .conftest import ROOT, run_publish

TEMPLATE = ROOT / "translations" / "leaflets.pot"
PYBABEL = Path(sys.executable).with_name("pybabel")
BENEFITS = "relationship-with-your-baby/intro-benefits/items"
CHANGED = "Building their confidence in themselves"


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def extracted(path: Path) -> list[tuple]:
    """What extraction decides, per message in order: msgctxt, msgid (with msgid_plural), notes, locations."""
    return [(m.context, m.id, m.auto_comments, m.locations) for m in read(path) if m.id]


def units(path: Path) -> list:
    """Every entry of a catalogue as translate-toolkit (Weblate's reader) reads it, the header left out."""
    return [unit for unit in po.pofile.parsefile(str(path)).units if not unit.isheader()]


def entries(path: Path) -> dict[tuple, tuple]:
    """What a translator sees of each live entry, by key: translation, fuzzy, previous English, notes.
    The #: lines may move with the source; nothing else should change unasked."""
    return {(u.getcontext(), str(u.source)): (u.target, u.isfuzzy(), u.prev_source, u.getnotes("developer"))
            for u in units(path) if not u.isobsolete()}


def msgfmt_check(path: Path) -> None:
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def by_context(context: str) -> list:
    return [m for m in read(TEMPLATE) if m.context == context]


def copy_tree(tmp_path: Path) -> Path:
    """A copy of what extraction reads: sources/ and leaflets/interface.yaml."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "sources", tree / "sources")
    (tree / "leaflets").mkdir()
    shutil.copy(ROOT / "leaflets" / "interface.yaml", tree / "leaflets")
    return tree


# -- the template --

def test_pybabel_extract_gives_the_committed_template(tmp_path):
    done = subprocess.run([str(PYBABEL), "extract", "-F", "babel.cfg", "-o", str(tmp_path / "x.pot"), "."],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert extracted(tmp_path / "x.pot") == extracted(TEMPLATE), \
        "run 'make pot' and commit translations/leaflets.pot"


def test_template_passes_msgfmt_check():
    msgfmt_check(TEMPLATE)


def test_broken_source_fails_loudly_and_writes_no_template(tmp_path):
    tree = copy_tree(tmp_path)
    source = tree / "sources" / "crafting-connections.yaml"
    source.write_text(source.read_text().replace("type: paragraph", "type: paragrahp", 1))
    expected = "crafting-connections.yaml:18: unknown block type 'paragrahp' in 'blocks'"
    done = subprocess.run([str(PYBABEL), "extract", "-F", str(ROOT / "babel.cfg"), "-o", "x.pot", "."],
                          cwd=tree, capture_output=True, text=True)
    assert done.returncode != 0 and expected in done.stderr, done.stderr
    result = run_publish("extract", "--sources", str(tree / "sources"), "--translations", str(tree / "out"))
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert not (tree / "out" / "leaflets.pot").exists()


# -- notes and locations --

def test_a_list_item_says_so_and_points_at_its_own_line():
    lines = (ROOT / "sources" / "relationship-with-your-baby.yaml").read_text().splitlines()
    items = by_context(BENEFITS)
    assert len(items) == 4
    for message in items:
        assert message.auto_comments[0] == "List item."
        line = next(number for number, text in enumerate(lines, 1) if message.id in text)
        assert message.locations == [("sources/relationship-with-your-baby.yaml", line)]


def test_picture_descriptions_and_easy_read_rows_say_what_they_are():
    alt = by_context("relationship-with-your-baby/er-gp/alt")[0]
    assert "read aloud by screen readers" in " ".join(alt.auto_comments)
    row = by_context("relationship-with-your-baby/er-gp/text")[0]
    assert "at most 15 words" in " ".join(row.auto_comments)


def test_nhs_111_carries_the_glossary_keep_note_and_its_number():
    nhs_111 = glossary().terms_in("NHS 111")[0]
    assert nhs_111.keep and 'Keep "NHS 111" as written' in nhs_111.note
    holding = [m for m in read(TEMPLATE) if m.id and "NHS 111" in m.id]
    assert len(holding) >= 3
    for message in holding:
        assert nhs_111.note in " ".join(message.auto_comments), message.context
    callout = next(m for m in holding if m.context.endswith("/crying-safety/paragraphs"))
    assert "Keep the phone number 111 exactly as written." in callout.auto_comments


def test_glossary_terms_names_and_phone_numbers():
    text = "Ask your Health visitor or GP, or call NHS 111 on 111; in an emergency 999 or 0800 123 4567."
    words = glossary()
    assert [t.term for t in words.terms_in(text)] == ["health visitor", "GP", "NHS 111"]
    assert words.names_to_keep(text) == ["NHS 111"]
    assert words.phone_numbers(text) == ["111", "999", "0800 123 4567"]
    assert not next(t for t in words.terms_in(text) if t.term == "health visitor").keep


def test_broken_glossary_names_file_and_line(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("NHS:\n  explain: \"The National Health Service.\"\n  keep: yes\n"
                    "GP:\n  explian: \"A family doctor.\"\n  keep: maybe\n")
    with pytest.raises(InputError) as caught:
        load_glossary(path)
    message = str(caught.value)
    assert f"{path}:5: term 'GP' has no 'explain'" in message
    assert f"{path}:5: unknown field 'explian' in term 'GP'\n    fix: did you mean 'explain'?" in message
    assert f"{path}:6: unknown keep 'maybe' in term 'GP'\n    fix: use one of: yes, no" in message


# -- catalogues: init-po, update-po --

def publish(tree: Path, *args: str) -> None:
    result = run_publish(*args, "--translations", str(tree / "translations"))
    assert result.returncode == 0, result.stderr


def extract_and_update(tree: Path) -> None:
    publish(tree, "extract", "--sources", str(tree / "sources"))
    publish(tree, "update-po")


def test_init_po_writes_a_catalogue_msgfmt_and_translate_toolkit_accept(tmp_path):
    (tmp_path / "translations").mkdir()
    shutil.copy(TEMPLATE, tmp_path / "translations")
    publish(tmp_path, "init-po", "pl")
    path = tmp_path / "translations" / "pl" / "LC_MESSAGES" / "leaflets.po"
    header = path.read_text().split("\n\n")[0]
    for field in ('"Language: pl\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"', '"X-Review-Status: draft\\n"',
                  '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) '
                  '? 1 : 2);\\n"'):
        assert field in header
    msgfmt_check(path)
    store = po.pofile.parsefile(str(path))
    assert store.gettargetlanguage() == "pl" and store.getheaderplural()[0] == "3"
    assert len(units(path)) == len(extracted(TEMPLATE))
    assert entries(path).keys() == entries(TEMPLATE).keys()

    again = run_publish("init-po", "pl", "--translations", str(tmp_path / "translations"))
    assert again.returncode == 1 and "exists already" in again.stderr
    unknown = run_publish("init-po", "zz", "--translations", str(tmp_path / "translations"))
    assert unknown.returncode == 2 and "'zz' is not a language Babel knows" in unknown.stderr
    assert run_publish("init-po").returncode == 2


@pytest.fixture
def translated(tmp_path) -> Path:
    """A copy of the tree with a Polish catalogue in which every text is translated ("PL: " + English)."""
    tree = copy_tree(tmp_path)
    publish(tree, "extract", "--sources", str(tree / "sources"))
    publish(tree, "init-po", "pl")
    path = catalogue(tree)
    store = po.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.hasplural():
            singular, plural = str(unit.source), unit.source.strings[1]
            unit.target = multistring([f"PL: {singular}", f"PL: {plural}", f"PL: {plural}"])
        elif not unit.isheader():
            unit.target = f"PL: {unit.source}"
    path.write_bytes(bytes(store))
    extract_and_update(tree)  # written as msgmerge writes it
    return tree


def catalogue(tree: Path) -> Path:
    return tree / "translations" / "pl" / "LC_MESSAGES" / "leaflets.po"


def test_updating_with_nothing_changed_changes_nothing(translated):
    before = catalogue(translated).read_bytes()
    extract_and_update(translated)
    assert catalogue(translated).read_bytes() == before


def test_a_new_first_list_item_leaves_every_other_entry_as_it_was(translated):
    before = entries(catalogue(translated))
    assert all(string and not fuzzy for string, fuzzy, _, _ in before.values())
    source = translated / "sources" / "relationship-with-your-baby.yaml"
    source.write_text(source.read_text().replace('      - "Giving them the skills',
                                                 '      - "Holding them close"\n      - "Giving them the skills'))
    extract_and_update(translated)
    after = entries(catalogue(translated))
    new = (BENEFITS, "Holding them close")
    assert set(after) == set(before) | {new}
    string, fuzzy, _, _ = after.pop(new)
    assert not string or fuzzy
    assert after == before
    assert not any(unit.isobsolete() for unit in units(catalogue(translated)))
    msgfmt_check(catalogue(translated))


def test_an_edited_sentence_becomes_fuzzy_with_its_old_english(translated):
    before = entries(catalogue(translated))
    source = translated / "sources" / "relationship-with-your-baby.yaml"
    source.write_text(source.read_text().replace(CHANGED, f"{CHANGED} and in others"))
    extract_and_update(translated)
    path = catalogue(translated)
    after = entries(path)
    string, fuzzy, previous, _ = after.pop((BENEFITS, f"{CHANGED} and in others"))
    assert fuzzy and previous == CHANGED and string == f"PL: {CHANGED}"
    assert f'#| msgid "{CHANGED}"' in path.read_text()
    del before[(BENEFITS, CHANGED)]
    assert after == before
    msgfmt_check(path)
    read_back = units(path)
    assert len(read_back) == len(after) + 1 and all(u.source and u.target for u in read_back)
    assert [u.getcontext() for u in read_back if u.isfuzzy()] == [BENEFITS]
