"""Words wider than their column, broken inside the margin: LeafletParagraph's word breaking.

ReportLab lets such a word run past the margin (splitLongWords=0), or splits it
itself (splitLongWords=1) after the last character that fits, whatever that
character is; the parts of a shaped word lose the glyph positions HarfBuzz gave
them (plain str), and LeafletParagraph would put its line-end space inside the
word. So before ReportLab breaks the lines, each word wider than the column is
cut here into pieces that fit it:
- after a run of / . ? & = @ (a web or e-mail address), else after a hyphen
  (an address's, a compound's: a hyphen ending a line reads as one that
  hyphenates, and PDFium reports it so), no hyphen added;
- else between two characters, never inside a grapheme cluster (ICU) nor a
  glyph cluster (HarfBuzz), as a last resort;
- each piece as long as the column holds (the fewest lines).
The pieces are frag words with no space after them; all but the last are
`_Piece`s, so that no line-end space is added after them: what a reader gets
(the line texts, their ActualText) holds the word whole.

Every ReportLab internal it leans on is covered by tests/test_rlfixes.py.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from typing import Any

import icu
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, makeShapedFragWord
from reportlab.platypus import paragraph as _rlpara

from .bidi import utf16_index

__all__ = ["Unspaced", "broken_words", "column", "ends_in_word", "fit_words", "piece_text"]

BREAK_AFTER = "/.-?&=@"  # an address or a compound breaks after these, without a hyphen; after "-" last


class Unspaced(list):
    """A frag word with no space after it, not even at a line end: the next word goes on without one
    (in Chinese, at a break ICU allows)."""


class _Piece(Unspaced):
    """A frag word that is a piece of a broken word, but not its last."""


def _cluster_ends(f: Any) -> dict[int, int]:
    """Of a shaped piece: where the characters of each glyph cluster (by its first character) end."""
    starts = sorted({sd.cluster for sd in f.shapedText.__shapeData__})
    return dict(zip(starts, starts[1:] + [len(f.logicalText)]))


def piece_text(f: Any, t: str) -> str:
    """Logical text of a shaped piece, or of the part of it that a line holds
    (a word broken here, or by ReportLab's own splitter, which rebuilds the parts as plain str)."""
    full = getattr(f, "logicalText", None)
    whole = getattr(f, "shapedText", None)
    if full is None or whole is None:
        return t
    if len(t) == len(whole):
        return full
    ends = _cluster_ends(f)
    if not isinstance(t, ShapedStr):
        i = str(whole).find(t)
        t = whole[i:i + len(t)] if i >= 0 else ""
    mine = sorted({sd.cluster for sd in getattr(t, "__shapeData__", ()) if sd.cluster in ends})
    return "".join(full[c:ends[c]] for c in mine)


def column(para: Any, width: Any) -> float:
    """The narrowest line of a paragraph wrapped in `width` (breakLines' argument), its bullet allowed for."""
    widths = list(width) if isinstance(width, (list, tuple)) else [width]
    _rlpara._handleBulletWidth(para.bulletText, para.style, widths)  # narrows the first line, as breakLines does
    return min(widths)


def fit_words(frags: list[Any], limit: float) -> list[Any] | None:
    """The paragraph's frag words with each word wider than `limit` broken into pieces;
    None when every word fits (the frags stay as they are)."""
    if not _rlpara._processed_frags(frags):
        if _surely_fit(frags, limit):
            return None  # found without measuring a word (most paragraphs)
        if len(frags) == 1 and all(stringWidth(w, frags[0].fontName, frags[0].fontSize) <= limit
                                   for w in set(_words(frags[0]))):
            return None  # one font, and every word fits: found fast, each word measured once
        # A part of a one-font paragraph split over pages holds its words, not its text.
        frags = [f if hasattr(f, "text") else f.clone(text=" ".join(f.words)) for f in frags]
        frags = _rlpara._getFragWords(frags, limit)
    if not any(w[0] > limit for w in frags):
        return None
    return [piece for w in frags for piece in (_break(w, limit) if w[0] > limit else [w])]


def _surely_fit(frags: list[Any], limit: float) -> bool:
    """Whether no word of the frags can be wider than `limit`: their longest run of characters without a
    space, each at the widest advance of the widest font, is narrower."""
    widest = 0.0
    for f in frags:
        widths = getattr(getattr(getFont(f.fontName), "face", None), "charWidths", None)
        if hasattr(f, "cbDefn") or not isinstance(widths, dict):
            return False
        # shaping adds glyphs to a font: their count is in the key
        widest = max(widest, _widest(f.fontName, len(widths)) * f.fontSize / 1000)
    longest = max(map(len, "".join(f.text if hasattr(f, "text") else " ".join(f.words) for f in frags).split(" ")))
    return longest * widest < limit * (1 - 1e-9)


@lru_cache(maxsize=256)
def _widest(font_name: str, glyphs: int) -> float:
    """The widest advance a character of a TrueType font can have (1/1000 em), or 0."""
    face = getFont(font_name).face
    return max(0.0, face.defaultWidth, *face.charWidths.values())


def _words(f: Any) -> list[str]:
    """The words of a one-font paragraph, or of a part of it split over pages, as ReportLab breaks them."""
    return _rlpara.split(f.text) if hasattr(f, "text") else f.words


def ends_in_word(frags: list[Any], bl: Any) -> list[bool]:
    """For each line of bl: whether it ends inside a broken word, or at a break with no space."""
    if bl.kind == 0:
        return [False] * len(bl.lines)
    ends = [line.sFW for line in bl.lines[1:]] + [len(frags)]
    return [end > 0 and isinstance(frags[end - 1], Unspaced) for end in ends]


def broken_words(frags: list[Any]) -> list[str]:
    """The logical text of each word broken into pieces, in order."""
    words: list[str] = []
    text = ""
    for i, w in enumerate(frags):
        if isinstance(w, _Piece) or (i and isinstance(frags[i - 1], _Piece)):
            text += "".join(piece_text(f, t) for f, t in w[1:])
            if not isinstance(w, _Piece):
                words.append(text)
                text = ""
    return words


# --------------------------------------------------------------- breaking


def _units(f: Any, t: str) -> list[tuple[str, float, int, int]]:
    """What a break may not fall inside, of one (frag, text) of a frag word, in logical order:
    (logical text, width, start, end), t[start:end] drawing it. A character, or a glyph cluster."""
    if not (isinstance(t, ShapedStr) and hasattr(f, "shapedText")):
        return [(c, stringWidth(c, f.fontName, f.fontSize), i, i + 1) for i, c in enumerate(t)]
    ends = _cluster_ends(f)
    data = t.__shapeData__
    units = []
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j].cluster == data[i].cluster:
            j += 1
        c = data[i].cluster
        units.append((f.logicalText[c:ends[c]], sum(sd.x_advance for sd in data[i:j]) * f.fontSize / 1000, i, j))
        i = j
    return units[::-1] if f.bidiLevel % 2 else units  # right to left: glyphs are in visual order


