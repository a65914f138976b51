"""Stage 3: lay out a translated leaflet for one format.

A layout (`layouts/<name>.yaml`) is data: page, margins, sizes, spacing,
colours. `lay_out` turns a leaflet into a `Plan`: the items to print, in
reading order, each with its style and its place in the structure tree. It
knows nothing of ReportLab; the render stage draws the plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date

from . import markup
from .model import (Callout, Contacts, Heading, Leaflet, ListBlock, Paragraph, Publisher, Quote,
                    Row)
from .translate import UI, Catalogue

MM = 72 / 25.4
PAGE_SIZES = {"A4": (210 * MM, 297 * MM), "A5": (148 * MM, 210 * MM)}
FORMATS = ("large-print", "easy-read", "standard")


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    page: str
    margins: tuple[float, float, float, float]  # top, right, bottom, left, in points
    content: str  # "blocks" or "easy_read"
    body: float
    min_size: float
    size_range: tuple[float, float] | None
    line_spacing: float
    paragraph_space: float
    scale: dict[str, float]
    indent: float
    colours: dict[str, str]
    picture: float = 0.0
    gutter: float = 0.0
    custom_size: bool = False

    @property
    def page_size(self) -> tuple[float, float]:
        return PAGE_SIZES[self.page]

    def size(self, role: str) -> float:
        return round(self.body * self.scale.get(role, 1.0), 2)


def load_layout(path: Path, size: float | None = None) -> Layout:
    """Read a layout; with `size`, reflow it for that body size (modified large print)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        m = data["margins_mm"]
        layout = Layout(
            name=data["name"], description=data["description"], page=data["page"],
            margins=tuple(float(m[k]) * MM for k in ("top", "right", "bottom", "left")),
            content=data["content"], body=float(data["body_pt"]), min_size=float(data["min_pt"]),
            size_range=tuple(data["size_range"]) if "size_range" in data else None,
            line_spacing=float(data["line_spacing"]), paragraph_space=float(data["paragraph_space"]),
            scale={k: float(v) for k, v in data["scale"].items()}, indent=float(data["indent"]),
            colours=dict(data["colours"]), picture=float(data.get("picture_mm", 0)) * MM,
            gutter=float(data.get("gutter_mm", 0)) * MM)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as err:
        raise LayoutError(f"{path}: not a valid layout ({err})") from err
    if layout.page not in PAGE_SIZES:
        raise LayoutError(f"{path}: page '{layout.page}' is unknown; use one of {', '.join(PAGE_SIZES)}")
    if size is None:
        return layout
    if layout.size_range is None:
        raise LayoutError(f"--size applies only to large print, not to '{layout.name}'")
    low, high = layout.size_range
    if not low <= size <= high:
        raise LayoutError(f"--size {size:g} is out of range: choose {low:g} to {high:g} pt")
    # Reflowed, not scaled: the body takes the reader's size, headings keep their
    # proportion, and nothing is smaller than the body.
    return Layout(**{**layout.__dict__, "body": float(size), "min_size": float(size),
                     "custom_size": True})


def output_name(leaflet_id: str, layout: Layout) -> str:
    if layout.custom_size:
        return f"{leaflet_id}.{layout.name}-{layout.body:g}pt.pdf"
    return f"{leaflet_id}.{layout.name}.pdf"


# --- the plan -------------------------------------------------------------

@dataclass(frozen=True)
class Elem:
    """A structure element an item belongs to. `key` is unique in the leaflet."""
    key: str
    role: str  # a standard structure type: H1, H2, P, L, LI, LBody, Div, Figure…
    lang: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class Text:
    """One paragraph of text. `path` runs from the outermost element to its own."""
    style: str  # title, h2, h3, body, small
    spans: tuple[tuple[str, bool], ...]
    lang: str
    path: tuple[Elem, ...]
    bullet: str | None = None  # a list label, tagged Lbl
    indent: float = 0.0
    keep_with_next: bool = False

    @property
    def plain(self) -> str:
        return markup.plain("".join(t for t, _ in self.spans))


@dataclass(frozen=True)
class Box:
    """A boxed group (the safety callout); split over pages only between or inside paragraphs."""
    items: tuple[Text, ...]


