"""Read PDFs back as a reader would, with readers independent of our writer.

PDFium (pypdfium2, the engine in Chrome) gives the text, the page objects and
their marked content; qpdf (pikepdf) walks the structure tree in document order.
"""
from __future__ import annotations

import ctypes
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw


def fold(text: str) -> str:
    """Whitespace folded, typographic quotes made plain: how the seeds are compared."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


@dataclass
class Element:
    role: str
    depth: int
    lang: str | None
    alt: str | None
    marks: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID)
    bbox: tuple[float, ...] | None = None


def elements(path: Path) -> list[Element]:
    """Every structure element, depth first, in document order (qpdf)."""
    with pikepdf.open(path) as pdf:
        page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        out: list[Element] = []

        def walk(node, depth: int, page: int | None) -> None:
            if "/Pg" in node:
                page = page_index[node.Pg.objgen]
            a = node.get("/A")
            el = Element(str(node.S)[1:], depth, str(node.Lang) if "/Lang" in node else None,
                         str(node.Alt) if "/Alt" in node else None,
                         bbox=tuple(float(v) for v in a.BBox) if a is not None and "/BBox" in a else None)
            out.append(el)
            kids = node.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
            for kid in kids:
                if isinstance(kid, int):
                    el.marks.append((page, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    el.marks.append((page_index[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, depth + 1, page)

        root = pdf.Root.StructTreeRoot
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        for kid in kids:
            walk(kid, 0, None)
        return out


def _utf16(fn, handle) -> str:
    n = fn(handle, None, 0)
    if n <= 2:
        return ""
    buf = ctypes.create_string_buffer(n)
    fn(handle, buf, n)
    return buf.raw[: n - 2].decode("utf-16-le")


@dataclass
class PageContent:
    text: dict[int, str]  # MCID -> the text PDFium reads for it, in content order
    boxes: dict[int, list[float]]  # MCID -> union of its page objects' bounds (l, b, r, t)
    untagged: int  # page objects that are neither marked with an MCID nor an artifact
    sizes: list[float]  # font size of every text object


def _mark_name(mark) -> str:
    length = ctypes.c_ulong()
    raw.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(length))
    buf = (ctypes.c_ushort * (length.value // 2 + 1))()
    raw.FPDFPageObjMark_GetName(mark, buf, length, ctypes.byref(length))
    return bytes(buf)[: max(length.value - 2, 0)].decode("utf-16-le")


def _marks(obj) -> tuple[int, bool]:
    """The object's MCID (-1 if none), and whether it is inside an /Artifact."""
    mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
    names = [_mark_name(raw.FPDFPageObj_GetMark(obj, i)) for i in range(raw.FPDFPageObj_CountMarks(obj))]
    return mcid, "Artifact" in names


