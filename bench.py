#!/usr/bin/env python3
"""Print how fast publishing is beside Typst (PyPI `typst`) on the same leaflets, and beside the code
before this performance work, each timed in the same run, taking turns (A B A B, after a warm-up), so that
load on the machine hits all alike: the median time per PDF, one PDF from a cold process, all English
leaflets and packs, peak memory, and a 50-leaflet pack against a plain pypdf append. Then what tagging
costs, the check time, the render time per character of a long paragraph, and how well each leaflet is
laid out, large print at each size. Run by `make bench`; nothing here is asserted."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.metadata
import io
import itertools
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import bench_typst
from leaflets import markup, merge
from leaflets.build import Dirs, available_langs, decide, doc_info
from leaflets.check import check_pdf
from leaflets.layout import Context, lay_out
from leaflets.layoutreport import layout_report
from leaflets.load import load_layout, load_sources
from leaflets.model import FORMATS, Layout, Leaflet, Paragraph
from leaflets.plan import DocInfo, Plan
from leaflets.render import render
from leaflets.catalogue import catalogue
from leaflets.translate import translate

# The code before the performance work (issue 13), timed beside the current code.
BASELINE = "e740206"
# The leaflet timed for a cold start and peak memory: the 9-page large-print one.
COLD_LEAFLET, COLD_FORMAT = "relationship-with-your-baby", "large-print"
# Its own size: one PDF (without it, large print is also made at the layout's other sizes, 24 and 28 pt).
COLD_SIZE = ("--size", "18")
PACK_LEAFLETS = 50
# Paragraph lengths (characters) for the render time per character: it should not grow with the length.
LONG_TEXT_CHARS = (2_500, 5_000, 10_000, 20_000)
LONG_TEXT_LIMIT = 1.3  # the most the time per character at 20,000 may be of that at 2,500
# Body sizes (pt) at which large print is measured for layout quality: the reflow range and the standard 18.
QUALITY_SIZES = (16, 18, 20, 24, 28, 32, 36)

Made = tuple[Plan, DocInfo]


def median_ms(run, repeats: int) -> float:
    return medians_ms([run], repeats)[0]


def medians_ms(runs: Sequence[Callable[[], object]], repeats: int) -> list[float]:
    """Median time of each run; the runs take turns, so load on the machine hits all alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, out in zip(runs, times):
            start = time.perf_counter()
            run()
            out.append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def laid_out(leaflet: Leaflet, layout: Layout, lang: str, dirs: Dirs, langs: list[str],
             pictures: Mapping[str, Path]) -> Made | None:
    """The plan and document info of a leaflet in a language, as the build makes them; None if not published."""
    cat = catalogue(dirs.translations, lang, leaflet.lang)
    decision = decide(leaflet, cat, allow_fallback=True)
    if not decision.publish:
        return None
    translated = translate(leaflet, cat)
    context = Context(decision.draft, tuple(langs), pictures, fallback=translated.fallback, source_lang=leaflet.lang)
    return lay_out(translated.leaflet, layout, cat, context), doc_info(translated.leaflet, layout, decision.draft)


