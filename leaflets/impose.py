"""A5 booklets: each A5 leaflet of a pack imposed 2-up on A4 sheets, to be folded and saddle-stitched.

The reading PDF stays as it is, tagged, for screen readers; the imposed file is for the press only:
untagged, and its metadata says so and names the reading PDF. Each leaflet becomes a booklet of its own,
padded with blank pages to a multiple of 4 before its last page, so that its back page stays the back
cover. Sheet k (from 0) of a booklet of n pages carries, left then right, pages n-2k and 2k+1 on its front
and 2k+2 and n-2k-1 on its back (turned over on the short edge): folded in the middle and nested, the
sheets read 1, 2, 3, …

The contents pages come first, each alone on a page of its own size (a loose A5 sheet, as in the pack):
they are printed once, for the clinic, and need no folding, while on an A4 sheet they would need a cut
and a word to the printer saying where. Each source page is drawn as a form XObject.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pikepdf

from .model import MM

SHEET = (297 * MM, 210 * MM)  # A4 landscape: two A5 pages side by side
IMPOSED_NS = "urn:x-leaflets:meta:1/"  # our XMP properties, as metadata.py names them
_RANGES = re.compile(r"(\d+)-(\d+)/(\d+)")


@dataclass(frozen=True)
class Side:
    """One page of the imposed file: the reading pages it shows, left to right (None: a blank page)."""
    pages: tuple[int | None, ...]
    loose: bool = False  # a loose page alone, at its own size; else a side of a booklet's sheet


def padded(count: int) -> int:
    """A booklet's pages: `count` padded to a multiple of 4."""
    return max(4, math.ceil(count / 4) * 4)


def reading_order(first: int, last: int) -> list[int | None]:
    """A booklet's pages in reading order: the leaflet's, blanks (None) before its back page."""
    pages: list[int | None] = list(range(first, last + 1))
    blanks = [None] * (padded(len(pages)) - len(pages))
    return pages + blanks if len(pages) == 1 else pages[:-1] + blanks + pages[-1:]