def read_pages(path: Path) -> list[PageContent]:
    pdf = pdfium.PdfDocument(path)
    pages = []
    for page in pdf:
        width, height = page.get_size()
        textpage = page.get_textpage()
        text: dict[int, list[str]] = {}
        for i in range(textpage.count_chars()):
            obj = raw.FPDFText_GetTextObject(textpage.raw, i)
            if not obj:
                continue  # a line break PDFium generates itself
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
            text.setdefault(mcid, []).append(chr(raw.FPDFText_GetUnicode(textpage.raw, i)))
        boxes: dict[int, list[float]] = {}
        untagged, sizes = 0, []
        # A form's content belongs to the marked content of the Do that paints it; PDFium marks only the form,
        # and gives each object in it its bounds in the form's space.
        forms: list[tuple[int, int, bool, tuple]] = []  # (level, MCID, artifact, matrix to the page) of each form
        for obj in page.get_objects(max_depth=15):
            handle = obj.raw
            while forms and forms[-1][0] >= obj.level:
                forms.pop()
            mcid, artifact = _marks(handle)
            if mcid < 0 and not artifact and forms:
                _, mcid, artifact, _ = forms[-1]
            to_page = forms[-1][3] if forms else (1, 0, 0, 1, 0, 0)
            if obj.type == raw.FPDF_PAGEOBJ_FORM:
                m = raw.FS_MATRIX()
                raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(m))
                forms.append((obj.level, mcid, artifact, _times((m.a, m.b, m.c, m.d, m.e, m.f), to_page)))
                continue  # its inner objects are listed themselves
            if mcid < 0 and not artifact:
                untagged += 1
            if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                size = ctypes.c_float()
                raw.FPDFTextObj_GetFontSize(handle, ctypes.byref(size))
                matrix = raw.FS_MATRIX()
                raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix))
                sizes.append(size.value * abs(matrix.d))
            l, b, r, t = _bounds(obj.get_bounds(), to_page)
            # PDFium over-reports the bounds of some curves (control points far
            # off the page); what a reader sees lies on the page.
            if mcid >= 0 and l >= 0 and b >= 0 and r <= width and t <= height:
                box = boxes.get(mcid)
                boxes[mcid] = [l, b, r, t] if box is None else \
                    [min(box[0], l), min(box[1], b), max(box[2], r), max(box[3], t)]
        pages.append(PageContent({k: "".join(v) for k, v in text.items()}, boxes, untagged, sizes))
    return pages


def _times(m: tuple, n: tuple) -> tuple:
    """The matrix m then n (PDF matrices a b c d e f)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _bounds(box: tuple, m: tuple) -> tuple[float, float, float, float]:
    """A box (l, b, r, t) through the matrix m: the box around its corners."""
    l, b, r, t = box
    xs, ys = zip(*((m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]) for x in (l, r) for y in (b, t)))
    return min(xs), min(ys), max(xs), max(ys)


def element_text(element: Element, pages: list[PageContent]) -> str:
    return "".join(pages[p].text.get(m, "") for p, m in element.marks)


def all_text(path: Path) -> str:
    """The whole document's text as PDFium extracts it, folded."""
    pdf = pdfium.PdfDocument(path)
    return fold(" ".join(page.get_textpage().get_text_range() for page in pdf))


def sentences(text: str) -> list[str]:
    """Sentences, also ended by line breaks: the seeds' headings have no full stop."""
    return [s.strip() for line in text.splitlines() for s in re.split(r"(?<=[.?!])\s+", fold(line))
            if s.strip()]


@dataclass
class PdfiumElement:
    role: str
    lang: str
    alt: str
    actual_text: str
    mcids: list[int]


def pdfium_tree(path: Path, page_index: int) -> list[PdfiumElement]:
    """The structure elements PDFium sees on one page, depth first."""
    pdf = pdfium.PdfDocument(path)
    page = pdf[page_index]
    tree = raw.FPDF_StructTree_GetForPage(page.raw)
    out: list[PdfiumElement] = []

    def walk(element) -> None:
        count = raw.FPDF_StructElement_GetMarkedContentIdCount(element)
        out.append(PdfiumElement(
            _utf16(raw.FPDF_StructElement_GetType, element), _utf16(raw.FPDF_StructElement_GetLang, element),
            _utf16(raw.FPDF_StructElement_GetAltText, element),
            _utf16(raw.FPDF_StructElement_GetActualText, element),
            [raw.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i) for i in range(max(count, 0))]))
        for i in range(raw.FPDF_StructElement_CountChildren(element)):
            child = raw.FPDF_StructElement_GetChildAtIndex(element, i)
            if child:
                walk(child)

    try:
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            walk(raw.FPDF_StructTree_GetChildAtIndex(tree, i))
    finally:
        raw.FPDF_StructTree_Close(tree)
    return out


# --- what a screen reader gets, read with qpdf (pikepdf) --------------------------------------

