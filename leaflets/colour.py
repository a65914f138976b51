"""Colour contrast (WCAG 2), shared by the layout loader and the checker."""
from __future__ import annotations

RGB = tuple[float, float, float]

CONTRAST_MIN = 7.0  # WCAG 1.4.6 (AAA) for body text


def _luminance(rgb: RGB) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(min(max(c, 0.0), 1.0)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: RGB, bg: RGB) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hex_rgb(value: str) -> RGB:
    """'#RRGGBB' as three channels from 0 to 1; ValueError if it is not that."""
    digits = value.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"{value!r} is not #RRGGBB")
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
