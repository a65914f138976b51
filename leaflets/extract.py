"""Texts for translators: the Babel extractor, the catalogue template, and each language's catalogue.

`pybabel extract -F babel.cfg -o leaflets.pot .` and `publish.py extract` give
the same messages: both run Babel's own walk (`extract_from_dir`) with the
method map of babel.cfg, which names `extract_leaflets` (the `leaflets` entry
point in pyproject.toml). The extractor reads a source with the project's
loader and lists its texts with `translate.messages`, the walker translation
itself uses, so the template's keys are the keys leaflets are translated by.

Each text carries notes (#.) that Poedit and Weblate show: what it is, the
glossary terms it holds, and what must stay as written.

Catalogues are merged with GNU msgmerge, which keeps a changed entry's old
English text as `#| msgid`; Babel 2.18's `update --previous` wraps those lines
in a form `msgfmt --check` rejects.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import icu
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import escape, write_po

from . import fonts
from .catalogue import languages
from .files import write_atomic
from .glossary import Glossary, glossary
from .load import ROOT, load_leaflet, load_pictures
from .model import Leaflet, Where
from .reader import InputError, Problem
from .translate import DOMAIN, INTERFACE, UI_LANG, Message, messages, ui_messages

CONFIG = ROOT / "babel.cfg"
BUGS = "the project's issue tracker"  # where translators report a wrong English text
TEMPLATE = f"{DOMAIN}.pot"  # in the translations folder
PROJECT, VERSION = "Baby-care leaflets", "1"
# Every catalogue is written by msgmerge, one line per text (no wrapping), so a diff shows the changed text.
MSGMERGE = ("msgmerge", "--previous", "--no-wrap", "--quiet")


class CatalogueError(Exception):
    """A catalogue cannot be written; the message says why and what to do."""


def _sentence(role: str) -> str:
    return role[0].upper() + role[1:] + ("" if role.endswith(".") else ".")


def notes(message: Message, words: Glossary) -> list[str]:
    """The notes for translators (#.): what the text is, the glossary terms it holds, and what to keep."""
    text = message.msgid if message.plural is None else f"{message.msgid}\n{message.plural}"
    found = [_sentence(message.role)] + [term.note for term in words.terms_in(text)]
    numbers = words.phone_numbers(text)
    if numbers:
        found.append(f"Keep the phone number{'s' * (len(numbers) > 1)} {', '.join(numbers)} exactly as written.")
    if "**" in text:
        found.append("Keep **bold** markers around the same words.")
    if "{" in text:
        found.append("Keep the {names} in braces as they are: they are filled in when printed.")
    return found


def extract_leaflets(fileobj: BinaryIO, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method for leaflet sources and interface.yaml: (line, function, message, notes).

    A broken source raises its InputError (file:line and fix) and stops the extraction: publish.py
    then writes nothing (pybabel leaves its output file empty)."""
    path = Path(fileobj.name)
    if path.name == "pictures.yaml":  # picture names, nothing to translate
        return
    if path.name == INTERFACE.name:
        found = list(ui_messages())  # read by translate.interface(), as the layout reads them
    else:
        found = messages(load_leaflet(path, load_pictures(path.with_name("pictures.yaml"))))
    words = glossary()
    for message in found:
        if message.plural is None:
            yield message.line, "pgettext", (message.context, message.msgid), notes(message, words)
        else:
            yield (message.line, "npgettext", (message.context, message.msgid, message.plural),
                   notes(message, words))


def _method_map() -> tuple[list[tuple[str, str]], dict]:
    with CONFIG.open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle, str(CONFIG))


def write_template(root: Path, target: Path, leaflets: list[Leaflet]) -> None:
    """Write the template: what `pybabel extract -F babel.cfg` extracts from `root`, dated by the
    newest edition of the leaflets (never the clock), so it changes only when the sources do."""
    methods, options = _method_map()
    newest = max(leaflet.edition.date for leaflet in leaflets)
    template = Catalog(project=PROJECT, version=VERSION, domain=DOMAIN, charset="utf-8",
                       copyright_holder="the baby-care leaflets project", msgid_bugs_address=BUGS,
                       creation_date=dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc))
    extracted: set[Path] = set()
    # The interface texts live beside the code, the sources wherever --sources says: two walks, in the
    # order pybabel's one walk of the repository takes (leaflets/ before sources/).
    ours = [(pattern, method) for pattern, method in methods if pattern == INTERFACE.relative_to(ROOT).as_posix()]
    walks = [(ROOT, ours + [m for m in methods if m[1] == "ignore"]), (root, [m for m in methods if m not in ours])]
    for top, mapping in walks:
        for name, line, msgid, comments, context in extract_from_dir(
                top, mapping, options, callback=lambda name, method, opts, top=top: extracted.add((top / name).resolve())):
            template.add(msgid, None, [(name, line)], auto_comments=comments, context=context)
    # Every source and the interface texts, or the template would lose texts without a word.
    unmapped = [path for path in (*(leaflet.source for leaflet in leaflets), INTERFACE)
                if path.resolve() not in extracted]
    if unmapped:
        raise InputError([Problem(Where(CONFIG, 1), f"no extractor is mapped to {unmapped[0]}",
                                  "keep leaflet sources in sources/ beside leaflets/, as babel.cfg maps them "
                                  "to the 'leaflets' extractor")])
    out = io.BytesIO()
    write_po(out, template, width=0, sort_output=False)
    write_atomic(target, out.getvalue())


def language(code: str) -> Locale:
    """The locale of a new language, e.g. 'pl', 'pt-BR' or 'pt_BR'; ValueError if Babel does not know it, if
    it is the leaflets' own language, or if no font draws its letters."""
    try:
        locale = Locale.parse(code.replace("-", "_"))  # as its folder is named: pt_BR
    except (ValueError, UnknownLocaleError) as err:
        raise ValueError(f"'{code}' is not a language Babel knows ({err}): "
                         "write a code such as pl, ur, bn or pt_BR") from err
    if locale.language == UI_LANG:
        raise ValueError(f"'{code}' is the language the leaflets are written in: it needs no catalogue")
    try:  # a font that draws the language's letters (CLDR exemplar characters, from ICU)
        fonts.text_family(str(locale).replace("_", "-"))
    except fonts.NoFont as err:
        raise ValueError(f"{err}: {locale.english_name} could not be printed") from err
    return locale


def catalogue_path(translations: Path, locale: Locale) -> Path:
    return translations / str(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def _header(locale: Locale) -> str:
    """The header entry of a new catalogue: its language, and its plural forms from Babel's locale data."""
    fields = [("Project-Id-Version", f"{PROJECT} {VERSION}"), ("Report-Msgid-Bugs-To", BUGS),
              # Filled in by the translator's editor on the first save; never the clock, so init-po is reproducible.
              ("PO-Revision-Date", "2026-01-01 00:00+0000"), ("Last-Translator", "not yet"),
              ("Language-Team", f"{locale.english_name}"), ("Language", str(locale)),
              ("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=UTF-8"),
              ("Content-Transfer-Encoding", "8bit"), ("Plural-Forms", str(get_plural(locale))),
              # Draft until a professional translator has reviewed it (the leaflets say so).
              ("X-Review-Status", "draft")]
    lines = [f"# {locale.english_name} translation of the baby-care leaflets.", 'msgid ""', 'msgstr ""']
    lines += [escape(f"{name}: {value}\n") for name, value in fields]
    return "\n".join(lines) + "\n"


def _template(translations: Path) -> Path:
    template = translations / TEMPLATE
    if not template.is_file():
        raise CatalogueError(f"{template} is missing: write it first with 'make pot'")
    return template


def _msgmerge(*args: str | Path) -> None:
    if shutil.which(MSGMERGE[0]) is None:
        raise CatalogueError("msgmerge is missing: install the Debian package gettext ('make setup' does)")
    done = subprocess.run([*MSGMERGE, *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise CatalogueError(done.stderr.strip())


def init_catalogue(translations: Path, locale: Locale) -> Path:
    """A new catalogue for a language: every text of the template, untranslated, with the language's headers."""
    template, target = _template(translations), catalogue_path(translations, locale)
    if target.exists():
        raise CatalogueError(f"{target} exists already: bring it up to date with 'make update-po'")
    with tempfile.TemporaryDirectory() as folder:
        header, merged = Path(folder, "header.po"), Path(folder, "merged.po")
        header.write_text(_header(locale), encoding="utf-8")
        # Merged like every update, so the first update changes nothing but new texts.
        _msgmerge("--output-file", merged, header, template)
        write_atomic(target, merged.read_bytes())
    return target


def update_catalogues(translations: Path) -> list[Path]:
    """Merge the template into every language's catalogue: new texts are added untranslated, a changed
    text becomes fuzzy with its old English kept as `#| msgid`, and a removed one becomes obsolete (#~)."""
    template = _template(translations)
    catalogues = [translations / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
                  for _, folder in sorted(languages(translations).items())]
    for path in catalogues:
        _msgmerge("--update", "--backup=none", path, template)
    return catalogues
