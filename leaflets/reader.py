"""One reader for every YAML file a person writes: sources, pictures, layouts, packs.

The YAML is read as a node tree, not as plain data, so that every problem can
name the file and the line, and say what to write instead. The reader records
problems instead of raising at the first, so a file's problems are reported
all at once, in line order:

    sources/crafting-connections.yaml:18: unknown block type 'paragrahp' in 'blocks'
        fix: did you mean 'paragraph'? use one of: heading, paragraph, list, ...

A broken or hostile file never takes the build down with it: a file too big, not UTF-8, holding a
character YAML does not allow, nested too deep or using aliases (an "alias bomb" takes gigabytes) is
refused with its line, and so is a text with a control character or too long.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import markup
from .model import Where

# Ids and names that become part of a file name: no spaces, capitals, dots or slashes.
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# A rule for a text: None if the text is right, else (what is wrong, the fix).
TextRule = Callable[[str], tuple[str, str] | None]

# Limits on what a person writes, far above any real input (sources/README.md documents them).
MAX_FILE_BYTES = 1_000_000  # a YAML file; a leaflet source is about 15 KB
MAX_DEPTH = 50  # lists and mappings inside each other; a source needs 5; PyYAML composes them recursively
MAX_TEXT_CHARS = 5_000  # one text, after spaces are folded; the longest paragraph is about 700


@dataclass(frozen=True)
class Problem:
    where: Where
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}\n    fix: {self.fix}"


class InputError(Exception):
    """Every problem found in one input file, in line order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.where.line)
        super().__init__("\n".join(str(p) for p in self.problems))


def close(word: str, choices: Collection[str]) -> str:
    """'did you mean ...? ' for a near miss (in any case: 'a5' for 'A5'), else nothing."""
    by_lower = {choice.lower(): choice for choice in choices}
    best = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return f"did you mean '{by_lower[best[0]]}'? " if best else ""


def kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}.get(type(node), "a text")


