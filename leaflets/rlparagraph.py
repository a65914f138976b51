"""The one Paragraph class the project uses: ReportLab's Paragraph, fixed for
screen readers and for every script.

`LeafletParagraph`:
- keeps the space at the end of each wrapped line, so extracted text does not
  join words ("learn newwords");
- lays out right-to-left text by the Unicode Bidi Algorithm (ReportLab leaves
  each shaped line's words left to right);
- shapes each run (same font, same bidi level) with its own font and an
  explicit direction (ReportLab shapes a whole word with its first font);
- wraps each shaped line in /Span <</ActualText ...>> so PDF readers get real
  characters back, not private-use code points or presentation forms (the
  ActualText is logical order, as the PDF standard means it; PDFium 5.x reads
  right-to-left ActualText back as if it were visual order);
- breaks a word wider than its column inside the margin (rlbreak.py), and
  adds no line-end space inside it;
- copies its attributes to the parts when split across pages;
- breaks only the lines a page needs (ReportLab breaks every line on each
  wrap, and a split paragraph is wrapped again on every page it runs onto).
- makes the frags of the project's own markup itself, as ReportLab's parser
  would (rlfrags.py), without the parser's cost.

Every ReportLab internal it leans on is covered by tests/test_rlfixes.py.
"""
from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Sequence

import uharfbuzz
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, makeShapedFragWord
from reportlab.platypus import paragraph as _rlpara
from reportlab.platypus.paragraph import Paragraph, _HSFrag, _processed_frags

from . import linebreak, rlbreak, rlfrags, rllinks
from . import rltounicode as tounicode
from . import rlfixes
from .bidi import CONTROLS, bidi_levels, without_controls
from .rltextobject import ActualTextObject, line_actual_text, reorder

__all__ = ["LeafletParagraph"]

rlfixes.install()  # with the paragraph fix, now that paragraphs are imported

_FK_TEXT = _rlpara._FK_TEXT
_FK_BREAK = _rlpara._FK_BREAK


@lru_cache(maxsize=None)
def _hb_font(font_name: str) -> uharfbuzz.Font:
    # One HarfBuzz font per registered font; also sets ttf.hbAddPrivate.
    return pdfmetrics.getFont(font_name).hbFont()


def _shape(text: str, font_name: str, font_size: float, rtl: bool, lang: str) -> tuple[ShapedStr, float]:
    """Shape one run with HarfBuzz in an explicit direction.

    Returns ReportLab's ShapedStr (one character per glyph, in visual order,
    private-use code points for glyphs without one) and the advance in points."""
    shaped, advance = _shaped(text, font_name, rtl, lang)
    return shaped, advance * font_size / 1000


@lru_cache(maxsize=16384)
def _shaped(text: str, font_name: str, rtl: bool, lang: str) -> tuple[ShapedStr, float]:
    """_shape's glyphs and advance (1/1000 em): the same at every size, so a text is shaped once for
    every format it is set in."""
    ttf = pdfmetrics.getFont(font_name)
    hbf = _hb_font(font_name)
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.direction = "rtl" if rtl else "ltr"  # an RTL buffer also mirrors brackets
    buf.language = lang or "und"             # never the process locale
    buf.guess_segment_properties()
    uharfbuzz.shape(hbf, buf, {})            # default features, as pango
    face = ttf.face
    scale = ttf.pdfScale
    chars = []
    data = []
    width = 0.0
    # Each glyph's code carries its cluster's text, for the ToUnicode map (rltounicode.py).
    texts = tounicode.glyph_texts(text, [info.cluster for info in buf.glyph_infos], rtl)
    for info, pos, glyph_text in zip(buf.glyph_infos, buf.glyph_positions, texts):
        gid = info.codepoint
        # A new code records the glyph's own advance (the shaped one may be kerned or zero).
        uchar = tounicode.code(ttf, hbf, gid, glyph_text, rtl, scale(hbf.get_glyph_h_advance(gid)))
        x_adv = scale(pos.x_advance)
        data.append(ShapeData(info.cluster, x_adv, scale(pos.y_advance), scale(pos.x_offset),
                              scale(pos.y_offset), face.charWidths[uchar]))
        chars.append(chr(uchar))
        width += x_adv
    return ShapedStr("".join(chars), shapeData=data), width


