"""Run the stages for leaflets: load → translate → lay out → render (tagged).

`publish.py` is a thin command line over `build_leaflets` (and `pack.build_pack`).
Each PDF is committed as soon as it is made: written to a temporary file, then
renamed together with the manifest that lists it (`manifest.commit`). Earlier
good output stays when something fails, and a build that stops for any reason
leaves the manifest listing exactly what is on disk. Which leaflets are
published in which language is decided first, from the catalogues (`decide`),
so that each back page lists the languages its leaflet is published in. The PDFs
are made in worker processes, one per CPU (`pool.py`), and committed here, one
at a time in the order of the jobs, so the output and the messages do not
depend on how many there are.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import manifest, pool
from .catalogue import Catalogue, Coverage, bcp47, catalogue, languages
from .files import OutputError, uninterrupted
from .inputs import file_sha256, inputs_digest
from .layout import Context, LayoutError, lay_out
from .load import load_layout, load_sources
from .model import FORMATS, Layout, Leaflet
from .plan import DocInfo, Plan
from .reader import InputError, Problem
from .siteconfig import entry_url, site_config
from .translate import leaflet_ui_messages, messages, translate

if TYPE_CHECKING:
    from .render import Rendered

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Dirs:
    sources: Path = ROOT / "sources"
    translations: Path = ROOT / "translations"
    layouts: Path = ROOT / "layouts"
    out: Path = ROOT / "output"
    site: Path | None = None  # the site file (site.yaml at the top, if there is one): its base_url


@dataclass(frozen=True)
class Decision:
    """Whether a leaflet is published in a language, and as what."""
    leaflet: Leaflet  # in its source language
    cat: Catalogue
    coverage: Coverage  # of the leaflet's texts and the interface texts it prints
    publish: bool
    draft: bool = False
    warning: str | None = None  # why it is not published


def decide(leaflet: Leaflet, cat: Catalogue, allow_fallback: bool) -> Decision:
    """A complete translation is published (as a draft until reviewed). An incomplete one (fuzzy counts as
    untranslated) only as a draft, with allow_fallback; one with a bad message, or none of the leaflet's own
    texts translated, never."""
    own = messages(leaflet)
    coverage = cat.coverage([*own, *leaflet_ui_messages()])
    counts = (f"{leaflet.id} in {cat.lang}: {coverage.untranslated} untranslated, {coverage.fuzzy} fuzzy "
              f"of {coverage.messages} messages")
    if coverage.problems:  # reported as errors
        return Decision(leaflet, cat, coverage, publish=False)
    if cat.coverage(own).translated == 0:
        return Decision(leaflet, cat, coverage, False, warning=f"{counts}: not published (nothing of it is translated)")
    if not coverage.complete and not allow_fallback:
        return Decision(leaflet, cat, coverage, False,
                        warning=f"{counts}: not published (use --allow-fallback to publish a draft)")
    return Decision(leaflet, cat, coverage, True, draft=not (coverage.complete and cat.reviewed))


@dataclass(frozen=True)
class Job:
    decision: Decision
    layout: Layout
    languages: tuple[str, ...]  # every language the leaflet is published in
    catalogue_url: str | None = None  # the leaflet's entry in the catalogue site, for its back page's QR code

    @property
    def label(self) -> str:
        return f"{self.decision.leaflet.id} {self.decision.cat.lang} {self.form}"

    @property
    def form(self) -> str:
        """The format, and the size where it is not the layout's own: "large-print 24 pt"."""
        return self.layout.name + (f" {self.layout.body:g} pt" if self.layout.custom_size else "")


@dataclass
class Result:
    entries: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # each a (leaflet, language) not published
    unchanged: int = 0  # of the entries, those whose inputs had not changed: not made again


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
    """Languages with a catalogue (a .po file), as BCP 47 codes."""
    return sorted(languages(dirs.translations))


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


def decide_all(dirs: Dirs, leaflets: list[Leaflet], asked: list[str],
               allow_fallback: bool) -> tuple[list[tuple[Decision, tuple[str, ...]]], list[str]]:
    """The decision for each leaflet in each language asked for (every language if none), with the languages
    that leaflet is published in; and the catalogues' errors. Languages not asked for are decided too, for
    the back page's list of languages."""
    catalogues: dict[tuple[str, str], Catalogue | InputError] = {}
    errors: dict[str, None] = {}  # each once, though a catalogue serves every leaflet
    decided: list[tuple[Decision, tuple[str, ...]]] = []
    found = available_langs(dirs)
    for leaflet in leaflets:
        decisions: dict[str, Decision] = {}
        for lang in dict.fromkeys([leaflet.lang, *found, *asked]):
            key = (leaflet.lang, lang)
            if key not in catalogues:
                try:
                    catalogues[key] = catalogue(dirs.translations, lang, leaflet.lang)
                except InputError as err:
                    catalogues[key] = err
            cat = catalogues[key]
            if isinstance(cat, Catalogue):
                decisions[lang] = decide(leaflet, cat, allow_fallback)
            elif not asked or lang in asked:
                errors[str(cat)] = None
        published = tuple(lang for lang, d in decisions.items() if d.publish)
        decided += [(d, published) for lang, d in decisions.items() if not asked or lang in asked]
    problems = dict.fromkeys(p for d, _ in decided for p in d.coverage.problems)
    for po in dict.fromkeys(p.where.file for p in problems):  # one error per file, its problems in line order
        errors[str(InputError([p for p in problems if p.where.file == po]))] = None
    return decided, list(errors)


