"""Clinic packs: a pack definition (`packs/*.yaml`), the merged pack PDF, and its job ticket."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from . import manifest
from .build import Dirs, Result, build_leaflets, output_name
from .catalogue import catalogue
from .inputs import file_sha256, inputs_digest
from .layout import ContentsRow, lay_out_contents
from .load import language_code, load_layout
from .merge import PackPart, merge_tagged, read_tagged
from .model import FORMATS, MM
from .pagination import page_number_overlay
from .plan import DocInfo
from .reader import InputError, Reader, line, open_top
from .render import render


PACK_FIELDS = ("name", "clinic", "lang", "items")
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


def load_definition(path: Path) -> PackDefinition:
    """Read packs/<name>.yaml; raise InputError naming every problem, its line and the fix."""
    r, f = open_top(path, "the pack", "write a pack: see packs/README.md", PACK_FIELDS)
    # The name becomes the file name output/packs/<name>.pdf.
    name, clinic = r.ident(f, "name", "postnatal-ward-a4"), r.text(f, "clinic")
    lang = r.text(f, "lang", required=False, rule=language_code) or "en"
    nodes = r.sequence(f, "items", "leaflets", f"write one {ITEM_EXAMPLE} line per leaflet") or ()
    first_lines: dict[tuple[str, str, str], int] = {}
    items = [_item(r, node, number, first_lines) for number, node in enumerate(nodes, 1)]
    r.check()
    return PackDefinition(name, clinic, tuple(items), path, lang)


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


def job_ticket(definition: PackDefinition, page: str, size_mm: tuple[int, int], file_name: str,
               data: bytes, pages: int, rows: list[ContentsRow]) -> str:
    """What a print service needs to print the pack without asking."""
    width, height = size_mm
    out = [
        f"Print job: clinic pack '{definition.name}' for {definition.clinic}",
        f"File: {file_name}, {pages} pages, sha256 {hashlib.sha256(data).hexdigest()}",
        f"Finished size: {page} ({width} x {height} mm), portrait; trim = page size; no bleed "
        "(nothing prints to the edge)",
        "Sides: duplex, long edge; every leaflet starts on a right-hand page",
        "Stock: white, matt (uncoated), 100-120 g/m2; no lamination (glare hurts low-vision readers)",
        "Fonts: all embedded. Print at 100%: never enlarge or reduce large print.",
        "Finishing: collate each copy of a leaflet and staple top left; do not fold",
        "",
        "Page numbers below are the pack's, printed at the foot of every page, in the other corner from "
        "each leaflet's own page numbers.",
        "The first pages are the contents: print 1 copy for the clinic.",
    ]
    for row in rows:
        colours = "4/4 (colour pictures)" if row.format == "easy-read" else "1/1 (black only)"
        pages = row.last - row.first + 1
        out.append(f"Pages {row.first}-{row.last}: {row.title} ({row.format}, {row.lang}): {row.copies} copies, "
                   f"{(pages + 1) // 2} sheets each, colours {colours}")
    return "\n".join(out) + "\n"


def build_pack(definition_path: Path, dirs: Dirs) -> Result:
    """Merge a pack's leaflets (built first where missing) into OUT/packs/<name>.pdf."""
    result = Result()
    try:
        definition = load_definition(definition_path)
        layouts = {f: load_layout(dirs.layouts / f"{f}.yaml") for f in {i.format for i in definition.items}}
    except InputError as err:
        result.errors.append(str(err))
        return result
    if len({layout.page for layout in layouts.values()}) > 1:
        first = layouts[definition.items[0].format].page
        others = [i for i in definition.items if layouts[i.format].page != first]
        lines = ", ".join(f"line {i.line} ({i.format}, {layouts[i.format].page})" for i in others)
        result.errors.append(f"{definition_path}:{others[0].line}: a pack holds one page size: its first "
                             f"leaflet is {first}, but not {lines}\n    fix: put the {first} and the "
                             f"{layouts[others[0].format].page} leaflets in two packs")
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
    earlier = next((e for e in manifest.read(dirs.out) if e["path"] == out.relative_to(dirs.out).as_posix()), None)
    try:
        cat = catalogue(dirs.translations, definition.lang, "en")
    except InputError as err:
        result.errors.append(f"{definition_path}: the contents page is in '{definition.lang}', "
                             f"whose catalogue cannot be used:\n{err}")
    if result.errors:
        return result

    inputs = inputs_digest(definition_path, *(dirs.layouts / f"{f}.yaml" for f in sorted(layouts)), cat.path,
                           *(file_sha256(path) for path in paths))
    if earlier and earlier.get("inputs") == inputs and file_sha256(out) == earlier.get("sha256") \
            and out.with_suffix(".ticket.txt").is_file():
        result.entries.append(earlier)  # nothing it is made from has changed
        result.unchanged += 1
        return result

    # Each leaflet read once: the same reading gives the contents its titles and lengths, and the merge its pages.
    leaflets = [read_tagged(path.read_bytes()) for path in paths]
    titles = [leaflet.title for leaflet in leaflets]
    lengths = [leaflet.pages for leaflet in leaflets]
    layout = layouts[definition.items[0].format]
    title = cat.ui("pack_title", clinic=definition.clinic)
    info = DocInfo(title=title, lang=cat.lang, author="", publisher="", subject=title,
                   date=max(leaflet.created for leaflet in leaflets),
                   keywords={"pack": definition.name})

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
    parts = [PackPart(contents.pdf, title, cat.lang, odd_start=False)]
    parts += [PackPart(leaflet, f"{t} ({cat.ui('format:' + i.format)}, {i.lang})", i.lang)
              for leaflet, t, i in zip(leaflets, titles, definition.items)]
    total = rows[-1].last
    # The pack page numbers the contents and the ticket give, set as the pack's layout sets its footer,
    # or as another leaflet's layout does if its footer is larger (max keeps the first of equals).
    number_layout = max((layouts[i.format] for i in definition.items), key=lambda each: each.size("footer"))
    numbers = page_number_overlay([cat.ui("pack_page", page=str(n)) for n in range(1, total + 1)],
                                  cat.ui_lang("pack_page"), _footer_langs(cat.lang, contents.pages, rows),
                                  number_layout)
    data = merge_tagged(parts, info, overlay=numbers)
    size_mm = tuple(round(v / MM) for v in layout.page_size)
    ticket = job_ticket(definition, layout.page, size_mm, out.name, data, total, rows)
    entry = manifest.entry(dirs.out, out, data, total, kind="pack", pack=definition.name,
                           langs=sorted({i.lang for i in definition.items}),
                           formats=sorted({i.format for i in definition.items}),
                           copies={f"{i.lang}/{i.leaflet}.{i.format}": i.copies for i in definition.items},
                           inputs=inputs)
    # The pack, its ticket and its manifest entry together: a ticket never describes another pack.
    manifest.commit(dirs.out, {out: data, out.with_suffix(".ticket.txt"): ticket.encode("utf-8")}, [entry])
    result.entries.append(entry)
    return result


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