class Summary:
    """The side-by-side table printed last: one row per measure, with the goal of issue 13 beside it
    (shown, never asserted)."""

    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(self, label: str, project: str = "", typst: str = "", ratio: str = "", before: str = "",
            change: str = "", goal: str = "") -> None:
        self.rows.append((label, project, typst, ratio, before, change, goal))

    def print(self, typst_version: str, base: str | None) -> None:
        head = ("", "this project", f"Typst {typst_version}", "ratio", f"before ({base or '-'})", "change", "goal")
        rows = [head, *self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        print("\nsummary, all measured in this run; ratio: this project ÷ Typst (times and memory; throughput: "
              "Typst's rate ÷ this project's); change: against the code before")
        for row in rows:
            print("  " + "  ".join(f"{cell:<{w}}" if i in (0, 6) else f"{cell:>{w}}"
                                   for i, (cell, w) in enumerate(zip(row, widths))).rstrip())


def typst_per_pdf(english: dict[str, Made], options: dict, repeats: int, summary: Summary) -> None:
    """Per-PDF medians in this process: the project's render, typst.compile, and one reused typst.Compiler
    with the same source again (its incremental cache) and with a changed source each time (a set rule
    that shows nothing: no cached layout fits)."""
    import typst
    compiler = typst.Compiler(**{k: v for k, v in options.items() if k != "pdf_standards"})
    standards = options["pdf_standards"]
    salt = itertools.count()
    print(f"per PDF, median of {repeats} runs in turns, tagged (PDF/UA-1): the project's render (load, translate "
          "and lay out excluded); Typst from source: typst.compile, a reused typst.Compiler given the same "
          "source (its cache answers) and a changed one (no cached layout fits)")
    print(f"  {'format':<12} {'leaflet':<28} {'pages':>5} {'project':>9} {'compile':>9} {'Compiler':>9} "
          f"{'changed':>9} {'÷compile':>9} {'÷Compiler':>9}")
    untagged: list[str] = []
    by_format: dict[str, list[tuple[float, float, float, float]]] = {}
    for name, (plan, info) in english.items():
        src = bench_typst.source(plan, info).encode()
        rendered = render(plan, info)  # warm-up: fonts, pictures; and Typst's the same
        pages, tagged = bench_typst.describe(typst.compile(src, **options))
        compiler.compile(src, pdf_standards=standards)
        untagged += [] if tagged else [name]
        times = medians_ms([lambda: render(plan, info), lambda: typst.compile(src, **options),
                            lambda: compiler.compile(src, pdf_standards=standards),
                            lambda: compiler.compile(f"#set heading(supplement: [{next(salt)}])\n".encode() + src,
                                                     pdf_standards=standards)], repeats)
        by_format.setdefault(plan.layout.name, []).append(tuple(times))
        fmt, leaflet = name.split(" ")
        ratios = f" {times[0] / times[1]:>8.2f}× {times[0] / times[2]:>8.2f}×"
        print(f"  {fmt:<12} {leaflet:<28} {f'{rendered.pages}/{pages}':>5} " + " ".join(f"{t:>7.1f}ms" for t in times)
              + ratios)
    print(f"  (pages: the project's/Typst's; Typst's PDFs tagged and PDF/UA-1 read back: "
          f"{'all' if not untagged else 'NOT ' + ', '.join(untagged)})")
    for fmt, rows in by_format.items():
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"  {fmt:<12} {'median':<28} {'':>5} " + " ".join(f"{t:>7.1f}ms" for t in med) +
              f" {med[0] / med[1]:>8.2f}× {med[0] / med[2]:>8.2f}×")
        summary.add(f"per PDF, {fmt}", f"{med[0]:.1f} ms", f"{med[1]:.1f} ms compile", f"{med[0] / med[1]:.2f}×",
                    goal="≤ 1.5×" if fmt == "large-print" else "≤ 2.0×")
        summary.add("", "", f"{med[2]:.1f} ms Compiler, same", f"{med[0] / med[2]:.2f}×")
        summary.add("", "", f"{med[3]:.1f} ms Compiler, changed", f"{med[0] / med[3]:.2f}×")


def baseline_per_pdf(base: Path, commit: str, repeats: int, summary: Summary) -> None:
    """Per-PDF medians of the current code and the code before, each in a render worker of its own."""
    accel = not bench_typst.without_accelerator(base)
    workers = [bench_typst.Worker(bench_typst.ROOT), bench_typst.Worker(base, accel)]
    print(f"per PDF, this code against {base.name} ({commit}{'' if accel else ', without rl-accel'}), "
          f"each in a render worker, median of {repeats} runs in turns")
    print(f"  {'format':<12} {'leaflet':<28} {'now':>9} {'before':>9} {'change':>8}")
    by_format: dict[str, list[tuple[float, float]]] = {}
    try:
        for i, name in enumerate(workers[0].names):
            if name not in workers[1].names:
                continue
            indexes = (i, workers[1].names.index(name))
            times: list[list[float]] = [[], []]
            for worker, index in zip(workers, indexes):
                worker.render_ms(index)  # warm-up
            for _ in range(repeats):
                for worker, index, out in zip(workers, indexes, times):
                    out.append(worker.render_ms(index))
            now, before = (statistics.median(t) for t in times)
            by_format.setdefault(name.split(" ")[0], []).append((now, before))
            print(f"  {name.split(' ')[0]:<12} {name.split(' ')[1]:<28} {now:>7.1f}ms {before:>7.1f}ms "
                  f"{100 * (now / before - 1):>+7.0f}%")
    finally:
        for worker in workers:
            worker.close()
    for fmt, rows in by_format.items():
        now, before = (statistics.median(r[i] for r in rows) for i in (0, 1))
        print(f"  {fmt:<12} {'median':<28} {now:>7.1f}ms {before:>7.1f}ms {100 * (now / before - 1):>+7.0f}%")
        summary.add(f"per PDF, {fmt}, in a worker", f"{now:.1f} ms", "", "", f"{before:.1f} ms",
                    f"{100 * (now / before - 1):+.0f}%", goal="≤ -35%")


