"""Tagged PDF (PDF/UA-1): the structure tree and text a screen reader gets, read back
with PDFium and qpdf, compared with the sources."""
from __future__ import annotations

import subprocess

import pikepdf
import pytest

from leaflets import fonts, markup
from leaflets.model import Callout, Contacts, Heading, ListBlock, Paragraph, Publisher, Quote, Row

from .readback import element_text, elements, fold, read_pages
from .conftest import in_language


def expected_tree(leaflet, easy: bool) -> list[tuple[int, str, str | None]]:
    """(depth, role, text) of each element the source should give, in reading order."""
    out: list[tuple[int, str, str | None]] = [(0, "Document", None), (1, "H1", leaflet.title)]
    plain = lambda t: fold(markup.plain(t))  # noqa: E731
    level = 1

    def items(depth: int, texts, labels):
        out.append((depth, "L", None))
        for label, text in zip(labels, texts):
            out.extend([(depth + 1, "LI", None), (depth + 2, "Lbl", label), (depth + 2, "LBody", plain(text))])

    for b in (leaflet.easy_read if easy else leaflet.blocks):
        if isinstance(b, Heading):
            level = 2 if easy else b.level
            out.append((1, f"H{level}", plain(b.text)))
        elif isinstance(b, Row):
            out.extend([(1, "Figure", None), (1, "P", plain(b.text))])
        elif isinstance(b, (Paragraph, Publisher)):
            out.append((1, "P", plain(b.text)))
        elif isinstance(b, Quote):
            out.append((1, "P", plain(f"{b.lead} “{b.text}”")))
        elif isinstance(b, ListBlock):
            labels = [f"{i}." for i in range(1, len(b.items) + 1)] if b.style == "number" else ["•"] * len(b.items)
            items(1, b.items, labels)
        elif isinstance(b, Callout):
            out.extend([(1, "Div", None), (2, f"H{level + 1}", plain(b.title))])
            out.extend((2, "P", plain(p)) for p in b.paragraphs)
        elif isinstance(b, Contacts):
            out.append((1, "Div", None))
            if b.title:
                out.append((2, f"H{level + 1}", plain(b.title)))
            items(2, [f"{e.name} - {e.detail}" + (f" Phone: {e.phone}" if e.phone else "") for e in b.entries],
                  ["•"] * len(b.entries))
    return out


@pytest.mark.parametrize("fmt", ["large-print", "easy-read", "standard"])
def test_tree_matches_the_source_and_text_reads_right(published, sources, fmt):
    for entry in published.leaflets(fmt):
        path = published.path(entry)
        leaflet = sources[entry["leaflet"]]
        tree = elements(path)
        pages = read_pages(path)
        got = [(e.depth, e.role, fold(element_text(e, pages)) or None) for e in tree]
        want = expected_tree(leaflet, easy=fmt == "easy-read")
        # The back page ("About this leaflet") follows the guidance.
        about = next(i for i, (d, role, text) in enumerate(got) if text == "About this leaflet")
        assert got[:about] == want, entry["path"]
        assert [role for _, role, _ in got[about:]] == ["H2"] + ["P"] * (len(got) - about - 1)


def test_paragraph_over_a_page_break_is_one_element(published):
    split = []
    for entry in published.leaflets():
        for element in elements(published.path(entry)):
            if len({page for page, _ in element.marks}) > 1:
                split.append((entry["path"], element.role))
    assert split, "some paragraph continues on the next page"
    assert all(role in ("P", "LBody") for _, role in split)


def test_figures_have_alt_text_from_the_source(published, sources):
    for entry in published.leaflets("easy-read"):
        alts = [e.alt for e in elements(published.path(entry)) if e.role == "Figure"]
        rows = [b for b in sources[entry["leaflet"]].easy_read if isinstance(b, Row)]
        assert alts == [markup.plain(r.alt) for r in rows]


def test_every_page_object_is_tagged_or_an_artifact(published):
    for entry in published.manifest:
        for number, page in enumerate(read_pages(published.path(entry)), 1):
            assert page.untagged == 0, f"{entry['path']} page {number}"


def test_language_title_and_metadata(published, sources):
    for entry in published.leaflets():
        with pikepdf.open(published.path(entry)) as pdf:
            assert str(pdf.Root.Lang) == "en"
            assert pdf.Root.MarkInfo.Marked is True
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            assert pdf.pdf_version == "1.7"
            title = sources[entry["leaflet"]].title
            assert str(pdf.docinfo.Title) == title
            assert f"leaflet={entry['leaflet']}" in str(pdf.docinfo.Keywords)
            assert f"format={entry['format']}" in str(pdf.docinfo.Keywords)
            meta = pdf.open_metadata()
            assert meta["dc:title"] == title
            assert meta["pdfuaid:part"] == "1"
            for page in pdf.pages:
                assert page.Tabs == "/S" and "/StructParents" in page


def test_every_heading_has_a_bookmark(published):
    from pypdf import PdfReader
    for entry in published.leaflets():
        path = published.path(entry)
        headings = [e for e in elements(path) if e.role in ("H1", "H2", "H3")]
        pages = read_pages(path)

        def flatten(outline):
            for item in outline:
                yield from (flatten(item) if isinstance(item, list) else [item.title])
        assert list(flatten(PdfReader(path).outline)) == [fold(element_text(h, pages)) for h in headings]