_SPACES = re.compile(r"[ \t\r\n\f\v\u2028]+")  # not no-break spaces
_WHITE = re.compile(r"[^\S\u00a0\u202f]")  # whitespace (as str.isspace), but for no-break spaces
_SPACE_RUNS = re.compile(" +")
_STOPS = re.compile("[ \u2028]")  # where a word ends, unless held


def _paragraph_text(frags: list[Any]) -> tuple[str, list[int]] | None:
    """The paragraph's text as ReportLab would set it, and the frag of each
    character; None for frags this does not handle (ReportLab's own path)."""
    parts: list[str] = []
    owner: list[int] = []
    for i, f in enumerate(frags):
        if hasattr(f, "cbDefn"):
            return None
        # a line break is a line separator: whitespace to the UBA
        part = "\u2028" if hasattr(f, "lineBreak") else _WHITE.sub(" ", unicodedata.normalize("NFC", f.text))
        parts.append(part)
        owner += [i] * len(part)
    # collapse spaces as ReportLab does, and drop them around breaks and at the ends: of each run of
    # spaces, the first stays if there is text on both sides of it and no break
    whole = "".join(parts)
    dropped: list[range] = []
    for run in _SPACE_RUNS.finditer(whole):
        a, b = run.span()
        kept = 0 < a and b < len(whole) and whole[a - 1] != "\u2028" and whole[b] != "\u2028"
        if b - a > kept:
            dropped.append(range(a + kept, b))
    if dropped:
        gone = {k for r in dropped for k in r}
        keep = [k for k in range(len(whole)) if k not in gone]
        whole, owner = "".join([whole[k] for k in keep]), [owner[k] for k in keep]
    if not whole.strip():
        return None
    return whole, owner


def _phrase_langs(text: str, phrases: tuple[tuple[str, str], ...]) -> list[str | None]:
    """The language of each character: a phrase's, found in order, else None (the paragraph's)."""
    langs: list[str | None] = [None] * len(text)
    at = 0
    for phrase, code in phrases:
        start = text.find(phrase, at)
        if start >= 0:
            langs[start:start + len(phrase)] = [code] * len(phrase)
            at = start + len(phrase)
    return langs


def _shaped_words(frags: list[Any], para_level: int, lang: str, phrases: tuple = ()) -> list[Any] | None:
    """Frag words for the paragraph, each piece (same frag, same bidi
    level) shaped on its own, with levels from the whole paragraph.
    None (ReportLab's own path) for frags this does not handle."""
    found = _paragraph_text(frags)
    if found is None:
        return None
    text, text_owner = found
    levels = bidi_levels(text, para_level)
    if any(c in CONTROLS for c in text):  # read by the Bidi Algorithm, never drawn
        text, text_owner, levels = without_controls(text, text_owner, levels)
    langs = _phrase_langs(text, phrases)
    # Chinese: a line may also break where ICU allows between two characters, never inside "NHS 111".
    unspaced = lang and linebreak.breaks_between_letters(lang)
    cuts, held = (linebreak.breaks(text, lang), linebreak.held_spaces(text)) if unspaced else ((), ())
    out: list[Any] = []
    n = len(text)
    # where words end (a space or a break, not a held space; an allowed break between letters), and
    # where a piece ends inside one (another frag, bidi level or language)
    stops = [m.start() for m in _STOPS.finditer(text) if m.start() not in held]
    if cuts:
        stops = sorted(set(stops).union(cuts))
    keys = list(zip(text_owner, levels, langs))
    changes = [k for k in range(1, n) if keys[k] != keys[k - 1]]
    i = 0
    while i < n:
        if text[i] == "\u2028":
            f = frags[text_owner[i]]
            f._fkind = _FK_BREAK
            out.append([0, (f, "")])
            i += 1
            continue
        at = bisect_right(stops, i)
        j = stops[at] if at < len(stops) else n
        pieces: list[Any] = []
        width = 0.0
        k = i
        at = bisect_right(changes, k)
        while k < j:
            m = changes[at] if at < len(changes) and changes[at] < j else j
            at += 1
            src = frags[text_owner[k]]
            shaped, w = _shape(text[k:m], src.fontName, src.fontSize, bool(levels[k] % 2), lang)
            pf = src.clone(_fkind=_FK_TEXT, bidiLevel=levels[k], logicalText=text[k:m], shapedText=shaped,
                           phraseLang=langs[k])
            pieces.append((pf, shaped))
            width += w
            k = m
        spaced = j < n and text[j] == " "
        if spaced:
            pieces[-1][0].spaceLevel, pieces[-1][0].spaceLang = levels[j], langs[j]
        proto = _HSFrag() if spaced else rlbreak.Unspaced() if j in cuts else []
        out.append(makeShapedFragWord(proto)([width] + pieces))
        i = j + 1 if spaced else j
    return out


