"""The ReportLab modules (rlfixes, rlcanvas, rlparagraph): the internals they use, each bug they
work around, and their effect."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import io
import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
import reportlab
import yaml
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfgen import textobject
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate
from reportlab.platypus import paragraph as rlpara
from reportlab.platypus.paraparser import ParaFrag
from reportlab.lib import rl_accel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaflets import bidi, fonts, rlcanvas, rlfixes, rlparagraph  # noqa: E402
from leaflets.rlparagraph import LeafletParagraph  # noqa: E402

FIXTURES = yaml.safe_load((Path(__file__).parent / "fixtures" / "scripts.yaml").read_text("utf-8"))
EN = "".join(t for t, _ in FIXTURES["en"])


def style(lang: str, alignment: int | None = None) -> ParagraphStyle:
    base = fonts.font_name(fonts.base_script(lang), lang, False)
    rtl = fonts.is_rtl(lang)
    return ParagraphStyle(lang, fontName=base, bulletFontName=base, fontSize=14,
                          leading=fonts.line_height(base, 14), shaping=1 if fonts.is_shaped(lang) else 0,
                          wordWrap="RTL" if rtl else None,
                          alignment=alignment if alignment is not None else (TA_RIGHT if rtl else TA_LEFT))


def markup(lang: str) -> str:
    return fonts.to_markup([(t, b) for t, b in FIXTURES[lang]], lang)


def build(story: list) -> bytes:
    fonts.register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A5, invariant=1, initialFontName="AtkinsonHyperlegible")
    doc.build(list(story))
    return buf.getvalue()


def drawn_chars(pdf: bytes) -> str:
    """Every drawn character in content order, as a structure reader joins them."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join(c["text"] for page in doc.pages for c in page.chars)


# ------------------------------------------------ internals this module uses

def test_reportlab_internals_unchanged():
    """Fails when ReportLab changes what the fixes lean on: then re-check every fix."""
    assert reportlab.Version == "5.1.0"
    assert hasattr(textobject.PDFTextObject, "_formatText") and hasattr(textobject.PDFTextObject, "_textOut")
    src = inspect.getsource(rlfixes._ORIGINAL_SET_RISE)
    assert "self._code[-1].endswith(' Ts')" in src and "self._rise = rise" in src
    assert {"_HSFrag", "_processed_frags", "_FK_TEXT", "_FK_BREAK", "FragLine", "ParaLines"} <= set(vars(rlpara))
    assert hasattr(Paragraph, "beginText") and hasattr(Paragraph, "drawPara") and hasattr(Paragraph, "breakLines")
    draw_src = inspect.getsource(Paragraph.drawPara)
    assert "line.words = line.words[::-1]" in draw_src and "self.beginText(" in draw_src
    assert "self.__class__(None" in inspect.getsource(Paragraph.split)
    assert "sFW=sFW" in inspect.getsource(Paragraph.breakLines)
    assert "shapeFragWord(_)" in inspect.getsource(Paragraph.breakLines)
    assert "isinstance(w,ShapedFragWord): return w" in inspect.getsource(ttfonts.shapeFragWord)
    assert ttfonts.ShapeData._fields == ("cluster", "x_advance", "y_advance", "x_offset", "y_offset", "width")
    assert callable(ttfonts.makeShapedFragWord) and issubclass(ttfonts.ShapedStr, str)
    assert hasattr(ttfonts.TTFont, "hbFont") and hasattr(ttfonts.TTFont, "pdfScale")
    assert "hbAddPrivate" in inspect.getsource(ttfonts.TTFont.hbFont)
    assert rl_accel.sameFrag is not None
    fonts.register_fonts()
    face = pdfmetrics.getFont("AtkinsonHyperlegible").face
    assert isinstance(face.glyphToChar, dict) and isinstance(face.charWidths, dict)
    assert isinstance(face.charToGlyph, dict)


def test_reportlab_line_breaking_internals_unchanged():
    """Fails when ReportLab changes what LeafletParagraph leans on to break only the lines a page needs."""
    wrap, split, breaks = (inspect.getsource(f) for f in (Paragraph.wrap, Paragraph.split, Paragraph.breakLines))
    # wrap breaks the lines, and its height counts them (autoLeading off)
    assert "blPara = self.breakLines(self._wrapWidths)" in wrap and "height = len(blPara.lines) * leading" in wrap
    # split looks at the lines that fit, and at one more for a widow, and makes the rest from the lines after them
    assert "if not hasattr(self,'blPara'):" in split and "s = int(availHeight/float(l))" in split
    assert "if n<=s:" in split and "if n==s+1: #widow?" in split and "frags=func(blPara,s,n)" in split
    assert "f.words = list(_yieldBLParaWords(blPara,start,stop))" in inspect.getsource(rlpara._split_blParaSimple)
    assert "sFWN = lines[stop].sFW if stop!=len(lines) else len(self.frags)" in \
        inspect.getsource(Paragraph._split_blParaProcessed)
    # one font: a list of words (from the text, or a split part's), each line holding the words themselves
    assert "or _processed_frags(frags) or shaping)):" in breaks and "hasattr(frags[0],'backColor')" in breaks
    assert "text = strip(f.text)" in breaks and "words = split(text)" in breaks and "words = f.words[:]" in breaks
    assert "cLine.append(word)" in breaks and "lines.append((maxWidth - currentWidth, cLine))" in breaks
    # frag words: the list broken, each line's first word by index
    assert "self.frags = FW" in breaks and "sFW = len(FW)-1" in breaks and "aFW(w)" in breaks
    assert "_handleBulletWidth(self.bulletText,style,maxWidths)" in breaks  # narrows the first width in place
    assert callable(rlpara.split) and callable(rlpara.strip)
    assert "self.__dict__.update(attr)" in inspect.getsource(ParaFrag.__init__)  # a frag is its attributes


