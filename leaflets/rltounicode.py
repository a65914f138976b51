"""What each shaped glyph means as text, for the ToUnicode map of its font: the characters of its
HarfBuzz cluster.

Readers that ignore /ActualText (copy and paste, search, pdfplumber) read a font's ToUnicode map. ReportLab
gives a shaped glyph that has no character of its own (a conjunct, a joined Arabic form) a private-use
code point, and maps it to that: a reader gets U+E0xx, or a presentation form. Instead:
- a cluster's whole text goes to its first glyph in logical order; its other glyphs get no text;
- a glyph whose text is the one character the font's cmap maps to it keeps that character (in right-to-
  left text, a mirrored bracket keeps the mirror it draws);
- every other glyph gets a private code for the pair (glyph, text), through ReportLab's own
  `hbAddPrivate` (keyed by a name that carries the text), and the text is recorded here by font;
- rlfixes.py's ToUnicode map writes the recorded text (U+200B for none) for those codes.
Nothing process-dependent then reaches the file: the private values stay out of it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import icu

__all__ = ["glyph_texts", "code", "text_of"]

NO_TEXT = "\u200b"  # a glyph that is part of a cluster whose text another glyph carries

_texts: dict[str, dict[int, str]] = {}  # PostScript name -> private code -> text


def glyph_texts(text: str, clusters: Sequence[int], rtl: bool) -> list[str]:
    """The text each glyph carries, given each glyph's cluster (HarfBuzz output order: visual for rtl)."""
    starts = sorted(set(clusters))
    ends = dict(zip(starts, starts[1:] + [len(text)]))
    out = [""] * len(clusters)
    order = range(len(clusters) - 1, -1, -1) if rtl else range(len(clusters))
    seen = set()
    for i in order:  # logical order: the first glyph of each cluster takes its text
        c = clusters[i]
        if c not in seen:
            seen.add(c)
            out[i] = text[c:ends[c]]
    return out


@lru_cache(maxsize=None)
def _chars_of(face: Any) -> dict[int, frozenset[int]]:
    """The font's own cmap, glyph -> characters, without the private codes ReportLab adds."""
    out: dict[int, set[int]] = {}
    for char, gid in face.charToGlyph.items():
        if gid and not 0xE000 <= char <= 0xF8FF:
            out.setdefault(gid, set()).add(char)
    return {gid: frozenset(chars) for gid, chars in out.items()}


def code(ttf: Any, hbf: Any, gid: int, text: str, rtl: bool, advance: float) -> int:
    """The character code ReportLab draws glyph `gid` of TTFont `ttf` with, carrying `text`."""
    own = _chars_of(ttf.face).get(gid, frozenset())
    if len(text) == 1:
        if ord(text) in own:
            return ord(text)
        mirror = icu.Char.charMirror(text) if rtl else text
        if ord(mirror) in own:
            return ord(mirror)
    uchar = ttf.hbAddPrivate(f"{hbf.glyph_to_string(gid)}\x00{text}", gid, advance)
    _texts.setdefault(ttf.face.name.decode("latin-1") if isinstance(ttf.face.name, bytes) else ttf.face.name,
                      {})[uchar] = text
    return uchar


def text_of(ps_name: str, uchar: int) -> str | None:
    """The text recorded for a private code of a font (by PostScript name), or None."""
    found = _texts.get(ps_name, {}).get(uchar)
    return None if found is None else found or NO_TEXT
