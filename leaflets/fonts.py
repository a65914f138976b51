"""The choice of font for each run of text, by script and language, from the font table.

ReportLab has no font fallback: a character the font lacks is drawn as an empty
box or not at all, silently. So every text is split into runs, each run gets a
font chosen by script and language, and each run is checked against that
font's cmap before it is drawn. The families per script and language are data
(leaflets/fonts.yaml, read by fontfiles.py); a language's own text is set in the
first family that has all its letters (CLDR exemplar characters, from ICU), and
a word is set in one family wherever one has all its letters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

import icu
from reportlab.pdfbase import pdfmetrics

from . import fontfiles
from .bidi import CONTROLS
from .fontfiles import FontsError, cmap

__all__ = [
    "scripts",
    "FontsError",
    "NoFont",
    "register_fonts",
    "script_of",
    "font_name",
    "text_family",
    "runs",
    "missing_glyphs",
    "to_markup",
    "is_shaped",
    "needs_shaping",
    "is_rtl",
    "base_script",
    "line_height",
    "likely_script",
]



class NoFont(ValueError):
    """No font of the table draws a script, or a language's letters."""


def scripts() -> tuple[str, ...]:
    """Scripts the project has fonts for (ICU's names, lower case)."""
    return tuple(fontfiles.table().scripts)


def register_fonts(cache_dir=None) -> None:
    """Register every face of the table with ReportLab (tests; a build registers each when first used)."""
    for name in fontfiles.table().faces:
        fontfiles.register(name, cache_dir)


# -------------------------------------------------------------------- scripts

