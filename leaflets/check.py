"""Check PDFs: the PDF/UA-1 conditions a program can verify, and our reading rules.

Each condition carries its Matterhorn Protocol 1.1 failure-condition number
(e.g. "06-001"). A few conditions have no Matterhorn number because they are
prerequisites from ISO 32000-1 (PDF) or PDF/UA-1 itself; they carry that
clause instead ("PDF:14.7.4.4", "UA1:7.1"). Our own leaflets (recognised by
the XMP property leaflet:format) are also checked against the large-print
("LP-…") and easy-read ("ER-…") rules of reading-standards.md, and all text
against WCAG 1.4.6 contrast.

The page content is walked once with pikepdf (no second reader): marked
content, graphics and text state, fonts and colours. That one walk gives the
tagging checks, character sizes, line edges and text, well under 100 ms for a
leaflet (a pdfminer-based reader takes longer than that for one A4 leaflet).

`check_pdf(data)` is pure: bytes in, findings out. `check_files` is the
command line: a report per file, an exit code, and an optional cache keyed by
each file's sha256.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pikepdf

from .load import SourceError as LayoutError, load_layout
from .model import MM
from .files import write_atomic

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "layouts"

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Key = tuple[int, int]  # an object's (number, generation): how objects are compared

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "leaflet": "urn:x-leaflets:meta:1/",
}

# ISO 32000-1 standard structure types (Matterhorn 01-006 lists the same set).
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 "
    "H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry "
    "Code Link Annot Ruby Warichu RB RT RP WT WP Figure Formula Form".split())

# BCP 47 language tag: language[-extlang][-script][-region](-variant)*(-extension)*[-privateuse]
BCP47 = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+)$")

TEXT_OPS = frozenset({"Tj", "TJ", "'", '"'})
PAINT_OPS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
MAX_MESSAGES = 8  # per condition; the rest are counted

LARGE_PRINT_MIN_PT = 16.0
EASY_READ_MIN_PT = 14.0
EASY_READ_PICTURE_MM = 35.0
EASY_READ_MAX_WORDS = 15
CONTRAST_MIN = 7.0


# --- conditions -------------------------------------------------------------

@dataclass(frozen=True)
class Condition:
    checkpoint: str
    scope: str  # "pdf": every file; "large-print", "easy-read": our leaflets of that format
    title: str
    fix: str


CONDITIONS: tuple[Condition, ...] = (
    Condition("PDF:7.5.2", "pdf", "File header is %PDF-1.x",
              "Write a PDF 1.x header (ReportLab: pdfVersion=(1, 7); pypdf: writer.pdf_header)."),
    Condition("UA1:7.1", "pdf", "Tagged PDF: /MarkInfo /Marked true and a /StructTreeRoot",
              "Set /MarkInfo <</Marked true>> and /StructTreeRoot in the catalog."),
    Condition("01-007", "pdf", "/MarkInfo /Suspects is not true",
              "Remove /Suspects or set it to false once the tags are right."),
    Condition("PDF:14.7.2", "pdf", "Every structure element has a parent (/P) whose /K holds it",
              "Set each element's /P to the element (or StructTreeRoot) whose /K lists it."),
    Condition("01-003", "pdf", "No artifact inside tagged content",
              "Close the element's marked content (EMC) before opening /Artifact."),
    Condition("01-004", "pdf", "No tagged content inside an artifact",
              "Close the /Artifact sequence (EMC) before opening an element's marked content."),
    Condition("01-005", "pdf", "All content is tagged (MCID mapped through the ParentTree) or an artifact",
              "Wrap the content in BDC…EMC with an MCID listed in the ParentTree, or in /Artifact BDC…EMC."),
    Condition("PDF:14.7.4.4", "pdf", "ParentTree agrees with the elements; /StructParents unique",
              "Give each page its own /StructParents and list, by MCID, the element whose /K holds it."),
    Condition("02-001", "pdf", "Non-standard structure types are role-mapped to standard ones",
              "Use standard types, or map each other type in /RoleMap to a standard type."),
    Condition("02-003", "pdf", "No circular role mapping", "Break the cycle in /RoleMap."),
    Condition("02-004", "pdf", "Standard structure types are not remapped",
              "Remove the standard type from /RoleMap."),
    Condition("06-001", "pdf", "XMP metadata stream in the catalog",
              "Add /Metadata with an XMP packet to the catalog."),
    Condition("06-002", "pdf", "XMP has pdfuaid:part 1", "Add <pdfuaid:part>1</pdfuaid:part> to the XMP."),
    Condition("06-003", "pdf", "XMP has dc:title", "Add dc:title (rdf:Alt, x-default) to the XMP."),
    Condition("07-001", "pdf", "/ViewerPreferences has /DisplayDocTitle",
              "Set /ViewerPreferences <</DisplayDocTitle true>> in the catalog."),
    Condition("07-002", "pdf", "/DisplayDocTitle is true", "Set /DisplayDocTitle to true."),
    Condition("11-001", "pdf", "Language of all text known: /Lang on the catalog or on every element "
              "with text, each a valid BCP 47 tag",
              "Set /Lang on the catalog (e.g. (en)) and use BCP 47 tags such as en, ur, pt-BR."),
    Condition("13-004", "pdf", "Figures have /Alt or /ActualText",
              "Give every Figure an /Alt describing the picture, or mark a decorative one as an artifact."),
    Condition("14-002", "pdf", "The first heading is H1", "Make the first heading (the title) H1."),
    Condition("14-003", "pdf", "No heading level is skipped",
              "Use the next level down (H1, then H2, then H3)."),
    Condition("28-008", "pdf", "Pages with annotations have /Tabs", "Set /Tabs /S on the page."),
    Condition("28-009", "pdf", "/Tabs is /S on pages with annotations", "Set /Tabs /S on the page."),
    Condition("28-011", "pdf", "Link annotations are tagged: an OBJR in a Link element",
              "Add an OBJR to the annotation in a Link element and a /StructParent on the annotation."),
    Condition("28-012", "pdf", "Link annotations have /Contents",
              "Set /Contents to a description of the link's target."),
    Condition("31-009", "pdf", "Fonts are embedded",
              "Embed the font program (FontFile2 for TrueType); do not leave Helvetica in the resources."),
    Condition("31-027", "pdf", "Fonts have /ToUnicode", "Write a ToUnicode CMap for the font."),
    Condition("31-028", "pdf", "No ToUnicode value is U+0000", "Map every character code to its real character."),
    Condition("31-029", "pdf", "No ToUnicode value is U+FEFF or U+FFFE",
              "Map every character code to its real character."),
    Condition("10-001", "pdf", "Every character code shown maps to Unicode",
              "Add the missing codes to the font's ToUnicode CMap."),
    Condition("1.4.6", "pdf", "Text contrast at least 7:1 (WCAG 1.4.6)",
              "Use black (#000000) text on a white (#FFFFFF) background."),
    Condition("LP-01", "large-print", "Every character at least 16 pt (page numbers too)",
              "Set every style, the footer included, to 16 pt or more."),
    Condition("LP-02", "large-print", "No italic or oblique font", "Use bold for emphasis, never italics."),
    Condition("LP-03", "large-print", "Left aligned, ragged right: no justified paragraph",
              "Align text left (TA_LEFT), never TA_JUSTIFY."),
    Condition("ER-01", "easy-read", "Every row's words have a picture, with /Alt, just before them",
              "Draw each row as Figure (with Alt) then P."),
    Condition("ER-02", "easy-read", f"Every picture at least {EASY_READ_PICTURE_MM:g} mm",
              f"Make pictures at least {EASY_READ_PICTURE_MM:g} mm (picture_mm in the layout)."),
    Condition("ER-03", "easy-read", f"Sentences of {EASY_READ_MAX_WORDS} words or fewer (English rows)",
              "Split the sentence: one idea and one verb each."),
    Condition("ER-04", "easy-read", f"Every character at least {EASY_READ_MIN_PT:g} pt",
              "Set every style to 14 pt or more (16-18 pt is usual)."),
    Condition("ER-05", "easy-read", "No italic or oblique font", "Use bold for emphasis, never italics."),
)
CONDITION = {c.checkpoint: c for c in CONDITIONS}


@dataclass(frozen=True)
class Finding:
    checkpoint: str
    severity: str  # "error" or "warning"
    message: str


@dataclass
class Result:
    """What one file gave: its findings, and what it is (for the report)."""
    findings: list[Finding] = field(default_factory=list)
    format: str | None = None  # leaflet:format, for our own leaflets
    lang: str | None = None
    pages: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # checkpoint → what was measured
    opened: bool = True  # False: not readable as a PDF, so no other condition was checked

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def conditions(self) -> list[Condition]:
        if not self.opened:
            found = {f.checkpoint for f in self.findings}
            return [c for c in CONDITIONS if c.checkpoint in found]
        return [c for c in CONDITIONS if c.scope == "pdf" or c.scope == self.format]

    def to_json(self) -> dict:
        return {"findings": [asdict(f) for f in self.findings], "format": self.format,
                "lang": self.lang, "pages": self.pages, "notes": self.notes, "opened": self.opened}

    @classmethod
    def from_json(cls, data: dict) -> Result:
        return cls([Finding(**f) for f in data["findings"]], data["format"], data["lang"],
                   data["pages"], dict(data["notes"]), bool(data.get("opened", True)))


# --- small helpers ------------------------------------------------------------

def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n, PDF's row-vector convention: apply m first, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _key(obj) -> Key:
    return obj.objgen if obj.objgen != (0, 0) else (-1, id(obj))


def _num(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _name(value) -> str:
    return str(value)[1:] if isinstance(value, pikepdf.Name) else ""


def _text(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.String) else None


def _kids(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _inherited(obj, key: str):
    """A page attribute, looked up the page tree as PDF allows (/Resources may sit on /Pages)."""
    node = obj
    for _ in range(32):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _sample(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(min(max(c, 0.0), 1.0)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex_rgb(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _to_rgb(comps: list[float], n: int) -> tuple[float, float, float] | None:
    if n == 1 and len(comps) == 1:
        return (comps[0],) * 3  # type: ignore[return-value]
    if n == 3 and len(comps) == 3:
        return tuple(comps)  # type: ignore[return-value]
    if n == 4 and len(comps) == 4:
        c, m, y, k = comps
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


@lru_cache(maxsize=8)
def _layout_colours(path: Path, mtime: float) -> dict[str, str] | None:
    try:
        return load_layout(path).colours
    except LayoutError:
        return None


# --- fonts --------------------------------------------------------------------

@dataclass
class _Font:
    label: str  # resource name and BaseFont, for messages
    two_byte: bool
    widths: dict[int, float]  # code → advance per unit of font size
    default_width: float
    to_unicode: dict[int, str] | None
    bad_codes: dict[int, str]  # code → the bad value it maps to (U+0000, U+FEFF, U+FFFE)
    embedded: bool
    italic: bool
    used: bool = False
    used_codes: set[int] = field(default_factory=set)
    first_page: int = 0


_HEX = r"<([0-9A-Fa-f\s]*)>"


def _parse_to_unicode(data: bytes) -> tuple[dict[int, str], dict[int, str]]:
    """A ToUnicode CMap's code → text, and the codes that map to U+0000, U+FEFF or U+FFFE."""
    text = data.decode("latin-1")
    mapping: dict[int, str] = {}

    def dst(hexstr: str) -> str:
        raw = bytes.fromhex("".join(hexstr.split()))
        return raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else raw.decode("latin-1")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, target in re.findall(_HEX + r"\s*" + _HEX, block):
            mapping[int("".join(src.split()) or "0", 16)] = dst(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, target, array in re.findall(_HEX + r"\s*" + _HEX + r"\s*(?:" + _HEX + r"|\[(.*?)\])",
                                                block, re.S):
            lo_i, hi_i = int("".join(lo.split()) or "0", 16), int("".join(hi.split()) or "0", 16)
            if hi_i - lo_i > 0xFFFF:
                continue
            if array:
                for i, item in enumerate(re.findall(_HEX, array)):
                    mapping[lo_i + i] = dst(item)
            else:
                raw = bytes.fromhex("".join(target.split()))
                start = int.from_bytes(raw, "big")
                for i in range(hi_i - lo_i + 1):
                    value = (start + i).to_bytes(len(raw), "big")
                    mapping[lo_i + i] = value.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 \
                        else value.decode("latin-1")
    bad = {code: f"U+{ord(ch):04X}" for code, value in mapping.items() for ch in value[:1]
           if ch in "\x00\ufeff\ufffe"}
    bad.update({code: f"U+{ord(ch):04X}" for code, value in mapping.items() for ch in value
                if ch in "\x00\ufeff\ufffe" and code not in bad})
    return mapping, bad


def _load_font(label: str, font: pikepdf.Dictionary) -> _Font:
    subtype = _name(font.get("/Subtype"))
    base = _name(font.get("/BaseFont"))
    widths: dict[int, float] = {}
    default = 0.5
    if subtype == "Type0":
        descendant = _kids(font.get("/DescendantFonts"))
        desc = descendant[0] if descendant else pikepdf.Dictionary()
        descriptor = desc.get("/FontDescriptor")
        default = _num(desc.get("/DW"), 1000) / 1000
        w = list(desc.get("/W", []))
        i = 0
        while i < len(w):  # [c [w1 w2 …]] or [c_first c_last w]
            if i + 1 < len(w) and isinstance(w[i + 1], pikepdf.Array):
                for j, value in enumerate(w[i + 1]):
                    widths[int(w[i]) + j] = _num(value) / 1000
                i += 2
            elif i + 2 < len(w):
                for code in range(int(w[i]), int(w[i + 1]) + 1):
                    widths[code] = _num(w[i + 2]) / 1000
                i += 3
            else:
                break
        embedded = descriptor is not None and any(k in descriptor for k in FONT_FILES)
        two_byte = True
    else:
        descriptor = font.get("/FontDescriptor")
        scale = 1 / 1000
        if subtype == "Type3":  # glyphs are content streams in the file: nothing to embed
            scale = _num(list(font.get("/FontMatrix", [0.001]))[0], 0.001)
            embedded = True
        else:
            embedded = descriptor is not None and any(k in descriptor for k in FONT_FILES)
        first = int(_num(font.get("/FirstChar"), 0))
        for i, value in enumerate(font.get("/Widths", [])):
            widths[first + i] = _num(value) * scale
        if descriptor is not None:
            default = _num(descriptor.get("/MissingWidth"), 0) * scale or default
        two_byte = False
    name = base.lower()
    italic = "italic" in name or "oblique" in name
    if descriptor is not None:
        flags = int(_num(descriptor.get("/Flags")))
        italic = italic or _num(descriptor.get("/ItalicAngle")) != 0 or bool(flags & 64)  # 64: the Italic flag
    to_unicode, bad = None, {}
    stream = font.get("/ToUnicode")
    if isinstance(stream, pikepdf.Stream):
        try:
            to_unicode, bad = _parse_to_unicode(stream.read_bytes())
        except pikepdf.PdfError:
            to_unicode = None
    return _Font(f"{label} ({base or subtype or 'unnamed'})", two_byte, widths, default, to_unicode, bad,
                 embedded, italic)


# --- the content walk ---------------------------------------------------------

@dataclass(frozen=True)
class _GState:
    ctm: Matrix = IDENTITY
    fill: tuple[float, float, float] | None = (0.0, 0.0, 0.0)
    stroke: tuple[float, float, float] | None = (0.0, 0.0, 0.0)
    fill_n: int = 1  # components of the fill colour space; 0: not a colour we can judge
    stroke_n: int = 1
    font: _Font | None = None
    size: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    th: float = 1.0
    tl: float = 0.0
    rise: float = 0.0
    mode: int = 0


@dataclass(frozen=True)
class _Mark:
    tag: str
    mcid: int | None
    artifact: bool
    actual_text: bool  # /ActualText given: it replaces the glyphs' text


@dataclass
class _Run:
    """One shown string: where it starts and ends (device space), and what it says."""
    content: Key
    mcid: int
    page: int
    y: float
    x0: float
    x1: float  # end of the last non-space glyph
    tw: float
    text: str


@dataclass
class _Element:
    obj: pikepdf.Dictionary
    key: Key
    role: str  # /S as written
    type: str  # after role mapping
    parent: _Element | None
    page: Key | None  # /Pg
    lang: str | None  # own /Lang
    marks: list[tuple[Key, int]] = field(default_factory=list)  # (content stream, MCID)
    objrs: list[Key] = field(default_factory=list)

    def effective_lang(self) -> str | None:
        node: _Element | None = self
        while node is not None:
            if node.lang:
                return node.lang
            node = node.parent
        return None


class _Checker:
    def __init__(self, data: bytes, layouts: Path):
        self.data = data
        self.layouts = layouts
        self.result = Result()
        self.messages: dict[str, list[Finding]] = defaultdict(list)
        self.fonts: dict[Key, _Font] = {}
        self.page_no: dict[Key, int] = {}  # page → number from 1
        # filled by the content walk
        self.used_mcids: dict[Key, list[int]] = defaultdict(list)  # content stream → MCIDs, in order
        self.content_owner: dict[Key, pikepdf.Object] = {}  # page or form with /StructParents
        self.content_page: dict[Key, int] = {}
        self.mcid_text: dict[tuple[Key, int], list[str]] = defaultdict(list)
        self.mcid_has_text: set[tuple[Key, int]] = set()
        self.runs: list[_Run] = []
        self.untagged: dict[tuple[str, int], list[str]] = defaultdict(list)  # (checkpoint, page) → samples
        self.min_size: tuple[float, int, str] | None = None
        self.min_contrast: tuple[float, int, str] | None = None
        self.skewed: list[tuple[int, str]] = []
        self.lang_values: list[tuple[str, str]] = []  # (where, value)
        # filled by the tree walk
        self.elements: list[_Element] = []  # depth first, document order
        self.by_key: dict[Key, _Element] = {}
        self.rolemap: dict[str, str] = {}

    # -- findings --
    def add(self, checkpoint: str, message: str, severity: str = "error") -> None:
        assert checkpoint in CONDITION, checkpoint
        self.messages[checkpoint].append(Finding(checkpoint, severity, message))

    def finish(self) -> Result:
        for checkpoint, found in self.messages.items():
            found = list(dict.fromkeys(found))  # the same font met in several pages' resources: once
            for severity in ("error", "warning"):
                same = [f for f in found if f.severity == severity]
                self.result.findings.extend(same[:MAX_MESSAGES])
                if len(same) > MAX_MESSAGES:
                    self.result.findings.append(Finding(checkpoint, severity,
                                                        f"… and {len(same) - MAX_MESSAGES} more like these"))
        return self.result

    # -- the whole check --
    def run(self) -> Result:
        if not re.match(rb"%PDF-1\.\d", self.data[:9]):
            self.add("PDF:7.5.2", f"the file starts {self.data[:9]!r}, not %PDF-1.x")
            if not self.data.startswith(b"%PDF-"):
                self.result.opened = False
                return self.finish()
        try:
            pdf = pikepdf.open(io.BytesIO(self.data))
        except (pikepdf.PdfError, ValueError) as err:
            self.add("PDF:7.5.2", f"cannot be read as a PDF: {err}")
            self.result.opened = False
            return self.finish()
        with pdf:
            self.pdf = pdf
            self.catalog = pdf.Root
            self.result.pages = len(pdf.pages)
            self.page_no = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
            self.check_catalog()
            self.check_metadata()
            self.walk_tree()
            self.walk_pages()
            self.check_parent_tree()
            self.check_structure()
            self.check_annotations()
            self.check_fonts()
            self.check_language()
            self.check_contrast()
            if self.result.format == "large-print":
                self.check_sizes("LP-01", LARGE_PRINT_MIN_PT)
                self.check_italic("LP-02")
                self.check_justified()
            elif self.result.format == "easy-read":
                self.check_sizes("ER-04", EASY_READ_MIN_PT)
                self.check_italic("ER-05")
                self.check_easy_read()
        return self.finish()

    # -- catalog and metadata --
    def check_catalog(self) -> None:
        cat = self.catalog
        mark = cat.get("/MarkInfo")
        if not isinstance(mark, pikepdf.Dictionary) or mark.get("/Marked") is not True:
            self.add("UA1:7.1", "the catalog has no /MarkInfo <</Marked true>>")
        elif mark.get("/Suspects") is True:
            self.add("01-007", "/MarkInfo /Suspects is true")
        if not isinstance(cat.get("/StructTreeRoot"), pikepdf.Dictionary):
            self.add("UA1:7.1", "the catalog has no /StructTreeRoot: nothing is tagged")
        prefs = cat.get("/ViewerPreferences")
        shown = prefs.get("/DisplayDocTitle") if isinstance(prefs, pikepdf.Dictionary) else None
        if shown is None:
            self.add("07-001", "/ViewerPreferences has no /DisplayDocTitle")
        elif shown is not True:
            self.add("07-002", f"/DisplayDocTitle is {shown}")
        lang = cat.get("/Lang")
        if lang is not None:
            self.lang_values.append(("the catalog", str(lang)))
            self.result.lang = str(lang)

    def check_metadata(self) -> None:
        stream = self.catalog.get("/Metadata")
        if not isinstance(stream, pikepdf.Stream):
            self.add("06-001", "the catalog has no /Metadata stream")
            return
        try:
            root = ET.fromstring(stream.read_bytes())
        except (ET.ParseError, pikepdf.PdfError) as err:
            self.add("06-001", f"the XMP metadata cannot be read: {err}")
            return
        props: dict[str, list[str]] = defaultdict(list)
        for desc in root.iter(f"{{{NS['rdf']}}}Description"):
            for name, value in desc.attrib.items():
                props[name].append(value)
            for child in desc:
                items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
                props[child.tag].extend(items or [child.text or ""])
        parts = props.get(f"{{{NS['pdfuaid']}}}part", [])
        if not parts:
            self.add("06-002", "the XMP has no pdfuaid:part")
        elif [p.strip() for p in parts] != ["1"]:
            self.add("06-002", f"pdfuaid:part is {', '.join(parts)}, not 1")
        if not any(t.strip() for t in props.get(f"{{{NS['dc']}}}title", [])):
            self.add("06-003", "the XMP has no dc:title, or an empty one")
        ours = {name.split("}", 1)[1]: values[0].strip() for name, values in props.items()
                if name.startswith(f"{{{NS['leaflet']}}}") and values}
        self.result.format = ours.get("format") or None
        if ours.get("language") and not self.result.lang:
            self.result.lang = ours["language"]

    # -- structure tree --
    def resolve(self, role: str) -> str:
        """The standard type a structure type maps to; reports 02-001/02-003."""
        if role in STANDARD_TYPES:
            return role
        seen = [role]
        current = role
        while current not in STANDARD_TYPES:
            nxt = self.rolemap.get(current)
            if nxt is None:
                self.add("02-001", f"structure type /{role} is not standard and its mapping "
                         f"({' → '.join(seen)}) ends without a standard type")
                return role
            if nxt in seen:
                self.add("02-003", f"role mapping of /{role} is circular: {' → '.join(seen + [nxt])}")
                return role
            seen.append(nxt)
            current = nxt
        return current

    def walk_tree(self) -> None:
        root = self.catalog.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary):
            return
        self.struct_root = root
        rolemap = root.get("/RoleMap")
        if isinstance(rolemap, pikepdf.Dictionary):
            for name, value in rolemap.items():
                self.rolemap[name[1:]] = _name(value)
                if name[1:] in STANDARD_TYPES:
                    self.add("02-004", f"/RoleMap remaps the standard type {name} to {value}")
        resolved: dict[str, str] = {}
        visited: set[Key] = set()

        def visit(node: pikepdf.Dictionary, parent: _Element | None, parent_obj) -> None:
            key = _key(node)
            if key in visited:
                self.add("PDF:14.7.2", f"element obj {key[0]} appears twice in the tree")
                return
            visited.add(key)
            role = _name(node.get("/S"))
            if role not in resolved:
                resolved[role] = self.resolve(role)
            p = node.get("/P")
            if p is None or _key(p) != _key(parent_obj):
                where = f"{parent.role} obj {parent.key[0]}" if parent else "StructTreeRoot"
                found = "no /P" if p is None else f"/P obj {p.objgen[0]}"
                self.add("PDF:14.7.2", f"{role} element obj {key[0]} is in the /K of {where} but has {found}")
            pg = node.get("/Pg")
            lang = node.get("/Lang")
            el = _Element(node, key, role, resolved[role], parent, _key(pg) if pg is not None else None,
                          str(lang) if lang is not None else None)
            if lang is not None:
                self.lang_values.append((f"{role} element obj {key[0]}", str(lang)))
            self.elements.append(el)
            self.by_key[key] = el
            for kid in _kids(node.get("/K")):
                if isinstance(kid, int):
                    if el.page is None:
                        self.add("PDF:14.7.4.4", f"{role} element obj {key[0]} holds MCID {kid} but has no /Pg")
                    else:
                        el.marks.append((el.page, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary):
                    kind = _name(kid.get("/Type"))
                    if kind == "MCR":
                        stm, kpg = kid.get("/Stm"), kid.get("/Pg")
                        owner = stm if stm is not None else kpg
                        content = _key(owner) if owner is not None else el.page
                        if content is None:
                            self.add("PDF:14.7.4.4", f"an MCR in {role} element obj {key[0]} has no /Pg")
                        else:
                            el.marks.append((content, int(_num(kid.get("/MCID"), -1))))
                    elif kind == "OBJR":
                        obj = kid.get("/Obj")
                        if obj is not None:
                            el.objrs.append(_key(obj))
                    elif "/S" in kid:
                        visit(kid, el, node)

        for kid in _kids(root.get("/K")):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, None, root)

    # -- page content --
    def walk_pages(self) -> None:
        for number, page in enumerate(self.pdf.pages, 1):
            obj = page.obj
            key = obj.objgen
            self.content_owner[key] = obj
            self.content_page[key] = number
            resources = _inherited(obj, "/Resources")
            if not isinstance(resources, pikepdf.Dictionary):
                resources = pikepdf.Dictionary()
            try:
                instructions = pikepdf.parse_content_stream(page)
            except pikepdf.PdfError as err:
                self.add("01-005", f"page {number}: its content cannot be read ({err})")
                continue
            self.walk(instructions, resources, key, number, _GState(), [], 0)

    def walk(self, instructions, resources, content: Key, page: int, gs: _GState, marks: list[_Mark],
             depth: int) -> None:
        stack: list[_GState] = []
        tm = tlm = IDENTITY
        last_y: dict[tuple[Key, int], float] = {}
        for ins in instructions:
            op = str(ins.operator)
            args = ins.operands
            if op == "q":
                stack.append(gs)
            elif op == "Q":
                gs = stack.pop() if stack else gs
            elif op == "cm" and len(args) == 6:
                gs = replace(gs, ctm=_mul(tuple(map(_num, args)), gs.ctm))  # type: ignore[arg-type]
            elif op in ("BDC", "BMC"):
                marks = marks + [self.begin_mark(op, args, resources, content, page, marks)]
            elif op == "EMC":
                marks = marks[:-1]
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(args) == 2:
                gs = replace(gs, font=self.font(resources, args[0], page), size=_num(args[1]))
            elif op == "Tc" and args:
                gs = replace(gs, tc=_num(args[0]))
            elif op == "Tw" and args:
                gs = replace(gs, tw=_num(args[0]))
            elif op == "Tz" and args:
                gs = replace(gs, th=_num(args[0], 100) / 100)
            elif op == "TL" and args:
                gs = replace(gs, tl=_num(args[0]))
            elif op == "Ts" and args:
                gs = replace(gs, rise=_num(args[0]))
            elif op == "Tr" and args:
                gs = replace(gs, mode=int(_num(args[0])))
            elif op in ("Td", "TD") and len(args) == 2:
                tx, ty = _num(args[0]), _num(args[1])
                if op == "TD":
                    gs = replace(gs, tl=-ty)
                tm = tlm = _mul((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tm" and len(args) == 6:
                tm = tlm = tuple(map(_num, args))  # type: ignore[assignment]
            elif op == "T*":
                tm = tlm = _mul((1, 0, 0, 1, 0, -gs.tl), tlm)
            elif op in TEXT_OPS:
                if op in ("'", '"'):
                    if op == '"' and len(args) == 3:
                        gs = replace(gs, tw=_num(args[0]), tc=_num(args[1]))
                    tm = tlm = _mul((1, 0, 0, 1, 0, -gs.tl), tlm)
                items = list(args[0]) if op == "TJ" and args else list(args[-1:])
                tm = self.show(items, gs, tm, marks, content, page, last_y)
            elif op in PAINT_OPS or op == "sh":
                self.content_op("a path" if op != "sh" else "a shading", "", marks, page)
            elif op == "INLINE IMAGE":
                self.content_op("an inline image", "", marks, page)
            elif op == "Do" and args:
                self.do(args[0], resources, content, page, gs, marks, depth)
            elif op in ("g", "rg", "k"):
                n = {"g": 1, "rg": 3, "k": 4}[op]
                gs = replace(gs, fill=_to_rgb([_num(a) for a in args], n), fill_n=n)
            elif op in ("G", "RG", "K"):
                n = {"G": 1, "RG": 3, "K": 4}[op]
                gs = replace(gs, stroke=_to_rgb([_num(a) for a in args], n), stroke_n=n)
            elif op in ("cs", "CS") and args:
                n = self.colour_space(resources, args[0])
                colour = _to_rgb([0.0] * (n - 1) + [1.0 if n == 4 else 0.0], n) if n else None
                gs = replace(gs, fill=colour, fill_n=n) if op == "cs" else replace(gs, stroke=colour, stroke_n=n)
            elif op in ("sc", "scn"):
                gs = replace(gs, fill=_to_rgb([_num(a) for a in args if not isinstance(a, pikepdf.Name)],
                                              gs.fill_n))
            elif op in ("SC", "SCN"):
                gs = replace(gs, stroke=_to_rgb([_num(a) for a in args if not isinstance(a, pikepdf.Name)],
                                                gs.stroke_n))

    def begin_mark(self, op: str, args, resources, content: Key, page: int, marks: list[_Mark]) -> _Mark:
        tag = _name(args[0]) if args else ""
        props = args[1] if op == "BDC" and len(args) > 1 else None
        if isinstance(props, pikepdf.Name):  # a named property list in the resources
            props = resources.get("/Properties", pikepdf.Dictionary()).get(str(props))
        mcid = None
        actual = False
        if isinstance(props, pikepdf.Dictionary):
            if "/MCID" in props and tag != "Artifact":
                mcid = int(_num(props.get("/MCID"), -1))
                self.used_mcids[content].append(mcid)
            lang = props.get("/Lang")
            if lang is not None:
                self.lang_values.append((f"marked content on page {page}", str(lang)))
            text = props.get("/ActualText")
            if text is not None:
                actual = True
                owner = next((m.mcid for m in reversed(marks) if m.mcid is not None), mcid)
                if owner is not None:
                    self.mcid_text[(content, owner)].append(str(text))
        return _Mark(tag, mcid, tag == "Artifact", actual)

    def content_op(self, what: str, sample: str, marks: list[_Mark], page: int) -> int | None:
        """Check one painting operator's marking; the MCID it belongs to, if tagged."""
        mcid_at = next((i for i, m in enumerate(marks) if m.mcid is not None), None)
        art_at = next((i for i, m in enumerate(marks) if m.artifact), None)
        shown = f"{what} {sample!r}" if sample else what
        if mcid_at is not None and art_at is not None:
            checkpoint = "01-003" if mcid_at < art_at else "01-004"
            self.untagged[(checkpoint, page)].append(shown)
            return None
        if mcid_at is None and art_at is None:
            self.untagged[("01-005", page)].append(shown)
            return None
        if art_at is not None:
            return None
        return next(m.mcid for m in reversed(marks) if m.mcid is not None)

    def font(self, resources, name, page: int) -> _Font | None:
        fonts = resources.get("/Font")
        font = fonts.get(str(name)) if isinstance(fonts, pikepdf.Dictionary) else None
        if not isinstance(font, pikepdf.Dictionary):
            return None
        key = _key(font)
        if key not in self.fonts:
            self.fonts[key] = _load_font(str(name), font)
            self.fonts[key].first_page = page
        return self.fonts[key]

    def colour_space(self, resources, name) -> int:
        """Components of a colour space; 0 when it is not one we can judge (pattern, separation)."""
        builtin = {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4, "/CalGray": 1, "/CalRGB": 3}
        if str(name) in builtin:
            return builtin[str(name)]
        spaces = resources.get("/ColorSpace")
        space = spaces.get(str(name)) if isinstance(spaces, pikepdf.Dictionary) else None
        if isinstance(space, pikepdf.Array) and len(space):
            kind = str(space[0])
            if kind == "/ICCBased" and len(space) > 1:
                return int(_num(space[1].get("/N"), 0))
            return builtin.get(kind, 0)
        return 0

    def show(self, items: list, gs: _GState, tm: Matrix, marks: list[_Mark], content: Key, page: int,
             last_y: dict[tuple[Key, int], float]) -> Matrix:
        """Advance the text matrix over a Tj/TJ operand; record what was shown and where."""
        font = gs.font
        for item in items:
            if not isinstance(item, pikepdf.String):
                tm = _mul((1, 0, 0, 1, -_num(item) / 1000 * gs.size * gs.th, 0), tm)
                continue
            raw = bytes(item)
            if not raw:
                continue
            if font is None:
                codes = list(raw)
                text = ""
            else:
                codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)] \
                    if font.two_byte else list(raw)
                font.used = True
                font.used_codes.update(codes)
                umap = font.to_unicode or {}
                text = "".join(umap.get(c, "") for c in codes)
            widths = font.widths if font else {}
            default = font.default_width if font else 0.5
            advances = [(widths.get(c, default) * gs.size + gs.tc +
                         (gs.tw if c == 32 and not (font and font.two_byte) else 0)) * gs.th for c in codes]
            total = sum(advances)
            # Trailing spaces do not count for the line's right edge.
            trim = 0.0
            chars = list(text) if font and len(text) == len(codes) else []
            for adv, ch in zip(reversed(advances), reversed(chars)):
                if not ch.isspace():
                    break
                trim += adv
            trm = _mul(tm, gs.ctm)
            a, b, c, d, e, f = trm
            x0 = e
            x1 = e + a * (total - trim)
            y = f + d * gs.rise
            sample = text or raw.decode("latin-1")
            mcid = self.content_op("text", _sample(sample, 30), marks, page)
            # Invisible text (render mode 3 or 7) and spaces alone have no size or colour to judge.
            visible = gs.mode not in (3, 7) and (text == "" or not text.isspace())
            if visible:
                size = gs.size * math.hypot(c, d)
                if self.min_size is None or size < self.min_size[0] - 1e-6:
                    self.min_size = (size, page, _sample(sample, 30))
                colour = gs.stroke if gs.mode in (1, 5) else gs.fill
                if colour is not None:
                    ratio = contrast(colour, (1.0, 1.0, 1.0))
                    if self.min_contrast is None or ratio < self.min_contrast[0] - 1e-9:
                        self.min_contrast = (ratio, page, _sample(sample, 30))
                norm = math.hypot(a, b) * math.hypot(c, d)
                if norm and abs(a * c + b * d) / norm > 0.05:
                    self.skewed.append((page, _sample(sample, 30)))
            if mcid is not None:
                slot = (content, mcid)
                if not any(m.actual_text for m in marks):
                    previous = last_y.get(slot)
                    if previous is not None and abs(previous - y) > 0.5:
                        self.mcid_text[slot].append(" ")  # a new line: words stay apart
                    self.mcid_text[slot].append(text)
                last_y[slot] = y
                if text.strip():
                    self.mcid_has_text.add(slot)
                self.runs.append(_Run(content, mcid, page, round(y, 1), x0, x1, gs.tw, text))
            tm = _mul((1, 0, 0, 1, total, 0), tm)
        return tm

    def do(self, name, resources, content: Key, page: int, gs: _GState, marks: list[_Mark],
           depth: int) -> None:
        xobjects = resources.get("/XObject")
        xobj = xobjects.get(str(name)) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobj, pikepdf.Stream):
            return
        if _name(xobj.get("/Subtype")) != "Form":
            self.content_op("an image", str(name), marks, page)
            return
        if depth > 8:
            return
        matrix = tuple(_num(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        inner = content
        if "/StructParents" in xobj:  # a form with its own marked content and ParentTree entry
            inner = xobj.objgen
            self.content_owner[inner] = xobj
            self.content_page[inner] = page
        try:
            instructions = pikepdf.parse_content_stream(xobj)
        except pikepdf.PdfError:
            return
        self.walk(instructions, xobj.get("/Resources", resources), inner, page,
                  replace(gs, ctm=_mul(matrix, gs.ctm)), list(marks), depth + 1)  # type: ignore[arg-type]

    # -- tagging, ParentTree --
    def check_parent_tree(self) -> None:
        for (checkpoint, page), samples in sorted(self.untagged.items(), key=lambda kv: kv[0][1]):
            what = {"01-003": "marked as an artifact inside an element's marked content",
                    "01-004": "tagged inside an /Artifact sequence",
                    "01-005": "neither tagged nor an artifact"}[checkpoint]
            self.add(checkpoint, f"page {page}: {len(samples)} object(s) {what}, first {samples[0]}")
        root = getattr(self, "struct_root", None)
        if root is None:
            return
        tree: dict[int, pikepdf.Object] = {}

        def read(node, depth: int) -> None:
            if not isinstance(node, pikepdf.Dictionary) or depth > 32:
                return
            nums = list(node.get("/Nums", []))
            for i in range(0, len(nums) - 1, 2):
                tree[int(_num(nums[i]))] = nums[i + 1]
            for kid in node.get("/Kids", []):
                read(kid, depth + 1)
        read(root.get("/ParentTree"), 0)
        if root.get("/ParentTree") is None and self.used_mcids:
            self.add("01-005", "the StructTreeRoot has no /ParentTree: no MCID maps to an element")
            return

        owners: dict[int, str] = {}

        def claim(value, who: str) -> None:
            if value in owners:
                self.add("PDF:14.7.4.4", f"{who} and {owners[value]} share /StructParents {value}")
            else:
                owners[value] = who

        for number, page in enumerate(self.pdf.pages, 1):
            if "/StructParents" in page.obj:
                claim(int(_num(page.obj.StructParents)), f"page {number}")
            for annot in _kids(page.obj.get("/Annots")):
                if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                    claim(int(_num(annot.StructParent)), f"an annotation on page {number}")
        for key, owner in self.content_owner.items():
            if key not in self.page_no and "/StructParents" in owner:
                claim(int(_num(owner.StructParents)), f"form XObject obj {key[0]}")

        marked: set[tuple[Key, int]] = set()
        for content, mcids in self.used_mcids.items():
            where = f"page {self.content_page.get(content, '?')}" if content in self.page_no else \
                f"form XObject obj {content[0]} on page {self.content_page.get(content, '?')}"
            seen: set[int] = set()
            for mcid in mcids:
                if mcid in seen:
                    self.add("PDF:14.7.4.4", f"{where}: MCID {mcid} is used twice")
                seen.add(mcid)
                marked.add((content, mcid))
            owner = self.content_owner[content]
            if "/StructParents" not in owner:
                self.add("01-005", f"{where} has marked content (MCIDs {min(seen)}–{max(seen)}) but no "
                         "/StructParents, so none of it maps to an element")
                continue
            entry = tree.get(int(_num(owner.StructParents)))
            if not isinstance(entry, pikepdf.Array):
                self.add("01-005", f"{where}: the ParentTree has no array for /StructParents "
                         f"{int(_num(owner.StructParents))}")
                continue
            for mcid in sorted(seen):
                target = entry[mcid] if 0 <= mcid < len(entry) else None
                if not isinstance(target, pikepdf.Dictionary):
                    self.add("01-005", f"{where}: MCID {mcid} maps to no element in the ParentTree")
                    continue
                element = self.by_key.get(_key(target))
                if element is None:
                    self.add("PDF:14.7.2", f"{where}: MCID {mcid} maps to element obj {target.objgen[0]}, "
                             "which is not in the structure tree")
                elif (content, mcid) not in element.marks:
                    self.add("PDF:14.7.4.4", f"{where}: the ParentTree gives MCID {mcid} to {element.role} "
                             f"obj {element.key[0]}, whose /K does not hold it")
        for element in self.elements:
            for content, mcid in element.marks:
                if (content, mcid) not in marked:
                    where = f"page {self.page_no[content]}" if content in self.page_no else f"obj {content[0]}"
                    self.add("PDF:14.7.4.4", f"{element.role} element obj {element.key[0]} holds MCID {mcid} "
                             f"on {where}, which has no such marked content")
        next_key = root.get("/ParentTreeNextKey")
        if tree and (next_key is None or int(_num(next_key)) <= max(tree)):
            self.add("PDF:14.7.4.4", f"/ParentTreeNextKey is {next_key}, not above the largest key {max(tree)}",
                     "warning")

    # -- element types, headings, figures --
    def check_structure(self) -> None:
        level = 0
        for el in self.elements:
            if el.type == "Figure":
                alt = _text(el.obj.get("/Alt")) or _text(el.obj.get("/ActualText"))
                if not (alt and alt.strip()):
                    self.add("13-004", f"Figure obj {el.key[0]} on page {self._page_of(el)} has no /Alt "
                             "or /ActualText")
            m = re.fullmatch(r"H([1-6])", el.type)
            if m:
                n = int(m.group(1))
                if level == 0 and n != 1:
                    self.add("14-002", f"the first heading is {el.type} (obj {el.key[0]}, page "
                             f"{self._page_of(el)}), not H1")
                elif level and n > level + 1:
                    self.add("14-003", f"{el.type} (obj {el.key[0]}, page {self._page_of(el)}, "
                             f"\"{_sample(self.element_text(el))}\") follows H{level}")
                level = n

    def _page_of(self, el: _Element) -> str:
        if el.page in self.page_no:
            return str(self.page_no[el.page])
        for content, _ in el.marks:
            if content in self.content_page:
                return str(self.content_page[content])
        return "?"

    def element_text(self, el: _Element) -> str:
        return "".join("".join(self.mcid_text.get(mark, [])) for mark in el.marks)

    # -- annotations --
    def check_annotations(self) -> None:
        tagged: dict[Key, _Element] = {key: el for el in self.elements for key in el.objrs}
        for number, page in enumerate(self.pdf.pages, 1):
            annots = [a for a in _kids(page.obj.get("/Annots")) if isinstance(a, pikepdf.Dictionary)]
            if not annots:
                continue
            tabs = page.obj.get("/Tabs")
            if tabs is None:
                self.add("28-008", f"page {number} has {len(annots)} annotation(s) but no /Tabs")
            elif tabs != pikepdf.Name.S:
                self.add("28-009", f"page {number}: /Tabs is {tabs}, not /S")
            for annot in annots:
                if _name(annot.get("/Subtype")) != "Link":
                    continue
                el = tagged.get(_key(annot))
                if el is None or el.type != "Link":
                    where = "no element" if el is None else f"a {el.role} element"
                    self.add("28-011", f"page {number}: Link annotation obj {annot.objgen[0]} is in {where}, "
                             "not a Link element")
                contents = _text(annot.get("/Contents"))
                if not (contents and contents.strip()):
                    self.add("28-012", f"page {number}: Link annotation obj {annot.objgen[0]} has no /Contents")

    # -- fonts --
    def check_fonts(self) -> None:
        # Fonts in the resources that the walk never met: listed too, as they may be used elsewhere.
        for number, page in enumerate(self.pdf.pages, 1):
            resources = _inherited(page.obj, "/Resources")
            fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
            if isinstance(fonts, pikepdf.Dictionary):
                for name, font in fonts.items():
                    if isinstance(font, pikepdf.Dictionary) and _key(font) not in self.fonts:
                        self.fonts[_key(font)] = _load_font(name, font)
                        self.fonts[_key(font)].first_page = number
        for font in self.fonts.values():
            severity = "error" if font.used else "warning"
            unused = "" if font.used else " (it shows no text, but sits in the page resources)"
            if not font.embedded:
                self.add("31-009", f"page {font.first_page}: font {font.label} is not embedded{unused}", severity)
            if font.to_unicode is None:
                self.add("31-027", f"page {font.first_page}: font {font.label} has no /ToUnicode{unused}",
                         severity)
                continue
            for checkpoint, values in (("31-028", {"U+0000"}), ("31-029", {"U+FEFF", "U+FFFE"})):
                bad = {c: v for c, v in font.bad_codes.items() if v in values}
                shown = sorted(c for c in bad if c in font.used_codes)
                if shown:
                    self.add(checkpoint, f"font {font.label}: codes shown in text map to "
                             f"{', '.join(sorted({bad[c] for c in shown}))}: "
                             f"{', '.join(f'<{c:02X}>' for c in shown[:8])}")
                elif bad:
                    codes = sorted(bad)
                    self.add(checkpoint, f"font {font.label}: {len(codes)} unused code(s) map to "
                             f"{', '.join(sorted(set(bad.values())))} (<{codes[0]:02X}>…<{codes[-1]:02X}>); "
                             "no text shows them, but PDF/UA-1 7.21.7 asks that no entry does "
                             "(ReportLab fills unused subset slots this way)", "warning")
            missing = sorted(c for c in font.used_codes if c not in font.to_unicode)
            if missing:
                self.add("10-001", f"font {font.label}: codes {', '.join(f'<{c:02X}>' for c in missing[:8])} "
                         "are shown but not in its ToUnicode")

    # -- language --
    def check_language(self) -> None:
        for where, value in self.lang_values:
            if not BCP47.match(value):
                self.add("11-001", f"{where}: /Lang ({value}) is not a valid BCP 47 tag")
        if self.catalog.get("/Lang") is not None:
            return
        for el in self.elements:
            if any(mark in self.mcid_has_text for mark in el.marks) and not el.effective_lang():
                self.add("11-001", f"no /Lang on the catalog, and {el.role} element obj {el.key[0]} "
                         f"(page {self._page_of(el)}, \"{_sample(self.element_text(el))}\") has text but no /Lang")
        if not self.elements and self.mcid_has_text:
            self.add("11-001", "no /Lang on the catalog")

    # -- contrast --
    def check_contrast(self) -> None:
        notes = []
        if self.min_contrast is not None:
            ratio, page, sample = self.min_contrast
            notes.append(f"lowest text contrast in the PDF {ratio:.1f}:1")
            if ratio < CONTRAST_MIN:
                self.add("1.4.6", f"page {page}: text \"{sample}\" has contrast {ratio:.1f}:1 against white, "
                         f"below {CONTRAST_MIN:g}:1")
        if self.result.format:
            path = self.layouts / f"{self.result.format}.yaml"
            colours = _layout_colours(path, path.stat().st_mtime if path.exists() else 0.0)
            if colours is None:
                self.add("1.4.6", f"layout {path.name} not found or has no colours: layout contrast not checked",
                         "warning")
            else:
                try:
                    ratio = contrast(_hex_rgb(colours["text"]), _hex_rgb(colours["background"]))
                except (KeyError, ValueError, AttributeError):
                    self.add("1.4.6", f"layout {path.name}: colours.text/background are not #RRGGBB", "warning")
                else:
                    notes.append(f"layout {path.name} {ratio:.1f}:1")
                    if ratio < CONTRAST_MIN:
                        self.add("1.4.6", f"layout {path.name}: text {colours['text']} on "
                                 f"{colours['background']} has contrast {ratio:.1f}:1, below {CONTRAST_MIN:g}:1")
        if notes:
            self.result.notes["1.4.6"] = "; ".join(notes)

    # -- our leaflets --
    def check_sizes(self, checkpoint: str, minimum: float) -> None:
        if self.min_size is None:
            return
        size, page, sample = self.min_size
        self.result.notes[checkpoint] = f"smallest character {size:.1f} pt"
        if size < minimum - 0.01:
            self.add(checkpoint, f"page {page}: \"{sample}\" is {size:.1f} pt, under {minimum:g} pt")

    def check_italic(self, checkpoint: str) -> None:
        for font in self.fonts.values():
            if font.used and font.italic:
                self.add(checkpoint, f"page {font.first_page}: font {font.label} is italic or oblique")
        for page, sample in self.skewed[:1]:
            self.add(checkpoint, f"page {page}: text \"{sample}\" is slanted by its text matrix")

    def check_justified(self) -> None:
        """A paragraph is justified if its lines are stretched (Tw > 0), or if 3+ lines before its
        last all start and end at the same x. Lines shrunk to fit (Tw < 0) are not justification."""
        runs: dict[tuple[Key, int], list[_Run]] = defaultdict(list)
        for run in self.runs:
            runs[(run.content, run.mcid)].append(run)
        checked = 0
        for el in self.elements:
            if el.type not in ("P", "LBody"):
                continue
            lines: dict[tuple[int, float], list[_Run]] = {}
            for mark in el.marks:
                for run in runs.get(mark, []):
                    if run.text.strip() or not run.text:
                        lines.setdefault((run.page, -run.y), []).append(run)
            ordered = [lines[k] for k in sorted(lines)]
            if len(ordered) < 2:
                continue
            checked += 1
            body = ordered[:-1]
            stretched = [line for line in body if any(r.tw > 0.01 for r in line)]
            lefts = [min(r.x0 for r in line) for line in body]
            rights = [max(r.x1 for r in line) for line in body]
            flush = len(body) >= 3 and max(rights) - min(rights) < 0.5 and max(lefts) - min(lefts) < 0.5
            if stretched or flush:
                why = "its word spacing is stretched" if stretched else \
                    f"its first {len(body)} lines all end at x = {rights[0]:.1f}"
                self.add("LP-03", f"page {self._page_of(el)}: {el.role} obj {el.key[0]} "
                         f"(\"{_sample(self.element_text(el))}\") looks justified: {why}")
        self.result.notes["LP-03"] = f"{checked} paragraphs of two lines or more"

    def check_easy_read(self) -> None:
        # The back page ("About this leaflet") starts at the first H2 after the last picture.
        last_figure = max((i for i, e in enumerate(self.elements) if e.type == "Figure"), default=-1)
        back = next((i for i, e in enumerate(self.elements) if i > last_figure and e.type == "H2"),
                    len(self.elements))
        rows = 0
        longest = 0
        for i, el in enumerate(self.elements[:back]):
            if el.type == "Figure":
                bbox = self._bbox(el)
                if bbox is None:
                    self.add("ER-02", f"page {self._page_of(el)}: Figure obj {el.key[0]} has no /A /BBox: "
                             "its size cannot be told")
                else:
                    side = min(bbox[2] - bbox[0], bbox[3] - bbox[1]) / MM
                    if side < EASY_READ_PICTURE_MM - 0.05:
                        self.add("ER-02", f"page {self._page_of(el)}: Figure obj {el.key[0]} is {side:.1f} mm, "
                                 f"under {EASY_READ_PICTURE_MM:g} mm")
            if el.type != "P":
                continue
            rows += 1
            text = self.element_text(el)
            before = self.elements[i - 1] if i else None
            if before is None or before.type != "Figure":
                self.add("ER-01", f"page {self._page_of(el)}: P obj {el.key[0]} (\"{_sample(text)}\") has no "
                         "picture just before it")
            elif not (_text(before.obj.get("/Alt")) or "").strip():
                self.add("ER-01", f"page {self._page_of(el)}: the picture before \"{_sample(text)}\" has no /Alt")
            lang = (el.effective_lang() or self.result.lang or "").lower()
            if lang.split("-")[0] != "en":
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
                words = sum(1 for w in sentence.split() if any(ch.isalnum() for ch in w))
                longest = max(longest, words)
                if words > EASY_READ_MAX_WORDS:
                    self.add("ER-03", f"page {self._page_of(el)}: \"{_sample(sentence, 60)}\" has {words} words")
        self.result.notes["ER-01"] = f"{rows} rows"
        if longest:
            self.result.notes["ER-03"] = f"longest sentence {longest} words"

    def _bbox(self, el: _Element) -> tuple[float, float, float, float] | None:
        for attrs in _kids(el.obj.get("/A")):
            if isinstance(attrs, pikepdf.Dictionary) and "/BBox" in attrs:
                box = [_num(v) for v in attrs.BBox]
                if len(box) == 4:
                    return (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3]))
        return None


