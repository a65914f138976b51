"""A pack's job ticket: what a print shop needs to quote and print it without asking.

Two tickets say the same: `<pack>.ticket.txt` in English, for people, and `<pack>.ticket.json`, with
language-neutral keys, for a shop's own system (its schema: packs/ticket.schema.json). Both are made from
one `Ticket`, whose colours were read back from the print files (inks.py).

How sheets are counted: every copy is printed duplex, on sheets of its flat size. Loose sheets take
ceil(pages / 2) sheets a copy; an A5 booklet on A4 takes printed pages / 4, its pages padded with blank
pages (before its back page) to a multiple of 4. Every sheet is two impressions (one per side), a blank
back included: the press passes it either way.

Each item is placed in the files it is printed from, in the order of the ticket's files: loose sheets in
the pack itself and its press runs; a booklet in the imposed files only (impose.py), where its pages are
the sides of its sheets. Its pack pages, which the contents page and every page's foot give, are its
pages in the reading PDF `<pack>.pdf`.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from .impose import padded
from .reader import Fields, Reader

SCHEMA = "ticket.schema.json"
VERSION = 2  # of the JSON ticket's shape: raised with every change a shop's reader must know of
BINDINGS = ("loose", "booklet")
BOOKLET_PAPER = "A4"  # a booklet's A5 pages, 2 a side
SIDES = {"loose": "duplex-long-edge", "booklet": "duplex-short-edge"}  # an A4 sheet of A5 pages is landscape
LOOSE_SIDES = "Sides: duplex, long edge; every leaflet starts on a right-hand page"
STOCK = "white, matt (uncoated), 100-120 g/m2; no lamination (glare hurts low-vision readers)"
FINISHING = {"loose": "collate each copy and staple top left; do not fold",
             "booklet": "fold and saddle-stitch each copy"}
CONTENTS_FINISHING = "1 copy for the clinic; no staple"
COLOUR_WORDS = {"1/1": "1/1 (black only)", "4/4": "4/4 (colour)"}

ORDER_FIELDS = ("reference", "date", "contact", "delivery", "due")
CONTACT_FIELDS = ("name", "phone", "email")
MAX_ORDER_TEXT = 120  # a reference, a name, a delivery line: one line of a ticket
MAX_DELIVERY_LINES = 8
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]*")


# --- order details, from the pack definition ----------------------------------------------------

@dataclass(frozen=True)
class OrderContact:
    name: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Order:
    """A pack's optional order details; any of them may be left out."""
    reference: str | None = None
    date: dt.date | None = None
    contact: OrderContact | None = None
    delivery: tuple[str, ...] = ()
    due: dt.date | None = None


def _one_line(text: str) -> tuple[str, str] | None:
    if len(text) > MAX_ORDER_TEXT:
        return f"more than {MAX_ORDER_TEXT} characters ({len(text)})", "shorten it: it is one line of the ticket"
    return None


def _iso_date(text: str) -> tuple[str, str] | None:
    try:
        if _DATE.fullmatch(text):
            dt.date.fromisoformat(text)
            return None
    except ValueError:
        return f"'{text}' is not a day of the calendar", "write a real date as YYYY-MM-DD, e.g. 2026-01-17"
    return f"'{text}' is not a date written YYYY-MM-DD", "write it year-month-day, e.g. 2026-01-17"


def _email(text: str) -> tuple[str, str] | None:
    return None if _EMAIL.fullmatch(text) else \
        (f"'{text}' is not an email address", "write it as name@example.org, or leave 'email' out")


def _phone(text: str) -> tuple[str, str] | None:
    if _PHONE.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 6:
        return None
    return f"'{text}' is not a phone number", "write digits, spaces, brackets, hyphens and a leading +, " \
        "e.g. 0114 496 0123"