def _lang(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _script_name(code: str) -> str:
    """Our name of an ICU script code: "Latn" -> "latin"; simplified and traditional Han are "han"."""
    if code in ("Hans", "Hant", "Hani"):
        return "han"
    return icu.Script(icu.Script.getCode(code)[0]).getName().lower()


@lru_cache(maxsize=None)
def likely_script(lang: str) -> str:
    """ICU's code of the script a language is most likely written in: "Arab" for ur, "Hans" for zh."""
    locale = icu.Locale(lang.replace("-", "_"))
    locale.addLikelySubtags()  # ur -> ur_Arab_PK, zh -> zh_Hans_CN
    return locale.getScript() or "Latn"


def base_script(lang: str) -> str:
    """Script of a language's ordinary text (ICU's likely script), e.g. "arabic" for ur, "han" for zh-Hans."""
    return _script_name(likely_script(lang))


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    """Script of one character, or None for neutral characters (spaces, digits,
    punctuation, combining marks) that take the script around them."""
    code = icu.Script.getScript(ch).getShortName()
    if code in ("Zyyy", "Zinh", "Zzzz"):
        return None
    return _script_name(code)


@lru_cache(maxsize=None)
def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left (its script is)."""
    return icu.Script(icu.Script.getCode(likely_script(lang))[0]).isRightToLeft()


def is_shaped(lang: str) -> bool:
    """Whether paragraphs in this language need ParagraphStyle(shaping=1)."""
    return base_script(lang) in fontfiles.table().shaped or is_rtl(lang)


def needs_shaping(text: str) -> bool:
    """Whether a text holds characters only shaping sets right: a shaped script, right-to-left
    letters (a language's name in an English line), or bidi controls, which are then not drawn."""
    return not text.isascii() and any(_needs_shaping(c) for c in set(text) if not c.isascii())


@lru_cache(maxsize=4096)
def _needs_shaping(c: str) -> bool:
    return c in CONTROLS or unicodedata.bidirectional(c) in ("R", "AL") or script_of(c) in fontfiles.table().shaped


@lru_cache(maxsize=None)
def _letters(lang: str) -> frozenset[str]:
    """The language's letters: CLDR's standard exemplar characters, single code points."""
    return frozenset(c for c in icu.LocaleData(lang.replace("-", "_")).getExemplarSet(0, 0) if len(c) == 1)


@lru_cache(maxsize=None)
def _families(script: str, lang: str) -> tuple[str, ...]:
    """Families that draw `script` for `lang`, best first: the language's own, then the script's."""
    table = fontfiles.table()
    own = (table.languages.get(lang) or table.languages.get(_lang(lang), {})).get(script, ())
    return tuple(dict.fromkeys(own + table.scripts.get(script, ())))


@lru_cache(maxsize=None)
def text_family(lang: str) -> str:
    """The family for a language's own text: the first of its script's families that has all
    its letters, else the one that has most (and draws its script at all). NoFont if none."""
    script = base_script(lang)
    families = _families(script, lang)
    if not families:
        raise NoFont(f"no font in leaflets/fonts.yaml draws the {script.title()} script of '{lang}'; "
                     "add a family for it under 'scripts'")
    letters = [c for c in _letters(lang) if script_of(c) == script]
    def missing(family: str) -> int:
        regular, bold = fontfiles.table().families[family]
        return max(sum(ord(c) not in cmap(regular) for c in letters), sum(ord(c) not in cmap(bold) for c in letters))
    for family in families:
        if missing(family) == 0:
            return family
    best = min(families, key=missing)
    if missing(best) == len(letters):
        raise NoFont(f"no font in leaflets/fonts.yaml draws the letters of '{lang}'")
    return best


def _ordered(script: str, lang: str) -> tuple[str, ...]:
    """Families for `script` in a text of `lang`: for its own script, its text family first."""
    families = _families(script, lang)
    if script == base_script(lang) and families:
        first = text_family(lang)
        families = (first,) + tuple(f for f in families if f != first)
    return families


def font_name(script: str, lang: str, bold: bool) -> str:
    """Registered ReportLab font name for a run of `script` in a text of `lang`."""
    return fontfiles.register(_face(script, lang, bold))


@lru_cache(maxsize=None)
def _face(script: str, lang: str, bold: bool) -> str:
    """The face font_name registers: it depends on the font table only, which is read once."""
    families = _ordered(script, lang)
    if not families:
        raise ValueError(f"no font for script {script!r}")
    regular, bold_name = fontfiles.table().families[families[0]]
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


@lru_cache(maxsize=None)
def _candidates(script: str, lang: str, bold: bool, neutral: bool) -> tuple[str, ...]:
    """Fonts to try, best first, for a character of `script` (or a neutral one that took it)."""
    families = list(_ordered(script, lang))
    if neutral:
        # Neutrals the run's font lacks (ASCII digits and brackets in Nastaliq, a full-width bracket
        # next to Latin in Chinese): the language's own font, then Latin ones, then any.
        try:
            families[1:1] = [text_family(lang)]
        except NoFont:
            pass
        families[2:2] = _ordered("latin", lang)
        families += [f for s in fontfiles.table().scripts for f in _ordered(s, lang)]
    names = fontfiles.table().families
    return tuple(names[f][1] if bold else names[f][0] for f in dict.fromkeys(families))


def _drawable(name: str, ch: str) -> bool:
    return ch in CONTROLS or ord(ch) in cmap(name)  # cmap() registers the face when it first reads it


def _one_font(text: str, lang: str, bold: bool) -> str | None:
    """The font _choose gives every character of `text`, found without going character by character;
    None when it may give several (or none). That is so when the text's letters are of one script (or
    none: the language's) and the first font for that script draws every character: each neutral then
    takes that script, each word and each space that font."""
    chars = set(text)
    strong = {script_of(c) for c in chars}
    strong.discard(None)
    if len(strong) > 1:
        return None
    first = _candidates(strong.pop() if strong else base_script(lang), lang, bold, False)[:1]
    if not first:
        return None
    drawn = cmap(first[0])
    return first[0] if all(ord(c) in drawn for c in chars.difference(CONTROLS)) else None


def _choose(text: str, lang: str, bold: bool) -> list[str | None]:
    """Font name per character, None where no font has the glyph. A run of one script inside a
    word takes the first font that has all its characters, so no word mixes two typefaces where
    one can draw it; else each character the first font that has it."""
    whole = _one_font(text, lang, bold) if text else None
    return [whole] * len(text) if whole is not None else _by_character(text, lang, bold)


def _by_character(text: str, lang: str, bold: bool) -> list[str | None]:
    scripts = _scripts(text, lang)
    chosen: list[str | None] = [None] * len(text)
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            prev = chosen[i - 1] if i else None
            if prev is not None and _drawable(prev, text[i]):
                chosen[i] = prev  # a space stays in the run before it
            else:
                chosen[i] = next((f for f in _candidates(scripts[i], lang, bold, True) if _drawable(f, text[i])), None)
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace() and scripts[j] == scripts[i]:
            j += 1
        segment = text[i:j]
        # Its letters, and the marks on them: a mark in another font than its letter cannot sit on it.
        letters = [c for c in segment if script_of(c) is not None or unicodedata.category(c) in ("Mn", "Me")] \
            or segment
        whole = next((f for f in _candidates(scripts[i], lang, bold, letters is segment)
                      if all(_drawable(f, c) for c in letters)), None)
        for k in range(i, j):
            if whole is not None and _drawable(whole, text[k]):
                chosen[k] = whole
            else:
                chosen[k] = next((f for f in _candidates(scripts[k], lang, bold, script_of(text[k]) is None)
                                  if _drawable(f, text[k])), None)
        i = j
    return chosen


def runs(text: str, lang: str, bold: bool) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs; every character is in its font's cmap.

    Raises ValueError if a character has no font (see missing_glyphs)."""
    whole = _one_font(text, lang, bold) if text else None
    if whole is not None:
        return [(whole, text)]
    chosen = _by_character(text, lang, bold)
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
    return _markup(tuple((text, bool(bold)) for text, bold in spans), lang)


@lru_cache(maxsize=4096)  # a build sets each text in every format, and every page's footer
def _markup(spans: tuple[tuple[str, bool], ...], lang: str) -> str:
    parts = []
    for text, bold in spans:
        for name, chunk in runs(text, lang, bold):
            parts.append(f'<font name="{name}">{escape(chunk)}</font>')
    return "".join(parts)


def line_height(font_name: str, size: float) -> float:
    """A leading (points) in which lines of this font at this size do not
    collide: the font's ascent plus descent, at least 1.2 em. Noto Nastaliq
    Urdu needs about 2.5 em."""
    fontfiles.register(font_name)
    ascent, descent = pdfmetrics.getAscentDescent(font_name, size)
    return max(1.2 * size, ascent - descent)
