"""The print variant with marks: bleed and crop marks around every page, on a larger MediaBox.

Each page keeps its coordinates: the MediaBox grows around it (its lower left corner goes below zero),
TrimBox is the page as it was, BleedBox the trim plus the bleed. So nothing that points into a page
moves, and nothing needs rewriting: the content stream and its marked content, the structure
elements' bounding boxes, the text frame (/ArtBox), link rectangles and bookmark destinations all stay
as they are, and a tagged file stays tagged as it was.

The crop marks are thin black lines (DeviceGray, so pure K, which a one-colour job prints too) along
the trim's edges, from OFFSET outside the trim outwards, so clear of the bleed; in a tagged file they
are page artifacts (ISO 32000-1, 14.8.2.2: "cut marks and colour bars"), which screen readers skip.
"""
from __future__ import annotations

import io

import pikepdf

from .model import MM

OFFSET = 5 * MM  # from the trim to a mark: at least 3 mm, and past a 3 mm bleed
LENGTH = 5 * MM
SLUG = 2 * MM  # paper beyond the marks' ends
LINE = 0.25  # points: a hairline a guillotine can be set to


def with_marks(pdf: bytes, bleed_mm: float = 3) -> bytes:
    """`pdf` with every page on a MediaBox with room for the bleed and crop marks, TrimBox and BleedBox
    set, and the marks drawn; reproducible bytes."""
    bleed = bleed_mm * MM
    if not 0 <= bleed < OFFSET:
        raise ValueError(f"a bleed of {bleed_mm} mm leaves no room for crop marks {OFFSET / MM:.0f} mm "
                         "from the trim")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tagged = "/StructTreeRoot" in doc.Root
        for page in doc.pages:
            _mark(doc, page, bleed, tagged)
        out = io.BytesIO()
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
        return out.getvalue()


def page_trim(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """A page's trim: its TrimBox, or (none set) its CropBox or MediaBox, as PDF defaults them."""
    for box in ("/TrimBox", "/CropBox", "/MediaBox"):
        value = page.obj.get(box)
        if value is not None:
            left, bottom, right, top = (float(v) for v in value)
            return min(left, right), min(bottom, top), max(left, right), max(bottom, top)
    raise ValueError("a page has no MediaBox")


def _mark(doc: pikepdf.Pdf, page: pikepdf.Page, bleed: float, tagged: bool) -> None:
    left, bottom, right, top = page_trim(page)
    media = [float(v) for v in page.mediabox]
    room = OFFSET + LENGTH + SLUG
    grown = (min(left - room, media[0]), min(bottom - room, media[1]),
             max(right + room, media[2]), max(top + room, media[3]))
    page.obj.MediaBox = _box(*grown)
    if "/CropBox" in page.obj:
        page.obj.CropBox = _box(*grown)  # a CropBox is the part shown and printed: all of it now
    page.obj.TrimBox = _box(left, bottom, right, top)
    page.obj.BleedBox = _box(left - bleed, bottom - bleed, right + bleed, top + bleed)
    marks = _crop_marks(left, bottom, right, top)
    if tagged:
        marks = b"/Artifact <</Type /Page>> BDC\n" + marks + b"EMC\n"
    # The page's own content in q...Q, so whatever state it leaves does not reach the marks.
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + marks)
    page.contents_coalesce()


def _crop_marks(left: float, bottom: float, right: float, top: float) -> bytes:
    lines = []
    for x, y, dx, dy in ((left, bottom, -1, -1), (right, bottom, 1, -1), (left, top, -1, 1), (right, top, 1, 1)):
        near, far = OFFSET, OFFSET + LENGTH
        lines.append(f"{x + dx * near:.3f} {y:.3f} m {x + dx * far:.3f} {y:.3f} l")  # along the horizontal edge
        lines.append(f"{x:.3f} {y + dy * near:.3f} m {x:.3f} {y + dy * far:.3f} l")  # along the vertical edge
    return (f"q 0 G {LINE} w [] 0 d 0 J\n" + "\n".join(lines) + "\nS Q\n").encode("ascii")


def _box(*values: float) -> pikepdf.Array:
    return pikepdf.Array([round(v, 4) for v in values])
