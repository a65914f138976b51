"""Clinic packs: a pack definition (`packs/*.yaml`), the merged pack PDF, its print files and job tickets.

A pack is one tagged PDF, for reading and office printing. With `split: colour` (or `publish.py pack
--split colour`) its black-only and colour parts are also written as one press run each, `<pack>.1-1.pdf`
and `<pack>.4-4.pdf`: tagged merges of the same parts, with the same pack page numbers, so that the one
contents page the clinic gets matches the pages of both runs. The contents page goes in the run its own
inks put it in, like a leaflet: a run of its own would reprint it, and a contents page per run would
number the pages apart from the clinic's copy. With `binding: booklet` (A5 leaflets) the order prints
from imposed files instead, and with `print_marks: true` (or `--print-marks`) every file printed from is
also written with crop marks: printfiles.py says which files. Every print file has the PDF/X-4
properties (pdfx.py), the pack too.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from . import manifest, pdfx, printfiles
from .build import Dirs, Result, build_leaflets, output_name
from .catalogue import Catalogue, catalogue
from .inks import PageInks, read_inks, spaces_of
from .inputs import file_sha256, inputs_digest
from .layout import ContentsRow, lay_out_contents
from .load import language_code, load_layout
from .merge import PackPart, TaggedPDF, merge_tagged, read_tagged
from .printfiles import Press
from .model import FORMATS, MM, Layout
from .pagination import page_number_overlay
from .plan import DocInfo
from .reader import InputError, Reader, line, open_top
from .render import render
from .ticket import BINDINGS, Order, Placement, Ticket, TicketItem, read_order, ticket_json, ticket_text


PACK_FIELDS = ("name", "clinic", "lang", "order", "split", "binding", "print_marks", "items")
SPLITS = ("colour", "none")  # a press run per colour (1/1, 4/4), or the one file only
RUNS = ("1/1", "4/4")
BOOKLET_PAGE = "A5"  # booklets are A5 pages, 2 a side on A4 sheets
ITEM_FIELDS = ("leaflet", "lang", "format", "copies")
MAX_COPIES = 10000
ITEM_EXAMPLE = "'- {leaflet: crafting-connections, lang: en, format: large-print, copies: 10}'"


@dataclass(frozen=True)
class PackItem:
    leaflet: str
    lang: str
    format: str
    copies: int
    line: int


@dataclass(frozen=True)
class PackDefinition:
    name: str
    clinic: str
    items: tuple[PackItem, ...]
    path: Path
    lang: str = "en"  # the language of its contents page; the job ticket is always English, for the printer
    order: Order | None = None  # order reference, dates, contact, delivery: for the ticket
    split: bool = False  # also a press run per colour
    binding: str = "loose"  # the leaflets': "booklet" prints each as a saddle-stitched booklet
    binding_line: int = 0  # where 'binding' is written
    marks: bool = False  # each file printed from also with crop marks and bleed


def load_definition(path: Path) -> PackDefinition:
    """Read packs/<name>.yaml; raise InputError naming every problem, its line and the fix."""
    r, f = open_top(path, "the pack", "write a pack: see packs/README.md", PACK_FIELDS)
    # The name becomes the file name output/packs/<name>.pdf.
    name, clinic = r.ident(f, "name", "postnatal-ward-a4"), r.text(f, "clinic")
    lang = r.text(f, "lang", required=False, rule=language_code) or "en"
    order = read_order(r, f)
    split = r.choice(f, "split", SPLITS) == "colour" if "split" in f else False
    binding = r.choice(f, "binding", BINDINGS) if "binding" in f else "loose"
    marks = r.choice(f, "print_marks", ("true", "false")) == "true" if "print_marks" in f else False
    nodes = r.sequence(f, "items", "leaflets", f"write one {ITEM_EXAMPLE} line per leaflet") or ()
    first_lines: dict[tuple[str, str, str], int] = {}
    items = [_item(r, node, number, first_lines) for number, node in enumerate(nodes, 1)]
    r.check()
    return PackDefinition(name, clinic, tuple(items), path, lang, order, split, binding,
                          line(f.value("binding")) if "binding" in f else 0, marks)


def _item(r: Reader, node: yaml.Node, number: int, first_lines: dict[tuple[str, str, str], int]) -> PackItem | None:
    """One leaflet of a pack; each (leaflet, lang, format) once, so copies are not split over two items."""
    f = r.fields(node, f"item {number} of 'items'", ITEM_FIELDS)
    if f is None:
        return None
    leaflet, lang = r.ident(f, "leaflet", "crafting-connections"), r.text(f, "lang", rule=language_code)
    fmt, copies = r.choice(f, "format", FORMATS), r.whole(f, "copies", low=1, high=MAX_COPIES)
    if None in (leaflet, lang, fmt, copies):
        return None
    key = (leaflet, lang, fmt)
    if key in first_lines:
        r.add(node, f"item {number} repeats {leaflet}, {lang}, {fmt} (first on line {first_lines[key]})",
              "list it once, with the copies added together")
        return None
    first_lines[key] = line(node)
    return PackItem(leaflet, lang, fmt, copies, line(node))


def build_pack(definition_path: Path, dirs: Dirs, split: bool | None = None, marks: bool | None = None) -> Result:
    """Merge a pack's leaflets (built first where missing) into OUT/packs/<name>.pdf, with its print files
    and tickets; with `split` (None: as the definition says), a press run per colour too; with `marks`
    (None: as the definition says), each file printed from also with crop marks."""
    result = Result()
    try:
        definition = load_definition(definition_path)
        layouts = {f: load_layout(dirs.layouts / f"{f}.yaml") for f in {i.format for i in definition.items}}
    except InputError as err:
        result.errors.append(str(err))
        return result
    definition = definition if split is None else replace(definition, split=split)
    definition = definition if marks is None else replace(definition, marks=marks)
    if len({layout.page for layout in layouts.values()}) > 1:
        first = layouts[definition.items[0].format].page
        others = [i for i in definition.items if layouts[i.format].page != first]
        lines = ", ".join(f"line {i.line} ({i.format}, {layouts[i.format].page})" for i in others)
        result.errors.append(f"{definition_path}:{others[0].line}: a pack holds one page size: its first "
                             f"leaflet is {first}, but not {lines}\n    fix: put the {first} and the "
                             f"{layouts[others[0].format].page} leaflets in two packs")
        return result
    page = layouts[definition.items[0].format].page
    if definition.binding == "booklet" and page != BOOKLET_PAGE:
        formats = ", ".join(sorted(layouts))
        result.errors.append(f"{definition_path}:{definition.binding_line}: 'binding: booklet' folds A5 leaflets "
                             f"into booklets on A4 sheets, but this pack's leaflets are {page} ({formats})\n"
                             f"    fix: leave out 'binding' ({page} leaflets print as loose sheets), or list only "
                             "standard (A5) leaflets")
        return result

    out = dirs.out / "packs" / f"{definition.name}.pdf"
    paths = [dirs.out / i.lang / output_name(i.leaflet, layouts[i.format]) for i in definition.items]
    # Its leaflets brought up to date first (only what changed is made again), so a pack never holds a
    # stale one; a leaflet withheld in that language (an incomplete translation) cannot go in either.
    built = build_leaflets(dirs, {i.leaflet for i in definition.items}, {i.lang for i in definition.items},
                           {i.format for i in definition.items})
    result.errors.extend(f"{definition_path}: {e}" for e in built.errors + built.warnings)
    listed = {e["path"]: e for e in built.entries}
    for item, path in zip(definition.items, paths):
        entry = listed.get(path.relative_to(dirs.out).as_posix())
        if entry is not None and entry.get("draft"):
            result.errors.append(f"{definition_path}:{item.line}: {item.leaflet} in {item.lang} is a draft "
                                 "translation, not for printing in bulk\n    fix: have the translation "
                                 "reviewed (X-Review-Status: reviewed), or leave it out of the pack")
    listed = {e["path"]: e for e in manifest.read(dirs.out)}
    earlier = listed.get(out.relative_to(dirs.out).as_posix())
    try:
        cat = catalogue(dirs.translations, definition.lang, "en")
    except InputError as err:
        result.errors.append(f"{definition_path}: the contents page is in '{definition.lang}', "
                             f"whose catalogue cannot be used:\n{err}")
    if result.errors:
        return result

    # The printer profiles are the print files' too: a new libgs-common makes them again.
    inputs = inputs_digest(definition_path, *(dirs.layouts / f"{f}.yaml" for f in sorted(layouts)), cat.path,
                           *(file_sha256(path) for path in paths), "split" if definition.split else "one file",
                           definition.binding, "marks" if definition.marks else "no marks", pdfx.PRINTER_PROFILE,
                           pdfx.SRGB_PROFILE)
    if earlier and earlier.get("inputs") == inputs and _on_disk(dirs.out, earlier, listed):
        result.entries += [earlier, *(listed[path] for path in earlier.get("prints") or ())]
        result.unchanged += 1  # nothing it is made from has changed
        return result
    files, entries = _make(definition, layouts, paths, cat, out)
    for entry in entries:
        entry["inputs"] = inputs
    stale = [out.with_name(manifest.print_name(definition.name, *variant)) for variant in manifest.PRINT_VARIANTS]
    # The pack, its print files, its tickets and its manifest entries together: a ticket never describes
    # another pack.
    manifest.commit(dirs.out, files, entries, remove=[path for path in stale if path not in files])
    result.entries += entries
    return result


def _on_disk(out: Path, entry: dict, listed: dict[str, dict]) -> bool:
    """The pack, its tickets and its press runs are on disk as its manifest entries list them."""
    tickets, prints = entry.get("tickets"), entry.get("prints")
    if not isinstance(tickets, list) or len(tickets) != len(manifest.TICKETS) or not isinstance(prints, list):
        return False
    records = [entry, *tickets, *(listed.get(path) if isinstance(path, str) else None for path in prints)]
    return all(manifest.on_disk(out, r) for r in records)


@dataclass(frozen=True)
class _Parts:
    """A pack's parts (its contents, then each leaflet), their pack pages, and what merging any of them takes."""
    parts: tuple[PackPart, ...]
    spans: tuple[tuple[int, int], ...]  # each part's first and last pack page
    footer_langs: tuple[str, ...]  # the language of each pack page's own footer
    number_layout: Layout  # the layout the pack page numbers are set in
    cat: Catalogue

    def merge(self, chosen: list[int], info: DocInfo) -> tuple[bytes, list[tuple[int, int]]]:
        """These parts merged, each stamped with its pack page numbers; and each part's pages in the file."""
        numbers, placed = _pages_in_file([self.spans[k] for k in chosen])
        overlay = page_number_overlay([self.cat.ui("pack_page", page=str(n)) for n in numbers],
                                      self.cat.ui_lang("pack_page"), [self.footer_langs[n - 1] for n in numbers],
                                      self.number_layout)
        return merge_tagged([self.parts[k] for k in chosen], info, overlay=overlay), placed


