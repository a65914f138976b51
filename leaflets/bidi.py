"""The Unicode Bidi Algorithm, through ICU: levels per character and visual order (rule L2)."""
from __future__ import annotations

import unicodedata
from typing import Sequence

import icu

__all__ = ["CONTROLS", "bidi_levels", "l2_order", "without_controls"]

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
    out, u = [], 0  # ICU counts UTF-16 units
    for c in text:
        out.append(levels[u])
        u += 2 if ord(c) > 0xFFFF else 1
    return out


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
    """text without its bidi controls (and without a space they leave doubled), and each list of
    per-character values the same."""
    kept = []
    for i, c in enumerate(text):
        if c not in CONTROLS and not (c == " " and kept and text[kept[-1]] == " "):
            kept.append(i)
    return ("".join(text[i] for i in kept), *([values[i] for i in kept] for values in per_char))
