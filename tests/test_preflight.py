"""Preflight: it passes every print file the project makes, and fails each fault a print shop would
catch, in files made to have it: RGB text on a page the ticket prints 1/1, a missing TrimBox, a booklet
whose pages are not a multiple of 4, a low-resolution image, a subset tag used by two different subsets,
no output intent."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pikepdf
import pytest
from reportlab import rl_config
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from leaflets import fontfiles, impose, pdfx, preflight

from .conftest import run_publish
from .test_pdfx import KINDS, make


def unique_tags(data: bytes) -> bytes:
    """Each subset's tag made from its program's digest (as issue 11 item 8 asks of the build, where the
    build does not yet): different subsets, different tags."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for font in pdfx.fonts(pdf):
            name = str(font.get("/BaseFont", ""))[1:]
            program = pdfx.font_program(font)
            if program is None or name[6:7] != "+":
                continue
            digest = hashlib.sha256(program.read_bytes()).digest()
            renamed = pikepdf.Name("/" + "".join(chr(65 + b % 26) for b in digest[:6]) + name[6:])
            font.BaseFont = font.FontDescriptor.FontName = renamed
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def findings(path: Path, ticket: dict | None = None) -> list[tuple[int | None, str]]:
    report = preflight.preflight(path, ticket)
    return [(f.page, f.problem) for f in report.findings if f.level == "error"]


