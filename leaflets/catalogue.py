"""A language's translations, read from its .po file and checked before anything is printed.

The build reads `translations/<folder>/LC_MESSAGES/leaflets.po` itself, with
Babel, so that it knows what gettext would hide: each message's line, whether
it is fuzzy, and its plural forms. A fuzzy or empty message counts as
untranslated and is printed in the source language. Every translation that
would be printed is checked (bold markers, placeholders, numbers, glyphs); a
message that fails a check is never printed, and the leaflets that need it are
refused in that language. A mistake in the file itself (not UTF-8, not valid
.po) refuses the whole language:

    translations/pl/LC_MESSAGES/leaflets.po:412: msgctxt "crafting-connections/rush-of-love/text": unbalanced '**'…
        fix: …

A folder is named the gettext way (`pt_BR`, `zh_Hans`); the language is the
BCP 47 code (`pt-BR`, `zh-Hans`) in /Lang, the manifest and the output folder.
"""
from __future__ import annotations

import gettext
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email import message_from_string
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, PoFileParser

from . import catalogcache, fonts, linebreak, markup
from .glossary import glossary
from .model import Where
from .reader import InputError, Problem, close, printable, within_limit
from .translate import DOMAIN, EASY_READ_ROLE, EASY_READ_WORDS, UI_LANG, Message, interface

REVIEW_STATUSES = ("draft", "reviewed")
EASY_READ_NOTE = EASY_READ_ROLE.split(":")[0].capitalize()  # the note (#.) on each easy read text


def bcp47(code: str) -> str:
    """A gettext language code as BCP 47: pt_BR → pt-BR. A BCP 47 code stays as it is."""
    return code.replace("_", "-")


