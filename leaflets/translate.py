"""Stage 2: translate a leaflet through gettext catalogues.

Every text reaches the layout through `pgettext`, with the context
"<leaflet id>/<block id>/<field>". The source language is a pass-through, so
catalogues plug in without touching the layout. Texts printed by the layout
itself (page numbers, the back page) have the context "ui/<key>".
"""
from __future__ import annotations

import dataclasses
import gettext
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import Contact, Contacts, Leaflet

DOMAIN = "leaflets"

# Fields of blocks that hold text for readers; every other field is data.
TEXT_FIELDS = ("text", "lead", "title", "items", "paragraphs", "alt")
CONTACT_FIELDS = ("name", "detail")

UI_LANG = "en"  # the language of the texts below
# Texts the layout prints, keyed by name. `{…}` are filled in by the layout.
UI: dict[str, str] = {
    "page": "Page {page} of {pages}",
    "about": "About this leaflet",
    "edition": "Version {version}. Published {date}. Review date: {review}.",
    "origin": "This leaflet publishes the guidance “{title}”.",
    "publisher": "Publisher of the guidance: {publisher}.",
    "author": "Written by: {author}.",
    "last_updated": "Guidance last updated: {last_updated}.",
    "formats": "This leaflet is also available in: {formats}.",
    "languages": "Languages: {languages}.",
    "format:large-print": "large print",
    "format:easy-read": "easy read",
    "format:standard": "standard print",
    "pictures": "Pictures: OpenMoji, the open-source emoji and icon project (openmoji.org). "
                "Licence: CC BY-SA 4.0.",
    "not_checked": "This easy read version has not yet been checked by people with learning disabilities.",
    "checked": "This easy read version was checked by: {names}.",
    "draft": "Draft translation: not yet checked by a professional translator.",
    "phone": "Phone: {phone}",
    "not stated": "not stated",
    "pack_title": "Clinic pack: {clinic}",
    "pack_intro": "This pack holds {count} leaflets. Print the number of copies shown for each.",
    "pack_item": "{title}: {format}, {language}. Page {page}. {copies} copies.",
}


@dataclass(frozen=True)
class Message:
    context: str
    msgid: str


def _context(leaflet_id: str, block_id: str, field: str) -> str:
    return f"{leaflet_id}/{block_id}/{field}"


def _map_texts(leaflet: Leaflet, text: Callable[[str, str], str]) -> Leaflet:
    """The leaflet with each text replaced by text(context, msgid), in source order."""
    def block_in(block):
        changes = {}
        for name in TEXT_FIELDS:
            value = getattr(block, name, None)
            if isinstance(value, str):
                changes[name] = text(_context(leaflet.id, block.id, name), value)
            elif isinstance(value, tuple):
                changes[name] = tuple(text(_context(leaflet.id, block.id, f"{name}.{i}"), item)
                                      for i, item in enumerate(value, 1))
        if isinstance(block, Contacts):
            changes["entries"] = tuple(
                Contact(*(text(_context(leaflet.id, block.id, f"entries.{i}.{n}"), getattr(e, n))
                          for n in CONTACT_FIELDS), e.phone)
                for i, e in enumerate(block.entries, 1))
        return dataclasses.replace(block, **changes)

    return dataclasses.replace(
        leaflet,
        title=text(_context(leaflet.id, "leaflet", "title"), leaflet.title),
        blocks=tuple(block_in(b) for b in leaflet.blocks),
        easy_read=tuple(block_in(b) for b in leaflet.easy_read))


def messages(leaflet: Leaflet) -> list[Message]:
    """Every translatable text of a leaflet, in source order."""
    found: list[Message] = []
    _map_texts(leaflet, lambda context, msgid: found.append(Message(context, msgid)) or msgid)
    return found


def ui_messages() -> Iterator[Message]:
    for key, msgid in UI.items():
        yield Message(f"ui/{key}", msgid)


class Catalogue:
    """The translations for one language; shared by every job in that language, so it holds no state."""

    def __init__(self, translations: gettext.NullTranslations, lang: str, source_lang: str):
        self.translations = translations
        self.lang = lang
        self.is_source = lang == source_lang

    def get(self, context: str, msgid: str) -> str:
        return unicodedata.normalize("NFC", self.translations.pgettext(context, msgid))

    def ui(self, key: str, **values: str) -> str:
        # Values are filled in after translation, so a catalogue cannot inject them.
        return self.get(f"ui/{key}", UI[key]).format(**values)

    def ui_lang(self, key: str) -> str:
        """The language `ui(key)` is printed in: English until a catalogue translates it."""
        translated = self.translations.pgettext(f"ui/{key}", UI[key]) != UI[key]
        return self.lang if translated else UI_LANG


def catalogue(directory: Path, lang: str, source_lang: str) -> Catalogue:
    """The compiled catalogue of a language (translations/<lang>/LC_MESSAGES/leaflets.mo)."""
    if lang == source_lang:
        return Catalogue(gettext.NullTranslations(), lang, source_lang)
    path = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return Catalogue(gettext.GNUTranslations(handle), lang, source_lang)


@dataclass(frozen=True)
class Translated:
    leaflet: Leaflet
    missing: tuple[str, ...]  # contexts of texts with no translation, printed in the source language

    @property
    def draft(self) -> bool:
        return bool(self.missing)


def translate(leaflet: Leaflet, cat: Catalogue) -> Translated:
    """The leaflet with every text taken from the catalogue, and the texts that fell back."""
    missing: list[str] = []

    def text(context: str, msgid: str) -> str:
        found = cat.get(context, msgid)
        if found == msgid and not cat.is_source:
            missing.append(context)
        return found

    translated = _map_texts(leaflet, text)
    return Translated(dataclasses.replace(translated, lang=cat.lang), tuple(missing))


def write_template(leaflets: list[Leaflet], path: Path, root: Path) -> None:
    """The .pot catalogue template for translators: every text, with its context and source line."""
    import datetime as dt
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from .files import write_atomic

    newest = max((l.edition.date for l in leaflets), default=dt.date(2026, 1, 1))
    cat = Catalog(project="Baby-care leaflets", version="1", domain=DOMAIN, charset="utf-8",
                  copyright_holder="the baby-care leaflets project", msgid_bugs_address="",
                  creation_date=dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc))
    for leaflet in leaflets:
        source = leaflet.source.resolve().relative_to(root).as_posix()
        for message in messages(leaflet):
            block = message.context.split("/")[1]
            cat.add(message.msgid, context=message.context,
                    locations=[(source, leaflet.lines.get(block, 1))],
                    auto_comments=["Keep **bold** markers around the same words."] if "**" in message.msgid else [])
    for message in ui_messages():
        cat.add(message.msgid, context=message.context, locations=[("leaflets/translate.py", 1)],
                auto_comments=["Keep the {names} in braces: they are filled in when printed."]
                if "{" in message.msgid else [])
    out = io.BytesIO()
    write_po(out, cat, width=0, sort_output=False)
    write_atomic(path, out.getvalue())
