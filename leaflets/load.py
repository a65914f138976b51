"""Stage 1: load and check the YAML inputs: leaflet sources, pictures and layouts.

Built on the one reader (`reader.py`): every problem names the file and the
line and says what to write instead, and all problems of a file are reported
at once. This module knows what each file may hold.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from . import fonts, markup
from .colour import CONTRAST_MIN, contrast, hex_rgb
from .kept import kept
from .model import (MM, PAGE_SIZES, Block, Callout, Contact, Contacts, Edition, Heading, Layout, Leaflet,
                    ListBlock, Paragraph, Provenance, Publisher, Quote, Row)
from .reader import ID_RE, Fields, InputError, Reader, TextRule, close, entries, kind, line, open_top

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
NOT_STATED = "not stated"
ROOT = Path(__file__).resolve().parent.parent
OPENMOJI = ROOT / "node_modules" / "openmoji" / "color" / "svg"
SOURCES = ROOT / "sources"


def balanced(text: str) -> tuple[str, str] | None:
    """Text rule: every '**' that opens a bold run closes it."""
    try:
        markup.spans(text)
    except markup.MarkupError as err:
        return str(err), "close every '**' that opens a bold run, e.g. '**word**'"
    return None


def printed_in(lang: str | None) -> TextRule:
    """Text rule for a text the leaflet prints: balanced '**', and a font for `lang` draws every character.
    Checked here, so that the message names the text's own line (rendering would only know its block)."""
    def rule(text: str) -> tuple[str, str] | None:
        missing = fonts.missing_glyphs(text, lang) if lang else []
        if not missing:
            return balanced(text)
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
        return (f"no font for '{lang}' draws {shown}",
                "remove the character or write it another way; a new script needs a font in leaflets/fonts.py")
    return rule


def language_code(text: str) -> tuple[str, str] | None:
    """Text rule: a BCP 47 language code."""
    return None if LANG_RE.match(text) else (f"'{text}' is not a language code",
                                             "write a BCP 47 code, e.g. 'en' or 'ur'")


# Per block type: its fields (beyond id, type, lang) and how to build it.
BLOCK_FIELDS: dict[str, set[str]] = {
    "heading": {"text", "level"},
    "paragraph": {"text"},
    "list": {"style", "items"},
    "quote": {"lead", "text"},
    "callout": {"title", "paragraphs"},
    "contacts": {"title", "entries"},
    "publisher": {"text"},
}
EASY_READ_FIELDS: dict[str, set[str]] = {
    "heading": {"text"},
    "row": {"picture", "alt", "text"},
}


def _block(r: Reader, node: yaml.Node, kinds: dict[str, set[str]], where: str, leaflet_lang: str | None,
           pictures: Mapping[str, Path], ids: dict[str, int], lines: dict[str, int]) -> Block | None:
    what = f"a block in '{where}'"
    if not isinstance(node, yaml.MappingNode):
        r.add(node, f"{what} is {kind(node)}", "write each block as '- id: ...' with 'type: ...'")
        return None
    type_node = entries(node).get("type", (None, None))[1]
    block_type = type_node.value if isinstance(type_node, yaml.ScalarNode) else None
    if block_type is None:
        r.add(node, f"{what} has no 'type'", f"add 'type:' with one of: {', '.join(kinds)}")
        return None
    if block_type not in kinds:
        r.add(type_node, f"unknown block type '{block_type}' in '{where}'",
              f"{close(block_type, kinds)}use one of: {', '.join(kinds)}")
        return None
    f = r.fields(node, f"a '{block_type}' block", kinds[block_type] | {"id", "type", "lang"})
    f = replace(f, what=f"the '{block_type}' block")
    block_id = r.text(f, "id")
    if block_id is not None:
        f = replace(f, what=f"block '{block_id}'")
        if not ID_RE.match(block_id):
            r.add(f.value("id"), f"id '{block_id}' is not a valid id",
                  "use lower-case letters, digits and hyphens, e.g. 'crying-help'")
        elif block_id in ids:
            r.add(f.value("id"), f"duplicate id '{block_id}' (first used on line {ids[block_id]})",
                  "give every block its own id")
        else:
            ids[block_id] = line(f.value("id"))
    lang = r.text(f, "lang", required=False, rule=language_code)
    before = len(r.problems)
    block = _build(r, block_type, f, block_id or "", lang, printed_in(lang or leaflet_lang), pictures)
    if block_id:
        _record_lines(lines, block_id, f)
    return block if len(r.problems) == before and block_id else None


