"""The print variant with marks: read back with poppler (the boxes), pdfplumber (the marks and where the
text is), qpdf (the marked content) and the two PDF/UA checkers (the tags)."""
from __future__ import annotations

import io
import subprocess
import sys

import pdfplumber
import pikepdf
import pytest

from leaflets import printmarks
from leaflets.model import MM

from .conftest import run_publish
from .readback import boxes, elements

BLEED = 3 * MM
TEXT_INSIDE = 5 * MM


@pytest.fixture(scope="module", params=["community-midwives-a5", "postnatal-ward-a4"])
def marked(request, published, tmp_path_factory):
    """(the pack's path, the marked file's path)."""
    entry = next(e for e in published.packs() if e["pack"] == request.param)
    pack = published.path(entry)
    out = tmp_path_factory.mktemp("marks") / f"{request.param}.marks.pdf"
    out.write_bytes(printmarks.with_marks(pack.read_bytes()))
    return pack, out



def test_boxes_trim_the_page_bleed_3mm_and_leave_room_for_the_marks(marked) -> None:
    pack, out = marked
    before, after = boxes(pack), boxes(out)
    assert len(before) == len(after)
    for page, (old, new) in enumerate(zip(before, after), 1):
        left, bottom, right, top = new["Trim"]
        assert new["Trim"] == pytest.approx(old["Media"], abs=0.01), page
        assert new["Bleed"] == pytest.approx((left - BLEED, bottom - BLEED, right + BLEED, top + BLEED), abs=0.01)
        room = printmarks.OFFSET + printmarks.LENGTH
        media = new["Media"]
        assert media[0] <= left - room and media[1] <= bottom - room and media[2] >= right + room \
            and media[3] >= top + room, page


def test_crop_marks_are_black_artifacts_outside_the_bleed(marked) -> None:
    _, out = marked
    with pdfplumber.open(out) as pdf, pikepdf.open(out) as doc:
        for page, obj in zip(pdf.pages, doc.pages):
            trim = [float(v) for v in obj.TrimBox]
            bleed = [float(v) for v in obj.BleedBox]
            # pdfplumber's top is the page height less y
            lines = [(line, line["x0"], line["x1"], page.height - line["bottom"], page.height - line["top"])
                     for line in page.lines]
            outside = [each for each in lines if each[1] < trim[0] or each[2] > trim[2] or each[3] < trim[1]
                       or each[4] > trim[3]]
            assert len(outside) == 8, page.page_number  # pictures draw lines too, but inside the trim
            for line, x0, x1, y0, y1 in outside:
                assert line["tag"] == "Artifact" and line["stroking_color"] in (0, (0,), [0])
                assert line["linewidth"] <= 0.5
                clear_x = x1 <= bleed[0] or x0 >= bleed[2]
                clear_y = y1 <= bleed[1] or y0 >= bleed[3]
                assert clear_x or clear_y, f"page {page.page_number}: a mark inside the bleed: {line}"
                distance = max(trim[0] - x1, x0 - trim[2], trim[1] - y1, y0 - trim[3])
                assert distance >= 3 * MM - 0.01, f"page {page.page_number}: a mark {distance / MM:.1f} mm from trim"
                on_edge = {round(v, 2) for v in (x0, x1, y0, y1)} & {round(v, 2) for v in trim}
                assert on_edge, f"page {page.page_number}: a mark on no trim edge's line"


def test_text_stays_5mm_inside_the_trim(marked) -> None:
    _, out = marked
    with pdfplumber.open(out) as pdf, pikepdf.open(out) as doc:
        for page, obj in zip(pdf.pages, doc.pages):
            left, bottom, right, top = (float(v) for v in obj.TrimBox)
            for char in page.chars:
                if not char["text"].strip():
                    continue
                y_low, y_high = page.height - char["bottom"], page.height - char["top"]
                assert char["x0"] >= left + TEXT_INSIDE and char["x1"] <= right - TEXT_INSIDE \
                    and y_low >= bottom + TEXT_INSIDE and y_high <= top - TEXT_INSIDE, \
                    f"page {page.page_number}: {char['text']!r} within 5 mm of the trim"


def marked_content(path) -> list[list[tuple[str, str]]]:
    """Each page's marked-content operators, in order, with their operands (qpdf)."""
    with pikepdf.open(path) as pdf:
        return [[(str(i.operator), repr(list(i.operands))) for i in pikepdf.parse_content_stream(page)
                 if str(i.operator) in ("BDC", "BMC", "EMC")] for page in pdf.pages]


def test_tags_and_marked_content_are_unchanged(marked) -> None:
    pack, out = marked
    assert elements(out) == elements(pack)
    artifact = [("BDC", repr([pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Page)])), ("EMC", "[]")]
    assert marked_content(out) == [page + artifact for page in marked_content(pack)]


def test_the_marked_file_passes_both_pdfua_checkers(marked) -> None:
    _, out = marked
    result = run_publish("check", str(out))
    assert result.returncode == 0 and "0 error(s)" in result.stdout, result.stdout + result.stderr
    other = subprocess.run([sys.executable, "-m", "pdfua", "check", str(out)], capture_output=True, text=True)
    assert other.returncode == 0 and "result: PASS" in other.stdout, other.stdout + other.stderr


def test_marking_again_gives_the_same_bytes(marked) -> None:
    pack, out = marked
    assert printmarks.with_marks(pack.read_bytes()) == out.read_bytes()


def test_the_bleed_is_as_asked_and_leaves_room_for_the_marks(marked) -> None:
    pack, _ = marked
    with pikepdf.open(io.BytesIO(printmarks.with_marks(pack.read_bytes(), bleed_mm=2))) as pdf:
        trim, bleed = (float(v) for v in pdf.pages[0].TrimBox), (float(v) for v in pdf.pages[0].BleedBox)
        assert [t - b for t, b in zip(trim, bleed)] == pytest.approx([2 * MM, 2 * MM, -2 * MM, -2 * MM], abs=0.01)
    with pytest.raises(ValueError, match="no room for crop marks"):
        printmarks.with_marks(pack.read_bytes(), bleed_mm=6)