def _make(definition: PackDefinition, layouts: dict[str, Layout], paths: list[Path], cat: Catalogue, out: Path
          ) -> tuple[dict[Path, bytes], list[dict]]:
    """The pack, its print files and tickets (by path), and their manifest entries: the pack's first."""
    # Each leaflet read once: the same reading gives the contents its titles and lengths, and the merge its pages.
    leaflets = [read_tagged(path.read_bytes()) for path in paths]
    titles = [leaflet.title for leaflet in leaflets]
    layout = layouts[definition.items[0].format]
    title = cat.ui("pack_title", clinic=definition.clinic)
    info = DocInfo(title=title, lang=cat.lang, author="", publisher="", subject=title,
                   date=max(leaflet.created for leaflet in leaflets),
                   keywords={"pack": definition.name})
    contents, rows = _contents(definition, titles, [leaflet.pages for leaflet in leaflets], layout, cat, info)
    parts = [PackPart(contents.pdf, title, cat.lang, odd_start=False)]
    parts += [PackPart(leaflet, f"{t} ({cat.ui('format:' + i.format)}, {i.lang})", i.lang)
              for leaflet, t, i in zip(leaflets, titles, definition.items)]
    # The pack page numbers the contents and the ticket give, set as the pack's layout sets its footer,
    # or as another leaflet's layout does if its footer is larger (max keeps the first of equals).
    number_layout = max((layouts[i.format] for i in definition.items), key=lambda each: each.size("footer"))
    pack = _Parts(tuple(parts), ((1, contents.pages), *((row.first, row.last) for row in rows)),
                  tuple(_footer_langs(cat.lang, contents.pages, rows)), number_layout, cat)
    data, _ = pack.merge(list(range(len(parts))), info)
    reading = pdfx.print_file(data, info.title)
    inks = read_inks(reading)  # the colours of each item, as the pack's pages read
    items = [_ticket_item(k, definition, titles, title, cat.lang, inks[first - 1:last], (first, last))
             for k, (first, last) in enumerate(pack.spans)]
    made = _print_files(definition, pack, data, reading, inks, items, info)
    items = [replace(item, placements=tuple(Placement(m.described.name, *m.placed[k]) for m in made if m.placed[k]))
             for k, item in enumerate(items)]
    size_mm = tuple(round(v / MM) for v in layout.page_size)
    ticket = Ticket(definition.name, definition.clinic, layout.page, size_mm, definition.order,
                    tuple(m.described for m in made), tuple(items), definition.binding)
    files = {out.with_name(m.described.name): m.data for m in made}
    entries = [manifest.entry(out.parent.parent, out, reading, made[0].described.pages, kind="pack",
                              pack=definition.name, binding=definition.binding,
                              langs=sorted({i.lang for i in definition.items}),
                              formats=sorted({i.format for i in definition.items}),
                              copies={f"{i.lang}/{i.leaflet}.{i.format}": i.copies for i in definition.items})]
    for m in made[1:]:
        f = m.described
        entries.append(manifest.entry(out.parent.parent, out.with_name(f.name), m.data, f.pages, kind="print",
                                      pack=definition.name, run=f.run, colours=f.colours, tagged=f.tagged,
                                      imposed=f.imposed, marks=f.marks))
    tickets = {out.with_suffix(".ticket.txt"): ticket_text(ticket).encode("utf-8"),
               out.with_suffix(".ticket.json"): ticket_json(ticket)}
    entries[0]["tickets"] = [manifest.record(out.parent.parent, path, written) for path, written in tickets.items()]
    entries[0]["prints"] = [entry["path"] for entry in entries[1:]]
    return {**files, **tickets}, entries


