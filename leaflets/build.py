"""Run the stages: load → translate → lay out → render (tagged) → pack.

`publish.py` is a thin command line over `build_leaflets` and `build_pack`.
Every output is written to a temporary file and renamed; earlier good output
stays when something fails.
"""
from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from . import fonts, manifest, pack
from .layout import FORMATS, Layout, LayoutError, lay_out, load_layout, output_name
from .load import SourceError, load_sources
from .model import Leaflet
from .render import RenderError, render
from .tag import DocInfo
from .translate import Catalogue, catalogue, translate

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Dirs:
    sources: Path = ROOT / "sources"
    translations: Path = ROOT / "translations"
    layouts: Path = ROOT / "layouts"
    out: Path = ROOT / "output"


@dataclass(frozen=True)
class Job:
    leaflet: Leaflet
    lang: str
    layout: Layout

    @property
    def label(self) -> str:
        return f"{self.leaflet.id} {self.lang} {self.layout.name}"


@dataclass
class Result:
    entries: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


Progress = Callable[[int, int, str], None]


def progress_bar(stream=sys.stderr) -> Progress:
    """A one-line progress bar, shown only when the output is a terminal."""
    def show(done: int, total: int, label: str) -> None:
        if not stream.isatty():
            return
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:<50}")
        if done == total:
            stream.write("\n")
        stream.flush()
    return show


def available_langs(dirs: Dirs) -> list[str]:
    """Languages with a compiled catalogue."""
    if not dirs.translations.is_dir():
        return []
    return sorted(p.parent.parent.name for p in dirs.translations.glob("*/LC_MESSAGES/*.mo"))


def doc_info(leaflet: Leaflet, layout: Layout) -> DocInfo:
    p = leaflet.provenance
    return DocInfo(
        title=leaflet.title, lang=leaflet.lang, author=p.author, publisher=p.publisher,
        subject=f"{leaflet.title}: {layout.description}", date=leaflet.edition.date,
        keywords={"leaflet": leaflet.id, "format": layout.name, "language": leaflet.lang,
                  "edition": leaflet.edition.version, "size": f"{layout.body:g}",
                  "draft": "yes" if leaflet.draft else "no"})


def publish_one(job: Job, cat: Catalogue, pictures: dict[str, str], dirs: Dirs) -> dict:
    leaflet = translate(job.leaflet, cat)
    plan = lay_out(leaflet, job.layout, cat, rtl=fonts.is_rtl(job.lang))
    data = render(plan, doc_info(leaflet, job.layout), pictures)
    path = dirs.out / job.lang / output_name(leaflet.id, job.layout)
    manifest.write_atomic(path, data)
    pages = len(PdfReader(path).pages)
    return manifest.entry(dirs.out, path, data, pages, kind="leaflet", leaflet=leaflet.id, lang=job.lang,
                          format=job.layout.name, size=job.layout.body, draft=leaflet.draft)


