"""Fonts for every script the leaflets print, and the choice of font per run of text.

ReportLab has no font fallback: a character the font lacks is drawn as an empty
box or not at all, silently. So every text is split into runs, each run gets a
font chosen by script and language, and each run is checked against that
font's cmap before it is drawn.

Fonts come from pip packages (located through the installed package) and, for
Noto Nastaliq Urdu, from the npm package ``@fontsource/noto-nastaliq-urdu`` in
the repository's ``node_modules``. Derived files (static Bold instances of
variable fonts, woff converted to ttf) are made once into a cache folder.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape

import icu
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .files import write_atomic
from .rlfixes import registered_face

__all__ = [
    "SCRIPTS",
    "FontsError",
    "register_fonts",
    "script_of",
    "font_name",
    "runs",
    "missing_glyphs",
    "to_markup",
    "is_shaped",
    "is_rtl",
    "base_script",
    "line_height",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT / ".cache" / "fonts"
NASTALIQ_NPM = REPO_ROOT / "node_modules" / "@fontsource" / "noto-nastaliq-urdu"

# Bump when a derivation below changes, so old cached files are not reused.
_RECIPE = "1"

#: Scripts the leaflets can print. ICU script code -> our name.
SCRIPTS: dict[str, str] = {
    "Latn": "latin",
    "Cyrl": "cyrillic",
    "Grek": "greek",
    "Arab": "arabic",
    "Beng": "bengali",
}

# Language (primary subtag) -> script of its ordinary text. Unlisted: latin.
_LANG_SCRIPT = {
    "ar": "arabic", "ur": "arabic", "fa": "arabic", "ps": "arabic", "ckb": "arabic",
    "bn": "bengali", "syl": "bengali", "as": "bengali",
    "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic", "sr": "cyrillic", "mk": "cyrillic",
    "be": "cyrillic", "kk": "cyrillic", "ky": "cyrillic", "mn": "cyrillic",
    "el": "greek",
}
_RTL_LANGS = {"ar", "ur", "fa", "ps", "ckb", "he", "yi", "sd", "ug", "dv"}
_SHAPED_SCRIPTS = {"arabic", "bengali"}


class FontsError(RuntimeError):
    """A font file is missing or clashes with one already registered."""


@dataclass(frozen=True)
class _Face:
    name: str                       # ReportLab font name
    source: Callable[[], Path]      # the file as shipped
    version: Callable[[], str]      # version of the package that ships it
    derive: str | None = None       # "bold-instance" | "woff-to-ttf" | None


def _pip_file(package: str, filename: str) -> Callable[[], Path]:
    def find() -> Path:
        try:
            root = importlib.resources.files(package)
        except ModuleNotFoundError as e:
            raise FontsError(f"font package {package!r} is not installed") from e
        return Path(str(root / "files" / filename))
    return find


def _pip_version(dist: str) -> Callable[[], str]:
    return lambda: importlib.metadata.version(dist)


def _npm_file(filename: str) -> Callable[[], Path]:
    return lambda: NASTALIQ_NPM / "files" / filename


def _npm_version() -> str:
    try:
        return json.loads((NASTALIQ_NPM / "package.json").read_text("utf-8"))["version"]
    except FileNotFoundError as e:
        raise FontsError("npm package @fontsource/noto-nastaliq-urdu is not installed "
                         "(run npm install in the repository)") from e


_AH = "fontpkg_atkinson_hyperlegible"
_NS = "fontpkg_noto_sans"
_NSA = "fontpkg_noto_sans_arabic"
_HS = "fontpkg_hind_siliguri"

_FACES: dict[str, _Face] = {f.name: f for f in [
    _Face("AtkinsonHyperlegible", _pip_file(_AH, "AtkinsonHyperlegible-Regular.ttf"),
          _pip_version("fontpkg-atkinson-hyperlegible")),
    _Face("AtkinsonHyperlegible-Bold", _pip_file(_AH, "AtkinsonHyperlegible-Bold.ttf"),
          _pip_version("fontpkg-atkinson-hyperlegible")),
    _Face("NotoSans", _pip_file(_NS, "NotoSans[wdth,wght].ttf"), _pip_version("fontpkg-noto-sans")),
    _Face("NotoSans-Bold", _pip_file(_NS, "NotoSans[wdth,wght].ttf"), _pip_version("fontpkg-noto-sans"),
          "bold-instance"),
    _Face("NotoSansArabic", _pip_file(_NSA, "NotoSansArabic[wdth,wght].ttf"),
          _pip_version("fontpkg-noto-sans-arabic")),
    _Face("NotoSansArabic-Bold", _pip_file(_NSA, "NotoSansArabic[wdth,wght].ttf"),
          _pip_version("fontpkg-noto-sans-arabic"), "bold-instance"),
    _Face("HindSiliguri", _pip_file(_HS, "HindSiliguri-Regular.ttf"), _pip_version("fontpkg-hind-siliguri")),
    _Face("HindSiliguri-Bold", _pip_file(_HS, "HindSiliguri-Bold.ttf"), _pip_version("fontpkg-hind-siliguri")),
    _Face("NotoNastaliqUrdu", _npm_file("noto-nastaliq-urdu-arabic-400-normal.woff"), _npm_version,
          "woff-to-ttf"),
    _Face("NotoNastaliqUrdu-Bold", _npm_file("noto-nastaliq-urdu-arabic-700-normal.woff"), _npm_version,
          "woff-to-ttf"),
]}

# (script, urdu?) -> (regular, bold)
_SCRIPT_FONTS: dict[tuple[str, bool], tuple[str, str]] = {
    ("latin", False): ("AtkinsonHyperlegible", "AtkinsonHyperlegible-Bold"),
    ("cyrillic", False): ("NotoSans", "NotoSans-Bold"),
    ("greek", False): ("NotoSans", "NotoSans-Bold"),
    ("arabic", False): ("NotoSansArabic", "NotoSansArabic-Bold"),
    ("arabic", True): ("NotoNastaliqUrdu", "NotoNastaliqUrdu-Bold"),
    ("bengali", False): ("HindSiliguri", "HindSiliguri-Bold"),
}

_registered = False
_cmaps: dict[str, frozenset[int]] = {}


# ---------------------------------------------------------------- registration

def _derive(face: _Face, src: Path, dst: Path) -> None:
    """Write the derived font for face to dst atomically and deterministically."""
    from fontTools.ttLib import TTFont as FTFont

    font = FTFont(str(src), recalcTimestamp=False)
    if face.derive == "bold-instance":
        from fontTools.varLib import instancer
        # ReportLab draws only a variable font's default (Regular) outlines.
        font = instancer.instantiateVariableFont(font, {"wght": 700, "wdth": 100}, updateFontNames=True)
        font.recalcTimestamp = False
        _check_ps_name(font, face.name)
    elif face.derive == "woff-to-ttf":
        font.flavor = None  # ReportLab reads plain TrueType only
    out = io.BytesIO()
    font.save(out)
    write_atomic(dst, out.getvalue())


def _check_ps_name(font: Any, name: str) -> None:
    # Two registered files with one PostScript name make ReportLab silently
    # draw the second with the first; the instancer must have renamed it.
    ps = font["name"].getDebugName(6)
    if not ps or not ps.endswith("-Bold"):
        raise FontsError(f"bold instance for {name} has PostScript name {ps!r}")


def _path(face: _Face, cache_dir: Path) -> Path:
    src = face.source()
    if not src.is_file():
        raise FontsError(f"font file for {face.name} not found: {src.name}")
    if face.derive is None:
        return src
    # Named by everything that makes the file, fontTools included, so an upgrade never reuses an old derivation.
    tools = importlib.metadata.version("fonttools")
    dst = cache_dir / f"{face.name}-{face.version()}-fonttools{tools}-r{_RECIPE}.ttf"
    if not dst.is_file():
        _derive(face, src, dst)
    return dst


def register_fonts(cache_dir: Path | None = None) -> None:
    """Register every leaflet font with ReportLab. Idempotent.

    cache_dir holds derived font files (default: .cache/fonts in the repository).
    Raises FontsError if a file is missing or its PostScript name is already
    registered from another file.
    """
    global _registered
    if _registered:
        return
    cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE
    for face in _FACES.values():
        path = _path(face, cache)
        if face.name in pdfmetrics.getRegisteredFontNames():
            continue
        font = TTFont(face.name, str(path))
        other = registered_face(font.face.name)
        if other is not None and other != face.name:
            raise FontsError(f"{face.name}: PostScript name {font.face.name!r} is already "
                             f"registered as {other!r}")
        pdfmetrics.registerFont(font)
    _registered = True


def _cmap(name: str) -> frozenset[int]:
    """Code points the registered font can draw (read once per font)."""
    cm = _cmaps.get(name)
    if cm is None:
        register_fonts()
        face = pdfmetrics.getFont(name).face
        # Taken before shaping adds private-use entries to charToGlyph.
        cm = _cmaps[name] = frozenset(
            c for c, g in face.charToGlyph.items() if g and not 0xE000 <= c <= 0xF8FF)
    return cm


# -------------------------------------------------------------------- scripts

def _lang(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def base_script(lang: str) -> str:
    """Script of a language's ordinary text ("latin" for unlisted languages)."""
    return _LANG_SCRIPT.get(_lang(lang), "latin")


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    """Script of one character: a name from SCRIPTS, another lower-case script
    name for unsupported scripts, or None for neutral characters (spaces,
    digits, punctuation, combining marks) that take the script around them."""
    code = icu.Script.getScript(ch).getShortName()
    if code in ("Zyyy", "Zinh", "Zzzz"):
        return None
    return SCRIPTS.get(code) or icu.Script.getScript(ch).getName().lower()


