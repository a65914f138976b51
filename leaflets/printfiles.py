"""A pack's print files: the files a print shop prints the order from, each given its PDF/X-4 properties
(pdfx.py) last.

Loose sheets print from the pack itself, `<pack>.pdf` (and from its press runs, with `split: colour`), a
tagged file that screen readers read too. A pack bound as booklets (`binding: booklet`, A5 leaflets)
prints from `<pack>.booklet.pdf` instead: each leaflet imposed as its own saddle-stitched booklet on A4
sheets, from its own pages in the pack (the pack's blank pages between leaflets left out), the contents
a loose page (impose.py); untagged, for the press only. Split by colour, each run is imposed from the
pack's pages of its colour: `<pack>.1-1.booklet.pdf`, `<pack>.4-4.booklet.pdf`. The pack stays as it
is, tagged, for reading. With crop marks (`--print-marks`), each file printed from is also written as
`<…>.marks.pdf`: the same pages with a 3 mm bleed and crop marks outside it (printmarks.py).

Each file is described as read back from its own bytes: its pages, boxes and colours.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pikepdf

from . import impose, pdfx, printmarks
from .check.pdf import box
from .inks import colours_of, read_inks
from .manifest import print_name
from .model import MM
from .ticket import PrintFile

Span = tuple[int, int]  # first and last page


@dataclass(frozen=True)
class Press:
    """A file of the pack before its PDF/X properties, and the pages each ticket item is on in it."""
    name: str
    data: bytes
    title: str
    placed: tuple[Span | None, ...]  # by ticket item (the contents first); None: not printed from this file
    run: str | None = None  # the press run's colours; None: the whole order
    tagged: bool = True
    imposed: bool = False


@dataclass(frozen=True)
class Made:
    """A print file as written, as the ticket describes it, and each item's pages in it."""
    data: bytes
    described: PrintFile
    placed: tuple[Span | None, ...]


def imposed(pack: str, reading: bytes, spans: list[Span], chosen: list[int], run: str | None = None) -> Press:
    """The ticket items `chosen` (0: the contents, loose; the others each a booklet) of the pack `reading`,
    whose item k is on its pages spans[k], imposed for the press."""
    loose = list(range(spans[0][0], spans[0][1] + 1)) if 0 in chosen else []
    leaflets = [k for k in chosen if k]
    booklets = [spans[k] for k in leaflets]
    at = impose.placements(booklets, loose)
    placed: list[Span | None] = [None] * len(spans)
    if loose:  # the contents' pages, each alone, one after another
        placed[0] = (at[0][0], at[len(loose) - 1][1])
    for k, where in zip(leaflets, at[len(loose):]):
        placed[k] = where
    name = print_name(pack)
    title = impose.imposed_note(name) + (f" (press run {run})" if run else "")
    return Press(print_name(pack, run, booklet=True), impose.booklet(reading, booklets, loose, name), title,
                 tuple(placed), run, tagged=False, imposed=True)


def finish(press: Press, marks: bool, made: bytes | None = None, inks: list | None = None) -> list[Made]:
    """The press file with its PDF/X properties (`made`, if already made, and its pages' `inks`, if already
    read), and with crop marks too if asked."""
    out = [describe(press, made or pdfx.print_file(press.data, press.title), marks=False, inks=inks)]
    if marks:
        marked = pdfx.print_file(printmarks.with_marks(press.data), press.title)
        out.append(describe(press, marked, marks=True))
    return out


def describe(press: Press, data: bytes, marks: bool, inks: list | None = None) -> Made:
    """A print file as read back from its bytes: its pages, colours (from `inks` if already read) and boxes."""
    trims, media, bleeds = set(), set(), {0.0}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            trim, whole = box(page.obj.TrimBox), box(page.mediabox)
            # As PDF defaults them: no BleedBox bleeds to the CropBox, no CropBox is the MediaBox.
            bleed = box(page.obj.get("/BleedBox", page.obj.get("/CropBox", page.mediabox)))
            trims.add(_size(trim))
            media.add(_size(whole))
            bleeds.add(round(max(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]) / MM,
                             1))
    name = press.name.removesuffix(".pdf") + ".marks.pdf" if marks else press.name
    described = PrintFile(name, pages, hashlib.sha256(data).hexdigest(), colours_of(read_inks(data) if inks is None else inks), press.run,
                          press.tagged, press.imposed, marks, max(bleeds), tuple(sorted(trims)), tuple(sorted(media)))
    return Made(data, described, press.placed)


def _size(box: tuple[float, float, float, float]) -> tuple[int, int]:
    return round((box[2] - box[0]) / MM), round((box[3] - box[1]) / MM)
