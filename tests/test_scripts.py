"""Fonts per script, and shaped / right-to-left paragraphs read back from the PDF."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml
from fontTools.ttLib import TTFont as FTFont
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A5, A7
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import SimpleDocTemplate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaflets import fontfiles, fonts  # noqa: E402
from leaflets.rlparagraph import LeafletParagraph  # noqa: E402

FIXTURES = yaml.safe_load((Path(__file__).parent / "fixtures" / "scripts.yaml").read_text("utf-8"))
LANGS = ["en", "bn", "ar", "ur"]


def spans(lang: str) -> list[tuple[str, bool]]:
    return [(t, b) for t, b in FIXTURES[lang]]


def plain(lang: str) -> str:
    return "".join(t for t, _ in spans(lang))


def fold(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def style(lang: str, size: float = 14) -> ParagraphStyle:
    base = fonts.font_name(fonts.base_script(lang), lang, False)
    rtl = fonts.is_rtl(lang)
    return ParagraphStyle(
        lang, fontName=base, bulletFontName=base, fontSize=size,
        leading=fonts.line_height(base, size),
        shaping=1 if fonts.is_shaped(lang) else 0,
        wordWrap="RTL" if rtl else None, alignment=TA_RIGHT if rtl else TA_LEFT, spaceAfter=6)


def para(lang: str, size: float = 14, text_spans: list[tuple[str, bool]] | None = None) -> LeafletParagraph:
    return LeafletParagraph(fonts.to_markup(text_spans or spans(lang), lang), style(lang, size), lang=lang)


def build(story: list, pagesize=A5, margin: float = 36) -> tuple[bytes, list]:
    """Build story; return the PDF and (paragraph part, page index, logical text) per draw."""
    fonts.register_fonts()
    drawn: list = []
    buf = io.BytesIO()

    def on_page(canv, doc):
        pass

    class Recording(SimpleDocTemplate):
        def afterFlowable(self, f):
            if isinstance(f, LeafletParagraph):
                drawn.append((f, self.page - 1, f.logical_text()))

    doc = Recording(buf, pagesize=pagesize, invariant=1, initialFontName="AtkinsonHyperlegible",
                    leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin)
    doc.build(list(story), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue(), drawn


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One A5 page with the four fixture paragraphs."""
    pdf, drawn = build([para(lang) for lang in LANGS])
    path = tmp_path_factory.mktemp("scripts") / "scripts.pdf"
    path.write_bytes(pdf)
    return path, {p.lang: (p, text) for p, _, text in drawn}


def actual_texts(pdf_path: Path) -> list[str]:
    """ActualText of every marked-content sequence, in content order."""
    out = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/ActualText" in operands[1]:
                    out.append(str(operands[1].ActualText))
    return out


def pdfium_text(pdf_path: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf_path))
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


# ------------------------------------------------------------------ fonts.py

def test_script_of():
    assert fonts.script_of("a") == "latin"
    assert fonts.script_of("ş") == "latin"
    assert fonts.script_of("ب") == "arabic"
    assert fonts.script_of("ক") == "bengali"
    assert fonts.script_of("Ж") == "cyrillic"
    assert fonts.script_of("Ω") == "greek"
    for ch in " 1(.,:-،।\u064b":
        assert fonts.script_of(ch) is None, ch
    assert set(fonts.scripts()) >= {"latin", "arabic", "bengali", "cyrillic", "greek", "gurmukhi", "han"}


def test_font_name():
    assert fonts.font_name("latin", "en", False) == "AtkinsonHyperlegible"
    assert fonts.font_name("latin", "en", True) == "AtkinsonHyperlegible-Bold"
    assert fonts.font_name("arabic", "ar", False) == "NotoSansArabic"
    assert fonts.font_name("arabic", "ar", True) == "NotoSansArabic-Bold"
    assert fonts.font_name("arabic", "ur-PK", False) == "NotoNastaliqUrdu"
    assert fonts.font_name("arabic", "ur", True) == "NotoNastaliqUrdu-Bold"
    assert fonts.font_name("bengali", "bn", True) == "HindSiliguri-Bold"
    assert fonts.font_name("cyrillic", "uk", False) == "NotoSans"
    assert fonts.font_name("greek", "el", True) == "NotoSans-Bold"
    assert fonts.font_name("han", "zh-Hans", True) == "NotoSansSC-Bold"
    assert fonts.font_name("gurmukhi", "pa", False) == "NotoSansGurmukhi"
    with pytest.raises(ValueError):
        fonts.font_name("tamil", "ta", False)