def gone(dirs: Dirs, known: set[str], leaflets: list[Leaflet]) -> list[Path]:
    """PDFs of leaflets whose source file is gone, or in a language whose catalogue is gone. (A source
    that fails to load keeps its earlier PDFs, as any input with a mistake does.)"""
    langs, source_lang = set(available_langs(dirs)), {leaflet.id: leaflet.lang for leaflet in leaflets}
    return [dirs.out / e["path"] for e in manifest.read(dirs.out)
            if e.get("kind") == "leaflet" and (e.get("leaflet") not in known or (
                e.get("leaflet") in source_lang and e.get("lang") not in langs | {source_lang[e["leaflet"]]}))]


def output_path(job: Job, dirs: Dirs) -> Path:
    return dirs.out / job.decision.cat.lang / output_name(job.decision.leaflet.id, job.layout)


def job_inputs(job: Job, dirs: Dirs) -> str:
    """The digest of everything a leaflet's PDF is made from (see inputs.py). The catalogue stands for the
    translation, and the languages the leaflet is published in for what the other catalogues decide."""
    decision = job.decision
    return inputs_digest(decision.leaflet.source, dirs.sources / "pictures.yaml",
                         dirs.layouts / f"{job.layout.name}.yaml", f"size {job.layout.body:g}", decision.cat.path,
                         f"languages {' '.join(job.languages)}", f"draft {decision.draft}",
                         f"catalogue {job.catalogue_url}")


def unchanged_entry(job: Job, dirs: Dirs, earlier: Mapping[str, dict]) -> dict | None:
    """The manifest entry of a PDF that need not be made again: same inputs, and the file as listed."""
    path = output_path(job, dirs)
    entry = earlier.get(path.relative_to(dirs.out).as_posix())
    if entry and entry.get("inputs") == job_inputs(job, dirs) and file_sha256(path) == entry.get("sha256"):
        return entry
    return None


def plan_of(job: Job, pictures: Mapping[str, Path]) -> tuple[Plan, DocInfo]:
    """What a job's PDF draws (translated and laid out), and its document information."""
    decision, cat = job.decision, job.decision.cat
    translated = translate(decision.leaflet, cat)
    context = Context(draft=decision.draft, languages=job.languages, pictures=pictures,
                      catalogue_url=job.catalogue_url,
                      fallback=translated.fallback, source_lang=decision.leaflet.lang)
    return (lay_out(translated.leaflet, job.layout, cat, context),
            doc_info(translated.leaflet, job.layout, decision.draft))


def make(job: Job, pictures: Mapping[str, Path], on_page: Callable[[int], None] | None = None) -> Rendered | str:
    """A job's PDF; or, where its text cannot be laid out or drawn, the error that says where and why."""
    from .render import RenderError, render  # here: a build with nothing to make never loads it
    leaflet, lang = job.decision.leaflet, job.decision.cat.lang
    try:
        return render(*plan_of(job, pictures), on_page=on_page)
    except RenderError as err:
        return f"{leaflet.source}:{leaflet.lines.get(err.block or '', 1)}: {lang} {job.form}: {err}"
    except LayoutError as err:
        return f"{leaflet.source}: {lang} {job.form}: {err}"


@dataclass(frozen=True)
class Refused:
    """An InputError met in a worker process, sent back whole to be raised in the build process."""
    problems: tuple[Problem, ...]


def _make_in_worker(job: Job, pictures: Mapping[str, Path],
                    on_page: Callable[[int], None]) -> Rendered | str | Refused:
    try:
        return make(job, pictures, on_page)
    except InputError as err:  # its message is made from its problems, which is all a copy needs
        return Refused(tuple(err.problems))


def commit_one(job: Job, rendered: Rendered, dirs: Dirs) -> dict:
    """Put a job's PDF in place, listed in the manifest."""
    decision, cat = job.decision, job.decision.cat
    path = output_path(job, dirs)
    entry = manifest.entry(dirs.out, path, rendered.pdf, rendered.pages, kind="leaflet", leaflet=decision.leaflet.id,
                           lang=cat.lang, format=job.layout.name, size=job.layout.body, draft=decision.draft,
                           untranslated=decision.coverage.untranslated, fuzzy=decision.coverage.fuzzy,
                           inputs=job_inputs(job, dirs))
    manifest.commit(dirs.out, {path: rendered.pdf}, [entry])
    return entry


def publish_one(job: Job, pictures: Mapping[str, Path], dirs: Dirs,
                on_page: Callable[[int], None] | None = None) -> dict | str:
    """Make a job's PDF and put it in place: its manifest entry, or the error that stopped it."""
    made = make(job, pictures, on_page)
    return made if isinstance(made, str) else commit_one(job, made, dirs)


