"""The catalogue's desk copy: `OUT/site/desk-copy.pdf`, one tagged A4 list of the leaflets for a clinic's
desk or wall.

Each leaflet has its title, the formats and sizes it is printed in, every language it is published in (the
language named in its own script, with its English name, and the leaflet's title in that language, each
item tagged with its language), and, with a base URL (site.yaml), a QR code to its entry in the catalogue.
It is laid out and drawn as a leaflet is (large print), so it is PDF/UA like them and passes the same
checks. Its texts are for the clinic's staff, in English; the titles and names are in their own languages.
"""
from __future__ import annotations

from . import manifest
from .build import Dirs, Result, decide_all
from .catalogue import Catalogue
from .inputs import file_sha256, inputs_digest
from .layout import language_name
from .load import load_layout, load_sources
from .model import FORMATS, Layout
from .plan import DocInfo, Elem, Item, Label, LinkCode, Plan, Text
from .reader import InputError
from .siteconfig import entry_url, site_config
from .translate import UI_LANG, translate

__all__ = ["build_desk_copy", "PATH"]

PATH = "site/desk-copy.pdf"  # in OUT, beside the catalogue page that links to it
TITLE = "Leaflets for new parents"
FORMAT_NAMES = {"large-print": "large print", "easy-read": "easy read", "standard": "standard print (A5)"}


def _formats(layouts: list[Layout]) -> str:
    """"large print (18, 24 and 28 pt), easy read, standard print (A5)"."""
    names = []
    for layout in layouts:
        sizes = [f"{s:g}" for s in (layout.body, *layout.also_sizes)]
        shown = f" ({', '.join(sizes[:-1])} and {sizes[-1]} pt)" if len(sizes) > 1 else ""
        names.append(FORMAT_NAMES.get(layout.name, layout.name) + shown)
    return ", ".join(names)


def _leaflet(n: int, title: str, own: list[tuple[str, str]], formats: str, url: str | None) -> list[Item]:
    """One leaflet: its English title, formats, each language (code, title in it) and its code."""
    key = f"leaflet-{n}"
    items: list[Item] = [
        Text("h2", ((title, True),), UI_LANG, (Elem(key, "H2"),), keep_with_next=True, outline=1),
        Text("body", ((f"Formats: {formats}.", False),), UI_LANG, (Elem(f"{key}/formats", "P"),),
             keep_with_next=True),
    ]
    group = Elem(f"{key}/languages", "L")
    for i, (code, own_title) in enumerate(own, 1):
        name, english = language_name(code, code), language_name(code, UI_LANG)
        named = name if code.split("-")[0] == UI_LANG else f"{name} ({english})"
        body = Elem(f"{group.key}/{i}/body", "LBody", code)
        # The English name is a phrase in English (its own /Lang); the rest is in the item's language.
        phrases = () if named == name else ((english, UI_LANG),)
        items.append(Text("body", ((f"{named}: {own_title}", False),), code,
                          (group, Elem(f"{group.key}/{i}", "LI"), body), indent=1.0, named=phrases,
                          label=Label("•", Elem(f"{body.key}/label", "Lbl"))))
    if url:
        caption = Text("small", (("Scan for this leaflet in every language, size and format:", False),), UI_LANG,
                       (Elem(f"{key}/scan", "P"),))
        items.append(LinkCode(url, (caption, Text("small", ((url, False),), UI_LANG, (Elem(f"{key}/url", "P"),)))))
    return items


def lay_out_desk_copy(leaflets: list[tuple[str, list[tuple[str, str]]]], layout: Layout, formats: str,
                      urls: list[str | None], footer: str) -> Plan:
    """The desk copy's plan: (English title, [(language, title in it)]) per leaflet."""
    items: list[Item] = [
        Text("title", ((TITLE, True),), UI_LANG, (Elem("title", "H1"),), keep_with_next=True, outline=0),
        Text("body", (("Every leaflet below can be printed in each of its languages and formats from the "
                       "catalogue (site/index.html), or given to a parent on their phone.", False),), UI_LANG,
             (Elem("intro", "P"),)),
    ]
    for n, ((title, own), url) in enumerate(zip(leaflets, urls), 1):
        items += _leaflet(n, title, own, formats, url)
    return Plan(UI_LANG, layout, tuple(items), footer)


def build_desk_copy(dirs: Dirs) -> Result:
    """Write OUT/site/desk-copy.pdf (made again only when what it is made from changes), listed in the
    manifest as kind "desk-copy"."""
    from .render import render  # here: an unchanged desk copy is not drawn
    result = Result()
    try:
        sources = load_sources(dirs.sources)
        layouts = [load_layout(dirs.layouts / f"{name}.yaml") for name in FORMATS]
        base_url = site_config(dirs.site).base_url
    except InputError as err:
        result.errors.append(str(err))
        return result
    result.errors.extend(str(err) for err in sources.errors)
    decided, errors = decide_all(dirs, sources.leaflets, [], False)
    result.errors.extend(errors)
    listed: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    english: Catalogue | None = None
    for decision, _ in decided:
        if not decision.publish:
            continue
        leaflet, cat = decision.leaflet, decision.cat
        entry = listed.setdefault(leaflet.id, (leaflet.title, []))
        entry[1].append((cat.lang, translate(leaflet, cat).leaflet.title))
        english = cat if cat.lang == UI_LANG else english
    if not listed or english is None:
        result.errors.append(f"{dirs.sources}: no leaflet is published in English, so there is no desk copy\n"
                             "    fix: publish the leaflets first (publish.py build)")
        return result
    ids = sorted(listed)
    urls = [entry_url(base_url, i) if base_url else None for i in ids]
    layout = layouts[0]  # large print
    out = dirs.out / PATH
    inputs = inputs_digest(repr([listed[i] for i in ids]), repr(urls),
                           *(dirs.layouts / f"{name}.yaml" for name in FORMATS))
    earlier = next((e for e in manifest.read(dirs.out) if e["path"] == PATH), None)
    if earlier and earlier.get("inputs") == inputs and file_sha256(out) == earlier.get("sha256"):
        result.entries.append(earlier)
        result.unchanged += 1
        return result
    plan = lay_out_desk_copy([listed[i] for i in ids], layout, _formats(layouts), urls,
                             english.ui_template("page"))
    date = max(leaflet.edition.date for leaflet in sources.leaflets)
    info = DocInfo(TITLE, UI_LANG, "", "", f"{TITLE}: every leaflet, language and format", date,
                   {"catalogue": "desk copy"})
    rendered = render(plan, info)
    entry = manifest.entry(dirs.out, out, rendered.pdf, rendered.pages, kind="desk-copy", inputs=inputs,
                           leaflets=ids)
    manifest.commit(dirs.out, {out: rendered.pdf}, [entry])
    result.entries.append(entry)
    return result
