"""Pack page numbers: each page of a clinic pack shows where it sits in the pack.

A leaflet in a pack keeps its own footer ("Page 1 of 9"), but the contents page
and the job ticket count the pages of the whole pack. So that staff can follow
them, every pack page also gets its pack page number ("Pack page 12") at the
footer's size and height, in the other bottom corner from the page's own
footer. ReportLab draws the numbers as one PDF, a page per pack page, each
number a pagination artifact (outside the structure tree, not read aloud);
`merge.merge_tagged` lays each of its pages over the pack page of the same
number.
"""
from __future__ import annotations

import io

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