def build_leaflets(dirs: Dirs, leaflet_ids: Iterable[str] = (), langs: Iterable[str] = (),
                   formats: Iterable[str] = (), size: float | None = None,
                   progress: Progress = lambda *a: None, allow_fallback: bool = False,
                   jobs: int | None = None) -> Result:
    """Publish every (leaflet, language, format) asked for; report errors, keep going. An OutputError (the
    output folder takes no more) stops the build: it says how many PDFs were not written. PDFs are made in
    `jobs` processes at once (default: one per CPU), with the same bytes, messages and manifest as in one."""
    result = Result()
    wanted = set(leaflet_ids)
    formats = tuple(formats) or ((("large-print",) if size else FORMATS))
    try:
        layouts = [load_layout(dirs.layouts / f"{name}.yaml", size) for name in formats]
        if size is None:  # the sizes each format is also published at, ready to print
            layouts += [load_layout(dirs.layouts / f"{layout.name}.yaml", also) for layout in layouts
                        for also in layout.also_sizes]
        sources = load_sources(dirs.sources, lambda path: not wanted or path.stem in wanted)
    except InputError as err:
        result.errors.append(str(err))
        return result
    try:
        base_url = site_config(dirs.site).base_url
    except InputError as err:  # the leaflets are still published, without QR codes, until it is put right
        result.errors.append(str(err))
        base_url = None
    result.errors.extend(str(err) for err in sources.errors)
    pictures, leaflets = sources.pictures, sources.leaflets
    known = {path.stem for path in dirs.sources.glob("*.yaml")} - {"pictures"}
    for missing in sorted(wanted - known):
        result.errors.append(f"{dirs.sources}: no leaflet '{missing}'; choose from: {', '.join(sorted(known))}")

    decided, errors = decide_all(dirs, leaflets, [bcp47(lang) for lang in langs], allow_fallback)
    result.errors.extend(errors)
    planned: list[Job] = []
    withheld: list[Path] = []  # earlier PDFs of leaflets not published now: stale guidance is not handed out
    for decision, published in decided:
        if decision.warning:
            result.warnings.append(decision.warning)
            withheld += (dirs.out / decision.cat.lang).glob(f"{decision.leaflet.id}.*.pdf")
        if decision.publish:
            url = entry_url(base_url, decision.leaflet.id) if base_url else None
            planned.extend(Job(decision, layout, published, url) for layout in layouts)
    if not wanted and not langs:  # a whole build: a leaflet or a language that is gone goes too
        withheld += gone(dirs, known, leaflets)
    withheld += manifest.packs_holding(dirs.out, withheld)

    try:  # the commit also brings the manifest in step with the disk, after a build that was killed
        earlier = {e["path"]: e for e in manifest.commit(dirs.out, remove=withheld)}
    except OutputError as err:
        raise err.skipping(len(planned), "PDF") from None
    done: dict[int, dict | str] = {}  # by job: its manifest entry, or the error that stopped it
    for index, job in enumerate(planned):
        unchanged = unchanged_entry(job, dirs, earlier)
        if unchanged is not None:
            done[index] = unchanged
            result.unchanged += 1
    _publish(planned, [i for i in range(len(planned)) if i not in done], pictures, dirs, done,
             jobs or pool.cpu_count(), progress)
    for index in sorted(done):
        (result.errors if isinstance(done[index], str) else result.entries).append(done[index])
    progress(len(planned), len(planned), "done")
    return result


def _publish(planned: list[Job], making: list[int], pictures: Mapping[str, Path], dirs: Dirs,
             done: dict[int, dict | str], jobs: int, progress: Progress) -> None:
    """Make and commit the jobs `making` (indices into `planned`), in order, each as soon as it is made."""
    def shown(index: int, page: int) -> None:  # a long leaflet moves the bar page by page
        progress(len(done), len(planned), f"{planned[index].label}, page {page}")

    def here(index: int) -> None:
        progress(len(done), len(planned), planned[index].label)
        with uninterrupted():  # Ctrl-C or SIGTERM stops the build between two PDFs
            done[index] = publish_one(planned[index], pictures, dirs, lambda page: shown(index, page))
    # The first PDF is made here before any worker is forked, so that they start warm (fonts, shaping, dates).
    processes = min(jobs, len(making) - 1)
    if processes > 1 and not pool.can_fork():
        processes = 1
    index = -1
    try:
        for index in making if processes < 2 else making[:1]:
            here(index)
        if processes > 1:
            work = lambda i, on_page: _make_in_worker(planned[i], pictures, on_page)  # noqa: E731
            with closing(pool.run(work, making[1:], processes, shown)) as made:
                for index, outcome in made:
                    if isinstance(outcome, Refused):
                        raise InputError(list(outcome.problems))
                    progress(len(done), len(planned), planned[index].label)
                    with uninterrupted():
                        done[index] = outcome if isinstance(outcome, str) else commit_one(planned[index], outcome, dirs)
    except OutputError as err:  # the output folder takes no more: neither would it take the other PDFs
        raise err.skipping(len(planned) - index - 1, "more PDF") from None
