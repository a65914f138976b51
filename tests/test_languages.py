"""Eight languages besides English, every script read back as a reader sees it: a screen reader (the
text of each element, ActualText where present), copy and paste (pdfplumber, which ignores ActualText),
and the page (where lines break, which fonts draw what)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter

import icu
import pdfplumber
import pikepdf
import pytest

from leaflets.bidi import CONTROLS
from leaflets.build import Dirs, Job, decide_all, output_path, plan_of
from leaflets.load import load_layout, load_sources
from leaflets.model import FORMATS
from leaflets.plan import Box, PictureRow, Text

from .conftest import ROOT, run_publish
from .readback import elements, fold, spoken, spoken_text

LANGUAGES = {"en", "pl", "ro", "so", "ur", "ar", "bn", "pa", "zh-Hans"}
READ_ROLES = {"P", "LBody", "H1", "H2", "H3"}
SHAPED = ("bn", "pa", "ar", "ur")
CLOSING = "，。：；！？、」）》”…"
OPENING = "（「《“"


@pytest.fixture(scope="session")
def plans(published) -> dict:
    """The plan of every published leaflet PDF, by its path in the output folder: what the layout composed."""
    dirs = Dirs(out=published.out)
    sources = load_sources(dirs.sources)
    layouts = [load_layout(dirs.layouts / f"{name}.yaml") for name in FORMATS]
    layouts += [load_layout(dirs.layouts / f"{layout.name}.yaml", size) for layout in layouts
                for size in layout.also_sizes]
    decided, errors = decide_all(dirs, sources.leaflets, [], False)
    assert not errors
    return {output_path(job, dirs).relative_to(dirs.out).as_posix(): plan_of(job, sources.pictures)[0]
            for decision, langs in decided if decision.publish
            for job in (Job(decision, layout, langs) for layout in layouts)}


def composed(plan) -> list[Text]:
    """Each text the plan draws, in reading order."""
    out = []
    for item in plan.items:
        out += item.items if isinstance(item, Box) else (item.text,) if isinstance(item, PictureRow) else \
            (item,) if isinstance(item, Text) else ()
    return out


def plain(text: str) -> str:
    """Markup is already gone from a plan's text; bidi controls steer the order and are not read."""
    return fold("".join(c for c in text if c not in CONTROLS))


# --- what make publishes ---------------------------------------------------------------------

def test_every_leaflet_in_every_language_and_format(published):
    leaflets = published.leaflets(lang=None)
    # 3 formats, and large print also at 24 and 28 pt (layouts/large-print.yaml)
    assert len(leaflets) == 2 * (3 + 2) * 9 == 90
    assert {e["lang"] for e in leaflets} == LANGUAGES
    for entry in leaflets:
        # The translations are the project's own drafts until a professional reviews them.
        assert entry["draft"] is (entry["lang"] != "en"), entry["path"]


