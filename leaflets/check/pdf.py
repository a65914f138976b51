"""Small helpers for reading pikepdf objects, shared by the walks."""
from __future__ import annotations

import pikepdf

Key = tuple[int, int]  # an object's (number, generation): how objects are compared
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def key(obj) -> Key:
    return obj.objgen if obj.objgen != (0, 0) else (-1, id(obj))


def num(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def name(value) -> str:
    return str(value)[1:] if isinstance(value, pikepdf.Name) else ""


def text(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.String) else None


def kids(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def inherited(obj, attribute: str):
    """A page attribute, looked up the page tree as PDF allows (/Resources may sit on /Pages)."""
    node = obj
    for _ in range(32):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if attribute in node:
            return node[attribute]
        node = node.get("/Parent")
    return None


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n, PDF's row-vector convention: apply m first, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def sample(words: str, limit: int = 40) -> str:
    """A short sample of text for messages."""
    words = " ".join(words.split())
    return words if len(words) <= limit else words[:limit - 1] + "…"


def box(rect) -> tuple[float, float, float, float] | None:
    """A PDF rectangle, normalised (lower left, upper right); None if it is not one."""
    corners = [num(v) for v in rect] if isinstance(rect, pikepdf.Array) else []
    if len(corners) != 4:
        return None
    return (min(corners[0], corners[2]), min(corners[1], corners[3]),
            max(corners[0], corners[2]), max(corners[1], corners[3]))