def line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def entries(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node's (key, value) nodes by name; the last one wins if a name repeats."""
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _not_text(ch: str) -> str | None:
    """What `ch` is if it is no character of a text: a control character, half a surrogate pair, a noncharacter
    or a byte order mark (PDF/UA forbids U+FEFF in a PDF's text)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return "a control character"
    if category == "Cs":
        return "a lone surrogate"
    if 0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE:
        return "a noncharacter"
    if ch == "\ufeff":
        return "a byte order mark"
    return None


def printable(text: str) -> tuple[str, str] | None:
    """Text rule, after spaces are folded: no control character, lone surrogate or noncharacter. They print
    as nothing or a box, and leave codes in the PDF that a screen reader cannot read. Format characters
    (bidi marks, joiners) are text: real scripts need them."""
    for ch in text:
        what = _not_text(ch)
        if what == "a lone surrogate":
            return (f"{what} (U+{ord(ch):04X})",
                    'write the character itself, or one escape for it: "\\U0001F476", not "\\ud83d\\udc76"')
        if what:
            return f"{what} (U+{ord(ch):04X})", 'remove it (an escape such as "\\0" or "\\x07" in quotes writes one)'
    return None


def within_limit(text: str) -> tuple[str, str] | None:
    """Text rule: at most MAX_TEXT_CHARS characters."""
    if len(text) <= MAX_TEXT_CHARS:
        return None
    return f"more than {MAX_TEXT_CHARS:,} characters ({len(text):,})", "split it into paragraphs"


class _Refused(Exception):
    """What the reader will not compose, at its place in the file."""

    def __init__(self, mark: yaml.Mark, message: str, fix: str):
        super().__init__(message)
        self.mark, self.message, self.fix = mark, message, fix


class _Loader(yaml.SafeLoader):
    """PyYAML's loader, refusing aliases (no input needs them, and nested ones expand to billions of nodes)
    and nesting deeper than MAX_DEPTH (PyYAML would run out of stack)."""
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed",
                           f"write the value out where '*{event.anchor}' stands")
        if self.depth == MAX_DEPTH:
            raise _Refused(event.start_mark, f"lists and mappings are nested more than {MAX_DEPTH} deep",
                           "write the file as sources/README.md shows: a few levels are all it needs")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _node_tree(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def compose(path: Path, empty_fix: str) -> yaml.Node:
    """The node tree of a YAML file; InputError if it cannot be read, is too big, is not UTF-8 text or YAML,
    uses aliases or is empty."""
    def fail(at: int, message: str, fix: str) -> InputError:
        return InputError([Problem(Where(path, at), message, fix)])
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # no more: a huge file is refused unread
    except OSError as err:
        raise fail(1, f"cannot read the file: {err.strerror}", "check the path, and that you may read it") from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(1, f"the file is over {MAX_FILE_BYTES:,} bytes",
                   "check it is the right file: a leaflet source is about 15 KB; split a longer leaflet in two")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise fail(data.count(b"\n", 0, err.start) + 1, f"byte 0x{data[err.start]:02X} is not UTF-8 text",
                   "save the file as UTF-8 text") from None
    try:
        root = _node_tree(text)
    except _Refused as err:
        raise fail(err.mark.line + 1, err.message, err.fix) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as a NUL byte
        what = _not_text(chr(err.character)) or "a character"
        raise fail(text.count("\n", 0, err.position) + 1,
                   f"{what} (U+{err.character:04X}) is in the file, where YAML allows none",
                   "delete it (an editor may show it as a box, ^@ or <0x00>); save the file as UTF-8 text") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        raise fail(mark.line + 1 if mark else 1, f"this is not valid YAML: {getattr(err, 'problem', None) or err}",
                   "check the indentation and quote texts that contain ': ' or start with '*'") from None
    if root is None:
        raise fail(1, "the file is empty", empty_fix)
    return root


@dataclass(frozen=True)
class Fields:
    """The known fields of one YAML mapping, by name, in file order."""
    node: yaml.Node
    what: str  # how messages name the mapping, e.g. "the layout" or "'margins_mm'"
    found: dict[str, tuple[yaml.Node, yaml.Node]]

    def __contains__(self, name: str) -> bool:
        return name in self.found

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def key(self, name: str) -> yaml.Node:
        return self.found[name][0]

    def value(self, name: str) -> yaml.Node:
        return self.found[name][1]


def _yaml_value(node: yaml.ScalarNode) -> object:
    """What YAML means by a scalar: 18 is a number, true a yes/no, "18" a text."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError):
        return None


def _range_words(whole: bool, low: float | None, above: float | None, high: float | None) -> str:
    words = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{words} from {low:g} to {high:g}"
    if low is not None:
        return f"{words} of {low:g} or more"
    if above is not None:
        return f"{words} above {above:g}"
    return words


class Reader:
    """Reads typed values from the node tree of one file, recording problems instead of raising.

    Each reader returns None when the value is missing or wrong, after recording why.
    """

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node | None, message: str, fix: str) -> None:
        self.problems.append(Problem(Where(self.path, line(node) if node is not None else 1), message, fix))

    def error(self) -> InputError:
        return InputError(self.problems)

    def check(self) -> None:
        """Raise every problem recorded so far."""
        if self.problems:
            raise self.error()

    # -- mappings --
    def mapping(self, node: yaml.Node, what: str, fix: str | None = None) -> Fields | None:
        """A mapping with any names; a name written twice is a problem."""
        if not isinstance(node, yaml.MappingNode):
            self.add(node, f"{what} is {kind(node)}, not a mapping", fix or f"write {what} as 'key: value' lines")
            return None
        first: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in first:
                self.add(key, f"'{key.value}' is written twice in {what} (first on line {first[key.value]})",
                         f"keep one '{key.value}:'")
            elif isinstance(key, yaml.ScalarNode):
                first[key.value] = line(key)
        return Fields(node, what, entries(node))

    def fields(self, node: yaml.Node, what: str, allowed: Collection[str]) -> Fields | None:
        """A mapping with the given names only; every other name is a problem."""
        found = self.mapping(node, what)
        if found is None:
            return None
        for name in found:
            if name not in allowed:
                self.add(found.key(name), f"unknown field '{name}' in {what}",
                         f"{close(name, allowed)}use only: {', '.join(sorted(allowed))}")
        return Fields(node, what, {name: found.found[name] for name in found if name in allowed})

    def field(self, f: Fields, name: str, fix: str, required: bool = True) -> yaml.Node | None:
        """The value node of a field; a missing required field is a problem."""
        if name in f:
            return f.value(name)
        if required:
            self.add(f.node, f"{f.what} has no '{name}'", fix)
        return None

    def section(self, f: Fields, name: str, allowed: Collection[str], fix: str | None = None) -> Fields | None:
        """A field that is itself a mapping with the given names."""
        node = self.field(f, name, fix or f"add '{name}:' with {', '.join(allowed)}")
        return None if node is None else self.fields(node, f"'{name}'", allowed)

    # -- texts --
    def text(self, f: Fields, name: str, *, required: bool = True, rule: TextRule | None = None) -> str | None:
        node = self.field(f, name, f"add '{name}: ...' to {f.what}", required)
        return None if node is None else self.text_at(node, f"'{name}' in {f.what}", rule)

    def text_at(self, node: yaml.Node, label: str, rule: TextRule | None = None) -> str | None:
        """The text of a node: not empty, spaces folded, NFC, printable, within the limit, and passing `rule`."""
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.add(node, f"{label} must be a text",
                     "write it as text (quote it if it holds ': ' or starts with '#')")
            return None
        # NFC, so that a reader gets the same characters however the file was typed.
        text = unicodedata.normalize("NFC", markup.fold_spaces(str(node.value)))
        if not text:
            self.add(node, f"{label} is empty", "write the text, or remove the field")
            return None
        for check in filter(None, (printable, within_limit, rule)):
            wrong = check(text)
            if wrong:
                self.add(node, f"{wrong[0]} in {label}", wrong[1])
                return None
        return text

    def ident(self, f: Fields, name: str, example: str) -> str | None:
        """A name that becomes part of a file name: lower-case letters, digits and hyphens."""
        text = self.text(f, name)
        if text is not None and not ID_RE.match(text):
            self.add(f.value(name), f"{name} '{text}' in {f.what} is not valid: it becomes part of a file name",
                     f"use lower-case letters, digits and hyphens, e.g. '{name}: {example}'")
            return None
        return text

    def texts(self, f: Fields, name: str, *, required: bool = True, allow_empty: bool = False,
              rule: TextRule | None = None) -> tuple[str, ...] | None:
        items = self.sequence(f, name, "texts", f"write each item of '{name}' on its own '- ' line",
                              required=required, allow_empty=allow_empty)
        if items is None:
            return None
        texts = [self.text_at(item, f"item {i} of '{name}' in {f.what}", rule) for i, item in enumerate(items, 1)]
        return None if None in texts else tuple(texts)

    def sequence(self, f: Fields, name: str, items: str, fix: str, *, required: bool = True,
                 allow_empty: bool = False) -> list[yaml.Node] | None:
        """The item nodes of a list field, e.g. items="blocks"."""
        node = self.field(f, name, f"add '{name}:' with a list of {items}", required)
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode) or not (node.value or allow_empty):
            self.add(node, f"'{name}' in {f.what} must be a {'' if allow_empty else 'non-empty '}list of {items}",
                     fix)
            return None
        return node.value

    def date(self, f: Fields, name: str) -> dt.date | None:
        text = self.text(f, name)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add(f.value(name), f"'{name}' in {f.what} is not a date: {text!r}", f"write '{name}: \"YYYY-MM-DD\"'")
            return None

    def choice(self, f: Fields, name: str, choices: Collection[str]) -> str | None:
        """One of a few words; a near miss gets 'did you mean'."""
        fix = f"use one of: {', '.join(choices)}"
        node = self.field(f, name, f"add '{name}:' and {fix}")
        text = None if node is None else self.text_at(node, f"'{name}' in {f.what}")
        if text is not None and text not in choices:
            self.add(node, f"unknown {name} '{text}' in {f.what}", close(text, choices) + fix)
            return None
        return text

    # -- numbers --
    def number(self, f: Fields, name: str, *, low: float | None = None, above: float | None = None,
               high: float | None = None, default: float | None = None) -> float | None:
        """A number (not a text, not yes/no) from `low` or above `above`, up to `high`;
        required unless it has a `default`."""
        if default is not None and name not in f:
            return default
        words = _range_words(False, low, above, high)
        node = self.field(f, name, f"add '{name}:' with {words}")
        return None if node is None else self.number_at(node, f"'{name}' in {f.what}", low=low, above=above,
                                                        high=high)

    def whole(self, f: Fields, name: str, *, low: int, high: int) -> int | None:
        words = _range_words(True, low, None, high)
        node = self.field(f, name, f"add '{name}:' with {words}")
        value = None if node is None else self.number_at(node, f"'{name}' in {f.what}", low=low, high=high,
                                                         whole=True)
        return None if value is None else int(value)

    def number_at(self, node: yaml.Node, label: str, *, low: float | None = None, above: float | None = None,
                  high: float | None = None, whole: bool = False) -> float | None:
        value = _yaml_value(node) if isinstance(node, yaml.ScalarNode) else None
        # bool is an int in Python; 'copies: true' is not a number of copies.
        is_number = isinstance(value, int if whole else (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value)
        if is_number and (low is None or value >= low) and (above is None or value > above) \
                and (high is None or value <= high):
            return float(value)
        words = _range_words(whole, low, above, high)
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        shown = f"'{node.value}'" if isinstance(node, yaml.ScalarNode) else kind(node)
        self.add(node, f"{label} must be {words}, not {shown}{' (in quotes, so a text)' if quoted else ''}",
                 f"write {words}{' without quotes' if quoted else ''}")
        return None


def open_top(path: Path, what: str, fix: str, allowed: Collection[str] | None = None) -> tuple[Reader, Fields]:
    """Read a file whose top is a mapping (of the `allowed` names only, if given): its reader, to go on
    recording problems, and its fields. InputError at once if the file or its top is unusable."""
    root = compose(path, fix)
    r = Reader(path)
    top = r.mapping(root, what, fix) if allowed is None else r.fields(root, what, allowed)
    if top is None:
        raise r.error()
    return r, top