def _to_unicode(font) -> dict[int, str]:
    """A simple font's ToUnicode CMap (bfchar and bfrange entries): code -> text."""
    out: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return out
    cmap = stream.read_bytes().decode("latin-1")
    hexes = lambda h: bytes.fromhex(h).decode("utf-16-be")  # noqa: E731
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = hexes(text)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(int(start, 16) + i)
    return out


@dataclass
class SpokenPage:
    texts: dict[int, str]  # MCID (-1: artifacts) -> /ActualText where present, else the glyphs' text
    lines: dict[int, list[str]]  # MCID -> the ActualText of each drawn line of a shaped paragraph
    langs: dict[int, list[tuple[str, str]]]  # MCID -> (lang, text) of each marked span with a /Lang


def spoken(path: Path) -> list[SpokenPage]:
    """Per page, the text a screen reader gets for each marked-content sequence, from the content
    stream itself: ActualText of spans, else each glyph's ToUnicode text."""
    pages = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.Resources
            fonts = {str(k): _to_unicode(f) for k, f in resources.get("/Font", {}).items()}
            props = resources.get("/Properties", {})
            texts: dict[int, list[str]] = {}
            lines: dict[int, list[str]] = {}
            langs: dict[int, list[tuple[str, str]]] = {}
            stack: list[tuple[int | None, str | None, str | None]] = []  # (mcid, actual text, lang)
            font: dict[int, str] = {}
            line_ended = True
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                mcid = next((m for m, _, _ in reversed(stack) if m is not None), None)
                if op == "BDC":
                    d = operands[1]
                    if isinstance(d, pikepdf.Name):
                        d = props[str(d)]
                    stack.append((int(d.MCID) if "/MCID" in d else None,
                                  bytes(d.ActualText).decode("utf-16-be" if bytes(d.ActualText)[:2] == b"\xfe\xff"
                                                             else "latin-1").lstrip("\ufeff")
                                  if "/ActualText" in d else None,
                                  str(d.Lang) if "/Lang" in d else None))
                elif op == "BMC":
                    stack.append((None, None, None))
                elif op == "EMC":
                    _, actual, lang = stack.pop()
                    mcid = next((m for m, _, _ in reversed(stack) if m is not None), None)
                    if actual is not None and not any(a for _, a, _ in stack):
                        texts.setdefault(-1 if mcid is None else mcid, []).append(actual)  # -1: artifacts
                        line = lines.setdefault(-1 if mcid is None else mcid, [])
                        if line and not line_ended:
                            line[-1] += actual  # a phrase in another language: a span of the same line
                        else:
                            line.append(actual)
                        line_ended = False
                    if lang is not None and mcid is not None:
                        langs.setdefault(mcid, []).append((lang, actual or ""))
                elif op == "Tf":
                    font = fonts.get(str(operands[0]), {})
                elif op in ("T*", "Td", "TD", "Tm", "ET"):
                    line_ended = True
                elif op in ("Tj", "TJ", "'", '"'):
                    if any(a is not None for _, a, _ in stack):
                        continue
                    strings = operands[-1] if op == "TJ" else [operands[-1]]
                    shown = "".join(font.get(c, "") for s in strings if isinstance(s, pikepdf.String)
                                    for c in bytes(s))
                    texts.setdefault(-1 if mcid is None else mcid, []).append(shown)
            pages.append(SpokenPage({k: "".join(v) for k, v in texts.items()}, lines, langs))
    return pages


def spoken_text(element: Element, pages: list[SpokenPage]) -> str:
    return "".join(pages[p].texts.get(m, "") for p, m in element.marks)


def boxes(path) -> list[dict[str, tuple[float, ...]]]:
    """Each page's boxes, as poppler reads them."""
    found = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "9999", str(path)], capture_output=True,
                           text=True, check=True).stdout
    pages: dict[int, dict] = {}
    for number, box, values in re.findall(r"^Page\s+(\d+) (\w+)Box:\s+(.*)$", found, re.M):
        pages.setdefault(int(number), {})[box] = tuple(float(v) for v in values.split())
    return [pages[n] for n in sorted(pages)]