def read_order(r: Reader, f: Fields) -> Order | None:
    """The pack's `order:` section, if it has one; every problem recorded with its line and fix."""
    if "order" not in f:
        return None
    order = r.fields(f.value("order"), "'order'", ORDER_FIELDS)
    if order is None:
        return None
    if not list(order):
        r.add(f.value("order"), "'order' is empty", f"give any of: {', '.join(ORDER_FIELDS)}; or remove 'order:'")
        return None
    reference = r.text(order, "reference", required=False, rule=_one_line)
    ordered, due = (r.text(order, name, required=False, rule=_iso_date) for name in ("date", "due"))
    delivery = r.texts(order, "delivery", required=False, rule=_one_line) or ()
    if len(delivery) > MAX_DELIVERY_LINES:
        r.add(order.value("delivery"), f"'delivery' in 'order' has {len(delivery)} lines",
              f"write the address in {MAX_DELIVERY_LINES} lines or fewer")
    if ordered and due and due < ordered:
        r.add(order.value("due"), f"'due' in 'order' ({due}) is before the order's date ({ordered})",
              "give the day the packs are wanted by, on or after 'date'")
    return Order(reference, dt.date.fromisoformat(ordered) if ordered else None, _contact(r, order),
                 tuple(delivery), dt.date.fromisoformat(due) if due else None)


def _contact(r: Reader, order: Fields) -> OrderContact | None:
    if "contact" not in order:
        return None
    contact = r.fields(order.value("contact"), "'contact' in 'order'", CONTACT_FIELDS)
    if contact is None:
        return None
    if not list(contact):
        r.add(order.value("contact"), "'contact' in 'order' is empty",
              f"give any of: {', '.join(CONTACT_FIELDS)}; or remove 'contact:'")
        return None
    return OrderContact(r.text(contact, "name", required=False, rule=_one_line),
                        r.text(contact, "phone", required=False, rule=_phone),
                        r.text(contact, "email", required=False, rule=_email))


# --- the ticket --------------------------------------------------------------------------------

def printed_pages(pages: int, binding: str) -> int:
    """The pages a copy is printed with: a booklet's padded with blank pages to a multiple of 4."""
    if binding not in BINDINGS:
        raise ValueError(f"unknown binding {binding!r}")
    return padded(pages) if binding == "booklet" else pages


def sheets_per_copy(pages: int, binding: str) -> int:
    """Sheets of paper one copy takes: ceil(pages / 2) loose and duplex; printed pages / 4 as a booklet."""
    printed = printed_pages(pages, binding)
    return printed // 4 if binding == "booklet" else -(-printed // 2)


def flat_size(finished_mm: tuple[int, int], binding: str) -> tuple[int, int]:
    """The sheet a copy is printed on, before folding: a booklet's spread is two pages wide."""
    width, height = finished_mm
    return (2 * width, height) if binding == "booklet" else (width, height)


@dataclass(frozen=True)
class Placement:
    """Where an item is in one print file: its first and last page there."""
    file: str
    first: int
    last: int


@dataclass(frozen=True)
class PrintFile:
    """A file of the pack as read back from it: what it holds and how it is made."""
    name: str
    pages: int
    sha256: str
    colours: str  # 4/4 if any page needs colour
    run: str | None = None  # None: the whole order in one file; "1/1" or "4/4": one press run
    tagged: bool = True  # for screen readers too; an imposed file is for the press only
    imposed: bool = False  # its pages are the sides of booklet sheets (and the loose contents)
    marks: bool = False  # crop marks outside the bleed, on a larger page
    bleed_mm: float = 0  # from the TrimBox out to the BleedBox
    trims_mm: tuple[tuple[int, int], ...] = ()  # its pages' trim sizes (TrimBox), each once
    media_mm: tuple[tuple[int, int], ...] = ()  # and their whole pages (MediaBox)


