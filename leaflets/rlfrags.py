"""A paragraph's frags made from the project's own markup, as ReportLab's parser makes them.

fonts.to_markup writes a paragraph as runs of `<font name="...">text</font>`, the text escaped, and
nothing else. ReportLab's ParaParser reads that back through html.parser, copying a frag for every tag
and every piece of text: about a tenth of a render. `font_frags` makes the same frags, attribute for
attribute and in the same order, without it; markup of any other shape is left to the parser.
tests/test_frags.py compares the two on every paragraph of every leaflet.
"""
from __future__ import annotations

import re
from typing import Any

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag

__all__ = ["font_frags"]

_RUN = re.compile(r'<font name="([^"&<>]*)">([^<>]*)</font>')
# The entities an escaped text holds; html.parser hands each to the parser on its own, as a frag of its own.
_ENTITY = re.compile(r"&(amp|lt|gt);")
_CHARACTER = {"amp": "&", "lt": "<", "gt": ">"}


def _pieces(data: str) -> list[str] | None:
    """The texts html.parser hands the parser for `data`: the text between entities, and each entity's
    character. None for an '&' that is not one of ours (html.parser has rules of its own for those)."""
    if "&" not in data:
        return [data] if data else []
    parts = _ENTITY.split(data)  # text, entity name, text, …
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(_CHARACTER[part])
        elif "&" in part:
            return None
        elif part:
            out.append(part)
    return out


def _cleaned(text: str) -> str:
    """`text` with its white space cleaned as Paragraph cleans it before parsing."""
    # Printable, no two spaces together: its only white space is single spaces, which cleaning keeps.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return cleanBlockQuotedText(text)


def font_frags(text: str, style: Any) -> tuple[str, list[ParaFrag]] | None:
    """The text Paragraph keeps (white space cleaned as it cleans it) and the frags its parser would
    make of `text` in `style`; None where `text` is not runs of <font name> (then it is parsed)."""
    cleaned = _cleaned(text)
    if cleaned and not cleaned.startswith("<font "):
        return None
    # Every frag shares the paragraph's one (empty) list of links and of lines, as each parsed frag is a
    # copy of the paragraph's first.
    link: list = []
    us_lines: list = []
    size, colour = style.fontSize, style.textColor
    frags = []
    try:
        ps2tt(style.fontName)  # the parser's first frag is in the style's font: it must be one ReportLab maps
        at = 0
        for m in _RUN.finditer(cleaned):
            if m.start() != at:
                return None
            at = m.end()
            name, data = m.groups()
            family, bold, italic = ps2tt(name)  # as <font name> is read, and its text given that font
            font = tt2ps(family, bold, italic)
            pieces = _pieces(data)
            if pieces is None:
                return None
            frags += [ParaFrag(rise=0, greek=0, link=link, fontName=font, bold=bold, italic=italic, fontSize=size,
                               textColor=colour, us_lines=us_lines, __tag__="font", text=piece) for piece in pieces]
        if at != len(cleaned):
            return None
    except ValueError:  # a font ReportLab does not know: the parser says so
        return None
    textTransformFrags(frags, style)
    return cleaned, frags