@dataclass(frozen=True)
class PictureRow:
    """Easy read: a picture beside its words, read picture first."""
    picture: str
    figure: Elem
    text: Text


@dataclass(frozen=True)
class PageBreak:
    pass


Item = Text | Box | PictureRow | PageBreak


@dataclass(frozen=True)
class Plan:
    lang: str
    layout: Layout
    items: tuple[Item, ...]
    footer: str  # with {page} and {pages} still to fill in


HEADING_STYLES = ("title", "h2", "h3")


def _text(style: str, text: str, lang: str, path: tuple[Elem, ...], **kw) -> Text:
    spans = markup.spans(text)
    if style in HEADING_STYLES:  # headings are bold throughout
        spans = [(t, True) for t, _ in spans]
    return Text(style, tuple(spans), lang, path, **kw)


def _heading(level: int, text: str, lang: str, path: tuple[Elem, ...]) -> Text:
    """A heading at `level` (1 is the title), kept with what follows it."""
    style = "title" if level == 1 else f"h{level}"
    return _text(style, text, lang, path, keep_with_next=True)


def _list(group: Elem, items: list[tuple[str, tuple[tuple[str, bool], ...]]], lang: str,
          outer: tuple[Elem, ...] = ()) -> list[Text]:
    """A list: each (label, spans) item an LI holding its Lbl and LBody."""
    return [Text("body", spans, lang,
                 (*outer, group, Elem(f"{group.key}/{i}", "LI"), Elem(f"{group.key}/{i}/body", "LBody")),
                 bullet=label, indent=1.0)
            for i, (label, spans) in enumerate(items, 1)]


def _blocks(leaflet: Leaflet, cat: Catalogue) -> list[Item]:
    items: list[Item] = []
    level = 1  # the level of the last heading, so that inner headings skip none
    for b in leaflet.blocks:
        lang = b.lang or leaflet.lang
        own = Elem(b.id, "P", b.lang)
        if isinstance(b, Heading):
            level = b.level
            items.append(_heading(b.level, b.text, lang, (Elem(b.id, f"H{b.level}", b.lang),)))
        elif isinstance(b, (Paragraph, Publisher)):
            # A paragraph that leads into what follows ("Other signs include:") stays with it.
            items.append(_text("body", b.text, lang, (own,), keep_with_next=b.text.endswith(":")))
        elif isinstance(b, Quote):
            items.append(_text("body", f"**{b.lead}** “{b.text}”", lang, (own,), indent=1.0))
        elif isinstance(b, ListBlock):
            labels = [f"{i}." if b.style == "number" else "•" for i in range(1, len(b.items) + 1)]
            items += _list(Elem(b.id, "L", b.lang),
                           [(label, tuple(markup.spans(t))) for label, t in zip(labels, b.items)], lang)
        elif isinstance(b, (Callout, Contacts)):
            div = Elem(b.id, "Div", b.lang)
            inner = min(level + 1, 3)
            group = [_heading(inner, b.title, lang, (div, Elem(f"{b.id}/title", f"H{inner}")))] if b.title else []
            if isinstance(b, Callout):
                group += [_text("body", p, lang, (div, Elem(f"{b.id}/{i}", "P")))
                          for i, p in enumerate(b.paragraphs, 1)]
                items.append(Box(tuple(group)))
            else:
                entries = [f"**{e.name}** - {e.detail}"
                           + (" " + cat.ui("phone", phone=f"**{e.phone}**") if e.phone else "")
                           for e in b.entries]
                items += group + _list(Elem(f"{b.id}/list", "L"),
                                       [("•", tuple(markup.spans(t))) for t in entries], lang, (div,))
        else:
            raise LayoutError(f"block '{b.id}' ({type(b).__name__}) has no place in this layout")
    return items


