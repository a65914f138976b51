"""Our inline markup: `**bold**`, and nothing else.

Everything else in a source or catalogue text is data. It is never handed to
ReportLab's paragraph parser unescaped (see `fonts.to_markup`).
"""
from __future__ import annotations

import unicodedata

BOLD = "**"


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


def plain(text: str) -> str:
    """The text a reader gets: markup removed, NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", text.replace(BOLD, "")).split())
