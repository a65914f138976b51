"""Tests for merging tagged leaflets into one tagged clinic pack.

The inputs are small tagged PDFs drawn here with ReportLab; the output is read
back with readers independent of the merging code: qpdf, poppler's pdfinfo,
PDFium (pypdfium2) and pikepdf.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from reportlab.lib.pagesizes import A5
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from leaflets import rlfixes  # noqa: F401  (installs ReportLab's fixes, as every project PDF has them)
from leaflets.merge import PackPart, merge_tagged, read_tagged
from leaflets.plan import DocInfo

# The project draws every PDF with ReportLab's fixes in place; so do the inputs
# here, in this process and in the one test_reproducible_across_processes starts.

# ---------------------------------------------------------------------------
# Tagged inputs
# ---------------------------------------------------------------------------


def _font(name: str, file: str) -> str | None:
    """Register a TrueType font found on ReportLab's search path, if present."""
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        pdfmetrics.registerFont(TTFont(name, file))
    except Exception:  # not installed here
        return None
    return name


# Vera ships with ReportLab; DejaVu Sans (for Arabic) is used when installed.
LATIN = _font("Vera", "Vera.ttf") or "Helvetica"
ARABIC = _font("DejaVuSans", "DejaVuSans.ttf") or LATIN


@dataclass
class Elem:
    """One structure element: its type and its text lines, each on a page."""
    tag: str
    lines: list[tuple[int, str]]
    link: str | None = None  # a URI link annotation over the first line
    ref: object = field(default=None, repr=False)
    pdict: PDFDictionary | None = field(default=None, repr=False)


