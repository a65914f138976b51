"""`OUT/manifest.json`: one entry per published PDF, updated in place."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .files import write_atomic

NAME = "manifest.json"


def entry(out: Path, path: Path, data: bytes, pages: int, **fields) -> dict:
    return {"kind": fields.pop("kind"), "path": path.relative_to(out).as_posix(), "pages": pages,
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **fields}


def read(out: Path) -> list[dict]:
    """The entries; none if there is no manifest yet, or a damaged one (the next build lists what it makes)."""
    try:
        entries = json.loads((out / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)] \
        if isinstance(entries, list) else []


def update(out: Path, entries: list[dict]) -> None:
    """Replace the entries for the same paths, keep the rest; list only files that are on disk, so that a
    withdrawn PDF drops out and a PDF that was not written is never listed."""
    new = {e["path"]: e for e in entries}
    listed = [e for e in read(out) if e["path"] not in new] + list(new.values())
    merged = sorted((e for e in listed if (out / e["path"]).is_file()),
                    key=lambda e: (e["kind"] != "leaflet", e["path"]))
    write_atomic(out / NAME, (json.dumps(merged, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
