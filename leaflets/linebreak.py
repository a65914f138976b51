"""ICU's text boundaries: where a line may break in a language written without spaces between words
(Chinese), by ICU's line BreakIterator (UAX #14, with CLDR's rules for the language); and sentences and
words, for the easy-read rule in every language.

ICU keeps a closing mark (，。：；！？」）》”…) off the start of a line and an opening one (（「《“) off
its end, and keeps "……", "111" and a Latin word whole. What it allows that a leaflet must not:
- a break after every space, so "NHS 111" or "0800 123 4567" could be split: a space between a letter
  or digit and a following digit holds its neighbours together;
- a break after each "/" of a web address: an address breaks only where it is wider than the column
  (rlbreak.py does that).
"""
from __future__ import annotations

import re
from functools import lru_cache

import icu

from .bidi import utf16_index
from .fonts import likely_script
from .rllinks import addresses

__all__ = ["breaks_between_letters", "breaks", "held_spaces", "sentences", "word_count"]

_HELD = re.compile(r"(?<=[^\W_]) (?=\d)")  # "NHS 111", "0800 123 4567"


@lru_cache(maxsize=None)
def breaks_between_letters(lang: str) -> bool:
    """Whether the language's script is written without spaces between words (Han, Thai…)."""
    return icu.Script(icu.Script.getCode(likely_script(lang))[0]).breaksBetweenLetters()


def held_spaces(text: str) -> set[int]:
    """Positions of the spaces that must not break a line: inside a number or before one."""
    return {m.start() for m in _HELD.finditer(text)}


@lru_cache(maxsize=4096)
def breaks(text: str, lang: str) -> frozenset[int]:
    """The positions (in characters) before which a line may break without a space: ICU's
    line breaks that do not follow a space, outside web and e-mail addresses."""
    held = held_spaces(text)
    # ICU reads a copy in which held spaces are no-break spaces: the same length, the same positions.
    shown = "".join("\u00a0" if i in held else c for i, c in enumerate(text))
    iterator = icu.BreakIterator.createLineInstance(icu.Locale(lang.replace("-", "_")))
    iterator.setText(shown)
    at = utf16_index(text)
    inside = {i for a in addresses(text) for i in range(a.start + 1, a.end)}
    found = set()
    for unit in iterator:  # ICU counts UTF-16 units
        i = at.get(unit)
        if i is not None and 0 < i < len(text) and not text[i - 1].isspace() and not text[i].isspace() \
                and i not in inside:
            found.add(i)
    return frozenset(found)


def _segments(iterator: icu.BreakIterator, text: str) -> list[tuple[str, int]]:
    """text cut at the iterator's boundaries: each piece and its rule status."""
    iterator.setText(text)
    at = utf16_index(text)
    out, start = [], 0
    for unit in iterator:  # ICU counts UTF-16 units
        end = at.get(unit, start)
        out.append((text[start:end], iterator.getRuleStatus()))
        start = end
    return out


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of a text (ICU's sentence boundaries for the language), spaces stripped."""
    iterator = icu.BreakIterator.createSentenceInstance(icu.Locale(lang.replace("-", "_")))
    return [s.strip() for s, _ in _segments(iterator, text) if s.strip()]


def word_count(text: str, lang: str) -> int:
    """The words of a text by ICU's word boundaries (a dictionary for Chinese), punctuation not counted."""
    iterator = icu.BreakIterator.createWordInstance(icu.Locale(lang.replace("-", "_")))
    return sum(1 for _, status in _segments(iterator, text) if status != 0)  # 0: UBRK_WORD_NONE