def test_language_properties():
    assert fonts.is_rtl("ar") and fonts.is_rtl("ur-PK") and not fonts.is_rtl("bn") and not fonts.is_rtl("en")
    assert fonts.is_shaped("ar") and fonts.is_shaped("ur") and fonts.is_shaped("bn")
    assert not fonts.is_shaped("en") and not fonts.is_shaped("pl")


@pytest.mark.parametrize("lang", LANGS)
def test_runs_are_drawable(lang):
    for bold in (False, True):
        for text, _ in spans(lang):
            rs = fonts.runs(text, lang, bold)
            assert "".join(t for _, t in rs) == text
            for name, chunk in rs:
                cmap = pdfmetrics.getFont(name).face.charToGlyph
                assert all(cmap.get(ord(c)) for c in chunk), (name, chunk)
        assert fonts.missing_glyphs(plain(lang), lang) == []


def test_runs_choose_fonts():
    # Nastaliq has no ASCII digits or brackets: those become Latin runs.
    ur = fonts.runs("تو NHS کو 111 پر (فون)", "ur", False)
    assert ("AtkinsonHyperlegible", "NHS ") in ur and ("AtkinsonHyperlegible", "111 ") in ur
    assert all(t.strip() == "" or not any(c in t for c in "()0123456789") for n, t in ur if n == "NotoNastaliqUrdu")
    # A bracketed Latin name in Arabic stays one Latin run.
    ar = fonts.runs("بالرقم (NHS 111) أو", "ar", True)
    assert ("AtkinsonHyperlegible-Bold", "(NHS 111) ") in ar
    # A word mixing scripts is split into runs.
    assert fonts.runs("NHS-এ", "bn", False) == [("AtkinsonHyperlegible", "NHS-"), ("HindSiliguri", "এ")]
    # Latin letters Atkinson lacks, Cyrillic and Greek: Noto Sans.
    assert fonts.runs("Ǆ Привет Ω", "en", False) == [("NotoSans", "Ǆ Привет Ω")]
    assert fonts.runs("Ștefan Łódź", "ro", False) == [("AtkinsonHyperlegible", "Ștefan Łódź")]


