"""The command line: check files, report each condition, cache clean results by sha256."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from ..files import write_atomic
from .facts import gather
from .rules import RULES, Finding, Rule, apply_rules

PACKAGE = Path(__file__).resolve().parent


@dataclass
class Result:
    """What one file gave: its findings, and what it is (for the report)."""
    findings: list[Finding] = field(default_factory=list)
    format: str | None = None  # leaflet:format, for our own leaflets
    lang: str | None = None
    pages: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # checkpoint → what was measured
    opened: bool = True  # False: not readable as a PDF, so no other condition was checked

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def conditions(self) -> list[Rule]:
        if not self.opened:
            found = {f.checkpoint for f in self.findings}
            return [r for r in RULES.values() if r.checkpoint in found]
        return [r for r in RULES.values() if r.applies_to(self.format)]

    def to_json(self) -> dict:
        return {"findings": [asdict(f) for f in self.findings], "format": self.format,
                "lang": self.lang, "pages": self.pages, "notes": self.notes, "opened": self.opened}

    @classmethod
    def from_json(cls, data: dict) -> Result:
        return cls([Finding(**f) for f in data["findings"]], data["format"], data["lang"],
                   data["pages"], dict(data["notes"]), bool(data.get("opened", True)))


def check(data: bytes) -> Result:
    """One PDF's bytes checked: its findings, what it is, and what was measured."""
    facts = gather(data)
    findings, notes = apply_rules(facts)
    return Result(findings, facts.format, facts.lang, facts.pages, notes, facts.opened)


def check_pdf(data: bytes) -> list[Finding]:
    """Every finding for one PDF's bytes: errors and warnings, each with its checkpoint."""
    return check(data).findings


@lru_cache(maxsize=1)
def checker_version() -> str:
    """Changes when any module of this checker, or the contrast threshold it shares, changes: old cache
    entries then lapse."""
    digest = hashlib.sha256()
    for path in [*sorted(PACKAGE.glob("*.py")), PACKAGE.parent / "colour.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _Cache:
    """Results of clean files by sha256, in a JSON file written atomically."""
    LIMIT = 5000

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == checker_version():
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or an unreadable one: start afresh

    def get(self, digest: str) -> Result | None:
        entry = self.entries.get(digest)
        try:
            return Result.from_json(entry) if entry else None
        except (KeyError, TypeError):
            return None

    def put(self, digest: str, result: Result) -> None:
        self.entries.pop(digest, None)
        self.entries[digest] = result.to_json()
        while len(self.entries) > self.LIMIT:
            self.entries.pop(next(iter(self.entries)))
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        write_atomic(self.path, json.dumps({"version": checker_version(), "files": self.entries}).encode())


def format_report(name: str, result: Result, quiet: bool = False, cached: bool = False) -> str:
    """The report for one file: each condition with PASS/FAIL/WARN; failures say what and what to do."""
    kind = f"{result.format} leaflet" if result.format else "PDF"
    head = (f"{name}: {kind}, {result.lang or 'no language'}, {result.pages} page(s): "
            f"{result.errors} error(s), {result.warnings} warning(s){' (cached)' if cached else ''}")
    by_checkpoint: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_checkpoint[f.checkpoint].append(f)
    lines = [head]
    for condition in result.conditions():
        found = by_checkpoint.get(condition.checkpoint, [])
        status = "FAIL" if any(f.severity == "error" for f in found) else "WARN" if found else "PASS"
        if quiet and status != "FAIL":
            continue
        note = result.notes.get(condition.checkpoint)
        lines.append(f"  {status}  {condition.checkpoint:<12} {condition.title}"
                     + (f" [{note}]" if note and status == "PASS" else ""))
        for f in found:
            if quiet and f.severity != "error":
                continue
            lines.append(f"        {'error' if f.severity == 'error' else 'warning'}: {f.message}")
        if found:
            lines.append(f"        what to do: {condition.fix}")
    if quiet and len(lines) == 1:
        return ""
    return "\n".join(lines)


def check_files(files: list[Path], cache: Path | None = None, quiet: bool = False) -> int:
    """Check each file, print its report; 0 if no file has an error, else 1."""
    store = _Cache(Path(cache)) if cache else None
    status = 0
    for path in map(Path, files):
        try:
            data = path.read_bytes()
        except OSError as err:
            print(f"{path}: cannot be read ({err.strerror})")
            status = 1
            continue
        digest = hashlib.sha256(data).hexdigest()
        result = store.get(digest) if store else None
        cached = result is not None
        if result is None:
            result = check(data)
            if store is not None and not result.errors:
                store.put(digest, result)
        if result.errors:
            status = 1
        report = format_report(str(path), result, quiet, cached)
        if report:
            print(report)
    if store is not None:
        try:
            store.save()
        except OSError as err:
            print(f"warning: cache {store.path} not written ({err.strerror})")
    return status
