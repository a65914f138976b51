"""How well a built leaflet is laid out, read back from its PDF alone (make bench prints it).

qpdf (pikepdf) gives the structure tree: each element's role, /ActualText and
marked content (page, MCID); pdfplumber (pdfminer) gives every glyph and path
with the MCID it is marked with. Nothing comes from the writer's own data.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pdfplumber
import pikepdf

PARAGRAPHS = {"P", "LBody"}
HEADINGS = {"H1", "H2", "H3"}


@dataclass(frozen=True)
class LayoutReport:
    pages: int
    emptiest_fill: float | None  # fill of the emptiest page before the last body page; None if there is none
    emptiest_page: int | None  # its number, from 1
    widows: int  # a paragraph's last line alone at the head of a page
    orphans: int  # a paragraph's first line alone at the foot of a page
    split_boxes: int  # ruled boxes (the safety callout) whose text spans two pages
    stranded_headings: int  # headings that are the last thing on a page
    broken_words: int  # words broken across lines inside the margin


@dataclass
class _Element:
    role: str
    actual_text: str | None
    marks: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID), its own and its descendants'
    own: list[tuple[int, int]] = field(default_factory=list)  # its own marked content only


def _elements(pdf: pikepdf.Pdf) -> list[_Element]:
    """Every structure element, depth first, in document order."""
    page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out: list[_Element] = []

    def walk(node, page: int | None) -> list[tuple[int, int]]:
        if "/Pg" in node:
            page = page_index[node.Pg.objgen]
        el = _Element(str(node.S)[1:], str(node.ActualText) if "/ActualText" in node else None)
        out.append(el)
        kids = node.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        for kid in kids:
            if isinstance(kid, int):
                el.own.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                el.own.append((page_index[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                el.marks += walk(kid, page)
        el.marks += el.own
        return el.marks

    root = pdf.Root.StructTreeRoot
    for kid in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
        walk(kid, None)
    return out


def _lines(chars: list[dict]) -> list[str]:
    """The text of each line, in content order: a new line where the glyphs jump down by half a size."""
    lines: list[list[dict]] = []
    for c in chars:
        if lines and abs(c["top"] - lines[-1][-1]["top"]) < c["size"] / 2:
            lines[-1].append(c)
        else:
            lines.append([c])
    return ["".join(c["text"] for c in line) for line in lines]


def _broken_words(lines: list[str], whole: str) -> int:
    """Words of the whole text that a line end falls inside: where `whole` has no space between the
    last glyph of a line and the first of the next. 0 if the glyphs do not spell `whole`."""
    broken, pos = 0, 0
    spaced = True  # a space passed since the last break: a further break is in another word
    for n, line in enumerate(lines):
        for ch in line:
            if ch.isspace():
                continue
            while pos < len(whole) and whole[pos].isspace():
                pos, spaced = pos + 1, True
            if pos == len(whole) or whole[pos] != ch:
                return 0  # shaped or reordered glyphs (right to left): not comparable
            pos += 1
        if n < len(lines) - 1 and pos < len(whole) and not whole[pos].isspace():
            broken += spaced
            spaced = False
    return broken


def layout_report(data: bytes) -> LayoutReport:
    """The layout measures of a built PDF, each page's text frame being its /ArtBox."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        elements = _elements(pdf)
        frames = [[float(v) for v in page.obj.ArtBox] for page in pdf.pages]
    owner = {mark: el for el in elements for mark in el.own}
    with pdfplumber.open(io.BytesIO(data)) as plumb:
        height = [float(p.height) for p in plumb.pages]
        chars = [[c for c in p.chars if c["mcid"] is not None] for p in plumb.pages]
        # Paths inside the frame: the box's rule (an artifact), pictures; the page furniture lies below it.
        paths = [[o for o in (*p.rects, *p.curves, *p.lines) if o["top"] < h - f[1]]
                 for p, h, f in zip(plumb.pages, height, frames)]
    pages = len(frames)

    # The back page starts at its heading, the last H2: everything after it is about the leaflet.
    h2s = [el for el in elements if el.role == "H2"]
    back = h2s[-1] if h2s else None
    last_body = (min(p for p, _ in back.own) if back else pages) - 1
    fills = {}
    for i in range(last_body):
        top, bottom = height[i] - frames[i][3], height[i] - frames[i][1]
        lowest = max((o["bottom"] for o in (*chars[i], *paths[i])), default=top)
        fills[i] = (lowest - top) / (bottom - top)
    emptiest = min(fills, key=fills.get, default=None)
    fill = None if emptiest is None else fills[emptiest]

    widows = orphans = broken = 0
    for el in elements:
        if el.role not in PARAGRAPHS:
            continue
        by_page = {p: _lines([c for c in chars[p] if owner.get((p, c["mcid"])) is el])
                   for p in sorted({p for p, _ in el.own})}
        if len(by_page) > 1:  # it continues on another page
            first, last = min(by_page), max(by_page)
            orphans += len(by_page[first]) == 1
            widows += len(by_page[last]) == 1
        if el.actual_text:
            broken += _broken_words([line for p in sorted(by_page) for line in by_page[p]], el.actual_text)

    split_boxes = 0
    for el in elements:
        spans = sorted({p for p, _ in el.marks})
        if el.role != "Div" or len(spans) < 2:
            continue
        inside = [c for c in chars[spans[0]] if (spans[0], c["mcid"]) in el.marks]
        # A box: a rectangle round the Div's text on its first page (the contacts' Div has none).
        top, bottom = min(c["top"] for c in inside), max(c["bottom"] for c in inside)
        split_boxes += any(r["top"] <= top and r["bottom"] >= bottom
                           for r in paths[spans[0]] if r["object_type"] == "rect")

    stranded = 0
    for i in range(pages - 1):
        marked = [o for o in (*chars[i], *paths[i]) if o.get("mcid") is not None]
        if marked:
            last = max(marked, key=lambda o: o["bottom"])
            stranded += owner[(i, last["mcid"])].role in HEADINGS
    return LayoutReport(pages, fill, None if emptiest is None else emptiest + 1,
                        widows, orphans, split_boxes, stranded, broken)
