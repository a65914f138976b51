#!/usr/bin/env python3
"""Print how long publishing takes: median ms per PDF for each format, what tagging
costs, the check time and the pack merge time. Run by `make bench`; nothing here is asserted."""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from leaflets import fonts, merge
from leaflets.build import Dirs, available_langs, decide, doc_info
from leaflets.check import check_pdf
from leaflets.layout import Context, lay_out
from leaflets.load import load_layout, load_sources
from leaflets.model import FORMATS
from leaflets.plan import DocInfo
from leaflets.render import render
from leaflets.catalogue import catalogue
from leaflets.translate import translate


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
                cat = catalogue(dirs.translations, lang, leaflet.lang)
                decision = decide(leaflet, cat, allow_fallback=True)
                if not decision.publish:
                    continue
                translated = translate(leaflet, cat)
                context = Context(decision.draft, tuple(langs), pictures, fallback=translated.fallback,
                                  source_lang=leaflet.lang)
                plan = lay_out(translated.leaflet, layout, cat, context)
                info = doc_info(translated.leaflet, layout, decision.draft)
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


if __name__ == "__main__":
    main()
