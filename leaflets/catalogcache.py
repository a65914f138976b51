"""The project's catalogues, as read and checked, kept between runs in .cache/catalogues.

Reading a catalogue runs every registered check on every message (fonts, numbers, ICU's words): most of
a small build's time, since every language is decided for the back page's list of languages. The result
depends only on the .po file, the glossary and the code, so it is kept under one digest of them and
used again while that digest holds. Only catalogues in the project's translations folder are kept.
"""
from __future__ import annotations

import gettext
import hashlib
import json
from pathlib import Path

from .files import write_atomic
from .glossary import GLOSSARY
from .inputs import ROOT, inputs_digest
from .model import Where
from .reader import Problem

__all__ = ["load", "save"]

TRANSLATIONS = ROOT / "translations"
CACHE = ROOT / ".cache" / "catalogues"


def _place(path: Path) -> tuple[Path, str] | None:
    """Where a catalogue's checked entries are kept, and the digest they are kept under; None if not kept."""
    if path.resolve().parent.parent.parent != TRANSLATIONS.resolve():
        return None
    try:
        digest = inputs_digest(str(path), path.read_bytes(), GLOSSARY)
    except OSError:
        return None
    return CACHE / f"{hashlib.sha256(str(path).encode()).hexdigest()[:16]}.json", digest


def load(path: Path):
    """(entries, plural expression, header) as `save` kept them for this very file, or None."""
    from .catalogue import Entry  # the catalogue module uses this one
    place = _place(path)
    if place is None or not place[0].is_file():
        return None
    try:
        kept = json.loads(place[0].read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if kept.get("digest") != place[1]:
        return None
    entries = {(context, msgid): Entry(tuple(forms), fuzzy, tuple(Problem(Where(path, at), message, fix)
                                                                  for at, message, fix in problems), line)
               for context, msgid, forms, fuzzy, problems, line in kept["entries"]}
    return entries, gettext.c2py(kept["plural"]), kept["header"]


def save(path: Path, entries, plural: str, header: dict[str, str]) -> None:
    """Keep a catalogue's checked entries for the next run (a failure to write only loses the speed)."""
    place = _place(path)
    if place is None:
        return
    kept = {"digest": place[1], "plural": plural, "header": header,
            "entries": [[context, msgid, list(e.forms), e.fuzzy,
                         [[p.where.line, p.message, p.fix] for p in e.problems], e.line]
                        for (context, msgid), e in entries.items()]}
    try:
        place[0].parent.mkdir(parents=True, exist_ok=True)
        write_atomic(place[0], json.dumps(kept, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
