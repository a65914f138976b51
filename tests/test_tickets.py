"""A pack's job tickets: the order details, the totals a shop quotes from, the JSON ticket and its schema,
the press run per colour (`--split colour`), the booklet binding and the crop marks in the pack definition,
and the manifest that lists them all.

The tickets are read back and checked against what they describe: the pack's pages (pdfplumber),
its leaflets' own page counts (the manifest), the colours read from the PDF (inks.py), the disk."""
from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from pathlib import Path

import jsonschema
import pdfplumber
import pytest

from leaflets import impose, manifest
from leaflets.build import Dirs
from leaflets.inks import PageInks, read_inks
from leaflets.pack import build_pack, load_definition
from leaflets.reader import InputError
from leaflets.ticket import COLOUR_WORDS, printed_pages, sheets_per_copy

from .conftest import ROOT, run_publish
from .readback import fold

SCHEMA = json.loads((ROOT / "packs" / "ticket.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
PACK = """\
name: test-pack
clinic: Test clinic
order:
  reference: TC-0001
  date: 2026-03-02
  due: 2026-03-16
  contact: {name: Ward clerk, phone: +44 114 496 0999, email: clerk@example.org}
  delivery: [Test clinic, Hospital Road]
items:
  - {leaflet: crafting-connections, lang: en, format: standard, copies: 10}
"""


def tickets(out: Path) -> list[tuple[dict, dict, str]]:
    """Each pack's manifest entry, JSON ticket and text ticket."""
    entries = [e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8")) if e["kind"] == "pack"]
    return [(e, json.loads((out / e["path"]).with_suffix(".ticket.json").read_text(encoding="utf-8")),
             (out / e["path"]).with_suffix(".ticket.txt").read_text(encoding="utf-8")) for e in entries]


def check_ticket(out: Path, entry: dict, ticket: dict, text: str) -> None:
    """What every ticket must say, whatever the pack: valid, its totals adding up, its files on disk."""
    assert not [error.message for error in VALIDATOR.iter_errors(ticket)]
    leaflet_pages = {e["path"].removesuffix(".pdf"): e["pages"]
                     for e in json.loads((out / "manifest.json").read_text()) if e["kind"] == "leaflet"}
    files = {f["file"]: f for f in ticket["files"]}
    pack_name = Path(entry["path"]).name
    for item in ticket["items"]:
        if item["kind"] == "leaflet":  # its pages are its PDF's own
            assert item["pages"] == leaflet_pages[f"{item['language']}/{item['leaflet']}.{item['format']}"]
        assert item["binding"] == ("loose" if item["kind"] == "contents" else entry["binding"])
        # Sheets: ceil(pages / 2) loose and duplex; pages padded to a multiple of 4, over 4, as a booklet.
        if item["binding"] == "loose":
            per_copy = math.ceil(item["pages"] / 2)
            assert item["printed_pages"] == item["pages"] and item["sides"] == "duplex-long-edge"
        else:
            assert item["printed_pages"] % 4 == 0 and 0 <= item["printed_pages"] - item["pages"] < 4
            per_copy = item["printed_pages"] // 4
            assert item["sides"] == "duplex-short-edge" and item["paper"] == "A4"
            assert item["flat_size_mm"]["width"] == 2 * item["finished_size_mm"]["width"]
            assert item["finishing"] == "fold and saddle-stitch each copy"
        assert item["sheets_per_copy"] == per_copy and item["impressions_per_copy"] == 2 * per_copy
        assert (item["sheets"], item["impressions"]) == (item["copies"] * per_copy, 2 * item["copies"] * per_copy)
        first, last = item["pack_pages"]["first_page"], item["pack_pages"]["last_page"]
        assert last - first + 1 == item["pages"]
        # A pack of loose sheets prints from itself (at the pack pages) and its runs; a pack of booklets from
        # its imposed files only (its contents a loose page there), a side of a sheet being 2 of their pages.
        assert item["placements"] and all(placed["file"] in files for placed in item["placements"])
        in_pack = [placed for placed in item["placements"] if placed["file"] == pack_name]
        assert in_pack == ([{"file": pack_name, "first_page": first, "last_page": last}]
                           if entry["binding"] == "loose" else [])
        for placed in item["placements"]:
            length = placed["last_page"] - placed["first_page"] + 1
            imposed = files[placed["file"]]["imposed"]
            assert length == (item["printed_pages"] // 2 if imposed and item["binding"] == "booklet" else item["pages"])
            assert placed["last_page"] <= files[placed["file"]]["pages"]
    sheets = sum(item["copies"] * item["sheets_per_copy"] for item in ticket["items"])
    assert ticket["totals"]["sheets"] == sheets and ticket["totals"]["impressions"] == 2 * sheets
    for colours, amount in ticket["totals"]["by_colour"].items():
        assert amount["sheets"] == sum(i["sheets"] for i in ticket["items"] if i["colours"] == colours)
    assert sum(a["sheets"] for a in ticket["totals"]["by_colour"].values()) == sheets
    for paper, amount in ticket["totals"]["by_paper"].items():
        assert amount["sheets"] == sum(i["sheets"] for i in ticket["items"] if i["paper"] == paper)
    assert sum(a["sheets"] for a in ticket["totals"]["by_paper"].values()) == sheets
    assert f"Whole order: {sheets} sheets, {2 * sheets} impressions" in text
    # The files it names are on disk with that sha256, and listed in the manifest with the pack.
    folder = (out / entry["path"]).parent
    assert ticket["files"][0]["file"] == pack_name and ticket["files"][0]["run"] is None
    assert ticket["files"][0]["tagged"] and not ticket["files"][0]["imposed"]
    assert [f"packs/{f['file']}" for f in ticket["files"][1:]] == entry["prints"]
    for described in ticket["files"]:
        data = (folder / described["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == described["sha256"] and described["sha256"] in text
        assert f"  {described['file']}: " in text
    assert {t["path"] for t in entry["tickets"]} == {f"packs/{ticket['pack']}.ticket.txt",
                                                     f"packs/{ticket['pack']}.ticket.json"}
    for listed in entry["tickets"]:
        assert hashlib.sha256((out / listed["path"]).read_bytes()).hexdigest() == listed["sha256"]


# --- the published packs -------------------------------------------------------------------------------

def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_ticket_validates_and_adds_up(published):
    found = tickets(published.out)
    assert {ticket["pack"] for _, ticket, _ in found} == {p.stem for p in (ROOT / "packs").glob("*.yaml")}
    for entry, ticket, text in found:
        check_ticket(published.out, entry, ticket, text)


def test_the_community_midwives_pack_in_sheets(published):
    """50 booklets of each leaflet, in pages / 4 A4 sheets each, its pages padded to a multiple of 4 (8 and 4
    pages today: 2 and 1 sheets, 150 A4 sheets), plus the contents on 1 A5 sheet."""
    (entry, ticket, text), = [t for t in tickets(published.out) if t[1]["pack"] == "community-midwives-a5"]
    assert entry["binding"] == "booklet"
    pages = {e["leaflet"]: e["pages"] for e in published.leaflets("standard")}
    leaflets = sum(50 * impose.padded(pages[leaflet]) // 4 for leaflet in ("relationship-with-your-baby",
                                                                           "crafting-connections"))
    contents = ticket["items"][0]
    assert contents["kind"] == "contents" and contents["copies"] == 1 and contents["sheets"] == 1
    assert contents["binding"] == "loose" and contents["paper"] == "A5"
    assert ticket["totals"]["sheets"] == leaflets + 1
    assert ticket["totals"]["by_paper"] == {"A4": {"sheets": leaflets, "impressions": 2 * leaflets},
                                            "A5": {"sheets": 1, "impressions": 2}}
    assert f"Leaflets: {leaflets} sheets, {2 * leaflets} impressions; contents: 1 sheet, 2 impressions" in text
    assert f"By paper: A4: {leaflets} sheets, {2 * leaflets} impressions; A5: 1 sheet, 2 impressions" in text
    assert ticket["order"] is None and "Order:" not in text and "Deliver to:" not in text
    # Each leaflet: "fold and saddle-stitch", its reading pages and the pages it is printed with.
    for item in ticket["items"][1:]:
        first, last = item["pack_pages"]["first_page"], item["pack_pages"]["last_page"]
        line = next(line for line in text.splitlines() if line.startswith(f"Pages {first}-{last}: "))
        blank = item["printed_pages"] - item["pages"]
        padding = f" ({item['pages']} and {blank} blank before the back page)" if blank else ""
        sheets = item["sheets_per_copy"]
        assert f"50 copies, a booklet of {item['printed_pages']}{' pages'}{padding}, {sheets} A4 " \
               f"sheet{'s' * (sheets != 1)} each, fold and saddle-stitch, colours" in line, line
    assert "Finishing: fold and saddle-stitch each copy\n" in text
    assert "Sides: booklet sheets duplex, turned on the short edge; the contents duplex, long edge\n" in text


def test_the_order_details_are_on_both_tickets(published):
    (entry, ticket, text), = [t for t in tickets(published.out) if t[1]["pack"] == "postnatal-ward-a4"]
    order = load_definition(ROOT / "packs" / "postnatal-ward-a4.yaml").order
    assert ticket["order"] == {
        "reference": order.reference, "date": order.date.isoformat(), "due": order.due.isoformat(),
        "contact": {"name": order.contact.name, "phone": order.contact.phone, "email": order.contact.email},
        "delivery": list(order.delivery)}
    assert f"Order: {order.reference}, ordered {order.date}, due {order.due}\n" in text
    assert f"Contact: {order.contact.name}, {order.contact.phone}, {order.contact.email}\n" in text
    assert f"Deliver to: {', '.join(order.delivery)}\n" in text


def test_the_text_ticket_gives_each_item_its_sheets_and_colours(published):
    for _, ticket, text in tickets(published.out):
        for item in ticket["items"][1:]:
            at = item["pack_pages"]
            line = next(line for line in text.splitlines() if line.startswith(f"Pages {at['first_page']}-"))
            assert f"{item['copies']} copies, " in line and f", {item['sheets_per_copy']} {item['paper']} sheet" in line
            assert f"colours {item['colours']}" in line and f"{item['sheets']} sheets" in line
        # Every file and the pages each item is printed from in it.
        for file in ticket["files"]:
            block = re.split(r"\n  (?! )", text.split(f"\n  {file['file']}: ", 1)[1])[0]
            assert f"{file['pages']} pages, sha256 {file['sha256']}" in block
            for item in ticket["items"]:
                for at in item["placements"]:
                    if at["file"] == file["file"]:
                        pages = f"page {at['first_page']}" if at["first_page"] == at["last_page"] else \
                            f"pages {at['first_page']}-{at['last_page']}"
                        assert f"\n    its {pages}: " in block, (file["file"], pages)


# --- sheets ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pages, binding, sheets", [(1, "loose", 1), (7, "loose", 4), (8, "loose", 4),
                                                    (9, "loose", 5), (8, "booklet", 2), (12, "booklet", 3),
                                                    (7, "booklet", 2), (1, "booklet", 1), (13, "booklet", 4)])
def test_sheets_per_copy(pages, binding, sheets):
    assert sheets_per_copy(pages, binding) == sheets
    assert printed_pages(pages, binding) == (-(-pages // 4) * 4 if binding == "booklet" else pages)


def test_an_unknown_binding_is_refused():
    with pytest.raises(ValueError):
        sheets_per_copy(8, "spiral")


# --- order details in the pack definition ----------------------------------------------------------------

def problems(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(InputError) as caught:
        load_definition(path)
    return [(p.where.line, p.message, p.fix) for p in caught.value.problems]


def test_order_details_are_read(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(PACK)
    order = load_definition(path).order
    assert (order.reference, order.date.isoformat(), order.due.isoformat()) == ("TC-0001", "2026-03-02", "2026-03-16")
    assert (order.contact.name, order.contact.phone, order.contact.email) == \
        ("Ward clerk", "+44 114 496 0999", "clerk@example.org")
    assert order.delivery == ("Test clinic", "Hospital Road")
    path.write_text(PACK.replace("  reference: TC-0001\n", "").replace("  contact: {", "  #{"))
    assert load_definition(path).order.reference is None and load_definition(path).order.contact is None


@pytest.mark.parametrize("old, new, line, message, fix", [
    ("date: 2026-03-02", "date: 02/03/2026", 5, "'02/03/2026' is not a date written YYYY-MM-DD in 'date' in 'order'",
     "write it year-month-day, e.g. 2026-01-17"),
    ("date: 2026-03-02", "date: 2026-02-30", 5, "'2026-02-30' is not a day of the calendar in 'date' in 'order'",
     "write a real date as YYYY-MM-DD, e.g. 2026-01-17"),
    ("due: 2026-03-16", "due: 2026-03-01", 6, "'due' in 'order' (2026-03-01) is before the order's date (2026-03-02)",
     "give the day the packs are wanted by, on or after 'date'"),
    ("  reference:", "  refrence:", 4, "unknown field 'refrence' in 'order'",
     "did you mean 'reference'? use only: contact, date, delivery, due, reference"),
    ("email: clerk@example.org", "email: clerk", 7,
     "'clerk' is not an email address in 'email' in 'contact' in 'order'",
     "write it as name@example.org, or leave 'email' out"),
    ("phone: +44 114 496 0999", "phone: ask at the desk", 7,
     "'ask at the desk' is not a phone number in 'phone' in 'contact' in 'order'",
     "write digits, spaces, brackets, hyphens and a leading +, e.g. 0114 496 0123"),
    ("{name: Ward clerk,", "{nmae: Ward clerk,", 7, "unknown field 'nmae' in 'contact' in 'order'",
     "did you mean 'name'? use only: email, name, phone"),
    ("delivery: [Test clinic, Hospital Road]", "delivery: Test clinic", 8,
     "'delivery' in 'order' must be a non-empty list of texts", "write each item of 'delivery' on its own '- ' line"),
])
def test_order_problems_name_the_line_and_the_fix(tmp_path, old, new, line, message, fix):
    path = tmp_path / "pack.yaml"
    assert old in PACK
    path.write_text(PACK.replace(old, new))
    assert problems(path) == [(line, message, fix)]


def test_an_empty_order_and_an_unknown_split_binding_and_marks(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("name: test-pack\nclinic: Test clinic\norder: {}\nsplit: color\nbinding: booklets\n"
                    "print_marks: yes please\nitems:\n"
                    "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 10}\n")
    assert problems(path) == [
        (3, "'order' is empty", "give any of: reference, date, contact, delivery, due; or remove 'order:'"),
        (4, "unknown split 'color' in the pack", "did you mean 'colour'? use one of: colour, none"),
        (5, "unknown binding 'booklets' in the pack", "did you mean 'booklet'? use one of: loose, booklet"),
        (6, "unknown print_marks 'yes please' in the pack", "use one of: true, false")]


def test_binding_and_marks_are_read(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(PACK + "binding: booklet\nprint_marks: true\n")
    definition = load_definition(path)
    assert (definition.binding, definition.binding_line, definition.marks) == ("booklet", PACK.count("\n") + 1, True)
    path.write_text(PACK)
    definition = load_definition(path)
    assert (definition.binding, definition.marks) == ("loose", False)


def test_a_booklet_of_a4_leaflets_is_refused_with_its_line_and_fix(tmp_path):
    path = tmp_path / "pack.yaml"
    a4 = (ROOT / "packs" / "postnatal-ward-a4.yaml").read_text()
    path.write_text(a4.replace("\nitems:", "\nbinding: booklet\nitems:"))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("binding:"))
    result = run_publish("pack", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: {path}:{line}: 'binding: booklet' folds A5 leaflets into booklets on A4 sheets, but this pack's "
        "leaflets are A4 (easy-read, large-print)\n    fix: leave out 'binding' (A4 leaflets print as loose sheets), "
        "or list only standard (A5) leaflets\n")
    assert not (tmp_path / "out" / "packs").exists()


def test_a_bad_order_through_publish(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(PACK.replace("due: 2026-03-16", "due: 2026-03-01"))
    result = run_publish("pack", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == f"error: {path}:6: 'due' in 'order' (2026-03-01) is before the order's date " \
        "(2026-03-02)\n    fix: give the day the packs are wanted by, on or after 'date'\n"
    assert not (tmp_path / "out").exists()


# --- one file per press run ------------------------------------------------------------------------------

@pytest.fixture
def out(published, tmp_path) -> Path:
    """A copy of the published output: its leaflets are up to date, so a pack is only merged."""
    copy = tmp_path / "out"
    shutil.copytree(published.out, copy)
    return copy


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [fold(page.extract_text()) for page in pdf.pages]


def check_runs(out: Path, pack: str) -> dict:
    """The press runs of a split pack: each holds only its colour's pages, each page as in the pack, with
    the same pack page number, and passes the checker; the ticket places every item in its run."""
    (entry, ticket, text), = [t for t in tickets(out) if t[1]["pack"] == pack]
    check_ticket(out, entry, ticket, text)
    whole = page_texts(out / entry["path"])
    runs = {f["file"]: f for f in ticket["files"][1:]}
    assert set(runs) == {f"{pack}.{colours.replace('/', '-')}.pdf"
                         for colours in {item["colours"] for item in ticket["items"]}}
    listed = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())}
    for name, run in runs.items():
        path = out / "packs" / name
        assert listed[f"packs/{name}"]["kind"] == "print" and listed[f"packs/{name}"]["pack"] == pack
        # A 1/1 run is black only on every page; a 4/4 run holds the items that need colour on some page.
        read = {page.colours for page in read_inks(path.read_bytes())}
        assert run["run"] == run["colours"] and (read == {"1/1"} if run["run"] == "1/1" else "4/4" in read)
        texts = page_texts(path)
        for number, page_text in enumerate(texts, 1):
            pack_page = int(re.search(r"Pack page (\d+)", page_text)[1])
            assert page_text == whole[pack_page - 1], (name, number)
        result = run_publish("check", str(path))
        assert result.returncode == 0 and "0 error(s)" in result.stdout, result.stdout[-2000:]
        assert f"  {name}: press run {COLOUR_WORDS[run['run']]}, tagged" in text
    for item in ticket["items"]:
        (in_pack, in_run), = [item["placements"]]
        assert runs[in_run["file"]]["run"] == item["colours"]
        run_text = page_texts(out / "packs" / in_run["file"])[in_run["first_page"] - 1:in_run["last_page"]]
        assert run_text == whole[in_pack["first_page"] - 1:in_pack["last_page"]]
    return ticket


def test_split_by_colour_writes_a_press_run_per_colour(out):
    definition = ROOT / "packs" / "postnatal-ward-a4.yaml"
    before = (out / "packs" / "postnatal-ward-a4.pdf").read_bytes()
    result = run_publish("pack", "--split", "colour", str(definition), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "packs" / "postnatal-ward-a4.pdf").read_bytes() == before  # the single file stays as it was
    check_runs(out, "postnatal-ward-a4")
    again = run_publish("pack", "--split", "colour", str(definition), "--out", str(out))
    assert "is up to date" in again.stdout
    # Without the split, the runs go, and the manifest and the ticket no longer name them.
    assert run_publish("pack", str(definition), "--out", str(out)).returncode == 0
    assert not list((out / "packs").glob("postnatal-ward-a4.*-*.pdf"))
    (entry, ticket, _), = [t for t in tickets(out) if t[1]["pack"] == "postnatal-ward-a4"]
    assert entry["prints"] == [] and len(ticket["files"]) == 1


def starts(lengths: list[int]) -> list[int]:
    """Where parts of these lengths start in a file that starts each on a right-hand (odd) page."""
    found, page = [], 1
    for length in lengths:
        page += (page - 1) % 2
        found.append(page)
        page += length
    return found


def test_split_pages_go_to_the_run_their_inks_say(out, published, monkeypatch):
    """Both runs, whatever the leaflets are drawn in today: the contents and the large-print pages read as
    gray in the pack, the others as they are; each item lands in its run, its pages and numbers intact."""
    import leaflets.pack as pack
    definition = load_definition(ROOT / "packs" / "postnatal-ward-a4.yaml")
    pages = {(e["leaflet"], e["format"]): e["pages"] for e in published.leaflets()}
    lengths = [1] + [pages[i.leaflet, i.format] for i in definition.items]  # a contents page, then the leaflets
    spans = [(first, first + length - 1) for first, length in zip(starts(lengths), lengths)]
    gray_pages = {n for k, (first, last) in enumerate(spans) if k == 0 or definition.items[k - 1].format
                  == "large-print" for n in range(first, last + 1)}
    real, calls = pack.read_inks, []

    def reading(data: bytes) -> list[PageInks]:
        found = real(data)
        calls.append(len(found))
        if len(calls) > 1:
            return found  # a run, read back as it is
        return [PageInks(("DeviceGray",), ()) if n in gray_pages else page for n, page in enumerate(found, 1)]
    monkeypatch.setattr(pack, "read_inks", reading)
    result = build_pack(ROOT / "packs" / "postnatal-ward-a4.yaml", Dirs(out=out), split=True)
    assert not result.errors and [e["kind"] for e in result.entries] == ["pack", "print", "print"]
    (_, ticket, _), = [t for t in tickets(out) if t[1]["pack"] == "postnatal-ward-a4"]
    assert [(i["format"], i["colours"]) for i in ticket["items"]] == [
        (None, "1/1"), ("large-print", "1/1"), ("easy-read", "4/4"), ("large-print", "1/1"), ("easy-read", "4/4")]
    for colours in ("1/1", "4/4"):
        items = [i for i in ticket["items"] if i["colours"] == colours]
        assert [i["placements"][1]["first_page"] for i in items] == starts([i["pages"] for i in items])
        assert {i["placements"][1]["file"] for i in items} == {f"postnatal-ward-a4.{colours.replace('/', '-')}.pdf"}
        run = next(f for f in ticket["files"] if f["run"] == colours)
        assert run["pages"] == items[-1]["placements"][1]["last_page"]
        texts = page_texts(out / "packs" / run["file"])
        whole = page_texts(out / "packs" / "postnatal-ward-a4.pdf")
        for item in items:
            (in_pack, in_run) = item["placements"]
            assert texts[in_run["first_page"] - 1:in_run["last_page"]] == \
                whole[in_pack["first_page"] - 1:in_pack["last_page"]]
            assert f"Pack page {in_pack['first_page']}" in texts[in_run["first_page"] - 1]
        result = run_publish("check", str(out / "packs" / run["file"]))
        assert result.returncode == 0 and "0 error(s)" in result.stdout, result.stdout[-2000:]


# --- the manifest lists the tickets and the runs ------------------------------------------------------------

def test_a_ticket_changed_by_hand_takes_its_pack_with_it(out):
    """The manifest is the truth: a pack is listed with its tickets as made, or not at all."""
    assert run_publish("pack", "--split", "colour", str(ROOT / "packs" / "postnatal-ward-a4.yaml"),
                       "--out", str(out)).returncode == 0
    group = sorted((out / "packs").glob("postnatal-ward-a4.*"))
    assert len(group) >= 4  # the pack, its two tickets and at least one run
    (out / "packs" / "postnatal-ward-a4.ticket.json").write_text("{}")
    listed = [e["path"] for e in manifest.commit(out)]
    assert not any(path.startswith("packs/postnatal-ward-a4") for path in listed)
    assert not any(path.exists() for path in group)
    assert "packs/community-midwives-a5.pdf" in listed  # another pack is not touched


def test_a_removed_run_takes_its_pack_and_unlisted_files_of_ours_go(out):
    assert run_publish("pack", "--split", "colour", str(ROOT / "packs" / "community-midwives-a5.yaml"),
                       "--out", str(out)).returncode == 0
    runs = list((out / "packs").glob("community-midwives-a5.*-*.pdf"))
    assert runs
    runs[0].unlink()
    left = [out / "packs" / name for name in ("ward.pdf", "ward.ticket.txt", "ward.ticket.json", "ward.1-1.pdf",
                                              "ward.4-4.pdf", "ward.booklet.pdf", "ward.marks.pdf",
                                              "ward.4-4.booklet.marks.pdf")]
    theirs = [out / "packs" / name for name in ("clinic.ticket.json", "ward.colour.pdf", "ward.2-2.pdf",
                                                "ward.marks.booklet.pdf", "ward.booklet.1-1.pdf")]
    for path in left + theirs:
        path.write_bytes(b"left behind")
    listed = [e["path"] for e in manifest.commit(out)]
    assert not any(path.startswith("packs/community-midwives-a5") for path in listed)
    assert not list((out / "packs").glob("community-midwives-a5.*"))
    assert not any(path.exists() for path in left)
    assert all(path.exists() for path in theirs), "files not named like ours are not ours to remove"


def test_a_withdrawn_leaflet_takes_the_runs_and_tickets_of_its_packs(out):
    assert run_publish("pack", "--split", "colour", str(ROOT / "packs" / "community-midwives-a5.yaml"),
                       "--out", str(out)).returncode == 0
    leaflet = out / "en" / "crafting-connections.standard.pdf"
    gone = manifest.packs_holding(out, [leaflet])
    names = {path.name for path in gone}
    assert {"community-midwives-a5.pdf", "community-midwives-a5.ticket.txt",
            "community-midwives-a5.ticket.json"} <= names
    assert {path.name for path in (out / "packs").glob("community-midwives-a5.*.pdf")} <= names
    assert "community-midwives-a5.1-1.booklet.pdf" in names
    manifest.commit(out, remove=gone)
    assert not list((out / "packs").glob("community-midwives-a5.*"))