def _print_files(definition: PackDefinition, pack: _Parts, data: bytes, reading: bytes, inks: list[PageInks],
                 items: list[TicketItem], info: DocInfo) -> list[printfiles.Made]:
    """The pack (`reading`, made from `data`, its pages' `inks`) and the files its order is printed from, as
    printfiles.py says."""
    booklet = definition.binding == "booklet"
    # Loose sheets print from the pack; booklets from their imposed file, which leaves the pack for reading.
    whole = Press(manifest.print_name(definition.name), data, info.title,
                  (None,) * len(items) if booklet else pack.spans)
    presses = [printfiles.imposed(definition.name, data, list(pack.spans), list(range(len(items))))] if booklet else []
    if definition.split and not booklet:
        # Fresh readers for the runs: the pack's merge has had the leaflets' own.
        pack = replace(pack, parts=tuple(replace(p, pdf=p.pdf.data) if isinstance(p.pdf, TaggedPDF) else p
                                         for p in pack.parts))
    for colours in RUNS if definition.split else ():
        chosen = [k for k, item in enumerate(items) if item.colours == colours]
        if not chosen:
            continue  # a run with no pages is not written
        presses.append(printfiles.imposed(definition.name, data, list(pack.spans), chosen, colours) if booklet
                       else _run(pack, chosen, colours, info, manifest.print_name(definition.name, colours)))
    made = printfiles.finish(whole, definition.marks and not booklet, reading, inks)
    return made + [each for press in presses for each in printfiles.finish(press, definition.marks)]


