"""Typed data that the load stage reads: a leaflet and its blocks, and a layout.

Every stage takes these and returns new ones; nothing here changes in place.
Texts keep the source's inline markup (`**bold**`); `markup.spans` parses it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """A place in a source file, for error messages."""
    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Heading:
    id: str
    text: str
    level: int = 2
    lang: str | None = None


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class ListBlock:
    id: str
    style: str  # "bullet" or "number"
    items: tuple[str, ...]
    lang: str | None = None


@dataclass(frozen=True)
class Quote:
    """A "What would your baby say" quote: a lead-in and the baby's words."""
    id: str
    lead: str
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Callout:
    """A safety message, boxed, with its own visible heading."""
    id: str
    title: str
    paragraphs: tuple[str, ...]
    lang: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    detail: str
    phone: str | None = None


@dataclass(frozen=True)
class Contacts:
    id: str
    title: str | None
    entries: tuple[Contact, ...]
    lang: str | None = None


@dataclass(frozen=True)
class Publisher:
    """A paragraph about the publisher's own services."""
    id: str
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Row:
    """Easy read: one sentence group with its picture beside it."""
    id: str
    picture: str
    alt: str
    text: str
    lang: str | None = None


Block = Heading | Paragraph | ListBlock | Quote | Callout | Contacts | Publisher | Row


@dataclass(frozen=True)
class Provenance:
    """What the original guidance states about itself, nothing more."""
    origin: str
    title: str
    publisher: str
    author: str
    last_updated: str


@dataclass(frozen=True)
class Edition:
    """Our edition of the leaflet: printed, and used as the PDF's date."""
    version: str
    date: date
    review: date


@dataclass(frozen=True)
class Leaflet:
    id: str
    lang: str
    title: str
    provenance: Provenance
    edition: Edition
    easy_read_checked_by: tuple[str, ...]
    blocks: tuple[Block, ...]
    easy_read: tuple[Block, ...]
    source: Path
    # Lines in the source, for messages that name them: of each block (by its id)
    # and of each text (by its path: "leaflet/title", "id/text", "id/items.2").
    lines: dict[str, int] = field(default_factory=dict, compare=False)


MM = 72 / 25.4
PAGE_SIZES = {"A4": (210 * MM, 297 * MM), "A5": (148 * MM, 210 * MM)}
FORMATS = ("large-print", "easy-read", "standard")


@dataclass(frozen=True)
class Layout:
    """A format (`layouts/<name>.yaml`): page, margins, sizes, spacing, colours."""
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
    # Body sizes this format is also published at, ready to print (large print at 24 and 28 pt).
    also_sizes: tuple[float, ...] = ()
    # The most lines a title, a heading or an easy-read row may take (publish.py status reports more).
    max_lines: dict[str, int] = field(default_factory=dict)

    @property
    def page_size(self) -> tuple[float, float]:
        return PAGE_SIZES[self.page]

    def size(self, role: str) -> float:
        return round(self.body * self.scale.get(role, 1.0), 2)
