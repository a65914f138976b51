"""Nothing past the margin: a word wider than its column (a web address, a long compound) is broken inside
it, after the address's own punctuation or, as a last resort, between two characters, with no hyphen
added and no space in what a reader gets; `publish.py check` fails text drawn outside a page's frame."""
from __future__ import annotations

import io
import re
import shutil
from itertools import accumulate
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from leaflets import fonts, rlbreak
from leaflets.build import Dirs, decide, doc_info
from leaflets.catalogue import catalogue
from leaflets.check import check_pdf
from leaflets.layout import Context, lay_out
from leaflets.load import load_layout, load_sources
from leaflets.rlparagraph import LeafletParagraph
from leaflets.render import render

from .conftest import ROOT, run_publish
from .readback import element_text, elements, pdfium_tree, read_pages
from .test_rlfixes import build, drawn_chars, style

URL = "https://www.lullabytrust.org.uk/safer-sleep-advice/sleeping-bags-and-blankets/"
WORD = "Lullaby" * 10  # 70 letters
EDITS = {  # in sources/crafting-connections.yaml: a paragraph, a list item, an easy-read row
    "to help with this process.\"": f"to help with this process. Safer sleep: {URL} has more.\"",
    "and ask for support.\"": f"and ask for support. Read {URL} about safer sleep.\"",
    "take it all in.\"": f"take it all in. Sing: {WORD}.\"",
}
PDFS = {"large-print": "large-print", "easy-read": "easy-read", "standard": "standard",
        "large-print 36 pt": "large-print-36pt"}
TOLERANCE = 1.0  # pt, as the checker's


@pytest.fixture(scope="module")
def long_sources(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("long-words") / "sources"
    shutil.copytree(ROOT / "sources", folder)
    source = folder / "crafting-connections.yaml"
    text = source.read_text(encoding="utf-8")
    for old, new in EDITS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    source.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(long_sources) -> dict[str, Path]:
    out = long_sources.parent / "out"
    for size in ([], ["--size", "36"]):
        done = run_publish("build", "--sources", str(long_sources), "--out", str(out), "--lang", "en",
                           "--leaflet", "crafting-connections", *size)
        assert done.returncode == 0, done.stdout + done.stderr
    return {name: out / "en" / f"crafting-connections.{stem}.pdf" for name, stem in PDFS.items()}


def page_texts(path: Path) -> str:
    """The text of every page, its lines apart, without the page numbers (artifacts): a word broken over
    two pages reads on."""
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.filter(lambda obj: obj.get("tag") != "Artifact").extract_text() for page in pdf.pages)


def found_across_lines(word: str, text: str) -> list[str]:
    """Each place `word` is drawn, with a line break (\\n) wherever it is broken."""
    return re.findall("\n?".join(map(re.escape, word)), text)


# --- the published leaflets ----------------------------------------------------------------

@pytest.mark.parametrize("name", PDFS)
def test_every_character_is_inside_the_frame(built, name):
    """The frame is each page's /ArtBox; only the page numbers (artifacts) sit in the margin."""
    with pdfplumber.open(built[name]) as pdf:
        for page in pdf.pages:
            left, top, right, bottom = page.artbox
            assert (right - left, bottom - top) != (page.width, page.height)  # the frame, not the page
            outside = [c for c in page.chars if not c["text"].isspace() and not (
                left - TOLERANCE <= c["x0"] and c["x1"] <= right + TOLERANCE and
                top - TOLERANCE <= c["top"] and c["bottom"] <= bottom + TOLERANCE)]
            assert outside and {c["tag"] for c in outside} == {"Artifact"}, \
                [(page.page_number, c["text"], c["x1"]) for c in outside if c["tag"] != "Artifact"][:5]


@pytest.mark.parametrize("name", ["large-print", "standard", "large-print 36 pt"])
def test_the_address_breaks_only_after_its_punctuation(built, name):
    drawn = found_across_lines(URL, page_texts(built[name]))
    assert len(drawn) == 2  # the paragraph and the list item
    assert all("\n" in place for place in drawn)  # wider than the column: broken
    for place in drawn:
        assert place.replace("\n", "") == URL  # no hyphen, no space added
        for i in (m.start() for m in re.finditer("\n", place)):
            assert place[i - 1] in rlbreak.BREAK_AFTER and place[i + 1] not in rlbreak.BREAK_AFTER, place


