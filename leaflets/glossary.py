"""The translators' glossary (translations/glossary.yaml), and what a text must keep as written.

The glossary explains the UK terms a translator abroad may not know, and says
which of them are names to keep untranslated ("NHS 111"). The template's notes
are built from it, and a catalogue check uses `names_to_keep` to see that a
translation still holds every name of its English text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .load import ROOT
from .reader import open_top

GLOSSARY = ROOT / "translations" / "glossary.yaml"
GLOSSARY_FIX = "write one entry per term: 'GP:' with 'explain: ...' and 'keep: no'"

# Phone numbers people dial exactly as printed: UK emergency and health lines
# (999, 112, 111, 101), 116 helplines, and full numbers such as 0800 123 4567.
PHONE = r"999|112|111|101|116 ?\d{3}|(?:\+44 ?|0)\d(?:[ -]?\d){8,9}"


@dataclass(frozen=True)
class Term:
    term: str
    explain: str  # what it means, for a translator who does not live in the UK
    keep: bool  # a name: printed as written, never translated

    @property
    def note(self) -> str:
        """The translator's note for a text that holds this term."""
        rule = f' Keep "{self.term}" as written: do not translate it.' if self.keep else ""
        return f'Glossary, "{self.term}": {self.explain}{rule}'


def _term_pattern(term: str) -> str:
    """A term as written, also at the start of a sentence ("Health visitor") and in the plural."""
    first = f"[{term[0]}{term[0].upper()}]" if term[0].islower() else re.escape(term[0])
    return f"{first}{re.escape(term[1:])}s?"


class Glossary:
    """The terms, and one pattern that finds them and phone numbers in a text, the longest first."""

    def __init__(self, terms: list[Term]):
        self.terms = sorted(terms, key=lambda t: len(t.term), reverse=True)
        groups = [f"({_term_pattern(t.term)})" for t in self.terms] + [f"({PHONE})"]
        self.pattern = re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)")

    def _found(self, text: str) -> list[tuple[Term | None, str]]:
        """(term, as written) for each term or phone number (term None) in the text, in text order."""
        return [(self.terms[m.lastindex - 1] if m.lastindex <= len(self.terms) else None, m.group())
                for m in self.pattern.finditer(text)]

    def terms_in(self, text: str) -> list[Term]:
        """The glossary terms a text holds, each once, in text order."""
        return list(dict.fromkeys(term for term, _ in self._found(text) if term is not None))

    def phone_numbers(self, text: str) -> list[str]:
        return list(dict.fromkeys(written for term, written in self._found(text) if term is None))

    def names_to_keep(self, text: str) -> list[str]:
        """The glossary's names (keep: yes) a text holds, as the glossary writes them, each once."""
        return [term.term for term in self.terms_in(text) if term.keep]


def load_glossary(path: Path) -> Glossary:
    """Read a glossary; raise InputError naming every problem with its line and fix."""
    r, entries = open_top(path, "the glossary", GLOSSARY_FIX)
    terms = []
    for name in entries:
        if not name.strip():
            r.add(entries.key(name), "a term of the glossary is empty", "write the term before the ':'")
            continue
        f = r.fields(entries.value(name), f"term '{name}'", ("explain", "keep"))
        if f is None:
            continue
        explain, keep = r.text(f, "explain"), r.choice(f, "keep", ("yes", "no"))
        if explain is not None and keep is not None:
            terms.append(Term(name, explain, keep == "yes"))
    r.check()
    return Glossary(terms)


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The project's glossary, read once."""
    return load_glossary(GLOSSARY)