@pytest.fixture(scope="module")
def print_files(published, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("preflight")
    files = {}
    for kind in KINDS:
        _, data = make(kind, published)
        files[kind] = folder / f"{kind}.pdf"
        files[kind].write_bytes(unique_tags(data))
    return files


@pytest.mark.parametrize("kind", KINDS)
def test_every_print_file_passes(print_files, kind: str) -> None:
    assert findings(print_files[kind]) == []


def synthetic(path: Path, pages) -> Path:
    """A print file of a few pages, each drawn by `pages[i](canvas)` in the leaflets' font."""
    out = io.BytesIO()
    font = fontfiles.register("AtkinsonHyperlegible")
    # initialFontName: ReportLab would otherwise list Helvetica, which it never embeds.
    canvas = Canvas(out, pagesize=(420, 595), invariant=1, initialFontName=font)
    for draw in pages:
        canvas.setFont(font, 12)
        draw(canvas)
        canvas.showPage()
    canvas.save()
    path.write_bytes(pdfx.print_file(out.getvalue(), path.stem))
    return path


def ticket(file: str, *items: tuple[int, int, str, str]) -> dict:
    """A ticket (packs/ticket.schema.json, the keys preflight reads) placing items in `file`:
    (first page, last page, colours, binding)."""
    return {"items": [{"placements": [{"file": file, "first_page": first, "last_page": last}],
                       "colours": colours, "binding": binding} for first, last, colours, binding in items]}


def text_in(colour):
    def draw(canvas) -> None:
        colour(canvas)
        canvas.drawString(72, 500, "Black only, we hope")
    return draw


def test_rgb_text_on_a_1_1_page_fails(tmp_path) -> None:
    path = synthetic(tmp_path / "colours.pdf", [
        text_in(lambda c: c.setFillColorRGB(0, 0, 0)),  # RGB black: four colours on the press
        text_in(lambda c: c.setFillGray(0)),
        text_in(lambda c: c.setFillColorCMYK(0, 0, 0, 1)),  # pure K is black only
        text_in(lambda c: c.setFillColorCMYK(0.3, 0, 0, 1)),
    ])
    found = findings(path, ticket("colours.pdf", (1, 4, "1/1", "loose")))
    assert [page for page, _ in found] == [1, 4]
    assert found[0][1] == "the ticket prints it 1/1 (black only), but it paints in DeviceRGB: it would print in " \
                          "four colours"
    assert "paints in DeviceCMYK:" in found[1][1]
    assert findings(path, ticket("colours.pdf", (1, 4, "4/4", "loose"))) == []
    assert findings(path, ticket("another.pdf", (1, 4, "1/1", "loose"))) == []  # an item placed elsewhere
    assert findings(path) == []  # without a ticket, no page is 1/1


def test_a_missing_trimbox_fails(print_files, tmp_path) -> None:
    with pikepdf.open(print_files["a5-pack"]) as pdf:
        del pdf.pages[1].obj.TrimBox
        pdf.pages[2].obj.ArtBox = pdf.pages[2].obj.TrimBox
        pdf.pages[3].obj.BleedBox = pikepdf.Array([-10, -10, 500, 700])  # past the MediaBox
        pdf.save(tmp_path / "untrimmed.pdf")
    found = findings(tmp_path / "untrimmed.pdf")
    assert found[:2] == [(2, "no TrimBox: the printer cannot know the finished size"),
                         (3, "both a TrimBox and an ArtBox: PDF/X gives a page one or the other")]
    assert found[2][0] == 4 and found[2][1].startswith("TrimBox [0.0 0.0 148.0 210.0] mm is not within BleedBox")
    assert len(found) == 3


def test_a_booklet_whose_pages_are_not_a_multiple_of_4_fails(print_files, tmp_path) -> None:
    # A ticket that folds the unimposed pack's leaflets into booklets: 7 pages cannot be.
    booklets = ticket("a5-pack.pdf", (3, 9, "4/4", "booklet"), (11, 14, "4/4", "booklet"))
    assert findings(print_files["a5-pack"], booklets) == [
        (3, "the booklet on pages 3-9 has 7 pages, not a multiple of 4: it cannot be folded from whole sheets")]
    # In the imposed file a booklet's pages are the sides of its sheets, 2 reading pages each.
    (contents, first, second) = impose.placements([(3, 9), (11, 14)], [1])
    assert (contents, first, second) == ((1, 1), (2, 5), (6, 7))
    placed = ticket("a5-booklets.pdf", (*contents, "4/4", "loose"), (*first, "4/4", "booklet"),
                    (*second, "4/4", "booklet"))
    assert findings(print_files["a5-booklets"], placed) == []
    misplaced = ticket("a5-booklets.pdf", (2, 4, "4/4", "booklet"))
    assert findings(print_files["a5-booklets"], misplaced) == [
        (2, "the booklet on pages 2-4 has 6 pages, not a multiple of 4: it cannot be folded from whole sheets")]
    # An imposed file whose booklet was padded wrongly (its XMP records it).
    with pikepdf.open(print_files["a5-booklets"]) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["{urn:x-leaflets:meta:1/}booklets"] = "3-9/7 11-14/4"
        pdf.save(tmp_path / "misfolded.pdf")
    problems = [problem for _, problem in findings(tmp_path / "misfolded.pdf")]
    assert any("reading pages 3-9 is imposed as 7 pages" in p for p in problems), problems


def test_the_ticket_colours_the_sides_of_the_booklet_sheets(print_files) -> None:
    placed = ticket("a5-booklets.pdf", (1, 1, "4/4", "loose"), (2, 5, "4/4", "booklet"), (6, 7, "1/1", "booklet"))
    report = preflight.preflight(print_files["a5-booklets"], placed)
    # The A5 leaflets draw in DeviceGray only: the sides the ticket calls 1/1 pass as the 4/4 ones do
    # (RGB text on a 1/1 page fails: test_rgb_text_on_a_1_1_page_fails and test_print_files.py).
    assert [f for f in report.findings if f.level == "error"] == []


def picture(pixels: int, size_pt: float, inline: bool = False):
    def draw(canvas) -> None:
        image = Image.new("RGB", (pixels, pixels), (200, 40, 40))
        if inline:
            canvas.drawInlineImage(image, 72, 300, size_pt, size_pt)
        else:
            canvas.drawImage(ImageReader(image), 72, 300, size_pt, size_pt)
    return draw


def test_a_low_resolution_image_fails(tmp_path, monkeypatch) -> None:
    # ReportLab writes an inline image only as ASCII85 text; the leaflets' streams are binary (rlfixes.py).
    monkeypatch.setattr(rl_config, "useA85", 1)
    path = synthetic(tmp_path / "images.pdf", [picture(100, 144), picture(100, 20), picture(100, 144, inline=True)])
    found = findings(path)
    assert [page for page, _ in found] == [1, 3]
    assert "drawn at 50 ppi, under 300" in found[0][1] and "(inline)" in found[1][1]


def test_a_subset_tag_used_by_two_different_subsets_fails(print_files, tmp_path) -> None:
    with pikepdf.open(print_files["a5-pack"]) as pdf:
        programs = {}
        for font in pdfx.fonts(pdf):
            programs.setdefault(hashlib.sha256(pdfx.font_program(font).read_bytes()).hexdigest(), font)
        first, second = list(programs.values())[:2]
        for font in (first, second):
            font.BaseFont = pikepdf.Name("/ABCDEF+" + str(font.BaseFont)[8:])
        pdf.save(tmp_path / "tags.pdf")
    (found,) = findings(tmp_path / "tags.pdf")
    assert found[0] is None and found[1].startswith("subset tag ABCDEF+ names 2 different font subsets")


def test_a_file_without_an_output_intent_fails(published, tmp_path) -> None:
    pack = tmp_path / "without-intent.pdf"
    with pikepdf.open(published.path(next(e for e in published.packs() if e["pack"] == "community-midwives-a5"))) as pdf:
        del pdf.Root.OutputIntents
        pdf.save(pack)
    problems = [problem for _, problem in findings(pack)]
    assert "no PDF/X output intent: the printing condition is unknown" in problems


def test_the_command_names_file_page_problem_and_fix(print_files, tmp_path) -> None:
    path = synthetic(tmp_path / "rgb.pdf", [text_in(lambda c: c.setFillColorRGB(0, 0, 0))])
    ticket_path = tmp_path / "rgb.ticket.json"
    ticket_path.write_text(json.dumps(ticket("rgb.pdf", (1, 1, "1/1", "loose"))), "utf-8")
    failed = run_publish("preflight", str(path), str(print_files["a5-booklets"]), "--ticket", str(ticket_path))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    lines = failed.stdout.splitlines()
    at = lines.index(f"{path}: page 1: the ticket prints it 1/1 (black only), but it paints in DeviceRGB: it "
                     "would print in four colours")
    assert lines[at + 1].startswith("    fix: draw text, rules and page furniture in DeviceGray")
    assert f"{print_files['a5-booklets']}: 7 pages;" in failed.stdout and "passes" in failed.stdout
    passed = run_publish("preflight", *(str(p) for p in print_files.values()))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    missing = run_publish("preflight", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1 and "cannot be read" in missing.stdout


def test_a_ticket_for_another_file_fails(print_files) -> None:
    other = {"files": [{"file": "a5-pack.pdf", "pages": 16}], **ticket("a5-pack.pdf", (3, 9, "4/4", "loose"))}
    assert findings(print_files["a5-pack"], other) == [
        (None, "the ticket gives this file 16 pages, but it has 14: the ticket describes another file")]
    beyond = ticket("a5-pack.pdf", (3, 20, "4/4", "loose"))
    assert findings(print_files["a5-pack"], beyond) == [
        (None, "the ticket gives this file up to 20 pages, but it has 14: the ticket describes another file")]
