"""Our inline markup: `**bold**`, and nothing else.

Everything else in a source or catalogue text is data. It is never handed to
ReportLab's paragraph parser unescaped (see `fonts.to_markup`).
"""
from __future__ import annotations

import re
import unicodedata

BOLD = "**"
# Runs of white space, but not the no-break spaces that hold "1 000", "N° 5" or a French "Bonjour !" together.
_SPACE_RUN = re.compile(r"[^\S\u00a0\u2007\u202f]+")


class MarkupError(ValueError):
    pass


def spans(text: str) -> list[tuple[str, bool]]:
    """Split text into (text, bold) spans; raise MarkupError if `**` is unbalanced."""
    parts = text.split(BOLD)
    if len(parts) % 2 == 0:
        raise MarkupError("unbalanced '**': every bold run needs an opening and a closing '**'")
    out = [(part, i % 2 == 1) for i, part in enumerate(parts) if part]
    if any(bold and not part.strip() for part, bold in out):
        raise MarkupError("empty bold run '** **'")
    return out


def fold_spaces(text: str) -> str:
    """Each run of white space one space, no-break spaces kept; no space at the ends."""
    return _SPACE_RUN.sub(" ", text).strip()


def plain(text: str) -> str:
    """The text a reader gets: markup removed, NFC, whitespace folded."""
    return fold_spaces(unicodedata.normalize("NFC", text.replace(BOLD, "")))
