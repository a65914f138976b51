"""A5 booklets: the real A5 pack imposed, read back with pdfplumber, and folded on paper in the mind.

Each half of each imposed side is identified by what it shows: the pack page number ("Pack page 9")
and the leaflet's own footer ("Page 7 of 7"); an empty half is a blank page. The sides of a booklet are
then folded as a print shop would: its sheets, front and back, nested with the first sheet outside.
"""
from __future__ import annotations

import io
import re

import pdfplumber
import pikepdf
import pytest

from leaflets import impose
from leaflets.model import MM

PACK_PAGE = re.compile(r"Pack page (\d+)")
OWN_PAGE = re.compile(r"\bPage (\d+) of (\d+)")


def shows(page) -> tuple[int, tuple[int, int] | None] | None:
    """(pack page number, (own page, of)) of what a page or a half page shows; None if it is empty."""
    text = page.extract_text() or ""
    pack = PACK_PAGE.findall(text)
    if not text.strip():
        return None
    assert len(pack) == 1, f"not one pack page number in {text[:200]!r}"
    own = OWN_PAGE.search(PACK_PAGE.sub("", text))
    return int(pack[0]), (int(own[1]), int(own[2])) if own else None


@pytest.fixture(scope="module")
def a5_pack(published) -> tuple[bytes, list[tuple[int, int]], list[int]]:
    """The A5 pack, its leaflets' page ranges (from each "Page 1 of N" to "Page N of N") and its contents."""
    entry = next(e for e in published.packs() if e["pack"] == "community-midwives-a5")
    data = published.path(entry).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [shows(page) for page in pdf.pages]
    spans, start = [], None
    for number, seen in enumerate(pages, 1):
        if number == 1 or seen is None or seen[1] is None:  # the contents page, or a blank page
            continue
        own, of = seen[1]
        start = number if own == 1 else start
        if own == of:
            spans.append((start, number))
    contents = list(range(1, spans[0][0]))
    # The pack's blank padding (its pack page number only, no footer of its own) stays out.
    loose = [n for n in contents if pages[n - 1] is not None and pages[n - 1][1] is not None]
    assert loose == [1] and len(spans) == 2, (spans, loose)
    return data, spans, loose


@pytest.fixture(scope="module")
def imposed(a5_pack) -> bytes:
    data, spans, loose = a5_pack
    return impose.booklet(data, spans, loose, "community-midwives-a5.pdf")


def test_folded_booklets_read_in_order_with_blanks_before_the_back_page(a5_pack, imposed) -> None:
    _, spans, loose = a5_pack
    with pdfplumber.open(io.BytesIO(imposed)) as pdf:
        assert len(pdf.pages) == len(loose) + sum(impose.padded(b - a + 1) // 2 for a, b in spans)
        sides = []
        for page in pdf.pages[len(loose):]:
            assert (page.width, page.height) == pytest.approx((297 * MM, 210 * MM), abs=0.01)
            fold = page.width / 2
            sides.append((shows(page.crop((0, 0, fold, page.height))),
                          shows(page.crop((fold, 0, page.width, page.height)))))
    at = 0
    for first, last in spans:
        pages = impose.padded(last - first + 1)
        assert pages % 4 == 0 and pages >= last - first + 1
        booklet, at = sides[at:at + pages // 2], at + pages // 2
        sheets = [(booklet[i], booklet[i + 1]) for i in range(0, len(booklet), 2)]  # (front, back)
        # Folded: sheet 0 outside. The first half reads front right, back left, sheet by sheet inwards;
        # the second half back right, front left, from the innermost sheet outwards.
        read = [p for front, back in sheets for p in (front[1], back[0])] + \
               [p for front, back in reversed(sheets) for p in (back[1], front[0])]
        count = last - first + 1
        blanks = pages - count
        assert [p and p[0] for p in read] == list(range(first, last)) + [None] * blanks + [last]
        assert [p[1] for p in read if p] == [(n, count) for n in range(1, count + 1)]  # "Page 1 of 7" …


def test_the_contents_page_is_a_loose_a5_page_first(a5_pack, imposed) -> None:
    with pdfplumber.open(io.BytesIO(imposed)) as pdf:
        first = pdf.pages[0]
        assert (first.width, first.height) == pytest.approx((148 * MM, 210 * MM), abs=0.01)
        assert shows(first)[0] == 1 and "Clinic pack" in first.extract_text()


def test_sheet_boxes_trim_the_flat_booklet_sheet(imposed) -> None:
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        for page in pdf.pages[1:]:
            trim = [float(v) for v in page.TrimBox]
            assert trim[2] - trim[0] == pytest.approx(296 * MM, abs=0.01)  # two A5 pages, the fold between
            assert (trim[0] + trim[2]) / 2 == pytest.approx(297 * MM / 2, abs=0.01)


def test_each_source_page_is_drawn_as_one_form(a5_pack, imposed) -> None:
    _, spans, loose = a5_pack
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        forms = {x.objgen for page in pdf.pages for x in page.Resources.XObject.values()}
        assert all(pdf.get_object(f).Subtype == "/Form" for f in forms)
    assert len(forms) == len(loose) + sum(b - a + 1 for a, b in spans)


def test_the_imposed_file_is_untagged_and_names_the_reading_pdf(imposed) -> None:
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        note = "Imposed print file, not for reading: the reading PDF is community-midwives-a5.pdf"
        assert str(pdf.docinfo.Title) == note
        meta = pdf.open_metadata()
        assert meta["dc:title"] == note and "pdfuaid:part" not in meta
        assert impose.read_description({k.rpartition("}")[2]: str(v) for k, v in meta.items()}) \
            == ([(3, 9, 8), (11, 14, 4)], [1])


def test_imposing_again_gives_the_same_bytes(a5_pack, imposed) -> None:
    data, spans, loose = a5_pack
    assert impose.booklet(data, spans, loose, "community-midwives-a5.pdf") == imposed


@pytest.mark.parametrize("count", range(1, 14))
def test_padding_to_a_multiple_of_four_keeps_the_back_page_last(count: int) -> None:
    order = impose.reading_order(10, 10 + count - 1)
    assert len(order) % 4 == 0 and len(order) - count < 4 and order[0] == 10
    if count > 1:
        assert order[-1] == 10 + count - 1 and order[:count - 1] == list(range(10, 10 + count - 1))
    sides = impose.booklet_sides(10, 10 + count - 1)
    assert sorted((p for s in sides for p in s.pages if p), key=int) == list(range(10, 10 + count))


def test_pages_outside_the_reading_pdf_are_refused(a5_pack) -> None:
    data, _, _ = a5_pack
    with pytest.raises(ValueError, match="booklet pages 3-99"):
        impose.booklet(data, [(3, 99)], [1])
    with pytest.raises(ValueError, match="loose page 0"):
        impose.booklet(data, [(3, 9)], [0])