def _lines_to_fill(para: Paragraph, height: float | None) -> float:
    """The lines Paragraph.split looks at in `height`: those that fit and two more (it
    checks for a widow); every line (inf) for no height, or if line heights vary."""
    if height is None or getattr(para, "autoLeading", getattr(para.style, "autoLeading", "")) not in ("", "off"):
        return math.inf
    return max(0, int(height / para.style.leading)) + 2


def _first_lines(para: Paragraph, width: Any, height: float | None) -> tuple[Any, Sequence[Any]] | None:
    """If `para` has more lines than split() looks at in `height`: those lines, broken from its first
    words only (ReportLab breaks greedily, each line from the words left over, so the first words give
    the first lines, but for the last, which later words may join), and the words after them. Else None."""
    frags, style, wanted = para.frags, para.style, _lines_to_fill(para, height)
    if _processed_frags(frags):  # frag words (shaped, several fonts, a part of those): lines index them
        words, frags_of = frags, lambda some: some
    elif (len(frags) == 1 and not (style.endDots or style.wordWrap or style.shaping)
          and not hasattr(frags[0], "cbDefn") and not hasattr(frags[0], "backColor")):
        # One font: ReportLab breaks a list of words (lines of kind 0), in a frag like a split's parts.
        run = {k: v for k, v in vars(frags[0]).items() if k not in ("text", "words")}
        words = frags[0].words if "words" in vars(frags[0]) else _rlpara.split(_rlpara.strip(frags[0].text))
        frags_of = lambda some: [type(frags[0])(**run, words=some)]  # noqa: E731
    else:
        return None
    widths = list(width) if isinstance(width, (list, tuple)) else [width]
    count = wanted * max(4, int(widths[-1] / style.fontSize))  # about twice the words a line holds
    while count < len(words):
        para.frags = frags_of(words[:count])
        try:
            bl = Paragraph.breakLines(para, list(widths))  # a copy: a bullet narrows the first width
            made = para.frags  # of frag words, the list ReportLab broke
        finally:
            para.frags = frags
        if len(bl.lines) >= wanted:
            held = [w for _, line in bl.lines for w in line] if bl.kind == 0 else made[:bl.lines[-1].sFW]
            if not all(a is b for a, b in zip(held, words)):
                return None  # a word was cut or hyphenated: the lines do not end at a word's index
            # split() makes the rest of one font from its lines' words and these; of frag words, from self.frags
            return bl, words[len(held):] if bl.kind == 0 else ()
        count *= 2
    return None


