"""Catalogues never break a publish: a mistake is an error naming the .po line, a fuzzy or missing
translation withholds its leaflet (or, if allowed, publishes it as a draft that says so), and the
manifest always lists what is on disk. Catalogues are made from the committed template with Babel."""
from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from babel.messages.pofile import escape, read_po, write_po

from leaflets import markup
from leaflets.build import Dirs, build_leaflets
from leaflets.catalogue import catalogue
from leaflets.check import check_pdf
from leaflets.glossary import glossary
from leaflets.load import load_layout, load_sources
from leaflets.translate import interface, leaflet_ui_messages, messages

from .conftest import ROOT, run_publish
from .readback import element_text, elements, fold, read_pages

POT = ROOT / "translations" / "leaflets.pot"
LEAFLETS = ("crafting-connections", "relationship-with-your-baby")
REVIEWED = {"X-Review-Status": "reviewed", "X-Reviewed-By": "A. Tłumacz"}
FALLBACK = "crafting-connections/rush-of-love/text"  # the text left fuzzy or untranslated
POLISH_NOTICE = "Wersja robocza tłumaczenia: nie sprawdził jej jeszcze zawodowy tłumacz."
ARABIC_NOTICE = "ترجمة أولية: لم يراجعها مترجم محترف بعد."
ENGLISH_NOTICE = interface()["draft"].text

Translate = Callable[[str, str], str]  # (context, English) → the translation


def prefixed(prefix: str, notice: str | None = None) -> Translate:
    """A stand-in translation: the English behind a prefix, so that what fell back shows."""
    return lambda context, english: notice if notice and context == "ui/draft" else f"{prefix}{english}"


def arabic(context: str, english: str) -> str:
    """Arabic words for the English ones; placeholders, numbers, bold markers and the glossary's names kept."""
    if context == "ui/draft":
        return ARABIC_NOTICE
    kept = glossary().names_to_keep(english)
    pattern = "|".join([*map(re.escape, kept), r"\{\w+\}", "[A-Za-z]+"])
    return re.sub(pattern, lambda m: m[0] if m[0] in kept or m[0].startswith("{") else "كلمة", english)


