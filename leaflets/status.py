"""The translators' QA report: per language and leaflet, what is translated, and everything wrong.

For each catalogue: the counts of translated, fuzzy, untranslated and obsolete
messages, its review status, and every finding, each at its .po line:
- our own checks, which refuse a message in a build (catalogue.py: bold
  markers, placeholders, numbers, names to keep, glyphs);
- translate-toolkit's checkers, the library behind `pofilter`, as warnings;
- layout fit (fit.py): a word wider than its column, a heading or an
  easy-read row with more lines than the layout allows, in every format.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from translate.filters import checks
from translate.storage import po

from .build import Dirs, available_langs, decide
from .catalogue import Catalogue, bcp47, catalogue
from .fit import misfits
from .layout import Context, lay_out
from .load import load_layout, load_sources
from .model import FORMATS, Leaflet
from .reader import InputError
from .translate import UI_LANG, translate

# translate-toolkit's checks that speak to our texts (pofilter's names). Numbers and braces are left to our
# own checks, which allow ١١١ for 111 and know which texts are filled in.
TOOLKIT_CHECKS = ["xmltags", "endpunc", "doublespacing", "acronyms"]


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    context: str
    check: str  # ours ("catalogue", "fit") or translate-toolkit's filter name
    severity: str  # "error": the build refuses the message; "warning": worth a look
    message: str
    fix: str = ""

    def __str__(self) -> str:
        head = f"{self.file}:{self.line}: {self.severity}: msgctxt \"{self.context}\": [{self.check}] {self.message}"
        return head + (f"\n    fix: {self.fix}" if self.fix else "")


@dataclass(frozen=True)
class LeafletStatus:
    leaflet: str
    messages: int
    translated: int
    fuzzy: int
    untranslated: int
    published: str  # "yes", "draft" or "no"


@dataclass(frozen=True)
class LanguageStatus:
    lang: str
    file: str
    review: str  # "reviewed by <name>" or "draft"
    obsolete: int
    leaflets: tuple[LeafletStatus, ...]
    findings: tuple[Finding, ...]
    error: str = ""  # the catalogue cannot be read at all


def status(dirs: Dirs, langs: list[str] | None = None) -> list[LanguageStatus]:
    """The report for every language with a catalogue (or those asked for)."""
    sources = load_sources(dirs.sources)
    layouts = [load_layout(dirs.layouts / f"{name}.yaml") for name in FORMATS]
    report = []
    for lang in langs or available_langs(dirs):
        if bcp47(lang) == UI_LANG:
            report.append(LanguageStatus(lang, "", "", 0, (), (), f"{lang} is the language the leaflets are "
                                         "written in: it has no catalogue"))
            continue
        try:
            cat = catalogue(dirs.translations, lang, UI_LANG)
        except InputError as err:
            report.append(LanguageStatus(lang, str(err.problems[0].where.file), "", 0, (), (), str(err)))
            continue
        units = [u for u in po.pofile.parsefile(str(cat.path)).units if not u.isheader()]
        findings = [*_ours(cat), *_toolkit(cat, units)]
        rows = []
        for leaflet in sources.leaflets:
            rows.append(_leaflet_status(leaflet, cat))
            findings += _fit(leaflet, cat, layouts, sources.pictures)
        review = f"reviewed by {cat.reviewed_by}" if cat.reviewed else "draft"
        obsolete = sum(u.isobsolete() for u in units)
        report.append(LanguageStatus(cat.lang, str(cat.path), review, obsolete, tuple(rows),
                                     tuple(sorted(findings, key=lambda f: f.line))))
    return report


def _leaflet_status(leaflet: Leaflet, cat: Catalogue) -> LeafletStatus:
    decision = decide(leaflet, cat, allow_fallback=False)
    coverage = decision.coverage  # of the leaflet's texts and the interface texts it prints
    published = "no" if not decision.publish else "draft" if decision.draft else "yes"
    return LeafletStatus(leaflet.id, coverage.messages, coverage.translated, coverage.fuzzy,
                         coverage.untranslated, published)


def _ours(cat: Catalogue) -> list[Finding]:
    return [Finding(str(p.where.file), p.where.line, context, "catalogue", "error", p.message.split(": ", 1)[1], p.fix)
            for (context, _), entry in cat.entries.items() for p in entry.problems]


def _toolkit(cat: Catalogue, units: list) -> list[Finding]:
    """translate-toolkit's checks on every final translation (fuzzy and empty ones are not printed)."""
    # Told the language, so that a Chinese "。" or an Arabic "؟" counts as the English "." or "?".
    config = checks.CheckerConfig(targetlanguage=cat.lang.split("-")[0])
    checker = checks.StandardChecker(checkerconfig=config, limitfilters=TOOLKIT_CHECKS)
    found = []
    for unit in units:
        if unit.isobsolete() or unit.isfuzzy() or not unit.istranslated():
            continue
        entry = cat.entries.get((unit.getcontext(), unit.source))
        line = entry.line if entry else 0
        for name, message in sorted(checker.run_filters(unit).items()):
            found.append(Finding(str(cat.path), line, unit.getcontext(), name, "warning", str(message)))
    return found


def _fit(leaflet: Leaflet, cat: Catalogue, layouts, pictures) -> list[Finding]:
    """Layout fit of the translated leaflet in every format, reported at the message of the block that
    does not fit (the first message of that block)."""
    translated = translate(leaflet, cat)
    found = []
    for layout in layouts:
        plan = lay_out(translated.leaflet, layout, cat, Context(pictures=pictures, fallback=translated.fallback,
                                                                 source_lang=leaflet.lang))
        for misfit in misfits(plan):
            # The title's element is "title"; a block's elements start with its id.
            prefix = f"{leaflet.id}/leaflet/title" if misfit.block == "title" else f"{leaflet.id}/{misfit.block}/"
            lines = [(entry.line, context) for (context, _), entry in cat.entries.items()
                     if context.startswith(prefix) and entry.state == "translated"]
            if lines:  # a text still in English is the source's to fit, not the translator's
                line, context = min(lines)
                found.append(Finding(str(cat.path), line, context, "fit", "warning", misfit.message, misfit.fix))
    return found


def format_report(report: list[LanguageStatus]) -> str:
    head = f"{'lang':<8} {'leaflet':<30} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'published':>9}"
    out = [head, "-" * len(head)]
    for lang in report:
        if lang.error:
            out.append(f"{lang.lang:<8} no report:\n{lang.error}")
            continue
        for row in lang.leaflets:
            out.append(f"{lang.lang:<8} {row.leaflet:<30} {row.translated:>6}/{row.messages:<3} {row.fuzzy:>6} "
                       f"{row.untranslated:>12} {row.published:>9}")
        out.append(f"{'':<8} {lang.file}: {lang.review}, {lang.obsolete} obsolete, "
                   f"{len(lang.findings)} finding(s)")
    for lang in report:
        out += [str(finding) for finding in lang.findings]
    if not report:
        out.append("no catalogues yet: start one with make init-po LANG=xx")
    return "\n".join(out)


def has_errors(report: list[LanguageStatus]) -> bool:
    """Whether a catalogue cannot be used, or holds a message the build refuses."""
    return any(lang.error or any(f.severity == "error" for f in lang.findings) for lang in report)


def as_json(report: list[LanguageStatus]) -> list[dict]:
    return [asdict(lang) for lang in report]
