"""A web or e-mail address in a text is a link: tagged Link annotations over the drawn address (PDF/UA-1)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from leaflets.check.facts import gather
from leaflets.rllinks import addresses

from .conftest import ROOT, run_publish

URL = "https://www.lullabytrust.org.uk/safer-sleep-advice/sleeping-bags-and-blankets/"
MAIL = "help@example.org.uk"
OLD = "respond to stress and distress.\""
NEW = f"respond to stress and distress. Read {URL} or write to {MAIL}, and ask.\""
URIS = {URL: URL, MAIL: f"mailto:{MAIL}"}
PDFS = {"standard": "standard", "18 pt": "large-print", "36 pt": "large-print-36pt"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("links") / "sources"
    shutil.copytree(ROOT / "sources", folder)
    source = folder / "relationship-with-your-baby.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    source.write_text(text.replace(OLD, NEW), encoding="utf-8")
    out = folder.parent / "out"
    for options in (["--format", "standard"], ["--size", "18"], ["--size", "36"]):
        done = run_publish("build", "--sources", str(folder), "--out", str(out), "--lang", "en",
                           "--leaflet", "relationship-with-your-baby", *options)
        assert done.returncode == 0, done.stdout + done.stderr
    return {name: out / "en" / f"relationship-with-your-baby.{stem}.pdf" for name, stem in PDFS.items()}


def links(pdf: pikepdf.Pdf) -> list[tuple[int, pikepdf.Dictionary]]:
    return [(n, a) for n, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", [])
            if a.get("/Subtype") == "/Link"]


def link_elements(node, found=None) -> list[pikepdf.Dictionary]:
    found = [] if found is None else found
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kid.S == "/Link":
                found.append(kid)
            link_elements(kid, found)
    return found


def test_addresses_found():
    found = addresses(f"See {URL}, www.example.org. or ({MAIL}) and http://a.b/c?d=1.")
    assert [(a.text, a.uri) for a in found] == [
        (URL, URL), ("www.example.org", "https://www.example.org"), (MAIL, f"mailto:{MAIL}"),
        ("http://a.b/c?d=1", "http://a.b/c?d=1")]
    assert addresses("no address here, nor a@b or www.") == []


@pytest.mark.parametrize("name", PDFS)
def test_each_address_is_one_link_element_over_its_annotations(built, name):
    with pikepdf.open(built[name]) as pdf:
        annots = links(pdf)
        assert {str(a.A.URI) for _, a in annots} == set(URIS.values())
        for n, a in annots:
            assert a.A.S == "/URI" and str(a.Contents) in URIS and URIS[str(a.Contents)] == str(a.A.URI)
            assert list(a.Border) == [0, 0, 0]
            assert pdf.pages[n].obj.Tabs == "/S"
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert int(root.ParentTreeNextKey) > max(tree)
        found = link_elements(root)
        assert len(found) == len(URIS)  # one element per address
        for element, address in zip(found, URIS):
            assert element.P.S == "/P" and str(element.P.ActualText).endswith(NEW[:-1])  # the paragraph reads whole
            objrs = [k for k in element.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            mcids = [k for k in element.K if isinstance(k, int)]
            assert mcids, "the address's marked content is in its Link element"
            mine = [a for _, a in annots if str(a.Contents) == address]
            assert {o.Obj.objgen for o in objrs} == {a.objgen for a in mine}
            for a in mine:  # the ParentTree maps each annotation's /StructParent to its Link element
                assert tree[int(a.StructParent)].objgen == element.objgen
        if name == "36 pt" or name == "18 pt":
            assert len([k for k in found[0].K if isinstance(k, pikepdf.Dictionary)]) > 1, "broken across lines"
    # The Link element's text, its marked content (nested in its paragraph's, as the checker reads it), is the
    # whole address. (PDFium gives nested marked content to the outer sequence: the paragraph's /ActualText.)
    texts = [e.text.strip() for e in gather(built[name].read_bytes()).elements if e.role == "Link"]
    assert texts == list(URIS)


@pytest.mark.parametrize("name", PDFS)
def test_annotations_lie_over_the_drawn_address(built, name):
    pdf = pdfium.PdfDocument(built[name])
    with pikepdf.open(built[name]) as pk:
        pieces: dict[str, str] = {}
        for n, a in links(pk):
            text = pdf[n].get_textpage().get_text_bounded(*[float(v) for v in a.Rect]).strip()
            assert text and text in str(a.Contents)
            pieces[str(a.Contents)] = pieces.get(str(a.Contents), "") + text
        assert pieces == {URL: URL, MAIL: MAIL}


def test_check_passes(built):
    done = run_publish("check", *map(str, built.values()))
    assert done.returncode == 0, done.stdout + done.stderr
    for rule in ("28-008", "28-009", "28-011", "28-012", "PDF:14.7.4.4"):
        assert any(line.split()[:2] == ["PASS", rule] for line in done.stdout.splitlines()), rule