def test_one_font_for_a_whole_text_is_each_characters_font():
    """The whole-text fast path gives the runs the character-by-character choice gives."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    names = "English, Polski, Română, Soomaali, اردو, العربية, বাংলা, ਪੰਜਾਬੀ, 中文 Ǆ Привет Ω ✓ க"
    texts = [t for lang in LANGS for t, _ in spans(lang)] + [names, "", " ", "111", "(NHS 111)", "\u2068ab\u2069"]
    langs = LANGS + ["zh-Hans", "pa", "pl", "vi", "ta"]
    found = 0
    for lang in langs:
        for bold in (False, True):
            for text in texts:
                whole = fonts._one_font(text, lang, bold) if text else None
                if whole is not None:
                    found += 1
                    assert fonts._by_character(text, lang, bold) == [whole] * len(text), (text, lang)
    assert found >= len(langs) * 2 * 3
    assert fonts._one_font(plain("en"), "en", False) == "AtkinsonHyperlegible"
    assert fonts._one_font("你好，世界（111）", "zh-Hans", True) == "NotoSansSC-Bold"
    assert fonts._one_font("NHS-এ", "bn", False) is None  # two scripts
    assert fonts._one_font("in Tiếng Việt", "en", False) is None  # Atkinson lacks ế

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=list(set(names + plain("ur") + plain("bn"))), max_size=20), st.sampled_from(langs),
           st.booleans())
    def check(text, lang, bold):
        whole = fonts._one_font(text, lang, bold) if text else None
        assert whole is None or fonts._by_character(text, lang, bold) == [whole] * len(text)
    check()


def test_markup_is_made_once_per_text():
    first = fonts.to_markup([("Skin to skin", False), ("often", True)], "en")
    assert fonts.to_markup([("Skin to skin", False), ("often", True)], "en") is first
    assert fontfiles.register("AtkinsonHyperlegible") == "AtkinsonHyperlegible"
    assert "AtkinsonHyperlegible" in pdfmetrics.getRegisteredFontNames()


def test_missing_glyphs():
    assert fonts.missing_glyphs("Hello 你好 ✓ கா", "en") == ["✓", "க", "ா"]
    with pytest.raises(ValueError):
        fonts.runs("க", "en", False)


def test_every_script_with_a_font_is_drawable_anywhere():
    names = "English, Polski, Română, Soomaali, اردو, العربية, বাংলা, ਪੰਜਾਬੀ, 中文"
    for lang in ("en", "ar", "ur", "zh-Hans", "pa", "bn"):
        assert fonts.missing_glyphs(names, lang) == []
    assert [f for f, _ in fonts.runs("中文, ਪੰਜਾਬੀ", "en", False)] == ["NotoSansSC", "NotoSansGurmukhi"]


def test_a_languages_text_font_has_all_its_letters():
    # Welsh and Vietnamese letters Atkinson Hyperlegible lacks: the whole text is set in Noto Sans, so
    # no word mixes two typefaces.
    assert fonts.text_family("cy") == fonts.text_family("vi") == "Noto Sans"
    assert fonts.text_family("pl") == fonts.text_family("so") == "Atkinson Hyperlegible"
    assert fonts.runs("Tiếng Việt", "vi", False) == [("NotoSans", "Tiếng Việt")]
    # Inside an English line, a word Atkinson cannot draw whole is set whole in Noto Sans.
    assert fonts.runs("in Tiếng Việt", "en", False) == [("AtkinsonHyperlegible", "in "),
                                                         ("NotoSans", "Tiếng Việt")]
    with pytest.raises(fonts.NoFont):
        fonts.text_family("ta")


def test_to_markup_escapes_text():
    markup = fonts.to_markup([("a < b & <b>c</b> ", False), ("bold", True)], "en")
    assert "<b>" not in markup.replace("&lt;b&gt;", "")
    assert markup == ('<font name="AtkinsonHyperlegible">a &lt; b &amp; &lt;b&gt;c&lt;/b&gt; </font>'
                      '<font name="AtkinsonHyperlegible-Bold">bold</font>')
    p = LeafletParagraph(markup, style("en"))
    assert p.getPlainText() == "a < b & <b>c</b> bold"


def test_line_height():
    assert fonts.line_height("NotoNastaliqUrdu", 10) >= 24
    assert 12 <= fonts.line_height("AtkinsonHyperlegible", 10) < 14


def test_register_fonts_idempotent_and_distinct_postscript_names():
    fonts.register_fonts()
    fonts.register_fonts()
    names = list(fontfiles.table().faces)
    faces = [pdfmetrics.getFont(n).face.name for n in names]
    assert len(set(faces)) == len(faces)


def test_derived_fonts_are_deterministic(tmp_path):
    face = fontfiles.table().faces["NotoSansArabic-Bold"]
    a, b = tmp_path / "a.ttf", tmp_path / "b.ttf"
    fontfiles._derive(face, face.sources(), a)
    fontfiles._derive(face, face.sources(), b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert FTFont(str(a))["name"].getDebugName(6) == "NotoSansArabic-Bold"
    assert "fvar" not in FTFont(str(a))
    assert not list(tmp_path.glob("*.tmp"))


# -------------------------------------------------------------- read back

@pytest.mark.parametrize("lang", ["en", "bn"])
def test_ltr_reads_back_as_logical_text(rendered, lang):
    path, parts = rendered
    p, text = parts[lang]
    assert len(p.blPara.lines) >= 3
    assert fold(text) == fold(plain(lang))
    assert fold(plain(lang)) in fold(pdfium_text(path))


def test_english_keeps_every_space(rendered):
    # Text extractors that join what is drawn (pdfminer's chars, structure
    # readers) keep the words apart at line ends.
    path, parts = rendered
    with pdfplumber.open(path) as pdf:
        chars = "".join(c["text"] for c in pdf.pages[0].chars if c["fontname"].endswith("AtkinsonHyperlegible-Regular"))
    assert plain("en") in chars


@pytest.mark.parametrize("lang", ["bn", "ar", "ur"])
def test_shaped_lines_carry_logical_actualtext(rendered, lang):
    path, parts = rendered
    p, text = parts[lang]
    lines = p.line_texts()
    assert len(lines) >= 2
    assert all(t.endswith(" ") for t in lines[:-1]) and not lines[-1].endswith(" ")
    found = actual_texts(path)
    assert all(t in found for t in lines)
    assert "".join(lines) == text == fold(plain(lang))


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_pdfium_reads_real_characters_rtl(rendered, lang):
    # No private-use code points or presentation forms come back: every
    # character of the logical text, and no other.
    path, _ = rendered
    got = pdfium_text(path)
    assert not re.search("[\ue000-\uf8ff\ufb50-\ufdff\ufe70-\ufeff]", got)
    want = [c for c in plain(lang) if not c.isspace() and c not in "()"]
    for c in set(want):
        assert got.count(c) >= want.count(c), c


@pytest.mark.xfail(strict=True, reason="PDFium (pypdfium2 5.x) reorders right-to-left ActualText as if it "
                                       "were visual order; the ActualText itself is logical (tested above)")
@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_pdfium_rtl_readback_is_logical(rendered, lang):
    path, _ = rendered
    assert fold(plain(lang)) in fold(pdfium_text(path))


def _lines_by_baseline(pdf_path: Path) -> list[list[dict]]:
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
    rows: dict[int, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["bottom"] / 4), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]


def _x(chars: list[dict], text: str) -> float:
    s = "".join(c["text"] for c in chars)
    i = s.index(text)
    return chars[i]["x0"]


@pytest.mark.parametrize("lang,bold_font", [("ar", "NotoSansArabic-Bold"), ("ur", "NotoNastaliqUrdu-Bold")])
def test_rtl_first_word_is_rightmost(rendered, lang, bold_font):
    path, _ = rendered
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    first = [c for c in chars if c["fontname"].endswith(bold_font)]
    top = min(c["top"] for c in first)
    line = [c for c in chars if abs(c["top"] - top) < 8]
    rightmost = max(line, key=lambda c: c["x1"])
    assert rightmost["fontname"].endswith(bold_font)
    # The first word sits at the right margin.
    assert rightmost["x1"] > A5[0] - 36 - 6 - 1  # margin and frame padding


def test_rtl_word_order_of_embedded_latin(rendered):
    path, _ = rendered
    latin = [c for c in _lines_by_baseline(path) if any(ch["fontname"].endswith("Hyperlegible-Regular") for ch in c)]
    texts = ["".join(ch["text"] for ch in line if "Hyperlegible" in ch["fontname"]) for line in latin]
    # Arabic: "(NHS 111)" is one left-to-right run, brackets mirrored around it.
    assert any("(NHS111)" in t for t in texts)  # (spaces not listed)
    # Urdu: "NHS" comes before "111" in reading order, so it is to the right.
    ur_line = next(line for line in latin if any("NastaliqUrdu" in ch["fontname"] for ch in line)
                   and "NHS" in "".join(ch["text"] for ch in line))
    latin_chars = [ch for ch in ur_line if "Hyperlegible" in ch["fontname"]]
    assert _x(latin_chars, "NHS") > _x(latin_chars, "111")


def test_fonts_embedded_and_no_notdef(rendered):
    path, _ = rendered
    assert check_fonts_embedded(path) == 7  # Atkinson x2, Hind, Arabic x2, Nastaliq x2


def check_fonts_embedded(path: Path) -> int:
    """Assert every font is embedded and draws no .notdef; return how many fonts."""
    with pikepdf.open(path) as pdf:
        seen = 0
        for page in pdf.pages:
            used: dict[str, set[int]] = {}
            current = None
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "Tf":
                    current = str(operands[0])
                elif str(op) in ("Tj", "TJ", "'", '"'):
                    strings = operands[0] if str(op) == "TJ" else operands[-1:]
                    for item in strings:
                        if isinstance(item, pikepdf.String):
                            used.setdefault(current, set()).update(bytes(item))
            for name, font in page.Resources.Font.items():
                desc = font.get("/FontDescriptor")
                assert desc is not None and "/FontFile2" in desc, font.BaseFont
                program = FTFont(io.BytesIO(desc.FontFile2.read_bytes()))
                # ReportLab draws a character its font lacks with glyph 0
                # silently; fontTools leaves such codes out of the cmap.
                cmap = {c for table in program["cmap"].tables for c in table.cmap}
                missing = used.get(name, set()) - cmap
                assert not missing, f"{font.BaseFont} draws .notdef for codes {sorted(missing)}"
                seen += 1
        return seen


def test_qpdf_check_is_clean(rendered):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf not installed")
    path, _ = rendered
    out = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No syntax or stream encoding errors" in out.stdout


# ------------------------------------------------------------------- split

def test_split_paragraphs_keep_text_and_language(tmp_path):
    en_long = " ".join([plain("en")] * 6)
    story = [para("ar", 11, spans("ar") * 2), para("bn", 11), para("en", 11, [(en_long, False)])]
    pdf, drawn = build(story, pagesize=A7, margin=10)
    path = tmp_path / "split.pdf"
    path.write_bytes(pdf)
    assert max(page for _, page, _ in drawn) >= 1
    by_lang: dict[str, list[str]] = {}
    for part, _, text in drawn:
        by_lang.setdefault(part.lang, []).append(text)
    assert any(len(v) > 1 for v in by_lang.values())
    for lang, texts in by_lang.items():
        assert all(t.endswith(" ") for t in texts[:-1])
    assert "".join(by_lang["bn"]) == fold(plain("bn"))
    assert "".join(by_lang["ar"]) == fold("".join(t for t, _ in spans("ar") * 2))
    assert len(by_lang["en"]) > 1 and "".join(by_lang["en"]) == en_long
    assert fold(plain("bn")) in fold(pdfium_text(path))
    with pdfplumber.open(path) as pdf_doc:
        drawn_en = "".join(c["text"] for page in pdf_doc.pages for c in page.chars
                           if "Hyperlegible" in c["fontname"])
    assert en_long in drawn_en  # every space kept, across the page break too
    check_fonts_embedded(path)


def test_font_table_mistakes_name_their_line(tmp_path):
    from leaflets.reader import InputError
    table = (fontfiles.TABLE.read_text("utf-8")
             .replace("ur: {arabic: [Noto Nastaliq Urdu]}", "ur: {arabik: [Noto Nastaliq Urdu]}")
             .replace("han: {families: [Noto Sans SC]", "han: {families: [Noto Sans CS]"))
    (tmp_path / "fonts.yaml").write_text(table, "utf-8")
    with pytest.raises(InputError) as found:
        fontfiles.load_table(tmp_path / "fonts.yaml")
    text = str(found.value)
    assert "names 'Noto Sans CS', which 'families' does not define" in text
    assert "names the script 'arabik', which 'scripts' does not list" in text and "did you mean 'arabic'" in text


@pytest.mark.parametrize("name", ["NotoSansGurmukhi", "NotoSansSC", "NotoSans-Bold", "NotoNastaliqUrdu"])
def test_derived_fonts_are_the_same_on_every_machine(tmp_path, name):
    """Each derivation (merge, woff to ttf, bold instance) made twice, a second apart, into two empty caches:
    the same bytes, so a fresh checkout embeds the same fonts (fontTools' merger stamps the time it runs)."""
    face = fontfiles.table().faces[name]
    first = fontfiles.path(face, tmp_path / "one").read_bytes()
    time.sleep(1.1)
    assert fontfiles.path(face, tmp_path / "two").read_bytes() == first
