"""Pack page numbers: each page of a clinic pack shows where it sits in the pack.

A leaflet in a pack keeps its own footer ("Page 1 of 9"), but the contents page
and the job ticket count the pages of the whole pack. So that staff can follow
them, every pack page also gets its pack page number ("Pack page 12") at the
footer's size and height, in the other bottom corner from the page's own
footer. ReportLab draws the numbers as one PDF, a page per pack page, each
number a pagination artifact (outside the structure tree, not read aloud);
`merge.merge_tagged` has `lay_over_and_save` lay each of its pages over the
pack page of the same number.
"""
from __future__ import annotations

import io

import pikepdf
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject, RectangleObject
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .model import Layout
from .styles import make_styles
from .rlparagraph import LeafletParagraph


def page_number_overlay(texts: list[str], lang: str, footer_langs: list[str], layout: Layout) -> bytes:
    """A PDF with a page per pack page: `texts[i]` (in `lang`) at the foot of page i + 1, in the corner
    away from that page's own footer, whose language (`footer_langs[i]`) puts it on the right or the left."""
    width, height = layout.page_size
    _, right, bottom, left = layout.margins
    footer = make_styles(layout, lang)["footer"]
    on_left = ParagraphStyle("pack-page-left", parent=footer, alignment=TA_LEFT)
    on_right = ParagraphStyle("pack-page-right", parent=footer, alignment=TA_RIGHT)
    out = io.BytesIO()
    # initialFontName: ReportLab would otherwise list Helvetica, which it never embeds.
    canv = Canvas(out, pagesize=(width, height), invariant=1, initialFontName=footer.fontName)
    for text, footer_lang in zip(texts, footer_langs, strict=True):
        # A page's own footer is in the outer corner of its reading direction (render.py): right, unless
        # the page is in a right-to-left language.
        style = on_right if fonts.is_rtl(footer_lang) else on_left
        para = LeafletParagraph(fonts.to_markup([(text, False)], lang), style)
        _, h = para.wrap(width - left - right, bottom)
        canv.addLiteral("/Artifact <</Type /Pagination>> BDC")
        para.drawOn(canv, left, (bottom - h) / 2)  # on the footer's line, as render.py places it
        canv.addLiteral("EMC")
        canv.showPage()
    canv.save()
    return out.getvalue()


def lay_over_and_save(pdf: bytes, overlay: bytes | None) -> bytes:
    """`pdf` with each page of `overlay` (if any) drawn over its page of the same number, in object streams."""
    with pikepdf.open(io.BytesIO(pdf)) as merged:
        if overlay is None:
            return _save(merged)
        # Open until saved: qpdf copies the overlay's streams when it writes.
        with pikepdf.open(io.BytesIO(overlay)) as over:
            _lay_over(merged, over)
            return _save(merged)


def _save(pdf: pikepdf.Pdf) -> bytes:
    # qpdf writes the object streams; its deterministic /ID is a digest of
    # the content, so the same inputs give the same bytes.
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


_OVERLAY = pikepdf.Name("/PackOverlay")  # the overlay page's form, in each merged page's resources


def _lay_over(pdf: pikepdf.Pdf, overlay: pikepdf.Pdf) -> None:
    """Draw each overlay page over the page of the same number, as a form XObject.

    The page's own content is left as it is (wrapped in q…Q), so its marked
    content and the ParentTree still agree; the overlay holds artifacts only,
    which need no MCID.
    """
    if len(overlay.pages) != len(pdf.pages):
        raise ValueError(f"the overlay has {len(overlay.pages)} pages for {len(pdf.pages)} merged pages")
    for page, over in zip(pdf.pages, overlay.pages):
        form = pdf.copy_foreign(over.as_form_xobject())
        # Page.add_overlay would name the form at random: a fixed name keeps the output reproducible.
        name = page.add_resource(form, pikepdf.Name.XObject, _OVERLAY, replace_existing=False)
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n")
        placed = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.mediabox))
        # The form is painted inside an artifact sequence too: a paint outside any marked content is untagged.
        page.contents_add(b"/Artifact <</Type /Pagination>> BDC\n" + placed + b"\nEMC\n")
        page.contents_coalesce()


def add_blank_page(writer: PdfWriter) -> None:
    """A page with no content, with the boxes of the previous one (a printer trims every page alike)."""
    previous = writer.pages[-1]
    page = writer.add_blank_page(1, 1)
    page[NameObject("/MediaBox")] = RectangleObject(previous.mediabox)
    for box in ("/TrimBox", "/BleedBox"):
        if box in previous:
            page[NameObject(box)] = RectangleObject(previous[box])
    if previous.get("/Rotate"):
        page[NameObject("/Rotate")] = NumberObject(int(previous["/Rotate"]))
