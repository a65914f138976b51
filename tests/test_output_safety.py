"""The output folder never breaks a publish, and the manifest is the truth.

A folder that cannot be written, a full disk or a file-size limit is one line naming the path and the
cause, exit 1; earlier output stays and the manifest lists exactly what is on disk. Nothing is written
outside --out. Builds into the same folder at the same time keep each other's entries, and a build that
is terminated or killed leaves nothing the next build cannot put right."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leaflets import files, manifest
from leaflets.files import OutputError

from .conftest import ROOT, run_publish
from .test_catalogues import assert_manifest_is_the_disk, prefixed, write_catalogue

LEAFLETS = ("crafting-connections", "relationship-with-your-baby")


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one line a failed build prints, without a traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def temporary_files(out: Path) -> list[Path]:
    return list(out.rglob("*.tmp"))


# --- the folder cannot take the output: one line, earlier output intact --------------------

def test_an_output_folder_that_cannot_be_written(tmp_path):
    # Tests run as root, which ignores file modes: a folder below a regular file can never be made.
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "out"
    line = error_line(run_publish("build", "--lang", "en", "--leaflet", "crafting-connections", "--format", "standard",
                                  "--out", str(out)))
    assert line == (f"error: {out}: cannot write: not a directory (ENOTDIR); 1 PDF not written; "
                    "choose an output folder you can write (--out) and run again")
    pack = ROOT / "packs" / "community-midwives-a5.yaml"
    assert error_line(run_publish("pack", str(pack), str(pack), "--out", str(out))) == (
        f"error: {out}: cannot write: not a directory (ENOTDIR); 2 PDFs not written; 1 more pack not written; "
        "choose an output folder you can write (--out) and run again")


@pytest.fixture
def small_disk(tmp_path):
    """A 200 kB file system (tmpfs), where mounting is allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk(small_disk):
    out = small_disk / "out"
    assert run_publish("build", "--lang", "en", "--format", "standard", "--out", str(out)).returncode == 0
    earlier = digests(out)
    # Fill the disk but for a page, less than any PDF needs.
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * (free - 4096))

    line = error_line(run_publish("build", "--lang", "en", "--out", str(out)))
    # The first PDF not made yet is large print; after it come 9 more jobs (2 of them unchanged; large print
    # at 24 and 28 pt among them).
    assert line == (f"error: {out}/en/crafting-connections.large-print.pdf: cannot write: no space left on "
                    "device (ENOSPC); 9 more PDFs not written; free some space and run again")
    assert digests(out) == earlier and not temporary_files(out)
    assert_manifest_is_the_disk(out)

    pack = ROOT / "packs" / "community-midwives-a5.yaml"
    assert error_line(run_publish("pack", str(pack), "--out", str(out))) == (
        f"error: {out}/packs/community-midwives-a5.pdf: cannot write: no space left on device (ENOSPC); "
        "free some space and run again")
    assert digests(out) == earlier and not temporary_files(out)
    assert_manifest_is_the_disk(out)


def no_space(*args):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("call", ["write", "replace"])
def test_no_space_while_writing_or_renaming_changes_nothing(tmp_path, monkeypatch, call):
    out = tmp_path / "out"
    pdf = out / "en" / "crafting-connections.standard.pdf"
    manifest.commit(out, {pdf: b"earlier"}, [manifest.entry(out, pdf, b"earlier", 1, kind="leaflet")])
    before = digests(out)

    monkeypatch.setattr(files.os, call, no_space)
    with pytest.raises(OutputError) as raised:
        manifest.commit(out, {pdf: b"new"}, [manifest.entry(out, pdf, b"new", 1, kind="leaflet")])
    monkeypatch.undo()
    assert str(raised.value) == f"{pdf}: cannot write: no space left on device (ENOSPC); free some space and run again"
    assert digests(out) == before and not temporary_files(out)
    assert_manifest_is_the_disk(out)