def booklet_sides(first: int, last: int) -> list[Side]:
    """The sides of a booklet's sheets in print order: each sheet's front, then its back."""
    order = reading_order(first, last)
    n = len(order)
    sides = []
    for k in range(n // 4):
        for left, right in ((n - 2 * k, 2 * k + 1), (2 * k + 2, n - 2 * k - 1)):
            sides.append(Side((order[left - 1], order[right - 1])))
    return sides


def plan(booklets: list[tuple[int, int]], loose: list[int]) -> list[Side]:
    """The imposed file's pages: the loose pages, then each booklet's sides."""
    return [Side((page,), loose=True) for page in loose] + \
        [side for first, last in booklets for side in booklet_sides(first, last)]


def placements(booklets: list[tuple[int, int]], loose: list[int]) -> list[tuple[int, int]]:
    """Where each loose page, then each booklet, is in the imposed file: its first and last page there."""
    out, at = [], 1
    for count in [1] * len(loose) + [padded(last - first + 1) // 2 for first, last in booklets]:
        out.append((at, at + count - 1))
        at += count
    return out


def describe(booklets: list[tuple[int, int]], loose: list[int]) -> dict[str, str]:
    """The imposition as XMP properties (leaflet:booklets "3-9/8 11-14/4": reading pages/padded pages)."""
    return {"imposition": "booklet", "loose": " ".join(map(str, loose)),
            "booklets": " ".join(f"{first}-{last}/{padded(last - first + 1)}" for first, last in booklets)}


def read_description(properties: dict[str, str]) -> tuple[list[tuple[int, int, int]], list[int]] | None:
    """`describe` read back: the booklets (first, last, pages) and the loose pages; None if not imposed."""
    if properties.get("imposition") != "booklet":
        return None
    booklets = [tuple(map(int, m.groups())) for m in _RANGES.finditer(properties.get("booklets", ""))]
    loose = [int(p) for p in properties.get("loose", "").split()]
    return booklets, loose  # type: ignore[return-value]


def booklet(reading: bytes, booklets: list[tuple[int, int]], loose: list[int], name: str = "") -> bytes:
    """The print-only file of `reading` (a pack of A5 leaflets): the `loose` pages (1-based) first, each
    alone, then each (first, last) page range as a saddle-stitched booklet on A4 sheets."""
    with pikepdf.open(io.BytesIO(reading)) as src:
        _check_ranges(booklets, loose, len(src.pages))
        out = pikepdf.new()
        forms: dict[int, pikepdf.Object] = {}

        def form(page: int) -> pikepdf.Object:
            if page not in forms:  # each source page copied once, its resources shared
                forms[page] = out.copy_foreign(src.pages[page - 1].as_form_xobject())
            return forms[page]

        for side in plan(booklets, loose):
            if side.loose:
                _loose_page(out, form(side.pages[0]))
            else:
                _sheet_side(out, side, form, _size(src.pages[booklets[0][0] - 1]))
        note = imposed_note(name)
        out.Root.Metadata = out.make_stream(_xmp(note, describe(booklets, loose), _created(src)),
                                            Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        out.docinfo = out.make_indirect(pikepdf.Dictionary(Title=note, Subject=note))
        data = io.BytesIO()
        out.save(data, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
        return data.getvalue()


def imposed_note(name: str) -> str:
    reading = f": the reading PDF is {name}" if name else ""
    return f"Imposed print file, not for reading{reading}"


def _check_ranges(booklets: list[tuple[int, int]], loose: list[int], pages: int) -> None:
    for first, last in booklets:
        if not 1 <= first <= last <= pages:
            raise ValueError(f"booklet pages {first}-{last} are not within the reading PDF's {pages} pages")
    for page in loose:
        if not 1 <= page <= pages:
            raise ValueError(f"loose page {page} is not within the reading PDF's {pages} pages")


def _size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.mediabox
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def _box(*values: float) -> pikepdf.Array:
    return pikepdf.Array([round(v, 4) for v in values])


def _loose_page(out: pikepdf.Pdf, form: pikepdf.Object) -> None:
    bbox = [float(v) for v in form.BBox]
    page = out.add_blank_page(page_size=(bbox[2] - bbox[0], bbox[3] - bbox[1]))
    page.obj.MediaBox = page.obj.TrimBox = page.obj.BleedBox = _box(0, 0, bbox[2] - bbox[0], bbox[3] - bbox[1])
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(P=form))
    page.Contents = out.make_stream(_draw("/P", -bbox[0], -bbox[1]))


def _sheet_side(out: pikepdf.Pdf, side: Side, form, size: tuple[float, float]) -> None:
    """One side of a booklet's sheet: two pages meeting at the fold, in the middle of the A4 sheet."""
    width, height = size
    if 2 * width > SHEET[0] + 0.01 or height > SHEET[1] + 0.01:
        raise ValueError(f"two pages of {width / MM:.0f} x {height / MM:.0f} mm do not fit on an A4 sheet")
    fold, bottom = SHEET[0] / 2, (SHEET[1] - height) / 2
    page = out.add_blank_page(page_size=SHEET)
    page.obj.MediaBox = _box(0, 0, *SHEET)
    # The flat sheet, trimmed; nothing bleeds (the BleedBox would default to the whole A4 sheet).
    page.obj.TrimBox = page.obj.BleedBox = _box(fold - width, bottom, fold + width, bottom + height)
    xobjects, content = pikepdf.Dictionary(), b""
    for reading_page, x in zip(side.pages, (fold - width, fold)):
        if reading_page is None:
            continue
        placed = form(reading_page)
        bbox = [float(v) for v in placed.BBox]
        xobjects[f"/P{reading_page}"] = placed
        content += _draw(f"/P{reading_page}", x - bbox[0], bottom - bbox[1])
    page.Resources = pikepdf.Dictionary(XObject=xobjects)
    page.Contents = out.make_stream(content)


def _draw(name: str, x: float, y: float) -> bytes:
    return f"q 1 0 0 1 {x:.4f} {y:.4f} cm {name} Do Q\n".encode("ascii")


def _created(src: pikepdf.Pdf) -> str:
    """The reading PDF's date, so that the same pack gives the same bytes."""
    meta = src.open_metadata()  # read only: outside `with`, nothing is written back
    return str(meta.get("xmp:CreateDate", "")) or "1970-01-01"


def _xmp(note: str, properties: dict[str, str], date: str) -> bytes:
    ours = "".join(f"<leaflet:{k}>{escape(v)}</leaflet:{k}>" for k, v in sorted(properties.items()))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:leaflet="{IMPOSED_NS}">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(note)}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(note)}</rdf:li></rdf:Alt></dc:description>
<xmp:CreateDate>{escape(date)}</xmp:CreateDate>
<xmp:ModifyDate>{escape(date)}</xmp:ModifyDate>
{ours}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode("utf-8")
