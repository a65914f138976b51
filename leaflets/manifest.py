"""`OUT/manifest.json`: one entry per published PDF, and the one way outputs go into OUT.

Every change to OUT (PDFs, tickets, removals, the manifest) is a `commit`, made under a lock on
`OUT/.manifest.lock`: a file of its own, because the manifest is replaced by a rename and a lock on the
replaced file would lock nothing. A commit renames its files and the manifest that lists them into place
together, so builds running at the same time never lose each other's entries.

The manifest is the truth, and each commit first brings it in step with the disk: an entry whose file is
gone, or no longer has the entry's sha256, is dropped; a pack's entry lists its job tickets (`tickets`,
each with its sha256) and its press runs (`prints`, each an entry of kind "print"), and a pack is kept
whole or dropped whole, as its tickets describe them all. A PDF of ours (`OUT/<lang>/<leaflet>.<format>.pdf`,
`OUT/packs/<pack>.pdf` with its tickets, and the pack's print files as `print_name` names them: its press
runs `<pack>.1-1.pdf` and `.4-4.pdf`, its imposed booklets `<pack>.booklet.pdf` (and `.1-1.booklet.pdf`…),
each of them with crop marks as `….marks.pdf`) that no entry lists, left by a build that was killed, is
removed (the next build that is asked for it makes it again); and so are killed builds' temporary files
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
TICKETS = (".ticket.txt", ".ticket.json")  # beside each pack


def print_name(pack: str, run: str | None = None, booklet: bool = False, marks: bool = False) -> str:
    """The name of a pack's print file: `<pack>[.1-1|.4-4][.booklet][.marks].pdf` (a press run of one
    colour, imposed as booklets, with crop marks); with none of them, the pack itself."""
    parts = [pack, run.replace("/", "-")] if run else [pack]
    parts += ["booklet"] if booklet else []
    parts += ["marks"] if marks else []
    return ".".join(parts) + ".pdf"


# Every print file's name but the pack's own: the suffixes print_name gives.
PRINT_VARIANTS = [(run, booklet, marks) for run in (None, "1/1", "4/4") for booklet in (False, True)
                  for marks in (False, True) if run or booklet or marks]
PRINT_PDF = re.compile(r"[a-z0-9-]+\.(" + "|".join(re.escape(print_name("x", *v)[2:-4]) for v in PRINT_VARIANTS)
                       + r")\.pdf")


def entry(out: Path, path: Path, data: bytes, pages: int, **fields) -> dict:
    return {"kind": fields.pop("kind"), "path": path.relative_to(out).as_posix(), "pages": pages,
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **fields}


def record(out: Path, path: Path, data: bytes) -> dict:
    """A file that goes with an entry (a pack's ticket): its path and sha256."""
    return {"path": path.relative_to(out).as_posix(), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def read(out: Path) -> list[dict]:
    """The entries; none if there is no manifest yet, or a damaged one (the next build lists what it makes)."""
    try:
        entries = json.loads((out / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)] \
        if isinstance(entries, list) else []


def packs_holding(out: Path, leaflets: Iterable[Path]) -> list[Path]:
    """The packs listed as holding any of these leaflet PDFs, with their tickets and press runs: withdrawn
    with them."""
    keys = {path.relative_to(out).as_posix().removesuffix(".pdf") for path in leaflets}
    packs = [e for e in read(out) if e.get("kind") == "pack" and keys & set(e.get("copies") or {})]
    return [file for e in packs for file in _group(out, e)]


def _group(out: Path, pack: dict) -> list[Path]:
    """A pack's PDF, its tickets and its press runs (none outside OUT, whatever a damaged manifest says)."""
    path = out / pack["path"]
    runs = [out / run for run in _list(pack, "prints") if isinstance(run, str)]
    return [file for file in (path, *(path.with_suffix(suffix) for suffix in TICKETS), *runs) if inside(out, file)]


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
    if path.parent.name == "packs":
        return bool(PACK_PDF.fullmatch(path.name) or PRINT_PDF.fullmatch(path.name))
    return bool(LEAFLET_PDF.fullmatch(path.name))


def _list(entry: dict, key: str) -> list:
    """A list field of an entry; a damaged one (not a list) as a list that names nothing on disk."""
    value = entry.get(key, [])
    return value if isinstance(value, list) else [None]


def on_disk(out: Path, record: object) -> bool:
    """An entry (or a ticket of one) whose file is inside OUT with the sha256 it lists."""
    return isinstance(record, dict) and isinstance(record.get("path"), str) and inside(out, out / record["path"]) \
        and file_sha256(out / record["path"]) == record.get("sha256")


def _whole(entries: list[dict]) -> list[dict]:
    """The entries but for packs that are not whole: a pack and its press runs are kept together or not at all."""
    def pack(e: dict) -> str | None:
        return e["pack"] if isinstance(e.get("pack"), str) else None
    runs = {e["path"]: pack(e) for e in entries if e.get("kind") == "print"}
    packs = {pack(e): e for e in entries if e.get("kind") == "pack" and pack(e)}
    whole = {name for name, e in packs.items() if all(runs.get(run) == name for run in _list(e, "prints"))}
    return [e for e in entries if e.get("kind") not in ("pack", "print") or pack(e) in whole
            and (e.get("kind") == "pack" or e["path"] in _list(packs[pack(e)], "prints"))]


def _in_step(out: Path, listed: list[dict]) -> list[dict]:
    """The entries whose files are on disk as listed; our PDFs that no entry lists (with a pack, its tickets),
    and temporary files left by killed builds, removed."""
    kept = _whole([e for e in listed if on_disk(out, e) and all(on_disk(out, t) for t in _list(e, "tickets"))])
    known = {out / e["path"] for e in kept}
    for path in sorted(out.glob("*/*.pdf")):
        if path not in known and _ours(path):
            remove_output(out, path)
            if PACK_PDF.fullmatch(path.name) and path.parent.name == "packs":
                for suffix in TICKETS:
                    remove_output(out, path.with_suffix(suffix))
    # The tickets of a pack whose PDF is gone go too: they describe what is no longer there.
    for e in listed:
        pack = out / e["path"]
        if e.get("kind") == "pack" and pack not in known and pack.parent == out / "packs" and inside(out, pack):
            for suffix in TICKETS:
                remove_output(out, pack.with_suffix(suffix))
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