def test_a_long_word_breaks_between_letters_without_a_hyphen(built):
    drawn = found_across_lines(WORD, page_texts(built["easy-read"]))
    assert len(drawn) == 1 and drawn[0].count("\n") >= 1 and drawn[0].replace("\n", "") == WORD


@pytest.mark.parametrize("name", ["large-print", "large-print 36 pt"])
def test_a_reader_gets_the_address_whole(built, name):
    """From the marked content (PDFium, each element's MCIDs) and from the element's /ActualText."""
    path = built[name]
    pages = read_pages(path)
    # PDFium reports a hyphen ending a line as U+0002, one it may drop: the address's own "-" (PDF 14.8.2.2.3:
    # U+002D is a hard hyphen, to be kept). The element's /ActualText has it as it is.
    texts = [element_text(e, pages).replace("\x02", "-") for e in elements(path)]
    holding = [t for t in texts if "lullabytrust" in t]
    assert len(holding) == 2 and all(URL in t for t in holding), holding
    actual = {e.actual_text for i in range(len(pages)) for e in pdfium_tree(path, i) if "lullabytrust" in e.actual_text}
    assert len(actual) == 2 and all(f" {URL} " in t for t in actual), actual
    assert any(t.endswith(f"with this process. Safer sleep: {URL} has more.") for t in actual)


def test_the_easy_read_row_reads_whole(built):
    path = built["easy-read"]
    pages = read_pages(path)
    assert any(f"Sing: {WORD}." in element_text(e, pages) for e in elements(path))
    actual = [e.actual_text for i in range(len(pages)) for e in pdfium_tree(path, i) if WORD in e.actual_text]
    assert actual and all(f"Sing: {WORD}." in t for t in actual)


def test_publish_check_passes(built):
    done = run_publish("check", *map(str, built.values()))
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("PASS  PDF:14.11.2") == len(PDFS)


# --- the frame rule fails text past the margin ----------------------------------------------------

def test_text_drawn_past_the_margin_fails_the_frame_rule():
    """Drawn with ReportLab directly: tagged text past the right margin, page numbers (an artifact) below it."""
    fonts.register_fonts()
    width, height = A5
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=A5, invariant=1, artBox=(40, 50, width - 40, height - 50))
    canv.setFont("AtkinsonHyperlegible", 14)
    canv.addLiteral("/P <</MCID 0>> BDC")
    canv.drawString(40, 500, "Safer sleep:")
    canv.drawString(40, 480, URL)
    canv.addLiteral("EMC")
    canv.addLiteral("/Artifact BMC")
    canv.drawString(width - 110, 20, "Page 1 of 1")
    canv.addLiteral("EMC")
    canv.showPage()
    canv.save()
    found = [f for f in check_pdf(buf.getvalue()) if f.checkpoint == "PDF:14.11.2"]
    assert [(f.severity, re.sub(r"\d+\.\d pt", "N pt", f.message)) for f in found] == [
        ("error", "page 1: text \"https://www.lullabytrust.org.uk/safer-s…\" runs N pt past the right edge of the "
                  "page's frame (/ArtBox)")]


def render_leaflet(sources: Path, size: float) -> bytes:
    leaflet = next(leaflet for leaflet in load_sources(sources).leaflets if leaflet.id == "crafting-connections")
    cat = catalogue(Dirs().translations, "en", "en")
    decision = decide(leaflet, cat, allow_fallback=False)
    layout = load_layout(Dirs().layouts / "large-print.yaml", size)
    plan = lay_out(leaflet, layout, cat, Context(decision.draft, ("en",), source_lang="en"))
    return render(plan, doc_info(leaflet, layout, decision.draft)).pdf


def test_the_frame_rule_fails_a_leaflet_whose_words_are_not_broken(long_sources, monkeypatch):
    assert not [f for f in check_pdf(render_leaflet(long_sources, 36)) if f.severity == "error"]
    monkeypatch.setattr(rlbreak, "fit_words", lambda frags, limit: None)  # as it was: the words run off the page
    found = [f for f in check_pdf(render_leaflet(long_sources, 36)) if f.severity == "error"]
    assert {f.checkpoint for f in found} == {"PDF:14.11.2"} and len(found) == 2
    assert all("\"https://www.lullabytrust.org.uk/safer-s…\" runs" in f.message for f in found)


# --- the paragraph ---------------------------------------------------------------------------------

