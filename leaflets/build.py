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

from . import manifest, pack
from .files import write_atomic
from .layout import (FORMATS, MM, ContentsRow, Layout, LayoutError, lay_out, lay_out_contents, load_layout,
                     output_name)
from .load import SourceError, load_sources
from .model import Leaflet
from .render import Rendered, RenderError, render
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
    rendered = render(lay_out(leaflet, job.layout, cat), doc_info(leaflet, job.layout), pictures)
    path = dirs.out / job.lang / output_name(leaflet.id, job.layout)
    write_atomic(path, rendered.pdf)
    return manifest.entry(dirs.out, path, rendered.pdf, rendered.pages, kind="leaflet", leaflet=leaflet.id, lang=job.lang,
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

def build_pack(definition_path: Path, dirs: Dirs) -> Result:
    """Merge a pack's leaflets (built first where missing) into OUT/packs/<name>.pdf."""
    result = Result()
    try:
        definition = pack.load_definition(definition_path)
        layouts = {f: load_layout(dirs.layouts / f"{f}.yaml") for f in {i.format for i in definition.items}}
    except (pack.PackError, LayoutError) as err:
        result.errors.append(str(err))
        return result
    if len({layout.page for layout in layouts.values()}) > 1:
        mixed = ", ".join(f"{name} is {layout.page}" for name, layout in sorted(layouts.items()))
        result.errors.append(f"{definition_path}: a pack holds one page size, but {mixed}; "
                             "split it into one pack per page size")
        return result

    paths = [dirs.out / i.lang / output_name(i.leaflet, layouts[i.format]) for i in definition.items]
    for item, path in zip(definition.items, paths):
        if not path.exists():
            built = build_leaflets(dirs, [item.leaflet], [item.lang], [item.format])
            result.errors.extend(f"{definition_path}:{item.line}: {e}" for e in built.errors)
    if result.errors:
        return result

    pdfs = [path.read_bytes() for path in paths]
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    titles = [str(reader.metadata.title) for reader in readers]
    lengths = [len(reader.pages) for reader in readers]
    cat = catalogue(dirs.translations, "en", "en")
    layout = layouts[definition.items[0].format]
    title = cat.ui("pack_title", clinic=definition.clinic)
    info = DocInfo(title=title, lang="en", author="not stated", publisher="not stated", subject=title,
                   date=max(reader.metadata.creation_date.date() for reader in readers),
                   keywords={"pack": definition.name})

    def contents_for(contents_pages: int) -> tuple[list[ContentsRow], Rendered]:
        # Every leaflet starts on a right-hand (odd) page, after a blank page where needed.
        rows, page = [], contents_pages + contents_pages % 2 + 1
        for item, item_title, pages in zip(definition.items, titles, lengths):
            rows.append(ContentsRow(item_title, item.format, item.lang, page, item.copies))
            page += pages + pages % 2
        return rows, render(lay_out_contents(definition.clinic, rows, layout, cat), info, {})

    rows, contents = contents_for(1)
    if contents.pages > 1:  # a long pack: its contents take more pages, and the leaflets move on
        rows, contents = contents_for(contents.pages)
    parts = [pack.PackPart(contents.pdf, title, "en", odd_start=False)]
    parts += [pack.PackPart(pdf, f"{t} ({cat.ui('format:' + i.format)}, {i.lang})", i.lang)
              for pdf, t, i in zip(pdfs, titles, definition.items)]
    data = pack.merge_tagged(parts, title=title, lang="en", subject=title)
    total = rows[-1].page + lengths[-1] - 1
    out = dirs.out / "packs" / f"{definition.name}.pdf"
    write_atomic(out, data)
    size_mm = tuple(round(v / MM) for v in layout.page_size)
    ticket = pack.job_ticket(definition, layout.page, size_mm, out.name, data, total,
                             [pack.TicketLine(r.title, r.format, r.lang, r.page, pages, r.copies)
                              for r, pages in zip(rows, lengths)])
    write_atomic(out.with_suffix(".ticket.txt"), ticket.encode("utf-8"))
    result.entries.append(manifest.entry(
        dirs.out, out, data, total, kind="pack", pack=definition.name,
        langs=sorted({i.lang for i in definition.items}),
        formats=sorted({i.format for i in definition.items}),
        copies={f"{i.lang}/{i.leaflet}.{i.format}": i.copies for i in definition.items}))
    manifest.update(dirs.out, result.entries)
    return result
