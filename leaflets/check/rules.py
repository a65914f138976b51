"""The rule registry: one plain function per condition, registered with what it checks.

A rule reads `Facts` and yields a `Problem` for each thing wrong (an error, or
a warning) and at most one `Note` (what it measured, shown beside PASS). The
decorator records the rule's checkpoint (its Matterhorn Protocol 1.1
failure-condition number, or the ISO 32000-1 / PDF/UA-1 clause, or our own
LP-/ER- number from reading-standards.md), its scope, title and fix. Reports
list conditions in registration order: rules_ua.py, then rules_reading.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .facts import Facts

# "pdf": every file; "large-print", "easy-read": our leaflets of that format (XMP leaflet:format).
SCOPES = ("pdf", "large-print", "easy-read")
MAX_MESSAGES = 8  # per condition and severity; the rest are counted


@dataclass(frozen=True)
class Finding:
    checkpoint: str
    severity: str  # "error" or "warning"
    message: str


@dataclass(frozen=True)
class Problem:
    """What a rule yields for something wrong; the registry adds its checkpoint."""
    message: str
    severity: str = "error"  # or "warning"


@dataclass(frozen=True)
class Note:
    """What a rule measured (e.g. the smallest character), shown when it passes."""
    text: str


Outcomes = Iterator[Problem | Note]  # what a rule function returns
RuleCheck = Callable[[Facts], Outcomes]


@dataclass(frozen=True)
class Rule:
    checkpoint: str
    scope: str
    title: str
    fix: str
    check: RuleCheck

    def applies_to(self, fmt: str | None) -> bool:
        return self.scope == "pdf" or self.scope == fmt


RULES: dict[str, Rule] = {}  # checkpoint → rule, in the order reports list them


def rule(checkpoint: str, scope: str, title: str, fix: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register the decorated function as the rule for `checkpoint`."""
    if scope not in SCOPES:
        raise ValueError(f"rule {checkpoint}: unknown scope {scope!r}")

    def register(check: RuleCheck) -> RuleCheck:
        if checkpoint in RULES:
            raise ValueError(f"rule {checkpoint} is registered twice")
        RULES[checkpoint] = Rule(checkpoint, scope, title, fix, check)
        return check
    return register


def apply_rules(facts: Facts) -> tuple[list[Finding], dict[str, str]]:
    """The findings of every rule that applies to the file, and their notes (checkpoint → note)."""
    if facts.opened:
        rules = [r for r in RULES.values() if r.applies_to(facts.format)]
    else:
        rules = [RULES["PDF:7.5.2"]]  # an unreadable file: only its header can be judged
    findings: list[Finding] = []
    notes: dict[str, str] = {}
    for r in rules:
        found: list[Finding] = []
        for outcome in r.check(facts):
            if isinstance(outcome, Note):
                notes[r.checkpoint] = outcome.text
            else:
                found.append(Finding(r.checkpoint, outcome.severity, outcome.message))
        findings.extend(_capped(r.checkpoint, found))
    return findings, notes


def _capped(checkpoint: str, found: list[Finding]) -> list[Finding]:
    """Each message once, errors then warnings, at most MAX_MESSAGES of each."""
    found = list(dict.fromkeys(found))  # a message repeated (an MCID used three times, say): once
    capped: list[Finding] = []
    for severity in ("error", "warning"):
        same = [f for f in found if f.severity == severity]
        capped.extend(same[:MAX_MESSAGES])
        if len(same) > MAX_MESSAGES:
            capped.append(Finding(checkpoint, severity, f"… and {len(same) - MAX_MESSAGES} more like these"))
    return capped
