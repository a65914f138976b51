"""Stage 5: tag the PDF (PDF/UA-1) while ReportLab draws it.

ReportLab writes no tags. Reopening the file to add them costs about a third
more time, so the tree is written in the same pass: `TaggingCanvas` wraps what
the render stage draws in marked content (`BDC … EMC` with an MCID), and
`StructTree` builds the structure elements with ReportLab's own PDF objects.
Nothing is serialised before `save()`, so the arrays may grow while pages are
drawn.

Pages are kept until `save()` so that "Page N of M" knows M; the furniture is
drawn then, as an artifact, and each page gets its /StructParents entry.
"""
from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFObjectReference,
                                      PDFString, XMP)
from reportlab.pdfgen.canvas import Canvas

from .plan import DocInfo, Elem

PDF_TRUE = "true"  # ReportLab would write a Python True as 'True', which is not PDF


def actual_text(text: str) -> str:
    """`<FEFF…>`: a PDF hex string of UTF-16BE text, for /ActualText and /Alt in content streams."""
    return "<" + (codecs.BOM_UTF16_BE + text.encode("utf-16-be")).hex().upper() + ">"


def _page_ref(index: int) -> PDFObjectReference:
    # ReportLab names page objects Page1, Page2… in the order they are added.
    return PDFObjectReference(f"Page{index + 1}")


@dataclass
class _Element:
    obj: PDFDictionary
    ref: PDFObjectReference
    page: int | None  # the page of its /Pg, set at its first marked content


class StructTree:
    """The structure tree of one document, built while it is drawn."""

    def __init__(self, canv: Canvas, info: DocInfo):
        self.doc = canv._doc
        self.root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        self.root_ref = self.doc.Reference(self.root)
        self.elements: dict[str, _Element] = {}
        self.document = self._new(Elem("document", "Document"), self.root_ref, None)
        self.root["K"] = PDFArray([self.document.ref])
        self.nums = PDFArray([])
        self.root["ParentTree"] = self.doc.Reference(PDFDictionary({"Nums": self.nums}))
        self.info = info

    def _new(self, spec: Elem, parent: PDFObjectReference, page: int | None) -> _Element:
        obj = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(spec.role), "P": parent,
                             "K": PDFArray([])})
        if spec.lang:
            obj["Lang"] = PDFString(spec.lang)
        if spec.alt is not None:
            obj["Alt"] = PDFString(spec.alt)
        if page is not None:
            obj["Pg"] = _page_ref(page)
        element = _Element(obj, self.doc.Reference(obj), page)
        self.elements[spec.key] = element
        return element

    def element(self, path: tuple[Elem, ...], page: int) -> _Element:
        """The element at the end of `path`, made (with its parents) on first use.

        Made lazily, on first draw, so that a split part never drawn leaves no orphan.
        """
        parent = self.document
        for spec in path:
            found = self.elements.get(spec.key)
            if found is None:
                found = self._new(spec, parent.ref, page)
                parent.obj["K"].sequence.append(found.ref)
            parent = found
        return parent

    def add_content(self, element: _Element, page: int, mcid: int) -> None:
        if element.page is None:
            element.page = page
            element.obj["Pg"] = _page_ref(page)
        if element.page == page:
            element.obj["K"].sequence.append(mcid)
        else:  # a paragraph continued on a later page stays one element
            element.obj["K"].sequence.append(PDFDictionary(
                {"Type": PDFName("MCR"), "Pg": _page_ref(page), "MCID": mcid}))

    def set_actual_text(self, element: _Element, text: str) -> None:
        if "ActualText" not in element.obj:
            element.obj["ActualText"] = PDFString(text)

    def set_bbox(self, element: _Element, bbox: tuple[float, float, float, float]) -> None:
        element.obj["A"] = PDFDictionary({"O": PDFName("Layout"),
                                          "BBox": PDFArray([round(v, 2) for v in bbox])})

    def end_page(self, page_obj, index: int, marks: list[PDFObjectReference]) -> None:
        page_obj.StructParents = index
        page_obj.Tabs = PDFName("S")
        # PDFPage writes only the keys listed in __NoDefault__ and drops others silently.
        page_obj.__NoDefault__ = page_obj.__NoDefault__ + ["StructParents", "Tabs"]
        self.nums.sequence.extend([index, PDFArray(marks)])

    def finish(self, canv: Canvas, pages: int) -> None:
        self.root["ParentTreeNextKey"] = pages
        canv.setCatalogEntry("StructTreeRoot", self.root)
        canv.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": PDF_TRUE}))
        canv.setCatalogEntry("ViewerPreferences", PDFDictionary({"DisplayDocTitle": PDF_TRUE}))
        canv.setCatalogEntry("Metadata", XMP(creator=lambda doc: xmp(self.info)))


