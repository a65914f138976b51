"""Preflight: a print file read back as a print shop's preflight would, before it goes to press.

One reading of the file gives frozen facts (`read_facts`): each page's boxes, its inks (inks.py, the
same reading the ticket's colours come from) and the raster images with the size they are drawn at
(forms followed); the fonts and their programs; the output intent; and the imposition the file's XMP
records (impose.py). Small registered checks judge them against what the job ticket
(`<pack>.ticket.json`, packs/ticket.schema.json) says, where there is one. Each finding names the file,
the page and the fix.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from . import impose, inks, pdfx
from .check.pdf import IDENTITY, Matrix, box, mul

MIN_PPI = 300
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Image:
    name: str
    pixels: tuple[int, int]
    ppi: float  # the lower of the two directions, as drawn


@dataclass(frozen=True)
class PageFacts:
    media: Box
    crop: Box | None
    trim: Box | None
    bleed: Box | None
    art: Box | None
    inks: inks.PageInks  # the colour spaces it paints with, and those of them that need more than black
    images: tuple[Image, ...]


@dataclass(frozen=True)
class FontFacts:
    name: str  # with its subset tag, e.g. ABCDEF+AtkinsonHyperlegible-Regular
    embedded: bool
    digest: str  # of its program ("" when not embedded)

    @property
    def tag(self) -> str | None:
        prefix, plus, _ = self.name.partition("+")
        return prefix if plus and len(prefix) == 6 and prefix.isalpha() and prefix.isupper() else None


@dataclass(frozen=True)
class Facts:
    pages: tuple[PageFacts, ...]
    fonts: tuple[FontFacts, ...]
    intents: tuple[tuple[str, str], ...]  # (subtype, the profile's device class), e.g. ("GTS_PDFX", "prtr")
    pdfx: str  # GTS_PDFXVersion in the Info dictionary, or ""
    imposition: tuple[list[tuple[int, int, int]], list[int]] | None  # impose.read_description


@dataclass(frozen=True)
class Expected:
    """What the ticket says of this file: each page's colours ("1/1", "4/4"), and booklets' page ranges."""
    colours: dict[int, str] = field(default_factory=dict)
    booklets: tuple[tuple[int, int], ...] = ()  # first and last page in the file
    imposed: bool = False  # a booklet's pages in the file are sides of sheets, 2 reading pages each
    pages: int | None = None  # the file's pages, as the ticket's list of files gives them
    last_placed: int = 0  # the last page any item is placed on


@dataclass(frozen=True)
class Finding:
    page: int | None  # None: the whole file
    problem: str
    fix: str
    level: str = "error"  # or "warning"


@dataclass(frozen=True)
class Report:
    path: Path
    pages: int
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


# ------------------------------------------------------------------ reading the file

def read_facts(doc: pikepdf.Pdf, page_inks: list[inks.PageInks]) -> Facts:
    pages = tuple(_page_facts(page, each) for page, each in zip(doc.pages, page_inks, strict=True))
    fonts = []
    for font in pdfx.fonts(doc):
        program = pdfx.font_program(font)
        digest = hashlib.sha256(program.read_bytes()).hexdigest() if program is not None else ""
        fonts.append(FontFacts(str(font.get("/BaseFont", "/(unnamed)"))[1:],
                               program is not None or font.get("/Subtype") == "/Type3", digest))
    intents = []
    for intent in doc.Root.get("/OutputIntents") or []:
        profile = intent.get("/DestOutputProfile")
        header = profile.read_bytes()[:20] if isinstance(profile, pikepdf.Stream) else b""
        intents.append((str(intent.get("/S", "/"))[1:], header[12:16].decode("latin-1").strip()))
    info = doc.trailer.get("/Info") or {}
    meta = doc.open_metadata()  # read only: outside `with`, nothing is written back
    ours = {key.rpartition("}")[2]: str(meta[key]) for key in meta if key.startswith(f"{{{impose.IMPOSED_NS}}}")}
    return Facts(pages, tuple(fonts), tuple(intents), str(info.get("/GTS_PDFXVersion", "")),
                 impose.read_description(ours))


def _page_facts(page: pikepdf.Page, page_inks: inks.PageInks) -> PageFacts:
    images: list[Image] = []
    _drawn_images(pikepdf.parse_content_stream(page), page.obj.get("/Resources") or pikepdf.Dictionary(), IDENTITY,
            images, 0)
    obj = page.obj
    return PageFacts(box(page.mediabox), *(box(obj.get(name)) for name in ("/CropBox", "/TrimBox", "/BleedBox",
                                                                            "/ArtBox")),
                     page_inks, tuple(images))


def _drawn_images(instructions, resources, ctm: Matrix, found: list[Image], depth: int) -> None:
    """The raster images a content stream draws (in forms too), each with its resolution as drawn: its
    pixels over the size the current matrix gives its unit square."""
    stack = []
    for ins in instructions:
        op, args = str(ins.operator), list(ins.operands)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(args) == 6:
            ctm = mul(tuple(float(a) for a in args), ctm)  # type: ignore[arg-type]
        elif op == "INLINE IMAGE":
            found.append(_image("(inline)", (ins.iimage.width, ins.iimage.height), ctm))
        elif op == "Do" and args:
            xobject = (resources.get("/XObject") or {}).get(args[0])
            if xobject is not None and xobject.get("/Subtype") == "/Image":
                found.append(_image(str(args[0])[1:], (int(xobject.Width), int(xobject.Height)), ctm))
            elif xobject is not None and xobject.get("/Subtype") == "/Form" and depth < 12:
                matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                _drawn_images(pikepdf.parse_content_stream(xobject), xobject.get("/Resources") or resources,
                        mul(matrix, ctm), found, depth + 1)  # type: ignore[arg-type]


def _image(name: str, pixels: tuple[int, int], ctm: Matrix) -> Image:
    a, b, c, d = ctm[:4]
    wide, high = math.hypot(a, b) / 72, math.hypot(c, d) / 72  # inches
    return Image(name, pixels, min(pixels[0] / wide if wide else math.inf, pixels[1] / high if high else math.inf))


# ------------------------------------------------------------------ the ticket

def expected(ticket: dict, file_name: str, facts: Facts) -> Expected:
    """What the ticket (packs/ticket.schema.json) says of this file: each item placed in it (by its
    `placements`) gives its pages there its `colours`, and, bound as a booklet, a page count to check.
    In an imposed file a booklet's pages there are the sides of its sheets, 2 reading pages each."""
    colours: dict[int, str] = {}
    booklets, last_placed = [], 0
    listed = next((f.get("pages") for f in ticket.get("files") or [] if isinstance(f, dict)
                   and f.get("file") == file_name), None)
    for item in ticket.get("items") or []:
        for placement in item.get("placements") or [] if isinstance(item, dict) else []:
            first, last = placement.get("first_page"), placement.get("last_page")
            if placement.get("file") != file_name or not (isinstance(first, int) and isinstance(last, int)):
                continue
            last_placed = max(last_placed, last)
            if item.get("colours") in ("1/1", "4/4"):
                colours.update(dict.fromkeys(range(first, last + 1), item["colours"]))
            if item.get("binding") == "booklet":
                booklets.append((first, last))
    return Expected(colours, tuple(booklets), facts.imposition is not None,
                    listed if isinstance(listed, int) else None, last_placed)