def build_leaflets(dirs: Dirs, leaflet_ids: Iterable[str] = (), langs: Iterable[str] = (),
                   formats: Iterable[str] = (), size: float | None = None,
                   progress: Progress = lambda *a: None) -> Result:
    """Publish every (leaflet, language, format) asked for; report errors, keep going."""
    result = Result()
    wanted = set(leaflet_ids)
    formats = tuple(formats) or ((("large-print",) if size else FORMATS))
    try:
        layouts = [load_layout(dirs.layouts / f"{name}.yaml", size) for name in formats]
        sources = load_sources(dirs.sources, lambda path: not wanted or path.stem in wanted)
    except (SourceError, LayoutError, OSError) as err:
        result.errors.append(str(err))
        return result
    result.errors.extend(str(err) for err in sources.errors)
    pictures, leaflets = sources.pictures, sources.leaflets
    known = {path.stem for path in dirs.sources.glob("*.yaml")} - {"pictures"}
    for missing in sorted(wanted - known):
        result.errors.append(f"{dirs.sources}: no leaflet '{missing}'; choose from: {', '.join(sorted(known))}")

    catalogues: dict[str, Catalogue] = {}
    jobs: list[Job] = []
    for leaflet in leaflets:
        leaflet_langs = list(langs) or [leaflet.lang, *(l for l in available_langs(dirs) if l != leaflet.lang)]
        for lang in leaflet_langs:
            key = f"{leaflet.lang}>{lang}"
            if key not in catalogues:
                try:
                    catalogues[key] = catalogue(dirs.translations, lang, leaflet.lang)
                except OSError as err:
                    result.errors.append(f"{dirs.translations / lang}: no catalogue for '{lang}' ({err.strerror});"
                                         f" add translations/{lang}/LC_MESSAGES/leaflets.po and run 'make'")
                    continue
            published_in = dataclasses.replace(leaflet, languages=tuple(leaflet_langs))
            jobs.extend(Job(published_in, lang, layout) for layout in layouts)

    for done, job in enumerate(jobs):
        progress(done, len(jobs), job.label)
        try:
            result.entries.append(publish_one(job, catalogues[f"{job.leaflet.lang}>{job.lang}"],
                                              pictures, dirs))
        except RenderError as err:
            line = job.leaflet.lines.get(err.block or "", 1)
            result.errors.append(f"{job.leaflet.source}:{line}: {job.lang} {job.layout.name}: {err}")
        except LayoutError as err:
            result.errors.append(f"{job.leaflet.source}: {job.lang} {job.layout.name}: {err}")
    progress(len(jobs), len(jobs), "done")
    if result.entries:
        manifest.update(dirs.out, result.entries)
    return result



# --- clinic packs -----------------------------------------------------------

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


def load_pack_definition(path: Path) -> PackDefinition:
    """Read packs/<name>.yaml; raise SourceError naming the line and the fix."""
    import yaml

    from .load import Problem, Where

    def fail(line: int, message: str, fix: str):
        raise SourceError([Problem(Where(path, line), message, fix)])

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        fail((err.problem_mark.line + 1) if err.problem_mark else 1, f"not valid YAML: {err.problem}",
             "check the indentation")
    except OSError as err:
        fail(1, f"cannot read the pack definition: {err.strerror}", "give the path of a packs/*.yaml file")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not {"name", "clinic", "items"} <= data.keys():
        fail(1, "a pack needs 'name', 'clinic' and 'items'", "see packs/postnatal-ward-a4.yaml")
    item_nodes = dict((k.value, v) for k, v in root.value)["items"].value
    items = []
    for node, item in zip(item_nodes, data["items"]):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or set(item) != {"leaflet", "lang", "format", "copies"}:
            fail(line, "a pack item needs exactly leaflet, lang, format and copies",
                 "write '- {leaflet: ID, lang: en, format: large-print, copies: 10}'")
        if item["format"] not in FORMATS:
            fail(line, f"unknown format '{item['format']}'", f"use one of: {', '.join(FORMATS)}")
        if not isinstance(item["copies"], int) or item["copies"] < 1:
            fail(line, f"copies must be a whole number from 1, not {item['copies']!r}", "write 'copies: 10'")
        items.append(PackItem(str(item["leaflet"]), str(item["lang"]), item["format"], item["copies"], line))
    if not items:
        fail(1, "the pack lists no items", "add at least one item under 'items:'")
    return PackDefinition(str(data["name"]), str(data["clinic"]), tuple(items), path)