def en_style(size: float = 36) -> ParagraphStyle:
    return ParagraphStyle("en-big", parent=style("en"), fontSize=size, leading=size * 1.4, splitLongWords=0)


def test_words_that_fit_are_never_broken():
    text = "Talk to your baby, sing to them and read them a story: https://www.nhs.uk/start4life is a good start."
    para = LeafletParagraph(text, en_style(18))
    para.wrap(300, 1e6)
    assert para.broken_words() == [] and para.blPara.kind == 0  # ReportLab's own lines, untouched
    assert "".join(para.line_texts()) == text


def test_a_broken_address_keeps_its_line_end_spaces_outside_it():
    text = f"See {URL} today."
    para = LeafletParagraph(text, en_style())
    para.wrap(480, 1e6)
    assert para.line_texts() == ["See ", "https://www.lullabytrust.org.", "uk/safer-sleep-advice/",
                                 "sleeping-bags-and-blankets/ ", "today."]
    assert para.broken_words() == [URL]
    assert all(line.extraSpace >= 0 for line in para.blPara.lines)
    assert drawn_chars(build([LeafletParagraph(text, en_style())])) == text  # what a reader extracts


def test_split_over_pages_inside_a_broken_word_reads_whole():
    text = f"See {URL} today."
    whole = LeafletParagraph(text, en_style())
    whole.wrap(480, 1e6)
    para = LeafletParagraph(text, en_style())
    para.wrap(480, 1e6)
    first, rest = para.split(480, 2.5 * en_style().leading)  # two lines: "See ", then the address's first piece
    first.wrap(480, 1e6)
    rest.wrap(480, 1e6)
    assert first.line_texts() == ["See ", "https://www.lullabytrust.org."]
    assert first.logical_text() + rest.logical_text() == whole.logical_text() == text


SHAPED = {  # a very long word in each shaped script, between two short ones
    "ar": ("كلمة", "والمستشفيات" * 8, "أخرى"),
    "bn": ("শব্দ", "ক্ষমাপ্রার্থী" * 7, "শেষ"),
    "ur": ("لفظ", "ہسپتالوں" * 10, "آخر"),
}


@pytest.mark.parametrize("lang", SHAPED)
def test_a_long_shaped_word_breaks_between_grapheme_clusters(lang):
    before, word, after = SHAPED[lang]
    text = f"{before} {word} {after}"
    para = LeafletParagraph(fonts.to_markup([(text, False)], lang), style(lang), lang=lang)
    para.wrap(200, 1e6)
    lines = para.line_texts()
    assert lines[0] == f"{before} " and "".join(lines) == text and para.broken_words() == [word]
    assert all(line.extraSpace >= -1e-6 for line in para.blPara.lines)  # every line inside the column
    cuts = list(accumulate(map(len, lines[1:-1]), initial=len(before) + 1))[1:]  # where each line in the word ends
    assert cuts and set(cuts) <= rlbreak._graphemes(text), cuts
    # The glyphs are those of the word shaped whole (joining forms kept), only cut: no piece is shaped again.
    pieces = [w for w in para.frags if any(f.logicalText == word for f, _ in w[1:])]
    glyphs = [str(t) for w in (reversed(pieces) if fonts.is_rtl(lang) else pieces) for _, t in w[1:]]
    assert "".join(glyphs) == str(next(f.shapedText for f, _ in pieces[0][1:]))


def test_bug_split_long_words_cuts_anywhere_and_drops_shaping_upstream():
    """Why splitLongWords stays 0: ReportLab cuts a word after whatever character fills the line, and the
    parts of a shaped word lose their glyph positions (plain str)."""
    fonts.register_fonts()
    para = Paragraph(f"See {URL} today.", ParagraphStyle("rl", parent=en_style(), splitLongWords=1))
    para.wrap(480, 1e6)
    assert [" ".join(words) for _, words in para.blPara.lines] == [
        "See https://www.lullabytrust.or", "g.uk/safer-sleep-advice/sleepi", "ng-bags-and-blankets/ today."]
    word = SHAPED["bn"][1]
    shaped = Paragraph(fonts.to_markup([(word, False)], "bn"), ParagraphStyle("rl-bn", parent=style("bn"),
                                                                               splitLongWords=1))
    shaped.wrap(200, 1e6)
    parts = [f.text for line in shaped.blPara.lines for f in line.words if f.text]
    assert len(parts) > 1 and not any(hasattr(t, "__shapeData__") for t in parts)