def make_tagged_pdf(
    title: str,
    lang: str,
    elems: list[Elem],
    *,
    pages: int,
    font: str = LATIN,
    role_map: dict[str, str] | None = None,
    sections: tuple[tuple[str, int], ...] = (),
) -> bytes:
    """A small tagged PDF: Document → elements, MCIDs per page, ParentTree.

    `sections` adds bookmarks (title, 0-based page) beneath one for the title.
    """
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=A5, pdfVersion=(1, 7), invariant=1)
    canv.setTitle(title)
    doc = canv._doc
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(root)
    document = PDFDictionary(
        {"Type": PDFName("StructElem"), "S": PDFName("Document"), "P": root_ref}
    )
    document_ref = doc.Reference(document)
    for e in elems:
        e.pdict = PDFDictionary(
            {"Type": PDFName("StructElem"), "S": PDFName(e.tag), "P": document_ref,
             "K": PDFArray([])}
        )
        e.ref = doc.Reference(e.pdict)
    first_page: dict[int, int] = {}  # id(elem) → page of its first MCID
    nums: list[object] = []
    annots: list[tuple[object, object]] = []  # (annotation ref, element ref)

    for page in range(pages):
        page_ref = doc.thisPageRef()
        if page == 0:
            canv.bookmarkPage("title")
            canv.addOutlineEntry(title, "title", level=0)
        for name, on_page in sections:
            if on_page == page:
                canv.bookmarkPage(name)
                canv.addOutlineEntry(name, name, level=1)
        owners: list[object] = []
        y = A5[1] - 60
        for e in elems:
            for on_page, text in e.lines:
                if on_page != page:
                    continue
                mcid = len(owners)
                canv.addLiteral(f"/{e.tag} <</MCID {mcid}>> BDC")
                canv.setFont(font, 18 if e.tag == "H1" else 11)
                canv.drawString(40, y, text)
                canv.addLiteral("EMC")
                kids = e.pdict["K"].sequence
                if id(e) not in first_page:
                    first_page[id(e)] = page
                    e.pdict["Pg"] = page_ref
                    kids.append(mcid)
                elif first_page[id(e)] == page:
                    kids.append(mcid)
                else:
                    kids.append(PDFDictionary(
                        {"Type": PDFName("MCR"), "Pg": page_ref, "MCID": mcid}))
                owners.append(e.ref)
                if e.link and len(kids) == 1:
                    key = pages + len(annots)
                    canv.linkURL(e.link, (40, y - 4, 300, y + 14), thickness=0,
                                 StructParent=key, Contents=PDFString(text))
                    annot_ref = canv._annotationrefs[-1]
                    kids.append(PDFDictionary(
                        {"Type": PDFName("OBJR"), "Obj": annot_ref, "Pg": page_ref}))
                    annots.append((annot_ref, e.ref))
                y -= 30
        # Page furniture is an artifact, outside the tree.
        canv.addLiteral("/Artifact <</Type /Pagination>> BDC")
        canv.setFont(LATIN, 8)
        canv.drawString(40, 20, f"{page + 1}")
        canv.addLiteral("EMC")
        canv.showPage()
        pobj = doc.Pages.pages[-1]
        # PDFPage writes only the keys named in __NoDefault__.
        pobj.__NoDefault__ = [*pobj.__NoDefault__, "StructParents", "Tabs"]
        pobj.StructParents = page
        pobj.Tabs = PDFName("S")
        nums += [page, PDFArray(owners)]

    for i, (_, elem_ref) in enumerate(annots):
        nums += [pages + i, elem_ref]
    document["K"] = PDFArray([e.ref for e in elems])
    root["K"] = document_ref
    root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
    root["ParentTreeNextKey"] = pages + len(annots)
    if role_map:
        root["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in role_map.items()})
    canv.setCatalogEntry("StructTreeRoot", root_ref)
    canv.setCatalogEntry("MarkInfo", {"Marked": "true"})  # "true": a Python True is no PDF
    canv.setCatalogEntry("Lang", lang)
    canv.setViewerPreference("DisplayDocTitle", "true")
    canv.save()
    return buf.getvalue()


def contents_pdf() -> bytes:
    return make_tagged_pdf(
        "Contents", "en",
        [Elem("H1", [(0, "Contents")]),
         Elem("P", [(0, "Feeding your baby, page 3")]),
         Elem("P", [(0, "Sleep, page 5")])],
        pages=1,
    )


def feeding_pdf() -> bytes:
    return make_tagged_pdf(
        "Feeding your baby", "en",
        [Elem("H1", [(0, "Feeding your baby")]),
         Elem("P", [(0, "Feed your baby when they show signs of hunger,"),
                    (1, "such as rooting or sucking their hands.")]),
         Elem("Note", [(1, "Ask your health visitor for help.")]),
         Elem("Link", [(2, "Visit the NHS website")], link="https://www.nhs.uk/"),
         Elem("P", [(2, "Call 111 if you are worried.")])],
        pages=3,
        role_map={"Note": "P"},
        sections=(("Getting help", 1),),
    )


def sleep_ar_pdf() -> bytes:
    return make_tagged_pdf(
        "النوم", "ar",
        [Elem("H1", [(0, "النوم الآمن")]),
         Elem("P", [(0, "ضع طفلك على ظهره"), (1, "في سريره الخاص")])],
        pages=2,
        font=ARABIC,
    )


def untagged_pdf() -> bytes:
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=A5, invariant=1)
    canv.drawString(40, 400, "No tags here")
    canv.showPage()
    canv.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------
# The pack under test
# ---------------------------------------------------------------------------

PACK_TITLE = "Clinic pack: your new baby"
PACK_INFO = DocInfo(title=PACK_TITLE, lang="en", author="Example Clinic", publisher="Example Trust",
                    subject="Leaflets for new parents", date=dt.date(2026, 5, 1), keywords={"pack": "example"})


@dataclass(frozen=True)
class Case:
    pdf: bytes
    title: str
    lang: str           # the /Lang expected on its Part
    first_page: int     # 1-based page where it starts in the pack
    override: str | None = None
    odd_start: bool = True


