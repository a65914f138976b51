"""LeafletParagraph's lines as drawn: each line's frags in visual order (`reorder`, UBA rule L2), and
its text object: each drawn line wrapped in /Span <</ActualText …>> BDC … EMC, so that readers get the
line's logical text (not private-use code points or presentation forms); and, where a line holds
phrases in other languages, one such span per phrase, with its /Lang.

Spans sit inside BT/ET, so their nesting is valid. A shaped string's operators are made as
ReportLab makes them (PDFTextObject._formatText), the same bytes, in fewer steps per glyph. Every
ReportLab internal this leans on (PDFTextObject._code, _formatText, _textOut, _linkRecord, _rise,
_curSubset, ttfonts._sdGuardL and _sdSimple, paragraph._HSFrag) is covered by tests/test_rlfixes.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, _sdGuardL, _sdSimple
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.paragraph import _HSFrag

from . import rlbreak
from .bidi import l2_order
from .rlfixes import same_frag

__all__ = ["ActualTextObject", "Chunk", "chunks", "line_actual_text", "reorder"]


@dataclass(frozen=True)
class Chunk:
    """A part of a drawn line in one language: its glyphs (how many, in drawing order), its language
    (None: the paragraph's) and its logical text."""
    glyphs: int
    lang: str | None
    text: str


def _span(text: str, lang: str | None = None) -> str:
    hexed = text.encode("utf-16-be").hex().upper()
    own = f"/Lang ({lang}) " if lang else ""
    return f"/Span <<{own}/ActualText <FEFF{hexed}>>> BDC"


_ESCAPED: dict[int, str] = {}  # a code -> its PDF string, escaped


def _shown(glyphs: list[tuple[float, int, float]], escape: Any) -> str:
    """The Tj or TJ operator of a run of glyphs, each (offset before, code, adjustment after), as
    PDFTextObject._formatText writes it: zero adjustments dropped, adjacent ones summed, adjacent
    codes one string, a sum that prints as 0 dropped."""
    if len(glyphs) == 1:  # most runs in text whose glyphs are raised or lowered (Nastaliq)
        before, code, after = glyphs[0]
        shown = _ESCAPED.get(code)
        if shown is None:
            shown = _ESCAPED[code] = f"({escape(bytes((code,)))})"
        if not before and not after:
            return f"{shown} Tj"
        parts = [fp_str(before)] if before else []
        parts.append(shown)
        if after:
            parts.append(fp_str(after))
        parts = [p for p in parts if p != "0"]
        if len(parts) == 1:
            return f"{shown} Tj"
        return f"[{' '.join(parts)}] TJ"
    parts: list[str] = []
    codes = bytearray()
    nums: list[float] = []
    for before, code, after in glyphs:
        if before:
            if codes:
                parts.append(f"({escape(bytes(codes))})")
                codes.clear()
            nums.append(before)
        if nums:
            shown = fp_str(sum(nums))
            nums.clear()
            if shown != "0":
                parts.append(shown)
        codes.append(code)
        if after:
            parts.append(f"({escape(bytes(codes))})")
            codes.clear()
            nums.append(after)
    if codes:
        parts.append(f"({escape(bytes(codes))})")
    if nums:
        shown = fp_str(sum(nums))
        if shown != "0":
            parts.append(shown)
    if len(parts) == 1 and parts[0].startswith("("):
        return f"{parts[0]} Tj"
    return f"[{' '.join(parts)}] TJ"


class ActualTextObject(PDFTextObject):
    """A text object whose lines are each a text (one span), a list of chunks (a span each) or ""
    (no span)."""

    def __init__(self, canvas: Any, x: float, y: float, lines: list[str | list[Chunk]]):
        super().__init__(canvas, x, y)
        self._lines = lines
        self._line = 0
        self._span = False
        self._chunk = 0  # of the line's chunks: the one drawing
        self._drawn = 0  # of its glyphs: how many are drawn

    def _textOut(self, text: str, TStar: int = 0) -> None:
        line = self._lines[self._line] if self._line < len(self._lines) else ""
        if isinstance(line, list):
            self._chunks_out(text, line)
        else:
            if not self._span and line:
                self._code.append(_span(line))
                self._span = True
            self._text_at = len(self._code)  # where the last text went: a link's marks go around it
            self._code.append(self._formatText(text))
        if TStar:
            if self._span:
                self._code.append("EMC")
                self._span = False
            self._code.append("T*")
            self._line += 1
            self._chunk = self._drawn = 0

    def _chunks_out(self, text: str, chunks: list[Chunk]) -> None:
        """Draw text across the line's chunks: a span opens where a chunk starts, and closes where it ends."""
        rest = text
        while True:
            chunk = chunks[min(self._chunk, len(chunks) - 1)]
            if not self._span:
                self._code.append(_span(chunk.text, chunk.lang))
                self._span = True
            last = self._chunk >= len(chunks) - 1
            piece, rest = (rest, "") if last else (rest[:chunk.glyphs - self._drawn], rest[chunk.glyphs - self._drawn:])
            self._text_at = len(self._code)
            self._code.append(self._formatText(piece))
            self._drawn += len(piece)
            if not last and self._drawn >= chunk.glyphs:
                self._code.append("EMC")
                self._span = False
                self._chunk += 1
                self._drawn = 0
            if not rest:
                return

    def _formatText(self, text: Any) -> str:
        """PDFTextObject._formatText; for a shaped string, the same operators made in fewer steps
        (it is most of the time spent drawing shaped text)."""
        font = pdfmetrics.getFont(self._fontname)
        if not (font._dynamicFont and font.shapable and isinstance(text, ShapedStr)):
            return super()._formatText(text)
        canv = self._canvas
        state = (self._code, self._x, self._y)
        try:
            self._code = code = []
            escape = canv._escape
            size = self._fontsize
            r0 = self._rise
            data = text.__shapeData__
            header = None
            group: list[tuple[float, int, float]] = []
            start = 0
            for subset, t in font.splitString(text, canv._doc):
                if subset != self._curSubset:
                    header = header or f"{fp_str(size)} Tf {fp_str(self._leading)} TL"
                    code.append(f"{font.getSubsetInternalName(subset, canv._doc)} {header}")
                    self._curSubset = subset
                end = start + len(t)
                cluster = None
                # A run of glyphs goes on while their rise stays; the guard's cluster (-1) ends the last.
                for i, sd in enumerate(data[start:end] + _sdGuardL):
                    r = r0 + size * sd.y_offset / 1000
                    if cluster is None or sd.cluster < 0 or r != self._rise:
                        if cluster is not None:
                            code.append(_shown(group, escape))
                            if self._rise != r0:
                                self.setRise(r0)
                            if sd.cluster < 0:
                                break
                        if r != self._rise:
                            self.setRise(r)
                        cluster = sd.cluster
                        group = []
                    group.append((-sd.x_offset, t[i], sd.width - sd.x_advance + sd.x_offset))
                start = end
            if self._rise != r0:
                self.setRise(r0)
        finally:
            self._code, self._x, self._y = state
        return " ".join(code)

    def _linkRecord(self, link: Any, what: str) -> None:
        """ReportLab's hook where a link starts (after its first text) or ends (after its last, rllinks.py)."""
        mark = getattr(self._canvas, "link_mark", lambda *a: None)(link, what)
        if mark is not None:
            self._code.insert(self._text_at + (what == "end"), mark)
            self._text_at += what == "start"


def chunks(items: list[tuple[int, str | None, int, str]]) -> list[Chunk]:
    """A line's chunks, from its items in drawing order: (logical index, language, glyphs, text). A chunk
    is a run of items in one language; its text is theirs in logical order."""
    out: list[Chunk] = []
    group: list[tuple[int, str | None, int, str]] = []
    for item in [*items, None]:
        if group and (item is None or item[1] != group[-1][1]):
            out.append(Chunk(sum(g for _, _, g, _ in group), group[0][1], "".join(t for *_, t in sorted(group))))
            group = []
        if item is not None:
            group.append(item)
    return out


def line_actual_text(line: Any, text: str) -> str | list[Chunk]:
    """A drawn line's ActualText: its text, or its chunks (phrases in other languages) where they add up
    to it, the line-end space with the last."""
    found = getattr(line, "chunks", None)
    joined = "".join(c.text for c in found or ())
    if not found or text not in (joined, joined + " "):
        return text
    last = found[-1]
    return [*found[:-1], Chunk(last.glyphs, last.lang, last.text + text[len(joined):])]


def _joined(texts: list[str]) -> str:
    """texts added one after another, as ShapedStr adds them (a plain str's characters get
    simple shaping data), in one step: adding them one at a time would cost the square."""
    if len(texts) == 1:
        return texts[0]
    if not any(isinstance(t, ShapedStr) for t in texts):
        return "".join(texts)
    data: list[Any] = []
    for t in texts:
        data += t.__shapeData__ if isinstance(t, ShapedStr) else [_sdSimple] * len(t)
    return ShapedStr("".join(texts), shapeData=data)


def reorder(lines: list[Any], line_words: list[list[Any]], para_level: int) -> None:
    """Rebuild each line's frags in visual order (UBA rule L2), pre-reversed for RTL paragraphs because
    drawPara reverses RTL lines once more; and note the chunks of a left-to-right line that holds
    phrases in other languages (rltextobject.py)."""
    rtl = para_level == 1
    for line, words in zip(lines, line_words):
        # level, frag, glyphs, language, and text if not the piece's (a space)
        items: list[tuple[int, Any, str, str | None, str | None]] = []
        for wi, w in enumerate(words):
            for f, t in w[1:]:
                items.append((f.bidiLevel, f, t, f.phraseLang, None))
            if isinstance(w, _HSFrag) and wi + 1 < len(words):
                f = w[-1][0]
                items.append((getattr(f, "spaceLevel", para_level), f, " ", getattr(f, "spaceLang", None), " "))
        levels = [lv for lv, *_ in items]
        order = l2_order(levels)
        if not rtl and any(item[3] for item in items):  # phrases in other languages: a span each
            line.chunks = chunks([(i, code, len(t), text or rlbreak.piece_text(f, t))
                                  for i in order for _, f, t, code, text in [items[i]]])
        if not rtl and not any(levels):
            continue  # plain left-to-right: ReportLab's own line is right
        # runs of frags in one style, each drawn as one frag
        groups: list[tuple[Any, list[str]]] = []
        for idx in order:
            _, f, t, *_ = items[idx]
            if groups and same_frag(groups[-1][0], f):
                groups[-1][1].append(t)
            else:
                groups.append((f, [t]))
        merged = [f.clone(text=_joined(texts)) for f, texts in groups]
        line.words = merged[::-1] if rtl else merged
