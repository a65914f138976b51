"""Bad input never breaks a publish. An alias bomb, bytes that are not text, a control character or a text
over the limit, in a source, a layout, a pack or a catalogue, is refused quickly, in little memory, with the
file, the line and a fix; everything else is still published. Random text, through a source and through a
catalogue, either publishes a PDF that passes our own check or is refused so."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflets.build import Dirs, build_leaflets
from leaflets.check import check_pdf
from leaflets.reader import MAX_TEXT_CHARS, InputError, compose

from .conftest import ROOT, run_publish
from .test_catalogues import english, msgid_line, prefixed, write_catalogue
from .test_inputs import MESSAGE_RE

LEAFLET = "crafting-connections"
OTHER = "relationship-with-your-baby"
CONTEXT = f"{LEAFLET}/rush-of-love/text"
EXAMPLES = settings(max_examples=50, derandomize=True, deadline=None)


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text: what does not print is written as a \\U escape."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08X}" for c in text) + '"'


def set_paragraph(sources: Path, quoted: str) -> int:
    """Write the text of the 'rush-of-love' paragraph as `quoted` (YAML); the line it is on."""
    path = sources / f"{LEAFLET}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index("  - id: rush-of-love") + 2  # then 'type: paragraph', then 'text: ...' on one line
    assert lines[index].startswith("    text: ")
    lines[index] = f"    text: {quoted}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def build(dirs: Dirs, lang: str = "en"):
    return build_leaflets(dirs, [LEAFLET], [lang], ["standard"])


def assert_refused_clearly(errors: list[str]) -> None:
    """Each error is 'file:line: what' then '    fix: …', and no traceback."""
    for error in errors:
        assert MESSAGE_RE.match(error) or re.match(r"^\S+\.po:\d+: .+\n    fix: .+", error), error
        assert "Traceback" not in error


def assert_passes_check(pdf: Path) -> None:
    findings = check_pdf(pdf.read_bytes())
    assert not [f for f in findings if f.severity == "error"], findings


def assert_published_and_clean(out: Path, entries: list[dict], lang: str = "en") -> None:
    assert [e["path"] for e in entries] == [f"{lang}/{LEAFLET}.standard.pdf"]
    assert_passes_check(out / entries[0]["path"])


@pytest.fixture
def empty_translations(tmp_path) -> Path:
    path = tmp_path / "translations"
    path.mkdir()
    return path


# --- alias bombs: refused in under 2 s and 200 MB ---------------------------------------------

def alias_bomb(field: str) -> str:
    """A 150 KB file that the reader would walk as 20,000 mappings of 1,000 names each (it took gigabytes)."""
    names = ", ".join(f"n{i}: x" for i in range(1000))
    return f"anchor: &m {{id: a, type: paragraph, {names}}}\n{field}: [{', '.join(['*m'] * 20000)}]\n"


# Runs a command; prints its seconds and peak memory (KB): this process runs nothing else.
MEASURE = """
import resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
print(time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)
sys.stderr.write(done.stderr)
"""


def measured(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, str(ROOT / "publish.py"), *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    seconds, kilobytes, code = done.stdout.split()
    return float(seconds), int(kilobytes) / 1024, subprocess.CompletedProcess(args, int(code), "", done.stderr)


def bomb_command(tmp_path: Path, kind: str) -> tuple[Path, list[str]]:
    """Where the bomb goes, and the command that reads it."""
    out = ["--out", str(tmp_path / "out")]
    if kind == "pack":
        return tmp_path / "pack.yaml", ["pack", str(tmp_path / "pack.yaml"), *out]
    if kind == "source":
        (tmp_path / "sources").mkdir()
        shutil.copy(ROOT / "sources" / "pictures.yaml", tmp_path / "sources")
        return tmp_path / "sources" / "bomb.yaml", ["build", "--sources", str(tmp_path / "sources"), *out]
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    return tmp_path / "layouts" / "standard.yaml", ["build", "--layouts", str(tmp_path / "layouts"),
                                                    "--format", "standard", *out]


@pytest.mark.parametrize("kind,field", [("pack", "items"), ("source", "blocks"), ("layout", "scale")])
def test_an_alias_bomb_is_refused_fast_and_small(tmp_path, kind, field):
    path, command = bomb_command(tmp_path, kind)
    path.write_text(alias_bomb(field), encoding="utf-8")
    seconds, megabytes, result = measured(*command)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"error: {path}:2: YAML aliases (*m) are not allowed\n    fix: write the value out" in result.stderr
    assert seconds < 2 and megabytes < 200, (seconds, megabytes)


def test_nested_aliases_are_refused_before_they_expand(tmp_path):
    """The billion laughs: nine levels of nine aliases each."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        compose(path, "")
    assert str(caught.value).startswith(f"{path}:2: YAML aliases (*lol0) are not allowed")


