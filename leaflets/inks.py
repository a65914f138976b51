"""The inks each page of a PDF needs, read back from its content with pikepdf.

A print shop runs black-only work ("1/1") on a cheaper press than colour work ("4/4"), so the job ticket
states each leaflet's colours as its PDF holds them, never as its format suggests. A page is 1/1 when all
it paints (text, rules, fills, images, shadings and patterns; inside form XObjects, and in the appearances
of annotations that print) is in DeviceGray, CalGray or a one-channel ICC space; in CMYK with cyan,
magenta and yellow at 0; or in a Separation or DeviceN of Black. Anything else is 4/4, strictly: RGB black
(`0 0 0 rg`) too, which many presses print as four-colour black, and CMYK images, whose samples are not
read.

A colour counts where something is painted with it, not where it is only set: a page that sets
`0 0 0 rg` and then draws text in `0 g` paints gray. Not read: Type 3 glyph procedures, soft masks and
transparency group spaces (they put no ink of their own on the sheet).
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

BLACK_ONLY, COLOUR = "1/1", "4/4"
Ink = tuple[str, bool]  # a colour space as the ticket names it, and whether it prints with black alone
_BLACK_NAMES = frozenset(("/Black", "/None"))  # a separation of None paints nothing
_MAX_DEPTH = 20  # forms and patterns inside each other; a loop of them is read once


@dataclass(frozen=True)
class PageInks:
    """The colour spaces one page paints with; `colour` holds those that need more than black."""
    spaces: tuple[str, ...]
    colour: tuple[str, ...]

    @property
    def colours(self) -> str:
        return COLOUR if self.colour else BLACK_ONLY


def colours_of(pages: Iterable[PageInks]) -> str:
    """1/1 if every page prints with black alone (a blank page does), else 4/4."""
    return COLOUR if any(page.colour for page in pages) else BLACK_ONLY


def spaces_of(pages: Iterable[PageInks]) -> tuple[str, ...]:
    return tuple(sorted({space for page in pages for space in page.spaces}))


@dataclass(frozen=True)
class _Space:
    """A colour space, resolved: its family says how a colour set in it prints."""
    label: str
    family: str  # "black" (every colour in it), "cmyk" (black if C=M=Y=0), "colour", or "pattern"
    under: _Space | None = None  # a Pattern space's underlying space, for uncoloured patterns

    def ink(self, values: list | None) -> frozenset[Ink]:
        """The ink of a colour set in this space; values None: any colour in it (an image, a shading)."""
        if self.family == "cmyk":
            k_only = values is not None and len(values) == 4 and all(float(v) == 0 for v in values[:3])
            return frozenset(((f"{self.label} (K only)", True),)) if k_only else frozenset(((self.label, False),))
        if self.family == "pattern":
            return frozenset()  # the pattern chosen with scn says
        return frozenset(((self.label, self.family == "black"),))

    def initial(self) -> frozenset[Ink]:
        """The colour `cs` sets: black, or full tint, in every space (CMYK 0 0 0 1)."""
        return self.ink([0, 0, 0, 1] if self.family == "cmyk" else None)


_GRAY, _RGB = _Space("DeviceGray", "black"), _Space("DeviceRGB", "colour")
_CMYK, _PATTERN = _Space("DeviceCMYK", "cmyk"), _Space("Pattern", "pattern")
# The device spaces by name; G, RGB, CMYK and I are inline images' abbreviations.
_DEVICE = {"/DeviceGray": _GRAY, "/G": _GRAY, "/DeviceRGB": _RGB, "/RGB": _RGB, "/DeviceCMYK": _CMYK,
           "/CMYK": _CMYK, "/Pattern": _PATTERN}


@dataclass(frozen=True)
class _State:
    """What painting uses of the graphics state; saved by q, restored by Q."""
    fill_space: _Space = _GRAY
    fill: frozenset[Ink] = _GRAY.initial()
    stroke_space: _Space = _GRAY
    stroke: frozenset[Ink] = _GRAY.initial()
    render_mode: int = 0  # Tr: 0 fill, 1 stroke, 2 both, 3 neither; 4-7 the same, adding to the clip

    def text(self) -> frozenset[Ink]:
        mode = self.render_mode % 4
        return (self.fill if mode in (0, 2) else frozenset()) | (self.stroke if mode in (1, 2) else frozenset())


_FILL, _STROKE, _BOTH = frozenset(("f", "F", "f*")), frozenset(("S", "s")), frozenset(("B", "B*", "b", "b*"))
_SHOW_TEXT = frozenset(("Tj", "TJ", "'", '"'))
_PRINTS = 4  # an annotation's Print flag


def read_inks(pdf: bytes) -> list[PageInks]:
    """Each page's inks, in page order."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        reader = _Reader()
        return [reader.page(page) for page in doc.pages]