@dataclass(frozen=True)
class TicketItem:
    """The contents (kind "contents") or one leaflet of the pack, and how it is printed."""
    kind: str
    leaflet: str | None
    lang: str
    format: str | None
    title: str
    pages: int
    copies: int
    binding: str
    spaces: tuple[str, ...]  # the colour spaces its pages in the pack paint with, read back (inks.py)
    colour_spaces: tuple[str, ...]  # those of them that need more than black
    pack_pages: tuple[int, int]  # its first and last page in the pack, as the contents page gives them
    placements: tuple[Placement, ...] = ()  # in each file it is printed from

    @property
    def colours(self) -> str:
        return "4/4" if self.colour_spaces else "1/1"

    @property
    def printed_pages(self) -> int:
        return printed_pages(self.pages, self.binding)

    @property
    def sides(self) -> str:
        return SIDES[self.binding]

    @property
    def sheets_per_copy(self) -> int:
        return sheets_per_copy(self.pages, self.binding)

    @property
    def sheets(self) -> int:
        return self.copies * self.sheets_per_copy

    @property
    def finishing(self) -> str:
        return CONTENTS_FINISHING if self.kind == "contents" else FINISHING[self.binding]


@dataclass(frozen=True)
class Ticket:
    pack: str
    clinic: str
    page: str  # the page size's name, e.g. "A5"
    finished_mm: tuple[int, int]
    order: Order | None
    files: tuple[PrintFile, ...]  # the pack (the reading PDF) first, then the other print files
    items: tuple[TicketItem, ...]  # the contents first
    binding: str = "loose"  # the leaflets'; the contents are loose sheets

    def paper(self, item: TicketItem) -> str:
        """The sheet it is printed on: a booklet's A5 pages 2-up on A4, loose pages on their own size."""
        return BOOKLET_PAPER if item.binding == "booklet" else self.page

    def totals(self, items: tuple[TicketItem, ...] | None = None) -> tuple[int, int]:
        """Sheets and impressions of these items (all by default)."""
        sheets = sum(item.sheets for item in (self.items if items is None else items))
        return sheets, 2 * sheets

    def by_colour(self) -> dict[str, tuple[int, int]]:
        return {colours: self.totals(tuple(i for i in self.items if i.colours == colours)) for colours in COLOUR_WORDS}

    def by_paper(self) -> dict[str, tuple[int, int]]:
        papers = sorted({self.paper(item) for item in self.items})
        return {paper: self.totals(tuple(i for i in self.items if self.paper(i) == paper)) for paper in papers}


def _amount(sheets: int, impressions: int) -> str:
    return f"{sheets} sheet{'s' * (sheets != 1)}, {impressions} impressions"