def make_cases() -> list[Case]:
    contents, feeding, sleep = contents_pdf(), feeding_pdf(), sleep_ar_pdf()
    # Pages: contents 1, blank 2, feeding 3-5, blank 6, sleep 7-8,
    # feeding again 9-11, sleep (no odd start) 12-13.
    return [
        Case(contents, "Contents", "en", 1),
        Case(feeding, "Feeding your baby", "en", 3),
        Case(sleep, "Sleep (Arabic)", "ar", 7),
        Case(feeding, "Feeding your baby (copy)", "en", 9),  # same bytes twice
        Case(sleep, "Sleep (Egyptian Arabic)", "ar-EG", 12, override="ar-EG", odd_start=False),
    ]


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return make_cases()


def merge(cases: list[Case]) -> bytes:
    return merge_tagged(
        [PackPart(c.pdf, c.title, lang=c.override, odd_start=c.odd_start) for c in cases], PACK_INFO)


@pytest.fixture(scope="module")
def pack(cases: list[Case]) -> bytes:
    return merge(cases)


@pytest.fixture(scope="module")
def pack_file(pack: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    path.write_bytes(pack)
    return path


TOTAL_PAGES = 13


# ---------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def struct_text(path: Path) -> list[str]:
    """pdfinfo's tree, with object numbers (which differ after merging) removed."""
    lines = run(tool("pdfinfo"), "-struct-text", str(path)).splitlines()
    return [line.split(" Object ")[0] + " Object" if " Object " in line else line
            for line in lines]


@dataclass
class Tree:
    """A structure tree read with pikepdf, elements in document order."""
    parts: list[pikepdf.Dictionary]
    elements: list[tuple[pikepdf.Dictionary, int]]  # (element, depth)
    mcid_owner: dict[tuple[int, int], tuple[int, int]]  # (page, MCID) → element objgen
    objr_owner: dict[tuple[int, int], tuple[int, int]]  # annotation → element objgen


def kids(elem: pikepdf.Dictionary) -> list:
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def read_tree(pdf: pikepdf.Pdf, top: pikepdf.Dictionary) -> Tree:
    page_no = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    tree = Tree([], [], {}, {})

    def walk(elem: pikepdf.Dictionary, depth: int) -> None:
        tree.elements.append((elem, depth))
        for kid in kids(elem):
            if isinstance(kid, int):
                key = (page_no[elem.Pg.objgen], kid)
            elif kid.get("/Type") == pikepdf.Name.MCR:
                key = (page_no[kid.Pg.objgen], int(kid.MCID))
            elif kid.get("/Type") == pikepdf.Name.OBJR:
                tree.objr_owner[kid.Obj.objgen] = elem.objgen
                continue
            else:
                walk(kid, depth + 1)
                continue
            assert key not in tree.mcid_owner, f"MCID {key} owned twice"
            tree.mcid_owner[key] = elem.objgen

    walk(top, 0)
    tree.parts = [e for e, depth in tree.elements if depth == 1]
    return tree


def content_mcids(page: pikepdf.Page) -> list[int]:
    """MCIDs of the marked content in a page's content stream."""
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
            if "/MCID" in operands[1]:
                found.append(int(operands[1].MCID))
    return found


def pdfium_text_by_mcid(data: bytes) -> dict[tuple[int, int], str]:
    """(page, MCID) → text, from PDFium's page objects."""
    doc = pdfium.PdfDocument(data)
    texts: dict[tuple[int, int], str] = {}
    for index in range(len(doc)):
        page = doc[index]
        textpage = page.get_textpage()
        for obj in page.get_objects():
            if pdfium_c.FPDFPageObj_GetType(obj.raw) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            text = utf16(lambda buf, n, o=obj.raw, t=textpage.raw:
                         pdfium_c.FPDFTextObj_GetText(o, t, buf, n))
            texts[(index, mcid)] = texts.get((index, mcid), "") + text
    return texts


def element_texts(data: bytes, top_of: str) -> list[list[tuple[str, list[str]]]]:
    """For each part (or the one Document of an input): [(type, its texts)]."""
    texts = pdfium_text_by_mcid(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot.K
        tree = read_tree(pdf, root)
        by_elem: dict[tuple[int, int], list[str]] = {}
        for key, owner in tree.mcid_owner.items():
            by_elem.setdefault(owner, []).append((key, texts[key]))
        tops = tree.parts if top_of == "parts" else [root]
        result = []
        for top in tops:
            sub = read_tree(pdf, top)
            result.append([
                (str(e.S), [t for _, t in sorted(by_elem.get(e.objgen, []))])
                for e, depth in sub.elements if depth >= 1
            ])
        return result


def utf16(get: Callable[[object, int], int]) -> str:
    """A string from a PDFium call that fills a UTF-16LE buffer of n bytes."""
    n = get(None, 0)
    if n <= 2:
        return ""
    buf = (ctypes.c_ushort * (n // 2))()
    get(buf, n)
    return bytes(buf)[: n - 2].decode("utf-16-le")


def wide(fn: Callable, handle: object) -> str:
    return utf16(lambda buf, n: fn(handle, buf, n))


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_inputs_are_valid_tagged_pdfs(cases: list[Case], tmp_path: Path) -> None:
    for i, case in enumerate(cases[:3]):
        path = tmp_path / f"in{i}.pdf"
        path.write_bytes(case.pdf)
        assert "No syntax or stream encoding errors" in run(tool("qpdf"), "--check", str(path))
        assert struct_text(path)[0] == "Document"


def test_qpdf_check_is_clean(pack_file: Path) -> None:
    out = run(tool("qpdf"), "--check", str(pack_file))
    assert "No syntax or stream encoding errors" in out
    assert "WARNING" not in out
    with pikepdf.open(pack_file) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_header_and_reproducibility(cases: list[Case], pack: bytes) -> None:
    assert pack.startswith(b"%PDF-1.7\n")
    assert merge(cases) == pack
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        assert "/ID" in pdf.trailer
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo


def test_reproducible_across_processes(pack: bytes) -> None:
    # Another interpreter, another hash seed: object ids and set order differ.
    assert sha256_in_another_process("merge", "12345") == hashlib.sha256(pack).hexdigest()


def sha256_in_another_process(merger: str, seed: str) -> str:
    """The sha256 of `merger(make_cases())` (a function of this module) computed in a new interpreter."""
    here = Path(__file__).resolve().parent
    code = (
        "import hashlib, sys\n"
        f"sys.path[:0] = [{str(here)!r}, {str(here.parent)!r}]\n"
        "import test_pack_merge as t\n"
        f"print(hashlib.sha256(t.{merger}(t.make_cases())).hexdigest())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
    return done.stdout.strip()


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_pages_and_odd_starts(cases: list[Case], pack: bytes) -> None:
    used: set[int] = set()
    for case in cases:
        if case.odd_start:
            assert case.first_page % 2 == 1
        used |= set(range(case.first_page, case.first_page + page_count(case.pdf)))
    blanks = sorted(set(range(1, TOTAL_PAGES + 1)) - used)
    assert blanks == [2, 6]
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        assert len(pdf.pages) == TOTAL_PAGES
        for n in blanks:
            page, before = pdf.pages[n - 1], pdf.pages[n - 2]
            assert "/Contents" not in page.obj or not page.obj.Contents.read_bytes()
            assert "/StructParents" not in page.obj
            assert list(page.mediabox) == list(before.mediabox)
        # Repeated input pages are separate page objects.
        assert len({p.obj.objgen for p in pdf.pages}) == TOTAL_PAGES
        for page in pdf.pages:
            assert page.obj.Tabs == pikepdf.Name.S


def test_outline_one_item_per_part(cases: list[Case], pack: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pack))
    outline = reader.outline
    tops = [item for item in outline if not isinstance(item, list)]
    assert [t.title for t in tops] == [c.title for c in cases]
    for item, case in zip(tops, cases, strict=True):
        assert reader.get_destination_page_number(item) + 1 == case.first_page
        children = outline[outline.index(item) + 1]
        assert isinstance(children, list)
        # The input's own outline: its title, and sections beneath.
        input_outline = pypdf.PdfReader(io.BytesIO(case.pdf)).outline
        assert children[0].title == input_outline[0].title
        assert reader.get_destination_page_number(children[0]) + 1 == case.first_page
    feeding_children = outline[outline.index(tops[1]) + 1]
    section = feeding_children[1][0]
    assert section.title == "Getting help"
    assert reader.get_destination_page_number(section) + 1 == cases[1].first_page + 1


def test_document_and_parts(cases: list[Case], pack: bytes) -> None:
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(root.Lang) == "en"
        document = root.StructTreeRoot.K
        assert document.S == pikepdf.Name.Document
        tree = read_tree(pdf, document)
        assert [str(p.S) for p in tree.parts] == ["/Part"] * len(cases)
        assert [str(p.T) for p in tree.parts] == [c.title for c in cases]
        assert [str(p.Lang) for p in tree.parts] == [c.lang for c in cases]
        assert root.StructTreeRoot.RoleMap.Note == pikepdf.Name.P
        # Every element's /P is its parent.
        for elem, _ in tree.elements:
            for kid in kids(elem):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    assert kid.P.objgen == elem.objgen


def test_pdfium_sees_parts_with_their_language(cases: list[Case], pack: bytes) -> None:
    doc = pdfium.PdfDocument(pack)
    for case in cases:
        page = doc[case.first_page - 1]
        tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
        try:
            assert pdfium_c.FPDF_StructTree_CountChildren(tree) == 1
            document = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, 0)
            assert wide(pdfium_c.FPDF_StructElement_GetType, document) == "Document"
            parts = [pdfium_c.FPDF_StructElement_GetChildAtIndex(document, i)
                     for i in range(pdfium_c.FPDF_StructElement_CountChildren(document))]
            mine = [p for p in parts
                    if p and wide(pdfium_c.FPDF_StructElement_GetTitle, p) == case.title]
            assert len(mine) == 1
            part = mine[0]
            assert wide(pdfium_c.FPDF_StructElement_GetType, part) == "Part"
            assert wide(pdfium_c.FPDF_StructElement_GetLang, part) == case.lang
            heading = pdfium_c.FPDF_StructElement_GetChildAtIndex(part, 0)
            assert wide(pdfium_c.FPDF_StructElement_GetType, heading) == "H1"
            parent = pdfium_c.FPDF_StructElement_GetParent(heading)
            assert wide(pdfium_c.FPDF_StructElement_GetTitle, parent) == case.title
        finally:
            pdfium_c.FPDF_StructTree_Close(tree)


def test_every_mcid_resolves_through_the_parent_tree(pack: bytes) -> None:
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        struct_root = pdf.Root.StructTreeRoot
        tree = read_tree(pdf, struct_root.K)
        parent_tree = dict(pikepdf.NumberTree(struct_root.ParentTree).items())
        keys_seen: list[int] = []
        in_content = set()
        for index, page in enumerate(pdf.pages):
            mcids = content_mcids(page)
            in_content |= {(index, m) for m in mcids}
            if not mcids:
                assert "/StructParents" not in page.obj
                continue
            keys_seen.append(int(page.obj.StructParents))
            owners = parent_tree[keys_seen[-1]]
            for mcid in mcids:
                assert owners[mcid].objgen == tree.mcid_owner[(index, mcid)]
        assert in_content == set(tree.mcid_owner)
        # Pages are numbered in document order, from 0.
        assert keys_seen == list(range(len(keys_seen)))
        # Links: each annotation has its own key, pointing at its Link element.
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert len(annots) == 2  # the feeding leaflet, twice
        for annot in annots:
            key = int(annot.StructParent)
            assert key not in keys_seen
            keys_seen.append(key)
            assert parent_tree[key].objgen == tree.objr_owner[annot.objgen]
            assert parent_tree[key].S == pikepdf.Name.Link
        assert int(struct_root.ParentTreeNextKey) == max(keys_seen) + 1


def test_pdfium_finds_no_untagged_text(pack: bytes) -> None:
    doc = pdfium.PdfDocument(pack)
    for index in range(len(doc)):
        for obj in doc[index].get_objects():
            if pdfium_c.FPDFPageObj_GetType(obj.raw) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            if pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw) >= 0:
                continue
            marks = [pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
                     for i in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw))]
            names = []
            for mark in marks:
                n = ctypes.c_ulong()
                buf = (ctypes.c_ushort * 128)()
                pdfium_c.FPDFPageObjMark_GetName(mark, buf, 256, ctypes.byref(n))
                names.append(bytes(buf)[: n.value - 2].decode("utf-16-le"))
            assert "Artifact" in names, f"untagged text on page {index + 1}"


