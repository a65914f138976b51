"""Frags made from our own markup (rlfrags.py) are the frags ReportLab's parser makes of it: every
attribute, in the same order, the same lists shared, on every paragraph of every leaflet."""
from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaflets import fonts, rlfrags, rllinks  # noqa: E402
from leaflets.build import Dirs, build_leaflets  # noqa: E402
from leaflets.rlparagraph import LeafletParagraph  # noqa: E402

HERE = Path(__file__).parent
FONT_FRAGS = rlfrags.font_frags  # tests below put a checking one in its place
SCRIPTS = yaml.safe_load((HERE / "fixtures" / "scripts.yaml").read_text("utf-8"))


def style(lang: str, **kw) -> ParagraphStyle:
    fonts.register_fonts()
    base = fonts.font_name(fonts.base_script(lang), lang, False)
    rtl = fonts.is_rtl(lang)
    return ParagraphStyle(lang, fontName=base, fontSize=14, leading=fonts.line_height(base, 14),
                          shaping=1 if fonts.is_shaped(lang) else 0, wordWrap="RTL" if rtl else None,
                          alignment=TA_RIGHT if rtl else TA_LEFT, **kw)


def described(frags: list) -> list:
    """Each frag's attributes in order, and which frags share their lists of links and lines."""
    shared = [(frags.index(next(g for g in frags if g.link is f.link)),
               frags.index(next(g for g in frags if g.us_lines is f.us_lines))) for f in frags]
    return [list(vars(f).items()) for f in frags] + shared


def differences(text: str, para_style: ParagraphStyle) -> str | None:
    """How the frags made without the parser differ from the parser's (None: they do not; 'parsed':
    the text was left to the parser)."""
    made = FONT_FRAGS(text, para_style)
    if made is None:
        return "parsed"
    parsed = Paragraph(text, para_style)  # ReportLab's own: its parser
    if made[0] != parsed.text:
        return f"text {made[0]!r} != {parsed.text!r}"
    if described(made[1]) != described(parsed.frags):
        return f"frags {described(made[1])} != {described(parsed.frags)}"
    return None


CASES = {
    "en": [("If your baby may be unwell, call NHS 111.", False)],
    "bold": [("Important: ", True), ("call NHS 111.", False)],
    "address": [("See www.nhs.uk/baby or write to help@example.org, then ", False), ("call 111", True)],
    "escaped": [("a < b & c > d &amp; &lt;x&gt; &#65; &", False), ("<b>not bold</b>", True)],
    "spaces": [("two  spaces and\u00a0no-break\u202fthin  ", False), ("  1\u00a0000  ", True)],
    "ends": [("  leading and trailing  ", False), ("  ", False), ("x", True)],
    "mixed": [("Chinese 中文 and العربية and اردو in English, ", False), ("বাংলা", True)],
    "controls": [("Arabic \u2067العربية\u2069 isolated", False)],
    "empty": [],
}


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_frags_as_parsed_in_every_script(lang):
    """Bengali, Arabic (right to left, bold), Urdu (Nastaliq, Latin runs inside), English."""
    text = fonts.to_markup([(t, b) for t, b in SCRIPTS[lang]], lang)
    assert differences(text, style(lang)) is None


