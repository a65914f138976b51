"""The catalogue for midwives: `OUT/site/index.html`, one page listing every published PDF, from
`OUT/manifest.json` and the PDFs themselves.

Each PDF is shown with its title (read from the PDF, so in its own language), a thumbnail of its first
page drawn by PDFium, its page count, size and draft flag, and links to open, print and download it.
With a site file (`site.yaml`: `base_url:`, where OUT is published) each entry also gets a QR code of
its address. The page is static and self-contained: it opens from the file system or any web server.

Derived files (thumbnails, font subsets) are named by what makes them, so a second run reuses them,
and the same inputs give the same bytes. The site lives in OUT/site/, whose files the manifest's
clean-up never touches (it removes only PDFs named like ours in language folders and packs/).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .siteconfig import DEFAULT_CONFIG, FOLDER, SiteConfig, entry_url, pdf_url, site_config

__all__ = ["SiteError", "SiteConfig", "Item", "Qr", "Language", "Thumb", "site_config", "entry_url", "pdf_url",
           "publish_site", "language", "DEFAULT_CONFIG"]

ROOT = Path(__file__).resolve().parent.parent
THUMB_WIDTH = 160  # CSS pixels; a 2x image beside it for sharp screens
DERIVED = ("thumbs", "fonts")  # the site's folders of derived files
QR_BORDER = 2  # modules of quiet zone: the card around it is white too
RECIPE = "1"  # bump when thumbnails are drawn differently, so old ones are not reused
FIX_BUILD = "run publish.py build (and publish.py pack) again, then publish.py site"
# Names a midwife may type that CLDR's English name is not (CLDR says "Bangla").
ALSO_KNOWN_AS = {"bn": ("Bengali",), "pa": ("Panjabi",), "zh": ("Mandarin",)}
SHOWN = ("leaflet", "pack", "desk-copy")  # a pack's press runs (kind "print") are for the printer alone
_SIZED = re.compile(r"\.[a-z-]+-([0-9.]+)pt\.pdf$")


class SiteError(Exception):
    """A manifest or PDF the catalogue cannot be made from: which file, what is wrong, and the fix."""


@dataclass(frozen=True)
class Language:
    code: str            # BCP 47, as the output folder is named
    own: str             # its name in itself, e.g. "polski"
    english: str         # e.g. "Polish"
    dir: str             # "ltr" or "rtl"
    words: tuple[str, ...]  # what the filter matches: the code and every name

    @property
    def label(self) -> str:
        return self.english if self.own == self.english else f"{self.own} ({self.english})"


@dataclass(frozen=True)
class Thumb:
    src: str       # relative to the page
    src2x: str
    width: int     # CSS pixels
    height: int


@dataclass(frozen=True)
class Qr:
    url: str       # what it says
    src: str       # a data: URI of the PNG
    modules: int   # its width in modules, the quiet zone included


@dataclass(frozen=True)
class Item:
    """One PDF as the page shows it."""
    kind: str            # "leaflet", "pack" or "desk-copy"
    key: str             # the leaflet id or pack name
    lang: str            # its language (a pack: the language of its contents page)
    langs: tuple[str, ...]   # the languages it holds
    format: str          # large-print, easy-read, standard; a pack: its first format
    formats: tuple[str, ...]
    sized: float | None  # a large-print size beside the layout's own (24 in x.large-print-24pt.pdf)
    body_pt: float | None
    path: str            # in OUT, e.g. "pl/crafting-connections.large-print.pdf"
    pages: int
    bytes: int
    draft: bool
    title: str
    paper: str           # "A4", "A5", or the size in mm
    thumb: Thumb
    qr: Qr | None        # with a base URL only

    @property
    def href(self) -> str:
        return "../" + quote(self.path)

    @property
    def anchor(self) -> str:
        variant = self.format + (f"-{self.sized:g}pt" if self.sized else "")
        return {"leaflet": f"{self.key}-{self.lang}-{variant}", "pack": f"pack-{self.key}"}.get(self.kind, self.key)


# ------------------------------------------------------------------ languages

def language(code: str) -> Language:
    """A language's names (its own, in its script, and the English one) and direction, from CLDR."""
    from babel import Locale, UnknownLocaleError
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Language(code, code, code, "ltr", (code,))
    own = locale.get_display_name(locale) or code
    english = locale.get_display_name("en") or code
    words = (code, own, english, *ALSO_KNOWN_AS.get(code.split("-")[0], ()))
    return Language(code, own, english, "rtl" if locale.text_direction == "rtl" else "ltr",
                    tuple(dict.fromkeys(words)))


