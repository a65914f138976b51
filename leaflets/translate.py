"""Stage 2: translate a leaflet through its language's catalogue (catalogue.py, read from the .po file).

Every text reaches the layout through the catalogue. A message is found by its
context, which says where it is ("<leaflet id>/<block id>/<field>", with no
position in a list, so that adding, removing or moving items never changes
another item's key), and its msgid, which says what it is. The source
language is a pass-through. Texts printed by the layout itself (page
numbers, the back page, pack contents) are in `interface.yaml`, with the
context "ui/<key>"; those with a count have plural forms.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .model import Callout, Contact, Contacts, Heading, Leaflet, ListBlock, Paragraph, Publisher, Quote, Row

if TYPE_CHECKING:  # catalogue.py reads interface.yaml through this module
    from .catalogue import Catalogue

DOMAIN = "leaflets"
INTERFACE = Path(__file__).with_name("interface.yaml")
UI_LANG = "en"  # the language of interface.yaml

# Fields of blocks that hold text for readers; every other field is data.
TEXT_FIELDS = ("text", "lead", "title", "items", "paragraphs", "alt")
CONTACT_FIELDS = ("name", "detail")


@dataclass(frozen=True)
class Message:
    """One text to translate, and where it comes from."""
    context: str  # where it is: "<leaflet>/<block>/<field>", or "ui/<key>"
    msgid: str
    line: int  # its own line in its file
    role: str  # what it is, for the translator: "heading", "list item", "picture description"…
    plural: str | None = None


@dataclass(frozen=True)
class UIText:
    """A text the layout prints itself (interface.yaml)."""
    key: str
    text: str
    note: str
    line: int
    plural: str | None = None
    count: str | None = None  # the value that chooses the plural form

    @property
    def message(self) -> Message:
        return Message(f"ui/{self.key}", self.text, self.line, self.note, self.plural)


@lru_cache(maxsize=1)
def interface() -> dict[str, UIText]:
    """The interface texts by key, in file order."""
    root = yaml.compose(INTERFACE.read_text(encoding="utf-8"))
    out = {}
    for key_node, value in root.value:
        fields = {k.value: v.value for k, v in value.value}
        out[key_node.value] = UIText(key_node.value, fields["text"], fields["note"], value.start_mark.line + 1,
                                     fields.get("plural"), fields.get("count"))
    return out


# What each text of a block is, for the translator's note: (block type, field) → role.
EASY_READ_WORDS = 15  # words a sentence beside an easy read picture holds at most, in every language
EASY_READ_ROLE = f"easy read sentences beside a picture: short, at most {EASY_READ_WORDS} words each"
ROLES = {
    (Heading, "text"): "heading", (Paragraph, "text"): "paragraph",
    (Publisher, "text"): "paragraph about the publisher's own services",
    (Quote, "lead"): "lead-in of a quote, in bold", (Quote, "text"): "quote: what the baby would say",
    (ListBlock, "items"): "list item",
    (Callout, "title"): "heading of a safety message", (Callout, "paragraphs"): "safety message",
    (Contacts, "title"): "heading of a list of services", (Contacts, "entries.name"): "name of a service",
    (Contacts, "entries.detail"): "what a service does",
    (Row, "alt"): "picture description, read aloud by screen readers",
    (Row, "text"): EASY_READ_ROLE,
}
EASY_READ_HEADING = "easy read heading: short and plain"
TITLE = "title of the leaflet"

Text = Callable[[Message], str]  # gives the text to print for a message


def _map_texts(leaflet: Leaflet, text: Text) -> Leaflet:
    """The leaflet with each text replaced by text(message), in source order."""
    def message(block, field: str, msgid: str, where: str, role: str | None = None) -> str:
        return text(Message(f"{leaflet.id}/{block.id}/{field}", msgid, leaflet.lines.get(f"{block.id}/{where}", 1),
                            role or ROLES[(type(block), field)]))

    def block_in(block, easy_read: bool):
        if block.lang:  # a passage in another language (a block's own `lang`) stays as written
            return block
        changes = {}
        for name in TEXT_FIELDS:
            value = getattr(block, name, None)
            if isinstance(value, str):
                role = EASY_READ_HEADING if easy_read and isinstance(block, Heading) else None
                changes[name] = message(block, name, value, name, role)
            elif isinstance(value, tuple):
                changes[name] = tuple(message(block, name, item, f"{name}.{i}") for i, item in enumerate(value, 1))
        if isinstance(block, Contacts):
            changes["entries"] = tuple(
                Contact(*(message(block, f"entries.{n}", getattr(e, n), f"entries.{i}.{n}") for n in CONTACT_FIELDS),
                        e.phone)
                for i, e in enumerate(block.entries, 1))
        return dataclasses.replace(block, **changes)

    title = text(Message(f"{leaflet.id}/leaflet/title", leaflet.title, leaflet.lines.get("leaflet/title", 1), TITLE))
    return dataclasses.replace(
        leaflet, title=title,
        blocks=tuple(block_in(b, False) for b in leaflet.blocks),
        easy_read=tuple(block_in(b, True) for b in leaflet.easy_read))


def messages(leaflet: Leaflet) -> list[Message]:
    """Every translatable text of a leaflet, in source order."""
    found: list[Message] = []
    _map_texts(leaflet, lambda m: found.append(m) or m.msgid)
    return found


def ui_messages() -> Iterator[Message]:
    for text in interface().values():
        yield text.message


def leaflet_ui_messages() -> Iterator[Message]:
    """The interface texts a leaflet prints: all but those of a pack's contents page (pack_*)."""
    for key, text in interface().items():
        if not key.startswith("pack_"):
            yield text.message


@dataclass(frozen=True)
class Translated:
    leaflet: Leaflet
    # Source texts printed as they are: the catalogue has no final translation of them.
    fallback: frozenset[str]


def translate(leaflet: Leaflet, cat: Catalogue) -> Translated:
    """The leaflet with every text taken from the catalogue, and the texts that fell back to the source."""
    fallback: set[str] = set()

    def text(message: Message) -> str:
        found = cat.translation(message)
        if found is None:
            fallback.add(message.msgid)
        return found or message.msgid

    translated = _map_texts(leaflet, text)
    return Translated(dataclasses.replace(translated, lang=cat.lang), frozenset(fallback))