@pytest.mark.parametrize("lang", ["en", "ar", "ur", "bn", "zh-Hans", "pa", "pl"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_frags_as_parsed(lang, case):
    text = fonts.to_markup(CASES[case], lang)
    assert differences(text, style(lang)) is None


# White space ReportLab cleans (each run one space, per line, by rules of its own where a line holds a
# no-break space): characters no font draws, so in hand-made markup.
WHITE = ["two  spaces\ta tab\nnew line \u3000wide\u2028sep\u2029", " \u00a0no-break\u200b \u200b",
         "1\u00a0000 and\u202fthin\u2007figure  end \x85\x1c", "\n \n", "a\r\nb", "\n"]


@pytest.mark.parametrize("first", WHITE)
@pytest.mark.parametrize("second", WHITE[:3])
def test_frags_as_parsed_with_white_space(first, second):
    font, bold = fonts.font_name("latin", "en", False), fonts.font_name("latin", "en", True)
    text = f'<font name="{font}">{escape(first)}</font><font name="{bold}">{escape(second)}&amp;</font>'
    assert differences(text, style("en")) is None


def test_frags_as_parsed_in_a_transformed_style():
    text = fonts.to_markup(CASES["bold"], "en")
    for transform in ("uppercase", "lowercase", "capitalize", "none"):
        assert differences(text, style("en", textTransform=transform)) is None


def test_our_markup_never_reaches_the_parser(monkeypatch):
    from reportlab.platypus.paraparser import ParaParser

    def refused(*args):
        raise AssertionError("parsed")
    monkeypatch.setattr(ParaParser, "parse", refused)
    for lang in SCRIPTS:
        p = LeafletParagraph(fonts.to_markup([(t, b) for t, b in SCRIPTS[lang]], lang), style(lang), lang=lang)
        assert p.frags and p.wrap(300, 1e6)[1] > 0


def test_links_cut_from_frags_as_parsed():
    text = fonts.to_markup(CASES["address"], "en")
    made, parsed = rlfrags.font_frags(text, style("en"))[1], Paragraph(text, style("en")).frags
    linked = rllinks.link_frags(made)
    assert any(f.link for f in linked)
    assert [list(vars(f).items()) for f in linked] == [list(vars(f).items()) for f in rllinks.link_frags(parsed)]


@pytest.mark.parametrize("text", ["<b>bold</b>", 'x<font name="AtkinsonHyperlegible">y</font>',
                                  '<font name="AtkinsonHyperlegible" size="3">y</font>',
                                  '<font name="AtkinsonHyperlegible"><b>y</b></font>',
                                  '<font name="AtkinsonHyperlegible">a &copy; b</font>',
                                  "<para>text</para>", "plain text"])
def test_other_markup_is_left_to_the_parser(text):
    assert rlfrags.font_frags(text, style("en")) is None
    assert LeafletParagraph(text, style("en")).frags  # parsed, as before


def test_unknown_fonts_are_left_to_the_parser():
    """Which says what is wrong, as before."""
    text = '<font name="NoSuchFont">y</font>'
    assert rlfrags.font_frags(text, style("en")) is None
    with pytest.raises(ValueError, match="nosuchfont"):
        LeafletParagraph(text, style("en"))
    text = fonts.to_markup(CASES["en"], "en")
    assert rlfrags.font_frags(text, ParagraphStyle("x", fontName="NoSuchFont")) is None
    with pytest.raises(ValueError, match="nosuchfont"):
        LeafletParagraph(text, ParagraphStyle("x", fontName="NoSuchFont"))


def _pdf(texts: list[str], lang: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A5, invariant=1, initialFontName=style(lang).fontName)
    doc.build([LeafletParagraph(t, style(lang), lang=lang) for t in texts])
    return buf.getvalue()


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_same_pdf_as_through_the_parser(lang, monkeypatch):
    texts = [fonts.to_markup([(t, b) for t, b in SCRIPTS[lang]], lang),
                      *(fonts.to_markup(CASES[c], lang) for c in ("address", "escaped", "spaces", "mixed"))]
    made = _pdf(texts, lang)
    monkeypatch.setattr(rlfrags, "font_frags", lambda text, style: None)
    assert made == _pdf(texts, lang)


def test_every_paragraph_of_every_leaflet(tmp_path, monkeypatch):
    """Every paragraph of the 54 leaflets, their footers and the fixtures: none is left to the parser."""
    seen: dict[tuple, str | None] = {}

    def checked(text, para_style):
        key = (text, para_style.fontName, para_style.fontSize, para_style.textColor, para_style.textTransform)
        if key not in seen:
            seen[key] = differences(text, para_style)
        return FONT_FRAGS(text, para_style)
    monkeypatch.setattr(rlfrags, "font_frags", checked)
    result = build_leaflets(Dirs(out=tmp_path / "out"), jobs=1)
    assert not result.errors and len(result.entries) >= 54
    fixtures = build_leaflets(Dirs(sources=HERE / "fixtures" / "sources", out=tmp_path / "fixtures"),
                              ["fixture-ar", "fixture-bn", "fixture-ur"], ["ar", "bn", "ur"], jobs=1)
    assert not fixtures.errors and fixtures.entries
    assert len(seen) > 1000
    assert {text: found for (text, *_), found in seen.items() if found is not None} == {}
