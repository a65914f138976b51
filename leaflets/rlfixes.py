"""Workarounds for ReportLab 5.1.0 bugs that need process-wide patches.

- PDFTextObject.setRise keeps a stale rise when two Ts operators are merged,
  and raises IndexError on an empty code list (Nastaliq shows both);
- the ToUnicode CMap maps unused subset codes to U+0000, which PDF/UA-1 forbids;
- rl-accel's sameFrag (which Paragraph.breakLines calls for every pair of frags) raises and clears an
  AttributeError for each style attribute a frag lacks: the same answer in Python is several times faster;
- ReportLab draws a Color in RGB ("0 0 0 rg") and has no grey colour for paragraphs: `Gray` is drawn in
  DeviceGray ("0 g"), so that black-only leaflets print 1/1;
- TTFont.addObjects names a document's font subsets by their number (AAAAAA+, AAAAAB+…): every PDF's
  first subset of every font is AAAAAA+, so a pack holds different fonts of one name, which preflight
  tools reject. Each subset is named from its font and glyphs instead: one subset, one name;
- pdfdoc.format, through which every name, number and key of a document is written, tests each type in
  turn and encodes each name again: the structure tree's hundreds of elements and the fonts' width arrays
  took a fifth of a render. The same bytes come from a lookup by exact type and names encoded once;

The patches are installed once, when this module is first imported (the
ReportLab modules of this package import it); the paragraph one when
rlparagraph.py imports ReportLab's paragraphs. Each leans on ReportLab
internals; tests/test_rlfixes.py shows each bug and fails when the internals
change. reportlab is pinned exactly for that reason. The other internals the
project uses live in rlcanvas.py (the canvas), rlparagraph.py (paragraphs),
rlbreak.py (breaking a word wider than its column) and rllinks.py (links).
"""
from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from typing import Any, Sequence

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.lib.colors import Color
from reportlab.pdfgen import textobject
from reportlab.pdfgen.textobject import PDFTextObject

from . import rltounicode as tounicode

__all__ = ["Gray", "install", "registered_face", "same_frag", "subset_tag"]

_ORIGINAL_SET_RISE = PDFTextObject.setRise


# ------------------------------------------------------------------- setRise

def _set_rise(self: PDFTextObject, rise: float) -> None:
    """PDFTextObject.setRise, fixed.

    ReportLab replaces a trailing 'r0 Ts' by 'r1 Ts' but forgets to record r1
    in _rise and _y, so later glyphs keep a stale baseline shift; and it reads
    _code[-1] even when _code is empty (inside _formatText it starts empty)."""
    v = f"{fp_str(rise)} Ts"
    if self._code and self._code[-1].endswith(" Ts"):
        self._y += self._rise      # undo the merged one
        self._code[-1] = v
    else:
        self._code.append(v)
    self._rise = rise
    self._y -= rise


# ---------------------------------------------------------------- ToUnicode

_ORIGINAL_TO_UNICODE = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ttfonts.makeToUnicodeCMap, without entries for unused subset slots, and with each shaped
    glyph's text (rltounicode.py) for the private codes ReportLab gives glyphs.

    ReportLab keeps codes 0-31 of each subset free and maps them to U+0000;
    PDF/UA-1 (7.21.7) forbids any ToUnicode entry mapping to U+0000. A private code
    maps to the characters of its glyph's cluster, so page text holds real characters."""
    ps_name = fontname.split("+", 1)[-1]
    used = ["<%02X> <%s>" % (i, _utf16_hex(tounicode.text_of(ps_name, v) or chr(v))) for i, v in enumerate(subset) if v]
    cmap = _ORIGINAL_TO_UNICODE(fontname, _Slots(len(subset))).split("\n")
    start = cmap.index(f"{len(subset)} beginbfchar")
    end = cmap.index("endbfchar")
    return "\n".join(cmap[:start] + [f"{len(used)} beginbfchar"] + used + cmap[end:])