def test_reportlab_word_breaking_internals_unchanged():
    """Fails when ReportLab changes what rlbreak.py leans on to break a word wider than its column."""
    breaks = inspect.getsource(Paragraph.breakLines)
    # a frag word not followed by a space (a piece of a broken word) joins the next one with nothing between
    assert "spaceWidth = stringWidth(' ',fontName,fontSize) if isinstance(w,_HSFrag) else 0" in breaks
    assert "elif shaping:\n                _words = [shapeFragWord(_) for _ in _words]" in breaks
    fonts.register_fonts()
    para = Paragraph("Skin to skin", style("en"))
    words = rlpara._getFragWords(para.frags, 100)
    assert [type(w) for w in words] == [rlpara._HSFrag, rlpara._HSFrag, list]
    assert [w[1][1] for w in words] == ["Skin", "to", "skin"]
    assert words[0][0] == pdfmetrics.stringWidth("Skin", para.frags[0].fontName, para.frags[0].fontSize)
    assert all(a is b for a, b in zip(rlpara._getFragWords(words, 100), words))  # frag words: kept as they are
    widths = [100.0, 100.0]
    rlpara._handleBulletWidth("1.", style("en"), widths)  # no indent for the bullet: the first line narrows
    assert widths[0] < 100 and widths[1] == 100
    # a shaped string keeps its glyphs' shaping data when sliced; a shaped frag word of any class is one
    assert ttfonts.ShapedStr("ab", shapeData=[1, 2])[1:].__shapeData__ == [2]
    hanging = ttfonts.makeShapedFragWord(rlpara._HSFrag())
    assert issubclass(hanging, rlpara._HSFrag) and issubclass(hanging, ttfonts.ShapedFragWord)


def test_reportlab_canvas_internals_unchanged():
    """Fails when ReportLab changes what rlcanvas.py and rlfixes.registered_face lean on."""
    canvas_src = inspect.getsource(Canvas)
    assert "if len(self._code): self.showPage()" in inspect.getsource(Canvas.save)
    show = inspect.getsource(Canvas.showPage)
    assert "strm =  self._psCommandsBeforePage + [self._preamble] + code" in show
    assert show.rstrip().endswith("self._startPage()") and "self._doc.addPage(page)" in show
    assert "self._restartAccumulators()" in inspect.getsource(Canvas._startPage)
    assert "dest = self._bookmarkReference(key)" in inspect.getsource(Canvas.bookmarkPage)
    assert "def drawText(self, aTextObject):" in canvas_src
    # Pages are named Page1, Page2… as they are added (rlcanvas.page_ref).
    assert '"Page"+repr(self.pageCounter)' in inspect.getsource(pdfdoc.PDFDocument.thisPageName)
    doc = pdfdoc.PDFDocument(invariant=1)
    assert doc.thisPageName() == "Page1" and isinstance(doc.Pages.pages, list)
    # The time stamp: the attributes _FixedTime stands in for.
    assert "self._timeStamp = TimeStamp(" in inspect.getsource(pdfdoc.PDFDocument.__init__)
    stamp = pdfdoc.TimeStamp(1)
    assert {"t", "lt", "YMDhms", "dhh", "dmm", "tzname"} <= set(vars(stamp)) | {"datetime"}
    assert "self.date = ts.YMDhms" in inspect.getsource(pdfdoc.PDFDate._init)
    # Page objects write only the keys listed in __NoDefault__.
    assert isinstance(pdfdoc.PDFPage.__NoDefault__, list)
    assert "for name in self.__NoDefault__" in inspect.getsource(pdfdoc.PDFPage.__init__)
    assert isinstance(pdfmetrics._dynFaceNames, dict)


def _held_pages_pdf(pages: int) -> tuple[bytes, list[tuple[int, int]]]:
    class Numbered(rlcanvas.HeldPagesCanvas):
        seen: list[tuple[int, int]] = []

        def finish_page(self, number, total):
            self.seen.append((number, total))
            self.drawString(72, 40, f"Page {number} of {total}")

        def page_written(self, index, page):
            self.set_page_entries(page, StructParents=index)

    out = io.BytesIO()
    canv = Numbered(out, date=dt.date(2026, 3, 4))
    for i in range(pages):
        canv.drawString(72, 700, f"Body {i + 1}")
        canv.bookmarkPage(f"b{i + 1}", top=700)
        canv.addOutlineEntry(f"Body {i + 1}", f"b{i + 1}")
        canv.showPage()
    canv.save()
    return out.getvalue(), Numbered.seen


