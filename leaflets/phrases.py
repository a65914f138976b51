"""Phrases in another language inside a text, so that each gets its own /Lang and a screen reader
speaks it in that language's voice:
- the names a text says are in another language (the back page's list of languages, each in its own);
- inside a text in a non-Latin script, each run of Latin words ("NHS 111", "Sage Clinics") is English;
- inside a Latin-script text in another language, the glossary's names kept as written are English.
"""
from __future__ import annotations

import itertools
import re

from . import fonts
from .glossary import glossary
from .rllinks import addresses

__all__ = ["phrases"]

_LATIN = r"A-Za-z\u00C0-\u024F"
# Latin words, with the numbers and address characters inside them, joined by single spaces.
_LATIN_RUN = re.compile(rf"[{_LATIN}][{_LATIN}0-9'’./@&-]*(?: [{_LATIN}0-9][{_LATIN}0-9'’./@&-]*)*")
_TRAILING = ".,;:!?'’-"  # the sentence's, not the phrase's


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def phrases(text: str, lang: str, named: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[str, str], ...]:
    """(phrase, its language) for each phrase of `text` (in `lang`) in another language, in order."""
    found: list[tuple[int, int, str]] = []
    at = 0
    for phrase, code in named:
        start = text.find(phrase, at)
        if start >= 0:
            at = start + len(phrase)
            if _primary(code) != _primary(lang):
                found.append((start, at, code))
    if _primary(lang) != "en":
        if fonts.base_script(lang) != "latin":
            # An address (a link) is one phrase, its ':', '/' and '#' included: a link that spans several
            # phrases would cross their marked content.
            runs = itertools.chain(((a.start, a.end) for a in addresses(text)),
                                   ((m.start(), m.start() + len(m.group(0).rstrip(_TRAILING)))
                                    for m in _LATIN_RUN.finditer(text)))
        else:
            runs = ((m.start(), m.end()) for term in glossary().names_to_keep(text)
                    for m in re.finditer(rf"(?<![{_LATIN}]){re.escape(term)}(?![{_LATIN}])", text))
        found += [(start, end, "en") for start, end in runs if end > start]
    taken: list[tuple[int, int, str]] = []
    for start, end, code in found:  # a named phrase first; no overlaps
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, code))
    return tuple((text[start:end], code) for start, end, code in sorted(taken))