def build_pack(definition_path: Path, dirs: Dirs) -> Result:
    """Merge a pack's leaflets (built first where missing) into OUT/packs/<name>.pdf."""
    from .layout import ContentsRow, lay_out_contents

    result = Result()
    try:
        definition = load_pack_definition(definition_path)
        layouts = {f: load_layout(dirs.layouts / f"{f}.yaml") for f in {i.format for i in definition.items}}
    except (SourceError, LayoutError) as err:
        result.errors.append(str(err))
        return result
    sizes = {layout.page for layout in layouts.values()}
    if len(sizes) > 1:
        mixed = ", ".join(f"{name} is {layout.page}" for name, layout in sorted(layouts.items()))
        result.errors.append(f"{definition_path}: a pack holds one page size, but {mixed}; "
                             "split it into one pack per page size")
        return result

    paths = [dirs.out / i.lang / output_name(i.leaflet, layouts[i.format]) for i in definition.items]
    missing = [i for i, p in zip(definition.items, paths) if not p.exists()]
    for item in missing:
        built = build_leaflets(dirs, [item.leaflet], [item.lang], [item.format])
        result.errors.extend(f"{definition_path}:{item.line}: {e}" for e in built.errors)
    if result.errors:
        return result

    pdfs = [p.read_bytes() for p in paths]
    readers = [PdfReader(p) for p in paths]
    titles = [str(r.metadata.title) for r in readers]
    # The contents page, then a blank page, so that every leaflet starts on a right-hand page.
    rows, page = [], 3
    for item, reader, title in zip(definition.items, readers, titles):
        rows.append(ContentsRow(title, item.format, item.lang, page, item.copies))
        page += len(reader.pages) + len(reader.pages) % 2
    cat = catalogue(dirs.translations, "en", "en")
    layout = layouts[definition.items[0].format]
    plan = lay_out_contents(definition.clinic, rows, layout, cat)
    title = cat.ui("pack_title", clinic=definition.clinic)
    info = DocInfo(title=title, lang="en", author="not stated", publisher="not stated", subject=title,
                   date=max(_edition_date(r) for r in readers),
                   keywords={"pack": definition.name})
    contents = render(plan, info, {})
    parts = [pack.PackPart(contents, title, "en", odd_start=False)]
    parts += [pack.PackPart(pdf, f"{t} ({cat.ui('format:' + i.format)}, {i.lang})", i.lang)
              for pdf, t, i in zip(pdfs, titles, definition.items)]
    data = pack.merge_tagged(parts, title=title, lang="en", subject=title)
    out = dirs.out / "packs" / f"{definition.name}.pdf"
    manifest.write_atomic(out, data)
    ticket = job_ticket(definition, layout, out.name, data, rows, [len(r.pages) for r in readers])
    manifest.write_atomic(out.with_suffix(".ticket.txt"), ticket.encode("utf-8"))
    result.entries.append(manifest.entry(
        dirs.out, out, data, len(PdfReader(out).pages), kind="pack", pack=definition.name,
        langs=sorted({i.lang for i in definition.items}),
        formats=sorted({i.format for i in definition.items}),
        copies={f"{i.lang}/{i.leaflet}.{i.format}": i.copies for i in definition.items}))
    manifest.update(dirs.out, result.entries)
    return result


def _edition_date(reader: PdfReader):
    return reader.metadata.creation_date.date()


def job_ticket(definition: PackDefinition, layout: Layout, name: str, data: bytes, rows, lengths) -> str:
    """What a print service needs to print the pack without asking."""
    import hashlib

    from .layout import MM
    width, height = (round(v / MM) for v in layout.page_size)
    total = len(PdfReader(io.BytesIO(data)).pages)
    lines = [
        f"Print job: clinic pack '{definition.name}' for {definition.clinic}",
        f"File: {name}, {total} pages, sha256 {hashlib.sha256(data).hexdigest()}",
        f"Finished size: {layout.page} ({width} x {height} mm), portrait; trim = page size; no bleed "
        "(nothing prints to the edge)",
        "Sides: duplex, long edge; every leaflet starts on a right-hand page",
        "Stock: white, matt (uncoated), 100-120 g/m2; no lamination (glare hurts low-vision readers)",
        "Fonts: all embedded. Print at 100%: never enlarge or reduce large print.",
        "Finishing: collate each copy of a leaflet and staple top left; do not fold",
        "",
        "Page 1 is the contents page: print 1 copy for the clinic.",
    ]
    for row, pages in zip(rows, lengths):
        colours = "4/4 (colour pictures)" if row.format == "easy-read" else "1/1 (black only)"
        sheets = (pages + 1) // 2
        lines.append(f"Pages {row.page}-{row.page + pages - 1}: {row.title} ({row.format}, {row.lang}): "
                     f"{row.copies} copies, {sheets} sheets each, colours {colours}")
    return "\n".join(lines) + "\n"