def _graphemes(text: str) -> set[int]:
    """Where grapheme clusters start and end in text (ICU), in characters."""
    chars = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())
    chars.setText(text)
    at = utf16_index(text)
    return {at[u] for u in chars}  # ICU counts UTF-16 units


def _cuts(units: list[tuple[int, tuple[str, float, int, int]]], limit: float) -> list[int]:
    """Where to cut the word (unit indices), each piece as long as `limit` holds."""
    text = "".join(u[0] for _, u in units)
    offsets = list(accumulate((len(u[0]) for _, u in units), initial=0))
    graphemes = _graphemes(text)
    allowed = [i for i in range(1, len(units)) if offsets[i] in graphemes]
    after = [i for i in allowed if text[offsets[i] - 1] in BREAK_AFTER and text[offsets[i]] not in BREAK_AFTER]
    choices = ([i for i in after if text[offsets[i] - 1] != "-"], [i for i in after if text[offsets[i] - 1] == "-"],
               allowed)  # in this order
    cuts = [0]
    while True:
        width, end = 0.0, cuts[-1]
        while end < len(units) and width + units[end][1][1] <= limit:
            width += units[end][1][1]
            end += 1
        if end == len(units):
            return cuts[1:]
        fitting = next((found for points in choices if (found := [i for i in points if cuts[-1] < i <= end])), [])
        later = [i for i in allowed if i > cuts[-1]]  # one cluster wider than the column: it cannot fit
        if not fitting and not later:
            return cuts[1:]
        cuts.append(fitting[-1] if fitting else later[0])


def _break(w: list[Any], limit: float) -> list[Any]:
    """One frag word wider than `limit`, as pieces that fit it (or itself, if it cannot be broken)."""
    if any(hasattr(f, "cbDefn") for f, _ in w[1:]):
        return [w]
    units = [(k, u) for k, (f, t) in enumerate(w[1:]) for u in _units(f, t)]
    cuts = _cuts(units, limit)
    if not cuts:
        return [w]
    piece_class = makeShapedFragWord(_Piece()) if isinstance(w, ShapedFragWord) else _Piece
    pieces = []
    for n, (a, b) in enumerate(zip([0] + cuts, cuts + [len(units)])):
        items = []
        for k in sorted({k for k, _ in units[a:b]}):
            f, t = w[1 + k]
            mine = [u for j, u in units[a:b] if j == k]
            items.append((f, t[min(u[2] for u in mine):max(u[3] for u in mine)]))
        width = sum(u[1] for _, u in units[a:b])
        pieces.append((piece_class if n < len(cuts) else type(w))([width] + items))
    return pieces
