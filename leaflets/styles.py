"""Paragraph styles: one per style name of a plan, in a language's fonts and direction."""
from __future__ import annotations

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from . import fonts
from .colour import hex_rgb
from .model import Layout
from .rlfixes import Gray
from .plan import HEADING_STYLES, STYLES

__all__ = ["Styles", "make_styles", "direction", "indent", "ink"]

TALL_LINES = 2.3  # em: a script whose lines need more than this gets them only where it is drawn

Styles = dict[str, ParagraphStyle]


def ink(value: str) -> Color:
    """A layout's '#RRGGBB' as the press prints it: a grey, black included, in DeviceGray, so that a
    black-only page prints 1/1 (many presses print RGB black as four-colour black); any other colour as RGB."""
    red, green, blue = hex_rgb(value)
    return Gray(red) if red == green == blue else HexColor(value)


def make_styles(layout: Layout, lang: str) -> Styles:
    """A paragraph style per style name of the plan (title, h2, h3, body, small, footer)."""
    rtl = fonts.is_rtl(lang)
    colour = ink(layout.colours["text"])
    main_font = fonts.font_name(fonts.base_script(lang), lang, False)
    space = layout.paragraph_space * layout.body
    out = {}
    for name in STYLES:
        size = layout.size(name)
        bold = name in HEADING_STYLES
        leading = max(size * layout.line_spacing, fonts.line_height(fonts.font_name("latin", lang, False), size))
        own = fonts.line_height(main_font, size)
        # Nastaliq (2.5 em) gets its tall lines only where it is; other scripts (Noto Sans Arabic: 2.1 em) keep
        # an even leading.
        tall = own > TALL_LINES * size
        leading = leading if tall else max(leading, own)
        out[name] = ParagraphStyle(
            name, fontName=fonts.font_name("latin", lang, bold), fontSize=size, leading=leading,
            textColor=colour,
            alignment=TA_RIGHT if rtl else TA_LEFT,
            wordWrap="RTL" if rtl else None, shaping=1 if fonts.is_shaped(lang) else 0,
            spaceBefore=space * (1.2 if bold else 0), spaceAfter=space * (0.5 if bold else 1),
            bulletFontName=fonts.font_name("latin", lang, False), bulletFontSize=size,
            # Never hyphenate; LeafletParagraph breaks a word wider than the column itself (rlbreak.py).
            splitLongWords=0, hyphenationLang="", allowWidows=0, allowOrphans=0,
            keepWithNext=1 if bold else 0, autoLeading="max" if tall else "")
    return out


def direction(style: ParagraphStyle, lang: str, text: str = "", shape: bool = False) -> ParagraphStyle:
    """The style for a text in `lang`, set in its own direction (English in an Arabic draft runs left to
    right), and shaped if it holds a script or a bidi control that needs it (a language's own name), or
    if `shape` (its phrases in other languages get spans of their own)."""
    rtl = fonts.is_rtl(lang)
    shaping = 1 if shape or fonts.is_shaped(lang) or fonts.needs_shaping(text) else style.shaping
    if rtl == (style.wordWrap == "RTL") and shaping == style.shaping:
        return style
    return ParagraphStyle(f"{style.name}-{'rtl' if rtl else 'ltr'}{shaping}", parent=style,
                          alignment=TA_RIGHT if rtl else TA_LEFT, wordWrap="RTL" if rtl else None, shaping=shaping)


def indent(style: ParagraphStyle, layout: Layout, steps: float, bullet: bool) -> ParagraphStyle:
    width = layout.indent * layout.body * steps
    side = "rightIndent" if style.wordWrap == "RTL" else "leftIndent"
    return ParagraphStyle(f"{style.name}-indented", parent=style, **{side: width},
                          bulletIndent=width * 0.25 if bullet else 0)