def _record_lines(lines: dict[str, int], block_id: str, f: Fields) -> None:
    """The line of each text of a block, by path: 'id/text', 'id/items.2', 'id/entries.1.name'."""
    for name in f:
        node = f.value(name)
        if isinstance(node, yaml.ScalarNode):
            lines[f"{block_id}/{name}"] = line(node)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value, 1):
                lines[f"{block_id}/{name}.{i}"] = line(item)
                for key, (_, value) in (entries(item).items() if isinstance(item, yaml.MappingNode) else ()):
                    lines[f"{block_id}/{name}.{i}.{key}"] = line(value)


def _build(r: Reader, block_type: str, f: Fields, bid: str, lang: str | None, printed: TextRule,
           pictures: Mapping[str, Path]) -> Block | None:
    text = lambda name, **kw: r.text(f, name, rule=printed, **kw)  # noqa: E731
    if block_type == "heading":
        level = 2
        if "level" in f:
            value = f.value("level").value
            if value not in ("2", "3"):
                r.add(f.value("level"), f"'level' of {f.what} must be 2 or 3",
                      "write 'level: 2' (the leaflet title is the only level 1)")
            else:
                level = int(value)
        return Heading(bid, text("text"), level, lang)
    if block_type == "paragraph":
        return Paragraph(bid, text("text"), lang)
    if block_type == "publisher":
        return Publisher(bid, text("text"), lang)
    if block_type == "quote":
        return Quote(bid, text("lead"), text("text"), lang)
    if block_type == "list":
        style = r.text(f, "style")
        if style is not None and style not in ("bullet", "number"):
            r.add(f.value("style"), f"list style '{style}' of {f.what} is unknown",
                  "write 'style: bullet' or 'style: number'")
        return ListBlock(bid, style or "", r.texts(f, "items", rule=printed) or (), lang)
    if block_type == "callout":
        return Callout(bid, text("title"), r.texts(f, "paragraphs", rule=printed) or (), lang)
    if block_type == "contacts":
        entries_found = []
        for item in r.sequence(f, "entries", "contacts {name, detail, phone}",
                               "write each contact as '- name: ...' with 'detail: ...'") or ():
            ef = r.fields(item, f"an entry of {f.what}", {"name", "detail", "phone"})
            if ef is not None:
                entries_found.append(Contact(r.text(ef, "name", rule=printed), r.text(ef, "detail", rule=printed),
                                             r.text(ef, "phone", required=False)))
        return Contacts(bid, text("title", required=False), tuple(entries_found), lang)
    if block_type == "row":
        picture = r.text(f, "picture")
        if picture is not None and picture not in pictures:
            r.add(f.value("picture"), f"unknown picture '{picture}' in {f.what}",
                  f"{close(picture, pictures)}use a name from sources/pictures.yaml, or add it there")
        return Row(bid, picture or "", text("alt"), text("text"), lang)
    raise AssertionError(block_type)


LEAFLET_FIELDS = {"id", "lang", "title", "provenance", "edition", "easy_read_checked_by", "blocks", "easy_read"}
PROVENANCE_FIELDS = ("origin", "title", "publisher", "author", "last_updated")