def ticket_text(ticket: Ticket) -> str:
    """The English ticket."""
    reading = ticket.files[0]
    width, height = ticket.finished_mm
    booklet = ticket.binding == "booklet"
    out = [f"Print job: clinic pack '{ticket.pack}' for {ticket.clinic}", *_order_lines(ticket.order),
           f"File: {reading.name}, {reading.pages} pages, sha256 {reading.sha256}"
           + (" (the pack as read on screen; the order is printed from the booklet file below)" if booklet else ""),
           f"Finished size: {ticket.page} ({width} x {height} mm), portrait",
           *(_booklet_lines(ticket) if booklet else [LOOSE_SIDES]),
           _trim_line(ticket),
           f"Stock: {STOCK}",
           "Fonts: all embedded. Print at 100%: never enlarge or reduce large print.",
           "Finishing: " + "; ".join(sorted({item.finishing for item in ticket.items if item.kind == "leaflet"})),
           "",
           "Page numbers below are the pack's, printed at the foot of every page, in the other corner from "
           "each leaflet's own page numbers. Colours are read from the files themselves.",
           "The first pages are the contents: print 1 copy for the clinic."]
    for item in ticket.items:
        first, last = item.pack_pages
        each = f"{item.sheets_per_copy} {ticket.paper(item)} sheet{'s' * (item.sheets_per_copy != 1)} each"
        if item.binding == "booklet":
            blank = item.printed_pages - item.pages
            each = f"a booklet of {item.printed_pages} pages" + \
                (f" ({item.pages} and {blank} blank before the back page)" if blank else "") + \
                f", {each}, {item.finishing.removesuffix(' each copy')}"
        colours = f"colours {_colour_words(item)}: {_amount(*ticket.totals((item,)))}"
        if item.kind == "contents":
            out.append(f"Contents, {_pages(first, last)}: {item.copies} copy, {each}, {colours}")
        else:
            out.append(f"Pages {first}-{last}: {item.title} ({item.format}, {item.lang}): {item.copies} "
                       f"copies, {each}, {colours}")
    out += ["", "Totals (a sheet is printed on both sides: 2 impressions, a blank back included):"]
    out += [f"  {COLOUR_WORDS[colours]}: {_amount(*amount)}" for colours, amount in ticket.by_colour().items()]
    leaflets = tuple(item for item in ticket.items if item.kind == "leaflet")
    contents = tuple(item for item in ticket.items if item.kind == "contents")
    out.append(f"  Leaflets: {_amount(*ticket.totals(leaflets))}; contents: {_amount(*ticket.totals(contents))}")
    out.append("  By paper: " + "; ".join(f"{paper}: {_amount(*amount)}"
                                          for paper, amount in ticket.by_paper().items()))
    out.append(f"  Whole order: {_amount(*ticket.totals())}")
    out += ["", "Print files, each with the PDF/X-4 properties (a CMYK output intent, every font embedded, a "
                f"TrimBox on every page); check one with: publish.py preflight FILE --ticket {ticket.pack}.ticket.json"]
    for file in ticket.files:
        out += _file_lines(ticket, file)
    return "\n".join(out) + "\n"


def _booklet_lines(ticket: Ticket) -> list[str]:
    flat = flat_size(ticket.finished_mm, "booklet")
    return [f"Binding: each leaflet its own booklet, 2 pages a side on {BOOKLET_PAPER} sheets (landscape, trimmed "
            f"flat to {flat[0]} x {flat[1]} mm), padded with blank pages before its back page to a multiple of 4; "
            f"the contents a loose {ticket.page} sheet",
            "Sides: booklet sheets duplex, turned on the short edge; the contents duplex, long edge"]


def _trim_line(ticket: Ticket) -> str:
    marked = [file for file in ticket.files if file.marks]
    line = "Trim and bleed: the TrimBox is the finished page (on a booklet's side, the flat sheet); nothing " \
        "prints to the edge"
    if not marked:
        return line + "; no bleed, no crop marks (publish.py pack --print-marks adds them)"
    return line + f"; the .marks files have {max(f.bleed_mm for f in marked):g} mm bleed (BleedBox) and crop " \
        "marks outside it, on a larger page"


def _file_lines(ticket: Ticket, file: PrintFile) -> list[str]:
    what = [f"press run {COLOUR_WORDS[file.run]}" if file.run else "the whole order",
            "imposed, untagged (for the press only)" if file.imposed else "tagged" if file.tagged else "untagged",
            f"colours {file.colours}", "trim " + " and ".join(f"{w} x {h}" for w, h in file.trims_mm) + " mm"]
    if file.marks:
        what.append(f"crop marks and {file.bleed_mm:g} mm bleed on pages of "
                    + " and ".join(f"{w} x {h}" for w, h in file.media_mm) + " mm")
    out = [f"  {file.name}: {', '.join(what)}, {file.pages} pages, sha256 {file.sha256}"]
    placed = [(at, item) for item in ticket.items for at in item.placements if at.file == file.name]
    if not placed:
        out.append("    the pack as read on screen, for an office printer: no item is printed from it here")
    for at, item in placed:
        copies = f"{item.copies} cop{'ies' if item.copies != 1 else 'y'}"
        sheets = f": {item.sheets_per_copy} sheet{'s' * (item.sheets_per_copy != 1)}, the front of each then its " \
            "back, the outer sheet first" if file.imposed and item.binding == "booklet" else ""
        out.append(f"    its {_pages(at.first, at.last)}: {_name(item)}, {copies}{sheets}")
    return out


