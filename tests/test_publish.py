"""The pipeline end to end, read back as a reader of the PDFs would see them."""
from __future__ import annotations

import hashlib
import re

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from leaflets import markup
from leaflets.model import Callout, Contacts, Heading, ListBlock, Paragraph, Publisher, Quote, Row

from .conftest import ROOT, run_publish
from .readback import fold, read_pages, sentences

FORMATS = ("large-print", "easy-read", "standard")


def block_texts(leaflet, easy: bool) -> list[str]:
    """What each block should print, in source order, as plain text."""
    out = []
    for b in (leaflet.easy_read if easy else leaflet.blocks):
        if isinstance(b, (Heading, Paragraph, Publisher, Row)):
            out.append(b.text)
        elif isinstance(b, Quote):
            out.append(f"{b.lead} “{b.text}”")
        elif isinstance(b, ListBlock):
            out.extend(b.items)
        elif isinstance(b, Callout):
            out.extend([b.title, *b.paragraphs])
        elif isinstance(b, Contacts):
            out.extend(([b.title] if b.title else []) +
                       [f"{e.name} - {e.detail}" + (f" Phone: {e.phone}" if e.phone else "") for e in b.entries])
    return [fold(markup.plain(t)) for t in out]


def content_text(path) -> str:
    """The text of every marked-content sequence in page order, without the line
    breaks a reader adds itself: a space ReportLab dropped at a line end shows."""
    return fold(" ".join(text for page in read_pages(path) for mcid, text in page.text.items() if mcid >= 0))


def test_manifest_lists_every_pdf(published):
    leaflets = published.leaflets()
    assert {(e["leaflet"], e["format"]) for e in leaflets} == {
        (lid, f) for lid in ("relationship-with-your-baby", "crafting-connections") for f in FORMATS}
    assert len(published.packs()) >= 1
    for entry in published.manifest:
        data = published.path(entry).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["pages"] == len(pdfium.PdfDocument(data))
    for entry in leaflets:
        assert entry["lang"] == "en" and entry["draft"] is False
        sized = "" if entry["size"] in (18, 12) else f"-{entry['size']:g}pt"
        assert entry["path"] == f"en/{entry['leaflet']}.{entry['format']}{sized}.pdf"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_block_in_source_order_with_words_apart(published, sources, fmt):
    for entry in published.leaflets(fmt):
        text = content_text(published.path(entry))
        position = 0
        for expected in block_texts(sources[entry["leaflet"]], easy=fmt == "easy-read"):
            found = text.find(expected, position)
            assert found >= 0, f"{entry['path']}: not found after position {position}: {expected[:80]!r}"
            position = found + len(expected)


def test_seed_sentences_appear(published, sources):
    """At least 95% of the original guidance's sentences, word for word."""
    for leaflet in sources.values():
        original = (ROOT / "sources" / "originals" / f"{leaflet.provenance.origin}.txt").read_text()
        # Corrected typos count as present.
        for typo, fix in (("support you baby", "support your baby"), ("with you baby", "with your baby"),
                          ("sooth a", "soothe a"), ("This pages", "This page")):
            original = original.replace(typo, fix)
        wanted = [s for s in sentences(original) if len(s.split()) >= 3]
        for fmt in ("standard", "large-print"):
            entry = next(e for e in published.leaflets(fmt) if e["leaflet"] == leaflet.id)
            text = content_text(published.path(entry))
            found = [s for s in wanted if s in text]
            share = len(found) / len(wanted)
            assert share >= 0.95, (entry["path"], share, [s for s in wanted if s not in text][:5])


def test_large_print_has_no_character_under_16pt(published):
    for entry in published.leaflets("large-print"):
        with pdfplumber.open(published.path(entry)) as pdf:
            sizes = [c["size"] for page in pdf.pages for c in page.chars]
        assert sizes and min(sizes) >= max(16, entry["size"]) - 0.01, entry["path"]
        assert max(set(sizes), key=sizes.count) == pytest.approx(entry["size"]), f"body text is {entry['size']} pt"


def test_large_print_also_at_24_and_28_pt(published):
    """Ready to print at the sizes layouts/large-print.yaml lists, in every language, beside 18 pt."""
    found: dict[tuple[str, str], list[float]] = {}
    for entry in published.leaflets("large-print", lang=None):
        found.setdefault((entry["leaflet"], entry["lang"]), []).append(entry["size"])
        suffix = "" if entry["size"] == 18 else f"-{entry['size']:g}pt"
        assert entry["path"] == f"{entry['lang']}/{entry['leaflet']}.large-print{suffix}.pdf"
    assert len(found) == 2 * 9 and all(sorted(sizes) == [18, 24, 28] for sizes in found.values()), found