def test_text_under_each_element_equals_the_inputs(cases: list[Case], pack: bytes) -> None:
    merged = element_texts(pack, "parts")
    assert len(merged) == len(cases)
    for case, got in zip(cases, merged, strict=True):
        assert got == element_texts(case.pdf, "document")[0]
    # The paragraph over a page break stays one P with both pages' text.
    assert ("/P", ["Feed your baby when they show signs of hunger,",
                   "such as rooting or sucking their hands."]) in merged[1]


def test_pdfinfo_tagged_and_struct_text(cases: list[Case], pack_file: Path, tmp_path: Path) -> None:
    info = run(tool("pdfinfo"), str(pack_file))
    assert "Tagged:          yes" in info
    assert f"Pages:           {TOTAL_PAGES}" in info
    assert f"Title:           {PACK_TITLE}" in info
    expected = [f'Document "{PACK_TITLE}"']
    for i, case in enumerate(cases):
        path = tmp_path / f"in{i}.pdf"
        path.write_bytes(case.pdf)
        lines = struct_text(path)
        assert lines[0] == "Document"
        expected.append(f'  Part "{case.title}"')
        expected += ["  " + line for line in lines[1:]]
    assert struct_text(pack_file) == expected


def test_metadata(pack: bytes) -> None:
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        assert str(pdf.docinfo.Title) == PACK_TITLE
        assert str(pdf.docinfo.Author) == "Example Clinic"
        meta = pdf.open_metadata()
        assert meta["dc:title"] == PACK_TITLE
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:creator"] == ["Example Clinic"]
        assert meta["dc:language"] == {"en"} and meta["xmp:CreateDate"] == "2026-05-01"
        assert meta["dc:description"] == "Leaflets for new parents"
        assert pdf.Root.Metadata.Type == pikepdf.Name.Metadata
        assert pdf.Root.Metadata.Subtype == pikepdf.Name.XML


