"""The font table (leaflets/fonts.yaml): where each face's file comes from, how it is made usable to
ReportLab, and its registration, each face when first asked for.

Files come from package registries: installed pip packages (their files/ folder) and npm packages in
the repository's node_modules. Derived files (a static Bold of a variable font, woff saved as ttf,
woff subsets merged into one font) are made once into .cache/fonts, named by everything that makes
them, so an upgrade never reuses an old one.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .files import write_atomic
from .reader import Fields, InputError, Reader, close, open_top
from .rlfixes import registered_face

__all__ = ["FontsError", "Face", "FontTable", "table", "register", "cmap"]

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLE = Path(__file__).with_name("fonts.yaml")
DEFAULT_CACHE = REPO_ROOT / ".cache" / "fonts"
NODE_MODULES = REPO_ROOT / "node_modules"
DERIVATIONS = ("bold-instance", "woff-to-ttf", "merge")
FIX = "see the comment at the top of leaflets/fonts.yaml"

# Bump when a derivation below changes, so old cached files are not reused.
_RECIPE = "4"


class FontsError(RuntimeError):
    """A font file is missing or clashes with one already registered."""


@dataclass(frozen=True)
class Face:
    name: str                 # ReportLab font name: the family without spaces, "-Bold" for bold
    registry: str             # "pip" or "npm"
    package: str
    files: tuple[str, ...]    # one file, or the subsets that `merge` joins
    derive: str | None = None

    def sources(self) -> list[Path]:
        if self.registry == "pip":
            module = self.package.replace("-", "_")
            try:
                root = Path(str(importlib.resources.files(module)))
            except ModuleNotFoundError as e:
                raise FontsError(f"font package {self.package!r} is not installed (run make setup)") from e
        else:
            root = NODE_MODULES / self.package
            if not root.is_dir():
                raise FontsError(f"npm package {self.package} is not installed (run make setup)")
        return [root / "files" / name for name in self.files]

    def version(self) -> str:
        if self.registry == "pip":
            return importlib.metadata.version(self.package)
        return json.loads((NODE_MODULES / self.package / "package.json").read_text("utf-8"))["version"]


@dataclass(frozen=True)
class FontTable:
    faces: dict[str, Face]                                 # by ReportLab name
    families: dict[str, tuple[str, str]]                   # family -> (regular, bold) names
    scripts: dict[str, tuple[str, ...]]                    # script -> families, best first
    shaped: frozenset[str]                                 # scripts that need shaping
    languages: dict[str, dict[str, tuple[str, ...]]]       # language -> script -> families


def _face(r: Reader, node: Any, name: str, what: str) -> Face | None:
    f = r.fields(node, what, ("pip", "npm", "file", "files", "derive"))
    if f is None:
        return None
    registries = [k for k in ("pip", "npm") if k in f]
    if len(registries) != 1:
        r.add(node, f"{what} needs one of 'pip' or 'npm'", FIX)
        return None
    package = r.text(f, registries[0])
    files = (r.text(f, "file"),) if "file" in f else r.texts(f, "files")
    derive = r.choice(f, "derive", DERIVATIONS) if "derive" in f else None
    if package is None or files is None or None in files:
        return None
    if (derive == "merge") != (len(files) > 1) or ("file" in f) == ("files" in f):
        r.add(node, f"{what}: several 'files' go with 'derive: merge', one 'file' with anything else", FIX)
        return None
    return Face(name, registries[0], package, tuple(files), derive)


def _names(r: Reader, node: Any, what: str, known: dict[str, tuple[str, str]]) -> tuple[str, ...] | None:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        r.add(node, f"{what} must be a list of families", FIX)
        return None
    out = []
    for item in node.value:
        name = r.text_at(item, f"a family of {what}")
        if name is not None and name not in known:
            r.add(item, f"{what} names '{name}', which 'families' does not define", FIX)
        elif name is not None:
            out.append(name)
    return tuple(out)


def _section(r: Reader, top: Fields, name: str) -> list[tuple[str, yaml.Node]]:
    """The (key, value node) pairs of a top-level mapping."""
    f = r.mapping(top.value(name), f"'{name}'") if name in top else None
    return [] if f is None else [(key, f.value(key)) for key in f]


def load_table(path: Path = TABLE) -> FontTable:
    """Read the font table; InputError naming each problem with its line."""
    r, top = open_top(path, "the font table", FIX, ("families", "scripts", "languages"))
    faces: dict[str, Face] = {}
    families: dict[str, tuple[str, str]] = {}
    for family, node in _section(r, top, "families"):
        f = r.fields(node, f"family '{family}'", ("regular", "bold"))
        if f is None:
            continue
        base = family.replace(" ", "")
        pair = []
        for weight, name in (("regular", base), ("bold", f"{base}-Bold")):
            value = r.field(f, weight, f"add '{weight}:' to family '{family}'")
            face = None if value is None else _face(r, value, name, f"the {weight} face of '{family}'")
            if face is not None:
                faces[name] = face
                pair.append(name)
        if len(pair) == 2:
            families[family] = (pair[0], pair[1])
    scripts: dict[str, tuple[str, ...]] = {}
    shaped = set()
    for script, node in _section(r, top, "scripts"):
        f = r.fields(node, f"script '{script}'", ("families", "shaped"))
        if f is None:
            continue
        value = r.field(f, "families", FIX)
        names = None if value is None else _names(r, value, f"script '{script}'", families)
        if names:
            scripts[script] = names
        if "shaped" in f and r.choice(f, "shaped", ("yes", "no")) == "yes":
            shaped.add(script)
    languages: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, node in _section(r, top, "languages"):
        f = r.mapping(node, f"language '{lang}'")
        for script in f or ():
            if script not in scripts:
                r.add(f.key(script), f"language '{lang}' names the script '{script}', which 'scripts' does not list",
                      f"{close(script, scripts)}use one of: {', '.join(scripts)}")
                continue
            names = _names(r, f.value(script), f"language '{lang}', script '{script}'", families)
            if names:
                languages.setdefault(lang, {})[script] = names
    r.check()
    return FontTable(faces, families, scripts, frozenset(shaped), languages)


@lru_cache(maxsize=1)
def table() -> FontTable:
    """The project's font table, read once."""
    try:
        return load_table()
    except InputError as e:  # the project's own file: a defect, not a user's input
        raise FontsError(str(e)) from None


