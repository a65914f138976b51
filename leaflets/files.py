"""Writing outputs: every file is written whole or not at all."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _normal_mode() -> int:
    """The mode a newly created file gets under the user's umask (0644 under 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never half-written.

    The file gets the user's normal mode, not the temporary file's 0600, so
    that colleagues, a print service or a web server can read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _normal_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
