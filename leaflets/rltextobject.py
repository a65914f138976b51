"""LeafletParagraph's text object: each drawn line wrapped in /Span <</ActualText …>> BDC … EMC, so that
readers get the line's logical text (not private-use code points or presentation forms); and, where a
line holds phrases in other languages, one such span per phrase, with its /Lang.

Spans sit inside BT/ET, so their nesting is valid. Every ReportLab internal this leans on
(PDFTextObject._code, _formatText, _textOut, _linkRecord) is covered by tests/test_rlfixes.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.textobject import PDFTextObject

__all__ = ["ActualTextObject", "Chunk", "chunks", "line_actual_text"]


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