# ---------------------------------------------------------------- files

def _derive(face: Face, sources: list[Path], dst: Path) -> None:
    """Write the derived font for face to dst atomically and deterministically."""
    from fontTools.ttLib import TTFont as FTFont

    if face.derive == "merge":
        font = _merged(sources)
    else:
        font = FTFont(str(sources[0]), recalcTimestamp=False)
    if face.derive == "bold-instance":
        from fontTools.varLib import instancer
        if "fvar" not in font:
            raise ValueError("it is not a variable font: name a Bold file instead")
        axes = {a.axisTag for a in font["fvar"].axes}
        wanted = {axis: value for axis, value in (("wght", 700), ("wdth", 100)) if axis in axes}
        font = instancer.instantiateVariableFont(font, wanted, updateFontNames=True)
        font.recalcTimestamp = False
        _check_ps_name(font, face.name)
    else:
        _name(font, face.name)
    font.flavor = None  # ReportLab reads plain TrueType only
    out = io.BytesIO()
    font.save(out)
    write_atomic(dst, out.getvalue())


def _merged(sources: list[Path]) -> Any:
    """Subsets of one font (same outlines format, same metrics) merged into one TrueType font."""
    import tempfile
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont as FTFont

    with tempfile.TemporaryDirectory() as folder:
        plain = []
        for i, src in enumerate(sources):
            font = FTFont(str(src), recalcTimestamp=False)
            font.flavor = None
            path = Path(folder, f"{i}.ttf")
            font.save(str(path))
            plain.append(str(path))
        merged = Merger().merge(plain)
        # The merger stamps head.created/modified with the time it runs: the first subset's dates keep
        # the font, and every PDF that embeds it, the same from one machine to the next.
        first = FTFont(plain[0])["head"]
        merged["head"].created, merged["head"].modified = first.created, first.modified
    merged.recalcTimestamp = False
    return merged


