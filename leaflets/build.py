"""Run the stages for leaflets: load → translate → lay out → render (tagged).

`publish.py` is a thin command line over `build_leaflets` (and `pack.build_pack`).
Every output is written to a temporary file and renamed; earlier good output
stays when something fails.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .files import write_atomic
from .layout import Context, LayoutError, lay_out
from .load import load_layout, load_sources
from .model import FORMATS, Layout, Leaflet
from .plan import DocInfo
from .reader import InputError
from .render import RenderError, render
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
    languages: tuple[str, ...]  # every language the leaflet is published in

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


def output_name(leaflet_id: str, layout: Layout) -> str:
    if layout.custom_size:
        return f"{leaflet_id}.{layout.name}-{layout.body:g}pt.pdf"
    return f"{leaflet_id}.{layout.name}.pdf"


def doc_info(leaflet: Leaflet, layout: Layout, draft: bool) -> DocInfo:
    p = leaflet.provenance
    return DocInfo(
        title=leaflet.title, lang=leaflet.lang, author=p.author, publisher=p.publisher,
        subject=f"{leaflet.title}: {layout.description}", date=leaflet.edition.date,
        keywords={"leaflet": leaflet.id, "format": layout.name, "language": leaflet.lang,
                  "edition": leaflet.edition.version, "size": f"{layout.body:g}",
                  "draft": "yes" if draft else "no"})


def publish_one(job: Job, cat: Catalogue, pictures: Mapping[str, Path], dirs: Dirs) -> dict:
    translated = translate(job.leaflet, cat)
    leaflet = translated.leaflet
    context = Context(draft=translated.draft, languages=job.languages, pictures=pictures)
    rendered = render(lay_out(leaflet, job.layout, cat, context), doc_info(leaflet, job.layout, translated.draft))
    path = dirs.out / job.lang / output_name(leaflet.id, job.layout)
    write_atomic(path, rendered.pdf)
    return manifest.entry(dirs.out, path, rendered.pdf, rendered.pages, kind="leaflet", leaflet=leaflet.id,
                          lang=job.lang, format=job.layout.name, size=job.layout.body, draft=translated.draft)


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
    except InputError as err:
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
            jobs.extend(Job(leaflet, lang, layout, tuple(leaflet_langs)) for layout in layouts)

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
