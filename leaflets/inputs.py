"""What an output is made from, as one digest, so that a build renders only what changed.

A PDF depends on its source, its catalogue, its layout, the pictures, the
fonts, the pinned package versions and the code. Fonts and pictures come from
pinned packages, so the lock files stand for them. The digest is kept in the
output's manifest entry; an output whose entry has the same digest, and whose
file still has the sha256 the manifest gives, is not made again.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import icu

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
# The pinned versions of everything installed: Python packages, fonts and pictures from npm.
LOCKS = (ROOT / "requirements.txt", ROOT / "package-lock.json")


def _update(digest, part: str | bytes | Path | None) -> None:
    if isinstance(part, Path):
        part = part.read_bytes() if part.is_file() else b"(missing)"
    elif part is None:
        part = b"(none)"
    elif isinstance(part, str):
        part = part.encode("utf-8")
    digest.update(len(part).to_bytes(8, "big") + part)  # length first: parts never run together


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes when the code, its data (interface texts) or a pinned package version changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yaml")):
        _update(digest, path.relative_to(PACKAGE).as_posix())
        _update(digest, path)
    for path in LOCKS:
        _update(digest, path)
    _update(digest, f"ICU {icu.ICU_VERSION}")  # Debian's, not pinned: bidi levels and scripts come from it
    return digest.hexdigest()


def inputs_digest(*parts: str | bytes | Path | None) -> str:
    """One digest of the code version and every part (texts, bytes, or files read whole)."""
    digest = hashlib.sha256()
    _update(digest, code_version())
    for part in parts:
        _update(digest, part)
    return digest.hexdigest()[:32]


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file as it is on disk, or None if there is none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
