"""A long paragraph, many pages long: published whole, read back in order, with each page
reported as it is laid out. Built in-process, so no limit on a source's length applies."""
from __future__ import annotations

import dataclasses
import re

import pypdfium2 as pdfium
import pytest

from leaflets import markup
from leaflets.build import Dirs, decide, doc_info
from leaflets.catalogue import catalogue
from leaflets.layout import Context, lay_out
from leaflets.load import load_layout, load_sources
from leaflets.model import Heading, Leaflet, Paragraph
from leaflets.render import Rendered, render

from .conftest import ROOT
from .readback import element_text, elements, fold, read_pages

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def source_leaflet(lang: str) -> Leaflet:
    folder = ROOT / "sources" if lang == "en" else ROOT / "tests" / "fixtures" / "sources"
    return next(leaflet for leaflet in load_sources(folder).leaflets if leaflet.lang == lang)


def numbered_sentences(leaflet: Leaflet, chars: int) -> list[str]:
    """The leaflet's own sentences, numbered, round and round until there are `chars` characters."""
    own = [s for b in leaflet.blocks if isinstance(b, Paragraph) for s in SENTENCE_END.split(markup.plain(b.text))]
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < chars:
        out.append(f"{len(out) + 1}. {own[len(out) % len(own)]}")
    return out


def render_long(leaflet: Leaflet, text: str, size: float | None = None, on_page=None) -> Rendered:
    """The leaflet in large print with a heading and the text as its only paragraph."""
    long = dataclasses.replace(leaflet, blocks=(Heading("heading", "A long text"), Paragraph("long", text)))
    cat = catalogue(Dirs().translations, leaflet.lang, leaflet.lang)
    decision = decide(long, cat, allow_fallback=False)
    assert decision.publish
    layout = load_layout(Dirs().layouts / "large-print.yaml", size)
    plan = lay_out(long, layout, cat, Context(decision.draft, (leaflet.lang,), source_lang=leaflet.lang))
    return render(plan, doc_info(long, layout, decision.draft), on_page=on_page)


def paragraph_text(pdf: bytes, tmp_path) -> tuple[str, set[int]]:
    """The text of the leaflet's paragraph (its first P) as PDFium reads it, and the pages it is on."""
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    paragraph = next(e for e in elements(path) if e.role == "P")
    return element_text(paragraph, read_pages(path)), {page for page, _ in paragraph.marks}


@pytest.mark.parametrize("bold", [False, True], ids=["one font", "bold runs"])
def test_long_paragraph_reads_back_whole_and_in_order(tmp_path, bold):
    sentences = numbered_sentences(source_leaflet("en"), 20_000)
    text = " ".join(f"**{s[:s.index(' ')]}**{s[s.index(' '):]}" if bold else s for s in sentences)
    rendered = render_long(source_leaflet("en"), text)
    read, pages = paragraph_text(rendered.pdf, tmp_path)
    assert len(pages) >= 12  # large print: about 1,400 characters a page
    # Every sentence, in order, its words apart (a space at each line and page end).
    assert fold(read) == fold(markup.plain(text))


def test_long_paragraph_in_bengali_reads_back_whole(tmp_path):
    """Shaped text, broken as frag words: each line's /ActualText gives the words back."""
    leaflet = source_leaflet("bn")
    text = " ".join(numbered_sentences(leaflet, 10_000))
    read, pages = paragraph_text(render_long(leaflet, text).pdf, tmp_path)
    assert len(pages) >= 5
    assert fold(read) == fold(text)


def test_long_paragraph_in_arabic_draws_every_letter(tmp_path):
    """Right to left: PDFium reverses each line's logical /ActualText (see test_tags.py), so the
    letters are compared, not their order."""
    leaflet = source_leaflet("ar")
    text = " ".join(numbered_sentences(leaflet, 10_000))
    read, pages = paragraph_text(render_long(leaflet, text).pdf, tmp_path)
    assert len(pages) >= 5
    letters = lambda t: sorted(c for c in t if not c.isspace() and c not in "()")  # noqa: E731
    assert letters(read) == letters(markup.plain(text))


@pytest.mark.parametrize("chars", [100, 10_000])
def test_on_page_is_called_once_per_page_in_order(chars):
    leaflet = source_leaflet("en")
    seen: list[int] = []
    rendered = render_long(leaflet, " ".join(numbered_sentences(leaflet, chars)), size=36, on_page=seen.append)
    assert seen == list(range(1, rendered.pages + 1))
    assert len(pdfium.PdfDocument(rendered.pdf)) == rendered.pages
    assert rendered.pages > (20 if chars > 100 else 1)