def load_leaflet(path: Path, pictures: Mapping[str, Path]) -> Leaflet:
    """Read one source; raise InputError naming every problem found."""
    r, top = open_top(path, "the leaflet", "write a leaflet: see sources/README.md", LEAFLET_FIELDS)
    leaflet_id = r.text(top, "id")
    if leaflet_id and not ID_RE.match(leaflet_id):
        r.add(top.value("id"), f"leaflet id '{leaflet_id}' is not valid", "use lower-case letters, digits and hyphens")
    lang = r.text(top, "lang", rule=language_code)
    title = r.text(top, "title", rule=printed_in(lang))

    provenance = None
    pf = r.section(top, "provenance", PROVENANCE_FIELDS,
                   f"add 'provenance:' with {', '.join(PROVENANCE_FIELDS)} ('{NOT_STATED}' where unknown)")
    if pf is not None:
        values = [r.text(pf, name) for name in PROVENANCE_FIELDS]
        if None not in values:
            provenance = Provenance(*values)

    edition = None
    ef = r.section(top, "edition", ("version", "date", "review"), "add 'edition:' with version, date and review")
    if ef is not None:
        version, date, review = r.text(ef, "version"), r.date(ef, "date"), r.date(ef, "review")
        if None not in (version, date, review):
            edition = Edition(version, date, review)

    checked = r.texts(top, "easy_read_checked_by", required=False, allow_empty=True)

    ids: dict[str, int] = {}
    lines: dict[str, int] = {"leaflet/title": line(top.value("title"))} if "title" in top else {}
    lists: dict[str, tuple[Block, ...]] = {}
    for name, kinds in (("blocks", BLOCK_FIELDS), ("easy_read", EASY_READ_FIELDS)):
        nodes = r.sequence(top, name, "blocks", "write each block as '- id: ...'")
        if nodes is not None:
            lists[name] = tuple(b for b in (_block(r, n, kinds, name, lang, pictures, ids, lines) for n in nodes) if b)

    r.check()
    return Leaflet(id=leaflet_id, lang=lang, title=title, provenance=provenance, edition=edition,
                   easy_read_checked_by=checked or (), blocks=lists["blocks"], easy_read=lists["easy_read"],
                   source=path, lines={**ids, **lines})


OPENMOJI_CODE_RE = re.compile(r"^[0-9A-F]{4,5}(?:-[0-9A-F]{4,5})*$")
PICTURES_FIX = "write one 'name: code' line per picture, e.g. 'baby: 1F476'"


def openmoji_code(text: str) -> tuple[str, str] | None:
    """Text rule: the hexcode that names an OpenMoji artwork file."""
    return None if OPENMOJI_CODE_RE.match(text) else (
        f"'{text}' is not an OpenMoji code", "write the code in capitals, e.g. 'baby: 1F476' or 'family: 1F46A'")


def load_pictures(path: Path) -> dict[str, Path]:
    """The picture names the sources may use, each with its OpenMoji artwork file."""
    r, found = open_top(path, "the picture list", PICTURES_FIX)
    codes = {name: r.text_at(found.value(name), f"picture '{name}'", openmoji_code) for name in found}
    r.check()
    return {name: OPENMOJI / f"{code}.svg" for name, code in codes.items()}


@dataclass(frozen=True)
class Sources:
    leaflets: list[Leaflet]
    errors: list[InputError]  # one per leaflet that failed; the others still publish
    pictures: dict[str, Path]


def _kept_leaflet(path: Path, pictures: Mapping[str, Path]) -> Leaflet:
    """A source as `load_leaflet` reads it, kept between runs for the project's own sources."""
    if path.resolve().parent != SOURCES.resolve():
        return load_leaflet(path, pictures)
    return kept("leaflet", str(path), lambda: load_leaflet(path, pictures),
                path.read_bytes(), repr(sorted(pictures.items())))


def load_sources(directory: Path, only: Callable[[Path], bool] = lambda p: True) -> Sources:
    """Every leaflet in a directory; raise InputError only if pictures.yaml is broken."""
    pictures = load_pictures(directory / "pictures.yaml")
    leaflets, errors = [], []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "pictures.yaml" or not only(path):
            continue
        try:
            leaflets.append(_kept_leaflet(path, pictures))
        except InputError as err:
            errors.append(err)
    return Sources(leaflets, errors, pictures)