def _pages(first: int, last: int) -> str:
    return f"page {first}" if first == last else f"pages {first}-{last}"


def _name(item: TicketItem) -> str:
    return "contents" if item.kind == "contents" else f"{item.title} ({item.format}, {item.lang})"


def _colour_words(item: TicketItem) -> str:
    return f"4/4 (colour: {', '.join(item.colour_spaces)})" if item.colour_spaces else COLOUR_WORDS["1/1"]


def _order_lines(order: Order | None) -> list[str]:
    if order is None:
        return []
    head = ", ".join(filter(None, (order.reference and f"Order: {order.reference}",
                                   order.date and f"ordered {order.date.isoformat()}",
                                   order.due and f"due {order.due.isoformat()}")))
    out = [head[0].upper() + head[1:]] if head else []
    if order.contact:
        out.append("Contact: " + ", ".join(filter(None, (order.contact.name, order.contact.phone,
                                                          order.contact.email))))
    if order.delivery:
        out.append("Deliver to: " + ", ".join(order.delivery))
    return out


def ticket_json(ticket: Ticket) -> bytes:
    """The machine-readable ticket, as packs/ticket.schema.json describes it."""
    sheets, impressions = ticket.totals()

    def amounts(found: dict[str, tuple[int, int]]) -> dict:
        return {key: {"sheets": s, "impressions": i} for key, (s, i) in found.items()}
    data = {
        "schema": SCHEMA, "version": VERSION, "pack": ticket.pack, "clinic": ticket.clinic,
        "order": _order_json(ticket.order),
        "files": [_file_json(f) for f in ticket.files],
        "items": [_item_json(ticket, item) for item in ticket.items],
        "totals": {"sheets": sheets, "impressions": impressions, "by_colour": amounts(ticket.by_colour()),
                   "by_paper": amounts(ticket.by_paper())},
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _size(mm: tuple[int, int]) -> dict:
    return {"width": mm[0], "height": mm[1]}


def _file_json(file: PrintFile) -> dict:
    return {"file": file.name, "run": file.run, "colours": file.colours, "pages": file.pages, "sha256": file.sha256,
            "tagged": file.tagged, "imposed": file.imposed, "marks": file.marks, "bleed_mm": file.bleed_mm,
            "trim_sizes_mm": [_size(mm) for mm in file.trims_mm], "media_sizes_mm": [_size(mm) for mm in file.media_mm]}


def _item_json(ticket: Ticket, item: TicketItem) -> dict:
    return {
        "kind": item.kind, "leaflet": item.leaflet, "language": item.lang, "format": item.format,
        "title": item.title, "pages": item.pages, "printed_pages": item.printed_pages,
        "pack_pages": {"first_page": item.pack_pages[0], "last_page": item.pack_pages[1]},
        "placements": [{"file": p.file, "first_page": p.first, "last_page": p.last} for p in item.placements],
        "copies": item.copies, "binding": item.binding, "paper": ticket.paper(item),
        "finished_size_mm": _size(ticket.finished_mm),
        "flat_size_mm": _size(flat_size(ticket.finished_mm, item.binding)),
        "sides": item.sides, "colours": item.colours, "colour_spaces": list(item.spaces),
        "spaces_needing_colour": list(item.colour_spaces), "stock": STOCK, "finishing": item.finishing,
        "sheets_per_copy": item.sheets_per_copy, "impressions_per_copy": 2 * item.sheets_per_copy,
        "sheets": item.sheets, "impressions": 2 * item.sheets,
    }


def _order_json(order: Order | None) -> dict | None:
    if order is None:
        return None
    contact = order.contact
    return {"reference": order.reference, "date": order.date and order.date.isoformat(),
            "due": order.due and order.due.isoformat(),
            "contact": contact and {"name": contact.name, "phone": contact.phone, "email": contact.email},
            "delivery": list(order.delivery)}