def test_identical_objects_are_shared(cases: list[Case], pack: bytes) -> None:
    # Two inputs appear twice: their fonts are stored once, in object streams.
    assert len(pack) < sum(len(c.pdf) for c in cases) * 0.7
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        font_files = [o for o in pdf.objects
                      if isinstance(o, pikepdf.Stream) and "/Length1" in o]
        distinct = {bytes(o.read_raw_bytes()) for o in font_files}
        assert len(font_files) == len(distinct)
        assert any(isinstance(o, pikepdf.Stream) and o.get("/Type") == pikepdf.Name.ObjStm
                   for o in pdf.objects) or b"/ObjStm" in pack


def test_no_two_objects_are_left_equal(pack: bytes) -> None:
    # Equal fonts merge with their descriptors and files in one pass, not only the files: once shared,
    # no two objects read the same, references included. Pages, annotations and elements stay apart.
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        seen: dict[bytes, tuple[int, int]] = {}
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) or not obj.is_indirect:
                continue
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and (
                    obj.get("/Type") in (pikepdf.Name.Page, pikepdf.Name.StructElem, pikepdf.Name.ObjStm,
                                         pikepdf.Name.XRef) or "/Rect" in obj):
                continue
            key = obj.unparse() + (b"\n" + obj.read_raw_bytes() if isinstance(obj, pikepdf.Stream) else b"")
            assert key not in seen, f"objects {seen[key]} and {obj.objgen} are equal"
            seen[key] = obj.objgen