# ------------------------------------------------------------------ the checks

Check = Callable[[Facts, Expected], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function
    return register


@check("boxes")
def _boxes(facts: Facts, expect: Expected) -> Iterator[Finding]:
    for number, page in enumerate(facts.pages, 1):
        if page.trim is None:
            yield Finding(number, "no TrimBox: the printer cannot know the finished size",
                          "set a TrimBox on every page (pdfx.print_file sets the page itself where none is set)")
            continue
        crop = page.crop or page.media
        bleed = page.bleed or crop
        if not (_within(page.trim, bleed) and _within(bleed, crop) and _within(crop, page.media)):
            yield Finding(number, f"TrimBox {_mm(page.trim)} is not within BleedBox {_mm(bleed)} within "
                          f"CropBox {_mm(crop)} within MediaBox {_mm(page.media)}",
                          "make TrimBox ⊆ BleedBox ⊆ CropBox ⊆ MediaBox")
        if page.art is not None:
            yield Finding(number, "both a TrimBox and an ArtBox: PDF/X gives a page one or the other",
                          "remove the ArtBox from the print file (pdfx.print_file does)")


def _within(inner: Box, outer: Box) -> bool:
    return all(o <= i + 0.01 for o, i in zip(outer[:2], inner[:2])) and \
        all(i <= o + 0.01 for i, o in zip(inner[2:], outer[2:]))


def _mm(box: Box) -> str:
    return "[" + " ".join(f"{v * 25.4 / 72:.1f}" for v in box) + "] mm"


@check("page count")
def _page_count(facts: Facts, expect: Expected) -> Iterator[Finding]:
    fix = "pad each booklet with blank pages before its back page to a multiple of 4 (impose.booklet does)"
    count = len(facts.pages)
    if expect.pages is not None and expect.pages != count or expect.last_placed > count:
        said = expect.pages if expect.pages is not None and expect.pages != count else f"up to {expect.last_placed}"
        yield Finding(None, f"the ticket gives this file {said} pages, but it has {count}: the ticket describes "
                      "another file", "preflight the print file with the ticket written beside it")
    for first, last in expect.booklets:
        pages = (last - first + 1) * (2 if expect.imposed else 1)
        if pages % 4:
            yield Finding(first, f"the booklet on pages {first}-{last} has {pages} pages, not a multiple of 4: "
                          "it cannot be folded from whole sheets", fix)
    if facts.imposition is not None:
        booklets, loose = facts.imposition
        for first, last, pages in booklets:
            if pages % 4 or pages < last - first + 1:
                yield Finding(None, f"the booklet of reading pages {first}-{last} is imposed as {pages} pages, "
                              "not a multiple of 4 that holds them all", fix)
        sides = len(loose) + sum(pages // 2 for _, _, pages in booklets)
        if sides != len(facts.pages):
            yield Finding(None, f"the file has {len(facts.pages)} pages, but its imposition (XMP) gives "
                          f"{sides}: {len(loose)} loose and 2 per sheet of each booklet", "impose it again")


@check("fonts")
def _fonts(facts: Facts, expect: Expected) -> Iterator[Finding]:
    for font in facts.fonts:
        if not font.embedded:
            yield Finding(None, f"font {font.name} is not embedded", "embed every font")
    programs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for font in facts.fonts:
        if font.tag and font.digest:
            programs[font.tag][font.digest].add(font.name.partition("+")[2])
    for tag, subsets in sorted(programs.items()):
        if len(subsets) > 1:
            names = ", ".join(sorted({n for names in subsets.values() for n in names}))
            yield Finding(None, f"subset tag {tag}+ names {len(subsets)} different font subsets ({names})",
                          "derive each subset's tag from its content, so that different subsets differ")


@check("colours")
def _colours(facts: Facts, expect: Expected) -> Iterator[Finding]:
    for number, page in enumerate(facts.pages, 1):
        ink = expect.colours.get(number)
        if ink == inks.BLACK_ONLY and page.inks.colour:
            yield Finding(number, f"the ticket prints it 1/1 (black only), but it paints in "
                          f"{', '.join(page.inks.colour)}: it would print in four colours",
                          "draw text, rules and page furniture in DeviceGray (or CMYK black only, 0 0 0 1 k); "
                          "a page with colour pictures is printed 4/4")
        elif ink == inks.COLOUR and not page.inks.colour:
            yield Finding(number, "the ticket prints this page 4/4 but it is black only", "print it 1/1",
                          level="warning")


@check("images")
def _resolution(facts: Facts, expect: Expected) -> Iterator[Finding]:
    for number, page in enumerate(facts.pages, 1):
        for image in page.images:
            if image.ppi < MIN_PPI:
                yield Finding(number, f"image {image.name} ({image.pixels[0]} x {image.pixels[1]} pixels) is "
                              f"drawn at {image.ppi:.0f} ppi, under {MIN_PPI}",
                              f"use an image of at least {MIN_PPI} pixels per inch as drawn, or a vector picture")


@check("output intent")
def _output_intent(facts: Facts, expect: Expected) -> Iterator[Finding]:
    pdfx_intents = [cls for subtype, cls in facts.intents if subtype == "GTS_PDFX"]
    if not pdfx_intents:
        yield Finding(None, "no PDF/X output intent: the printing condition is unknown",
                      "make the print file with pdfx.print_file (an output intent with a CMYK printer profile)")
    elif pdfx_intents[0] != "prtr":
        yield Finding(None, f"the output intent's profile is a '{pdfx_intents[0]}' profile, not a printer "
                      "('prtr') profile", "embed a CMYK printer (output-class) profile")
    elif facts.pdfx != pdfx.PDFX_VERSION:
        yield Finding(None, f"GTS_PDFXVersion is '{facts.pdfx}', not {pdfx.PDFX_VERSION}",
                      "make the print file with pdfx.print_file", level="warning")


# ------------------------------------------------------------------ running

def preflight(path: Path, ticket: dict | None = None) -> Report:
    """Read the print file at `path` and judge it (against the ticket's items, if given)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        with pikepdf.open(io.BytesIO(data)) as doc:
            facts = read_facts(doc, inks.read_inks(data))
    except OSError as err:
        return Report(path, 0, (Finding(None, f"cannot be read ({err.strerror})", "give the print file's path"),))
    except pikepdf.PdfError as err:
        return Report(path, 0, (Finding(None, f"cannot be read as a PDF ({err})", "give a PDF file"),))
    expect = expected(ticket or {}, path.name, facts)
    findings = tuple(f for check_file in CHECKS.values() for f in check_file(facts, expect))
    return Report(path, len(facts.pages), findings)


def format_report(report: Report) -> str:
    lines = []
    for f in report.findings:
        where = f"page {f.page}: " if f.page else ""
        lines.append(f"{report.path}: {where}{'warning: ' if f.level == 'warning' else ''}{f.problem}")
        lines.append(f"    fix: {f.fix}")
    errors = sum(f.level == "error" for f in report.findings)
    verdict = "passes" if report.passed else f"fails ({errors} error{'s' if errors != 1 else ''})"
    checked = f"{report.pages} pages; {', '.join(CHECKS)}" if report.pages else "not checked"
    lines.append(f"{report.path}: {checked}: {verdict}")
    return "\n".join(lines)


def run(files: list[Path], ticket_path: Path | None = None) -> int:
    """publish.py preflight: print each file's report; 0 if every file passes, else 1."""
    ticket = None
    if ticket_path is not None:
        try:
            ticket = json.loads(Path(ticket_path).read_text("utf-8"))
        except (OSError, ValueError) as err:
            print(f"{ticket_path}: cannot be read as a JSON ticket ({err})")
            return 1
        if not isinstance(ticket, dict):
            print(f"{ticket_path}: not a job ticket (packs/ticket.schema.json: an object with 'files' and 'items')")
            return 1
    reports = [preflight(path, ticket) for path in files]
    for report in reports:
        print(format_report(report))
    return 0 if all(r.passed for r in reports) else 1
