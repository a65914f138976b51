"""Values kept between runs in .cache/kept: what a slow step made from inputs it names.

A source read and checked, or a language's name from CLDR, takes milliseconds that a build of one PDF
pays again in every process. Such a value depends only on its inputs and the code, so it is kept under one
digest of them (`inputs.inputs_digest`, which covers the code and the pinned packages) and used again while
that digest holds. One file per kind and key, replaced when the digest changes: the cache does not grow.
"""
from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .files import write_atomic
from .inputs import ROOT, inputs_digest

__all__ = ["kept"]

CACHE = ROOT / ".cache" / "kept"
T = TypeVar("T")


def kept(kind: str, key: str, make: Callable[[], T], *inputs: str | bytes | Path) -> T:
    """`make()`, or the value it gave before for this kind, key and inputs (a failure to read or write the
    cache only loses the speed). Only values that `make` returns are kept: errors are raised each time."""
    place = CACHE / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"
    digest = inputs_digest(kind, key, *inputs)
    try:
        found_digest, value = pickle.loads(place.read_bytes())
        if found_digest == digest:
            return value
    except Exception:  # noqa: BLE001 - missing, half-written or from other code: made again below
        pass
    value = make()
    try:
        write_atomic(place, pickle.dumps((digest, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return value
