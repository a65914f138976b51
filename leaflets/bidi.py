"""The Unicode Bidi Algorithm, through ICU: levels per character and visual order (rule L2)."""
from __future__ import annotations

import unicodedata
from itertools import accumulate
from typing import Sequence

import icu

__all__ = ["CONTROLS", "bidi_levels", "l2_order", "utf16_index", "without_controls"]

#: Explicit embeddings, overrides, isolates and marks: the algorithm reads them; nothing draws them.
CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def bidi_levels(text: str, para_level: int) -> list[int]:
    """Resolved bidi level of each character (ICU, the reference UBA)."""
    if not any(unicodedata.bidirectional(c) in ("R", "AL", "AN", "RLE", "RLO", "RLI") for c in text):
        if para_level == 0:
            return [0] * len(text)
    bidi = icu.Bidi()
    ustr = icu.UnicodeString(text)  # ICU reads it in place: keep it alive
    bidi.setPara(ustr, para_level)
    levels = bidi.getLevels()
    if len(levels) == len(text):
        return list(levels)
    return [levels[u] for u in list(utf16_index(text))[:len(text)]]  # ICU counts UTF-16 units


def utf16_index(text: str) -> dict[int, int]:
    """UTF-16 unit offset (as ICU counts) -> character index, for each character start and the end."""
    return {u: i for i, u in enumerate(accumulate((2 if ord(c) > 0xFFFF else 1 for c in text), initial=0))}


def l2_order(levels: Sequence[int]) -> list[int]:
    """Visual order (indices) of items with these levels, by UBA rule L2."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top = max(levels)
    low = min(lv for lv in levels if lv % 2) if any(lv % 2 for lv in levels) else top + 1
    for lv in range(top, low - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= lv:
                j = i
                while j < len(order) and levels[order[j]] >= lv:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def without_controls(text: str, *per_char: list) -> tuple[str, ...]:
    """text without its bidi controls, and each list of per-character values the same; a space they
    leave doubled, or at either end or beside a line separator (U+2028), goes too."""
    kept: list[int] = []
    for i, c in enumerate(text):
        if c in CONTROLS or (c == " " and (not kept or text[kept[-1]] in " \u2028")):
            continue
        if c == "\u2028" and kept and text[kept[-1]] == " ":
            kept.pop()
        kept.append(i)
    while kept and text[kept[-1]] == " ":
        kept.pop()
    return ("".join(text[i] for i in kept), *([values[i] for i in kept] for values in per_char))