def _easy_read(leaflet: Leaflet) -> list[Item]:
    items: list[Item] = []
    for b in leaflet.easy_read:
        lang = b.lang or leaflet.lang
        if isinstance(b, Heading):
            items.append(_heading(2, b.text, lang, (Elem(b.id, "H2", b.lang),)))
        elif isinstance(b, Row):
            figure = Elem(f"{b.id}/picture", "Figure", b.lang, alt=markup.plain(b.alt))
            items.append(PictureRow(b.picture, figure,
                                    _text("body", b.text, lang, (Elem(b.id, "P", b.lang),))))
        else:
            raise LayoutError(f"block '{b.id}' ({type(b).__name__}) has no place in easy read")
    return items


def _back_page(leaflet: Leaflet, layout: Layout, cat: Catalogue) -> list[Item]:
    lang = leaflet.lang
    p, e = leaflet.provenance, leaflet.edition
    stated = lambda v: cat.ui("not stated") if v == "not stated" else v  # noqa: E731
    locale = "en_GB" if cat.lang == "en" else cat.lang
    fmt_date = lambda d: format_date(d, format="long", locale=locale)  # noqa: E731
    lines = [
        ("edition", dict(version=e.version, date=fmt_date(e.date), review=fmt_date(e.review))),
        ("origin", dict(title=p.title)),
        ("publisher", dict(publisher=stated(p.publisher))),
        ("author", dict(author=stated(p.author))),
        ("last_updated", dict(last_updated=stated(p.last_updated))),
    ]
    others = [cat.ui(f"format:{f}") for f in FORMATS if f != layout.name]
    if others:
        lines.append(("formats", dict(formats=", ".join(others))))
    if len(leaflet.languages) > 1:
        names = [Locale.parse(code).get_display_name(code) or code for code in leaflet.languages]
        lines.append(("languages", dict(languages=", ".join(names))))
    if layout.content == "easy_read":
        lines.append(("pictures", {}))
        names = leaflet.easy_read_checked_by
        lines.append(("checked", dict(names=", ".join(names))) if names else ("not_checked", {}))
    if leaflet.draft:
        lines.append(("draft", {}))

    def ui_text(style: str, key: str, path_key: str, role: str, values: dict, **kw) -> Text:
        # An untranslated interface text is English, and tagged so.
        text_lang = cat.ui_lang(key)
        own = Elem(path_key, role, text_lang if text_lang != lang else None)
        # Back-page texts are data (a title may hold '**'): one plain span each.
        return Text(style, ((cat.ui(key, **values), style == "h2"),), text_lang, (own,), **kw)

    items: list[Item] = [PageBreak(), ui_text("h2", "about", "about", "H2", {}, keep_with_next=True)]
    items += [ui_text("small", key, f"about/{i}", "P", values) for i, (key, values) in enumerate(lines, 1)]
    return items


def lay_out(leaflet: Leaflet, layout: Layout, cat: Catalogue) -> Plan:
    # The title is data: a '**' in it is printed, not parsed.
    title = Text("title", ((leaflet.title, True),), leaflet.lang, (Elem("title", "H1"),), keep_with_next=True)
    body = _easy_read(leaflet) if layout.content == "easy_read" else _blocks(leaflet, cat)
    items = (title, *body, *_back_page(leaflet, layout, cat))
    return Plan(leaflet.lang, layout, items, cat.get("ui/page", UI["page"]))


@dataclass(frozen=True)
class ContentsRow:
    title: str
    format: str
    lang: str
    page: int
    copies: int


def lay_out_contents(clinic: str, rows: list[ContentsRow], layout: Layout, cat: Catalogue) -> Plan:
    """The first page of a clinic pack: who it is for, and what it holds on which page."""
    lang = cat.lang
    title = cat.ui("pack_title", clinic=clinic)
    items: list[Item] = [
        Text("title", ((title, True),), lang, (Elem("title", "H1"),), keep_with_next=True),
        Text("body", ((cat.ui("pack_intro", count=str(len(rows))), False),), lang, (Elem("intro", "P"),)),
    ]
    entries = [cat.ui("pack_item", title=row.title, format=cat.ui(f"format:{row.format}"),
                      language=Locale.parse(row.lang).get_display_name(lang) or row.lang,
                      page=str(row.page), copies=str(row.copies)) for row in rows]
    items += _list(Elem("contents", "L"), [("•", ((text, False),)) for text in entries], lang)
    return Plan(lang, layout, tuple(items), cat.get("ui/page", UI["page"]))