def test_a_pdf_read_once_merges_as_its_bytes(cases: list[Case], pack: bytes) -> None:
    # The same read PDF twice (the feeding leaflet) still gets its own pages and elements.
    read = {c.pdf: read_tagged(c.pdf) for c in cases}
    parts = [PackPart(read[c.pdf], c.title, lang=c.override, odd_start=c.odd_start) for c in cases]
    assert merge_tagged(parts, PACK_INFO) == pack
    for c in cases:
        with pikepdf.open(io.BytesIO(c.pdf)) as pdf:
            assert read[c.pdf].pages == len(pdf.pages)
            assert read[c.pdf].title == str(pdf.docinfo["/Title"])


def test_untagged_input_is_refused() -> None:
    with pytest.raises(ValueError, match="not tagged"):
        merge_tagged([PackPart(untagged_pdf(), "Plain")], PACK_INFO)


# ---------------------------------------------------------------------------
# An overlay drawn over the merged pages (the pack page numbers)
# ---------------------------------------------------------------------------


OVERLAY_X = 250  # apart from the inputs' own page numbers, at x 40


def numbers_pdf(pages: int) -> bytes:
    """An overlay like pagination.py's: a page per merged page, its number an artifact."""
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=A5, invariant=1, initialFontName=LATIN)
    for number in range(1, pages + 1):
        canv.addLiteral("/Artifact <</Type /Pagination>> BDC")
        canv.setFont(LATIN, 16)
        canv.drawString(OVERLAY_X, 20, f"Pack page {number}")
        canv.addLiteral("EMC")
        canv.showPage()
    canv.save()
    return buf.getvalue()