def test_held_pages_know_the_page_count(tmp_path):
    pdf, seen = _held_pages_pdf(3)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    doc = pdfium.PdfDocument(pdf)
    assert [doc[i].get_textpage().get_text_range().split("\r\n") for i in range(3)] == \
        [[f"Body {i}", f"Page {i} of 3"] for i in (1, 2, 3)]
    with pikepdf.open(io.BytesIO(pdf)) as read:
        assert [int(p.obj.StructParents) for p in read.pages] == [0, 1, 2]  # keys past __NoDefault__
        assert str(read.docinfo.CreationDate).startswith("D:20260304000000")  # the fixed date
        assert [item.title for item in read.open_outline().root] == ["Body 1", "Body 2", "Body 3"]
        targets = [read.Root.Outlines.First, read.Root.Outlines.First.Next, read.Root.Outlines.Last]
        pages = [p.obj.objgen for p in read.pages]
        assert [pages.index(t.Dest[0].objgen) for t in targets] == [0, 1, 2]  # bookmarks on their own pages
    assert _held_pages_pdf(3)[0] == pdf


def test_page_ref_names_the_page():
    assert rlcanvas.page_ref(0).name == "Page1" and rlcanvas.page_ref(4).name == "Page5"


# ------------------------------------------------------------------ setRise

def _text_object() -> textobject.PDFTextObject:
    fonts.register_fonts()
    return Canvas(io.BytesIO()).beginText(0, 0)


def test_bug_setrise_stale_rise_upstream():
    tx = _text_object()
    rlfixes._ORIGINAL_SET_RISE(tx, 1)
    rlfixes._ORIGINAL_SET_RISE(tx, 3)  # merged into the previous Ts ...
    assert tx._code[-1] == "3 Ts"
    assert tx._rise == 1               # ... but the rise is not recorded
    tx._code = []
    with pytest.raises(IndexError):
        rlfixes._ORIGINAL_SET_RISE(tx, 2)


def test_setrise_fixed():
    rlfixes.install()
    rlfixes.install()  # idempotent
    assert textobject.PDFTextObject.setRise is rlfixes._set_rise
    tx = _text_object()
    y0 = tx._y
    tx.setRise(1)
    tx.setRise(3)
    assert tx._code[-1] == "3 Ts" and tx._code[-2] != "1 Ts"
    assert tx._rise == 3 and tx._y == y0 - 3
    tx.setRise(0)
    assert tx._rise == 0 and tx._y == y0
    tx._code = []
    tx.setRise(2)
    assert tx._code == ["2 Ts"]


# ----------------------------------------------------------- joined words

def test_bug_plain_paragraph_joins_words_at_line_ends():
    text = drawn_chars(build([Paragraph(markup("en"), style("en"))]))
    assert "learnnew" in text.replace("\n", "") or "togetherbabies" in text.replace(":", "")
    assert EN not in text


@pytest.mark.parametrize("alignment", [TA_LEFT, TA_RIGHT, TA_JUSTIFY])
def test_line_end_spaces_kept(alignment):
    assert EN in drawn_chars(build([LeafletParagraph(markup("en"), style("en", alignment))]))


@pytest.mark.parametrize("alignment", [TA_LEFT, TA_RIGHT, TA_JUSTIFY])
def test_line_end_spaces_change_no_pixel(alignment):
    def pixels(cls) -> bytes:
        pdf = build([cls(markup("en"), style("en", alignment)),
                     cls(markup("en") + ' <font name="AtkinsonHyperlegible-Bold">bold</font> end.', style("en", alignment))])
        return pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil().tobytes()
    assert pixels(Paragraph) == pixels(LeafletParagraph)


def test_logical_text():
    p = LeafletParagraph(markup("en"), style("en"))
    with pytest.raises(RuntimeError):
        p.logical_text()
    p.wrap(200, 1000)
    lines = p.line_texts()
    assert len(lines) > 2 and all(t.endswith(" ") for t in lines[:-1])
    assert p.logical_text() == EN


# ------------------------------------------------------- long paragraphs

def long_markup(lang: str, chars: int) -> str:
    """The fixture paragraph again and again, about `chars` long, its runs joined (English: one run)."""
    last_text, last_bold = FIXTURES[lang][-1]
    spans = [*FIXTURES[lang][:-1], (last_text + " ", last_bold)]
    spans *= chars // len("".join(text for text, _ in spans)) + 1
    runs = [("".join(text for text, _ in run), bold) for bold, run in itertools.groupby(spans, key=lambda s: s[1])]
    return fonts.to_markup(runs, lang)


def _lines_broken(cls: type[Paragraph], text: str) -> tuple[int, int]:
    """The lines broken while a paragraph is laid out over pages, and the lines it has."""
    class Counting(cls):
        broken = 0

        def breakLines(self, width):
            bl = super().breakLines(width)
            Counting.broken += len(bl.lines)
            return bl

    whole = cls(text, style("en"))
    whole.wrap(A5[0] - 144, 1e9)  # SimpleDocTemplate's frame: one-inch margins
    build([Counting(text, style("en"))])
    return Counting.broken, len(whole.blPara.lines)


def test_bug_split_paragraph_breaks_all_its_lines_on_every_page_upstream():
    broken, lines = _lines_broken(Paragraph, long_markup("en", 30_000))
    assert lines > 600 and broken > 10 * lines  # each page breaks the rest again: the square of the length


def test_split_paragraph_breaks_only_the_lines_each_page_needs():
    broken, lines = _lines_broken(LeafletParagraph, long_markup("en", 30_000))
    assert lines > 600 and broken < 5 * lines