@pytest.mark.parametrize("size", [28, 36])
def test_modified_large_print(tmp_path, size):
    out = tmp_path / "out"
    result = run_publish("build", "--leaflet", "relationship-with-your-baby", "--size", str(size),
                         "--out", str(out))
    assert result.returncode == 0, result.stderr
    path = out / "en" / f"relationship-with-your-baby.large-print-{size}pt.pdf"
    normal = run_publish("build", "--leaflet", "relationship-with-your-baby", "--format", "large-print",
                         "--out", str(out))
    assert normal.returncode == 0, normal.stderr
    standard = out / "en" / "relationship-with-your-baby.large-print.pdf"
    with pdfplumber.open(path) as big, pdfplumber.open(standard) as std:
        sizes = [c["size"] for page in big.pages for c in page.chars]
        assert max(set(sizes), key=sizes.count) == pytest.approx(size)
        assert min(sizes) >= size - 0.01
        assert len(big.pages) > len(std.pages)
        assert (big.pages[0].width, big.pages[0].height) == (std.pages[0].width, std.pages[0].height)
    # Reflowed, not scaled: the same A4 page, and every block still there in order.
    assert content_text(path) == content_text(standard)


def test_fonts_embedded_and_never_italic(published):
    for entry in published.manifest:
        with pikepdf.open(published.path(entry)) as pdf:
            for page in pdf.pages:
                for name, font in page.Resources.get("/Font", {}).items():
                    descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                        (entry["path"], str(font.BaseFont))
                    assert not re.search("Italic|Oblique", str(font.BaseFont)), str(font.BaseFont)
                    assert float(descriptor.get("/ItalicAngle", 0)) == 0


def test_easy_read_picture_beside_every_row(published, sources):
    from .readback import elements
    for entry in published.leaflets("easy-read"):
        path = published.path(entry)
        pages = read_pages(path)
        tree = elements(path)
        rows = [(a, b) for a, b in zip(tree, tree[1:]) if a.role == "Figure"]
        expected = [b for b in sources[entry["leaflet"]].easy_read if isinstance(b, Row)]
        assert len(rows) == len(expected)
        for figure, words in rows:
            assert words.role == "P" and figure.alt
            (fp, fm), = figure.marks
            pic = pages[fp].boxes[fm]
            (tp, tm), = words.marks  # a row is never split over pages
            assert tp == fp
            text = pages[tp].boxes[tm]
            assert pic[2] - pic[0] >= 35 / 25.4 * 72 - 1 or pic[3] - pic[1] >= 35 / 25.4 * 72 - 1
            assert pic[2] <= text[0], "picture left of the words"
            assert pic[1] < text[3] and text[1] < pic[3], "picture and words side by side"


def test_back_page_credits_and_formats(published):
    for entry in published.leaflets():
        pdf = pdfium.PdfDocument(published.path(entry))
        # At 24 and 28 pt the back page's texts may take two pages.
        back = fold(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf) - 2, len(pdf))))
        assert "About this leaflet" in back
        assert "This leaflet is also available in:" in back
        if entry["format"] == "easy-read":
            assert "OpenMoji" in back and "CC BY-SA 4.0" in back
            assert "not yet been checked by people with learning disabilities" in back
        assert "Review date: 23 November 2028" in back


def test_page_numbers_on_every_page(published):
    for entry in published.leaflets():
        pdf = pdfium.PdfDocument(published.path(entry))
        for i, page in enumerate(pdf, 1):
            assert f"Page {i} of {len(pdf)}" in fold(page.get_textpage().get_text_range())


def test_pack_contents_bookmarks_and_odd_starts(published):
    pack = next(e for e in published.packs() if e["pack"] == "postnatal-ward-a4")
    path = published.path(pack)
    reader = PdfReader(path)
    outline = [item for item in reader.outline if not isinstance(item, list)]
    starts = [reader.get_destination_page_number(item) + 1 for item in outline]
    leaflet_starts = starts[1:]
    assert len(leaflet_starts) == 4
    assert all(start % 2 == 1 for start in leaflet_starts), starts
    contents = fold(pdfium.PdfDocument(path)[0].get_textpage().get_text_range())
    assert "Clinic pack: Postnatal ward" in contents
    for title, start in zip(outline[1:], leaflet_starts):
        leaflet_title = title.title.rsplit(" (", 1)[0]
        assert f"Pack pages {start}–" in contents and f": {leaflet_title} (" in contents
    lengths = [e["pages"] for e in published.leaflets() if e["format"] in ("large-print", "easy-read")
               and e["size"] == 18]
    assert pack["pages"] == len(reader.pages) == leaflet_starts[-1] - 1 + next(
        e["pages"] for e in published.leaflets() if e["path"].endswith("crafting-connections.easy-read.pdf"))
    assert sum(lengths) < pack["pages"]
    sizes = {tuple(round(float(v)) for v in page.mediabox) for page in reader.pages}
    assert len(sizes) == 1, "one page size per pack"