def check_pdf(data: bytes, layouts: Path = LAYOUTS) -> list[Finding]:
    """Every finding for one PDF's bytes: errors and warnings, each with its checkpoint."""
    return _check(data, layouts).findings


def _check(data: bytes, layouts: Path = LAYOUTS) -> Result:
    return _Checker(data, layouts).run()


# --- command line: report and cache ----------------------------------------

@lru_cache(maxsize=1)
def checker_version() -> str:
    """Changes when this checker or the layouts it reads change: old cache entries then lapse."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(LAYOUTS.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _Cache:
    """Results of clean files by sha256, in a JSON file written atomically."""
    LIMIT = 5000

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == checker_version():
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or an unreadable one: start afresh

    def get(self, digest: str) -> Result | None:
        entry = self.entries.get(digest)
        try:
            return Result.from_json(entry) if entry else None
        except (KeyError, TypeError):
            return None

    def put(self, digest: str, result: Result) -> None:
        self.entries.pop(digest, None)
        self.entries[digest] = result.to_json()
        while len(self.entries) > self.LIMIT:
            self.entries.pop(next(iter(self.entries)))
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        write_atomic(self.path, json.dumps({"version": checker_version(), "files": self.entries}).encode())


def format_report(name: str, result: Result, quiet: bool = False, cached: bool = False) -> str:
    """The report for one file: each condition with PASS/FAIL/WARN; failures say what and what to do."""
    kind = f"{result.format} leaflet" if result.format else "PDF"
    head = (f"{name}: {kind}, {result.lang or 'no language'}, {result.pages} page(s): "
            f"{result.errors} error(s), {result.warnings} warning(s){' (cached)' if cached else ''}")
    by_checkpoint: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_checkpoint[f.checkpoint].append(f)
    lines = [head]
    for condition in result.conditions():
        found = by_checkpoint.get(condition.checkpoint, [])
        status = "FAIL" if any(f.severity == "error" for f in found) else "WARN" if found else "PASS"
        if quiet and status != "FAIL":
            continue
        note = result.notes.get(condition.checkpoint)
        lines.append(f"  {status}  {condition.checkpoint:<12} {condition.title}"
                     + (f" [{note}]" if note and status == "PASS" else ""))
        for f in found:
            if quiet and f.severity != "error":
                continue
            lines.append(f"        {'error' if f.severity == 'error' else 'warning'}: {f.message}")
        if found:
            lines.append(f"        what to do: {condition.fix}")
    if quiet and len(lines) == 1:
        return ""
    return "\n".join(lines)


def check_files(files: list[Path], cache: Path | None = None, quiet: bool = False) -> int:
    """Check each file, print its report; 0 if no file has an error, else 1."""
    store = _Cache(Path(cache)) if cache else None
    status = 0
    for path in map(Path, files):
        try:
            data = path.read_bytes()
        except OSError as err:
            print(f"{path}: cannot be read ({err.strerror})")
            status = 1
            continue
        digest = hashlib.sha256(data).hexdigest()
        result = store.get(digest) if store else None
        cached = result is not None
        if result is None:
            result = _check(data)
            if store is not None and not result.errors:
                store.put(digest, result)
        if result.errors:
            status = 1
        report = format_report(str(path), result, quiet, cached)
        if report:
            print(report)
    if store is not None:
        try:
            store.save()
        except OSError as err:
            print(f"warning: cache {store.path} not written ({err.strerror})")
    return status
