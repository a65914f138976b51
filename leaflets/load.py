"""Stage 1: load and check the YAML sources.

The YAML is read as a node tree so that every error can name the file and the
line, and say what to write instead. All errors of a file are reported at once.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import markup
from .model import (MM, PAGE_SIZES, Block, Callout, Contact, Contacts, Edition, Heading, Layout, Leaflet,
                    ListBlock, Paragraph, Provenance, Publisher, Quote, Row, Where)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
NOT_STATED = "not stated"
ROOT = Path(__file__).resolve().parent.parent
OPENMOJI = ROOT / "node_modules" / "openmoji" / "color" / "svg"


@dataclass(frozen=True)
class Problem:
    where: Where
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}\n    fix: {self.fix}"


class SourceError(Exception):
    """One or more problems in one source file."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Collector:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node | None, message: str, fix: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(Where(self.path, line), message, fix))


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}.get(type(node), "a text")


class _Reader:
    """Reads typed fields from mapping nodes, recording problems instead of raising."""

    def __init__(self, out: _Collector):
        self.out = out

    def fields(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.out.add(node, f"{what} is {_kind(node)}, not a mapping",
                         f"write {what} as 'key: value' lines")
            return None
        fields = _mapping(node)
        for name, (key, _) in fields.items():
            if name not in allowed:
                self.out.add(key, f"unknown field '{name}' in {what}",
                             f"use only: {', '.join(sorted(allowed))}")
        return fields

    def text(self, fields, node, name: str, what: str, *, required: bool = True,
             check_markup: bool = True) -> str | None:
        if name not in fields:
            if required:
                self.out.add(node, f"{what} has no '{name}'", f"add '{name}: ...' to {what}")
            return None
        return self.scalar(fields[name][1], f"'{name}' in {what}", check_markup)

    def scalar(self, value: yaml.Node, label: str, check_markup: bool = True) -> str | None:
        """The text of a node, checked: a non-empty text with balanced '**'."""
        if not isinstance(value, yaml.ScalarNode) or value.tag.endswith(":null"):
            self.out.add(value, f"{label} must be a text", "write it as text (quote it if it holds ': ')")
            return None
        # NFC, so that a reader gets the same characters however the file was typed.
        text = unicodedata.normalize("NFC", " ".join(str(value.value).split()))
        if not text:
            self.out.add(value, f"{label} is empty", "write the text, or remove the field")
            return None
        if check_markup:
            try:
                markup.spans(text)
            except markup.MarkupError as err:
                self.out.add(value, f"{err} in {label}",
                             "close every '**' that opens a bold run, e.g. '**word**'")
                return None
        return text

    def texts(self, fields, node, name: str, what: str) -> tuple[str, ...] | None:
        if name not in fields:
            self.out.add(node, f"{what} has no '{name}'", f"add '{name}:' with a list of texts")
            return None
        _, value = fields[name]
        if not isinstance(value, yaml.SequenceNode) or not value.value:
            self.out.add(value, f"'{name}' in {what} must be a non-empty list",
                         f"write each item of '{name}' on its own '- ' line")
            return None
        items = [self.scalar(item, f"item {i} of '{name}' in {what}") for i, item in enumerate(value.value, 1)]
        return None if None in items else tuple(items)

    def date(self, fields, node, name: str, what: str) -> dt.date | None:
        text = self.text(fields, node, name, what, check_markup=False)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.out.add(fields[name][1], f"'{name}' in {what} is not a date: {text!r}",
                         f"write '{name}: \"YYYY-MM-DD\"'")
            return None


# Per block type: its fields (beyond id, type, lang) and how to build it.
BLOCK_FIELDS: dict[str, set[str]] = {
    "heading": {"text", "level"},
    "paragraph": {"text"},
    "list": {"style", "items"},
    "quote": {"lead", "text"},
    "callout": {"title", "paragraphs"},
    "contacts": {"title", "entries"},
    "publisher": {"text"},
}
EASY_READ_FIELDS: dict[str, set[str]] = {
    "heading": {"text"},
    "row": {"picture", "alt", "text"},
}


def _close(word: str, choices) -> str:
    best = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{best[0]}'? " if best else ""


def _block(r: _Reader, node: yaml.Node, kinds: dict[str, set[str]], where: str,
           pictures: Mapping[str, Path], ids: dict[str, int]) -> Block | None:
    what = f"a block in '{where}'"
    if not isinstance(node, yaml.MappingNode):
        r.out.add(node, f"{what} is {_kind(node)}", "write each block as '- id: ...' with 'type: ...'")
        return None
    raw = _mapping(node)
    type_node = raw.get("type", (None, None))[1]
    kind = type_node.value if isinstance(type_node, yaml.ScalarNode) else None
    if kind is None:
        r.out.add(node, f"{what} has no 'type'", f"add 'type:' with one of: {', '.join(kinds)}")
        return None
    if kind not in kinds:
        r.out.add(type_node, f"unknown block type '{kind}' in '{where}'",
                  f"{_close(kind, kinds)}use one of: {', '.join(kinds)}")
        return None
    fields = r.fields(node, f"a '{kind}' block", kinds[kind] | {"id", "type", "lang"})
    if fields is None:
        return None
    what = f"the '{kind}' block"
    block_id = r.text(fields, node, "id", what, check_markup=False)
    if block_id is not None:
        what = f"block '{block_id}'"
        if not ID_RE.match(block_id):
            r.out.add(fields["id"][1], f"id '{block_id}' is not a valid id",
                      "use lower-case letters, digits and hyphens, e.g. 'crying-help'")
        elif block_id in ids:
            r.out.add(fields["id"][1], f"duplicate id '{block_id}' (first used on line {ids[block_id]})",
                      "give every block its own id")
        else:
            ids[block_id] = fields["id"][1].start_mark.line + 1
    lang = r.text(fields, node, "lang", what, required=False, check_markup=False)
    if lang is not None and not LANG_RE.match(lang):
        r.out.add(fields["lang"][1], f"'{lang}' is not a language code", "write a BCP 47 code, e.g. 'en' or 'ur'")
    before = len(r.out.problems)
    block = _build(r, kind, fields, node, what, block_id or "", lang, pictures, kinds is EASY_READ_FIELDS)
    return block if len(r.out.problems) == before and block_id else None


def _build(r: _Reader, kind: str, f, node, what: str, bid: str, lang: str | None,
           pictures: Mapping[str, Path], easy: bool) -> Block | None:
    text = lambda name, **kw: r.text(f, node, name, what, **kw)  # noqa: E731
    if kind == "heading":
        level = 2
        if "level" in f:
            value = f["level"][1].value
            if easy or value not in ("2", "3"):
                r.out.add(f["level"][1], f"'level' of {what} must be 2 or 3",
                          "write 'level: 2' (the leaflet title is the only level 1)")
            else:
                level = int(value)
        return Heading(bid, text("text"), level, lang)
    if kind == "paragraph":
        return Paragraph(bid, text("text"), lang)
    if kind == "publisher":
        return Publisher(bid, text("text"), lang)
    if kind == "quote":
        return Quote(bid, text("lead"), text("text"), lang)
    if kind == "list":
        style = text("style", check_markup=False)
        if style is not None and style not in ("bullet", "number"):
            r.out.add(f["style"][1], f"list style '{style}' of {what} is unknown",
                      "write 'style: bullet' or 'style: number'")
        return ListBlock(bid, style or "", r.texts(f, node, "items", what) or (), lang)
    if kind == "callout":
        return Callout(bid, text("title"), r.texts(f, node, "paragraphs", what) or (), lang)
    if kind == "contacts":
        entries = []
        if "entries" not in f or not isinstance(f["entries"][1], yaml.SequenceNode) or not f["entries"][1].value:
            r.out.add(node, f"{what} needs 'entries': a list of {{name, detail, phone}}",
                      "add 'entries:' with '- name: ...' and 'detail: ...' lines")
        else:
            for item in f["entries"][1].value:
                ef = r.fields(item, f"an entry of {what}", {"name", "detail", "phone"})
                if ef is not None:
                    entry_what = f"an entry of {what}"
                    entries.append(Contact(r.text(ef, item, "name", entry_what),
                                           r.text(ef, item, "detail", entry_what),
                                           r.text(ef, item, "phone", entry_what, required=False,
                                                  check_markup=False)))
        return Contacts(bid, text("title", required=False), tuple(entries), lang)
    if kind == "row":
        picture = text("picture", check_markup=False)
        if picture is not None and picture not in pictures:
            r.out.add(f["picture"][1], f"unknown picture '{picture}' in {what}",
                      f"{_close(picture, pictures)}use a name from sources/pictures.yaml, or add it there")
        return Row(bid, picture or "", text("alt"), text("text"), lang)
    raise AssertionError(kind)


LEAFLET_FIELDS = {"id", "lang", "title", "provenance", "edition", "easy_read_checked_by", "blocks", "easy_read"}


def load_leaflet(path: Path, pictures: Mapping[str, Path]) -> Leaflet:
    """Read one source; raise SourceError naming every problem found."""
    out = _Collector(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise SourceError([Problem(Where(path, line), f"this is not valid YAML: {err.problem}",
                                   "check the indentation and quote texts that contain ': ' or start with '*'")])
    except (UnicodeDecodeError, OSError) as err:
        raise SourceError([Problem(Where(path, 1), f"cannot read the file: {err}", "save it as UTF-8 text")])
    if root is None:
        raise SourceError([Problem(Where(path, 1), "the file is empty", "write a leaflet: see sources/README.md")])
    r = _Reader(out)
    top = r.fields(root, "the leaflet", LEAFLET_FIELDS)
    if top is None:
        raise SourceError(out.problems)
    leaflet_id = r.text(top, root, "id", "the leaflet", check_markup=False)
    if leaflet_id and not ID_RE.match(leaflet_id):
        out.add(top["id"][1], f"leaflet id '{leaflet_id}' is not valid", "use lower-case letters, digits and hyphens")
    lang = r.text(top, root, "lang", "the leaflet", check_markup=False)
    title = r.text(top, root, "title", "the leaflet")

    provenance = None
    if "provenance" not in top:
        out.add(root, "the leaflet has no 'provenance'",
                f"add 'provenance:' with origin, title, publisher, author, last_updated ('{NOT_STATED}' where unknown)")
    else:
        node = top["provenance"][1]
        pf = r.fields(node, "'provenance'", {"origin", "title", "publisher", "author", "last_updated"})
        if pf is not None:
            values = [r.text(pf, node, k, "'provenance'", check_markup=False)
                      for k in ("origin", "title", "publisher", "author", "last_updated")]
            if None not in values:
                provenance = Provenance(*values)

    edition = None
    if "edition" not in top:
        out.add(root, "the leaflet has no 'edition'", "add 'edition:' with version, date and review")
    else:
        node = top["edition"][1]
        ef = r.fields(node, "'edition'", {"version", "date", "review"})
        if ef is not None:
            version = r.text(ef, node, "version", "'edition'", check_markup=False)
            date = r.date(ef, node, "date", "'edition'")
            review = r.date(ef, node, "review", "'edition'")
            if None not in (version, date, review):
                edition = Edition(version, date, review)

    checked: tuple[str, ...] = ()
    if "easy_read_checked_by" in top:
        node = top["easy_read_checked_by"][1]
        if not isinstance(node, yaml.SequenceNode) or not all(isinstance(n, yaml.ScalarNode) for n in node.value):
            out.add(node, "'easy_read_checked_by' must be a list of names", "write '[]' or one '- Name' per line")
        else:
            checked = tuple(n.value for n in node.value)

    ids: dict[str, int] = {}
    lists: dict[str, tuple[Block, ...]] = {}
    for name, kinds in (("blocks", BLOCK_FIELDS), ("easy_read", EASY_READ_FIELDS)):
        if name not in top:
            out.add(root, f"the leaflet has no '{name}'", f"add '{name}:' with a list of blocks")
            continue
        node = top[name][1]
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            out.add(node, f"'{name}' must be a non-empty list of blocks", "write each block as '- id: ...'")
            continue
        lists[name] = tuple(b for b in (_block(r, n, kinds, name, pictures, ids) for n in node.value) if b)

    if out.problems:
        raise SourceError(out.problems)
    return Leaflet(id=leaflet_id, lang=lang, title=title, provenance=provenance, edition=edition,
                   easy_read_checked_by=checked, blocks=lists["blocks"], easy_read=lists["easy_read"],
                   source=path, lines=ids)


def load_pictures(path: Path) -> dict[str, Path]:
    """The picture names the sources may use, each with its OpenMoji artwork file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SourceError([Problem(Where(path, 1), "pictures must map names to OpenMoji codes",
                                   "write 'name: 1F476' lines")])
    return {name: OPENMOJI / f"{code}.svg" for name, code in data.items()}


@dataclass(frozen=True)
class Sources:
    leaflets: list[Leaflet]
    errors: list[SourceError]  # one per leaflet that failed; the others still publish
    pictures: dict[str, Path]


def load_sources(directory: Path, only: Callable[[Path], bool] = lambda p: True) -> Sources:
    """Every leaflet in a directory; raise SourceError only if pictures.yaml is broken."""
    pictures = load_pictures(directory / "pictures.yaml")
    leaflets, errors = [], []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "pictures.yaml" or not only(path):
            continue
        try:
            leaflets.append(load_leaflet(path, pictures))
        except SourceError as err:
            errors.append(err)
    return Sources(leaflets, errors, pictures)


def load_layout(path: Path, size: float | None = None) -> Layout:
    """Read a layout; with `size`, reflow it for that body size (modified large print)."""
    def fail(message: str) -> SourceError:
        return SourceError([Problem(Where(path, 1), message, "compare it with layouts/large-print.yaml")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        m = data["margins_mm"]
        layout = Layout(
            name=data["name"], description=data["description"], page=data["page"],
            margins=tuple(float(m[k]) * MM for k in ("top", "right", "bottom", "left")),
            content=data["content"], body=float(data["body_pt"]), min_size=float(data["min_pt"]),
            size_range=tuple(data["size_range"]) if "size_range" in data else None,
            line_spacing=float(data["line_spacing"]), paragraph_space=float(data["paragraph_space"]),
            scale={k: float(v) for k, v in data["scale"].items()}, indent=float(data["indent"]),
            colours=dict(data["colours"]), picture=float(data.get("picture_mm", 0)) * MM,
            gutter=float(data.get("gutter_mm", 0)) * MM)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as err:
        raise fail(f"not a valid layout ({err})") from err
    if layout.page not in PAGE_SIZES:
        raise fail(f"page '{layout.page}' is unknown; use one of {', '.join(PAGE_SIZES)}")
    if size is None:
        return layout
    if layout.size_range is None:
        raise fail(f"--size applies only to large print, not to '{layout.name}'")
    low, high = layout.size_range
    if not low <= size <= high:
        raise fail(f"--size {size:g} is out of range: choose {low:g} to {high:g} pt")
    # Reflowed, not scaled: the body takes the reader's size, headings keep their
    # proportion, and nothing is smaller than the body.
    return Layout(**{**layout.__dict__, "body": float(size), "min_size": float(size),
                     "custom_size": True})
