"""Stage 3: lay out a translated leaflet for one format.

`lay_out` turns a leaflet into a `Plan` (plan.py): the items to print, in
reading order, each with its style, its place in the structure tree, its
label and bookmark, and each picture resolved to its file. It knows nothing
of ReportLab; the render stage draws the plan.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from . import markup
from .catalogue import Catalogue
from .kept import kept
from .load import OPENMOJI
from .model import (FORMATS, Callout, Contacts, Heading, Layout, Leaflet, ListBlock, Paragraph,
                    Publisher, Quote, Row)
from .plan import HEADING_STYLES, Box, Elem, Item, Label, LinkCode, PageBreak, PictureRow, Plan, Text
from .translate import UI_LANG, interface

# Easy read puts a picture before every paragraph, the draft notice's too: a warning sign. Its
# description is the sign itself, which screen readers name in the reader's own language.
DRAFT_PICTURE, DRAFT_PICTURE_ALT = OPENMOJI / "26A0.svg", "⚠"


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Context:
    """What the build knows of a leaflet that its source does not."""
    # A draft translation: some texts are printed in the source language, or no
    # one has reviewed it yet. The first page says so.
    draft: bool = False
    # The languages the leaflet is published in, for the back page.
    languages: tuple[str, ...] = ()
    # Picture name → its SVG file.
    pictures: Mapping[str, Path] = field(default_factory=dict)
    # Source texts printed as they are (the catalogue has no final translation
    # of them), and their language: tagged so, and set in its direction.
    fallback: frozenset[str] = frozenset()
    source_lang: str = UI_LANG
    # The catalogue's entry for this leaflet (site.yaml's base_url): a QR code to it on the back page.
    catalogue_url: str | None = None

    def lang_of(self, *texts: str) -> str | None:
        """The source language if every text fell back to it, else None (the block's language)."""
        return self.source_lang if texts and all(t in self.fallback for t in texts) else None


def language_name(code: str, in_lang: str) -> str:
    """A language's name (BCP 47 code), written in `in_lang` (CLDR's data takes Babel milliseconds to load,
    for every language of the back page, so each name is kept between runs)."""
    return kept("language-name", f"{code} in {in_lang}", lambda: Locale.parse(code, sep="-").get_display_name(
        Locale.parse(in_lang, sep="-")) or code)


def _text(style: str, text: str, lang: str, path: tuple[Elem, ...], **kw) -> Text:
    spans = markup.spans(text)
    if style in HEADING_STYLES:  # headings are bold throughout
        spans = [(t, True) for t, _ in spans]
    return Text(style, tuple(spans), lang, path, **kw)


def _heading(level: int, text: str, lang: str, path: tuple[Elem, ...]) -> Text:
    """A heading at `level` (1 is the title), kept with what follows it, with a bookmark."""
    style = "title" if level == 1 else f"h{level}"
    return _text(style, text, lang, path, keep_with_next=True, outline=level - 1)


def _list(group: Elem, items: list[tuple[str, tuple[tuple[str, bool], ...], str | None]], lang: str,
          outer: tuple[Elem, ...] = ()) -> list[Text]:
    """A list: each (label, spans, its own language or None) item an LI holding its Lbl and LBody."""
    out = []
    for i, (label, spans, own) in enumerate(items, 1):
        item = (*outer, group, Elem(f"{group.key}/{i}", "LI"))
        body = Elem(f"{group.key}/{i}/body", "LBody", own)
        out.append(Text("body", spans, own or lang, (*item, body),
                        label=Label(label, Elem(f"{body.key}/label", "Lbl")), indent=1.0))
    return out


def _blocks(leaflet: Leaflet, cat: Catalogue, context: Context) -> list[Item]:
    items: list[Item] = []
    level = 1  # the level of the last heading, so that inner headings skip none
    for b in leaflet.blocks:
        block_lang = b.lang or leaflet.lang
        own = lambda *texts: context.lang_of(*texts) or b.lang  # noqa: E731  # an element's own /Lang
        if isinstance(b, Heading):
            level = b.level
            items.append(_heading(b.level, b.text, own(b.text) or block_lang,
                                  (Elem(b.id, f"H{b.level}", own(b.text)),)))
        elif isinstance(b, (Paragraph, Publisher)):
            # A paragraph that leads into what follows ("Other signs include:") stays with it.
            items.append(_text("body", b.text, own(b.text) or block_lang, (Elem(b.id, "P", own(b.text)),),
                               keep_with_next=b.text.endswith(":")))
        elif isinstance(b, Quote):
            items.append(_text("body", f"**{b.lead}** “{b.text}”", own(b.lead, b.text) or block_lang,
                               (Elem(b.id, "P", own(b.lead, b.text)),), indent=1.0))
        elif isinstance(b, ListBlock):
            labels = [f"{i}." if b.style == "number" else "•" for i in range(1, len(b.items) + 1)]
            items += _list(Elem(b.id, "L", b.lang), [(label, tuple(markup.spans(t)), context.lang_of(t))
                                                     for label, t in zip(labels, b.items)], block_lang)
        elif isinstance(b, (Callout, Contacts)):
            # Inside the block's Div, which has its language, an element names only a fallback's.
            div = Elem(b.id, "Div", b.lang)
            inner = min(level + 1, 3)
            title_lang = context.lang_of(b.title) if b.title else None
            group = [_heading(inner, b.title, title_lang or block_lang,
                              (div, Elem(f"{b.id}/title", f"H{inner}", title_lang)))] if b.title else []
            if isinstance(b, Callout):
                group += [_text("body", p, context.lang_of(p) or block_lang,
                                (div, Elem(f"{b.id}/{i}", "P", context.lang_of(p))))
                          for i, p in enumerate(b.paragraphs, 1)]
                continued = None
                if b.title:  # in the language the catalogue prints "(continued)" in
                    continued = Text(f"h{inner}", ((cat.ui("continued", heading=markup.plain(b.title)), True),),
                                     cat.ui_lang("continued"), ())  # decoration: in no element
                items.append(Box(tuple(group), continued))
            else:
                entries = [(f"**{e.name}** - {e.detail}"
                            + (" " + cat.ui("phone", phone=f"**{e.phone}**") if e.phone else ""),
                            context.lang_of(e.name, e.detail)) for e in b.entries]
                items += group + _list(Elem(f"{b.id}/list", "L"),
                                       [("•", tuple(markup.spans(t)), own) for t, own in entries], block_lang, (div,))
        else:
            raise LayoutError(f"block '{b.id}' ({type(b).__name__}) has no place in this layout")
    return items


def _easy_read(leaflet: Leaflet, context: Context) -> list[Item]:
    items: list[Item] = []
    for b in leaflet.easy_read:
        block_lang = b.lang or leaflet.lang
        own = lambda *texts: context.lang_of(*texts) or b.lang  # noqa: E731  # an element's own /Lang
        if isinstance(b, Heading):
            items.append(_heading(2, b.text, own(b.text) or block_lang, (Elem(b.id, "H2", own(b.text)),)))
        elif isinstance(b, Row):
            figure = Elem(f"{b.id}/picture", "Figure", own(b.alt), alt=markup.plain(b.alt))
            items.append(PictureRow(context.pictures[b.picture], figure,
                                    _text("body", b.text, own(b.text) or block_lang, (Elem(b.id, "P", own(b.text)),))))
        else:
            raise LayoutError(f"block '{b.id}' ({type(b).__name__}) has no place in easy read")
    return items


def _draft_notice(layout: Layout, cat: Catalogue, lang: str) -> list[Item]:
    """For page 1, after the title: the translation is a draft, said in the leaflet's language and in English."""
    notices = [(cat.ui("draft"), cat.ui_lang("draft"))]
    if notices[0][1] != UI_LANG:
        notices.append((interface()["draft"].text, UI_LANG))
    items: list[Item] = []
    for i, (text, text_lang) in enumerate(notices, 1):
        key = f"draft-notice/{i}"
        notice = Text("body", ((text, True),), text_lang, (Elem(key, "P", text_lang if text_lang != lang else None),))
        items.append(PictureRow(DRAFT_PICTURE, Elem(f"{key}/picture", "Figure", alt=DRAFT_PICTURE_ALT), notice)
                     if layout.content == "easy_read" else notice)
    return items


def _back_page(leaflet: Leaflet, layout: Layout, cat: Catalogue, context: Context) -> list[Item]:
    lang = leaflet.lang
    p, e = leaflet.provenance, leaflet.edition
    stated = lambda v: cat.ui("not stated") if v == "not stated" else v  # noqa: E731
    # Dates in the language of the sentence they stand in: English until the catalogue translates it.
    locale = "en_GB" if cat.ui_lang("edition") == UI_LANG else Locale.parse(cat.lang, sep="-")
    fmt_date = lambda d: format_date(d, format="long", locale=locale)  # noqa: E731
    lines = [
        ("edition", dict(version=e.version, date=fmt_date(e.date), review=fmt_date(e.review))),
        ("origin", dict(title=p.title)),
        ("publisher", dict(publisher=stated(p.publisher))),
        ("author", dict(author=stated(p.author))),
        ("last_updated", dict(last_updated=stated(p.last_updated))),
    ]
    named: tuple[tuple[str, str], ...] = ()  # each language's name, in that language
    others = [cat.ui(f"format:{f}") for f in FORMATS if f != layout.name]
    if others:
        lines.append(("formats", dict(formats=", ".join(others))))
    if len(context.languages) > 1:
        # Each name isolated (FSI…PDI): in any direction the list reads name by name, in the line's order.
        named = tuple((language_name(code, code), code) for code in context.languages)
        lines.append(("languages", dict(languages=", ".join(f"\u2068{name}\u2069" for name, _ in named))))
    if layout.content == "easy_read":
        lines.append(("pictures", {}))
        names = leaflet.easy_read_checked_by
        lines.append(("checked", dict(names=", ".join(names))) if names else ("not_checked", {}))

    def ui_text(style: str, key: str, path_key: str, role: str, values: dict, **kw) -> Text:
        # An untranslated interface text is English, and tagged so.
        text_lang = cat.ui_lang(key)
        own = Elem(path_key, role, text_lang if text_lang != lang else None)
        # Back-page texts are data (a title may hold '**'): one plain span each.
        return Text(style, ((cat.ui(key, **values), style == "h2"),), text_lang, (own,), **kw)

    items: list[Item] = [PageBreak(), ui_text("h2", "about", "about", "H2", {}, keep_with_next=True, outline=1)]
    items += [ui_text("small", key, f"about/{i}", "P", values, named=named if key == "languages" else ())
              for i, (key, values) in enumerate(lines, 1)]
    if context.catalogue_url:
        # The printed address is the text; it is an address, in no language's words (phrases.py tags it).
        address = Text("small", ((context.catalogue_url, False),), lang, (Elem("about/address", "P"),))
        items.append(LinkCode(context.catalogue_url, (ui_text("small", "scan", "about/scan", "P", {}), address)))
    return items


def lay_out(leaflet: Leaflet, layout: Layout, cat: Catalogue, context: Context = Context()) -> Plan:
    # The title is data: a '**' in it is printed, not parsed.
    title_lang = context.lang_of(leaflet.title)
    title = Text("title", ((leaflet.title, True),), title_lang or leaflet.lang, (Elem("title", "H1", title_lang),),
                 keep_with_next=True, outline=0)
    notice = _draft_notice(layout, cat, leaflet.lang) if context.draft else []
    body = _easy_read(leaflet, context) if layout.content == "easy_read" else _blocks(leaflet, cat, context)
    items = (title, *notice, *body, *_back_page(leaflet, layout, cat, context))
    return Plan(leaflet.lang, layout, items, cat.ui_template("page"))


@dataclass(frozen=True)
class ContentsRow:
    """One leaflet of a pack, and the pack pages it is printed on (the numbers stamped at their foot)."""
    title: str
    format: str
    lang: str
    first: int
    last: int
    copies: int


def lay_out_contents(clinic: str, rows: list[ContentsRow], layout: Layout, cat: Catalogue) -> Plan:
    """The first page of a clinic pack: who it is for, and what it holds on which pages."""
    lang = cat.lang
    # A text the catalogue does not translate is printed in English, and tagged so.
    own = {key: (cat.ui_lang(key), cat.ui_lang(key) if cat.ui_lang(key) != lang else None)
           for key in ("pack_title", "pack_intro", "pack_item")}
    title = cat.ui("pack_title", clinic=clinic)
    items: list[Item] = [
        Text("title", ((title, True),), own["pack_title"][0], (Elem("title", "H1", own["pack_title"][1]),),
             keep_with_next=True, outline=0),
        Text("body", ((cat.ui("pack_intro", count=len(rows)), False),), own["pack_intro"][0],
             (Elem("intro", "P", own["pack_intro"][1]),)),
    ]
    entries = [cat.ui("pack_item", title=row.title, format=cat.ui(f"format:{row.format}"),
                      language=language_name(row.lang, own["pack_item"][0]),
                      first=str(row.first), last=str(row.last), copies=row.copies) for row in rows]
    items += _list(Elem("contents", "L"), [("•", ((text, False),), own["pack_item"][1]) for text in entries],
                   own["pack_item"][0])
    return Plan(lang, layout, tuple(items), cat.ui_template("page"))
