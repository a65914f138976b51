#!/usr/bin/env python3
"""Publish accessible baby-care leaflets: large print, easy read and standard PDFs, and clinic packs.

Exit codes: 0 done; 1 bad input (the message names the file, the line and the fix) or an output that
cannot be written (the message names it and the cause); 2 wrong usage; 130 interrupted; 143 terminated.
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from leaflets.files import OutputError, uninterrupted
from leaflets.model import FORMATS
from leaflets.pool import cpu_count


EXAMPLES = """\
examples:
  python publish.py build                              every leaflet, language and format
  python publish.py build --leaflet crafting-connections --format large-print
  python publish.py build --leaflet crafting-connections --size 28   large print at 28 pt
  python publish.py pack packs/postnatal-ward-a4.yaml
  python publish.py status --lang pl
  python publish.py check output/en/*.pdf
  python publish.py site                               the catalogue: output/site/index.html
  python publish.py preflight output/packs/postnatal-ward-a4.pdf --ticket output/packs/postnatal-ward-a4.ticket.json
"""


PACK_FORMAT = """\
a pack definition (packs/README.md):
  name: postnatal-ward-a4     the file name: lower-case letters, digits, hyphens
  clinic: Postnatal ward      printed on the contents page and the ticket
  lang: en                    optional: the language of the contents page
  split: colour               optional: also a press run per colour (as --split colour)
  binding: booklet            optional: A5 leaflets as saddle-stitched booklets on A4 (default loose)
  print_marks: true           optional: each file printed from also with crop marks (as --print-marks)
  order:                      optional, for the ticket; any of:
    reference: PW-2026-0117
    date: 2026-01-17          YYYY-MM-DD; 'due' (the same) is not before it
    due: 2026-01-30
    contact: {name: Sam Okafor, phone: 0114 496 0123, email: ward@example.org}
    delivery: [Postnatal ward, Level 2, Example Hospital]
  items:                      the leaflets, in print order; each (leaflet, lang, format) once
    - {leaflet: crafting-connections, lang: en, format: large-print, copies: 10}
  format is large-print, easy-read (both A4) or standard (A5): one page size per pack;
  copies is a whole number from 1 to 10,000
"""


def _dirs(args):
    from leaflets.build import Dirs
    defaults = Dirs()
    return Dirs(sources=args.sources or defaults.sources, translations=args.translations or defaults.translations,
                layouts=args.layouts or defaults.layouts, out=args.out or defaults.out,
                site=getattr(args, "site_config", None))


def _report(entries: list[dict], errors: list[str], out: Path) -> int:
    for entry in entries:
        print(f"wrote {out / entry['path']} ({entry['pages']} pages)")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


def cmd_build(args) -> int:
    from leaflets.build import build_leaflets, progress_bar
    dirs = _dirs(args)
    result = build_leaflets(dirs, args.leaflet, args.lang, args.format, args.size, progress_bar(),
                            allow_fallback=args.allow_fallback, jobs=args.jobs)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    status = _report(result.entries if args.verbose else [], result.errors, dirs.out)
    print(f"published {len(result.entries)} PDFs into {dirs.out}"
          + (f" ({result.unchanged} unchanged, not made again)" if result.unchanged else ""))
    return max(status, 1 if args.strict and result.warnings else 0)


def cmd_pack(args) -> int:
    from leaflets.pack import build_pack
    dirs = _dirs(args)
    status = 0
    for number, definition in enumerate(args.definition, 1):
        try:
            with uninterrupted():  # Ctrl-C or SIGTERM stops between two packs
                result = build_pack(definition, dirs, split=None if args.split is None else args.split == "colour",
                                    marks=args.print_marks)
        except OutputError as err:  # the output folder takes no more: neither would it take the other packs
            raise err.skipping(len(args.definition) - number, "more pack") from None
        if result.unchanged:
            print(f"{dirs.out / result.entries[0]['path']} is up to date")
        status = max(status, _report([] if result.unchanged else result.entries, result.errors, dirs.out))
    return status


def cmd_extract(args) -> int:
    from leaflets.extract import write_template
    from leaflets.load import load_sources
    dirs = _dirs(args)
    sources = load_sources(dirs.sources)
    for error in sources.errors:
        print(f"error: {error}", file=sys.stderr)
    if sources.errors:
        return 1
    if not sources.leaflets:
        print(f"error: no leaflet sources in {dirs.sources}", file=sys.stderr)
        return 1
    target = dirs.translations / "leaflets.pot"
    # The paths in the template are relative to the folder that holds the sources, as babel.cfg's are.
    write_template(dirs.sources.resolve().parent, target, sources.leaflets)
    print(f"wrote {target}")
    return 0


def cmd_init_po(args) -> int:
    from leaflets.extract import init_catalogue
    from leaflets.build import Dirs
    target = init_catalogue(args.translations or Dirs().translations, args.lang)
    print(f"wrote {target}")
    return 0


def cmd_update_po(args) -> int:
    from leaflets.extract import update_catalogues
    from leaflets.build import Dirs
    updated = update_catalogues(args.translations or Dirs().translations)
    for path in updated:
        print(f"updated {path}")
    return 0


def cmd_status(args) -> int:
    import json

    from leaflets.status import as_json, format_report, has_errors, status
    report = status(_dirs(args), args.lang or None)
    print(json.dumps(as_json(report), indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 1 if has_errors(report) else 0


def cmd_check(args) -> int:
    from leaflets.check import check_files
    return check_files(args.files, cache=args.cache, quiet=args.quiet)


def cmd_preflight(args) -> int:
    import json
    from leaflets.preflight import run
    files = args.files
    if not files:  # every print file the ticket lists, beside it
        if args.ticket is None:
            print("error: name the print files, or give --ticket to check every file it lists", file=sys.stderr)
            return 2
        try:
            files = [args.ticket.parent / f["file"] for f in json.loads(args.ticket.read_text("utf-8"))["files"]]
        except (OSError, ValueError, KeyError, TypeError) as err:
            print(f"error: {args.ticket}: cannot read the print files it lists ({err})\n"
                  "    fix: give the ticket.json that publish.py pack wrote", file=sys.stderr)
            return 1
    return run(files, args.ticket)


def cmd_site(args) -> int:
    from leaflets.build import Dirs
    from leaflets.deskcopy import build_desk_copy
    from leaflets.site import SiteError, publish_site
    out = args.out or Path(__file__).resolve().parent / "output"
    try:
        # The page first: it checks what has been published (the manifest and every PDF it lists) before
        # the desk copy is added to it; again after a new desk copy, so that it is listed.
        written = publish_site(out, args.site_config)
        desk = build_desk_copy(Dirs(out=out, site=args.site_config))
        if desk.entries and not desk.unchanged:
            written = publish_site(out, args.site_config)
    except SiteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for error in desk.errors:
        print(f"error: {error}", file=sys.stderr)
    for entry in desk.entries:
        print(f"{out / entry['path']} is up to date" if desk.unchanged else
              f"wrote {out / entry['path']} ({entry['pages']} pages)")
    qr = f", {written.qr_codes} QR codes" if written.qr_codes else ""
    print(f"wrote {written.index} ({written.items} PDFs listed{qr})")
    return 1 if desk.errors else 0


def language(code: str):
    """A language code Babel knows, as its locale (for init-po)."""
    from leaflets.extract import language as babel_locale
    try:
        return babel_locale(code)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def jobs(text: str) -> int:
    """A number of processes: a whole number, at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes; write a whole number, 1 or more")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="publish.py", description=__doc__, epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def dirs_options(cmd):
        cmd.add_argument("--sources", type=Path, metavar="DIR", help="leaflet sources (default: sources/)")
        cmd.add_argument("--translations", type=Path, metavar="DIR",
                         help="gettext catalogues (default: translations/)")
        cmd.add_argument("--layouts", type=Path, metavar="DIR", help="layouts (default: layouts/)")
        cmd.add_argument("--out", type=Path, metavar="DIR", help="where PDFs go (default: output/)")

    b = sub.add_parser("build", help="publish leaflets as PDFs into OUT/<lang>/<leaflet>.<format>.pdf",
                       description="Publish leaflets as PDFs into OUT/<lang>/<leaflet>.<format>.pdf and list "
                                   "them in OUT/manifest.json. Without options: every leaflet, in every "
                                   "language with a catalogue, in every format.")
    b.add_argument("--leaflet", action="append", default=[], metavar="ID",
                   help="only this leaflet (its file name without .yaml); repeatable")
    b.add_argument("--lang", action="append", default=[], metavar="CODE",
                   help="only this language (e.g. en, ur, pt-BR; or as its folder is named, pt_BR); "
                        "repeatable")
    b.add_argument("--format", action="append", default=[], choices=FORMATS, metavar="NAME",
                   help=f"only this format: {', '.join(FORMATS)}; repeatable")
    b.add_argument("--size", type=float, metavar="PT",
                   help="modified large print for one reader: body text at PT points, reflowed, within the "
                        "layout's size_range (16-36 in layouts/large-print.yaml); "
                        "writes <leaflet>.large-print-<PT>pt.pdf")
    b.add_argument("--allow-fallback", action="store_true",
                   help="publish a leaflet whose translation is incomplete (untranslated or fuzzy texts) as a "
                        "draft: those texts in English, and a draft notice on page 1. Without it, such a "
                        "leaflet is not published in that language, and any earlier PDF of it is removed. "
                        "A leaflet with nothing translated is never published.")
    b.add_argument("--strict", action="store_true",
                   help="exit 1 if any leaflet is not published in a language for want of translation "
                        "(by default that is a warning)")
    b.add_argument("-j", "--jobs", type=jobs, default=cpu_count(), metavar="N",
                   help="make N PDFs at once, each in a process of its own (default: the number of CPUs, "
                        "here %(default)s); 1 makes them one after another in this process. The PDFs, the "
                        "messages and the manifest are the same whatever N is")
    b.add_argument("-v", "--verbose", action="store_true", help="list every PDF written")
    b.add_argument("--site-config", type=Path, metavar="FILE",
                   help="the site file (default: site.yaml, if there is one): with its base_url, each leaflet's "
                        "back page has a QR code to its entry in the catalogue")
    dirs_options(b)
    b.set_defaults(run=cmd_build)

    k = sub.add_parser("pack", help="merge leaflets into a clinic pack (packs/*.yaml)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Merge the leaflets a pack definition lists into OUT/packs/<name>.pdf:\n"
                                   "a contents page, then each leaflet on a right-hand page, tagged and\n"
                                   "bookmarked, with its job tickets for the print shop: OUT/packs/<name>.ticket.txt\n"
                                   "(English) and <name>.ticket.json (packs/ticket.schema.json): order, items,\n"
                                   "page ranges, copies, colours read from the PDF, sheet and impression totals.\n"
                                   "Every print file has the PDF/X-4 properties; with 'binding: booklet' the\n"
                                   "order prints from <name>.booklet.pdf (imposed, untagged). Its leaflets are\n"
                                   "brought up to date first.\n\n" + PACK_FORMAT)
    k.add_argument("definition", nargs="+", type=Path, metavar="PACK.yaml")
    k.add_argument("--split", choices=("colour", "none"), default=None,
                   help="colour: besides the pack (for office printing), write a press run per colour, "
                        "<name>.1-1.pdf (black only) and <name>.4-4.pdf (colour), as the PDF's own colours "
                        "say; none: the pack only (default: as the pack's 'split:' says, else none)")
    k.add_argument("--print-marks", action=argparse.BooleanOptionalAction, default=None,
                   help="also write each file printed from with crop marks and 3 mm bleed, as <file>.marks.pdf "
                        "(default: as the pack's 'print_marks:' says, else not)")
    dirs_options(k)
    k.set_defaults(run=cmd_pack)

    x = sub.add_parser("extract", help="write translations/leaflets.pot from the sources",
                       description="Write the catalogue template translations/leaflets.pot: every text of "
                                   "every leaflet, with a context of leaflet/block/field and its source line. "
                                   "The same messages as 'pybabel extract -F babel.cfg'. Then "
                                   "'publish.py update-po' merges it into each language's catalogue.")
    dirs_options(x)
    x.set_defaults(run=cmd_extract)

    def translations_option(cmd):
        cmd.add_argument("--translations", type=Path, metavar="DIR",
                         help="gettext catalogues and the template (default: translations/)")

    u = sub.add_parser("update-po", help="merge leaflets.pot into every language's catalogue (GNU msgmerge)",
                       description="Merge the template translations/leaflets.pot into every "
                                   "translations/<lang>/LC_MESSAGES/leaflets.po with GNU msgmerge: a new text is "
                                   "added untranslated (or fuzzy, with a similar text's translation), a changed "
                                   "text is marked fuzzy with its previous English kept as '#| msgid', a removed "
                                   "text is kept at the end as obsolete (#~). Run 'publish.py extract' first "
                                   "(make update-po does).")
    translations_option(u)
    u.set_defaults(run=cmd_update_po)

    i = sub.add_parser("init-po", help="start the catalogue of a new language from leaflets.pot",
                       description="Write translations/<lang>/LC_MESSAGES/leaflets.po from the template: every "
                                   "text untranslated, with the headers Language, Plural-Forms (from Babel's "
                                   "locale data), Content-Type UTF-8 and X-Review-Status: draft. Refuses a "
                                   "language that already has a catalogue.")
    i.add_argument("lang", type=language, metavar="LANG",
                   help="a language code Babel knows, e.g. pl, ur, bn or pt_BR")
    translations_option(i)
    i.set_defaults(run=cmd_init_po)

    t = sub.add_parser("status", help="the translators' report: what is translated, and what is wrong",
                       description="For every language with a catalogue (or each --lang): per leaflet, its "
                                   "translated, fuzzy and untranslated messages and whether it is published; the "
                                   "catalogue's review status and obsolete messages; then every finding at its .po "
                                   "line: errors the build refuses (bold markers, placeholders, numbers, names "
                                   "to keep, characters no font draws), translate-toolkit's checks (numbers, "
                                   "printf and braces, XML tags, end punctuation, double spaces, acronyms) and "
                                   "layout fit (a word wider than its column, a heading or easy-read row over "
                                   "the layout's max_lines).")
    t.add_argument("--lang", action="append", default=[], metavar="CODE", help="only this language; repeatable")
    t.add_argument("--json", action="store_true", help="the same report as JSON")
    dirs_options(t)
    t.set_defaults(run=cmd_status)

    c = sub.add_parser("check", help="check PDFs against PDF/UA-1 and our reading rules",
                       description="Report, for each PDF, the PDF/UA-1 conditions a program can verify "
                                   "(with Matterhorn Protocol numbers) and, for our own leaflets, the "
                                   "large-print and easy-read rules. Exit 1 if any error.")
    c.add_argument("files", nargs="+", type=Path, metavar="FILE")
    c.add_argument("--cache", type=Path, metavar="FILE", help="remember results by sha256 in FILE")
    c.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    c.set_defaults(run=cmd_check)

    f = sub.add_parser("preflight", help="check print files before they go to press",
                       description="Read each print file back and report, per file and page: the boxes "
                                   "(a TrimBox on every page, within the BleedBox and MediaBox), the page "
                                   "count (a multiple of 4 for each booklet), fonts embedded with unique "
                                   "subset tags, the colours each page uses against the ticket (text on a "
                                   "1/1 page in black only), raster images at 300 ppi or more as drawn, and "
                                   "a PDF/X output intent with a printer profile. Exit 1 if any error.")
    f.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="the print files (default: every file the --ticket lists)")
    f.add_argument("--ticket", type=Path, metavar="TICKET.json",
                   help="the job ticket (OUT/packs/<pack>.ticket.json): each item's pages, colours and binding")
    f.set_defaults(run=cmd_preflight)

    s = sub.add_parser("site", help="write the catalogue for midwives: OUT/site/index.html",
                       description="Write OUT/site/index.html from OUT/manifest.json and the PDFs: every leaflet, "
                                   "in each language and format, with a thumbnail of its first page, its pages, "
                                   "size and draft flag, and links to open, print and download it; a filter by "
                                   "language and format. It opens from the file system or any web server. With "
                                   "a site file (site.yaml: 'base_url: https://…/', where OUT is published), "
                                   "each entry has a QR code of its PDF's address. First the desk copy, "
                                   "OUT/site/desk-copy.pdf: the same list as a tagged A4 PDF for a clinic's desk "
                                   "or wall, each leaflet with its languages in their own scripts, its formats "
                                   "and, with a base URL, a QR code to its entry.")
    s.add_argument("--out", type=Path, metavar="DIR", help="the published output (default: output/)")
    s.add_argument("--site-config", type=Path, metavar="FILE",
                   help="the site file (default: site.yaml, if there is one; without one, no QR codes)")
    s.set_defaults(run=cmd_site)
    return p


def terminate(signum, frame):
    """SIGTERM ends a build like Ctrl-C, between two PDFs (or packs): each one written is in the manifest."""
    raise SystemExit(128 + signum)


def reported() -> tuple[type[Exception], ...]:
    """The errors a command reports in one message: a font file missing or unusable, or a mistake in
    leaflets/fonts.yaml; a mistake in a file a person writes; a catalogue that cannot be written. Each is
    looked for only if its module was loaded (else it cannot have been raised), so a command loads no more
    than it uses."""
    found = [("leaflets.fontfiles", "FontsError"), ("leaflets.reader", "InputError"),
             ("leaflets.extract", "CatalogueError"), ("leaflets.pdfx", "ProfileError")]
    return tuple(getattr(sys.modules[module], name) for module, name in found if module in sys.modules)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over `ulimit -f` is then an EFBIG error, not a kill
    try:
        return args.run(args)
    except OutputError as err:
        clear = "\r\033[K" if sys.stderr.isatty() else ""  # the progress bar's unfinished line
        print(f"{clear}error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        if not isinstance(err, reported()):
            raise
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
