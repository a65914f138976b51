"""`OUT/manifest.json`: one entry per published PDF, and the one way outputs go into OUT.

Every change to OUT (PDFs, tickets, removals, the manifest) is a `commit`, made under a lock on
`OUT/.manifest.lock`: a file of its own, because the manifest is replaced by a rename and a lock on the
replaced file would lock nothing. A commit renames its files and the manifest that lists them into place
together, so builds running at the same time never lose each other's entries.

The manifest is the truth, and each commit first brings it in step with the disk: an entry whose file is
gone, or no longer has the entry's sha256, is dropped; a PDF of ours (`OUT/<lang>/<leaflet>.<format>.pdf`,
`OUT/packs/<pack>.pdf`, with its ticket) that no entry lists, left by a build that was killed, is removed
(the next build that is asked for it makes it again); and so are killed builds' temporary files
(`.<name>.*.tmp`), which no live build has while the lock is free. Other files are not ours to remove.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .files import inside, make_folder, remove_output, reporting, write_outputs
from .inputs import file_sha256
from .model import FORMATS

NAME = "manifest.json"
LOCK = ".manifest.lock"
LEAFLET_PDF = re.compile(rf"[a-z0-9-]+\.({'|'.join(FORMATS)})(-[0-9.]+pt)?\.pdf")
PACK_PDF = re.compile(r"[a-z0-9-]+\.pdf")


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


def packs_holding(out: Path, leaflets: Iterable[Path]) -> list[Path]:
    """The packs listed as holding any of these leaflet PDFs, with their tickets: withdrawn with them."""
    keys = {path.relative_to(out).as_posix().removesuffix(".pdf") for path in leaflets}
    packs = [out / e["path"] for e in read(out) if e.get("kind") == "pack" and keys & set(e.get("copies") or {})]
    return [file for pack in packs for file in (pack, pack.with_suffix(".ticket.txt"))]


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    with reporting(out, "write"):
        make_folder(out)
    with reporting(out / LOCK, "write"):
        handle = open(out / LOCK, "a")
    with handle:  # closing it releases the lock
        with reporting(out / LOCK, "lock"):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _ours(path: Path) -> bool:
    """A PDF named as a build names its outputs, in a language folder or packs/."""
    return bool((PACK_PDF if path.parent.name == "packs" else LEAFLET_PDF).fullmatch(path.name))


def _in_step(out: Path, listed: list[dict]) -> list[dict]:
    """The entries whose file is on disk as listed; our PDFs that no entry lists (with a pack, its ticket),
    and temporary files left by killed builds, removed."""
    kept = [e for e in listed if inside(out, out / e["path"]) and file_sha256(out / e["path"]) == e.get("sha256")]
    known = {out / e["path"] for e in kept}
    for path in sorted(out.glob("*/*.pdf")):
        if path not in known and _ours(path):
            remove_output(out, path)
            if path.parent.name == "packs":
                remove_output(out, path.with_suffix(".ticket.txt"))
    for path in sorted([*out.glob(".*.tmp"), *out.glob("*/.*.tmp")]):
        remove_output(out, path)
    return kept


def commit(out: Path, files: Mapping[Path, bytes] | None = None, entries: Iterable[dict] = (),
           remove: Iterable[Path] = ()) -> list[dict]:
    """Under the lock: remove the outputs `remove`, write the outputs `files` and list `entries` (replacing
    those for the same paths), all in one step with the manifest; return what the manifest lists."""
    files = dict(files or {})
    with _locked(out):
        for path in remove:
            remove_output(out, path)
        new = {e["path"]: e for e in entries}
        listed = [e for e in _in_step(out, read(out)) if e["path"] not in new] + list(new.values())
        listed.sort(key=lambda e: (e.get("kind") != "leaflet", e["path"]))
        text = json.dumps(listed, indent=2, ensure_ascii=False) + "\n"
        try:
            before = (out / NAME).read_text(encoding="utf-8")
        except (OSError, ValueError):
            before = None
        if files or text != (before if before is not None else "[]\n"):  # no manifest yet: as good as empty
            write_outputs(out, {**files, out / NAME: text.encode("utf-8")})
    return listed
