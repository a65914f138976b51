"""Page numbers a clinic can follow in a pack.

The contents page gives each leaflet's pack pages ("Pack pages 3–11"), the job
ticket the same ("Pages 3-11"), and every pack page shows its own pack page
number ("Pack page 12") at its foot, an artifact, in the other corner from the
leaflet's own "Page 1 of 9". Packs are read back with pdfplumber: the words,
where they are, their size and their marked content.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from leaflets.load import load_layout
from leaflets.model import MM, Layout
from leaflets.pack import load_definition
from leaflets.pagination import page_number_overlay

from .conftest import ROOT, run_publish
from .readback import fold

EDGE = 5 * MM  # nothing closer to the trim: printers cannot be trusted nearer


@dataclass(frozen=True)
class Foot:
    """What one pack page shows at its foot: its pack page number and its own footer (none on a blank page)."""
    stamp: list[dict]   # pdfplumber's words of "Pack page 12"
    footer: list[dict]  # the words of "Page 3 of 9"

    @property
    def footer_numbers(self) -> tuple[int, int] | None:
        found = re.fullmatch(r"Page (\d+) of (\d+)", " ".join(w["text"] for w in self.footer))
        return (int(found[1]), int(found[2])) if found else None


@dataclass(frozen=True)
class Pack:
    path: Path
    ticket: str
    layouts: list[Layout]
    width: float
    height: float
    feet: list[Foot]
    texts: list[str]  # each page's text, whitespace folded


def read_foot(page: pdfplumber.page.Page) -> Foot:
    # Both numbers are artifacts, so the only artifact words on a page.
    words = [w for w in page.extract_words(extra_attrs=["size", "tag"]) if w["tag"] == "Artifact"]
    at = next((i for i in range(len(words)) if [w["text"] for w in words[i:i + 2]] == ["Pack", "page"]), None)
    assert at is not None, f"page {page.page_number}: no 'Pack page' artifact among {[w['text'] for w in words]}"
    return Foot(words[at:at + 3], words[:at] + words[at + 3:])


def read_pack(path: Path, definition: Path) -> Pack:
    formats = {item.format for item in load_definition(definition).items}
    layouts = [load_layout(ROOT / "layouts" / f"{fmt}.yaml") for fmt in sorted(formats)]
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        return Pack(path, path.with_suffix(".ticket.txt").read_text(encoding="utf-8"), layouts,
                    float(first.width), float(first.height), [read_foot(page) for page in pdf.pages],
                    [fold(page.extract_text()) for page in pdf.pages])


@pytest.fixture(scope="module", params=["postnatal-ward-a4", "community-midwives-a5"])
def pack(request, published) -> Pack:
    entry = next(e for e in published.packs() if e["pack"] == request.param)
    return read_pack(published.path(entry), ROOT / "packs" / f"{request.param}.yaml")


def leaflet_spans(pack: Pack) -> list[tuple[int, int]]:
    """The pack pages from each leaflet's own "Page 1 of N" to its "Page N of N", the contents left out."""
    contents_pages = pack.feet[0].footer_numbers[1]
    spans, start = [], None
    for number, foot in enumerate(pack.feet, 1):
        own = foot.footer_numbers
        if number <= contents_pages or own is None:  # the contents, or a blank page
            continue
        page, pages = own
        if page == 1:
            start = number
        assert start is not None and number - start + 1 == page, f"pack page {number} says 'Page {page} of {pages}'"
        if page == pages:
            spans.append((start, number))
    return spans


def test_contents_and_ticket_give_the_pages_each_leaflet_is_on(pack: Pack) -> None:
    spans = leaflet_spans(pack)
    assert len(spans) == len(load_definition(ROOT / "packs" / f"{pack.path.stem}.yaml").items)
    contents = " ".join(pack.texts[:spans[0][0] - 1])
    listed = [(int(a), int(b)) for a, b in re.findall(r"Pack pages (\d+)–(\d+):", contents)]
    ticketed = [(int(a), int(b)) for a, b in re.findall(r"^Pages (\d+)-(\d+):", pack.ticket, re.M)]
    assert listed == ticketed == spans
    assert spans[-1][1] == len(pack.feet) and f"{len(pack.feet)} pages" in pack.ticket