@pytest.mark.parametrize("content,what", [
    ("x" * 1_000_001, "the file is over 1,000,000 bytes"),
    ("a: " + "[" * 200 + "]" * 200, "lists and mappings are nested more than 50 deep"),
    ("a: \xe9t\xe9\n".encode("latin-1"), "byte 0xE9 is not UTF-8 text"),
], ids=["huge", "deep", "latin-1"])
def test_a_file_that_cannot_be_read_safely_is_refused(tmp_path, content, what):
    path = tmp_path / "file.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as caught:
        compose(path, "")
    assert f"{path}:1: {what}\n    fix: " in str(caught.value)


# --- bytes and characters that are not text ---------------------------------------------------

def test_a_nul_escape_in_a_text_is_refused_at_the_texts_line(sources_copy, tmp_path, empty_translations):
    line = set_paragraph(sources_copy, '"Many of us\\0 will"')
    result = run_publish("build", "--sources", str(sources_copy), "--translations", str(empty_translations),
                         "--out", str(tmp_path / "out"), "--format", "standard")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (f"error: {sources_copy / LEAFLET}.yaml:{line}: a control character (U+0000) in 'text' in block "
            f"'rush-of-love'\n    fix: remove it") in result.stderr
    assert (tmp_path / "out" / "en" / f"{OTHER}.standard.pdf").exists()
    assert not (tmp_path / "out" / "en" / f"{LEAFLET}.standard.pdf").exists()


def test_a_raw_nul_byte_names_the_file_and_the_others_are_published(sources_copy, tmp_path, empty_translations):
    line = set_paragraph(sources_copy, '"Many of us\0 will"')
    result = run_publish("build", "--sources", str(sources_copy), "--translations", str(empty_translations),
                         "--out", str(tmp_path / "out"), "--format", "standard")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (f"error: {sources_copy / LEAFLET}.yaml:{line}: a control character (U+0000) is in the file, "
            "where YAML allows none\n    fix: delete it") in result.stderr
    assert (tmp_path / "out" / "en" / f"{OTHER}.standard.pdf").exists()
    assert not (tmp_path / "out" / "en" / f"{LEAFLET}.standard.pdf").exists()


@pytest.mark.parametrize("escape,what", [
    ("\\udc80", "a lone surrogate (U+DC80)"),
    ("\\x86", "a control character (U+0086)"),
    ("\\u009F", "a control character (U+009F)"),
    ("\\a", "a control character (U+0007)"),
    ("\\uFFFE", "a noncharacter (U+FFFE)"),
    ("\\uFEFF", "a byte order mark (U+FEFF)"),
    ("\\U0001F600", "no font for 'en' draws '\U0001F600' (U+1F600)"),
], ids=["surrogate", "c1", "c1-last", "bell", "fffe", "bom", "no-font"])
def test_a_character_that_cannot_be_printed_is_refused_at_the_texts_line(
        sources_copy, tmp_path, empty_translations, escape, what):
    line = set_paragraph(sources_copy, f'"Many of us{escape} will"')
    result = build(Dirs(sources=sources_copy, translations=empty_translations, out=tmp_path / "out"))
    assert len(result.errors) == 1 and result.errors[0].startswith(
        f"{sources_copy / LEAFLET}.yaml:{line}: {what} in 'text' in block 'rush-of-love'\n    fix: "), result.errors
    assert_refused_clearly(result.errors)
    assert not result.entries


FORMAT_CHARACTERS = "\u202aLTR\u202c \u202bRTL\u202c \u202dover\u202c \u202eover\u202c \u2066i\u2069 \u2067r\u2069 " \
                    "\u2068f\u2069 ZW\u200dJ ZW\u200cNJ"


def test_bidi_marks_and_joiners_are_text(sources_copy, tmp_path, empty_translations):
    set_paragraph(sources_copy, yaml_quoted(f"Many of us {FORMAT_CHARACTERS} will."))
    out = tmp_path / "out"
    result = build(Dirs(sources=sources_copy, translations=empty_translations, out=out))
    assert not result.errors
    assert_published_and_clean(out, result.entries)


# --- the text limit ---------------------------------------------------------------------------

def test_a_text_at_the_limit_publishes_and_one_over_it_is_refused(sources_copy, tmp_path, empty_translations):
    at_limit = ("word " * MAX_TEXT_CHARS)[:MAX_TEXT_CHARS - 1] + "."
    assert len(at_limit) == MAX_TEXT_CHARS == 5_000
    set_paragraph(sources_copy, f'"{at_limit}"')
    out, dirs = tmp_path / "out", Dirs(sources=sources_copy, translations=empty_translations, out=tmp_path / "out")
    result = build(dirs)
    assert not result.errors
    assert_published_and_clean(out, result.entries)

    line = set_paragraph(sources_copy, f'"{"word " * 20_000}"')  # 100 KB
    result = build(dirs)
    assert result.errors == [f"{sources_copy / LEAFLET}.yaml:{line}: more than 5,000 characters (99,999) in 'text' "
                             "in block 'rush-of-love'\n    fix: split it into paragraphs"]