def test_wrapped_in_little_height_a_paragraph_still_gives_every_line():
    text, width = long_markup("en", 3_000), 300
    whole = LeafletParagraph(text, style("en"))
    whole.wrap(width, 1e6)
    p = LeafletParagraph(text, style("en"))
    p.wrap(width, 50)  # breaks its first lines only
    assert p.line_texts() == whole.line_texts()
    p.wrap(width, 50)
    first, rest = p.split(width, 400)  # more height than it was wrapped in
    first.wrap(width, 400)
    rest.wrap(width, 1e6)
    assert len(first.blPara.lines) == int(400 / style("en").leading)
    assert first.logical_text() + rest.logical_text() == whole.logical_text()


def _long_story(case: str) -> list[LeafletParagraph]:
    en = long_markup("en", 6_000)
    if case == "en":
        return [LeafletParagraph(en, style("en"))]
    if case == "en bold, justified, bullet":
        bold = en.replace("call NHS 111", '<font name="AtkinsonHyperlegible-Bold">call NHS 111</font>')
        listed = ParagraphStyle("listed", parent=style("en", TA_JUSTIFY), leftIndent=30, bulletIndent=0,
                                firstLineIndent=12, allowWidows=0, allowOrphans=0)
        return [LeafletParagraph(bold, listed, bulletText="1."), LeafletParagraph(bold, style("en"))]
    if case == "en cut words":  # on the first page: a word wider than the column (broken, rlbreak.py), a soft hyphen
        cut = en.replace("unwell", "un\u00adwell", 1).replace("NHS 111", "https://www.nhs.uk/" + "a/long/path/" * 9, 1)
        return [LeafletParagraph(cut, style("en"))]
    return [LeafletParagraph(long_markup(case, 6_000), style(case), bulletText="•", lang=case)]


@pytest.mark.parametrize("case", ["en", "en bold, justified, bullet", "en cut words", "bn", "ar", "ur"])
def test_breaking_only_the_lines_a_page_needs_changes_nothing(monkeypatch, case):
    first_lines, broken_in_part = rlparagraph._first_lines, []

    def counted(*args):
        found = first_lines(*args)
        broken_in_part.append(found is not None)
        return found
    monkeypatch.setattr(rlparagraph, "_first_lines", counted)
    pdf = build(_long_story(case))
    assert len(pdfium.PdfDocument(pdf)) > 3 and any(broken_in_part)
    monkeypatch.setattr(rlparagraph, "_first_lines", lambda *args: None)  # break every line, as ReportLab does
    assert build(_long_story(case)) == pdf


def test_wrapped_again_in_room_enough_its_lines_are_not_broken_again(monkeypatch):
    broken = []
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, width, _b=Paragraph.breakLines: broken.append(1) or
                        _b(self, width))
    p = LeafletParagraph(long_markup("en", 600), style("en"))
    size = p.wrap(300, 1e6)
    assert len(broken) == 1 and p.wrap(300, size[1]) == size and len(broken) == 1  # as a frame after a keep chain
    assert p.wrap(300, size[1] - 1) == size and len(broken) == 2  # less room: broken again
    assert p.wrap(300, 1e6) == size and len(broken) == 2  # that broke every line
    p.wrap(299, 1e6)
    assert len(broken) == 3
    p.wrap(300, 1e6)
    first, rest = p.split(300, size[1] / 2)
    assert rest.wrap(300, 1e6)[1] < size[1] and first.wrap(300, 1e6)[1] < size[1]


@pytest.mark.parametrize("lang", ["en", "bn", "ar", "ur"])
def test_lines_not_broken_again_change_nothing(monkeypatch, lang):
    def story():  # KeepTogether measures what it keeps, then the frame wraps each again
        text = long_markup(lang, 400)
        return [KeepTogether([LeafletParagraph(text, style(lang), lang=lang) for _ in range(2)]),
                LeafletParagraph(long_markup(lang, 3000), style(lang), bulletText="1.", lang=lang)]
    pdf = build(story())
    wrap = LeafletParagraph.wrap

    def every_time(self, width, height):
        self._wrapped = None
        return wrap(self, width, height)
    monkeypatch.setattr(LeafletParagraph, "wrap", every_time)
    assert build(story()) == pdf


# -------------------------------------------------------- right to left

def _x_of(pdf: bytes, word: str) -> float:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"].isascii() and c["text"].strip()]
    s = "".join(c["text"] for c in chars)
    return chars[s.index(word)]["x0"]


def test_bug_plain_rtl_paragraph_keeps_words_left_to_right():
    # One run of one font: "ABC" comes before "DEF" in reading order, so it
    # belongs to the right of it. (Noto Sans Arabic has Latin letters.)
    text = '<font name="NotoSansArabic">اتصل ABC أو DEF اليوم</font>'
    plain = build([Paragraph(text, style("ar"))])
    fixed = build([LeafletParagraph(text, style("ar"), lang="ar")])
    assert _x_of(plain, "ABC") < _x_of(plain, "DEF")   # the bug
    assert _x_of(fixed, "ABC") > _x_of(fixed, "DEF")