def test_every_page_shows_its_pack_page_number_apart_from_its_own(pack: Pack) -> None:
    size = max(layout.size("footer") for layout in pack.layouts)
    bottom_margin = min(layout.margins[2] for layout in pack.layouts)
    if any(layout.name == "large-print" for layout in pack.layouts):
        assert size >= 16
    for number, foot in enumerate(pack.feet, 1):
        stamp = foot.stamp
        assert [w["text"] for w in stamp] == ["Pack", "page", str(number)]
        assert all(w["size"] >= size - 0.01 for w in stamp), f"pack page {number}: {[w['size'] for w in stamp]} pt"
        left, right = min(w["x0"] for w in stamp), max(w["x1"] for w in stamp)
        top, bottom = min(w["top"] for w in stamp), max(w["bottom"] for w in stamp)
        assert left >= EDGE and right <= pack.width - EDGE and bottom <= pack.height - EDGE, (number, left, bottom)
        assert top >= pack.height - bottom_margin, f"pack page {number}: the number is above the bottom margin"
        if foot.footer:  # on the same line, in the other corner, with the page's width between them
            assert abs(max(w["bottom"] for w in foot.footer) - bottom) < 1
            assert min(w["x0"] for w in foot.footer) - right > pack.width / 3, f"pack page {number}"


def test_the_pack_passes_the_checker(pack: Pack) -> None:
    result = run_publish("check", str(pack.path))
    assert result.returncode == 0 and "0 error(s)" in result.stdout, result.stdout + result.stderr


def test_building_a_pack_again_gives_the_same_bytes(published, tmp_path: Path) -> None:
    """Other processes, other output folders, the leaflets built again: the same pack and tickets."""
    entry = next(e for e in published.packs() if e["pack"] == "postnatal-ward-a4")
    pack = published.path(entry)
    # Two hash seeds that iterate {"large-print", "easy-read"} in opposite orders.
    for seed in ("0", "3"):
        out = tmp_path / seed
        result = subprocess.run([sys.executable, str(ROOT / "publish.py"), "pack",
                                 str(ROOT / "packs" / "postnatal-ward-a4.yaml"), "--out", str(out)],
                                capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        again = out / "packs" / pack.name
        assert again.read_bytes() == pack.read_bytes(), f"PYTHONHASHSEED={seed}"
        for ticket in (".ticket.txt", ".ticket.json"):
            assert again.with_suffix(ticket).read_bytes() == pack.with_suffix(ticket).read_bytes(), ticket
        # Split into press runs: the same runs and tickets from both seeds.
        split = subprocess.run([sys.executable, str(ROOT / "publish.py"), "pack", "--split", "colour",
                                str(ROOT / "packs" / "postnatal-ward-a4.yaml"), "--out", str(out)],
                               capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert split.returncode == 0, split.stderr
    made = [{p.name: p.read_bytes() for p in (tmp_path / seed / "packs").iterdir()} for seed in ("0", "3")]
    assert made[0] == made[1] and any(name.endswith("-4.pdf") or name.endswith("-1.pdf") for name in made[0])


def test_the_number_is_on_the_left_unless_the_page_reads_right_to_left(tmp_path: Path) -> None:
    layout = load_layout(ROOT / "layouts" / "large-print.yaml")
    path = tmp_path / "numbers.pdf"
    path.write_bytes(page_number_overlay(["Pack page 1", "Pack page 2"], "en", ["en", "ar"], layout))
    _, right, _, left = layout.margins
    width = layout.page_size[0]
    with pdfplumber.open(path) as pdf:
        (first, second) = (page.extract_words(extra_attrs=["tag"]) for page in pdf.pages)
    assert [w["text"] for w in first] == ["Pack", "page", "1"] and {w["tag"] for w in first} == {"Artifact"}
    assert first[0]["x0"] == pytest.approx(left, abs=1)  # an English page's own footer is on the right
    assert second[-1]["x1"] == pytest.approx(width - right, abs=1)  # an Arabic page's is on the left


def test_blank_pages_carry_the_boxes_of_their_neighbours(tmp_path):
    out = tmp_path / "out"
    assert run_publish("pack", str(ROOT / "packs" / "postnatal-ward-a4.yaml"), "--out", str(out)).returncode == 0
    with pikepdf.open(out / "packs" / "postnatal-ward-a4.pdf") as pdf:
        for page in pdf.pages:
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
            assert [float(v) for v in page.obj.TrimBox] == [float(v) for v in page.obj.MediaBox]
