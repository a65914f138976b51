"""The catalogue page itself: hand-written HTML, every value escaped (titles and names are data, never
markup), with the style sheet and the small script from site_assets/ inline, so that the page is one
file that works from `file://` as from a web server, and without JavaScript: every entry is in the
HTML with its links; the filter and the Print buttons are added by the script."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .model import FORMATS
from .site import Item, Language, Site

__all__ = ["page", "format_name", "size_text"]

ASSETS = Path(__file__).with_name("site_assets")
EAGER = 3  # thumbnails loaded at once (the first row); the others when scrolled near
QR_SCALE = 3  # CSS pixels per module: whole pixels keep the modules sharp and even
FORMAT_NAMES = {"large-print": "Large print", "easy-read": "Easy read", "standard": "Standard print"}


def format_name(fmt: str, sized: float | None = None) -> str:
    name = FORMAT_NAMES.get(fmt) or fmt.replace("-", " ").capitalize()
    return f"{name}, {sized:g} pt" if sized else name


def size_text(count: int) -> str:
    """A file size as people read it: 312 kB, 1.2 MB."""
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{max(1, round(count / 1e3))} kB"


def _own(lang: Language, text: str, tag: str = "span", cls: str = "") -> str:
    """Text in a language, marked with it and its direction."""
    attrs = f' class="{cls}"' if cls else ""
    return f'<{tag}{attrs} lang="{escape(lang.code)}" dir="{lang.dir}">{escape(text)}</{tag}>'


def _language_heading(lang: Language) -> str:
    if lang.own == lang.english:
        return escape(lang.english)
    return f'{_own(lang, lang.own)} <span class="english">{escape(lang.english)}</span>'


def _facts(item: Item) -> str:
    facts = [item.paper]
    if item.body_pt:
        facts.append(f"{item.body_pt:g} pt text")
    facts += [f"{item.pages} page{'s' if item.pages != 1 else ''}", size_text(item.bytes)]
    return " · ".join(escape(f) for f in facts)


def _actions(item: Item, what: str) -> str:
    hidden = f'<span class="vh"> {escape(what)}</span>'
    href = escape(item.href)
    return (f'<p class="actions"><a class="act" href="{href}" type="application/pdf">Open{hidden}</a>'
            f'<a class="act" href="{href}" download>Download{hidden}</a>'
            f'<button class="act print" type="button" data-pdf="{href}" hidden>Print{hidden}</button></p>')


def _qr(item: Item) -> str:
    if item.qr is None:
        return ""
    size = item.qr.modules * QR_SCALE
    return (f'<figure class="qr"><img class="qr-code" src="{escape(item.qr.src)}" width="{size}" height="{size}" '
            f'alt="QR code: {escape(item.qr.url)}"><figcaption>Scan to open it on a phone</figcaption></figure>')


def _entry(item: Item, lang: Language, heading: str, what: str, eager: bool) -> str:
    thumb = item.thumb
    draft = ('<p class="draft"><strong>Draft translation</strong>, not yet checked by a professional '
             'translator</p>') if item.draft else ""
    return (f'<li class="entry" id="{escape(item.anchor)}" data-format="{escape(" ".join(item.formats))}">'
            f'<img class="thumb" src="{escape(thumb.src)}" srcset="{escape(thumb.src)} 1x, {escape(thumb.src2x)} 2x"'
            f' width="{thumb.width}" height="{thumb.height}" alt="First page of the {escape(what)}"'
            f' loading="{"eager" if eager else "lazy"}" decoding="async">'
            f'<div class="about"><h4>{heading}</h4><p class="facts">{_facts(item)}</p>{draft}</div>'
            f'{_actions(item, what)}{_qr(item)}</li>')


def _order(item: Item) -> tuple:
    return (FORMATS.index(item.format) if item.format in FORMATS else len(FORMATS), item.format, item.sized or 0)


def _leaflet(key: str, items: list[Item], site: Site, seen: list[int]) -> str:
    by_lang: dict[str, list[Item]] = {}
    for item in items:
        by_lang.setdefault(item.lang, []).append(item)
    langs = sorted(by_lang, key=_lang_order(site))
    title, title_lang = _title(items, site)
    parts = [f'<section class="leaflet" id="{escape(key)}" aria-labelledby="{escape(key)}_h">'
             f'<h2 id="{escape(key)}_h">{title}</h2>']
    for code in langs:
        lang = site.languages[code]
        anchor = escape(f"{key}-{code}")
        subtitle = "" if code == title_lang else _own(lang, by_lang[code][0].title, "p", "title")
        parts.append(f'<section class="lang" id="{anchor}" data-lang="{escape(code)}" aria-labelledby="{anchor}_h">'
                     f'<h3 id="{anchor}_h">{_language_heading(lang)}</h3>{subtitle}<ul class="entries">')
        for item in sorted(by_lang[code], key=_order):
            what = f"{lang.english} {format_name(item.format, item.sized).lower()} leaflet"
            parts.append(_entry(item, lang, escape(format_name(item.format, item.sized)), what, len(seen) < EAGER))
            seen.append(1)
        parts.append("</ul></section>")
    parts.append("</section>")
    return "".join(parts)


def _packs(packs: list[Item], site: Site, seen: list[int]) -> str:
    if not packs:
        return ""
    parts = ['<section class="leaflet packs" id="packs" aria-labelledby="packs_h"><h2 id="packs_h">Clinic packs</h2>'
             '<p class="intro">Several leaflets in one PDF, each starting on a right-hand page, for a print '
             'service to print as it is.</p><ul class="entries">']
    for item in packs:
        lang = site.languages[item.lang]
        names = ", ".join(site.languages[code].english for code in item.langs)
        formats = ", ".join(format_name(f).lower() for f in item.formats)
        heading = _own(lang, item.title) if item.lang != "en" else escape(item.title)
        heading += f'<span class="pack-of">{escape(formats)}; {escape(names)}</span>' if formats else ""
        entry = _entry(item, lang, heading, f"pack {item.title}" if item.lang == "en" else f"pack {item.key}",
                       len(seen) < EAGER)
        parts.append(entry.replace('<li class="entry"', f'<li class="entry" data-lang="{escape(" ".join(item.langs))}"', 1))
        seen.append(1)
    parts.append("</ul></section>")
    return "".join(parts)


def _desk(desk: list[Item], site: Site) -> str:
    """The desk copy: the catalogue as one A4 PDF, for a clinic's desk or wall. The filter leaves it be."""
    if not desk:
        return ""
    qr = ", and a QR code to its entry here" if site.base_url else ""
    parts = ['<section class="extra" aria-labelledby="desk_h"><h2 id="desk_h">For the clinic\'s desk or wall</h2>'
             f'<p class="intro">Every leaflet on A4 paper, with its languages and formats{qr}.</p><ul class="entries">']
    for item in desk:
        entry = _entry(item, site.languages["en"], escape(item.title), "desk copy", False)
        parts.append(entry.replace('<li class="entry"', '<li class="entry desk"', 1))
    parts.append("</ul></section>")
    return "".join(parts)