class _Reader:
    """Walks content streams; a form or pattern is read once per graphics state it is painted in."""

    def __init__(self) -> None:
        self.cache: dict[tuple, frozenset[Ink]] = {}
        self.open: list[tuple[int, int]] = []  # the forms being read, to stop a form that paints itself

    def page(self, page: pikepdf.Page) -> PageInks:
        resources = _inherited(page.obj, "/Resources")
        inks = set(self.content(page, resources, _State()))
        for annot in page.obj.get("/Annots", Array()):
            form = _printed_appearance(annot)
            if form is not None:
                inks |= self.form(form, resources, _State())
        return PageInks(tuple(sorted({label for label, _ in inks})),
                        tuple(sorted({label for label, black in inks if not black})))

    def form(self, form: Stream, resources: Dictionary, state: _State) -> frozenset[Ink]:
        key = (form.objgen, state)
        if form.objgen in self.open or len(self.open) >= _MAX_DEPTH:
            return frozenset()
        if form.objgen == (0, 0) or key not in self.cache:
            self.open.append(form.objgen)
            try:
                # A form without resources of its own uses those of what paints it.
                found = self.content(form, form.get("/Resources", resources), state)
            finally:
                self.open.pop()
            if form.objgen == (0, 0):
                return found
            self.cache[key] = found
        return self.cache[key]

    def content(self, stream: pikepdf.Page | Stream, resources: Dictionary, state: _State) -> frozenset[Ink]:
        inks: set[Ink] = set()
        saved: list[_State] = []
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                inks |= _image(instruction.iimage.obj, resources, state)
                continue
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                saved.append(state)
            elif op == "Q":
                state = saved.pop() if saved else state
            elif op in _FILL or op in _STROKE or op in _BOTH:
                inks |= (state.fill if op not in _STROKE else frozenset()) | \
                    (state.stroke if op not in _FILL else frozenset())
            elif op in _SHOW_TEXT:
                inks |= state.text()
            elif op == "Tr" and operands:
                state = replace(state, render_mode=int(operands[0]))
            elif op == "Do" and operands:
                inks |= self.xobject(_resource(resources, "/XObject", operands[0]), resources, state)
            elif op == "sh" and operands:
                shading = _resource(resources, "/Shading", operands[0])
                inks |= _space(shading.get("/ColorSpace") if shading is not None else None, resources).ink(None)
            else:
                state = self.set_colour(op, list(operands), resources, state)
        return frozenset(inks)

    def xobject(self, xobject: Stream | None, resources: Dictionary, state: _State) -> frozenset[Ink]:
        if xobject is None:
            return frozenset()
        if xobject.get("/Subtype") == "/Form":
            return self.form(xobject, resources, state)
        return _image(xobject, resources, state)

    def set_colour(self, op: str, operands: list, resources: Dictionary, state: _State) -> _State:
        """The state after a colour operator (g G rg RG k K cs CS sc SC scn SCN); any other leaves it."""
        stroke = op.isupper() or op in ("SC", "SCN")
        if op in ("g", "G", "rg", "RG", "k", "K"):
            space = {"g": _GRAY, "rg": _RGB, "k": _CMYK}[op.lower()]
            return _with(state, stroke, space, space.ink(operands))
        if op in ("cs", "CS") and operands:
            space = _space(operands[0], resources)
            return _with(state, stroke, space, space.initial())
        if op in ("sc", "SC", "scn", "SCN"):
            space = state.stroke_space if stroke else state.fill_space
            if space.family != "pattern":
                return _with(state, stroke, space, space.ink(operands))
            if operands and isinstance(operands[-1], Name):
                return _with(state, stroke, space, self.pattern(_resource(resources, "/Pattern", operands[-1]),
                                                                space, operands[:-1], resources))
        return state

    def pattern(self, pattern: Dictionary | None, space: _Space, values: list, resources: Dictionary
                ) -> frozenset[Ink]:
        if pattern is None:
            return frozenset()
        if pattern.get("/PatternType") == 2:  # a shading pattern
            shading = pattern.get("/Shading", Dictionary())
            return _space(shading.get("/ColorSpace"), resources).ink(None)
        if pattern.get("/PaintType") == 2:  # uncoloured: its cell takes the colour given with it
            return (space.under or _Space("Pattern without a colour space", "colour")).ink(values)
        return self.form(pattern, resources, _State())  # coloured: its cell sets its own colours