def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left."""
    return _lang(lang) in _RTL_LANGS


def is_shaped(lang: str) -> bool:
    """Whether paragraphs in this language need ParagraphStyle(shaping=1)."""
    return base_script(lang) in _SHAPED_SCRIPTS


def font_name(script: str, lang: str, bold: bool) -> str:
    """Registered ReportLab font name for a run of `script` in a text of `lang`."""
    key = (script, script == "arabic" and _lang(lang) == "ur")
    try:
        regular, bold_name = _SCRIPT_FONTS[key]
    except KeyError:
        raise ValueError(f"no font for script {script!r}") from None
    register_fonts()
    return bold_name if bold else regular


# ----------------------------------------------------------------------- runs

def _scripts(text: str, lang: str) -> list[str]:
    """Script per character: neutrals take the script of their word (the
    nearest strong character before, else after, within the word), else of
    the run before, else after, else the language's."""
    own = [script_of(c) for c in text]
    n = len(text)
    out: list[str | None] = list(own)
    i = 0
    while i < n:                     # resolve neutrals inside each word
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        last = None
        for k in range(i, j):
            if own[k] is not None:
                last = own[k]
            elif last is not None:
                out[k] = last
        nxt = None
        for k in range(j - 1, i - 1, -1):
            if own[k] is not None:
                nxt = own[k]
            elif out[k] is None and nxt is not None:
                out[k] = nxt
        i = j
    prev = None                      # words of neutrals, and spaces: the run before
    for k in range(n):
        if out[k] is None:
            out[k] = prev
        else:
            prev = out[k]
    nxt = None
    for k in range(n - 1, -1, -1):
        if out[k] is None:
            out[k] = nxt
        else:
            nxt = out[k]
    default = base_script(lang)
    return [s or default for s in out]


