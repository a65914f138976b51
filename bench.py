#!/usr/bin/env python3
"""Print how long publishing takes: median ms per PDF for each format, what tagging
costs, the check time, the pack merge time, and the render time per character of a
long paragraph; then how well each leaflet is laid out, large print at each size.
Run by `make bench`; nothing here is asserted."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import re
import statistics
import time
from collections.abc import Mapping
from pathlib import Path

from leaflets import fonts, markup, merge
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

# Paragraph lengths (characters) for the render time per character: it should not grow with the length.
LONG_TEXT_CHARS = (2_500, 5_000, 10_000, 20_000)
LONG_TEXT_LIMIT = 1.3  # the most the time per character at 20,000 may be of that at 2,500
# Body sizes (pt) at which large print is measured for layout quality: the reflow range and the standard 18.
QUALITY_SIZES = (16, 18, 20, 24, 28, 32, 36)


def median_ms(run, repeats: int) -> float:
    return medians_ms([run], repeats)[0]


def medians_ms(runs, repeats: int) -> list[float]:
    """Median time of each run; the runs take turns, so load on the machine hits all alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, out in zip(runs, times):
            start = time.perf_counter()
            run()
            out.append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def laid_out(leaflet: Leaflet, layout: Layout, lang: str, dirs: Dirs, langs: list[str],
             pictures: Mapping[str, Path]) -> tuple[Plan, DocInfo] | None:
    """The plan and document info of a leaflet in a language, as the build makes them; None if not published."""
    cat = catalogue(dirs.translations, lang, leaflet.lang)
    decision = decide(leaflet, cat, allow_fallback=True)
    if not decision.publish:
        return None
    translated = translate(leaflet, cat)
    context = Context(decision.draft, tuple(langs), pictures, fallback=translated.fallback, source_lang=leaflet.lang)
    return lay_out(translated.leaflet, layout, cat, context), doc_info(translated.leaflet, layout, decision.draft)


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
    parser.add_argument("--repeats", type=int, default=15, help="runs per measurement (default 15)")
    args = parser.parse_args()
    dirs = Dirs()
    sources = load_sources(dirs.sources)
    assert not sources.errors, sources.errors
    leaflets, pictures = sources.leaflets, sources.pictures
    fonts.register_fonts()
    langs = ["en", *available_langs(dirs)]

    print(f"median of {args.repeats} runs, per PDF (load, translate and lay out excluded)")
    print(f"{'format':<12} {'lang':<5} {'leaflet':<30} {'pages':>5} {'untagged':>9} {'tagged':>9} {'tagging':>8}")
    totals: dict[str, list[float]] = {}
    pdfs: dict[str, list[bytes]] = {}
    for name in FORMATS:
        layout = load_layout(dirs.layouts / f"{name}.yaml")
        for lang in langs:
            for leaflet in leaflets:
                made = laid_out(leaflet, layout, lang, dirs, langs, pictures)
                if made is None:
                    continue
                plan, info = made
                render(plan, info)  # warm caches: fonts, pictures
                plain, tagged = medians_ms([lambda: render(plan, info, tagged=False),
                                            lambda: render(plan, info)], args.repeats)
                rendered = render(plan, info)
                pdfs.setdefault(layout.page, []).append(rendered.pdf)
                pages = rendered.pages
                share = 100 * (tagged - plain) / plain
                totals.setdefault(name, []).append(share)
                print(f"{name:<12} {lang:<5} {leaflet.id:<30} {pages:>5} {plain:>7.1f}ms {tagged:>7.1f}ms "
                      f"{share:>+7.1f}%")
    for name, shares in totals.items():
        print(f"tagging cost, {name}: median {statistics.median(shares):+.1f}% of the untagged time")
    print(f"tagging cost, all PDFs: median {statistics.median(sum(totals.values(), [])):+.1f}%")

    checks = [median_ms(lambda data=data: check_pdf(data), args.repeats) for group in pdfs.values() for data in group]
    print(f"publish.py check, uncached: median {statistics.median(checks):.1f} ms per leaflet "
          f"(slowest {max(checks):.1f} ms)")

    for page, group in pdfs.items():
        parts = [merge.PackPart(data, f"leaflet {i}", None) for i, data in enumerate(group, 1)]
        info = DocInfo("bench", "en", "bench", "bench", "bench", dt.date(2026, 1, 1), {})
        ms = median_ms(lambda: merge.merge_tagged(parts, info), args.repeats)
        size = len(merge.merge_tagged(parts, info))
        print(f"pack merge, {page}: {len(parts)} leaflets in {ms:.0f} ms, "
              f"{size / 1024:.0f} KiB from {sum(map(len, group)) / 1024:.0f} KiB of leaflets")

    long_text_times(next(leaflet for leaflet in leaflets if leaflet.lang == "en"), dirs, pictures, args.repeats)
    layout_quality(leaflets, dirs, langs, pictures)


if __name__ == "__main__":
    main()
