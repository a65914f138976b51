"""Fonts as the checker sees them: widths for measuring text, ToUnicode, embedding, slant.

A `LoadedFont` is mutable while the content walk records which codes it shows;
`freeze` turns it into the `Font` fact the rules read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf

from .pdf import kids, name, num

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
BAD_UNICODE = "\x00\ufeff\ufffe"  # values PDF/UA-1 7.21.7 forbids in a ToUnicode CMap
_HEX = r"<([0-9A-Fa-f\s]*)>"


@dataclass(frozen=True)
class Font:
    label: str  # resource name and BaseFont, for messages
    first_page: int  # where it was first met
    embedded: bool
    italic: bool
    used: bool  # it shows text (else it only sits in the page resources)
    used_codes: frozenset[int] = frozenset()
    mapped_codes: frozenset[int] | None = None  # codes its ToUnicode maps; None: no ToUnicode
    bad_codes: tuple[tuple[int, str], ...] = ()  # (code, "U+0000" / "U+FEFF" / "U+FFFE") from its ToUnicode


@dataclass
class LoadedFont:
    label: str
    two_byte: bool
    widths: dict[int, float]  # code → advance per unit of font size
    default_width: float
    to_unicode: dict[int, str] | None
    bad_codes: dict[int, str]
    embedded: bool
    italic: bool
    first_page: int = 0
    used: bool = False
    used_codes: set[int] = field(default_factory=set)

    def freeze(self) -> Font:
        mapped = frozenset(self.to_unicode) if self.to_unicode is not None else None
        return Font(self.label, self.first_page, self.embedded, self.italic, self.used,
                    frozenset(self.used_codes), mapped, tuple(self.bad_codes.items()))


def _decode(raw: bytes) -> str:
    return raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else raw.decode("latin-1")


def _code(hexstr: str) -> int:
    return int("".join(hexstr.split()) or "0", 16)


def parse_to_unicode(data: bytes) -> tuple[dict[int, str], dict[int, str]]:
    """A ToUnicode CMap's code → text, and the codes that map to U+0000, U+FEFF or U+FFFE."""
    text = data.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, target in re.findall(_HEX + r"\s*" + _HEX, block):
            mapping[_code(src)] = _decode(bytes.fromhex("".join(target.split())))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, target, array in re.findall(_HEX + r"\s*" + _HEX + r"\s*(?:" + _HEX + r"|\[(.*?)\])",
                                                block, re.S):
            lo_i, hi_i = _code(lo), _code(hi)
            if hi_i - lo_i > 0xFFFF:
                continue
            if array:
                for i, item in enumerate(re.findall(_HEX, array)):
                    mapping[lo_i + i] = _decode(bytes.fromhex("".join(item.split())))
            else:
                raw = bytes.fromhex("".join(target.split()))
                start = int.from_bytes(raw, "big")
                for i in range(hi_i - lo_i + 1):
                    mapping[lo_i + i] = _decode((start + i).to_bytes(len(raw), "big"))
    bad = {code: f"U+{ord(ch):04X}" for code, value in mapping.items() for ch in value[:1] if ch in BAD_UNICODE}
    bad.update({code: f"U+{ord(ch):04X}" for code, value in mapping.items() for ch in value
                if ch in BAD_UNICODE and code not in bad})
    return mapping, bad


def _cid_widths(w: list) -> dict[int, float]:
    """A CIDFont's /W: [c [w1 w2 …]] or [c_first c_last w], per unit of font size."""
    widths: dict[int, float] = {}
    i = 0
    while i < len(w):
        if i + 1 < len(w) and isinstance(w[i + 1], pikepdf.Array):
            for j, value in enumerate(w[i + 1]):
                widths[int(w[i]) + j] = num(value) / 1000
            i += 2
        elif i + 2 < len(w):
            for code in range(int(w[i]), int(w[i + 1]) + 1):
                widths[code] = num(w[i + 2]) / 1000
            i += 3
        else:
            break
    return widths


def load_font(label: str, font: pikepdf.Dictionary, first_page: int) -> LoadedFont:
    subtype = name(font.get("/Subtype"))
    base = name(font.get("/BaseFont"))
    default = 0.5
    if subtype == "Type0":
        descendant = kids(font.get("/DescendantFonts"))
        desc = descendant[0] if descendant else pikepdf.Dictionary()
        descriptor = desc.get("/FontDescriptor")
        default = num(desc.get("/DW"), 1000) / 1000
        widths = _cid_widths(list(desc.get("/W", [])))
        embedded = descriptor is not None and any(k in descriptor for k in FONT_FILES)
        two_byte = True
    else:
        descriptor = font.get("/FontDescriptor")
        scale = 1 / 1000
        if subtype == "Type3":  # glyphs are content streams in the file: nothing to embed
            scale = num(list(font.get("/FontMatrix", [0.001]))[0], 0.001)
            embedded = True
        else:
            embedded = descriptor is not None and any(k in descriptor for k in FONT_FILES)
        first = int(num(font.get("/FirstChar"), 0))
        widths = {first + i: num(value) * scale for i, value in enumerate(font.get("/Widths", []))}
        if descriptor is not None:
            default = num(descriptor.get("/MissingWidth"), 0) * scale or default
        two_byte = False
    lowered = base.lower()
    italic = "italic" in lowered or "oblique" in lowered
    if descriptor is not None:
        flags = int(num(descriptor.get("/Flags")))
        italic = italic or num(descriptor.get("/ItalicAngle")) != 0 or bool(flags & 64)  # 64: the Italic flag
    to_unicode, bad = None, {}
    stream = font.get("/ToUnicode")
    if isinstance(stream, pikepdf.Stream):
        try:
            to_unicode, bad = parse_to_unicode(stream.read_bytes())
        except pikepdf.PdfError:
            to_unicode = None
    return LoadedFont(f"{label} ({base or subtype or 'unnamed'})", two_byte, widths, default, to_unicode, bad,
                      embedded, italic, first_page)