class _Slots:
    """As many slots as a subset, none listed: ReportLab's CMap around its entries, made without them."""

    def __init__(self, count: int):
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(())


@lru_cache(maxsize=None)
def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


# ------------------------------------------------------------- subset tags

_ORIGINAL_ADD_OBJECTS = ttfonts.TTFont.addObjects


def subset_tag(face_name: bytes, glyphs: Sequence[int]) -> bytes:
    """Six capital letters from a subset's font and glyphs, in order: the same subset, the same tag; another
    subset, another tag (ReportLab numbers each document's subsets from AAAAAA, so every document's first
    subset of every font is AAAAAA+, and a pack holds different fonts of one name)."""
    made_of = face_name + b"\0" + ",".join(map(str, glyphs)).encode()
    digest = int.from_bytes(hashlib.sha256(made_of).digest()[:8], "big")
    letters = []
    for _ in range(6):
        digest, letter = divmod(digest, 26)
        letters.append(65 + letter)
    return bytes(letters)


def _add_objects(self: ttfonts.TTFont, doc: Any) -> None:
    """TTFont.addObjects, each subset named by `subset_tag` instead of its number in the document."""
    try:
        state = self.state[doc]
    except KeyError:
        state = self.state[doc] = ttfonts.TTFont.State(self._asciiReadable)
    state.frozen = 1
    for n, subset in enumerate(state.subsets):
        internal_name = self.getSubsetInternalName(n, doc)[1:]
        glyphs = [self.face.charToGlyph.get(code, 0) for code in subset]
        base_font_name = b"".join((subset_tag(self.face.name, glyphs), b"+", self.face.name,
                                   self.face.subfontNameX)).decode("pdfdoc")
        font = pdfdoc.PDFTrueTypeFont()
        font.__Comment__ = "Font %s subset %d" % (self.fontName, n)
        font.Name = internal_name
        font.BaseFont = base_font_name
        font.FirstChar = 0
        font.LastChar = len(subset) - 1
        font.Widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset)))
        cmap = pdfdoc.PDFStream()
        cmap.content = ttfonts.makeToUnicodeCMap(base_font_name, subset)
        if doc.compression:
            cmap.filters = [pdfdoc.PDFZCompress]
        font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
        font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
        doc.Reference(font, internal_name)
        doc.idToObject["BasicFonts"].dict[internal_name] = font
    del self.state[doc]


# ----------------------------------------------------------------- sameFrag

_STYLE = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
_ABSENT = object()


@lru_cache(maxsize=None)
def _plain(cls: type) -> bool:
    """Whether getattr on an instance of cls reads its __dict__, for every name same_frag looks at."""
    return cls.__getattribute__ is object.__getattribute__ and not hasattr(cls, "__getattr__") and \
        not any(hasattr(cls, name) for name in (*_STYLE, "cbDefn", "lineBreak"))


def same_frag(f: object, g: object) -> bool:
    """rl_accel.sameFrag: whether two frags draw in one style (neither a callback nor a line break).
    As its C version: attributes looked up as getattr does, an absent one equal only to an absent one."""
    if _plain(type(f)) and _plain(type(g)):  # a frag is its attributes (ParaFrag): read them directly
        fd, gd = f.__dict__, g.__dict__
        if "cbDefn" in fd or "cbDefn" in gd or "lineBreak" in fd or "lineBreak" in gd:
            return False
        for name in _STYLE:
            a, b = fd.get(name, _ABSENT), gd.get(name, _ABSENT)
            if a is not b and (a is _ABSENT or b is _ABSENT or a != b):
                return False
        return True
    if hasattr(f, "cbDefn") or hasattr(g, "cbDefn") or hasattr(f, "lineBreak") or hasattr(g, "lineBreak"):
        return False
    for name in _STYLE:
        a, b = getattr(f, name, _ABSENT), getattr(g, name, _ABSENT)
        if a is not b and (a is _ABSENT or b is _ABSENT or a != b):
            return False
    return True


# ------------------------------------------------------------- DeviceGray