def write_catalogue(translations: Path, folder: str, translate: Translate, *, fuzzy: tuple[str, ...] = (),
                    headers: dict[str, str] = REVIEWED, plurals: dict[str, tuple[str, ...]] | None = None) -> Path:
    """translations/<folder>/LC_MESSAGES/leaflets.po from the template, each text put through translate."""
    with POT.open("rb") as handle:
        cat = read_po(handle, locale=folder)
    for message in cat:
        if not message.id:
            continue
        if isinstance(message.id, str):
            message.string = translate(message.context, message.id)
        else:
            message.string = (plurals or {}).get(message.context) or tuple(
                translate(message.context, message.id[min(i, 1)]) for i in range(cat.num_plurals))
        if message.context in fuzzy:
            message.flags.add("fuzzy")
    out = io.BytesIO()
    write_po(out, cat, width=0)
    # Babel writes only the header fields it knows; ours go before its last one.
    fields = "".join(f'"{name}: {value}\\n"\n' for name, value in headers.items())
    text = out.getvalue().decode("utf-8").replace('"Generated-By:', fields + '"Generated-By:', 1)
    path = translations / folder / "LC_MESSAGES" / "leaflets.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def msgid_line(path: Path, context: str, msgid: str) -> int:
    """The line of a message's msgid (a callout's paragraphs share their context)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1)
                if line == f"msgid {escape(msgid)}" and lines[i - 2] == f'msgctxt "{context}"')


def build(translations: Path, out: Path, *options: str):
    return run_publish("build", "--translations", str(translations), "--out", str(out), "--format", "standard",
                       *options)


def assert_manifest_is_the_disk(out: Path) -> list[dict]:
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in entries} == {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    for entry in entries:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    return entries


def assert_clean(path: Path) -> None:
    assert check_pdf(path.read_bytes()) == [], path


def page_text(path: Path, index: int) -> str:
    pdf = pdfium.PdfDocument(path)
    return fold(pdf[index if index >= 0 else len(pdf) + index].get_textpage().get_text_range())


def english(sources, context: str) -> str:
    leaflet_id, block_id, field = context.split("/")
    block = next(b for b in sources[leaflet_id].blocks if b.id == block_id)
    return getattr(block, field)


# --- a mistake is an error, and stops only what needs it ------------------------------

MISTAKES = [
    # (folder, context, the translation made from the English, what the error says)
    ("pl", "crafting-connections/rush-of-love/text", lambda en: en + " **", "unbalanced '**'"),
    ("ro", "ui/page", lambda en: en.replace("{page}", "{strona}"),
     "{strona} is not a placeholder of the English; {page} is missing"),
    ("so", "relationship-with-your-baby/crying-safety/paragraphs", lambda en: en.replace("111", "112"),
     "the number 111 of the English is missing or changed (the translation has 112)"),
    ("pl", "crafting-connections/rush-of-love/text", lambda en: en + " க", "no font for 'pl' draws 'க' (U+0B95)"),
]


@pytest.mark.parametrize("folder,context,mistake,words", MISTAKES, ids=["bold", "placeholder", "number", "glyph"])
def test_a_mistake_names_its_line_and_refuses_only_what_needs_it(tmp_path, folder, context, mistake, words):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "de", prefixed("DE: "))  # a good language beside it
    changed = []

    def translate(c: str, en: str) -> str:
        if c == context and mistake(en) != en:
            changed.append(en)
            return mistake(en)
        return en
    po = write_catalogue(translations, folder, translate)
    result = build(translations, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    line = msgid_line(po, context, changed[0])
    assert f"error: {po}:{line}: msgctxt \"{context}\": {words}" in result.stderr, result.stderr
    assert "\n    fix: " in result.stderr
    refused = LEAFLETS if context.startswith("ui/") else (context.split("/")[0],)
    for leaflet in LEAFLETS:
        assert (out / "en" / f"{leaflet}.standard.pdf").exists()
        assert (out / "de" / f"{leaflet}.standard.pdf").exists()
        assert (out / folder / f"{leaflet}.standard.pdf").exists() == (leaflet not in refused)
    assert_manifest_is_the_disk(out)


def test_a_broken_file_refuses_its_language_only(tmp_path):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "de", prefixed("DE: "))
    syntax = write_catalogue(translations, "pl", prefixed("PL: "))
    lines = syntax.read_text(encoding="utf-8").splitlines()
    lines.insert(29, "msgstr_oops \"x\"")
    syntax.write_text("\n".join(lines) + "\n", encoding="utf-8")
    latin1 = write_catalogue(translations, "fr", lambda c, en: en.replace("baby", "bébé"))
    data = latin1.read_bytes()
    latin1.write_bytes(data.replace("bébé".encode(), "bébé".encode("latin-1"), 1))
    bad_line = data[:data.index("bébé".encode())].count(b"\n") + 1

    result = build(translations, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"error: {syntax}:30: this is not a valid .po file" in result.stderr
    assert f"error: {latin1}:{bad_line}: byte 0xE9 is not UTF-8" in result.stderr
    assert sorted(p.parent.name for p in out.rglob("*.pdf")) == ["de", "de", "en", "en"]
    assert_manifest_is_the_disk(out)


# --- fuzzy and untranslated: withheld, or published as an honest draft ---------------------

def test_a_fuzzy_text_withholds_its_leaflet_until_a_draft_is_allowed(tmp_path, sources):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE))
    assert build(translations, out).returncode == 0
    earlier = out / "pl" / "crafting-connections.standard.pdf"
    assert earlier.exists()

    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), fuzzy=(FALLBACK,))
    result = build(translations, out)
    assert result.returncode == 0, result.stderr
    leaflet = sources["crafting-connections"]
    count = len({(m.context, m.msgid) for m in [*messages(leaflet), *leaflet_ui_messages()]})
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: crafting-connections in pl: 0 untranslated, 1 fuzzy of {count} messages: not published "
        "(use --allow-fallback to publish a draft)"]
    assert not earlier.exists(), "the earlier PDF is withdrawn"
    assert (out / "pl" / "relationship-with-your-baby.standard.pdf").exists()
    assert "polski" not in page_text(out / "en" / "crafting-connections.standard.pdf", -1)
    assert "Languages: English, polski." in page_text(out / "en" / "relationship-with-your-baby.standard.pdf", -1)
    assert_manifest_is_the_disk(out)
    assert build(translations, out, "--strict").returncode == 1

    assert build(translations, out, "--allow-fallback").returncode == 0
    entry = next(e for e in assert_manifest_is_the_disk(out) if e["path"] == "pl/crafting-connections.standard.pdf")
    assert (entry["draft"], entry["untranslated"], entry["fuzzy"]) == (True, 0, 1)
    first_page = page_text(earlier, 0)
    assert POLISH_NOTICE in first_page and ENGLISH_NOTICE in first_page
    with pikepdf.open(earlier) as pdf:
        assert str(pdf.Root.Lang) == "pl"
    pages = read_pages(earlier)
    tagged_english = [fold(element_text(e, pages)) for e in elements(earlier) if e.lang == "en"]
    assert fold(markup.plain(english(sources, FALLBACK))) in tagged_english
    assert ENGLISH_NOTICE in tagged_english
    assert_clean(earlier)


def test_english_in_an_arabic_draft_is_tagged_and_set_left_to_right(tmp_path, sources):
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "ar", lambda c, en: "" if c == FALLBACK else arabic(c, en))
    result = build(translations, out, "--allow-fallback", "--leaflet", "crafting-connections", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    path = out / "ar" / "crafting-connections.standard.pdf"
    entry = next(e for e in assert_manifest_is_the_disk(out) if e["path"] == "ar/crafting-connections.standard.pdf")
    assert (entry["draft"], entry["untranslated"], entry["fuzzy"]) == (True, 1, 0)
    pages = read_pages(path)
    tagged_english = [fold(element_text(e, pages)) for e in elements(path) if e.lang == "en"]
    paragraph = fold(markup.plain(english(sources, FALLBACK)))
    assert paragraph in tagged_english and ENGLISH_NOTICE in tagged_english

    layout = load_layout(ROOT / "layouts" / "standard.yaml")
    _, right, _, left = layout.margins
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]  # the title, the draft notices, then the untranslated paragraph
        lines = [(line["text"], line["x0"], line["x1"]) for line in first.extract_text_lines()]
        width = first.width
    english_lines = [(text, x0) for text, x0, _ in lines if text[0].isascii() and text[0].isalpha()]
    assert [text.split()[0] for text, _ in english_lines[:3]] == ["Draft", "translator.", "Many"]
    assert all(abs(x0 - left) < 1 for _, x0 in english_lines), "English lines start at the left margin"
    is_arabic = lambda text: any(0x0600 <= ord(c) <= 0x06FF or 0xFB50 <= ord(c) <= 0xFEFF for c in text)  # noqa: E731
    title, _, title_end = lines[0]
    assert is_arabic(title) and abs(title_end - (width - right)) < 1, "the Arabic title is set right to left"
    assert_clean(path)


def test_nothing_translated_is_never_published(tmp_path):
    translations, out = tmp_path / "translations", tmp_path / "out"
    # The interface texts alone are translated: none of a leaflet's own.
    write_catalogue(translations, "pl", lambda c, en: f"PL: {en}" if c.startswith("ui/") else "")
    result = build(translations, out, "--allow-fallback")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and all("not published (nothing of it is translated)" in w for w in warnings)
    assert not (out / "pl").exists()


def test_a_gettext_folder_name_gives_a_bcp47_language(tmp_path):
    translations = tmp_path / "translations"
    write_catalogue(translations, "pt_BR", prefixed("PT: "), headers={})  # complete, not reviewed
    for asked in ("pt_BR", "pt-BR"):
        out = tmp_path / asked
        result = build_leaflets(Dirs(translations=translations, out=out), ["crafting-connections"], [asked],
                                ["standard", "easy-read"])
        assert not result.errors and not result.warnings
        assert [e["path"] for e in result.entries] == ["pt-BR/crafting-connections.standard.pdf",
                                                       "pt-BR/crafting-connections.easy-read.pdf"]
        for entry in result.entries:
            assert entry["lang"] == "pt-BR"
            assert (entry["draft"], entry["untranslated"], entry["fuzzy"]) == (True, 0, 0), "not reviewed: a draft"
            path = out / entry["path"]
            with pikepdf.open(path) as pdf:
                assert str(pdf.Root.Lang) == "pt-BR"
            first_page = page_text(path, 0)
            assert f"PT: {ENGLISH_NOTICE}" in first_page and first_page.count(ENGLISH_NOTICE) == 2
    for entry in result.entries:  # easy read too: a picture beside each notice
        assert_clean(out / entry["path"])


def test_plural_forms_follow_the_language(tmp_path):
    item = "Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} "
    forms = (item + "egzemplarz.", item + "egzemplarze.", item + "egzemplarzy.")
    write_catalogue(tmp_path, "pl", prefixed("PL: "), plurals={"ui/pack_item": forms})
    cat = catalogue(tmp_path, "pl", "en")
    said = [cat.ui("pack_item", title="T", format="F", language="L", first="3", last="11", copies=n)
            for n in (1, 2, 5, 22)]
    assert said == ["Strony pakietu 3–11: T (F, L). 1 egzemplarz.", "Strony pakietu 3–11: T (F, L). 2 egzemplarze.",
                    "Strony pakietu 3–11: T (F, L). 5 egzemplarzy.", "Strony pakietu 3–11: T (F, L). 22 egzemplarze."]


def messages_of(leaflet_id: str):
    leaflet = next(l for l in load_sources(ROOT / "sources").leaflets if l.id == leaflet_id)
    return messages(leaflet)


def test_a_name_the_glossary_keeps_must_stay(tmp_path):
    """"NHS 111" is a name: a translation that drops or translates it is refused, at its line."""
    translations = tmp_path / "translations"
    context = "relationship-with-your-baby/crying-safety/paragraphs"
    path = write_catalogue(translations, "pl", lambda c, english: "PL: " + english.replace("NHS 111", "linia 111"))
    cat = catalogue(translations, "pl", "en")
    problems = [p for p in cat.coverage(messages_of("relationship-with-your-baby")).problems
                if '"NHS 111" of the English is missing' in p.message]
    assert problems and all(p.where.file == path for p in problems)
    assert any(context in p.message for p in problems)
    # Digits in the script of the language are fine: the name is still there.
    write_catalogue(translations, "ar", lambda c, english: english.replace("111", "١١١"))
    assert not catalogue(translations, "ar", "en").coverage(messages_of("relationship-with-your-baby")).problems


def test_a_pack_in_its_own_language(tmp_path):
    """A pack that names its language gets its contents page in it, with that language's plural forms;
    the job ticket stays in English, for the print shop."""
    translations, out = tmp_path / "translations", tmp_path / "out"
    forms = ("Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} kopia.",
             "Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} kopie.",
             "Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} kopii.")
    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), plurals={"ui/pack_item": forms})
    definition = tmp_path / "pack.yaml"
    definition.write_text("name: polish-clinic\nclinic: Klinika\nlang: pl\nitems:\n"
                          "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 1}\n"
                          "  - {leaflet: crafting-connections, lang: pl, format: standard, copies: 3}\n"
                          "  - {leaflet: relationship-with-your-baby, lang: en, format: standard, copies: 12}\n",
                          encoding="utf-8")
    result = run_publish("pack", str(definition), "--translations", str(translations), "--out", str(out))
    assert result.returncode == 0, result.stderr
    pdf = out / "packs" / "polish-clinic.pdf"
    with pdfplumber.open(pdf) as doc:
        contents = " ".join(doc.pages[0].extract_text().split())
    assert "PL: Clinic pack: Klinika" in contents
    assert "Strony pakietu 3–" in contents and "1 kopia." in contents and "3 kopie." in contents \
        and "12 kopii." in contents
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "pl"
    ticket = (out / "packs" / "polish-clinic.ticket.txt").read_text(encoding="utf-8")
    assert ticket.startswith("Print job: clinic pack 'polish-clinic' for Klinika") and "kopi" not in ticket


def test_numbers_keep_their_value_whatever_the_script_or_separators():
    from leaflets.catalogue import numbers
    assert numbers("4.5 kg, 1,000 ml") == numbers("4,5 kg, 1 000 ml") == numbers("٤٫٥ كغ، ١٬٠٠٠ مل")
    assert numbers("4.5 kg") != numbers("45 kg")  # a dose must not lose its decimal mark
    assert numbers("NHS 111 or 0114 271 7000") == numbers("NHS ১১১ বা 0114 271 7000")


def test_only_a_plural_form_for_one_number_may_leave_out_the_count(tmp_path):
    translations = tmp_path / "translations"
    good = ("Strony pakietu {first}–{last}: {title} ({format}, {language}). Jedna kopia.",
            "Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} kopie.",
            "Strony pakietu {first}–{last}: {title} ({format}, {language}). {copies} kopii.")
    bad = good[:2] + ("Strony pakietu {first}–{last}: {title} ({format}, {language}). kopii.",)  # "many": 5, 6, 7…
    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), plurals={"ui/pack_item": good})
    assert not catalogue(translations, "pl", "en").entries["ui/pack_item", interface()["pack_item"].text].problems
    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), plurals={"ui/pack_item": bad})
    problems = catalogue(translations, "pl", "en").entries["ui/pack_item", interface()["pack_item"].text].problems
    assert problems and "{copies} is missing" in problems[0].message


def test_no_break_spaces_in_a_translation_are_kept(tmp_path):
    translations = tmp_path / "translations"
    write_catalogue(translations, "fr", lambda c, english: english if c.startswith("ui/") else
                    "FR\u202f: " + english.replace(" ", " ", 1))
    cat = catalogue(translations, "fr", "en")
    assert any("FR\u202f:" in entry.forms[0] for entry in cat.entries.values())


def test_withdrawn_and_draft_leaflets_never_go_in_a_pack(tmp_path):
    """A pack holding a leaflet that is withdrawn goes with it; a draft translation is refused in a pack."""
    translations, out = tmp_path / "translations", tmp_path / "out"
    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE))  # complete and reviewed
    definition = tmp_path / "pack.yaml"
    definition.write_text("name: polish-a5\nclinic: Klinika\nitems:\n"
                          "  - {leaflet: crafting-connections, lang: pl, format: standard, copies: 5}\n",
                          encoding="utf-8")
    pack = ["pack", str(definition), "--translations", str(translations), "--out", str(out)]
    assert run_publish(*pack).returncode == 0
    assert (out / "packs" / "polish-a5.pdf").is_file()

    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), fuzzy=(FALLBACK,))
    withheld = build(translations, out)
    assert withheld.returncode == 0, withheld.stderr
    assert not (out / "pl" / "crafting-connections.standard.pdf").exists()
    assert not (out / "packs" / "polish-a5.pdf").exists() and not (out / "packs" / "polish-a5.ticket.txt").exists()
    listed = [e["path"] for e in json.loads((out / "manifest.json").read_text())]
    assert "packs/polish-a5.pdf" not in listed

    write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE), headers={})  # complete, not reviewed
    refused = run_publish(*pack)
    assert refused.returncode == 1 and "is a draft translation, not for printing in bulk" in refused.stderr
    assert f"{definition}:4:" in refused.stderr


def test_a_removed_catalogue_takes_its_pdfs_with_it(tmp_path):
    translations, out = tmp_path / "translations", tmp_path / "out"
    po = write_catalogue(translations, "pl", prefixed("PL: ", POLISH_NOTICE))
    assert build(translations, out).returncode == 0
    assert (out / "pl" / "crafting-connections.standard.pdf").is_file()
    po.unlink()
    assert build(translations, out).returncode == 0
    assert not list((out / "pl").glob("*.pdf"))
    assert all(not e["path"].startswith("pl/") for e in json.loads((out / "manifest.json").read_text()))


def test_a_checked_catalogue_is_kept_and_used_again_only_while_it_holds(tmp_path):
    """Checking a catalogue is most of a small build's time: the project's catalogues are kept as checked,
    under a digest of the file, the glossary and the code, and used again only while that digest holds."""
    from leaflets import catalogcache
    from leaflets.catalogue import catalogue
    translations = ROOT / "translations"
    path = translations / "pl" / "LC_MESSAGES" / "leaflets.po"
    first = catalogue(translations, "pl", "en")
    kept = catalogcache.load(path)
    assert kept is not None and kept[0] == dict(first.entries)
    again = catalogue(translations, "pl", "en")
    assert dict(again.entries) == dict(first.entries) and again.plural(5) == first.plural(5)
    assert (again.reviewed, again.reviewed_by) == (first.reviewed, first.reviewed_by)
    # Another digest (the file, the glossary or the code changed): not used.
    place, _ = catalogcache._place(path)
    stale = json.loads(place.read_text("utf-8"))
    stale["digest"] = "0" * 32
    place.write_text(json.dumps(stale), "utf-8")
    assert catalogcache.load(path) is None
    assert dict(catalogue(translations, "pl", "en").entries) == dict(first.entries)
    # A catalogue outside the project's translations (a test's, a user's --translations) is never kept.
    assert catalogcache._place(tmp_path / "pl" / "LC_MESSAGES" / "leaflets.po") is None