Step = tuple[list[str], Path]  # a command and the folder it runs in


def _in_turns(entries: dict[str, Callable[[], list[Step]]], runs: int) -> dict[str, list[bench_typst.Run]]:
    """Each entry's processes, one entry after another, `runs` times after a warm-up round."""
    found: dict[str, list[bench_typst.Run]] = {who: [] for who in entries}
    for round_ in range(runs + 1):
        for who, steps in entries.items():
            done = [bench_typst.run(cmd, cwd) for cmd, cwd in steps()]
            if round_:
                found[who].append(bench_typst.Run(sum(d.seconds for d in done), max(d.peak_mib for d in done)))
    return found


def _medians(found: dict[str, list[bench_typst.Run]]) -> tuple[dict[str, float], dict[str, float]]:
    return ({who: statistics.median(r.seconds for r in runs) for who, runs in found.items()},
            {who: statistics.median(r.peak_mib for r in runs) for who, runs in found.items()})


def _before(values: dict[str, float], form: str) -> tuple[str, ...]:
    """The summary's cells for the code before, if it was timed."""
    if "before" not in values:
        return ()
    return form.format(values["before"]), f"{100 * (values['project'] / values['before'] - 1):+.0f}%"


def pack_source(path: Path, english: dict[str, Made]) -> str:
    """A pack's Typst document, from its definition's leaflets (English ones only)."""
    from leaflets.pack import load_definition
    definition = load_definition(path)
    made = [english[f"{item.format} {item.leaflet}"] for item in definition.items]
    info = DocInfo(f"{definition.clinic}: leaflets", "en", "", "", definition.clinic, made[0][1].date,
                   {"pack": definition.name})
    return bench_typst.pack_source(made, info)


def processes(english: dict[str, Made], options: dict, base: Path | None, runs: int, rounds: int,
              summary: Summary) -> None:
    """Fresh processes: one PDF from a cold start (and its peak memory), then every English leaflet and
    pack (wall clock), for the project, Typst in one Python process, and the code before."""
    bench_typst.WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="outputs-", dir=bench_typst.WORK) as scratch:
        _processes(english, options, base, runs, rounds, summary, scratch)