def test_pack_mixing_page_sizes_is_an_error(tmp_path):
    definition = tmp_path / "mixed.yaml"
    definition.write_text("name: mixed\nclinic: Test\nitems:\n"
                          "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 1}\n"
                          "  - {leaflet: crafting-connections, lang: en, format: large-print, copies: 1}\n")
    result = run_publish("pack", str(definition), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "one page size" in result.stderr and "mixed.yaml" in result.stderr


def test_two_builds_are_byte_identical(published, tmp_path):
    result = run_publish("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for entry in published.leaflets():
        assert hashlib.sha256((tmp_path / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]


def test_catalogue_text_is_data_not_markup(tmp_path, sources_copy):
    source = sources_copy / "crafting-connections.yaml"
    source.write_text(source.read_text().replace(
        "This is completely normal.", "This is <b>completely</b> normal & fine <font size=2>."))
    result = run_publish("build", "--sources", str(sources_copy), "--leaflet", "crafting-connections",
                         "--format", "standard", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    text = content_text(tmp_path / "out" / "en" / "crafting-connections.standard.pdf")
    assert "This is <b>completely</b> normal & fine <font size=2>." in text


BAD_SOURCES = [
    # (what to replace, with what, the words the message must hold)
    ("type: paragraph", "type: paragrahp", ["unknown block type 'paragrahp'", "did you mean 'paragraph'"]),
    ("    text: \"Many of us", "    txt: \"Many of us", ["unknown field 'txt'", "has no 'text'"]),
    ("id: meeting-your-baby", "id: rush-of-love", ["duplicate id 'rush-of-love'"]),
    ("text: \"Whilst it is normal", "text: \"\"\n    note: \"Whilst it is normal", ["is empty"]),
    ("picture: ", "picture: babyy-", ["unknown picture"]),
    ("**Time, Patience and Trust**", "**Time, Patience and Trust", ["unbalanced '**'"]),
    ("blocks:", "blocks: [", ["not valid YAML"]),
]


@pytest.mark.parametrize("old,new,words", BAD_SOURCES, ids=[w[0] for _, _, w in BAD_SOURCES])
def test_bad_source_names_file_and_line_and_others_still_publish(tmp_path, sources_copy, old, new, words):
    source = sources_copy / "crafting-connections.yaml"
    text = source.read_text()
    assert old in text
    broken = text.replace(old, new, 1)
    source.write_text(broken)
    out = tmp_path / "out"
    result = run_publish("build", "--sources", str(sources_copy), "--format", "standard", "--out", str(out))
    assert result.returncode == 1
    assert re.search(r"crafting-connections\.yaml:\d+: ", result.stderr), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "fix:" in result.stderr or "check the indentation" in result.stderr
    assert (out / "en" / "relationship-with-your-baby.standard.pdf").exists()
    assert not (out / "en" / "crafting-connections.standard.pdf").exists()


def test_bad_source_line_number_is_right(tmp_path, sources_copy):
    source = sources_copy / "crafting-connections.yaml"
    lines = source.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "type: paragraph" in line)
    lines[index] = lines[index].replace("paragraph", "paragrahp")
    source.write_text("\n".join(lines) + "\n")
    result = run_publish("build", "--sources", str(sources_copy), "--format", "standard",
                         "--out", str(tmp_path / "out"))
    assert f"crafting-connections.yaml:{index + 1}: unknown block type" in result.stderr


def test_earlier_output_stays_when_a_build_fails(tmp_path, sources_copy):
    out = tmp_path / "out"
    assert run_publish("build", "--sources", str(sources_copy), "--format", "standard",
                       "--out", str(out)).returncode == 0
    pdf = out / "en" / "crafting-connections.standard.pdf"
    before = pdf.read_bytes()
    source = sources_copy / "crafting-connections.yaml"
    source.write_text(source.read_text().replace("type: paragraph", "type: paragrahp", 1))
    assert run_publish("build", "--sources", str(sources_copy), "--format", "standard",
                       "--out", str(out)).returncode == 1
    assert pdf.read_bytes() == before
    assert not list(out.rglob("*.tmp"))


def test_wrong_usage_exits_2(tmp_path):
    assert run_publish("build", "--format", "poster").returncode == 2
    assert run_publish("build", "--size", "big").returncode == 2
    # The range is the layout's: out of it, the message names the layout's line and the sizes to choose.
    small = run_publish("build", "--size", "12", "--out", str(tmp_path))
    assert small.returncode == 1 and "--size 12 is out of range: choose 16 to 36 pt" in small.stderr
    assert run_publish().returncode == 2
    help_text = run_publish("build", "--help").stdout
    assert "--size PT" in help_text and "large-print" in help_text


def test_pack_job_ticket_matches_the_pack(published):
    pack = next(e for e in published.packs() if e["pack"] == "postnatal-ward-a4")
    path = published.path(pack)
    ticket = path.with_suffix(".ticket.txt").read_text()
    assert pack["sha256"] in ticket and f"{pack['pages']} pages" in ticket
    reader = PdfReader(path)
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline
              if not isinstance(item, list)][1:]
    ranges = [tuple(map(int, m)) for m in re.findall(r"^Pages (\d+)-(\d+):.*10 copies", ticket, re.M)]
    assert [first for first, _ in ranges] == starts
    assert ranges[-1][1] == pack["pages"]


def test_text_is_nfc_however_it_was_typed(tmp_path, sources_copy):
    import unicodedata
    source = sources_copy / "crafting-connections.yaml"
    decomposed = unicodedata.normalize("NFD", "café")
    source.write_text(source.read_text().replace("This is completely normal.", f"A {decomposed} visit is normal."))
    out = tmp_path / "out"
    assert run_publish("build", "--sources", str(sources_copy), "--leaflet", "crafting-connections",
                       "--format", "standard", "--out", str(out)).returncode == 0
    text = content_text(out / "en" / "crafting-connections.standard.pdf")
    assert "A café visit is normal." in text and unicodedata.is_normalized("NFC", text)


def test_catalogue_template_is_current(tmp_path):
    """translations/leaflets.pot lists every text of the sources as they are now."""
    result = run_publish("extract", "--translations", str(tmp_path))
    assert result.returncode == 0, result.stderr
    fresh = (tmp_path / "leaflets.pot").read_text()
    assert fresh == (ROOT / "translations" / "leaflets.pot").read_text(), \
        "run '.venv/bin/python publish.py extract' and commit translations/leaflets.pot"
    assert 'msgctxt "crafting-connections/rush-of-love/text"' in fresh


def test_long_pack_contents_page_numbers_are_right(tmp_path, sources_copy):
    """A contents list longer than a page moves the leaflets on; its page numbers follow."""
    # A pack lists each leaflet once per language and format: 16 items need 8 leaflets, here copies.
    items = ""
    for n in range(1, 5):
        for lid in ("relationship-with-your-baby", "crafting-connections"):
            source = (sources_copy / f"{lid}.yaml").read_text()
            (sources_copy / f"{lid}-{n}.yaml").write_text(source.replace(f"id: {lid}\n", f"id: {lid}-{n}\n", 1))
            items += "".join(f"  - {{leaflet: {lid}-{n}, lang: en, format: {fmt}, copies: {n}}}\n"
                             for fmt in ("large-print", "easy-read"))
    definition = tmp_path / "long.yaml"
    definition.write_text(f"name: long\nclinic: A very busy clinic\nitems:\n{items}")
    out = tmp_path / "out"
    result = run_publish("pack", str(definition), "--sources", str(sources_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    path = out / "packs" / "long.pdf"
    reader = PdfReader(path)
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline
              if not isinstance(item, list)][1:]
    assert len(starts) == 16 and starts[0] > 3, "the contents take more than one page"
    pdf = pdfium.PdfDocument(path)
    contents = fold(" ".join(pdf[i].get_textpage().get_text_range() for i in range(starts[0] - 1)))
    listed = [int(n) for n in re.findall(r"Pack pages (\d+)–\d+:", contents)]
    assert listed == starts and all(start % 2 == 1 for start in starts)


def test_outputs_get_the_users_normal_mode(tmp_path):
    """PDFs, tickets and the manifest are readable by others under a 022 umask, not 0600."""
    import os
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert run_publish("build", "--leaflet", "crafting-connections", "--format", "standard",
                           "--out", str(out)).returncode == 0
    finally:
        os.umask(old)
    for path in (out / "en" / "crafting-connections.standard.pdf", out / "manifest.json"):
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_progress_moves_page_by_page(tmp_path):
    from leaflets.build import Dirs, build_leaflets
    seen: list[tuple[int, int, str]] = []
    build_leaflets(Dirs(out=tmp_path), ["crafting-connections"], ["en"], ["standard"],
                   progress=lambda done, total, label: seen.append((done, total, label)))
    pages = [label for _, _, label in seen if ", page " in label]
    assert pages == [f"crafting-connections en standard, page {n}" for n in range(1, len(pages) + 1)]
    assert len(pages) == 4 and seen[-1] == (1, 1, "done")