def _with(state: _State, stroke: bool, space: _Space, inks: frozenset[Ink]) -> _State:
    return replace(state, stroke_space=space, stroke=inks) if stroke else replace(state, fill_space=space, fill=inks)


def _resource(resources: Dictionary, kind: str, name: object) -> Dictionary | None:
    found = resources.get(kind, Dictionary()).get(name) if isinstance(name, Name) else None
    return found if isinstance(found, (Dictionary, Stream)) else None


def _image(image: Dictionary | Stream, resources: Dictionary, state: _State) -> frozenset[Ink]:
    """An image's ink: a stencil mask paints the fill colour; other images their own colour space."""
    if image.get("/ImageMask", image.get("/IM", False)) is True:
        return state.fill
    space = image.get("/ColorSpace", image.get("/CS"))
    if space is None:  # a JPEG 2000 image carries its own colour space
        return frozenset((("an image with no colour space (JPEG 2000)", False),))
    return _space(space, resources).ink(None)


def _space(obj: object, resources: Dictionary, depth: int = 0) -> _Space:
    """A colour space named (in the resources' /ColorSpace, or a device space) or written out."""
    if depth > _MAX_DEPTH or obj is None:
        return _Space("an unreadable colour space", "colour")
    if isinstance(obj, Name):
        if str(obj) in _DEVICE:
            return _DEVICE[str(obj)]
        named = resources.get("/ColorSpace", Dictionary()).get(obj)
        return _space(named, resources, depth + 1) if named is not None else _Space(f"{obj} (missing)", "colour")
    if not isinstance(obj, Array) or not len(obj) or not isinstance(obj[0], Name):
        return _Space("an unreadable colour space", "colour")
    family = str(obj[0])
    if family in ("/ICCBased", "/CalGray", "/CalRGB", "/Lab"):
        channels = int(obj[1].get("/N", 0)) if family == "/ICCBased" and len(obj) > 1 else 0
        label = f"ICCBased {({1: 'gray', 3: 'RGB', 4: 'CMYK'}).get(channels, f'{channels}-channel')}" \
            if family == "/ICCBased" else family[1:]
        return _Space(label, "black" if family == "/CalGray" or channels == 1 else
                      "cmyk" if channels == 4 else "colour")
    if family in ("/Separation", "/DeviceN") and len(obj) > 1:
        names = [obj[1]] if family == "/Separation" else list(obj[1])
        label = f"{family[1:]} {'+'.join(str(n)[1:] for n in names)}"
        return _Space(label, "black" if all(str(n) in _BLACK_NAMES for n in names) else "colour")
    if family in ("/Indexed", "/I") and len(obj) > 3:
        return _indexed(_space(obj[1], resources, depth + 1), obj[3])
    if family == "/Pattern":
        return replace(_PATTERN, under=_space(obj[1], resources, depth + 1) if len(obj) > 1 else None)
    return _space(obj[0], resources, depth + 1) if len(obj) == 1 else _Space(f"{family[1:]}", "colour")


def _indexed(base: _Space, lookup: object) -> _Space:
    """A palette prints as its base space; a CMYK palette is black-only if every entry has C=M=Y=0."""
    label = f"Indexed {base.label}"
    if base.family != "cmyk":
        return _Space(label, base.family if base.family in ("black", "colour") else "colour")
    table = lookup.read_bytes() if isinstance(lookup, Stream) else bytes(lookup)
    k_only = all(not any(table[i:i + 3]) for i in range(0, len(table) - 3, 4))
    return _Space(f"{label} (K only)" if k_only else label, "black" if k_only else "colour")


def _inherited(page: Dictionary, key: str) -> Dictionary:
    """A page's attribute, or its nearest ancestor's in the page tree."""
    node: Dictionary | None = page
    for _ in range(_MAX_DEPTH):
        if node is None or key in node:
            break
        node = node.get("/Parent")
    found = node.get(key) if node is not None else None
    return found if isinstance(found, Dictionary) else Dictionary()


def _printed_appearance(annot: object) -> Stream | None:
    """The normal appearance of an annotation that prints (its Print flag set), if it has one."""
    if not isinstance(annot, Dictionary) or not int(annot.get("/F", 0)) & _PRINTS:
        return None
    normal = annot.get("/AP", Dictionary()).get("/N")
    if isinstance(normal, Dictionary) and not isinstance(normal, Stream):
        normal = normal.get(annot.get("/AS")) if annot.get("/AS") is not None else None
    return normal if isinstance(normal, Stream) else None