def test_a_file_size_limit(tmp_path):
    out = tmp_path / "out"
    assert run_publish("build", "--lang", "en", "--leaflet", "crafting-connections", "--format", "standard",
                       "--out", str(out)).returncode == 0
    earlier = digests(out)
    limited = subprocess.run(
        [sys.executable, str(ROOT / "publish.py"), "build", "--lang", "en", "--format", "standard", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)))
    # The earlier PDF is not made again (unless the code changed in between, as it does while it is edited).
    assert re.fullmatch(rf"error: {re.escape(str(out))}/en/[a-z-]+\.standard\.pdf: cannot write: file too large "
                        r"\(EFBIG\); (1 more PDF not written; )?raise the file size limit \(ulimit -f\) and run again",
                        error_line(limited))
    assert digests(out) == earlier and not temporary_files(out)
    assert_manifest_is_the_disk(out)


# --- nothing outside --out ------------------------------------------------------------------

def test_a_link_out_of_the_output_folder_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "en").symlink_to(elsewhere)
    line = error_line(run_publish("build", "--lang", "en", "--leaflet", "crafting-connections", "--format", "standard",
                                  "--out", str(out)))
    assert line == (f"error: {out}/en/crafting-connections.standard.pdf: not written: it leads to "
                    f"{elsewhere}/crafting-connections.standard.pdf, outside the output folder {out}; "
                    "look for a link that leads out of the output folder")
    assert list(elsewhere.iterdir()) == []


def test_no_name_leads_out_of_the_output_folder(tmp_path):
    out = tmp_path / "out"
    outside = out / "packs" / ".." / ".." / "escaped.pdf"
    with pytest.raises(OutputError, match="outside the output folder"):
        manifest.commit(out, {outside: b"pdf"}, [])
    assert not (tmp_path / "escaped.pdf").exists()
    # An entry of a damaged manifest that points outside is not kept.
    (tmp_path / "secret.pdf").write_bytes(b"x")
    sha256 = hashlib.sha256(b"x").hexdigest()
    (out / manifest.NAME).write_text(f'[{{"kind": "leaflet", "path": "../secret.pdf", "sha256": "{sha256}"}}]')
    assert manifest.commit(out) == []


# --- the manifest is the truth --------------------------------------------------------------

def test_an_unlisted_pdf_of_ours_and_killed_builds_temporary_files_are_removed(tmp_path):
    out = tmp_path / "out"
    listed = out / "en" / "crafting-connections.standard.pdf"
    manifest.commit(out, {listed: b"listed"}, [manifest.entry(out, listed, b"listed", 1, kind="leaflet")])
    left = {out / "en" / "crafting-connections.easy-read.pdf", out / "packs" / "ward.pdf",
            out / "packs" / "ward.ticket.txt", out / "en" / ".crafting-connections.large-print.pdf.x1y2.tmp",
            out / ".manifest.json.a1b2.tmp"}
    theirs = {out / "en" / "Notes for the ward.pdf", out / "packs" / "clinic.ticket.txt", out / "en" / "x.tmp"}
    for path in left | theirs:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"left behind")
    assert [e["path"] for e in manifest.commit(out)] == ["en/crafting-connections.standard.pdf"]
    assert not any(path.exists() for path in left)
    assert all(path.exists() for path in theirs), "files not named like ours are not ours to remove"


def test_a_changed_file_is_no_longer_listed(tmp_path):
    out = tmp_path / "out"
    pdf = out / "en" / "crafting-connections.standard.pdf"
    manifest.commit(out, {pdf: b"made"}, [manifest.entry(out, pdf, b"made", 1, kind="leaflet")])
    pdf.write_bytes(b"changed by hand")
    assert manifest.commit(out) == [] and not pdf.exists()


WRITER = """
import sys
from pathlib import Path
from leaflets import manifest
out, who = Path(sys.argv[1]), sys.argv[2]
for n in range(40):
    path = out / "en" / f"{who}-{n}.standard.pdf"
    data = f"{who} {n}".encode()
    manifest.commit(out, {path: data}, [manifest.entry(out, path, data, 1, kind="leaflet")])
"""