def test_bug_plain_shaping_uses_first_font_of_a_word(tmp_path):
    # "NHS-এ" is one word of two fonts: ReportLab shapes "এ" with Atkinson's
    # glyph ids, which draws the wrong glyph (here .notdef).
    words = fonts.to_markup([("কল NHS-এ করুন", False)], "bn")
    plain = build([Paragraph(words, style("bn"))])
    fixed = build([LeafletParagraph(words, style("bn"), lang="bn")])
    assert "এ" not in pdfium.PdfDocument(plain)[0].get_textpage().get_text_range()
    assert "কল NHS-এ করুন" in pdfium.PdfDocument(fixed)[0].get_textpage().get_text_range()


def test_l2_order():
    assert bidi.l2_order([1, 1, 1]) == [2, 1, 0]
    assert bidi.l2_order([0, 0]) == [0, 1]
    # Arabic word, "NHS 111" embedded left to right, Arabic word
    assert bidi.l2_order([1, 1, 2, 2, 2, 1, 1]) == [6, 5, 2, 3, 4, 1, 0]


def test_bidi_levels_mirror_and_embed():
    text = "بالرقم (NHS 111) أو"
    levels = bidi.bidi_levels(text, 1)
    assert levels[text.index("(")] == 1 and levels[text.index(")")] == 1
    assert levels[text.index("N")] == 2 and levels[text.index("1")] == 2
    assert bidi.bidi_levels("abc", 0) == [0, 0, 0]
    assert bidi.bidi_levels("a😀ب", 0) == [0, 0, 1]  # ICU counts UTF-16 units


# --------------------------------------------------- marked content nesting

def test_spans_nest_inside_caller_marked_content(tmp_path):
    class P(LeafletParagraph):
        def drawOn(self, canv, x, y, _sW=0):
            canv.addLiteral("/P <</MCID 0>> BDC")
            super().drawOn(canv, x, y, _sW)
            canv.addLiteral("EMC")

    pdf = build([P(markup(lang), style(lang), lang=lang) for lang in ("bn", "ar", "ur", "en")])
    path = tmp_path / "nested.pdf"
    path.write_bytes(pdf)
    depth, in_text, spans = 0, False, 0
    with pikepdf.open(path) as doc:
        for operands, op in pikepdf.parse_content_stream(doc.pages[0]):
            op = str(op)
            if op == "BDC":
                depth += 1
                if str(operands[0]) == "/Span":
                    assert in_text and depth == 2
                    spans += 1
                else:
                    assert not in_text and depth == 1
            elif op == "EMC":
                depth -= 1
                assert depth >= 0
            elif op == "BT":
                in_text = True
                assert depth == 1
            elif op == "ET":
                in_text = False
    assert depth == 0 and spans >= 7
    if shutil.which("qpdf"):
        out = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert out.returncode == 0 and "No syntax or stream encoding errors" in out.stdout, out.stdout


def test_output_is_deterministic():
    story = lambda: [LeafletParagraph(markup(lang), style(lang), lang=lang) for lang in ("bn", "ar", "ur", "en")]  # noqa: E731
    assert build(story()) == build(story())


def test_bug_tounicode_maps_unused_codes_to_nul_upstream():
    """ReportLab maps the free codes 0-31 of a subset to U+0000 (PDF/UA-1 7.21.7 forbids it)."""
    cmap = rlfixes._ORIGINAL_TO_UNICODE("F", [0, 0, 0x41])
    assert "<00> <0000>" in cmap


def test_tounicode_has_no_nul_entries():
    rlfixes.install()
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A5, invariant=1).build(
        [LeafletParagraph("Skin to skin", ParagraphStyle("b", fontName=fonts.font_name("latin", "en", False)))])
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        cmaps = [font.ToUnicode.read_bytes().decode() for page in pdf.pages
                 for font in page.Resources.Font.values() if "/ToUnicode" in font]
    assert cmaps and not any("<0000>" in c for c in cmaps)
    assert all("<0053>" in c for c in cmaps)  # the S of "Skin" is still mapped


def test_bug_shaped_glyphs_read_as_private_use_upstream():
    """ReportLab's own shaping maps a glyph with no character of its own (a Bengali conjunct) to a
    private-use code point, and its ToUnicode map sends readers that code point."""
    ttf = pdfmetrics.getFont(fonts.font_name("bengali", "bn", False))
    frag = ParaFrag(text="ক্ষমা", fontName=ttf.fontName, fontSize=12)
    shaped = ttfonts.shapeFragWord([0, (frag, "ক্ষমা")])
    assert any(0xE000 <= ord(c) <= 0xF8FF for _, t in shaped[1:] for c in t)


def test_tounicode_maps_each_shaped_glyph_to_its_cluster():
    """Our shaping gives such a glyph a code whose ToUnicode entry is its HarfBuzz cluster's text."""
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A5, invariant=1).build(
        [LeafletParagraph(fonts.to_markup([("ক্ষমা", False)], "bn"), style("bn"), lang="bn")])
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        text = pdf.pages[0].extract_text()
    assert not [c for c in text if 0xE000 <= ord(c) <= 0xF8FF]
    assert sorted(text.replace("\u200b", "")) == sorted("ক্ষমা")


# ------------------------------------------------ links (rllinks.py)

