"""Every print file of both packs, made through `publish.py pack` and read back: the A5 booklets folded
in the mind from what each half of each imposed side shows, the PDF/X-4 properties, the tags of the
unimposed files (both PDF/UA checkers), the marked variants, the tickets that list them all, and
`publish.py preflight`, which passes on every one of them and fails on files made to be wrong.

Readers: pdfplumber (what a page shows, where), poppler (pdfinfo, pdffonts), pikepdf (objects, XMP),
inks.py only where the ticket's own colours are compared."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from leaflets import pdfx, preflight, printmarks
from leaflets.model import MM

from .conftest import ROOT, run_publish
from .readback import boxes
from .test_impose import shows

PACKS = ("community-midwives-a5", "postnatal-ward-a4")
SUBSET_TAGS = "subset tag"  # the preflight finding of a tag shared by different subsets (issue 11, item 8)
NS = {"pdfxid": "http://www.npes.org/pdfx/ns/id/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "leaflet": "urn:x-leaflets:meta:1/"}


def pack_into(published, folder: Path, *options: str, seed: str = "0") -> Path:
    """Both packs made by `publish.py pack` into a copy of the published leaflets (no packs yet)."""
    out = folder / "out"
    shutil.copytree(published.out, out, ignore=shutil.ignore_patterns("packs"))
    result = subprocess.run([sys.executable, str(ROOT / "publish.py"), "pack", *options,
                             *(str(ROOT / "packs" / f"{name}.yaml") for name in PACKS), "--out", str(out)],
                            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def every(published, tmp_path_factory) -> Path:
    """Every kind of print file: split by colour, with crop marks."""
    return pack_into(published, tmp_path_factory.mktemp("every"), "--split", "colour", "--print-marks")


def ticket(out: Path, pack: str) -> tuple[dict, str]:
    folder = out / "packs"
    return (json.loads((folder / f"{pack}.ticket.json").read_text("utf-8")),
            (folder / f"{pack}.ticket.txt").read_text("utf-8"))


def print_files(out: Path) -> list[tuple[str, Path]]:
    """(pack, file) for every file a pack's ticket lists."""
    return [(pack, out / "packs" / f["file"]) for pack in PACKS for f in ticket(out, pack)[0]["files"]]


# --- the booklets: folded, they read 1, 2, 3, … ---------------------------------------------------------------

def halves(page) -> tuple:
    """What the left and the right half of an imposed side show (test_impose.shows); the fold is in the
    middle of the page, as the marks grow it evenly around the trim."""
    left, top, right, bottom = page.bbox
    fold = (left + right) / 2
    return shows(page.crop((left, top, fold, bottom))), shows(page.crop((fold, top, right, bottom)))


@pytest.mark.parametrize("which", ["published", "every"])
def test_each_booklet_folds_to_read_in_order_with_blanks_before_its_back_page(published, every, which) -> None:
    out = published.out if which == "published" else every
    found, text = ticket(out, "community-midwives-a5")
    imposed = [f for f in found["files"] if f["imposed"]]
    assert {f["file"] for f in imposed} >= {"community-midwives-a5.booklet.pdf"}
    for file in imposed:
        with pdfplumber.open(out / "packs" / file["file"]) as pdf:
            for item in found["items"][1:]:
                (at,) = [p for p in item["placements"] if p["file"] == file["file"]]
                sides = [halves(pdf.pages[n - 1]) for n in range(at["first_page"], at["last_page"] + 1)]
                assert (2 * len(sides)) % 4 == 0 and 2 * len(sides) == item["printed_pages"]
                # Sheet by sheet (front, back), the outer sheet first, nested and folded: the first half reads
                # each front's right and back's left going in, the second each back's right and front's left
                # coming out.
                sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
                read = [p for front, back in sheets for p in (front[1], back[0])] + \
                       [p for front, back in reversed(sheets) for p in (back[1], front[0])]
                count, first = item["pages"], item["pack_pages"]["first_page"]
                blanks = item["printed_pages"] - count
                assert [p and p[1] for p in read] == \
                    [(n, count) for n in range(1, count)] + [None] * blanks + [(count, count)], file["file"]
                assert [p[0] for p in read if p] == list(range(first, first + count))  # its pack pages
            contents = found["items"][0]
            (at,) = [p for p in contents["placements"] if p["file"] == file["file"]]
            loose = pdf.pages[at["first_page"] - 1]
            assert shows(loose)[0] == 1 and "Clinic pack" in loose.extract_text()
    assert "Finishing: fold and saddle-stitch each copy" in text


