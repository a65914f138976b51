"""The ReportLab canvas internals the tagging leans on, in one place.

ReportLab writes each page as soon as `showPage()` is called, names page
objects `Page1`, `Page2`…, stamps the file with the current time, and writes
only the page keys it knows. To tag a PDF in one pass and to print "Page N of
M", `HeldPagesCanvas` holds every page until `save()` (a snapshot of the
canvas state per page, replayed then), writes the pages' extra keys, fixes the
time stamp to a date, and lets a hook run after the next text object. Every
internal used here is covered by tests/test_rlfixes.py, which fails when
ReportLab changes them (reportlab is pinned).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFString
from reportlab.pdfgen.canvas import Canvas


def page_ref(index: int) -> PDFObjectReference:
    """A reference to the page at `index` (from 0), usable before the page is written."""
    # ReportLab names page objects Page1, Page2… in the order they are added.
    return PDFObjectReference(f"Page{index + 1}")


class _FixedTime:
    """ReportLab's TimeStamp, at a given date, so that output is reproducible."""

    def __init__(self, date: dt.date):
        stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
        self.t = stamp.timestamp()
        self.lt = stamp.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"
        self.datetime = stamp


class HeldPagesCanvas(Canvas):
    """A PDF 1.7 canvas that holds its pages until `save()`, dated `date`.

    Subclasses finish each page in `finish_page(number, pages)` (it draws on
    the page, which is then written) and see each written page object in
    `page_written(index, page)`; `before_save(pages)` runs last.
    """

    def __init__(self, *args: Any, date: dt.date, **kw: Any):
        kw["pdfVersion"] = (1, 7)  # BaseDocTemplate does not pass it through; 1.3 otherwise
        kw["invariant"] = 1
        super().__init__(*args, **kw)
        self._doc._timeStamp = _FixedTime(date)
        self._held: list[dict] = []
        self._bookmarks: list[tuple[str, float]] = []  # on the page being drawn
        self._after_text: Callable[[], None] | None = None
        self.pages = 0  # known at save()

    @property
    def page_index(self) -> int:
        """The index (from 0) of the page being drawn."""
        return len(self._held)

    def reference(self, obj: Any) -> PDFObjectReference:
        """`obj` as an indirect object of this document, written at save()."""
        return self._doc.Reference(obj)

    @staticmethod
    def set_page_entries(page: Any, **entries: Any) -> None:
        """Add keys to a page object; ReportLab writes only the keys listed in __NoDefault__."""
        for key, value in entries.items():
            setattr(page, key, value)
        page.__NoDefault__ = page.__NoDefault__ + [k for k in entries if k not in page.__NoDefault__]

    def add_link_annotation(self, uri: str, rect: Any, relative: int, contents: str) -> tuple[PDFDictionary, Any]:
        """A borderless Link annotation opening `uri` over `rect`, on the page being drawn; and its reference."""
        annotation = PDFDictionary({"Type": PDFName("Annot"), "Subtype": PDFName("Link"),
                                    "Rect": PDFArray([round(v, 2) for v in self._absRect(rect, relative)]),
                                    "Border": PDFArray([0, 0, 0]), "Contents": PDFString(contents),
                                    "A": PDFDictionary({"S": PDFName("URI"), "URI": PDFString(uri)})})
        self._addAnnotation(annotation)
        return annotation, self._annotationrefs[-1]

    # -- hooks for subclasses --
    def start_page(self) -> None:
        """Reset per-page state after a page is held."""

    def finish_page(self, number: int, pages: int) -> None:
        """Draw on held page `number` (from 1) of `pages`, just before it is written."""

    def page_written(self, index: int, page: Any) -> None:
        """See the page object of held page `index` (from 0), just written."""

    def before_save(self, pages: int) -> None:
        """Finish the document once every page is written."""

    # -- a hook after the next text object --
    def after_next_text(self, callback: Callable[[], None]) -> None:
        """Call `callback` after the next text object is drawn (a list label is drawn first)."""
        self._after_text = callback

    def drawText(self, text_object: Any) -> None:
        super().drawText(text_object)
        if self._after_text is not None:
            callback, self._after_text = self._after_text, None
            callback()

    # -- pages held until save --
    def bookmarkPage(self, key: str, fit: str = "XYZ", left: float = 0, top: float | None = None,
                     **kw: Any) -> None:
        # A bookmark points at the page being written, so it waits with its page.
        self._bookmarks.append((key, top))

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._bookmarks = []
        self.start_page()
        self._startPage()

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        held, pages = self._held, len(self._held)
        for index, state in enumerate(held):
            self.__dict__.update(state)
            self.finish_page(index + 1, pages)
            for key, top in state["_bookmarks"]:
                Canvas.bookmarkPage(self, key, fit="XYZ", left=0, top=top)
            Canvas.showPage(self)
            self.page_written(index, self._doc.Pages.pages[-1])
        self._held = []
        self.pages = pages  # after the loop: each held page's state would overwrite it
        self.before_save(pages)
        Canvas.save(self)