def merge_numbered(cases: list[Case]) -> bytes:
    return merge_tagged([PackPart(c.pdf, c.title, lang=c.override, odd_start=c.odd_start) for c in cases],
                        PACK_INFO, overlay=numbers_pdf(TOTAL_PAGES))


@pytest.fixture(scope="module")
def numbered(cases: list[Case]) -> bytes:
    return merge_numbered(cases)


def test_overlay_is_on_every_page_as_an_artifact(numbered: bytes) -> None:
    with pdfplumber.open(io.BytesIO(numbered)) as pdf:
        assert len(pdf.pages) == TOTAL_PAGES
        for number, page in enumerate(pdf.pages, 1):
            foot = [w for w in page.extract_words(extra_attrs=["tag"]) if w["top"] > page.height - 40]
            drawn = [w for w in foot if w["x0"] >= OVERLAY_X]
            assert [w["text"] for w in drawn] == ["Pack", "page", str(number)]
            assert {w["tag"] for w in drawn} == {"Artifact"}
            # Each input's own page number stays beside it: the feeding leaflet's "1" on pack page 3.
            if number == 3:
                assert [w["text"] for w in foot if w["x0"] < OVERLAY_X] == ["1"]


def test_overlay_leaves_the_structure_tree_as_it_was(pack: bytes, numbered: bytes) -> None:
    assert element_texts(numbered, "parts") == element_texts(pack, "parts")
    with pikepdf.open(io.BytesIO(pack)) as plain, pikepdf.open(io.BytesIO(numbered)) as drawn:
        assert [content_mcids(p) for p in drawn.pages] == [content_mcids(p) for p in plain.pages]
        assert [p.obj.get("/StructParents") for p in drawn.pages] == [p.obj.get("/StructParents") for p in plain.pages]
    # Every check of the plain pack's tree and content holds with the numbers drawn over it.
    test_every_mcid_resolves_through_the_parent_tree(numbered)
    test_pdfium_finds_no_untagged_text(numbered)


def test_overlay_is_reproducible_across_processes(cases: list[Case], numbered: bytes) -> None:
    assert merge_numbered(cases) == numbered
    assert sha256_in_another_process("merge_numbered", "54321") == hashlib.sha256(numbered).hexdigest()


def test_overlay_needs_a_page_per_merged_page(cases: list[Case]) -> None:
    with pytest.raises(ValueError, match=f"the overlay has {TOTAL_PAGES - 1} pages for {TOTAL_PAGES} merged pages"):
        merge_tagged([PackPart(c.pdf, c.title, lang=c.override, odd_start=c.odd_start) for c in cases],
                     PACK_INFO, overlay=numbers_pdf(TOTAL_PAGES - 1))