def xmp(info: DocInfo) -> bytes:
    """XMP metadata: dc:title, pdfuaid:part 1, and our own leaflet properties."""
    date = info.date.isoformat()
    ours = "".join(f"<leaflet:{k}>{escape(v)}</leaflet:{k}>" for k, v in sorted(info.keywords.items()))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:leaflet="urn:x-leaflets:meta:1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:publisher><rdf:Bag><rdf:li>{escape(info.publisher)}</rdf:li></rdf:Bag></dc:publisher>
<dc:language><rdf:Bag><rdf:li>{escape(info.lang)}</rdf:li></rdf:Bag></dc:language>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt></dc:description>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
{ours}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode("utf-8")


class _FixedTime:
    """ReportLab's TimeStamp, at the edition's date, so that output is reproducible."""

    def __init__(self, date: dt.date):
        stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
        self.t = stamp.timestamp()
        self.lt = stamp.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"
        self.datetime = stamp


Furniture = Callable[[Canvas, int, int], None]


class TaggingCanvas(Canvas):
    """A canvas that writes marked content and the structure tree as it draws.

    `begin(path)` / `end()` wrap what a flowable draws; `artifact()` / `end()`
    wrap decoration. Pages are held until `save()` (see the module docstring).
    """

    def __init__(self, *args, info: DocInfo, furniture: Furniture, tagged: bool = True, **kw):
        kw["pdfVersion"] = (1, 7)  # BaseDocTemplate does not pass it through; 1.3 otherwise
        kw["invariant"] = 1
        kw["lang"] = info.lang
        super().__init__(*args, **kw)
        self._doc._timeStamp = _FixedTime(info.date)
        self.tree = StructTree(self, info)
        self.furniture = furniture
        self._held: list[dict] = []
        self._marks: list[PDFObjectReference] = []  # element by MCID, on this page
        self._bookmarks: list[tuple[str, float]] = []
        self._after_text: Callable[[], None] | None = None
        self._open = 0
        self.tagged = tagged  # False only to measure what tagging costs (make bench)
        self.pages = 0  # known at save()

    # -- marked content --
    def begin(self, path: tuple[Elem, ...]) -> _Element | None:
        if not self.tagged:
            return None
        page = len(self._held)
        element = self.tree.element(path, page)
        mcid = len(self._marks)
        self._marks.append(element.ref)
        self.tree.add_content(element, page, mcid)
        self.addLiteral(f"/{path[-1].role} <</MCID {mcid}>> BDC")
        self._open += 1
        return element

    def artifact(self, kind: str = "Layout") -> None:
        if not self.tagged:
            return
        self.addLiteral(f"/Artifact <</Type /{kind}>> BDC")
        self._open += 1

    def end(self) -> None:
        if not self.tagged:
            return
        self.addLiteral("EMC")
        self._open -= 1

    def after_next_text(self, callback: Callable[[], None]) -> None:
        """Call `callback` after the next text object is drawn (a list label, drawn first)."""
        self._after_text = callback

    def drawText(self, text_object) -> None:
        super().drawText(text_object)
        if self._after_text is not None:
            callback, self._after_text = self._after_text, None
            callback()

    # -- pages held until save --
    def bookmarkPage(self, key, fit="XYZ", left=0, top=None, **kw):
        self._bookmarks.append((key, top))

    def showPage(self) -> None:
        assert self._open == 0, "marked content left open at a page end"
        self._held.append(dict(self.__dict__))
        self._marks, self._bookmarks = [], []
        self._startPage()

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        held, pages = self._held, len(self._held)
        for index, state in enumerate(held):
            self.__dict__.update(state)
            self.saveState()
            self.artifact("Pagination")
            self.furniture(self, index + 1, pages)
            self.end()
            self.restoreState()
            for key, top in state["_bookmarks"]:
                Canvas.bookmarkPage(self, key, fit="XYZ", left=0, top=top)
            Canvas.showPage(self)
            if self.tagged:
                self.tree.end_page(self._doc.Pages.pages[-1], index, state["_marks"])
        self._held = []
        self.pages = pages  # after the loop: each held page's state would overwrite it
        if self.tagged:
            self.tree.finish(self, pages)
        Canvas.save(self)