def languages(directory: Path) -> dict[str, str]:
    """Each language with a catalogue, by its BCP 47 code: the folder that holds it."""
    if not directory.is_dir():
        return {}
    return {bcp47(p.parent.parent.name): p.parent.parent.name
            for p in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


# --- checks ---------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """One translated text beside its English, for the checks."""
    context: str
    english: str
    text: str
    lang: str
    count: str | None = None  # the count's placeholder, which this plural form (for one number only) may leave out
    easy_read: bool = False  # sentences beside an easy read picture

    @property
    def interface(self) -> bool:
        return self.context.startswith("ui/")


# A check: None if the translation is right, else (what is wrong, the fix), like reader.TextRule.
Check = Callable[[Pair], tuple[str, str] | None]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


@check
def bold_markers(pair: Pair) -> tuple[str, str] | None:
    try:
        markup.spans(pair.text)
    except markup.MarkupError as err:
        return str(err), "put '**' before and after the same words as the English does"
    return None


def _fields(text: str) -> list[str]:
    """The replacement fields of an interface text, as written: '{page}', '{page!r}'; ValueError if a brace is
    unpaired."""
    return ["{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            for _, name, spec, conversion in string.Formatter().parse(text) if name is not None]


@check
def placeholders(pair: Pair) -> tuple[str, str] | None:
    if not pair.interface:  # leaflet texts are never filled in: a brace is printed, so only where the English has it
        unknown = sorted(set(re.findall(r"\{[^{}]*\}", pair.text)) - set(re.findall(r"\{[^{}]*\}", pair.english)))
        return (f"{', '.join(unknown)} is not in the English", "remove it, or write it as the English does") \
            if unknown else None
    english = _fields(pair.english)
    fix = f"keep the placeholders of the English, untranslated, in braces: {', '.join(english) or 'none'}"
    try:
        found = _fields(pair.text)
    except ValueError:
        return "a '{' or '}' without its pair", fix
    unknown = sorted(set(found) - set(english))
    # One plural form may stand for one number only ("one copy"), without the count.
    missing = sorted(set(english) - set(found) - {f"{{{pair.count}}}"})
    what = [f"{', '.join(unknown)} is not a placeholder of the English"] if unknown else []
    what += [f"{', '.join(missing)} is missing"] if missing else []
    return ("; ".join(what), fix) if what else None


# A number: digits in any script, with separators between groups of them ("0114 271 7000", "1,000", "4.5",
# "٤٫٥"). Spaces, apostrophes and the Arabic thousands separator only group digits; a dot, a comma or the
# Arabic decimal separator before exactly three digits groups them too ("1,000", "1.000"), and otherwise marks
# the decimals ("4.5", "4,5").
GROUPING = " \u00a0\u202f'’\u066c"
DECIMAL = ".,\u066b\u060c"
NUMBER_RE = re.compile(rf"\d+(?:[{GROUPING}{DECIMAL}]\d+)*")


def _value(written: str) -> str:
    """A number as its value, in ASCII digits with '.' for decimals: '1 000' and '1,000' are '1000';
    '4.5', '4,5' and '٤٫٥' are '4.5'; '١١١' is '111'."""
    pieces = re.split(r"(\D)", written)  # digits, separator, digits…
    value = "".join(str(unicodedata.decimal(c)) for c in pieces[0])
    for separator, digits in zip(pieces[1::2], pieces[2::2]):
        grouping = separator in GROUPING or len(digits) == 3
        value += ("" if grouping else ".") + "".join(str(unicodedata.decimal(c)) for c in digits)
    return value


def numbers(text: str) -> Counter[str]:
    """The numbers of a text by their values, in any script and with any separators."""
    return Counter(_value(found) for found in NUMBER_RE.findall(text))


@check
def same_numbers(pair: Pair) -> tuple[str, str] | None:
    lost = sorted(numbers(pair.english) - numbers(pair.text))  # each number once, however often it is lost
    if not lost:
        return None
    found = sorted(numbers(pair.text))
    return (f"the number {', '.join(lost)} of the English is missing or changed"
            f" (the translation has {', '.join(found) or 'no number'})",
            f"write {', '.join(lost)} as the English does (in the digits of your script if you like)")


@check
def kept_names(pair: Pair) -> tuple[str, str] | None:
    """The glossary's names ("NHS 111") stay as written; digits may be in the script of the language."""
    ascii_digits = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in pair.text)
    lost = [name for name in glossary().names_to_keep(pair.english) if name not in ascii_digits]
    if not lost:
        return None
    names = ", ".join(f'"{name}"' for name in lost)
    return (f"{names} of the English is missing: it is a name, kept as written",
            f"write {names} exactly as the English does (see translations/glossary.yaml)")


@check
def printable_text(pair: Pair) -> tuple[str, str] | None:
    """No control character, lone surrogate or noncharacter, as in a source text (reader.printable)."""
    wrong = printable(pair.text)
    return (wrong[0], "remove it: a translation holds only characters that print") if wrong else None


@check
def text_within_limit(pair: Pair) -> tuple[str, str] | None:
    """At most reader.MAX_TEXT_CHARS characters, as a source text."""
    wrong = within_limit(pair.text)
    return (wrong[0], "split it into paragraphs in the source (ask the editors), or shorten it") if wrong else None


@check
def short_sentences(pair: Pair) -> tuple[str, str] | None:
    """The easy read rule, in every language: at most EASY_READ_WORDS words a sentence (ICU's words)."""
    if not pair.easy_read:
        return None
    for sentence in linebreak.sentences(markup.plain(pair.text), pair.lang):
        words = linebreak.word_count(sentence, pair.lang)
        if words > EASY_READ_WORDS:
            return (f"an easy read sentence has {words} words, more than {EASY_READ_WORDS}: “{sentence[:60]}”",
                    "split it into shorter sentences, one idea each")
    return None


@check
def drawable(pair: Pair) -> tuple[str, str] | None:
    missing = fonts.missing_glyphs(pair.text, pair.lang)
    if not missing:
        return None
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing)
    return (f"no font for '{pair.lang}' draws {shown}",
            "remove the character or write it another way; a new script needs a font in leaflets/fonts.yaml")


# --- the catalogue ----------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One message of a .po file."""
    forms: tuple[str, ...]  # the translation: one text, or one per plural form
    fuzzy: bool
    problems: tuple[Problem, ...] = ()  # what its checks found
    line: int = 0  # of its msgid in the .po file

    @property
    def state(self) -> str:
        if not all(self.forms):
            return "untranslated"
        return "fuzzy" if self.fuzzy else "bad" if self.problems else "translated"


@dataclass(frozen=True)
class Coverage:
    """What a catalogue gives for a set of messages (a leaflet's)."""
    messages: int
    untranslated: int  # fuzzy ones not counted
    fuzzy: int
    problems: tuple[Problem, ...]
    refused: int = 0  # translated, but failing a check: never printed

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy)

    @property
    def translated(self) -> int:
        """Final translations that pass every check: what is printed."""
        return self.messages - self.untranslated - self.fuzzy - self.refused


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


