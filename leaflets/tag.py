"""Stage 5: tag the PDF (PDF/UA-1) while ReportLab draws it.

ReportLab writes no tags. Reopening the file to add them costs about a third
more time, so the tree is written in the same pass: `TaggingCanvas` wraps what
the render stage draws in marked content (`BDC … EMC` with an MCID), and
`StructTree` builds the structure elements with ReportLab's own PDF objects.
Nothing is serialised before `save()`, so the arrays may grow while pages are
drawn.

Pages are held until `save()` (rlcanvas.py) so that "Page N of M" knows M; the
furniture is drawn then, as an artifact, and each page gets its /StructParents
entry.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFString, XMP
from reportlab.pdfgen.canvas import Canvas

from .metadata import xmp
from .plan import DocInfo, Elem
from .rlcanvas import HeldPagesCanvas, page_ref

PDF_TRUE = "true"  # ReportLab would write a Python True as 'True', which is not PDF
BBox = tuple[float, float, float, float]


@dataclass
class _Element:
    obj: PDFDictionary
    ref: PDFObjectReference
    page: int | None  # the page of its /Pg, set at its first marked content


class StructTree:
    """The structure tree of one document, built while it is drawn."""

    def __init__(self, canv: HeldPagesCanvas, info: DocInfo):
        self.reference = canv.reference
        self.root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        self.root_ref = self.reference(self.root)
        self.elements: dict[str, _Element] = {}
        self.document = self._new(Elem("document", "Document"), self.root_ref, None)
        self.root["K"] = PDFArray([self.document.ref])
        self.nums = PDFArray([])
        self.root["ParentTree"] = self.reference(PDFDictionary({"Nums": self.nums}))
        self.info = info

    def _new(self, spec: Elem, parent: PDFObjectReference, page: int | None) -> _Element:
        obj = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(spec.role), "P": parent,
                             "K": PDFArray([])})
        if spec.lang:
            obj["Lang"] = PDFString(spec.lang)
        if spec.alt is not None:
            obj["Alt"] = PDFString(spec.alt)
        if page is not None:
            obj["Pg"] = page_ref(page)
        element = _Element(obj, self.reference(obj), page)
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
            element.obj["Pg"] = page_ref(page)
        if element.page == page:
            element.obj["K"].sequence.append(mcid)
        else:  # a paragraph continued on a later page stays one element
            element.obj["K"].sequence.append(PDFDictionary(
                {"Type": PDFName("MCR"), "Pg": page_ref(page), "MCID": mcid}))

    def set_actual_text(self, element: _Element, text: str) -> None:
        if "ActualText" not in element.obj:
            element.obj["ActualText"] = PDFString(text)

    def set_bbox(self, element: _Element, bbox: BBox) -> None:
        element.obj["A"] = PDFDictionary({"O": PDFName("Layout"),
                                          "BBox": PDFArray([round(v, 2) for v in bbox])})

    def finish(self, canv: Canvas, pages: int) -> None:
        self.root["ParentTreeNextKey"] = pages
        canv.setCatalogEntry("StructTreeRoot", self.root)
        canv.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": PDF_TRUE}))
        canv.setCatalogEntry("ViewerPreferences", PDFDictionary({"DisplayDocTitle": PDF_TRUE}))
        canv.setCatalogEntry("Metadata", XMP(creator=lambda doc: xmp(self.info)))


Furniture = Callable[[Canvas, int, int], None]


class TaggingCanvas(HeldPagesCanvas):
    """A canvas that writes marked content and the structure tree as it draws.

    `with canv.marked(path):` wraps what a flowable draws in its element;
    `with canv.artifact():` wraps decoration.
    """

    def __init__(self, *args, info: DocInfo, furniture: Furniture, tagged: bool = True, **kw):
        kw["lang"] = info.lang
        super().__init__(*args, date=info.date, **kw)
        self.tree = StructTree(self, info)
        self.furniture = furniture
        self._marks: list[PDFObjectReference] = []  # element by MCID, on this page
        self._path: tuple[Elem, ...] = ()  # of the marked content last begun
        self._links: dict[str, tuple[_Element, str]] = {}  # link element and address, by URI: of the last begun
        self._annotations: list[tuple[PDFDictionary, PDFObjectReference]] = []  # each link's, and its element
        self._open = 0
        self.tagged = tagged  # False only to measure what tagging costs (make bench)

    # -- marked content --
    def _begin(self, path: tuple[Elem, ...], actual_text: str | None = None, bbox: BBox | None = None) -> None:
        if not self.tagged:
            return
        page = self.page_index
        element = self.tree.element(path, page)
        if actual_text:
            # PDFium reads a line's /ActualText as if it were in visual order and
            # reverses right-to-left runs; the element's own /ActualText is read as
            # it is. Both hold the logical text.
            self.tree.set_actual_text(element, actual_text)
        if bbox is not None:
            self.tree.set_bbox(element, bbox)
        self._path = path
        self.addLiteral(f"/{path[-1].role} <</MCID {self._new_mcid(element, page)}>> BDC")
        self._open += 1

    def _new_mcid(self, element: _Element, page: int) -> int:
        mcid = len(self._marks)
        self._marks.append(element.ref)
        self.tree.add_content(element, page, mcid)
        return mcid

    def _end(self) -> None:
        if not self.tagged:
            return
        self.addLiteral("EMC")
        self._open -= 1

    @contextmanager
    def marked(self, path: tuple[Elem, ...], *, label: tuple[Elem, ...] | None = None,
               actual_text: str | None = None, bbox: BBox | None = None) -> Iterator[None]:
        """Mark what is drawn inside as content of the element at the end of `path`.

        With `label`, the first text object drawn inside (a list label, which
        ReportLab draws first) is marked as the label's element instead.
        """
        if label is None:
            self._begin(path, actual_text, bbox)
        else:
            self._begin(label)
            self.after_next_text(lambda: (self._end(), self._begin(path, actual_text, bbox)))
        try:
            yield
        finally:
            self._end()

    @contextmanager
    def artifact(self, kind: str = "Layout") -> Iterator[None]:
        """Mark what is drawn inside as an artifact (decoration, page furniture)."""
        if self.tagged:
            self.addLiteral(f"/Artifact <</Type /{kind}>> BDC")
            self._open += 1
        try:
            yield
        finally:
            self._end()

    # -- links (rllinks.py): an address's marked content, in a Link element of its paragraph's --
    def link_mark(self, link: tuple[tuple[int, str], str], what: str) -> str | None:
        """The operator that begins ("start") or ends ("end") an address's marked content, nested in its
        paragraph's; None untagged. `link` is ((its index in the paragraph, the address), URI)."""
        if not self.tagged:
            return None
        if what == "end":
            return "EMC"
        (index, text), uri = link
        page = self.page_index
        element = self.tree.element((*self._path, Elem(f"{self._path[-1].key}/link/{index + 1}", "Link")), page)
        self._links[uri] = (element, text)
        return f"/Link <</MCID {self._new_mcid(element, page)}>> BDC"

    def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
        """A line-piece of an address: a borderless Link annotation, in the address's Link element (an OBJR)."""
        element, text = self._links.get(url, (None, url))
        annotation, ref = self.add_link_annotation(url, rect, relative, text)
        if element is not None:
            element.obj["K"].sequence.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": ref,
                                                            "Pg": page_ref(self.page_index)}))
            self._annotations.append((annotation, element.ref))

    # -- pages, held until save (rlcanvas.py) --
    def start_page(self) -> None:
        assert self._open == 0, "marked content left open at a page end"
        self._marks = []

    def finish_page(self, number: int, pages: int) -> None:
        self.saveState()
        with self.artifact("Pagination"):
            self.furniture(self, number, pages)
        self.restoreState()

    def page_written(self, index: int, page) -> None:
        if self.tagged:
            self.set_page_entries(page, StructParents=index, Tabs=PDFName("S"))
            self.tree.nums.sequence.extend([index, PDFArray(self._marks)])

    def before_save(self, pages: int) -> None:
        if self.tagged:
            # Each link annotation's /StructParent, after the pages' /StructParents.
            for key, (annotation, element) in enumerate(self._annotations, pages):
                annotation["StructParent"] = key
                self.tree.nums.sequence.extend([key, element])
            self.tree.finish(self, pages + len(self._annotations))