def test_reportlab_link_internals_unchanged():
    """Fails when ReportLab changes what rllinks.py, LeafletParagraph's text object and TaggingCanvas lean on."""
    put = inspect.getsource(rlpara._putFragLine)
    assert "linkRecord = getattr(tx,'_linkRecord'" in put
    assert put.count("linkRecord(l,'end')") == 2 and "linkRecord(l,'start')" in put
    assert put.index("tx._textOut(text,f is words[-1])") < put.index("linkRecord(l,'start')")  # after its text
    assert "_doLink(tx, link, (x1, y0+lo, x2, y0+hi))" in inspect.getsource(rlpara._do_post_text)
    assert "tx._canvas.linkURL(link, rect, relative=1, kind='URI')" in inspect.getsource(rlpara._doLink)
    assert "self._annotatePage(name)" in inspect.getsource(Canvas._addAnnotation)
    assert "self._annotationrefs.append(ref)" in inspect.getsource(Canvas._annotatePage)
    assert "def _absRect(self,rect,relative=0):" in inspect.getsource(Canvas._absRect)
    assert Paragraph("a", style("en")).frags[0].link == []  # every parsed frag has a (no) link


class _LinkCanvas(Canvas):
    """Records what a paragraph with links asks of its canvas."""
    urls: list[tuple[str, tuple]] = []

    def link_mark(self, link, what):
        return f"/Link <</MCID {link[0][0]}>> BDC" if what == "start" else "EMC"

    def linkURL(self, url, rect, relative=0, **kw):
        self.urls.append((url, rect))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_link_frags_give_marks_and_a_rect_per_line(tmp_path, lang):
    from leaflets import rllinks
    url = "https://www.lullabytrust.org.uk/safer-sleep-advice/sleeping-bags-and-blankets/"
    para = LeafletParagraph(fonts.to_markup([(f"Read {url} or write to a@example.org now", False)], lang),
                            style(lang), lang=lang)
    para.frags = rllinks.link_frags(para.frags)
    assert [f.text for f in para.frags if f.link] == [url, "a@example.org"]
    alone = LeafletParagraph(fonts.to_markup([("a@example.org", False)], "en"), style("en"))
    alone.frags = rllinks.link_frags(alone.frags)
    alone.wrap(300, 1000)
    assert alone.blPara.kind == 1 and rllinks.has_links(alone.blPara)  # backColor: not the one-font path
    fonts.register_fonts()
    _LinkCanvas.urls = []
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5, invariant=1, initialFontName="AtkinsonHyperlegible").build(
        [para, alone], canvasmaker=_LinkCanvas)
    assert [u for u, _ in _LinkCanvas.urls].count(url) >= 2  # broken across lines: a rect per line
    assert {u for u, _ in _LinkCanvas.urls} == {url, "mailto:a@example.org"}
    depth, in_text, links = 0, False, 0
    with pikepdf.open(io.BytesIO(out.getvalue())) as doc:
        for operands, op in pikepdf.parse_content_stream(doc.pages[0]):
            op = str(op)
            if op == "BDC":
                depth += 1
                if str(operands[0]) == "/Link":
                    assert in_text  # inside the text object, and in a line's /Span, if any
                    links += 1
            elif op == "EMC":
                depth -= 1
                assert depth >= 0
            elif op in ("BT", "ET"):
                assert depth == 0
                in_text = op == "BT"
    assert depth == 0 and links >= 4


# ------------------------------------- faster paths: the same answers, the same bytes

def test_reportlab_uses_its_accelerator():
    """rl-accel is installed (requirements.txt) and ReportLab's rl_accel takes its functions from it."""
    import _rl_accel
    for name in ("fp_str", "escapePDF", "instanceStringWidthTTF", "asciiBase85Encode", "calcChecksum"):
        assert getattr(rl_accel, name) is getattr(_rl_accel, name), name


def test_reportlab_faster_path_internals_unchanged():
    """Fails when ReportLab changes what the faster paths make as it does: then re-check them."""
    fmt = inspect.getsource(textobject.PDFTextObject._formatText)
    assert "SD = shapeData[sd0:sd1] + _sdGuardL" in fmt
    assert "if cluster is None or sd.cluster<0 or r!=self._rise:" in fmt
    assert "A(-sd.x_offset)" in fmt and "A(sd.width - sd.x_advance + sd.x_offset)" in fmt
    assert "groupby(filter(None,A.__self__),lambda x: isinstance(x,bytes))) if v!='0']" in fmt
    assert "if len(A)==1 and A[0].startswith('('):" in fmt
    assert ttfonts._sdGuardL == [ttfonts.ShapeData(-1, 0, 0, 0, 0, 0)]
    add = inspect.getsource(ttfonts.ShapedStr.__add__) + inspect.getsource(ttfonts.ShapedStr.__radd__)
    assert "self.__shapeData__+len(other)*[_sdSimple]" in add and "len(other)*[_sdSimple]+self.__shapeData__" in add
    cmap = inspect.getsource(rlfixes._ORIGINAL_TO_UNICODE)
    assert '"<00> <%02X>" % (len(subset) - 1)' in cmap and '"%d beginbfchar" % len(subset)' in cmap
    assert "for i,v in enumerate(subset)]" in cmap
    assert "from reportlab.lib.rl_accel import sameFrag" in inspect.getsource(rlpara)
    assert rlpara.sameFrag is rlfixes.same_frag  # installed once paragraphs are imported