@dataclass(frozen=True)
class Catalogue:
    """The translations of one language; the source language's is a pass-through. Shared by every job in
    that language, so it holds no state."""
    lang: str  # BCP 47
    source_lang: str
    entries: Mapping[tuple[str, str], Entry] = field(default_factory=dict)  # by (context, msgid)
    plural: Callable[[int], int] = _english_plural  # a count → the index of its plural form
    reviewed: bool = True  # X-Review-Status: reviewed
    reviewed_by: str = ""  # X-Reviewed-By
    path: Path | None = None  # the .po file; None for the source language

    @property
    def is_source(self) -> bool:
        return self.lang == self.source_lang

    def state(self, message: Message) -> str:
        """'translated', 'untranslated', 'fuzzy' or 'bad' (it fails a check)."""
        if self.is_source:
            return "translated"
        entry = self.entries.get((message.context, message.msgid))
        return entry.state if entry else "untranslated"

    def translation(self, message: Message) -> str | None:
        """The text to print for a message, or None: the catalogue has no final, checked translation of it."""
        if self.is_source:
            return message.msgid
        return self.entries[message.context, message.msgid].forms[0] if self.state(message) == "translated" else None

    def coverage(self, messages: Iterable[Message]) -> Coverage:
        unique = {(m.context, m.msgid): m for m in messages}  # a text written twice is one message
        states = Counter(self.state(m) for m in unique.values())
        problems = [p for key, m in unique.items() if self.state(m) == "bad" for p in self.entries[key].problems]
        return Coverage(len(unique), states["untranslated"], states["fuzzy"], tuple(problems), states["bad"])

    def ui(self, key: str, **values: str | int) -> str:
        """An interface text, filled in; a text with plural forms takes the form for its count."""
        text = interface()[key]
        forms = (text.text,) if text.plural is None else (text.text, text.plural)
        choose = _english_plural
        if self.ui_lang(key) != UI_LANG:
            forms, choose = self.entries[f"ui/{key}", text.text].forms, self.plural
        template = forms[choose(int(values[text.count])) if text.count else 0]
        # Values are filled in after translation, so a catalogue cannot inject them.
        return template.format(**values)

    def ui_template(self, key: str) -> str:
        """An interface text with its {names} still to fill in (the page footer is filled in per page)."""
        text = interface()[key]
        return self.translation(text.message) or text.text

    def ui_lang(self, key: str) -> str:
        """The language `ui(key)` is printed in: English until a catalogue translates it."""
        message = interface()[key].message
        return self.lang if not self.is_source and self.state(message) == "translated" else UI_LANG


# --- reading a .po file -----------------------------------------------------------

class _Catalog(Catalog):
    """Babel's catalog, keeping the header fields it has no attribute for (X-Review-Status, X-Reviewed-By)."""
    header: Mapping[str, str] = {}

    def __setitem__(self, id, message) -> None:
        if id == "":
            self.header = dict(message_from_string(message.string).items())
        super().__setitem__(id, message)


def _line_of(lines: list[str], name: str) -> int:
    """The line of a header field, for messages (1 if it is missing)."""
    return next((i for i, text in enumerate(lines, 1) if text.startswith(f'"{name}:')), 1)


def _read(path: Path, folder: str) -> tuple[_Catalog, list[str]]:
    """The .po file as Babel reads it (obsolete entries left out), and its lines; InputError if it cannot be
    read as one."""
    def fail(line: int, message: str, fix: str) -> InputError:
        return InputError([Problem(Where(path, line), message, fix)])
    try:
        data = path.read_bytes()
    except OSError as err:
        raise fail(1, f"cannot read the catalogue: {err.strerror}",
                   f"add it: make init-po LANG={folder}, then translate it") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise fail(data[:err.start].count(b"\n") + 1, f"byte 0x{data[err.start]:02X} is not UTF-8",
                   "save the file as UTF-8, with 'charset=UTF-8' in its Content-Type header") from None
    try:
        locale = Locale.parse(folder)
    except (ValueError, UnknownLocaleError):
        raise fail(1, f"'{folder}' is not a language Babel knows (its dates and plural rules are needed)",
                   "name the folder with a gettext language code, e.g. pl, ur or pt_BR") from None
    catalog, lines = _Catalog(locale=locale, domain=DOMAIN), text.splitlines()
    try:
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(lines)
    except PoFileError as err:
        raise fail(err.lineno + 1, f"this is not a valid .po file: {str(err).rsplit(' on ', 1)[0]}",
                   "write each entry as msgctxt, msgid and msgstr lines, each text in double quotes") from None
    except ValueError as err:
        raise fail(1, f"this is not a valid .po file: {err}", "check the header and the msgstr[N] lines") from None
    return catalog, lines