def _name(font: Any, name: str) -> None:
    """Name a derived font as its face: fontsource's woff subsets may carry another weight's names
    (Noto Sans SC's Regular and Bold say "Thin"), which readers of the PDF would show."""
    family, _, weight = name.partition("-")
    weight = weight or "Regular"
    table = font["name"]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", family)
    for name_id, value in ((1, spaced), (2, weight), (4, f"{spaced} {weight}"), (6, f"{family}-{weight}")):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)


def _check_ps_name(font: Any, name: str) -> None:
    # Two registered files with one PostScript name make ReportLab silently
    # draw the second with the first; the instancer must have renamed it.
    ps = font["name"].getDebugName(6)
    if not ps or not ps.endswith("-Bold"):
        raise FontsError(f"bold instance for {name} has PostScript name {ps!r}")


def path(face: Face, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """The file ReportLab reads for a face, derived into cache_dir first if need be."""
    sources = face.sources()
    for src in sources:
        if not src.is_file():
            raise FontsError(f"font file for {face.name} not found: {src.name} (run make setup)")
    if face.derive is None:
        return sources[0]
    tools = importlib.metadata.version("fonttools")
    made_of = hashlib.sha256(repr((face.registry, face.package, face.files, face.derive)).encode()).hexdigest()[:8]
    dst = cache_dir / f"{face.name}-{face.version()}-fonttools{tools}-r{_RECIPE}-{made_of}.ttf"
    if not dst.is_file():
        try:
            _derive(face, sources, dst)
        except (ValueError, KeyError, AssertionError, OSError) as err:  # fontTools on a file it cannot use
            raise FontsError(f"{face.name}: cannot make it from {', '.join(face.files)} "
                             f"({face.derive}: {err}); check its entry in leaflets/fonts.yaml") from err
    return dst


# --------------------------------------------------------- registration

_registered: set[str] = set()  # names seen registered: nothing here unregisters a font


def register(name: str, cache_dir: Path | None = None) -> str:
    """Register one face with ReportLab (once) and return its name. FontsError if its file is
    missing or its PostScript name is already registered from another file."""
    if name in _registered:
        return name  # asked for on every run of text: ReportLab lists all its fonts to answer
    if name in pdfmetrics.getRegisteredFontNames():
        _registered.add(name)
        return name
    face = table().faces[name]
    file = path(face, Path(cache_dir) if cache_dir else DEFAULT_CACHE)
    try:
        font = TTFont(name, str(file))
    except Exception as err:  # ReportLab's TTFError and the like: a file it cannot read (CFF outlines…)
        raise FontsError(f"{name}: ReportLab cannot use {file.name} ({err}); "
                         "name a TrueType font (glyf outlines) in leaflets/fonts.yaml") from err
    other = registered_face(font.face.name)
    if other is not None and other != name:
        raise FontsError(f"{name}: PostScript name {font.face.name!r} is already registered as {other!r}")
    pdfmetrics.registerFont(font)
    _registered.add(name)
    return name


_cmaps: dict[str, frozenset[int]] = {}


def cmap(name: str) -> frozenset[int]:
    """Code points a face can draw (read once per face)."""
    found = _cmaps.get(name)
    if found is None:
        face = pdfmetrics.getFont(register(name)).face
        # Taken before shaping adds private-use entries to charToGlyph.
        found = _cmaps[name] = frozenset(
            c for c, g in face.charToGlyph.items() if g and not 0xE000 <= c <= 0xF8FF)
    return found