def test_fonts_have_tounicode(published):
    for entry in published.manifest:
        with pikepdf.open(published.path(entry)) as pdf:
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    assert "/ToUnicode" in font, (entry["path"], str(font.BaseFont))


def test_qpdf_and_poppler_read_every_pdf(published, sources):
    for entry in published.manifest:
        path = published.path(entry)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
        assert "WARNING" not in check.stdout + check.stderr
        struct = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True).stdout
        # Poppler reverses right-to-left ActualText (as PDFium does): Arabic and Urdu are read back in order
        # through the structure tree's ActualText instead (test_languages.py).
        if entry["kind"] == "leaflet" and not fonts.is_rtl(entry["lang"]):
            # Headings and paragraphs in source order.
            leaflet = in_language(sources[entry["leaflet"]], entry["lang"])
            blocks = leaflet.easy_read if entry["format"] == "easy-read" else leaflet.blocks
            position = 0
            # A glyph that carries no text of its own (part of a cluster another glyph carries) reads as U+200B.
            flat = fold(struct.replace('"', " ").replace("\u200b", ""))
            for block in blocks:
                if isinstance(block, (Heading, Paragraph)):
                    words = fold(markup.plain(block.text))[:40]
                    # Poppler may read only a paragraph's first line of ActualText, which is short in
                    # Chinese and at 24 and 28 pt (test_languages.py reads every line through qpdf).
                    if entry["lang"].startswith("zh") or entry["size"] > 18:
                        words = words[:12]
                    found = flat.find(words, position)
                    assert found >= 0, (entry["path"], words)
                    position = found


def test_pack_keeps_tags_with_a_part_per_leaflet(published):
    pack = next(e for e in published.packs() if e["pack"] == "postnatal-ward-a4")
    path = published.path(pack)
    tree = elements(path)
    parts = [e for e in tree if e.role == "Part"]
    assert [e.depth for e in parts] == [1] * 5  # the contents page, then 4 leaflets
    assert all(p.lang == "en" for p in parts)
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en"
    pages = read_pages(path)
    assert all(page.untagged == 0 for page in pages)
    first_h1 = [fold(element_text(e, pages)) for e in tree if e.role == "H1"]
    assert first_h1[0] == "Clinic pack: Postnatal ward"
    assert first_h1[1:] == ["Your Relationship with your Baby"] * 2 + [
        "Crafting Connections: A Guide to Strengthening Your Bond with Your Baby"] * 2


@pytest.fixture(scope="session")
def fixtures_published(tmp_path_factory):
    from leaflets.build import Dirs, build_leaflets

    from .conftest import ROOT
    out = tmp_path_factory.mktemp("fixtures")
    result = build_leaflets(Dirs(sources=ROOT / "tests" / "fixtures" / "sources", out=out))
    assert not result.errors, result.errors
    from leaflets.load import load_sources
    sources = load_sources(ROOT / "tests" / "fixtures" / "sources")
    return out, {leaflet.lang: leaflet for leaflet in sources.leaflets}


def _is_shaping_residue(ch: str) -> bool:
    """Private-use code points (unmapped glyphs) or Arabic presentation forms."""
    code = ord(ch)
    return 0xE000 <= code <= 0xF8FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


@pytest.mark.parametrize("lang", ["bn", "ar", "ur"])
@pytest.mark.parametrize("fmt", ["standard", "large-print", "easy-read"])
def test_shaped_paragraphs_read_back_as_their_logical_text(fixtures_published, lang, fmt):
    from .readback import pdfium_tree
    out, leaflets = fixtures_published
    path = out / lang / f"fixture-{lang}.{fmt}.pdf"
    leaflet = leaflets[lang]
    logical = fold(markup.plain(leaflet.blocks[1].text))
    tree = elements(path)
    pages = read_pages(path)
    paragraph = next(e for e in tree if e.role == "P")
    content = element_text(paragraph, pages)
    assert not [c for c in content if _is_shaping_residue(c)], "real characters, not glyph codes"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == lang
    if lang == "bn":
        # Left to right: PDFium reads the content's /ActualText spans in order.
        assert fold(content) == logical
    else:
        # Right to left: the element's /ActualText, read by PDFium's structure API.
        (page, mcid), = paragraph.marks
        seen = next(e for e in pdfium_tree(path, page) if e.role == "P" and mcid in e.mcids)
        assert fold(seen.actual_text) == logical
        # PDFium reverses the logical /ActualText of each drawn line (see
        # tests/test_scripts.py), but the characters are all there.
        letters = lambda t: sorted(c for c in t if not c.isspace() and c not in "()")  # noqa: E731
        assert letters(content) == letters(logical)


def test_untranslated_interface_text_is_tagged_english(fixtures_published):
    out, _ = fixtures_published
    tree = elements(out / "ur" / "fixture-ur.standard.pdf")
    about = [e for e in tree if e.role in ("H2", "P") and e.lang == "en"]
    assert len(about) >= 5  # the back page: heading and lines, English until translated