def _filters(site: Site) -> str:
    formats = sorted({f for item in site.items for f in item.formats},
                     key=lambda f: (FORMATS.index(f) if f in FORMATS else len(FORMATS), f))
    options = "".join(f'<option value="{escape(f)}">{escape(format_name(f))}</option>' for f in formats)
    examples = [site.languages[c] for c in ("pl", "ur") if c in site.languages] or list(site.languages.values())[:1]
    hint = ", ".join(f"{escape(lang.english)}, {_own(lang, lang.own)}" for lang in examples)
    return ('<form class="filters" id="filters" role="search" aria-label="Find a leaflet" hidden>'
            '<div class="field"><label for="filter_lang">Language</label>'
            '<input id="filter_lang" type="search" dir="auto" autocomplete="off" spellcheck="false" '
            'aria-describedby="filter_hint">'
            f'<p class="hint" id="filter_hint">In English or in its own name: {hint}</p></div>'
            '<div class="field"><label for="filter_format">Format</label><select id="filter_format">'
            f'<option value="">All formats</option>{options}</select></div>'
            '<p class="status" id="filter_status" role="status" aria-live="polite"></p></form>')


def _data(site: Site) -> str:
    """The filter's data, inline: a page opened from file:// cannot fetch a file."""
    names = {code: list(lang.words) for code, lang in sorted(site.languages.items())}
    text = json.dumps({"languages": names}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(site: Site, font_css: str) -> str:
    leaflets: dict[str, list[Item]] = {}
    for item in site.items:
        if item.kind == "leaflet":
            leaflets.setdefault(item.key, []).append(item)
    packs = [item for item in site.items if item.kind == "pack"]
    seen: list[int] = []
    sections = [_leaflet(key, leaflets[key], site, seen) for key in sorted(leaflets)]
    sections.append(_packs(packs, site, seen))
    desk = [item for item in site.items if item.kind == "desk-copy"]
    sections.append(_desk(desk, site))
    nav = "".join(f'<li><a href="#{escape(key)}">{_title(leaflets[key], site)[0]}</a></li>' for key in sorted(leaflets))
    nav += '<li><a href="#packs">Clinic packs</a></li>' if packs else ""
    nav += '<li><a href="#desk-copy">Desk copy</a></li>' if desk else ""
    count = sum(item.kind == "leaflet" for item in site.items)
    langs = len({item.lang for item in site.items if item.kind == "leaflet"})
    formats = ", ".join(format_name(f).lower() for f in FORMATS if any(i.format == f for i in site.items))
    packs_text = f", and {len(packs)} clinic pack{'s' if len(packs) != 1 else ''}" if packs else ""
    css = (ASSETS / "site.css").read_text("utf-8")
    script = (ASSETS / "site.js").read_text("utf-8")
    qr = (" Scan an entry's QR code with the parent's phone to give them the leaflet there."
          if site.base_url else "")
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Baby-care leaflets: find, print or download</title>
<style>
{font_css}
{css}</style>
</head>
<body>
<a class="skip" href="#main_content">Skip to the leaflets</a>
<header class="top">
<h1>Baby-care leaflets</h1>
<p class="intro">{len(leaflets)} leaflet{"s" if len(leaflets) != 1 else ""} in {langs} language{"s" if langs != 1 else ""}
({formats}): {count} PDFs{packs_text}. Find the one in the parent's language and format, then open, print
or download it.{qr}</p>
</header>
<nav class="toc" aria-label="Leaflets"><ul>{nav}</ul></nav>
<main id="main_content" tabindex="-1">
{_filters(site)}
{"".join(sections)}
</main>
<footer class="foot">
<p>Every PDF is tagged for screen readers (PDF/UA-1). A draft translation has not yet been checked by a
professional translator: its first page says so, in its language and in English.</p>
<p>Large print in another size, for one reader: ask whoever publishes these leaflets to make it
(<code>publish.py build --leaflet ID --size PT</code>).</p>
</footer>
<script type="application/json" id="site_data">{_data(site)}</script>
<script>
{script}</script>
</body>
</html>
"""


def _lang_order(site: Site):
    """English first, then the languages by their English names."""
    return lambda code: (code != "en", site.languages[code].english, code)


def _title(items: list[Item], site: Site) -> tuple[str, str]:
    """A leaflet's title, marked up, and its language: in English if there is one, else in its first."""
    first = min(items, key=lambda item: (_lang_order(site)(item.lang), item.path))
    html = escape(first.title) if first.lang == "en" else _own(site.languages[first.lang], first.title)
    return html, first.lang
