"""Writing outputs: every file is written whole or not at all, and an output only inside its folder."""
from __future__ import annotations

import errno
import os
import signal
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

FIXES = {errno.ENOSPC: "free some space and run again",
         errno.EDQUOT: "free some space (you are over your disk quota) and run again",
         errno.EFBIG: "raise the file size limit (ulimit -f) and run again"}
OTHER_FIX = "choose an output folder you can write (--out) and run again"


class OutputError(Exception):
    """An output that could not be written (or removed): which, why, and what to do, for one line."""

    def __init__(self, path: Path, problem: str, fix: str, notes: tuple[str, ...] = ()):
        super().__init__("; ".join((f"{path}: {problem}", *notes, fix)))
        self.path, self.problem, self.fix, self.notes = path, problem, fix, notes

    def skipping(self, count: int, what: str) -> OutputError:
        """The same error, also saying how many outputs it stopped (none: nothing to say)."""
        if not count:
            return self
        note = f"{count} {what}{'' if count == 1 else 's'} not written"
        return OutputError(self.path, self.problem, self.fix, (*self.notes, note))


@contextmanager
def reporting(path: Path, action: str) -> Iterator[None]:
    """Turn an OSError while doing `action` to `path` into an OutputError naming the path and the cause."""
    try:
        yield
    except OSError as err:
        name = errno.errorcode.get(err.errno or 0)
        cause = f"{os.strerror(err.errno).lower()} ({name})" if name else str(err)
        raise OutputError(path, f"cannot {action}: {cause}", FIXES.get(err.errno, OTHER_FIX)) from err


def _real(path: Path) -> Path:
    """`path` with its links and '..' followed (a loop of links stays as it is: writing there fails)."""
    return Path(os.path.realpath(path))


def inside(out: Path, path: Path) -> bool:
    return _real(path).is_relative_to(_real(out))


def _check_inside(out: Path, path: Path, action: str = "written") -> None:
    if not inside(out, path):
        raise OutputError(path, f"not {action}: it leads to {_real(path)}, outside the output folder {out}",
                          "look for a link that leads out of the output folder")


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file (or a loop of links) is in the way: say so, not "file exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done. Their exception then comes where the outputs are
    whole and listed, never inside a library that would catch it (ReportLab reports it as a bad paragraph)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _normal_mode() -> int:
    """The mode a newly created file gets under the user's umask (0644 under 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temporary(path: Path, data: bytes) -> str:
    """Write `data` to a new temporary file `.<name>.*.tmp` beside `path` and return its name; on any failure
    it is removed again. It gets the user's normal mode, not mkstemp's 0600, so that colleagues, a print
    service or a web server can read the output."""
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, _normal_mode())
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never half-written."""
    tmp = _write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_outputs(out: Path, files: Mapping[Path, bytes]) -> None:
    """Write outputs inside `out`, all or none: each to a temporary file beside it, then all renamed.
    A failure is an OutputError naming the file and the cause, and leaves every file as it was (but for a
    rename failing after another succeeded: rare, as a rename writes no data; the next commit puts it right)."""
    for path in files:
        _check_inside(out, path)
    staged: dict[Path, str] = {}
    try:
        for path, data in files.items():
            with reporting(path, "write"):
                staged[path] = _write_temporary(path, data)
        with uninterrupted():  # a signal between two renames would part a PDF from its manifest entry
            for path, tmp in staged.items():
                with reporting(path, "write"):
                    os.replace(tmp, path)
    except BaseException:
        for tmp in staged.values():
            with suppress(FileNotFoundError):  # renamed already
                os.unlink(tmp)
        raise


def remove_output(out: Path, path: Path) -> None:
    _check_inside(out, path, "removed")
    with reporting(path, "remove"):
        path.unlink(missing_ok=True)