def test_commits_at_the_same_time_keep_every_entry(tmp_path):
    # Without the lock, a commit overwrites a manifest another process has just written, or removes
    # another's new file as unlisted.
    out = tmp_path / "out"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(out), who], cwd=ROOT, stderr=subprocess.PIPE,
                                text=True) for who in ("a", "b", "c")]
    for writer in writers:
        assert writer.wait() == 0, writer.stderr.read()
    assert len(assert_manifest_is_the_disk(out)) == 120


def test_two_builds_into_one_folder(tmp_path):
    # Four languages: each build commits four PDFs, often at the same moment as the other.
    languages = ("en", "de", "fr", "pl")
    for lang in languages[1:]:
        write_catalogue(tmp_path / "translations", lang, prefixed(f"{lang.upper()}: "))
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "publish.py"), "build", "--format", "standard",
               "--translations", str(tmp_path / "translations"), "--out", str(out)]
    for _ in range(10):
        shutil.rmtree(out, ignore_errors=True)
        builds = [subprocess.Popen([*command, "--leaflet", leaflet], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True) for leaflet in LEAFLETS]
        for build in builds:
            assert build.wait() == 0, build.stderr.read()
        entries = assert_manifest_is_the_disk(out)
        assert sorted(e["path"] for e in entries) == sorted(f"{lang}/{leaflet}.standard.pdf"
                                                            for lang in languages for leaflet in LEAFLETS)


# --- terminated or killed mid-run -----------------------------------------------------------

@pytest.fixture
def many_leaflets(sources_copy) -> Path:
    """Sources with five more copies of each leaflet: 36 PDFs, a build long enough to stop in the middle."""
    for n in range(1, 6):
        for leaflet in LEAFLETS:
            source = (sources_copy / f"{leaflet}.yaml").read_text()
            copy = source.replace(f"id: {leaflet}\n", f"id: {leaflet}-{n}\n", 1)
            (sources_copy / f"{leaflet}-{n}.yaml").write_text(copy)
    return sources_copy


def start_and_stop(sources: Path, out: Path, signum: int) -> subprocess.Popen:
    """Start a build, and send it `signum` as soon as its first PDF is there."""
    build = subprocess.Popen([sys.executable, str(ROOT / "publish.py"), "build", "--sources", str(sources),
                              "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*/*.pdf")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    build.send_signal(signum)
    build.wait()
    return build


def test_terminated_build_lists_what_it_wrote(tmp_path, many_leaflets):
    out = tmp_path / "out"
    build = start_and_stop(many_leaflets, out, signal.SIGTERM)
    stderr = build.stderr.read()
    assert build.returncode == 143 and "Traceback" not in stderr, stderr
    assert 1 <= len(assert_manifest_is_the_disk(out)) < 36
    assert not temporary_files(out)


def test_killed_build_is_put_right_by_the_next(tmp_path, many_leaflets):
    out = tmp_path / "out"
    build = start_and_stop(many_leaflets, out, signal.SIGKILL)
    assert build.returncode == -signal.SIGKILL
    # What a kill can leave, whenever it comes: a temporary file, and a PDF renamed into place whose
    # manifest was not (here a copy under another leaflet's name).
    made = next(out.glob("en/*.pdf"))
    (out / "en" / f".{made.name}.k1ll3d.tmp").write_bytes(b"half a PDF")
    shutil.copy(made, out / "en" / "crafting-connections-9.standard.pdf")

    again = run_publish("build", "--lang", "en", "--sources", str(many_leaflets), "--leaflet", "crafting-connections",
                        "--format", "standard", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert not temporary_files(out)
    assert not (out / "en" / "crafting-connections-9.standard.pdf").exists()
    assert "en/crafting-connections.standard.pdf" in {e["path"] for e in assert_manifest_is_the_disk(out)}