def _frag_pairs():
    from reportlab.lib.colors import black, red
    base = dict(fontName="A", fontSize=10, textColor=black, rise=0, us_lines=[], link=[])
    changes = dict(fontName="B", fontSize=11, textColor=red, rise=2, us_lines=[1], link=[1], backColor=red, nobr=1)

    class Nobr(ParaFrag):
        nobr = 0
    yield ParaFrag(**base), ParaFrag(**base, text="other text")
    for name, value in changes.items():
        without = {k: v for k, v in base.items() if k != name}
        yield ParaFrag(**base), ParaFrag(**{**base, name: value})
        yield ParaFrag(**base), ParaFrag(**without)
        yield ParaFrag(**without), ParaFrag(**without)
    yield ParaFrag(**base, cbDefn=1), ParaFrag(**base)
    yield ParaFrag(**base), ParaFrag(**base, lineBreak=True)
    yield Nobr(**base), ParaFrag(**base)  # a class attribute: found as getattr finds it
    yield Nobr(**base), ParaFrag(**base, nobr=0)
    yield Nobr(**base), Nobr(**base)


def test_same_frag_answers_as_rl_accel():
    import _rl_accel
    for f, g in _frag_pairs():
        assert rlfixes.same_frag(f, g) == bool(_rl_accel.sameFrag(f, g)) == rlfixes.same_frag(g, f), (f, g)


def _shaped(lang: str, text: str | None = None) -> tuple[str, ttfonts.ShapedStr]:
    name = fonts.font_name(fonts.base_script(lang), lang, False)
    text = text or "".join(t for t, _ in FIXTURES[lang])
    return name, rlparagraph._shape(text, name, 14, fonts.is_rtl(lang), lang)[0]


@pytest.mark.parametrize("lang,rise", [("ur", 0), ("ur", 2), ("ar", 0), ("bn", 0), ("zh-Hans", 1)])
def test_shaped_text_operators_as_reportlab_makes_them(lang, rise):
    """LeafletParagraph's text object writes a shaped string's operators as ReportLab does (Nastaliq's raised
    glyphs, marks, several subsets), and leaves its state as ReportLab leaves it."""
    from leaflets.rltextobject import ActualTextObject
    fonts.register_fonts()
    chars = "".join(chr(c) for c in range(0x4E00, 0x5400)) if lang == "zh-Hans" else None  # past one subset
    name, shaped = _shaped(lang, chars)
    canvas = Canvas(io.BytesIO())
    ours, theirs = ActualTextObject(canvas, 0, 0, []), canvas.beginText(0, 0)
    made = []
    for tx, fmt in ((theirs, textobject.PDFTextObject._formatText), (ours, ActualTextObject._formatText)):
        tx.setFont(name, 14)
        tx.setRise(rise)
        made.append((fmt(tx, shaped), fmt(tx, shaped[3:40]), tx._rise, tx._y, tx._curSubset, tx._code))
    assert made[0] == made[1]
    assert " Ts" in made[0][0] or lang != "ur"  # Nastaliq raises glyphs
    assert "Tf" in made[0][1] or lang != "zh-Hans"  # the slice starts in another subset


def test_tounicode_cmap_as_before():
    """The ToUnicode map, made without ReportLab's entries, is the map made from them."""
    def reference(fontname, subset):
        ps_name = fontname.split("+", 1)[-1]
        used = [(i, rlfixes.tounicode.text_of(ps_name, v) or chr(v)) for i, v in enumerate(subset) if v]
        cmap = rlfixes._ORIGINAL_TO_UNICODE(fontname, subset).split("\n")
        start, end = cmap.index(f"{len(subset)} beginbfchar"), cmap.index("endbfchar")
        return "\n".join(cmap[:start] + [f"{len(used)} beginbfchar"] +
                         ["<%02X> <%s>" % (i, t.encode("utf-16-be").hex().upper()) for i, t in used] + cmap[end:])
    _shaped("bn")  # records the text of Hind Siliguri's conjuncts
    for subset in ([0] * 32 + list(range(0x41, 0x61)), [0, 0x1F600, 0xE000, 0xE001], list(range(0x400, 0x500))):
        for font in ("AAAAAA+HindSiliguri", "BBBBBB+AtkinsonHyperlegible"):
            assert rlfixes._to_unicode_cmap(font, subset) == reference(font, subset)


def _paragraph_text_reference(frags):
    """LeafletParagraph's paragraph text, a character at a time."""
    import unicodedata
    chars, owner = [], []
    for i, f in enumerate(frags):
        if hasattr(f, "cbDefn"):
            return None
        if hasattr(f, "lineBreak"):
            chars.append("\u2028")
            owner.append(i)
            continue
        for c in unicodedata.normalize("NFC", f.text):
            chars.append(" " if c.isspace() and c not in "\u00a0\u202f" else c)
            owner.append(i)
    out, out_owner = [], []
    for c, o in zip(chars, owner):
        if c == " " and (not out or out[-1] in " \u2028"):
            continue
        if c == "\u2028" and out and out[-1] == " ":
            out.pop()
            out_owner.pop()
        out.append(c)
        out_owner.append(o)
    while out and out[-1] == " ":
        out.pop()
        out_owner.pop()
    return ("".join(out), out_owner) if "".join(out).strip() else None