def _processes(english: dict[str, Made], options: dict, base: Path | None, runs: int, rounds: int,
               summary: Summary, scratch: str) -> None:
    root, work = bench_typst.ROOT, bench_typst.WORK / "typ"
    work.mkdir(parents=True, exist_ok=True)
    sources: dict[str, Path] = {}
    for name, (plan, info) in english.items():
        sources[name] = work / f"{name.replace(' ', '.')}.typ"
        sources[name].write_text(bench_typst.source(plan, info), "utf-8")
    packs = sorted(Path(root, "packs").glob("*.yaml"))
    for path in packs:
        sources[f"pack {path.stem}"] = work / f"pack.{path.stem}.typ"
        sources[f"pack {path.stem}"].write_text(pack_source(path, english), "utf-8")
    trees = {"project": (root, True)}
    if base is not None:
        trees["before"] = (base, not bench_typst.without_accelerator(base))

    def out() -> str:
        return tempfile.mkdtemp(prefix="out-", dir=scratch)

    def typst_steps(names: list[str]) -> list[Step]:
        outs = [Path(out(), f"{i}.pdf") for i in range(len(names))]
        return [(bench_typst.typst_command([sources[n] for n in names], outs, options), root)]

    key = f"{COLD_FORMAT} {COLD_LEAFLET}"
    entries: dict[str, Callable[[], list[Step]]] = {
        who: (lambda tree=tree, accel=accel: [(bench_typst.publish_command(
            tree, "build", "--lang", "en", "--leaflet", COLD_LEAFLET, "--format", COLD_FORMAT, *COLD_SIZE,
            "--out", out(),
            accel=accel), tree)]) for who, (tree, accel) in trees.items()}
    entries["Typst"] = lambda: typst_steps([key])
    seconds, mib = _medians(_in_turns(entries, runs))
    print(f"one PDF ({key}) from a cold process, median of {runs} in turns after a warm-up: "
          "publish.py build; Typst: python -c 'import typst; typst.compile(...)'")
    for who in entries:
        print(f"  {who:<8} {seconds[who]:>6.3f} s, peak memory {mib[who]:>4.0f} MiB")
    summary.add("one PDF, cold process", f"{seconds['project']:.3f} s", f"{seconds['Typst']:.3f} s",
                f"{seconds['project'] / seconds['Typst']:.1f}×", *_before(seconds, "{:.3f} s"), goal="≤ 0.25 s")
    summary.add("peak memory, one PDF", f"{mib['project']:.0f} MiB", f"{mib['Typst']:.0f} MiB",
                f"{mib['project'] / mib['Typst']:.1f}×", *_before(mib, "{:.0f} MiB"))

    def whole(tree: Path, accel: bool) -> list[Step]:
        folder = out()
        own = sorted(Path(tree, "packs").glob("*.yaml"))  # each tree's packs, as its code reads them
        return [(bench_typst.publish_command(tree, "build", "--lang", "en", "--out", folder, accel=accel), tree),
                (bench_typst.publish_command(tree, "pack", "--out", folder, *map(str, own), accel=accel), tree)]
    entries = {who: (lambda tree=tree, accel=accel: whole(tree, accel)) for who, (tree, accel) in trees.items()}
    entries["Typst"] = lambda: typst_steps(list(sources))
    seconds, _ = _medians(_in_turns(entries, rounds))
    rate = {who: len(sources) / s for who, s in seconds.items()}
    print(f"every English leaflet and pack ({len(sources)} PDFs) from fresh processes, wall clock, median of "
          f"{rounds} in turns: publish.py build --lang en (its default --jobs), then pack; Typst: one process")
    for who in entries:
        print(f"  {who:<8} {seconds[who]:>6.2f} s, {rate[who]:>5.1f} PDFs/s")
    summary.add("throughput, en leaflets + packs", f"{rate['project']:.1f} PDF/s", f"{rate['Typst']:.1f} PDF/s",
                f"{rate['Typst'] / rate['project']:.1f}×", *_before(rate, "{:.1f} PDF/s"), goal="≤ 1.0×")