def _candidates(script: str, lang: str, bold: bool, neutral: bool) -> list[str]:
    """Fonts to try, best first, for a character of `script`."""
    try:
        fonts = [font_name(script, lang, bold)]
    except ValueError:
        fonts = []
    if script == "latin" or neutral:
        # Latin letters Atkinson lacks (and neutrals the run's font lacks,
        # such as ASCII digits and brackets in Nastaliq) go to a Latin font.
        fonts += [font_name("latin", lang, bold), font_name("cyrillic", lang, bold)]
    return fonts


def _choose(text: str, lang: str, bold: bool) -> list[str | None]:
    """Font name per character, None where no font has the glyph."""
    register_fonts()
    chosen: list[str | None] = []
    prev: str | None = None
    for ch, script in zip(text, _scripts(text, lang)):
        cp = ord(ch)
        neutral = script_of(ch) is None
        if ch.isspace() and prev is not None and cp in _cmap(prev):
            chosen.append(prev)      # a space stays in the run before it
            continue
        for name in _candidates(script, lang, bold, neutral):
            if cp in _cmap(name):
                chosen.append(name)
                break
        else:
            chosen.append(None)
        prev = chosen[-1]
    return chosen


def runs(text: str, lang: str, bold: bool) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs; every character is in its font's cmap.

    Raises ValueError if a character has no font (see missing_glyphs)."""
    chosen = _choose(text, lang, bold)
    for ch, name in zip(text, chosen):
        if name is None:
            raise ValueError(f"no font can draw {ch!r} (U+{ord(ch):04X})")
    # Each run sliced once from the text: adding a character at a time would cost the square of its length.
    starts = [i for i in range(len(text)) if i == 0 or chosen[i] != chosen[i - 1]]
    return [(chosen[start], text[start:end]) for start, end in zip(starts, [*starts[1:], len(text)])]


def missing_glyphs(text: str, lang: str) -> list[str]:
    """Characters (each once, in order) that no chosen font can draw, regular or bold."""
    out: dict[str, None] = {}
    for bold in (False, True):
        for ch, name in zip(text, _choose(text, lang, bold)):
            if name is None:
                out[ch] = None
    return list(out)


def to_markup(spans: list[tuple[str, bool]], lang: str) -> str:
    """ReportLab paragraph markup for inline spans (text, bold) of one paragraph.

    Every run is wrapped in <font name="...">; the text is escaped (it is data,
    never markup). Bold is a font choice, so there are no <b> tags."""
    parts = []
    for text, bold in spans:
        for name, chunk in runs(text, lang, bold):
            parts.append(f'<font name="{name}">{escape(chunk)}</font>')
    return "".join(parts)


def line_height(font_name: str, size: float) -> float:
    """A leading (points) in which lines of this font at this size do not
    collide: the font's ascent plus descent, at least 1.2 em. Noto Nastaliq
    Urdu needs about 2.5 em."""
    register_fonts()
    ascent, descent = pdfmetrics.getAscentDescent(font_name, size)
    return max(1.2 * size, ascent - descent)
