"""What the layout stage hands to the render stage: a plan, and what the document says about itself.

A plan knows nothing of ReportLab. Everything the render stage needs is
decided here: each paragraph's style, its place in the structure tree, its
list label, its bookmark, and each picture's file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import markup
from .model import Layout

# Style names of a plan's texts; the heading styles are bold throughout and kept with what follows.
HEADING_STYLES = ("title", "h2", "h3")
STYLES = (*HEADING_STYLES, "body", "small", "footer")


@dataclass(frozen=True)
class Elem:
    """A structure element an item belongs to. `key` is unique in the leaflet."""
    key: str
    role: str  # a standard structure type: H1, H2, P, L, LI, Lbl, LBody, Div, Figure…
    lang: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class Label:
    """A list item's label ("•", "1."), drawn before its body and tagged as its own element."""
    text: str
    elem: Elem  # the Lbl, a sibling of the item's LBody


@dataclass(frozen=True)
class Text:
    """One paragraph of text. `path` runs from the outermost element to its own."""
    style: str  # one of STYLES
    spans: tuple[tuple[str, bool], ...]
    lang: str
    path: tuple[Elem, ...]
    label: Label | None = None
    indent: float = 0.0
    keep_with_next: bool = False
    outline: int | None = None  # bookmark level (0 for the title); None: no bookmark
    named: tuple[tuple[str, str], ...] = ()  # phrases it names the language of: (text, BCP 47 code)

    @property
    def plain(self) -> str:
        return markup.plain("".join(t for t, _ in self.spans))


@dataclass(frozen=True)
class Box:
    """A boxed group (the safety callout); split over pages only between or inside paragraphs."""
    items: tuple[Text, ...]
    continued: Text | None = None  # its heading, "(continued)", repeated as decoration after a page break


@dataclass(frozen=True)
class PictureRow:
    """Easy read: a picture beside its words, read picture first."""
    picture: Path  # an SVG file
    figure: Elem
    text: Text


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class LinkCode:
    """A QR code to `url` (an artifact: not read), beside its texts, the caption and the printed address."""
    url: str
    texts: tuple[Text, ...]


Item = Text | Box | PictureRow | PageBreak | LinkCode


@dataclass(frozen=True)
class Plan:
    lang: str
    layout: Layout
    items: tuple[Item, ...]
    footer: str  # with {page} and {pages} still to fill in


@dataclass(frozen=True)
class DocInfo:
    """What the catalog, Info and XMP say about the document."""
    title: str
    lang: str
    author: str
    publisher: str
    subject: str
    date: dt.date
    keywords: dict[str, str]  # our own XMP properties: leaflet id, format, language, edition