def _header_problems(catalog: _Catalog, lines: list[str], path: Path, lang: str) -> list[Problem]:
    problems = []

    def add(name: str, message: str, fix: str) -> None:
        problems.append(Problem(Where(path, _line_of(lines, name)), message, fix))
    if catalog.charset.lower() not in ("utf-8", "utf8"):
        add("Content-Type", f"the header says charset={catalog.charset}", "write 'charset=UTF-8', and save as UTF-8")
    try:
        plural = gettext.c2py(catalog.plural_expr)
        wrong = next((f"it chooses no form for {n}" for n in range(1000)
                      if not 0 <= plural(n) < catalog.num_plurals), None)
    except (ValueError, ArithmeticError, RecursionError):
        wrong = "it is not a valid expression"
    if wrong:
        add("Plural-Forms", f"Plural-Forms is wrong: {wrong}",
            "copy the Plural-Forms line for your language from the gettext manual")
    status = catalog.header.get("X-Review-Status", "draft").strip()
    if status not in REVIEW_STATUSES:
        add("X-Review-Status", f"unknown X-Review-Status '{status}'",
            f"{close(status, REVIEW_STATUSES)}use draft or reviewed")
    elif status == "reviewed" and not catalog.header.get("X-Reviewed-By", "").strip():
        add("X-Review-Status", "X-Review-Status is 'reviewed' but X-Reviewed-By says by whom",
            "add 'X-Reviewed-By: <the translator's name>' to the header")
    try:  # a script with no font stops this language only
        fonts.text_family(lang)
    except fonts.NoFont as err:
        add("Language", f"{err}: the {lang} leaflets cannot be printed",
            "add a font family for the script to leaflets/fonts.yaml (see the comment at its top)")
    return problems


def _clean(text: str) -> str:
    """A catalogue text as a source text is read: NFC, spaces folded."""
    return unicodedata.normalize("NFC", markup.fold_spaces(text))


def _single_forms(plural: Callable[[int], int]) -> frozenset[int]:
    """The plural forms that stand for one number only (Polish "jedna kopia" for 1): only those may leave
    out the count."""
    used = Counter(plural(n) for n in range(1000))
    return frozenset(form for form, numbers in used.items() if numbers == 1)


def _entry(message, lang: str, path: Path, single: frozenset[int]) -> tuple[tuple[str, str], Entry]:
    """A Babel message as an entry, by its (context, msgid), with what its checks found."""
    ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    forms = tuple(_clean(f) for f in ((message.string,) if isinstance(message.string, str) else message.string))
    context = message.context or ""
    ui = interface().get(context.removeprefix("ui/")) if context.startswith("ui/") else None
    entry = Entry(forms, message.fuzzy, line=message.lineno)
    if entry.state != "translated":  # only what would be printed is checked
        return (context, ids[0]), entry
    if ui and (ui.plural is None) != (len(ids) == 1):  # a catalogue older than interface.yaml
        found = [("the English has plural forms now" if ui.plural else "the English has no plural forms now",
                  "update the catalogue from the template (make update-po) and translate the text again")]
    else:
        easy_read = any(EASY_READ_NOTE in note for note in message.auto_comments)
        found = [rule(Pair(context, ids[min(i, len(ids) - 1)], form, lang,
                           ui.count if ui and len(ids) > 1 and i in single else None, easy_read))
                 for i, form in enumerate(forms) for rule in CHECKS]
    problems = [Problem(Where(path, message.lineno), f'msgctxt "{context}": {what}', fix)
                for what, fix in filter(None, found)]
    return (context, ids[0]), Entry(forms, message.fuzzy, tuple(dict.fromkeys(problems)), message.lineno)


def catalogue(directory: Path, lang: str, source_lang: str) -> Catalogue:
    """The catalogue of a language (either form: pt-BR or pt_BR); the source language's is a pass-through.
    InputError if its file cannot be used at all; a message's own problems stay with the message."""
    code = bcp47(lang)
    if code == source_lang:
        return Catalogue(code, source_lang)
    folder = languages(directory).get(code, code.replace("-", "_"))
    path = directory / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    kept = catalogcache.load(path)  # read and checked before, and nothing it depends on has changed
    if kept is None:
        catalog, lines = _read(path, folder)
        problems = _header_problems(catalog, lines, path, code)
        if problems:
            raise InputError(problems)
        single = _single_forms(gettext.c2py(catalog.plural_expr))  # once per catalogue: it counts 1000 numbers
        entries = dict(_entry(message, code, path, single) for message in catalog if message.id)
        header = {name: catalog.header.get(name, "").strip() for name in ("X-Review-Status", "X-Reviewed-By")}
        catalogcache.save(path, entries, catalog.plural_expr, header)
        kept = entries, gettext.c2py(catalog.plural_expr), header
    entries, plural, header = kept
    return Catalogue(code, source_lang, entries, plural, reviewed=header["X-Review-Status"] == "reviewed",
                     reviewed_by=header["X-Reviewed-By"], path=path)
