"""The content-stream walk: marked content, graphics and text state, fonts and colours.

Every page's content (and the forms it draws) is read once with pikepdf; a form
painted again (a picture used twice) is walked again in its new place, from the
same parsed operators. The walk records what each painting operator is and how
it is marked (inside a form, as the marked content around its `Do`), for text
where it sits, how big it is and its colour, and for paths and images what they
cover; rules judge those facts later.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

import pikepdf

from ..colour import RGB, contrast
from .fonts import LoadedFont, load_font
from .pdf import IDENTITY, Key, Matrix, inherited, key, mul, name, num, sample

Box = tuple[float, float, float, float]  # (left, bottom, right, top), normalised
TEXT_OPS = frozenset({"Tj", "TJ", "'", '"'})
PAINT_OPS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
PATH_OPS = frozenset({"m", "l", "c", "v", "y", "re"})  # path construction
UNIT_SQUARE: Box = (0.0, 0.0, 1.0, 1.0)  # an image, in its own space
WHITE: RGB = (1.0, 1.0, 1.0)
MAX_FORM_DEPTH = 8

# The ways a painting operator can be wrongly marked (MisplacedContent.kind).
ARTIFACT_IN_ELEMENT = "artifact in element"  # an /Artifact sequence inside an element's marked content
ELEMENT_IN_ARTIFACT = "element in artifact"  # an element's marked content inside an /Artifact sequence
UNMARKED = "unmarked"  # neither tagged nor an artifact


@dataclass(frozen=True)
class Run:
    """One shown string of an element: where it starts and ends (device space), and what it says."""
    page: int
    y: float
    x0: float
    x1: float  # end of the last non-space glyph
    tw: float  # word spacing
    text: str
    visible: bool = True  # False: drawn invisibly (text render mode 3 or 7)


@dataclass(frozen=True)
class TextSample:
    """A measured value of visible text (a size, a contrast ratio), where it is, and the text."""
    value: float
    page: int
    sample: str


@dataclass(frozen=True)
class MisplacedContent:
    """Painting operators on one page that are wrongly marked, all of one kind."""
    kind: str  # ARTIFACT_IN_ELEMENT, ELEMENT_IN_ARTIFACT or UNMARKED
    page: int
    count: int
    first: str  # the first of them, e.g. "text 'Hello'"


@dataclass(frozen=True)
class _GState:
    ctm: Matrix = IDENTITY
    fill: RGB | None = (0.0, 0.0, 0.0)
    stroke: RGB | None = (0.0, 0.0, 0.0)
    fill_n: int = 1  # components of the fill colour space; 0: not a colour we can judge
    stroke_n: int = 1
    font: LoadedFont | None = None
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


def _to_rgb(comps: list[float], n: int) -> RGB | None:
    if n == 1 and len(comps) == 1:
        return (comps[0],) * 3  # type: ignore[return-value]
    if n == 3 and len(comps) == 3:
        return tuple(comps)  # type: ignore[return-value]
    if n == 4 and len(comps) == 4:
        c, m, y, k = comps
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def _colour_space(resources, space_name) -> int:
    """Components of a colour space; 0 when it is not one we can judge (pattern, separation)."""
    builtin = {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4, "/CalGray": 1, "/CalRGB": 3}
    if str(space_name) in builtin:
        return builtin[str(space_name)]
    spaces = resources.get("/ColorSpace")
    space = spaces.get(str(space_name)) if isinstance(spaces, pikepdf.Dictionary) else None
    if isinstance(space, pikepdf.Array) and len(space):
        kind = str(space[0])
        if kind == "/ICCBased" and len(space) > 1:
            return int(num(space[1].get("/N"), 0))
        return builtin.get(kind, 0)
    return 0


_TEXT_STATE = {"Tc": "tc", "Tw": "tw", "TL": "tl", "Ts": "rise"}  # operator → _GState field


def _next_state(op: str, args, gs: _GState, resources) -> _GState:
    """The graphics state after an operator that only sets state (matrix, text state, colour)."""
    if op == "cm" and len(args) == 6:
        return replace(gs, ctm=mul(tuple(map(num, args)), gs.ctm))  # type: ignore[arg-type]
    if op in _TEXT_STATE and args:
        return replace(gs, **{_TEXT_STATE[op]: num(args[0])})
    if op == "Tz" and args:
        return replace(gs, th=num(args[0], 100) / 100)
    if op == "Tr" and args:
        return replace(gs, mode=int(num(args[0])))
    if op in ("g", "rg", "k"):
        n = {"g": 1, "rg": 3, "k": 4}[op]
        return replace(gs, fill=_to_rgb([num(a) for a in args], n), fill_n=n)
    if op in ("G", "RG", "K"):
        n = {"G": 1, "RG": 3, "K": 4}[op]
        return replace(gs, stroke=_to_rgb([num(a) for a in args], n), stroke_n=n)
    if op in ("cs", "CS") and args:
        n = _colour_space(resources, args[0])
        colour = _to_rgb([0.0] * (n - 1) + [1.0 if n == 4 else 0.0], n) if n else None
        return replace(gs, fill=colour, fill_n=n) if op == "cs" else replace(gs, stroke=colour, stroke_n=n)
    if op in ("sc", "scn"):  # a pattern's name is no colour
        return replace(gs, fill=_to_rgb([num(a) for a in args if not isinstance(a, pikepdf.Name)], gs.fill_n))
    if op in ("SC", "SCN"):
        return replace(gs, stroke=_to_rgb([num(a) for a in args if not isinstance(a, pikepdf.Name)], gs.stroke_n))
    return gs


def union(a: Box | None, b: Box | None) -> Box | None:
    """The box around two boxes; either may be None (nothing)."""
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _device_box(box: Box, ctm: Matrix) -> Box:
    """A user-space box in device space: the box around its corners."""
    a, b, c, d, e, f = ctm
    xs = [a * x + c * y + e for x in (box[0], box[2]) for y in (box[1], box[3])]
    ys = [b * x + d * y + f for x in (box[0], box[2]) for y in (box[1], box[3])]
    return (min(xs), min(ys), max(xs), max(ys))


def _corners(args) -> tuple[float, ...]:
    """A rectangle's (re) corners, as a path's points: x0 y0 x1 y1."""
    x, y, w, h = ([num(a) for a in args] + [0.0] * 4)[:4]
    return (x, y, x + w, y + h)


def _points_box(path: list) -> Box | None:
    """The box around a path's points (its operators' operands, x and y in turn): a curve's control points
    too, as ReportLab measures a drawing. Clipping is not followed: the box may be a little large."""
    try:
        values = [float(v) for args in path for v in args]
    except (TypeError, ValueError):  # not a number: malformed, nothing to measure
        return None
    if not values or len(values) % 2:
        return None
    xs, ys = values[0::2], values[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def _font(loaded: dict[Key, LoadedFont], resources, font_name, page: int) -> LoadedFont | None:
    """The font a Tf names, read once per document."""
    fonts = resources.get("/Font")
    font = fonts.get(str(font_name)) if isinstance(fonts, pikepdf.Dictionary) else None
    if not isinstance(font, pikepdf.Dictionary):
        return None
    if key(font) not in loaded:
        loaded[key(font)] = load_font(str(font_name), font, page)
    return loaded[key(font)]


def _advances(codes: list[int], text: str, gs: _GState) -> tuple[list[float], float]:
    """Each code's advance in text space, and the advance of the trailing spaces (not part of the
    line's right edge)."""
    font = gs.font
    widths = font.widths if font else {}
    default = font.default_width if font else 0.5
    advances = [(widths.get(c, default) * gs.size + gs.tc +
                 (gs.tw if c == 32 and not (font and font.two_byte) else 0)) * gs.th for c in codes]
    trim = 0.0
    # Each code's own text: a shaped glyph's code may stand for several characters, or none.
    if font and font.to_unicode is not None:
        chars = [font.to_unicode.get(c, "?") for c in codes]
    else:
        chars = list(text) if font and len(text) == len(codes) else []
    for adv, ch in zip(reversed(advances), reversed(chars)):
        if not ch.isspace():
            break
        trim += adv
    return advances, trim


