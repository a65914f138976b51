"""The catalogue page's fonts: the faces the PDFs use (leaflets/fonts.yaml), each subset to the characters
the page sets in it and saved as WOFF2, so that every script draws in any browser, even one with no
Bengali, Gurmukhi, Han or Nastaliq font of its own.

Which face sets which character is decided as for a PDF (fonts.runs, per text, its language and weight),
read from the page itself, so that no character of it is left out. Each face's `unicode-range` is exactly
its characters, and each language's font stack starts with its own family, so the browser picks the
same face as the PDF does.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser

from . import fontfiles, fonts
from .files import write_atomic

__all__ = ["page_texts", "font_files"]

RECIPE = "1"  # bump when subsets are made differently, so old ones are not reused
CACHE = fontfiles.DEFAULT_CACHE.parent / "site-fonts"
UNDRAWN = frozenset({"head", "script", "style", "svg", "template", "title"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
# Families set in their regular face at any weight: Nastaliq's bold subset is as large as its regular
# one (about 100 KB) and hardly darker; the browser is told not to make a false bold of it.
REGULAR_ONLY = frozenset({"Noto Nastaliq Urdu"})


class _Texts(HTMLParser):
    """(text, lang) of every piece of text the page shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("", "en", False)]  # tag, lang, undrawn
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _, lang, undrawn = self.stack[-1]
        found = dict(attrs)
        lang = found.get("lang") or lang
        undrawn = undrawn or tag in UNDRAWN
        for name in ("placeholder", "alt"):
            if found.get(name) and not undrawn:
                self.found.append((found[name] or "", lang))
        if tag not in VOID:
            self.stack.append((tag, lang, undrawn))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching tag
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        _, lang, undrawn = self.stack[-1]
        text = " ".join(data.split())
        if text and not undrawn:
            self.found.append((text, lang))


def page_texts(html: str) -> list[tuple[str, str]]:
    """(text, language) of every piece of text the page shows, in page order."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser.found


def _families() -> dict[str, tuple[str, str]]:
    """face name -> (family, "400" or "700")."""
    return {face: (family, weight) for family, pair in fontfiles.table().families.items()
            for face, weight in zip(pair, ("400", "700"))}


def _characters(texts: list[tuple[str, str]]) -> dict[str, set[str]]:
    """The characters each face sets, as fonts.runs assigns them, in both weights: which text is bold is
    the style sheet's business, and a browser fetches a face only for text it draws in it. A character
    no face draws is left to the browser's own fonts."""
    faces = _families()
    regular = {family: pair[0] for family, pair in fontfiles.table().families.items()}
    found: dict[str, set[str]] = {}
    for text, lang, bold in sorted({(text, lang, bold) for text, lang in texts for bold in (False, True)}):
        try:
            runs = fonts.runs(text, lang, bold)
        except ValueError:  # a character without a face: the others, one at a time
            runs = []
            for ch in text:
                try:
                    runs += fonts.runs(ch, lang, bold)
                except ValueError:
                    continue
        for face, chunk in runs:
            family = faces[face][0]
            found.setdefault(regular[family] if family in REGULAR_ONLY else face, set()).update(chunk)
    return found


def _subset(face: fontfiles.Face, chars: set[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(fontfiles.path(face)), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: joining, conjuncts, marks
    options.hinting = False
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    if "fvar" in font:  # a variable font's default instance only: its variations would double the file
        from fontTools.varLib import instancer
        axes = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
        font = instancer.instantiateVariableFont(font, axes)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cached(face: fontfiles.Face, chars: set[str], file: str) -> bytes:
    """A subset made before (into CACHE, named by what makes it), else made now: Nastaliq's takes seconds."""
    cached = CACHE / file.rsplit("/", 1)[-1]
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _subset(face, chars)
    try:
        write_atomic(cached, data)
    except OSError:
        pass  # only a cache: the page does not need it
    return data


def _ranges(chars: set[str]) -> str:
    """CSS unicode-range of a set of characters: U+20, U+41-5A, …"""
    codes = sorted(ord(c) for c in chars)
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def _stacks(families: list[str], langs: list[str]) -> Iterator[str]:
    """A font-family rule for the page and for each language: its own family first, then the others."""
    def first(lang: str) -> list[str]:
        try:
            return [fonts.text_family(lang)]
        except (fonts.NoFont, KeyError):
            return []

    def stack(lang: str) -> str:
        order = [f for f in dict.fromkeys(first(lang) + families) if f in families]
        weight = ";font-synthesis-weight:none" if REGULAR_ONLY & set(first(lang)) else ""
        return ",".join(f'"{f}"' for f in order) + ",sans-serif" + weight
    yield f"body,button,input,select{{font-family:{stack('en')}}}"
    for lang in langs:
        yield f":lang({lang}){{font-family:{stack(lang)}}}"


def font_files(html: str, previous: Mapping[str, bytes]) -> tuple[dict[str, bytes], str]:
    """The WOFF2 subsets the page needs (by name in the site folder: a subset of the same face, version
    and characters is reused from `previous`) and the CSS that uses them."""
    texts = page_texts(html)
    chars = _characters(texts)
    faces = _families()
    table = fontfiles.table()
    tools = importlib.metadata.version("fonttools")
    files: dict[str, bytes] = {}
    rules = []
    for name in sorted(chars, key=lambda n: (list(table.families).index(faces[n][0]), n)):
        face = table.faces[name]
        made_of = hashlib.sha256(repr((name, face.version(), tools, RECIPE, sorted(chars[name]))).encode())
        file = f"fonts/{name}-{made_of.hexdigest()[:16]}.woff2"
        files[file] = previous.get(file) or _cached(face, chars[name], file)
        family, weight = faces[name]
        weight = "400 700" if family in REGULAR_ONLY else weight
        rules.append(f'@font-face{{font-family:"{family}";src:url({file}) format("woff2");font-weight:{weight};'
                     f"font-style:normal;font-display:swap;unicode-range:{_ranges(chars[name])}}}")
    used = [f for f in table.families if any(faces[n][0] == f for n in chars)]
    langs = sorted({lang for _, lang in texts if lang != "en"})
    return files, "\n".join([*rules, *_stacks(used, langs)])