def test_the_imposed_sheets_are_a4_landscape_and_the_contents_a5(every) -> None:
    for _, path in print_files(every):
        if "booklet" not in path.name:
            continue
        with pikepdf.open(path) as pdf:
            trims = [[float(v) for v in page.TrimBox] for page in pdf.pages]
            assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
            assert str(pdf.docinfo.Title).startswith("Imposed print file, not for reading: the reading PDF is "
                                                     "community-midwives-a5.pdf")
        sizes = [(round((t[2] - t[0]) / MM), round((t[3] - t[1]) / MM)) for t in trims]
        assert sizes[0] == (148, 210) and set(sizes[1:]) == {(296, 210)}, sizes


# --- the tickets list every print file, as it is ---------------------------------------------------------------

def expected_names(found: dict) -> set[str]:
    """The files a pack split by colour, with marks, must have: its runs as its items' colours say."""
    pack, runs = found["pack"], sorted({item["colours"].replace("/", "-") for item in found["items"]})
    booklet = ".booklet" if any(item["binding"] == "booklet" for item in found["items"]) else ""
    pressed = [f"{pack}{booklet}"] + [f"{pack}.{run}{booklet}" for run in runs]
    return {f"{pack}.pdf"} | {f"{name}{marks}.pdf" for name in pressed for marks in ("", ".marks")}



def size(box: tuple[float, ...]) -> tuple[int, int]:
    return round((box[2] - box[0]) / MM), round((box[3] - box[1]) / MM)