class LeafletParagraph(Paragraph):
    """reportlab.platypus.Paragraph with the fixes listed in this module.

    For right-to-left text use ParagraphStyle(wordWrap='RTL', alignment=TA_RIGHT,
    shaping=1). `lang` (BCP 47) tells HarfBuzz the language."""

    #: Attributes copied onto the parts when the paragraph is split.
    split_attributes: tuple[str, ...] = ("lang", "phrases")
    _height_to_fill: float | None = None  # set by wrap() for breakLines(): None for every line
    _unbroken: Sequence[Any] | None = None  # if wrap() broke the first lines only, the words split() adds
    _words_fit: float | None = None  # no word is wider than this (its frags were broken for it)
    _wrapped: tuple | None = None  # (width, blPara, frags, size) of the last wrap if it broke every line

    def __init__(self, text: str | None, style: Any = None, bulletText: Any = None, frags: Any = None,
                 caseSensitive: int = 1, encoding: str = "utf8", lang: str | None = None,
                 phrases: tuple[tuple[str, str], ...] = ()):
        made = rlfrags.font_frags(text, style) if frags is None and isinstance(text, str) and style is not None \
            else None
        if made is not None:  # our own markup: its frags without ReportLab's parser
            text, frags = made
        super().__init__(text, style, bulletText=bulletText, frags=frags,
                         caseSensitive=caseSensitive, encoding=encoding)
        self.lang = lang
        self.phrases = phrases  # (text, language) of each phrase in another language: a span with its /Lang

    # -- layout

    def _shaping(self) -> bool:
        return bool(self.style.shaping and pdfmetrics.getFont(self.style.fontName).shapable)

    def _para_level(self) -> int:
        return 1 if self.style.wordWrap == "RTL" else 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Wrapped again at the same width, in at least the height all its lines took (a frame wraps what a keep
        # chain or a box measured): the same lines, so they are not broken again.
        last = self._wrapped
        if last is not None and last[0] == availWidth and last[3][1] <= availHeight \
                and last[1] is getattr(self, "blPara", None) and last[2] is self.frags:
            return last[3]
        # Break only the lines this height needs: the rest of a split paragraph is wrapped on every page.
        self._height_to_fill = availHeight
        try:
            size = super().wrap(availWidth, availHeight)
        finally:
            self._height_to_fill = None
        self._wrapped = (availWidth, getattr(self, "blPara", None), self.frags, size) \
            if self._unbroken is None else None
        return size

    def breakLines(self, width: Any) -> Any:
        if self._para_level() and not self._shaping():
            # ReportLab's own right-to-left path needs a bidi module it lacks.
            raise ValueError("right-to-left paragraphs need shaping=1 and a TrueType fontName")
        if not self._shaping():  # nothing reorders unshaped text: bidi controls would only be .notdef boxes
            for f in self.frags:
                if isinstance(getattr(f, "text", None), str) and CONTROLS.intersection(f.text):
                    f.text = "".join(c for c in f.text if c not in CONTROLS)
        if self._shaping() and not _processed_frags(self.frags):
            words = _shaped_words(self.frags, self._para_level(), self.lang or "", self.phrases)
            if words is not None:
                self.frags = words
        limit = rlbreak.column(self, width)
        if self._words_fit is None or limit < self._words_fit:
            self.frags = rlbreak.fit_words(self.frags, limit) or self.frags
            self._words_fit = limit
        first = _first_lines(self, width, self._height_to_fill)
        if first is not None:
            bl, self._unbroken = first
            return bl  # a part of it is drawn, not this: split() makes the part, wrap() its lines
        self._unbroken = None
        bl = super().breakLines(width)
        if bl.kind == 1 and self._preshaped():
            self._reorder_lines(bl)
        return bl

    def _whole_lines(self) -> Any:
        """self.blPara with every line: wrap() may have broken only the first ones."""
        if self._unbroken is not None:
            super().wrap(self.width, self.height)
        return self.blPara

    def _preshaped(self) -> bool:
        """Whether the frags are _shaped_words': its first piece of text tells (each has a bidi level)."""
        f = self.frags
        return bool(f) and _processed_frags(f) and next(
            (hasattr(p, "bidiLevel") for w in f for p, t in w[1:] if t), False)

    def _line_words(self, bl: Any) -> list[list[Any]]:
        """The frag words (from self.frags) that each line of bl holds."""
        lines = bl.lines
        out = []
        for i, line in enumerate(lines):
            end = lines[i + 1].sFW if i + 1 < len(lines) else len(self.frags)
            out.append([w for w in self.frags[line.sFW:end] if any(t for _, t in w[1:])])
        return out

    def _reorder_lines(self, bl: Any) -> None:
        reorder(bl.lines, self._line_words(bl), self._para_level())

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if self._unbroken is not None and hasattr(self, "blPara") and \
                len(self.blPara.lines) < _lines_to_fill(self, availHeight):
            self.wrap(availWidth, availHeight)  # wrapped in less height than this
        parts = super().split(availWidth, availHeight)
        self._wrapped = None
        if self._unbroken and len(parts) == 2:  # one font: ReportLab made the rest from the lines' words
            parts[1].frags[0].words += self._unbroken
        for p in parts:
            if p is not self:
                p._words_fit = self._words_fit
                for a in self.split_attributes:
                    if hasattr(self, a):
                        setattr(p, a, getattr(self, a))
        return parts

    # -- text

    def _ends(self) -> bool:
        """Whether this (part of the) paragraph ends the paragraph."""
        return not getattr(self, "_splitpara", 0)

    def _raw_line_texts(self) -> list[str]:
        bl = self._whole_lines()
        if bl.kind == 0:
            return [" ".join(str(w) for w in words) for _, words in bl.lines]
        if self._preshaped():
            texts = []
            for words in self._line_words(bl):
                parts = []
                for wi, w in enumerate(words):
                    parts.append("".join(rlbreak.piece_text(f, t) for f, t in w[1:]))
                    if isinstance(w, _HSFrag) and wi + 1 < len(words):
                        parts.append(" ")
                texts.append("".join(parts))
            return texts
        return ["".join(f.text for f in line.words if not hasattr(f, "cbDefn") and getattr(f, "text", ""))
                for line in bl.lines]

    def line_texts(self) -> list[str]:
        """Logical text (NFC) of each drawn line, each ending in a space
        unless it ends the paragraph or ends inside a broken word."""
        texts = [unicodedata.normalize("NFC", _SPACES.sub(" ", t).strip()) for t in self._raw_line_texts()]
        open_ends = rlbreak.ends_in_word(self.frags, self._whole_lines())
        last = len(texts) - 1
        return [t + " " if (i < last or not self._ends()) and t and not open_ends[i] else t
                for i, t in enumerate(texts)]

    def logical_text(self) -> str:
        """Text this (part of the) paragraph draws, in logical order, NFC,
        single spaces between words; ends in a space if the paragraph goes on
        in a later part. Call after wrap()."""
        if not hasattr(self, "blPara"):
            raise RuntimeError("logical_text() needs wrap() first")
        return "".join(self.line_texts())

    def broken_words(self) -> list[str]:
        """The words wider than the column, which this (part of the) paragraph breaks
        across lines, each whole. Call after wrap()."""
        return rlbreak.broken_words(self.frags)

    # -- drawing

    def beginText(self, x: float, y: float) -> Any:
        texts = getattr(self, "_actual_texts", None)
        if texts is None:
            return super().beginText(x, y)
        return ActualTextObject(self.canv, x, y, texts)

    def draw(self) -> None:
        bl = self._whole_lines()
        shaped = bl.kind == 1 and self._preshaped()
        texts = self.line_texts()
        rtl = self._para_level() == 1
        copy = bl.clone()
        if bl.kind == 0:
            # Keep the space that ReportLab drops at each line end; changes no pixel.
            copy.lines = [(ws, list(words[:-1]) + [words[-1] + " "]) if t.endswith(" ") and words
                          else (ws, list(words)) for (ws, words), t in zip(bl.lines, texts)]
        else:
            copy.lines = []
            for line, t in zip(bl.lines, texts):
                words = list(line.words)
                # RTL: the logical line end is at the left; its ActualText
                # carries the space instead.
                if t.endswith(" ") and not rtl:
                    for k in range(len(words) - 1, -1, -1):
                        if getattr(words[k], "text", "") and not hasattr(words[k], "cbDefn"):
                            words[k] = words[k].clone(text=words[k].text + " ")
                            break
                copy.lines.append(line.clone(words=words))
        self.blPara = copy
        self._actual_texts = [line_actual_text(line, t) for line, t in zip(bl.lines, texts)] if shaped \
            else ([] if rllinks.has_links(copy) else None)
        try:
            super().draw()
        finally:
            self.blPara = bl
            self._actual_texts = None
