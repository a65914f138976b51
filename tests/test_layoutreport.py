"""The layout measures (leaflets/layoutreport.py) on a hand-drawn leaflet with one of each fault."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from reportlab.lib.pagesizes import A4

from leaflets import fonts
from leaflets.layoutreport import layout_report
from leaflets.plan import DocInfo, Elem
from leaflets.tag import TaggingCanvas

FRAME = (72, 72, 523, 770)  # left, bottom, right, top: 698 pt high
SIZE = 18


def five_pages() -> bytes:
    """Page 1: a title, then a paragraph's first line alone at the foot (an orphan).
    Page 2: that paragraph's other two lines, a paragraph of two lines that goes on, a heading last.
    Page 3: that paragraph's last line alone (a widow), then a ruled box whose paragraph goes on;
            the box's foot, 500 pt up, is the lowest thing: the emptiest page, 270 / 698 full.
    Page 4 (the last body page, not measured for fill): the box goes on; 'unbreakable' broken across three lines.
    Page 5: the back page, from its H2."""
    fonts.register_fonts()
    out = io.BytesIO()
    info = DocInfo(title="Layout test", lang="en", author="Test", publisher="Test", subject="Test",
                   date=dt.date(2026, 1, 1), keywords={})
    canv = TaggingCanvas(out, pagesize=A4, info=info, furniture=lambda c, page, pages: None,
                         artBox=FRAME, initialFontName=fonts.font_name("latin", "en", False), initialFontSize=SIZE)

    def lines(path: tuple[Elem, ...], texts: list[str], top: float, actual_text: str | None = None) -> None:
        with canv.marked(path, actual_text=actual_text):
            for i, text in enumerate(texts):
                canv.drawString(FRAME[0], top - i * 1.5 * SIZE, text)

    box, box_text = Elem("box", "Div"), Elem("box/1", "P")
    lines((Elem("title", "H1"),), ["Title"], 740)
    lines((Elem("orphaned", "P"),), ["An orphaned first line"], 100)
    canv.showPage()
    lines((Elem("orphaned", "P"),), ["and the rest of it", "on this page."], 740)
    lines((Elem("widowed", "P"),), ["A paragraph that leaves", "its last line"], 500)
    lines((Elem("stranded", "H2"),), ["A heading last"], 100)
    canv.showPage()
    lines((Elem("widowed", "P"),), ["alone on the next page."], 740)
    with canv.artifact():
        canv.rect(FRAME[0], 500, 300, 150)
    lines((box, box_text), ["Safety: a box", "split across"], 620)
    canv.showPage()
    lines((box, box_text), ["two pages", "of the leaflet."], 740)
    lines((Elem("broken", "P"),), ["An unbre", "ak", "able word and", "a whole one"], 600,
          actual_text="An unbreakable word and a whole one")
    canv.showPage()
    lines((Elem("about", "H2"),), ["About this leaflet"], 740)
    lines((Elem("about/1", "P"),), ["Edition 1"], 700)
    canv.save()
    return out.getvalue()


def test_each_fault_is_counted_once():
    report = layout_report(five_pages())
    assert report.pages == 5
    assert report.emptiest_page == 3
    assert report.emptiest_fill == pytest.approx((770 - 500) / 698, abs=0.005)
    assert (report.widows, report.orphans) == (1, 1)
    assert report.split_boxes == 1
    assert report.stranded_headings == 1
    assert report.broken_words == 1