class Gray(Color):
    """A grey for ReportLab's setFillColor and setStrokeColor (0 black, 1 white), drawn in DeviceGray (g, G):
    ReportLab draws a Color in RGB and a CMYKColor in CMYK, and a press prints RGB black as four colours."""

    def __init__(self, level: float):
        super().__init__(level, level, level)
        self.level = level


_ORIGINAL_FILL = textobject._PDFColorSetter.setFillColor
_ORIGINAL_STROKE = textobject._PDFColorSetter.setStrokeColor


def _set_fill(self: Any, colour: Any, alpha: float | None = None) -> None:
    if not isinstance(colour, Gray) or alpha is not None:
        return _ORIGINAL_FILL(self, colour, alpha)
    self._fillColorObj = colour
    self._code.append(f"{fp_str(colour.level)} g")


def _set_stroke(self: Any, colour: Any, alpha: float | None = None) -> None:
    if not isinstance(colour, Gray) or alpha is not None:
        return _ORIGINAL_STROKE(self, colour, alpha)
    self._strokeColorObj = colour
    self._code.append(f"{fp_str(colour.level)} G")


# ---------------------------------------------------------- pdfdoc.format

_ORIGINAL_FORMAT = pdfdoc.format


@lru_cache(maxsize=4096)
def _text_bytes(text: str) -> bytes:
    return pdfdoc.pdfdocEnc(text)


@lru_cache(maxsize=4096)
def _key_bytes(key: str) -> bytes:
    return pdfdoc.pdfdocEnc(pdfdoc.PDFName(key)) + b" "


def _format(element: object, document: object, toplevel: int = 0) -> bytes:
    """pdfdoc.format: a str (a name, in a dictionary or array) and a number looked up by exact type first."""
    kind = type(element)
    if kind is str:
        return _text_bytes(element)
    if kind is int or kind is float:
        return fp_str(element).encode("ascii")
    return _ORIGINAL_FORMAT(element, document, toplevel)


def _dict_format(self: pdfdoc.PDFDictionary, document: object, IND: bytes = b"\n ") -> bytes:  # noqa: N803
    """PDFDictionary.format, each key's name encoded once per process."""
    items = self.dict
    keys = list(items) if isinstance(items, pdfdoc.OrderedDict) else sorted(items)
    parts = [_key_bytes(k) + _format(items[k], document) for k in keys]
    if self.multiline and pdfdoc.rl_config.pdfMultiLine or self.multiline == "forced":
        return b"<<\n" + IND.join(parts) + b"\n>>"
    for i in reversed(range(6, len(parts), 6)):  # six to a line
        parts.insert(i, b"\n ")
    return b"<<\n" + b" ".join(parts) + b"\n>>"


def install() -> None:
    """Apply the module-level ReportLab fixes. Idempotent."""
    # Streams Flate-compressed only, not also ASCII85-encoded (ReportLab's default, for 7-bit mail): a
    # quarter smaller, and faster to write, to merge into packs and to read.
    rl_config.useA85 = 0
    PDFTextObject.setRise = _set_rise  # type: ignore[method-assign]
    pdfdoc.format = _format
    textobject._PDFColorSetter.setFillColor = _set_fill  # Canvas and PDFTextObject both inherit them
    textobject._PDFColorSetter.setStrokeColor = _set_stroke
    ttfonts.TTFont.addObjects = _add_objects  # type: ignore[method-assign]
    pdfdoc.PDFDictionary.format = _dict_format  # type: ignore[method-assign]
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    # Paragraphs only once they are imported (rlparagraph.py installs again): a build that draws none
    # does not pay for importing them.
    paragraph = sys.modules.get("reportlab.platypus.paragraph")
    if paragraph is not None:
        paragraph.sameFrag = same_frag


def registered_face(ps_name: str) -> str | None:
    """The ReportLab font name already registered for a PostScript name, if any."""
    font = pdfmetrics._dynFaceNames.get(ps_name)
    return font.fontName if font is not None else None


install()