@dataclass
class TextMeasures:
    """Size, contrast against white and slant of visible text: the smallest and lowest are kept."""
    smallest: TextSample | None = None
    lowest_contrast: TextSample | None = None
    skewed: list[tuple[int, str]] = field(default_factory=list)  # (page, sample)

    def add(self, gs: _GState, trm: Matrix, page: int, shown: str) -> None:
        a, b, c, d, _, _ = trm
        size = gs.size * math.hypot(c, d)
        if self.smallest is None or size < self.smallest.value - 1e-6:
            self.smallest = TextSample(size, page, shown)
        colour = gs.stroke if gs.mode in (1, 5) else gs.fill
        if colour is not None:
            ratio = contrast(colour, WHITE)
            if self.lowest_contrast is None or ratio < self.lowest_contrast.value - 1e-9:
                self.lowest_contrast = TextSample(ratio, page, shown)
        norm = math.hypot(a, b) * math.hypot(c, d)
        if norm and abs(a * c + b * d) / norm > 0.05:
            self.skewed.append((page, shown))


class ContentWalk:
    """The state the walk gathers over all pages; read by facts.py once `walk_pages` is done."""

    def __init__(self) -> None:
        self.fonts: dict[Key, LoadedFont] = {}
        self.used_mcids: dict[Key, list[int]] = defaultdict(list)  # content stream → MCIDs, in order
        self.owners: dict[Key, pikepdf.Object] = {}  # content stream → its page, or its form with /StructParents
        self.content_page: dict[Key, int] = {}
        self.mcid_text: dict[tuple[Key, int], list[str]] = defaultdict(list)
        self.mcid_has_text: set[tuple[Key, int]] = set()
        self.runs: dict[tuple[Key, int], list[Run]] = defaultdict(list)
        self.misplaced: dict[tuple[str, int], list[str]] = defaultdict(list)  # (kind, page) → what
        self.unreadable: list[tuple[int, str]] = []  # (page, error)
        self.measures = TextMeasures()
        self.lang_values: list[tuple[str, str]] = []  # (where, value)
        self.painted: dict[tuple[Key, int], Box] = {}  # what a marked content's paths and images cover
        self.forms: dict[Key, list] = {}  # each form's parsed operators, however often it is painted

    def walk_pages(self, pdf: pikepdf.Pdf) -> None:
        for number, page in enumerate(pdf.pages, 1):
            obj = page.obj
            self.owners[obj.objgen] = obj
            self.content_page[obj.objgen] = number
            resources = inherited(obj, "/Resources")
            if not isinstance(resources, pikepdf.Dictionary):
                resources = pikepdf.Dictionary()
            try:
                instructions = pikepdf.parse_content_stream(page)
            except pikepdf.PdfError as err:
                self.unreadable.append((number, str(err)))
                continue
            self.walk(instructions, resources, obj.objgen, number, _GState(), [], 0)

    def walk(self, instructions, resources, content: Key, page: int, gs: _GState, marks: list[_Mark],
             depth: int) -> None:
        stack: list[_GState] = []
        tm = tlm = IDENTITY
        path: list = []  # the operands of the path being built, in user space: read only if tagged content paints it
        last_y: dict[tuple[Key, int], float] = {}
        for ins in instructions:
            op = str(ins.operator)
            args = ins.operands
            if op == "q":
                stack.append(gs)
            elif op == "Q":
                gs = stack.pop() if stack else gs
            elif op in ("BDC", "BMC"):
                marks = marks + [self.begin_mark(op, args, resources, content, page, marks)]
            elif op == "EMC":
                marks = marks[:-1]
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(args) == 2:
                gs = replace(gs, font=_font(self.fonts, resources, args[0], page), size=num(args[1]))
            elif op in ("Td", "TD") and len(args) == 2:
                tx, ty = num(args[0]), num(args[1])
                if op == "TD":
                    gs = replace(gs, tl=-ty)
                tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tm" and len(args) == 6:
                tm = tlm = tuple(map(num, args))  # type: ignore[assignment]
            elif op == "T*":
                tm = tlm = mul((1, 0, 0, 1, 0, -gs.tl), tlm)
            elif op in TEXT_OPS:
                if op in ("'", '"'):
                    if op == '"' and len(args) == 3:
                        gs = replace(gs, tw=num(args[0]), tc=num(args[1]))
                    tm = tlm = mul((1, 0, 0, 1, 0, -gs.tl), tlm)
                items = list(args[0]) if op == "TJ" and args else list(args[-1:])
                tm = self.show(items, gs, tm, marks, content, page, last_y)
            elif op in PATH_OPS:
                path.append(_corners(args) if op == "re" else args)
            elif op in PAINT_OPS or op in ("sh", "n"):  # n ends a path unpainted (a clip is not tracked)
                if op != "n":
                    mcid = self.paint("a path" if op != "sh" else "a shading", "", marks, page)
                    if mcid is not None and path and op != "sh":
                        self.cover(content, mcid, _points_box(path), gs)
                path = []
            elif op == "INLINE IMAGE":
                self.cover(content, self.paint("an inline image", "", marks, page), UNIT_SQUARE, gs)
            elif op == "Do" and args:
                self.draw_xobject(args[0], resources, content, page, gs, marks, depth)
            else:
                gs = _next_state(op, args, gs, resources)

    def begin_mark(self, op: str, args, resources, content: Key, page: int, marks: list[_Mark]) -> _Mark:
        tag = name(args[0]) if args else ""
        props = args[1] if op == "BDC" and len(args) > 1 else None
        if isinstance(props, pikepdf.Name):  # a named property list in the resources
            props = resources.get("/Properties", pikepdf.Dictionary()).get(str(props))
        mcid = None
        actual = False
        if isinstance(props, pikepdf.Dictionary):
            if "/MCID" in props and tag != "Artifact":
                mcid = int(num(props.get("/MCID"), -1))
                self.used_mcids[content].append(mcid)
            lang = props.get("/Lang")
            if lang is not None:
                self.lang_values.append((f"marked content on page {page}", str(lang)))
            actual_text = props.get("/ActualText")
            if actual_text is not None:
                actual = True
                owner = next((m.mcid for m in reversed(marks) if m.mcid is not None), mcid)
                if owner is not None:
                    self.mcid_text[(content, owner)].append(str(actual_text))
        return _Mark(tag, mcid, tag == "Artifact", actual)

    def paint(self, what: str, shown: str, marks: list[_Mark], page: int) -> int | None:
        """Record one painting operator's marking; the MCID it belongs to, if tagged."""
        mcid_at = next((i for i, m in enumerate(marks) if m.mcid is not None), None)
        art_at = next((i for i, m in enumerate(marks) if m.artifact), None)
        what = f"{what} {shown!r}" if shown else what
        if mcid_at is not None and art_at is not None:
            kind = ARTIFACT_IN_ELEMENT if mcid_at < art_at else ELEMENT_IN_ARTIFACT
            self.misplaced[(kind, page)].append(what)
            return None
        if mcid_at is None and art_at is None:
            self.misplaced[(UNMARKED, page)].append(what)
            return None
        if art_at is not None:
            return None
        return next(m.mcid for m in reversed(marks) if m.mcid is not None)

    def cover(self, content: Key, mcid: int | None, box: Box | None, gs: _GState) -> None:
        """Add what a path or image covers to its marked content's extent."""
        if mcid is not None and box is not None:
            slot = (content, mcid)
            self.painted[slot] = union(self.painted.get(slot), _device_box(box, gs.ctm))  # type: ignore[assignment]

    def show(self, items: list, gs: _GState, tm: Matrix, marks: list[_Mark], content: Key, page: int,
             last_y: dict[tuple[Key, int], float]) -> Matrix:
        """Advance the text matrix over a Tj/TJ operand; record what was shown and where."""
        font = gs.font
        for item in items:
            if not isinstance(item, pikepdf.String):
                tm = mul((1, 0, 0, 1, -num(item) / 1000 * gs.size * gs.th, 0), tm)
                continue
            raw = bytes(item)
            if not raw:
                continue
            text = ""
            codes = list(raw)
            if font is not None:
                if font.two_byte:
                    codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                font.used = True
                font.used_codes.update(codes)
                text = "".join((font.to_unicode or {}).get(c, "") for c in codes)
            advances, trim = _advances(codes, text, gs)
            total = sum(advances)
            trm = mul(tm, gs.ctm)
            a, _, _, d, e, f = trm
            y = f  # the line's baseline: a rise (Ts) is shaping within the line, e.g. Nastaliq's cascade
            shown = sample(text or raw.decode("latin-1"), 30)
            mcid = self.paint("text", shown, marks, page)
            # Invisible text (render mode 3 or 7) and spaces alone have no size or colour to judge.
            if gs.mode not in (3, 7) and (text == "" or not text.isspace()):
                self.measures.add(gs, trm, page, shown)
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
                self.runs[slot].append(Run(page, round(y, 1), e, e + a * (total - trim), gs.tw, text,
                                           gs.mode not in (3, 7)))
            tm = mul((1, 0, 0, 1, total, 0), tm)
        return tm

    def draw_xobject(self, xobject_name, resources, content: Key, page: int, gs: _GState, marks: list[_Mark],
                     depth: int) -> None:
        xobjects = resources.get("/XObject")
        xobj = xobjects.get(str(xobject_name)) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobj, pikepdf.Stream):
            return
        if name(xobj.get("/Subtype")) != "Form":
            self.cover(content, self.paint("an image", str(xobject_name), marks, page), UNIT_SQUARE, gs)
            return
        if depth > MAX_FORM_DEPTH:
            return
        inner = content
        if "/StructParents" in xobj:  # a form with its own marked content and ParentTree entry
            inner = xobj.objgen
            self.owners[inner] = xobj
            self.content_page[inner] = page
        instructions = self.forms.get(key(xobj))
        if instructions is None:
            try:
                instructions = self.forms[key(xobj)] = pikepdf.parse_content_stream(xobj)
            except pikepdf.PdfError:
                return
        matrix = tuple(num(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        self.walk(instructions, xobj.get("/Resources", resources), inner, page,
                  replace(gs, ctm=mul(matrix, gs.ctm)), list(marks), depth + 1)  # type: ignore[arg-type]