def _run(pack: _Parts, chosen: list[int], colours: str, info: DocInfo, name: str) -> Press:
    """The press run of these parts, tagged as the pack is, and each part's pages in it."""
    data, placed = pack.merge(chosen, replace(info, title=f"{info.title} ({colours})",
                                                 keywords={**info.keywords, "run": colours}))
    where: list[tuple[int, int] | None] = [None] * len(pack.parts)
    for k, span in zip(chosen, placed):
        where[k] = span
    return Press(name, data, f"{info.title} ({colours})", tuple(where), colours)


def _contents(definition: PackDefinition, titles: list[str], lengths: list[int], layout, cat, info: DocInfo):
    """The contents page, rendered, and the pack pages of each leaflet it lists."""
    def rows_after(contents_pages: int) -> list[ContentsRow]:
        # Every leaflet starts on a right-hand (odd) page, after a blank page where needed.
        rows, first = [], _first_leaflet_page(contents_pages)
        for item, item_title, pages in zip(definition.items, titles, lengths):
            rows.append(ContentsRow(item_title, item.format, item.lang, first, first + pages - 1, item.copies))
            first += pages + pages % 2
        return rows

    rows = rows_after(1)
    contents = render(lay_out_contents(definition.clinic, rows, layout, cat), info)
    if _first_leaflet_page(contents.pages) != _first_leaflet_page(1):
        # A long pack: its contents take more pages, and the leaflets move on (the page numbers it gives too).
        rows = rows_after(contents.pages)
        contents = render(lay_out_contents(definition.clinic, rows, layout, cat), info)
    return contents, rows