def test_status_shows_every_language_complete():
    result = subprocess.run([sys.executable, str(ROOT / "publish.py"), "status", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {r["lang"] for r in report} == LANGUAGES - {"en"}
    for lang in report:
        assert lang["review"] == "draft" and not lang["error"]
        assert [f for f in lang["findings"] if f["severity"] == "error"] == [], lang["lang"]
        for leaflet in lang["leaflets"]:
            assert leaflet["translated"] == leaflet["messages"] and leaflet["fuzzy"] == 0, (lang["lang"], leaflet)


def test_a_draft_says_so_on_its_first_page(published):
    for entry in published.leaflets(lang=None):
        if entry["lang"] == "en":
            continue
        with pdfplumber.open(published.path(entry)) as pdf:
            assert "Draft translation: not yet checked" in pdf.pages[0].extract_text(), entry["path"]


# --- a screen reader ----------------------------------------------------------------------------

def test_a_screen_reader_gets_the_composed_text(published, plans):
    """For every P, LBody and H1-H3: ActualText where present, else the glyphs' text, equals the text
    the layout composed from the catalogue."""
    for entry in published.leaflets(lang=None):
        path = published.path(entry)
        pages = spoken(path)
        got = [(e.role, plain(spoken_text(e, pages))) for e in elements(path) if e.role in READ_ROLES]
        want = [(t.path[-1].role, plain(t.plain)) for t in composed(plans[entry["path"]])
                if t.path[-1].role in READ_ROLES]
        assert got == want, entry["path"]


def test_document_and_part_languages(published, plans):
    for entry in published.leaflets(lang=None):
        path = published.path(entry)
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == entry["lang"]
        tree = [e for e in elements(path) if e.role in READ_ROLES]
        texts = [t for t in composed(plans[entry["path"]]) if t.path[-1].role in READ_ROLES]
        # Each element in another language than the document's (the English draft notice) says so.
        assert [e.lang for e in tree] == [t.path[-1].lang for t in texts], entry["path"]
        if entry["lang"] != "en":
            assert "en" in [e.lang for e in tree]


def test_phrases_in_other_languages_have_their_own_lang(published):
    """Each language's name on the back page in its own; Latin runs inside Chinese, Bengali or Punjabi,
    and the glossary's English names inside Polish, Romanian or Somali, in English."""
    def tagged(path) -> list[tuple[str, str]]:
        return [(lang, text.strip()) for page in spoken(path) for spans in page.langs.values() for lang, text in spans]

    english = tagged(published.out / "en" / "crafting-connections.standard.pdf")
    for name, code in (("polski", "pl"), ("română", "ro"), ("Soomaali", "so"), ("বাংলা", "bn"), ("ਪੰਜਾਬੀ", "pa"),
                       ("العربية", "ar"), ("اردو", "ur")):
        assert (code, name) in english, (code, name, english)
    assert ("zh-Hans", "中文") in english or ("zh-Hans", "中文 (简体)") in english
    for lang in ("zh-Hans", "bn", "pa"):
        found = tagged(published.out / lang / "relationship-with-your-baby.standard.pdf")
        assert ("en", "English") in found, (lang, found)
        assert any(code == "en" and "NHS 111" in text for code, text in found), (lang, found)
    for lang in ("pl", "ro", "so"):
        found = tagged(published.out / lang / "relationship-with-your-baby.standard.pdf")
        assert any(code == "en" and "NHS 111" in text for code, text in found), (lang, found)


# --- the page -----------------------------------------------------------------------------------

def test_no_notdef_and_every_font_embedded(published):
    for entry in published.leaflets(lang=None):
        with pikepdf.open(published.path(entry)) as pdf:
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    assert "/FontFile2" in font.FontDescriptor, entry["path"]
        # pdfplumber reads a glyph with no ToUnicode entry (.notdef, code 0) as "(cid:0)".
        with pdfplumber.open(published.path(entry)) as pdf:
            for page in pdf.pages:
                assert not [c for c in page.chars if c["text"] in ("", "\ufffd") or c["text"].startswith("(cid:")], \
                    entry["path"]


def test_right_to_left_paragraphs_end_flush_right(published):
    """Read from the rendered page (PDFium): each line's ink ends at the frame's right edge, or where a
    list or a box indents it; Nastaliq's swashes may reach a little past it."""
    import pypdfium2 as pdfium
    for entry in published.leaflets(lang=None):
        if entry["lang"] not in ("ar", "ur") or entry["format"] == "easy-read":
            continue
        path = published.path(entry)
        with pikepdf.open(path) as pdf:
            left, bottom, right, top = (float(v) for v in pdf.pages[1].ArtBox)
        image = pdfium.PdfDocument(path)[1].render(scale=2, grayscale=True).to_pil()
        lines = [(start / 2, end / 2) for first, last, start, end in _ink_lines(image)
                 if last / 2 < image.height / 2 - bottom  # lines of the frame, not the page number
                 and last - first > 8]  # not a row of dots below the letters
        flush = [end for _, end in lines if right - 3 < end < right + 8]
        assert len(flush) >= 3, (entry["path"], right, lines)
        # The rest: indented (a list, a box), or English lines, which run left to right from the left edge.
        others = [end for start, end in lines if end not in flush and abs(start - left) > 2]
        assert len({round(e / 8) for e in others}) <= 3, (entry["path"], right, others)


def _ink_lines(image) -> list[tuple[int, int, int, int]]:
    """(first row, last row, leftmost and rightmost dark pixel) of each band of rows that hold ink."""
    pixels, (width, height) = image.load(), image.size
    bands, current = [], None
    for y in range(height):
        dark = [x for x in range(width) if pixels[x, y] < 128]
        if dark:
            current = [y, y, dark[0], dark[-1]] if current is None else \
                [current[0], y, min(current[2], dark[0]), max(current[3], dark[-1])]
        elif current is not None:
            bands.append(tuple(current))
            current = None
    return bands


def test_copy_and_paste_text_is_real_characters(published):
    """pdfplumber ignores ActualText: each glyph's ToUnicode text must be real characters, the same
    (order aside: glyphs are in visual order) as the logical text of its marked content."""
    def mirrored(c: str) -> str:  # a mirrored bracket reads as drawn
        return min(c, icu.Char.charMirror(c))

    for entry in published.leaflets(lang=None):
        if entry["lang"] not in SHAPED:
            continue
        path = published.path(entry)
        pages = spoken(path)
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages):
                text = page.extract_text()
                assert not [c for c in text if 0xE000 <= ord(c) <= 0xF8FF], entry["path"]
                assert not [c for c in text if unicodedata.name(c, "").endswith(
                    ("INITIAL FORM", "MEDIAL FORM", "FINAL FORM", "ISOLATED FORM")) or "LIGATURE" in
                    unicodedata.name(c, "") and 0xFB50 <= ord(c) <= 0xFEFF], entry["path"]
                drawn = Counter(mirrored(ch) for c in page.chars for ch in c["text"]
                                if not ch.isspace() and ch != "\u200b")
                logical = Counter(mirrored(ch) for text in pages[number].texts.values() for ch in text
                                  if not ch.isspace() and ch not in CONTROLS)
                assert drawn == logical, (entry["path"], number + 1, drawn - logical, logical - drawn)


def test_the_same_leaflet_alone_gives_the_same_bytes(published, tmp_path):
    """Glyph codes are per document: a leaflet built alone, in a new process, is byte-identical to the
    same leaflet built in a full build after every other language."""
    for lang, leaflet, fmt in (("bn", "crafting-connections", "standard"), ("ur", "crafting-connections",
                                                                          "easy-read"), ("zh-Hans", "relationship-with-your-baby", "large-print"),
                               ("pa", "crafting-connections", "standard")):
        out = tmp_path / lang
        result = run_publish("build", "--lang", lang, "--leaflet", leaflet, "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        name = f"{lang}/{leaflet}.{fmt}.pdf"
        assert (out / name).read_bytes() == (published.out / name).read_bytes(), name


def test_every_script_on_the_english_back_page(published):
    """With Chinese and Punjabi catalogues present, English still publishes, and its back page draws
    each language's name in its own script, each in a font that has it."""
    path = published.out / "en" / "crafting-connections.standard.pdf"
    pages = spoken(path)
    languages = next(spoken_text(e, pages) for e in elements(path) if spoken_text(e, pages).startswith("Languages:"))
    for name in ("中文", "ਪੰਜਾਬੀ", "বাংলা", "العربية", "اردو", "polski", "română", "Soomaali"):
        assert name.lower() in languages.lower(), name
    with pikepdf.open(path) as pdf:
        fonts = {str(f.BaseFont).split("+")[-1] for p in pdf.pages for f in p.Resources.get("/Font", {}).values()}
    assert {"NotoSansSC-Regular", "NotoSansGurmukhi-Regular"} <= fonts, fonts


# --- Chinese line breaking ------------------------------------------------------------------------

@pytest.mark.parametrize("size", [16, 18, 28, 36])
def test_chinese_lines_break_by_the_rules(tmp_path, size):
    out = tmp_path / "out"
    result = run_publish("build", "--lang", "zh-Hans", "--size", str(size), "--out", str(out))
    assert result.returncode == 0, result.stderr
    checked = 0
    for path in sorted((out / "zh-Hans").glob("*.pdf")):
        pages = spoken(path)
        for element in elements(path):
            lines = [line for p, m in element.marks for line in pages[p].lines.get(m, [])]
            for line, after in zip(lines, lines[1:]):
                checked += 1
                assert after[:1] not in CLOSING, (path.name, line, after)
                assert line.rstrip()[-1:] not in OPENING, (path.name, line, after)
                # Numbers stay whole: "111", "0800 123 4567", "NHS 111".
                assert not (line.rstrip()[-1:].isdigit() and after[:1].isdigit()), (path.name, line, after)
                assert not (line.endswith("NHS ") and after[:1].isdigit()), (path.name, line, after)
            # A line that ends where there is no space gets none at its end: no space between two hanzi.
            joined = "".join(lines)
            assert not [i for i in range(1, len(joined) - 1)
                        if joined[i] == " " and _han(joined[i - 1]) and _han(joined[i + 1])], (path.name, joined)
    assert checked > 100
    check = run_publish("check", "--quiet", *map(str, sorted((out / "zh-Hans").glob("*.pdf"))))
    assert check.returncode == 0, check.stdout  # punctuation stays inside the margin (PDF:14.11.2)


def _han(ch: str) -> bool:
    return icu.Script.getScript(ch).getShortName() == "Hani"


# --- right to left --------------------------------------------------------------------------------

def test_english_fallback_in_an_arabic_leaflet_runs_left_to_right(tmp_path):
    from .test_catalogues import write_catalogue  # one writer of test catalogues
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    from babel.messages.pofile import read_po
    with (ROOT / "translations" / "ar" / "LC_MESSAGES" / "leaflets.po").open("rb") as handle:
        arabic = {m.context: m.string for m in read_po(handle) if m.id}
    left = "crafting-connections/rush-of-love/text"  # untranslated: printed in English
    write_catalogue(translations, "ar", lambda context, english: "" if context == left else arabic[context],
                    headers={"X-Review-Status": "draft"},
                    plurals={c: forms for c, forms in arabic.items() if isinstance(forms, tuple)})
    out = tmp_path / "out"
    result = run_publish("build", "--lang", "ar", "--leaflet", "crafting-connections", "--format", "standard",
                         "--allow-fallback", "--translations", str(translations), "--out", str(out))
    assert result.returncode == 0, result.stderr
    path = out / "ar" / "crafting-connections.standard.pdf"
    pages = spoken(path)
    english = [e for e in elements(path) if e.lang == "en" and e.role == "P"
               and spoken_text(e, pages).startswith("Many of us")]
    assert len(english) == 1
    # Left to right: its lines start at the frame's left edge, and read in their own order.
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[english[0].marks[0][0]]
        left_edge = float(page.artbox[0])
        words = page.extract_words()
        many = next(w for w in words if w["text"] == "Many")
        assert abs(many["x0"] - left_edge) < 1
        of = next(w for w in words if w["text"] == "of" and abs(w["top"] - many["top"]) < 2)
        assert of["x0"] > many["x1"]


def test_bidi_controls_steer_the_order_and_are_never_drawn(tmp_path):
    from leaflets.plan import Elem
    from leaflets.render import paragraph
    from leaflets.styles import make_styles
    layout = load_layout(ROOT / "layouts" / "standard.yaml")
    styles = make_styles(layout, "en")
    # An override (RLO … PDF) sets "abc" right to left; an isolate keeps "(NHS 111)" whole in Arabic.
    item = Text("body", (("x \u202eabc\u202c y \u2067اتصل (NHS 111)\u2069 z", False),), "en", (Elem("p", "P"),))
    para = paragraph(item, styles, layout)
    para.wrap(400, 800)
    assert para.logical_text() == "x abc y اتصل (NHS 111) z"
    drawn = "".join(t for line in para.blPara.lines for f in line.words for t in [getattr(f, "text", "")])
    assert not set(drawn) & CONTROLS
    assert "cba" in drawn  # overridden: drawn right to left
    # Where nothing is shaped (a Polish footer), the controls are left out, never drawn as .notdef.
    from reportlab.platypus import SimpleDocTemplate
    from leaflets.rlparagraph import LeafletParagraph
    from leaflets import fonts
    footer = make_styles(layout, "pl")["footer"]
    assert not footer.shaping
    pdf = tmp_path / "footer.pdf"
    SimpleDocTemplate(str(pdf), invariant=1).build(
        [LeafletParagraph(fonts.to_markup([("Strona \u2068ab\u2069 z 3", False)], "pl"), footer, lang="pl")])
    with pdfplumber.open(pdf) as read:
        assert read.pages[0].extract_text() == "Strona ab z 3"


def test_nastaliq_line_spacing_only_on_lines_that_hold_it(published):
    """Urdu's tall Nastaliq lines get the room they need; English lines in the same leaflet keep the
    ordinary spacing. Read from the content stream: each line's baseline (Tm) and the fonts it uses."""
    path = published.out / "ur" / "crafting-connections.standard.pdf"
    pitches: dict[str, list[float]] = {"nastaliq": [], "latin": []}
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        names = {str(k): str(f.BaseFont) for k, f in page.Resources.Font.items()}
        stack: list[int | None] = []
        lines: dict[int, list[tuple[float, set]]] = {}
        current = ""
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if op == "BDC":
                props = operands[1]
                stack.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None)
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC":
                stack.pop()
            elif op == "Tm" and mcid is not None:
                lines.setdefault(mcid, []).append((float(operands[5]), set()))
            elif op == "Tf":
                current = names[str(operands[0])]
            elif op in ("Tj", "TJ") and mcid is not None and lines.get(mcid):
                lines[mcid][-1][1].add(current)  # a font that draws on this line
        for mcid, found in lines.items():
            for (y, fonts), (y2, fonts2) in zip(found, found[1:]):
                kind = "nastaliq" if any("Nastaliq" in f for f in fonts | fonts2) else "latin"
                pitches[kind].append(round(y - y2, 2))
    assert pitches["latin"] and pitches["nastaliq"], pitches
    assert max(pitches["latin"]) < 1.6 * 12 < min(pitches["nastaliq"]), pitches


# --- the catalogues -------------------------------------------------------------------------------

def test_easy_read_sentences_are_short_in_every_language():
    from leaflets.catalogue import Pair, short_sentences
    long_pl = "To jest bardzo długie zdanie, które ma o wiele za dużo słów, aby dobrze je zrozumieć od razu."
    assert short_sentences(Pair("x/er/text", "A.", long_pl, "pl", easy_read=True))
    assert not short_sentences(Pair("x/er/text", "A.", "To jest krótkie zdanie. To też.", "pl", easy_read=True))
    long_zh = "宝宝出生以后你可能会立刻感到一阵非常强烈而且难以形容的爱意涌上心头然后你会想一直抱着宝宝不放手。"
    assert short_sentences(Pair("x/er/text", "A.", long_zh, "zh-Hans", easy_read=True))
    assert not short_sentences(Pair("x/er/text", "A.", long_zh, "zh-Hans"))  # not an easy read text


def test_a_script_with_no_font_stops_only_its_language(tmp_path):
    from .test_catalogues import write_catalogue
    translations = tmp_path / "translations"
    write_catalogue(translations, "ta", lambda context, english: english, headers={"X-Review-Status": "draft"})
    write_catalogue(translations, "pl", lambda context, english: english, headers={"X-Review-Status": "draft"})
    out = tmp_path / "out"
    result = run_publish("build", "--leaflet", "crafting-connections", "--format", "standard",
                         "--translations", str(translations), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "translations/ta/LC_MESSAGES/leaflets.po" in result.stderr and "Tamil" in result.stderr
    assert "leaflets/fonts.yaml" in result.stderr
    assert (out / "pl" / "crafting-connections.standard.pdf").exists()
    assert (out / "en" / "crafting-connections.standard.pdf").exists()
    assert not (out / "ta").exists()


def test_every_output_passes_pdfua(published):
    files = [str(published.path(e)) for e in published.manifest if e.get("tagged") is not False]  # not imposed
    result = subprocess.run([sys.executable, "-m", "pdfua", "check", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("result: PASS") == len(files)