LAYOUT_FIELDS = ("name", "description", "page", "margins_mm", "content", "body_pt", "min_pt", "size_range",
                 "also_sizes", "line_spacing", "paragraph_space", "scale", "indent", "colours", "picture_mm", "gutter_mm",
                 "max_lines")
MAX_LINES_ROLES = ("title", "heading", "row")
MARGINS = ("top", "right", "bottom", "left")
CONTENTS = ("blocks", "easy_read")
# The styles sized relative to the body, and what each prints, for messages.
SCALE_ROLES = {"title": "the title", "h2": "headings", "h3": "subheadings", "footer": "page numbers",
               "small": "small print"}
COLOURS = ("text", "background", "rule")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def colour(text: str) -> tuple[str, str] | None:
    """Text rule: a '#RRGGBB' colour."""
    return None if COLOUR_RE.match(text) else (
        f"'{text}' is not a colour", "write '#RRGGBB' in quotes (a bare # starts a comment), e.g. \"#000000\"")


def load_layout(path: Path, size: float | None = None) -> Layout:
    """Read a layout; with `size`, reflow it for that body size (modified large print)."""
    r, f = open_top(path, "the layout", "write a layout: compare it with layouts/large-print.yaml",
                    LAYOUT_FIELDS)
    name, description = r.ident(f, "name", "large-print"), r.text(f, "description")
    page, content = r.choice(f, "page", tuple(PAGE_SIZES)), r.choice(f, "content", CONTENTS)
    mf = r.section(f, "margins_mm", MARGINS)
    margins = None if mf is None else tuple(r.number(mf, side, low=0) for side in MARGINS)
    body, min_size = r.number(f, "body_pt", above=0), r.number(f, "min_pt", above=0)
    size_range = _size_range(r, f)
    also_sizes = _also_sizes(r, f, size_range, body)
    line_spacing, paragraph_space = r.number(f, "line_spacing", low=1), r.number(f, "paragraph_space", low=0)
    sf = r.section(f, "scale", SCALE_ROLES)
    scale = None if sf is None else {role: r.number(sf, role, above=0) for role in sf}
    indent = r.number(f, "indent", low=0)
    cf = r.section(f, "colours", COLOURS)
    colours = None if cf is None else {use: r.text(cf, use, rule=colour) for use in COLOURS}
    picture, gutter = r.number(f, "picture_mm", low=0, default=0.0), r.number(f, "gutter_mm", low=0, default=0.0)
    lf = r.section(f, "max_lines", MAX_LINES_ROLES)
    max_lines = {} if lf is None else {role: r.whole(lf, role, low=1, high=99) for role in lf}
    if None not in (body, min_size) and scale is not None and None not in scale.values():
        _check_sizes(r, f, sf, body, scale, min_size, f"'min_pt' {min_size:g} pt")
    if colours is not None and None not in colours.values():
        _check_contrast(r, f, colours)
    r.check()
    layout = Layout(
        name=name, description=description, page=page, margins=tuple(m * MM for m in margins), content=content,
        body=body, min_size=min_size, size_range=size_range, line_spacing=line_spacing,
        paragraph_space=paragraph_space, scale=scale, indent=indent, colours=colours, picture=picture * MM,
        gutter=gutter * MM, max_lines=max_lines, also_sizes=also_sizes)
    return layout if size is None else _sized(r, f, sf, layout, size)


def _size_range(r: Reader, f: Fields) -> tuple[float, float] | None:
    """The sizes a reader may ask for with --size: optional, as [low, high] in pt."""
    if "size_range" not in f:
        return None
    node = f.value("size_range")
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 2:
        r.add(node, "'size_range' in the layout must be a list of two numbers",
              "write the smallest and the largest size in pt, e.g. 'size_range: [16, 36]'")
        return None
    low, high = (r.number_at(n, f"item {i} of 'size_range' in the layout", above=0)
                 for i, n in enumerate(node.value, 1))
    if low is None or high is None:
        return None
    if low > high:
        r.add(node, f"'size_range' in the layout goes down, from {low:g} to {high:g}",
              f"write the smaller size first: [{high:g}, {low:g}]")
        return None
    return low, high


