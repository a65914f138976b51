"""Workarounds for ReportLab 5.1.0 bugs that need process-wide patches.

- PDFTextObject.setRise keeps a stale rise when two Ts operators are merged,
  and raises IndexError on an empty code list (Nastaliq shows both);
- the ToUnicode CMap maps unused subset codes to U+0000, which PDF/UA-1 forbids.

The patches are installed once, when this module is first imported (the
ReportLab modules of this package import it). Each leans on ReportLab
internals; tests/test_rlfixes.py shows each bug and fails when the internals
change. reportlab is pinned exactly for that reason. The other internals the
project uses live in rlcanvas.py (the canvas), rlparagraph.py (paragraphs),
rlbreak.py (breaking a word wider than its column) and rllinks.py (links).
"""
from __future__ import annotations

from typing import Sequence

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.textobject import PDFTextObject

from . import rltounicode as tounicode

__all__ = ["install", "registered_face"]

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
    used = [(i, tounicode.text_of(ps_name, v) or chr(v)) for i, v in enumerate(subset) if v]
    cmap = _ORIGINAL_TO_UNICODE(fontname, subset).split("\n")
    start = cmap.index(f"{len(subset)} beginbfchar")
    end = cmap.index("endbfchar")
    return "\n".join(cmap[:start] + [f"{len(used)} beginbfchar"] +
                     ["<%02X> <%s>" % (i, t.encode("utf-16-be").hex().upper()) for i, t in used] + cmap[end:])


def install() -> None:
    """Apply the module-level ReportLab fixes. Idempotent."""
    PDFTextObject.setRise = _set_rise  # type: ignore[method-assign]
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def registered_face(ps_name: str) -> str | None:
    """The ReportLab font name already registered for a PostScript name, if any."""
    font = pdfmetrics._dynFaceNames.get(ps_name)
    return font.fontName if font is not None else None


install()