def pack_times(group: list[bytes], repeats: int, summary: Summary) -> None:
    """A tagged pack of PACK_LEAFLETS leaflets (the A4 ones, round again as needed) against a plain pypdf
    append of the same inputs, which drops the tags."""
    from pypdf import PdfReader, PdfWriter
    import pikepdf
    pdfs = list(itertools.islice(itertools.cycle(group), PACK_LEAFLETS))
    parts = [merge.PackPart(data, f"leaflet {i}", None) for i, data in enumerate(pdfs, 1)]
    info = DocInfo("bench", "en", "bench", "bench", "bench", dt.date(2026, 1, 1), {})

    def plain() -> bytes:
        writer = PdfWriter()
        for data in pdfs:
            writer.append(PdfReader(io.BytesIO(data)))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    tagged, appended = medians_ms([lambda: merge.merge_tagged(parts, info), plain], repeats)
    data = merge.merge_tagged(parts, info)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        part_count = sum(1 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Part")
        tags = "/StructTreeRoot" in pdf.Root and bool(pdf.Root.get("/MarkInfo", {}).get("/Marked"))
    print(f"pack of {PACK_LEAFLETS} A4 leaflets ({len(set(pdfs))} different), median of {repeats} in turns: "
          f"merge_tagged {tagged:.0f} ms ({len(data) / 1024:.0f} KiB, tagged: {'yes' if tags else 'NO'}, "
          f"{part_count} Parts), plain pypdf append {appended:.0f} ms ({len(plain()) / 1024:.0f} KiB, untagged): "
          f"{tagged / appended:.2f}×")
    summary.add(f"{PACK_LEAFLETS}-leaflet pack, tagged", f"{tagged:.0f} ms", f"{appended:.0f} ms pypdf append",
                f"{tagged / appended:.2f}×", goal="≤ 1.3×")


def tagging_times(made: dict[tuple[str, str, str], Made], repeats: int) -> dict[str, list[bytes]]:
    """Print each PDF's untagged and tagged render time; return the PDFs by page size."""
    print(f"what tagging costs: median of {repeats} runs in turns, per PDF (load, translate and lay out excluded)")
    print(f"  {'format':<12} {'lang':<5} {'leaflet':<30} {'pages':>5} {'untagged':>9} {'tagged':>9} {'tagging':>8}")
    shares: dict[str, list[float]] = {}
    pdfs: dict[str, list[bytes]] = {}
    for (name, lang, leaflet), (plan, info) in made.items():
        rendered = render(plan, info)  # also warms the caches: fonts, pictures
        plain, tagged = medians_ms([lambda: render(plan, info, tagged=False), lambda: render(plan, info)], repeats)
        pdfs.setdefault(plan.layout.page, []).append(rendered.pdf)
        share = 100 * (tagged - plain) / plain
        shares.setdefault(name, []).append(share)
        print(f"  {name:<12} {lang:<5} {leaflet:<30} {rendered.pages:>5} {plain:>7.1f}ms {tagged:>7.1f}ms "
              f"{share:>+7.1f}%")
    for name, found in shares.items():
        print(f"  tagging cost, {name}: median {statistics.median(found):+.1f}% of the untagged time")
    print(f"  tagging cost, all PDFs: median {statistics.median(sum(shares.values(), [])):+.1f}%")
    return pdfs


def long_text(leaflet: Leaflet, chars: int) -> str:
    """`chars` characters of the leaflet's own sentences, one after another and round again."""
    sentences = itertools.cycle([s for b in leaflet.blocks if isinstance(b, Paragraph)
                                 for s in re.split(r"(?<=[.!?])\s+", markup.plain(b.text))])
    text = ""
    while len(text) < chars:
        text = f"{text} {next(sentences)}".lstrip()
    return text[:chars].rstrip()


def long_text_times(leaflet: Leaflet, dirs: Dirs, pictures: Mapping[str, Path], repeats: int) -> None:
    """Print the render time per character of one large-print leaflet whose only block is a paragraph of
    each length in LONG_TEXT_CHARS, built in-process (no limit on a source's length applies)."""
    layout = load_layout(dirs.layouts / "large-print.yaml")
    runs, pages = [], []
    for chars in LONG_TEXT_CHARS:
        long_leaflet = dataclasses.replace(leaflet, blocks=(Paragraph("long-text", long_text(leaflet, chars)),))
        # In its own language a leaflet is always published.
        plan, info = laid_out(long_leaflet, layout, leaflet.lang, dirs, [leaflet.lang], pictures)
        pages.append(render(plan, info).pages)  # also warms the caches
        runs.append(lambda plan=plan, info=info: render(plan, info))
    per_char = [1000 * ms / chars for chars, ms in zip(LONG_TEXT_CHARS, medians_ms(runs, repeats))]
    print(f"long paragraph, {leaflet.id} in large print ({layout.body:g} pt): median render time per character")
    for chars, count, us in zip(LONG_TEXT_CHARS, pages, per_char):
        print(f"  {chars:>7,} characters {count:>4} pages {us:>7.2f} µs")
    ratio = per_char[-1] / per_char[0]
    verdict = "in proportion to the length" if ratio <= LONG_TEXT_LIMIT else "MORE than in proportion to the length"
    print(f"  per character at {LONG_TEXT_CHARS[-1]:,} / at {LONG_TEXT_CHARS[0]:,}: {ratio:.2f}× "
          f"(at most {LONG_TEXT_LIMIT}×: {verdict})")


def layout_quality(leaflets: list[Leaflet], dirs: Dirs, langs: list[str], pictures: Mapping[str, Path]) -> None:
    """Print the layout measures of each leaflet in its own language: large print at each of
    QUALITY_SIZES, easy read and standard at their own size."""
    print("layout quality (read back from each PDF; fill: the emptiest page before the last body page)")
    print(f"{'format':<12} {'size':>4} {'leaflet':<30} {'pages':>5} {'fill':>10} {'widows':>6} {'orphans':>7} "
          f"{'split boxes':>11} {'headings last':>13} {'broken words':>12}")
    for name in FORMATS:
        sizes = QUALITY_SIZES if name == "large-print" else (None,)
        for size, leaflet in itertools.product(sizes, leaflets):
            layout = load_layout(dirs.layouts / f"{name}.yaml", size)
            made = laid_out(leaflet, layout, leaflet.lang, dirs, langs, pictures)
            if made is None:
                continue
            r = layout_report(render(*made).pdf)
            fill = "-" if r.emptiest_fill is None else f"{100 * r.emptiest_fill:.0f}% p{r.emptiest_page}"
            print(f"{name:<12} {layout.body:>4g} {leaflet.id:<30} {r.pages:>5} {fill:>10} {r.widows:>6} "
                  f"{r.orphans:>7} {r.split_boxes:>11} {r.stranded_headings:>13} {r.broken_words:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9, help="runs per in-process measurement (default 9)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per cold-start measurement (default 5)")
    parser.add_argument("--base", default=BASELINE, metavar="COMMIT",
                        help=f"the code before, timed beside this code (default {BASELINE}); checked out with "
                             "git worktree into .cache/bench-base")
    parser.add_argument("--no-base", action="store_true", help="leave the code before out")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs, English only, no long-text and layout quality sections")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    runs, rounds = max(args.runs, 5), 2 if args.quick else 3
    started = time.perf_counter()
    dirs = Dirs()
    sources = load_sources(dirs.sources)
    assert not sources.errors, sources.errors
    leaflets, pictures = sources.leaflets, sources.pictures
    langs = ["en", *available_langs(dirs)]
    made: dict[tuple[str, str, str], Made] = {}
    for name in FORMATS:
        layout = load_layout(dirs.layouts / f"{name}.yaml")
        for lang in ["en"] if args.quick else langs:
            for leaflet in leaflets:
                found = laid_out(leaflet, layout, lang, dirs, langs, pictures)
                if found is not None:
                    made[name, lang, leaflet.id] = found
    english = {f"{name} {leaflet}": m for (name, lang, leaflet), m in made.items() if lang == "en"}
    version = importlib.metadata.version("typst")
    options = bench_typst.compile_options(bench_typst.font_dir(
        set().union(*(bench_typst.plan_langs(plan) for plan, _ in english.values()))))
    base = None if args.no_base else bench_typst.base_tree(args.base)
    summary = Summary()

    typst_per_pdf(english, options, repeats, summary)
    if base is not None:
        baseline_per_pdf(base, args.base, repeats, summary)
    processes(english, options, base, runs, rounds, summary)
    pdfs = tagging_times(made, 2 if args.quick else 5)
    pack_times(pdfs["A4"], 2 if args.quick else 3, summary)
    checks = [median_ms(lambda data=data: check_pdf(data), 3) for group in pdfs.values() for data in group]
    print(f"publish.py check, uncached: median {statistics.median(checks):.1f} ms per leaflet "
          f"(slowest {max(checks):.1f} ms)")
    if not args.quick:
        long_text_times(next(leaflet for leaflet in leaflets if leaflet.lang == "en"), dirs, pictures, repeats)
        layout_quality(leaflets, dirs, langs, pictures)
    summary.print(version, args.base if base is not None else None)
    print(f"(bench took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