def _also_sizes(r: Reader, f: Fields, size_range: tuple[float, float] | None, body: float | None) -> tuple[float, ...]:
    """The body sizes a format is also published at: optional, a list of sizes in pt within 'size_range'."""
    if "also_sizes" not in f:
        return ()
    node = f.value("also_sizes")
    fix = "list the sizes in pt within 'size_range', e.g. 'also_sizes: [24, 28]'"
    if not isinstance(node, yaml.SequenceNode):
        r.add(node, "'also_sizes' in the layout must be a list of sizes", fix)
        return ()
    if size_range is None:  # a wrong one is reported as such
        if "size_range" not in f:
            r.add(node, "'also_sizes' needs a 'size_range' that holds them", "add 'size_range: [LOW, HIGH]' in pt")
        return ()
    sizes = []
    for i, item in enumerate(node.value, 1):
        size = r.number_at(item, f"item {i} of 'also_sizes' in the layout", above=0)
        if size is None:
            continue
        if not size_range[0] <= size <= size_range[1]:
            r.add(item, f"{size:g} pt in 'also_sizes' is outside 'size_range' ({size_range[0]:g} to "
                  f"{size_range[1]:g} pt)", fix)
        elif size == body or size in sizes:
            r.add(item, f"{size:g} pt is listed twice (the body size, 'body_pt', is always published)",
                  "list each other size once")
        else:
            sizes.append(float(size))
    return tuple(sorted(sizes))


def _check_sizes(r: Reader, f: Fields, sf: Fields, body: float, scale: dict[str, float], minimum: float,
                 limit: str) -> None:
    """Nothing is printed smaller than `minimum`: body text, headings, small print or page numbers."""
    if body < minimum:
        r.add(f.value("body_pt"), f"'body_pt' {body:g} is under {limit}", f"raise 'body_pt' to at least {minimum:g}")
    for role, factor in scale.items():
        size = round(body * factor, 2)  # as Layout.size rounds it
        if size < minimum:
            needed = math.ceil(minimum / body * 100) / 100  # in hundredths, as layouts write scales
            r.add(sf.value(role), f"'{role}' in 'scale' makes {SCALE_ROLES[role]} {size:g} pt, under {limit}",
                  f"raise '{role}' to at least {needed:g}")


def _check_contrast(r: Reader, f: Fields, colours: dict[str, str]) -> None:
    """Text on its background at least 7:1 (WCAG 1.4.6), for readers with low vision."""
    text, background = colours["text"], colours["background"]
    ratio = contrast(hex_rgb(text), hex_rgb(background))
    if ratio < CONTRAST_MIN:
        r.add(f.key("colours"), f"text {text} on background {background} has contrast {ratio:.2f}:1, "
              f"under {CONTRAST_MIN:g}:1 (WCAG 1.4.6)",
              "choose a darker 'text' or a lighter 'background' (black on white is 21:1)")


def _sized(r: Reader, f: Fields, sf: Fields, layout: Layout, size: float) -> Layout:
    """Modified large print for one reader: reflowed, not scaled. The body takes the
    reader's size, headings keep their proportion, and nothing is smaller than the body."""
    if layout.size_range is None:
        r.add(f.node, f"--size applies only to large print, not to '{layout.name}'",
              "leave out --size, or use it with '--format large-print'")
    elif not layout.size_range[0] <= size <= layout.size_range[1]:
        low, high = layout.size_range
        r.add(f.key("size_range"), f"--size {size:g} is out of range: choose {low:g} to {high:g} pt",
              f"give --size from {low:g} to {high:g}, as 'size_range' in this layout says")
    else:
        _check_sizes(r, f, sf, size, layout.scale, size, f"--size {size:g} pt (nothing may be smaller than the body)")
    r.check()
    if size == layout.body:  # the layout's own size: its own PDF
        return layout
    return replace(layout, body=float(size), min_size=float(size), custom_size=True)