def _ticket_item(k: int, definition: PackDefinition, titles: list[str], title: str, contents_lang: str,
                 inks: list, pack_pages: tuple[int, int]) -> TicketItem:
    """Part k of the pack (0: the contents) as the ticket gives it, its colours as its pages read."""
    pages = pack_pages[1] - pack_pages[0] + 1
    spaces, colour = spaces_of(inks), tuple(sorted({space for page in inks for space in page.colour}))
    if k == 0:  # the contents are a loose sheet, whatever the leaflets' binding
        return TicketItem("contents", None, contents_lang, None, title, pages, 1, "loose", spaces, colour, pack_pages)
    item = definition.items[k - 1]
    return TicketItem("leaflet", item.leaflet, item.lang, item.format, titles[k - 1], pages, item.copies,
                      definition.binding, spaces, colour, pack_pages)


def _pages_in_file(spans: list[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int]]]:
    """The pack page numbers of a file holding these spans of pack pages, in order, and each span's pages in
    the file. Each starts on a right-hand page, as merge_tagged places it: where it adds a blank page, the
    pack has one too (the one after the span before), and the blank page shows that number."""
    numbers: list[int] = []
    placed = []
    for first, last in spans:
        if len(numbers) % 2:
            numbers.append(numbers[-1] + 1)
        placed.append((len(numbers) + 1, len(numbers) + last - first + 1))
        numbers += range(first, last + 1)
    return numbers, placed


def _first_leaflet_page(contents_pages: int) -> int:
    """The first leaflet starts on the right-hand page after the contents: 1 or 2 contents pages give page 3."""
    return contents_pages + contents_pages % 2 + 1


def _footer_langs(contents_lang: str, contents_pages: int, rows: list[ContentsRow]) -> list[str]:
    """The language of each pack page's own footer, which sets its side; a blank page goes with the one before."""
    langs = [contents_lang] * contents_pages
    for row in rows:
        langs += [langs[-1]] * (row.first - 1 - len(langs))
        langs += [row.lang] * (row.last - row.first + 1)
    return langs