# ------------------------------------------------------------------ reading the outputs

def read_manifest(out: Path) -> list[dict]:
    """The manifest's entries; SiteError if it is missing, damaged or lists nothing."""
    path = out / "manifest.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"{path}: not found; run publish.py build first (or make)") from None
    except OSError as err:
        raise SiteError(f"{path}: cannot read it: {err.strerror}; check the folder (--out)") from None
    except ValueError as err:
        raise SiteError(f"{path}: damaged, not JSON ({err}); {FIX_BUILD}") from None
    fields = {"kind": str, "path": str, "pages": int, "bytes": int, "sha256": str}
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and all(isinstance(e.get(k), t) for k, t in fields.items()) for e in entries):
        raise SiteError(f"{path}: damaged, not a list of entries with {', '.join(fields)}; {FIX_BUILD}")
    listed = [e for e in entries if e["kind"] in SHOWN]
    if not listed:
        raise SiteError(f"{path}: lists no PDF; run publish.py build first (or make)")
    for e in listed:
        if e["kind"] == "leaflet" and not all(isinstance(e.get(k), str) for k in ("leaflet", "lang", "format")):
            raise SiteError(f"{path}: damaged, entry {e['path']} has no leaflet, lang or format; {FIX_BUILD}")
    return listed


def _pdf_bytes(out: Path, entry: dict) -> bytes:
    from .files import inside
    path = out / entry["path"]
    if not entry["path"].endswith(".pdf") or not inside(out, path):
        raise SiteError(f"{out / 'manifest.json'}: damaged, it lists {entry['path']!r}, which is no PDF in "
                        f"{out}; {FIX_BUILD}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SiteError(f"{path}: listed in {out / 'manifest.json'} but missing; {FIX_BUILD}") from None
    except OSError as err:
        raise SiteError(f"{path}: cannot read it: {err.strerror}; {FIX_BUILD}") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise SiteError(f"{path}: changed since {out / 'manifest.json'} listed it; {FIX_BUILD}")
    return data


def _paper(width_pt: float, height_pt: float) -> str:
    mm = sorted((round(width_pt * 25.4 / 72), round(height_pt * 25.4 / 72)))
    return {(210, 297): "A4", (148, 210): "A5"}.get(tuple(mm), f"{mm[0]} × {mm[1]} mm")


@dataclass(frozen=True)
class _Read:
    title: str
    paper: str
    ratio: float  # height / width of the first page
    images: dict[int, bytes]  # thumbnail WebP by pixel width


def _read_pdf(path: Path, data: bytes, widths: tuple[int, ...], render: bool) -> _Read:
    """Title, paper and (if `render`) first-page thumbnails of a PDF, with PDFium."""
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise SiteError(f"{path}: damaged, PDFium cannot read it ({err}); {FIX_BUILD}") from None
    try:
        if len(pdf) == 0:
            raise SiteError(f"{path}: damaged, it has no page; {FIX_BUILD}")
        title = " ".join((pdf.get_metadata_dict().get("Title") or "").split())
        page = pdf[0]
        width, height = page.get_size()
        images = {}
        if render:
            for px in widths:
                bitmap = page.render(scale=px / width)
                out = io.BytesIO()
                bitmap.to_pil().convert("RGB").save(out, "WEBP", quality=72, method=4)
                images[px] = out.getvalue()
        return _Read(title, _paper(width, height), height / width, images)
    finally:
        pdf.close()


def _qr(url: str) -> Qr:
    """The QR code of `url`, inline as a PNG of one pixel per module: about 500 bytes, where an SVG path
    takes 3 KB, so that a page of a hundred entries stays light. The page scales it up, pixelated."""
    import segno
    code = segno.make(url, error="m", micro=False)
    return Qr(url, code.png_data_uri(scale=1, border=QR_BORDER), code.symbol_size(scale=1, border=QR_BORDER)[0])


# ------------------------------------------------------------------ making the site

@dataclass(frozen=True)
class Site:
    items: tuple[Item, ...]
    languages: Mapping[str, Language]
    base_url: str | None


@dataclass(frozen=True)
class Written:
    index: Path
    items: int
    qr_codes: int
    files: int


def _previous(folder: Path) -> dict[str, bytes]:
    """Files of the last site, by name relative to it: thumbnails and fonts named by what makes them. Only
    these are the site's to replace or remove: other files in the folder (the desk copy) are left alone."""
    found = {}
    for path in sorted(p for sub in DERIVED for p in (folder / sub).glob("*")):
        if path.is_file() and not path.name.startswith("."):
            try:
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
            except OSError:
                continue
    return found


def _item(out: Path, entry: dict, base_url: str | None, files: dict[str, bytes], previous: dict[str, bytes]) -> Item:
    data = _pdf_bytes(out, entry)
    made_of = hashlib.sha256(f"{entry['sha256']} {RECIPE} {THUMB_WIDTH}".encode()).hexdigest()[:20]
    names = {px: f"thumbs/{made_of}-{px}.webp" for px in (THUMB_WIDTH, 2 * THUMB_WIDTH)}
    have = all(name in previous for name in names.values())
    read = _read_pdf(out / entry["path"], data, tuple(names), render=not have)
    for px, name in names.items():
        files[name] = previous[name] if have else read.images[px]
    leaflet = entry["kind"] == "leaflet"
    key = entry["leaflet"] if leaflet else str(entry.get("pack") or Path(entry["path"]).stem)
    langs = (entry["lang"],) if leaflet else tuple(str(x) for x in entry.get("langs") or ("en",))
    if entry["kind"] == "desk-copy":
        key, langs = "desk-copy", ("en",)
    formats = (entry["format"],) if leaflet else tuple(str(x) for x in entry.get("formats") or ())
    sized = _SIZED.search(entry["path"]) if leaflet else None
    size = entry.get("size")
    return Item(kind=entry["kind"], key=key, lang=langs[0], langs=langs, format=formats[0] if formats else "",
                formats=formats, sized=float(sized.group(1)) if sized else None,
                body_pt=float(size) if isinstance(size, (int, float)) and leaflet else None,
                path=entry["path"], pages=entry["pages"], bytes=entry["bytes"], draft=entry.get("draft") is True,
                title=read.title or key, paper=read.paper,
                thumb=Thumb(names[THUMB_WIDTH], names[2 * THUMB_WIDTH], THUMB_WIDTH, round(THUMB_WIDTH * read.ratio)),
                qr=_qr(pdf_url(base_url, entry["path"])) if base_url else None)


def make_site(out: Path, config: SiteConfig, previous: dict[str, bytes] | None = None) -> tuple[Site, dict[str, bytes]]:
    """The page's data, and the files it needs (by name in OUT/site) but for the page and its fonts."""
    files: dict[str, bytes] = {}
    items = tuple(_item(out, e, config.base_url, files, previous or {})
                  for e in sorted(read_manifest(out), key=lambda e: e["path"]))
    codes = sorted({code for item in items for code in item.langs})
    return Site(items, {code: language(code) for code in codes}, config.base_url), files


def publish_site(out: Path, config_path: Path | None = None) -> Written:
    """Write OUT/site/: index.html, its thumbnails and font subsets, whole or not at all; files of an
    earlier site that it no longer uses are removed."""
    config = site_config(config_path)
    folder = out / FOLDER
    previous = _previous(folder)
    site, files = make_site(out, config, previous)
    from . import manifest
    from .sitefonts import font_files
    from .sitepage import page
    draft = page(site, font_css="")
    fonts, css = font_files(draft, previous)
    files.update(fonts)
    files["index.html"] = page(site, font_css=css).encode("utf-8")
    stale = [folder / name for name in previous if name not in files]
    manifest.commit(out, {folder / name: data for name, data in sorted(files.items())}, remove=stale)
    return Written(folder / "index.html", len(site.items), sum(item.qr is not None for item in site.items),
                   len(files))