def test_paragraph_text_collapses_spaces_as_reportlab():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    piece = st.text(alphabet=list("ab \t\n\u00a0\u202f\u2028\u3000\u0301e\u0627"), max_size=8)
    frag = st.one_of(piece.map(lambda t: ParaFrag(text=t)), st.just(ParaFrag(text="", lineBreak=True)))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(frag, min_size=1, max_size=5))
    def check(frags):
        assert rlparagraph._paragraph_text(frags) == _paragraph_text_reference(frags)
    check()


def test_words_surely_fit_only_if_measured_to_fit():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from leaflets import rlbreak
    fonts.register_fonts()
    frag = st.builds(lambda text, font, size: ParaFrag(text=text, fontName=font, fontSize=size),
                     st.text(alphabet=list("iWm—…ab ক্ষ\u4e00\u00a0\t"), max_size=30),
                     st.sampled_from(["AtkinsonHyperlegible", "AtkinsonHyperlegible-Bold", "NotoSansSC"]),
                     st.sampled_from([9, 18, 36]))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(frag, min_size=1, max_size=4), st.floats(1, 600))
    def check(frags, limit):
        if rlbreak._surely_fit(frags, limit):
            assert all(w[0] <= limit for w in rlpara._getFragWords([f.clone() for f in frags], limit))
    check()
    words = [ParaFrag(text="Skin to skin, often", fontName="AtkinsonHyperlegible", fontSize=18)]
    assert rlbreak._surely_fit(words, 300) and not rlbreak._surely_fit(words, 20)
    assert not rlbreak._surely_fit([ParaFrag(text="a", fontName="Helvetica", fontSize=18)], 300)  # not TrueType


def _base_fonts(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sorted(str(font.BaseFont) for page in doc.pages for font in page.Resources.Font.values())


def test_bug_subsets_named_by_their_number_upstream(monkeypatch):
    """ReportLab names each document's subsets AAAAAA+, AAAAAB+… by number: two documents with different
    text both name their first subset of a font AAAAAA+ (in a pack: different fonts of one name)."""
    monkeypatch.setattr(rlfixes.ttfonts.TTFont, "addObjects", rlfixes._ORIGINAL_ADD_OBJECTS)
    first = build([LeafletParagraph(markup("en"), style("en"))])
    other = build([LeafletParagraph(fonts.to_markup([("Quiet zebra", False)], "en"), style("en"))])
    assert _base_fonts(first)[0] == _base_fonts(other)[0] == "/AAAAAA+AtkinsonHyperlegible-Regular"


def test_subset_tags_come_from_their_content():
    # A font's first subset holds printable ASCII whatever is drawn: a letter beyond it makes another subset.
    def drawn(text: str) -> bytes:
        return build([LeafletParagraph(fonts.to_markup([(text, False)], "en"), style("en"))])
    first, again, other = drawn("A café"), drawn("A café"), drawn("A naïve zebra")
    assert _base_fonts(first) == _base_fonts(again)  # one subset, one name, in any document
    names = _base_fonts(first) + _base_fonts(other)
    assert all(re.fullmatch(r"/[A-Z]{6}\+\S+", name) for name in names)
    assert not set(_base_fonts(first)) & set(_base_fonts(other))  # another subset, another name
    assert rlfixes.subset_tag(b"F", [1, 2, 3]) != rlfixes.subset_tag(b"F", [1, 3, 2])


ADD_OBJECTS_DIGEST = "33ac8d69ad7f"  # ReportLab 5.1.0's TTFont.addObjects


def test_add_objects_as_reportlab_writes_them_but_the_tag():
    """Fails when ReportLab changes TTFont.addObjects, which rlfixes._add_objects repeats."""
    source = inspect.getsource(rlfixes._ORIGINAL_ADD_OBJECTS)
    assert "SUBSETN(n),b'+',self.face.name,self.face.subfontNameX" in source.replace(" ", "")
    assert hashlib.sha256(source.encode()).hexdigest()[:12] == ADD_OBJECTS_DIGEST


def test_streams_are_flate_only():
    """No ASCII85 layer on the streams (ReportLab's default): smaller files, faster to merge and read."""
    with pikepdf.open(io.BytesIO(build([LeafletParagraph(markup("bn"), style("bn"))]))) as pdf:
        filters = {str(o.get("/Filter")) for o in pdf.objects if isinstance(o, pikepdf.Stream)}
    assert filters == {str(pikepdf.Array([pikepdf.Name.FlateDecode]))}, filters


def test_bug_no_gray_colour_for_paragraphs_upstream():
    """ReportLab draws every Color, black included, in RGB: a press prints it as four colours."""
    tx = textobject.PDFTextObject(Canvas(io.BytesIO()))
    rlfixes._ORIGINAL_FILL(tx, rlfixes.Gray(0))
    assert tx._code[-1] == "0 0 0 rg"


def test_gray_is_drawn_in_device_gray():
    grey = ParagraphStyle("grey", parent=style("en"), textColor=rlfixes.Gray(0.25))
    with pikepdf.open(io.BytesIO(build([LeafletParagraph(markup("en"), grey)]))) as pdf:
        ops = [(str(op), [float(v) for v in operands]) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])
               if str(op) in ("g", "G", "rg", "RG", "k", "K")]
    assert ops and all(op == ("g", [0.25]) for op in ops), ops
    canvas = Canvas(io.BytesIO())
    canvas.setStrokeColor(rlfixes.Gray(0))
    canvas.setFillColor(rlfixes.Gray(1))
    assert canvas._code[-2:] == ["0 G", "1 g"]
