"""QR codes for a parent's phone, drawn as vector modules.

segno (ISO/IEC 18004) makes the matrix; the dark modules are drawn as one filled path of one rectangle
per run, so the code is sharp at any print resolution and the same address gives the same bytes. The code
is an artifact: the address printed beside it is the text a screen reader reads.
"""
from __future__ import annotations

from functools import lru_cache

import segno

QUIET_ZONE = 4  # light modules around the code, as ISO/IEC 18004 asks


@lru_cache(maxsize=64)
def modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's dark (True) and light modules, row by row from the top, without the quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def draw(canv, url: str, x: float, y: float, size: float) -> None:
    """Draw the code of `url` with its lower left corner at (x, y), `size` wide and high (quiet zone not
    included: leave QUIET_ZONE modules clear around it), in the current fill colour."""
    rows = modules(url)
    step = size / len(rows)
    path = canv.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * step
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(x + start * step, top, (c - start) * step, step)
    canv.drawPath(path, stroke=0, fill=1)


def quiet_zone(url: str, size: float) -> float:
    """The width of the light margin a code of `size` needs on each side."""
    return size / len(modules(url)) * QUIET_ZONE