# --- catalogues: the same rules, at the .po line; other languages published -------------------

@pytest.mark.parametrize("mistake,what", [
    (lambda en: en + " \x07", "a control character (U+0007)"),
    (lambda en: en + " \x9b", "a control character (U+009B)"),
    (lambda en: (en + " ") * 20, "more than 5,000 characters"),
], ids=["bell", "c1", "too-long"])
def test_a_catalogue_text_that_is_not_text_or_too_long_is_refused_at_its_line(tmp_path, sources, mistake, what):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "de", prefixed("DE: "))
    po = write_catalogue(translations, "pl", lambda c, en: mistake(en) if c == CONTEXT else en)
    result = build_leaflets(Dirs(translations=translations, out=out), [LEAFLET], ["de", "pl"], ["standard"])
    assert len(result.errors) == 1 and result.errors[0].startswith(
        f"{po}:{msgid_line(po, CONTEXT, english(sources, CONTEXT))}: msgctxt \"{CONTEXT}\": {what}"), result.errors
    assert_refused_clearly(result.errors)
    assert [e["path"] for e in result.entries] == [f"de/{LEAFLET}.standard.pdf"]


def test_bidi_marks_and_joiners_are_text_in_a_catalogue(tmp_path):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "pl", lambda c, en: f"{en} {FORMAT_CHARACTERS}" if c == CONTEXT else en)
    result = build(Dirs(translations=translations, out=out), "pl")
    assert not result.errors
    assert_published_and_clean(out, result.entries, "pl")


# --- random text: published and clean, or refused with the line and a fix ---------------------

# Text that prints, however odd; and what is refused: unbalanced bold, characters that are not text or that no
# font draws, any character at all.
PRINTS = ["**bold**", "{", "}", "{name}", "<b>", "&amp;", "&", "<", "\\", '"', "\t", "\n", "\u00ad", "\u2028",
          "\u202e", "\u2066", "\u2069", "\u200d", "\u200c", "\u0301", "\u0308"]
REFUSED = ["**", "\0", "\x07", "\x1b", "\x7f", "\x86", "\ufffe", "\ufeff", "😀", "👩\u200d👧"]
words = st.text(st.characters(codec="latin-1", categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=40)
long_word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=30, max_size=400)
printing = st.one_of(words, words, st.sampled_from(PRINTS), long_word)
anything = st.one_of(printing, st.sampled_from(REFUSED), st.text(st.characters(codec="utf-8"), min_size=1, max_size=3))


def texts(piece: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Half text that prints, to be published and checked; half anything."""
    return st.one_of(st.lists(printing, min_size=1, max_size=10), st.lists(piece, min_size=1, max_size=10)) \
        .map("".join)


catalogue_texts = texts(anything)
source_texts = texts(st.one_of(anything, st.sampled_from(["\udc80", "\ud83d"])))  # a .po file cannot hold these


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Dirs:
    """One copy of the sources, no catalogue, and one output folder, for every example."""
    base = tmp_path_factory.mktemp("random-source")
    shutil.copytree(ROOT / "sources", base / "sources")
    (base / "translations").mkdir()
    return Dirs(sources=base / "sources", translations=base / "translations", out=base / "out")


@pytest.fixture(scope="module")
def shared_catalogue(tmp_path_factory) -> Dirs:
    """The project's sources, a folder for a Polish catalogue and one output folder, for every example."""
    base = tmp_path_factory.mktemp("random-catalogue")
    return Dirs(translations=base / "translations", out=base / "out")


@EXAMPLES
@given(text=source_texts)
def test_random_text_in_a_source(shared, text):
    set_paragraph(shared.sources, yaml_quoted(text))
    result = build(shared)
    if result.errors:
        assert_refused_clearly(result.errors)
        assert not result.entries
    else:
        assert_published_and_clean(shared.out, result.entries)


@settings(EXAMPLES, max_examples=4)
@given(text=source_texts)
def test_random_text_in_a_source_through_the_command_line(shared, text):
    set_paragraph(shared.sources, yaml_quoted(text))
    result = run_publish("build", "--sources", str(shared.sources), "--translations", str(shared.translations),
                         "--out", str(shared.out), "--leaflet", LEAFLET, "--format", "standard", "--lang", "en")
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode:
        assert result.returncode == 1
        assert MESSAGE_RE.search(result.stderr), result.stderr
    else:
        assert_passes_check(shared.out / "en" / f"{LEAFLET}.standard.pdf")


@EXAMPLES
@given(text=catalogue_texts.filter(str.split))  # a blank translation is untranslated: withheld, not refused
def test_random_text_in_a_catalogue(shared_catalogue, text):
    write_catalogue(shared_catalogue.translations, "pl", lambda c, en: text if c == CONTEXT else en)
    result = build(shared_catalogue, "pl")
    if result.errors:
        assert_refused_clearly(result.errors)
        assert not result.entries
    else:
        assert_published_and_clean(shared_catalogue.out, result.entries, "pl")