@pytest.mark.parametrize("pack", PACKS)
def test_the_ticket_and_the_manifest_list_every_print_file_as_read_back(every, pack) -> None:
    found, text = ticket(every, pack)
    names = {f["file"] for f in found["files"]}
    on_disk = {p.name for p in (every / "packs").glob(f"{pack}.*pdf")}
    assert names == on_disk == expected_names(found)
    listed = {e["path"]: e for e in json.loads((every / "manifest.json").read_text())}
    assert set(listed[f"packs/{pack}.pdf"]["prints"]) == {f"packs/{name}" for name in names - {f"{pack}.pdf"}}
    for f in found["files"]:
        path = every / "packs" / f["file"]
        entry = listed[f"packs/{f['file']}"]
        assert entry["sha256"] == f["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["kind"] == ("pack" if f["file"] == f"{pack}.pdf" else "print")
        with pikepdf.open(path) as pdf:
            assert f["tagged"] == ("/StructTreeRoot" in pdf.Root) == (".booklet" not in f["file"])
            imposition = pdf.open_metadata().get("{urn:x-leaflets:meta:1/}imposition")
            assert f["imposed"] == (imposition == "booklet")
        read = boxes(path)
        assert f["pages"] == len(read)
        assert f["marks"] == f["file"].endswith(".marks.pdf")
        for key, box in (("trim_sizes_mm", "Trim"), ("media_sizes_mm", "Media")):
            assert [(s["width"], s["height"]) for s in f[key]] == sorted({size(b[box]) for b in read}), key
        # A page without a BleedBox bleeds to its CropBox (poppler reads it so, as PDF says).
        bleeds = {round((b["Trim"][0] - b["Bleed"][0]) / MM, 1) for b in read}
        assert max(bleeds) == f["bleed_mm"] and (bleeds == {3.0} if f["marks"] else f["bleed_mm"] < 1)
        words = ("imposed, untagged (for the press only)" if f["imposed"] else "tagged") + f", colours {f['colours']}"
        assert f"\n  {f['file']}: " in text and words in text.split(f"\n  {f['file']}: ")[1].splitlines()[0]


def test_marked_files_keep_the_pages_and_text_stays_5mm_inside_the_trim(every) -> None:
    for _, path in print_files(every):
        if not path.name.endswith(".marks.pdf"):
            continue
        plain = path.with_name(path.name.replace(".marks.pdf", ".pdf"))
        marked, before = boxes(path), boxes(plain)
        assert [b["Trim"] for b in marked] == [b["Trim"] for b in before]
        room = printmarks.OFFSET + printmarks.LENGTH
        for b in marked:
            left, bottom, right, top = b["Trim"]
            assert b["Bleed"] == pytest.approx((left - 3 * MM, bottom - 3 * MM, right + 3 * MM, top + 3 * MM), abs=0.01)
            assert b["Media"][0] <= left - room and b["Media"][2] >= right + room
        with pdfplumber.open(path) as pdf, pikepdf.open(path) as doc:
            for page, obj in zip(pdf.pages, doc.pages):
                left, bottom, right, top = (float(v) for v in obj.TrimBox)
                for char in page.chars:  # pdfplumber: x as the page's own; y from its height down
                    if char["text"].strip():
                        assert left + 5 * MM <= char["x0"] and char["x1"] <= right - 5 * MM and \
                            bottom + 5 * MM <= page.height - char["bottom"] and \
                            page.height - char["top"] <= top - 5 * MM, (path.name, page.page_number, char["text"])


# --- PDF/X-4 properties, and the tags of the unimposed files ---------------------------------------------------

def test_every_print_file_has_the_pdfx_properties(every) -> None:
    profile = pdfx.PRINTER_PROFILE.read_bytes()
    for _, path in print_files(every):
        assert path.read_bytes()[:9] == b"%PDF-1.6\n", path.name
        with pikepdf.open(path) as pdf:
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.read_bytes() == profile
            assert profile[12:20] == b"prtrCMYK"
            assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4" and pdf.docinfo.Trapped == pikepdf.Name("/False")
            xmp = ET.fromstring(pdf.Root.Metadata.read_bytes())
            assert xmp.findtext(".//pdfxid:GTS_PDFXVersion", namespaces=NS) == "PDF/X-4"
            assert xmp.findtext(".//pdf:Trapped", namespaces=NS) == "False"
            assert all("/TrimBox" in page.obj and "/ArtBox" not in page.obj for page in pdf.pages), path.name
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(re.search(r"\s+yes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row) for row in rows), fonts


def test_the_unimposed_print_files_pass_both_pdfua_checkers(every) -> None:
    tagged = [path for _, path in print_files(every) if ".booklet" not in path.name]
    assert len(tagged) >= 6  # both packs, the A4 pack's runs, and their marked variants
    result = run_publish("check", *(str(path) for path in tagged))
    assert result.returncode == 0 and result.stdout.count(" 0 error(s)") == len(tagged), result.stdout[-3000:]
    for path in tagged:
        other = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True)
        assert other.returncode == 0 and "result: PASS" in other.stdout, other.stdout + other.stderr


def test_pdffonts_lists_no_subset_tag_twice_for_different_subsets(every) -> None:
    for _, path in print_files(every):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        programs: dict[str, set[str]] = {}
        with pikepdf.open(path) as pdf:
            for name, number, generation in re.findall(r"^(\S+)\s.*\s(\d+)\s+(\d+)$", fonts, re.M)[1:]:
                tag, plus, _ = name.partition("+")
                if plus:
                    program = pdfx.font_program(pdf.get_object(int(number), int(generation)))
                    programs.setdefault(tag, set()).add(hashlib.sha256(program.read_bytes()).hexdigest())
        assert programs and all(len(digests) == 1 for digests in programs.values()), (path.name, fonts)


# --- preflight: passes on every print file, fails on files made wrong ------------------------------------------

def test_preflight_passes_on_every_print_file_against_its_ticket(published, every) -> None:
    for out in (published.out, every):
        for pack in PACKS:
            found = ticket(out, pack)[0]
            for name in (f["file"] for f in found["files"]):
                report = preflight.preflight(out / "packs" / name, found)
                errors = [f.problem for f in report.findings if f.level == "error"]
                assert [e for e in errors if not e.startswith(SUBSET_TAGS)] == [], (name, errors)
            result = run_publish("preflight", *(str(out / "packs" / f["file"]) for f in found["files"]),
                                 "--ticket", str(out / "packs" / f"{pack}.ticket.json"))
            lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
            problems = [line for line in lines if not line.endswith(": passes") and ": warning: " not in line]
            assert all(SUBSET_TAGS in line or "fails (" in line for line in problems), result.stdout
            assert result.returncode == (1 if problems else 0), result.stdout


def copy_pack(every: Path, pack: str, folder: Path) -> tuple[Path, dict]:
    """A pack's print files and ticket, to be spoiled."""
    for path in (every / "packs").glob(f"{pack}.*"):
        shutil.copy(path, folder / path.name)
    return folder, json.loads((folder / f"{pack}.ticket.json").read_text("utf-8"))


def preflight_cli(path: Path, found: dict) -> subprocess.CompletedProcess:
    ticket_path = path.with_name("spoiled.ticket.json")
    ticket_path.write_text(json.dumps(found), "utf-8")
    return run_publish("preflight", str(path), "--ticket", str(ticket_path))


@pytest.mark.parametrize("pack, name", [("postnatal-ward-a4", "postnatal-ward-a4.pdf"),
                                        ("community-midwives-a5", "community-midwives-a5.booklet.marks.pdf")])
def test_preflight_fails_on_rgb_text_on_a_1_1_page(every, tmp_path, pack, name) -> None:
    folder, found = copy_pack(every, pack, tmp_path)
    contents = found["items"][0]
    contents["colours"] = "1/1"  # as it is once text is gray; the RGB text below makes it wrong either way
    (at,) = [p for p in contents["placements"] if p["file"] == name]
    with pikepdf.open(folder / name, allow_overwriting_input=True) as pdf:
        page = pdf.pages[at["first_page"] - 1]
        forms = [x for x in page.Resources.XObject.values()] if "/XObject" in page.Resources else []
        fonts = page.Resources.get("/Font") or next(f.Resources.Font for f in forms if "/Font" in f.Resources)
        page.Resources.Font = fonts
        font = next(iter(fonts.keys()))
        page.contents_add(f"q BT {font} 12 Tf 0 0 0 rg 100 100 Td (RGB) Tj ET Q\n".encode(), prepend=False)
        pdf.save(folder / name)
    result = preflight_cli(folder / name, found)
    assert result.returncode == 1
    assert f"{folder / name}: page {at['first_page']}: the ticket prints it 1/1 (black only), but it paints in " \
           "DeviceRGB" in result.stdout, result.stdout


def test_preflight_fails_on_a_missing_trimbox(every, tmp_path) -> None:
    folder, found = copy_pack(every, "postnatal-ward-a4", tmp_path)
    path = folder / "postnatal-ward-a4.marks.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.pages[1].obj.TrimBox
        pdf.save(path)
    result = preflight_cli(path, found)
    assert result.returncode == 1
    assert f"{path}: page 2: no TrimBox: the printer cannot know the finished size" in result.stdout


def test_preflight_fails_on_a_booklet_not_a_multiple_of_4_pages(every, tmp_path) -> None:
    """The first booklet's last sheet side taken out of the imposed file, and the ticket moved to match: a
    booklet of 3 sides is 6 pages, which no sheets fold to."""
    folder, found = copy_pack(every, "community-midwives-a5", tmp_path)
    name = "community-midwives-a5.booklet.pdf"
    first, second = ([p for p in item["placements"] if p["file"] == name][0] for item in found["items"][1:])
    gone = first["last_page"]
    with pikepdf.open(folder / name, allow_overwriting_input=True) as pdf:
        del pdf.pages[gone - 1]
        pdf.save(folder / name)
    first["last_page"] -= 1
    second["first_page"] -= 1
    second["last_page"] -= 1
    next(f for f in found["files"] if f["file"] == name)["pages"] -= 1
    result = preflight_cli(folder / name, found)
    assert result.returncode == 1
    sides = first["last_page"] - first["first_page"] + 1
    assert f"the booklet on pages {first['first_page']}-{first['last_page']} has {2 * sides} pages, not a multiple " \
           "of 4: it cannot be folded from whole sheets" in result.stdout, result.stdout


# --- the same bytes, and the options ----------------------------------------------------------------------------

def test_making_them_again_gives_the_same_bytes(published, every, tmp_path) -> None:
    again = pack_into(published, tmp_path, "--split", "colour", "--print-marks", seed="3")
    made = [{p.name: p.read_bytes() for p in (out / "packs").iterdir()} for out in (every, again)]
    assert made[0] == made[1] and len(made[0]) == 2 * 2 + sum(len(expected_names(ticket(every, p)[0])) for p in PACKS)
    # And the booklet file made in this process is the one the command makes.
    plain = published.out / "packs" / "community-midwives-a5.booklet.pdf"
    assert made[0][plain.name] == plain.read_bytes()


def test_print_marks_in_the_definition_and_no_print_marks_on_the_command_line(published, tmp_path) -> None:
    definition = tmp_path / "community-midwives-a5.yaml"
    definition.write_text((ROOT / "packs" / definition.name).read_text() + "print_marks: true\n")
    out = tmp_path / "out"
    shutil.copytree(published.out, out, ignore=shutil.ignore_patterns("packs"))
    assert run_publish("pack", str(definition), "--out", str(out)).returncode == 0
    marked = out / "packs" / "community-midwives-a5.booklet.marks.pdf"
    assert marked.exists() and not (out / "packs" / "community-midwives-a5.marks.pdf").exists()
    assert run_publish("pack", "--no-print-marks", str(definition), "--out", str(out)).returncode == 0
    assert not marked.exists()
    found, text = ticket(out, "community-midwives-a5")
    assert [f["file"] for f in found["files"]] == ["community-midwives-a5.pdf", "community-midwives-a5.booklet.pdf"]
    assert "no bleed, no crop marks" in text
    listed = [e["path"] for e in json.loads((out / "manifest.json").read_text())]
    assert "packs/community-midwives-a5.booklet.pdf" in listed and f"packs/{marked.name}" not in listed
