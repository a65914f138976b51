"""Easy-read pictures (OpenMoji SVGs): each parsed once per process, drawn once per PDF as a form XObject
and painted wherever it is used.

A form's operators depend on the artwork alone (its form starts from the initial graphics state), so they
are made once per process and written as they are into the form of every later PDF. svglib is imported only
when a picture is first needed: a build without pictures never loads it.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Image, String
from reportlab.pdfbase.pdfdoc import PDFDictionary
from reportlab.pdfgen.canvas import Canvas

from . import fonts

Rect = tuple[float, float, float, float]
_operators: dict[str, str] = {}  # a form's content by its name, as first drawn in this process


@dataclass(frozen=True)
class Picture:
    name: str  # its form's name, from the artwork's code and contents: the same in every build
    drawing: Drawing
    bounds: Rect  # of the artwork itself, which is scaled to the picture size
    box: Rect  # the form's /BBox: all the artwork paints, strokes too
    inline: bool  # drawn at each use instead (see _vectors_only)


def _vectors_only(node) -> bool:
    """Whether the drawing is opaque paths and shapes only. Text and images would draw with resources
    named per PDF, and transparency needs an /ExtGState that ReportLab leaves out of a form's resources."""
    if isinstance(node, (String, Image)):
        return False
    opacities = (getattr(node, a, None) for a in ("fillOpacity", "strokeOpacity"))
    return all(o is None or o >= 1 for o in opacities) and \
        all(_vectors_only(child) for child in getattr(node, "contents", ()))


@functools.lru_cache(maxsize=None)
def load(path: Path) -> Picture | None:
    """The picture in the SVG file at `path`; None if svglib cannot read it."""
    from svglib.svglib import svg2rlg
    drawing = svg2rlg(str(path))
    if drawing is None:
        return None
    # The drawing has no text, but would otherwise select Helvetica, which ReportLab never embeds.
    drawing.initialFontName = fonts.font_name("latin", "en", False)
    x0, y0, x1, y1 = bounds = drawing.getBounds()
    # A form is clipped to its /BBox, which the drawing never was: a margin keeps strokes and joins whole.
    pad = max(x1 - x0, y1 - y0) / 10
    box = (min(x0, 0) - pad, min(y0, 0) - pad, max(x1, drawing.width) + pad, max(y1, drawing.height) + pad)
    code = re.sub(r"[^A-Za-z0-9-]", "", path.stem)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    return Picture(f"picture-{code}-{digest}", drawing, bounds, box, not _vectors_only(drawing))


def paint(canv: Canvas, picture: Picture) -> None:
    """Paint the artwork at the origin, in its own coordinates. Its form is defined at its first use in the
    PDF: what the form draws goes to the form, not to the page, and holds no marked content."""
    if picture.inline:
        renderPDF.draw(picture.drawing, canv, 0, 0)
        return
    if not canv.hasForm(picture.name):
        canv.beginForm(picture.name, *picture.box)
        if picture.name in _operators:
            canv.addLiteral(_operators[picture.name])
        else:
            renderPDF.draw(picture.drawing, canv, 0, 0)
            _operators[picture.name] = canv.getCurrentPageContent()
        canv.endForm(Resources=PDFDictionary({}))  # paths and colours only: it needs no resources
    canv.doForm(picture.name)
