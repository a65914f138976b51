"""`publish.py build --jobs N`: PDFs made in worker processes, with the same bytes, messages, manifest and
stopping as in one process; and a build loads only the modules it uses."""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from leaflets import build
from leaflets.build import Dirs, Refused, build_leaflets
from leaflets.model import Where
from leaflets.reader import InputError, Problem

from .conftest import ROOT, run_publish
from .test_catalogues import assert_manifest_is_the_disk

LEAFLETS = ("crafting-connections", "relationship-with-your-baby")


def contents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_jobs_make_the_same_bytes_as_one(tmp_path):
    # English and Urdu: pictures, right-to-left text, Nastaliq and Latin fonts in one document. Both builds
    # run at once, so that both are of the same code.
    builds = {jobs: subprocess.Popen([sys.executable, str(ROOT / "publish.py"), "build", "--lang", "en", "--lang", "ur",
                                      "--jobs", jobs, "--out", str(tmp_path / f"jobs-{jobs}")], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for jobs in ("1", "2")}
    for jobs, started in builds.items():
        stdout, stderr = started.communicate()
        assert started.returncode == 0, stderr
        assert stdout == f"published 20 PDFs into {tmp_path / f'jobs-{jobs}'}\n"
    one, two = contents(tmp_path / "jobs-1"), contents(tmp_path / "jobs-2")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []  # every PDF, and the manifest
    entries = assert_manifest_is_the_disk(tmp_path / "jobs-2")
    for entry in entries:
        with pikepdf.open(tmp_path / "jobs-2" / entry["path"]) as pdf:
            assert len(pdf.pages) == entry["pages"], entry["path"]


def test_the_workers_make_pdfs_too(tmp_path, monkeypatch):
    record = tmp_path / "pids"
    make = build.make

    def making(*args, **kw):
        with open(record, "a") as file:  # a worker's list would stay in the worker
            file.write(f"{os.getpid()}\n")
        return make(*args, **kw)
    monkeypatch.setattr(build, "make", making)
    result = build_leaflets(Dirs(out=tmp_path / "out"), LEAFLETS, ["en"], jobs=2)
    assert not result.errors and len(result.entries) == 10
    made_in = [int(line) for line in record.read_text().split()]
    assert len(made_in) == 10 and set(made_in) - {os.getpid()}


def test_progress_with_workers_moves_pdf_by_pdf_and_page_by_page(tmp_path):
    seen: list[tuple[int, int, str]] = []
    result = build_leaflets(Dirs(out=tmp_path), ["crafting-connections"], ["en"], jobs=2,
                            progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[-1] == (5, 5, "done")  # 3 formats, large print also at 24 and 28 pt
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)  # never backwards
    for entry in result.entries:
        label = f"crafting-connections en {entry['format']}" + ("" if entry["size"] in (18, 12) else
                                                                  f" {entry['size']:g} pt")
        assert label in {shown for _, _, shown in seen}
        pages = {shown for _, _, shown in seen if shown.startswith(f"{label}, page ")}
        assert pages == {f"{label}, page {n}" for n in range(1, entry["pages"] + 1)}


def test_an_error_in_a_worker_is_reported_as_in_one_process(tmp_path):
    # A picture that is not installed: the easy-read PDF that shows it cannot be made; the others are.
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    pictures = sources / "pictures.yaml"
    pictures.write_text(pictures.read_text().replace('red-heart: "2764"', "red-heart: FFFFF"))
    assert "red-heart: FFFFF" in pictures.read_text()
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs-{jobs}"
        runs[jobs] = run_publish("build", "--lang", "en", "--sources", str(sources), "--jobs", jobs, "--out", str(out))
        assert runs[jobs].returncode == 1 and "Traceback" not in runs[jobs].stderr, runs[jobs].stderr
    assert runs["1"].stderr == runs["2"].stderr
    assert runs["1"].stdout.replace("jobs-1", "jobs-2") == runs["2"].stdout
    line, = runs["2"].stderr.splitlines()
    assert line.startswith(f"error: {sources / 'crafting-connections.yaml'}:")
    assert ": en easy-read: picture FFFFF is not installed" in line
    assert contents(tmp_path / "jobs-1") == contents(tmp_path / "jobs-2")
    assert len(assert_manifest_is_the_disk(tmp_path / "jobs-2")) == 9  # 10, the easy-read one left out


def test_an_input_error_in_a_worker_comes_back_whole():
    err = InputError([Problem(Where(Path("translations/pl/LC_MESSAGES/leaflets.po"), 12), "a mistake", "mend it"),
                      Problem(Where(Path("translations/pl/LC_MESSAGES/leaflets.po"), 3), "another", "mend that")])
    sent = pickle.loads(pickle.dumps(Refused(tuple(err.problems))))
    assert str(InputError(list(sent.problems))) == str(err)


def test_jobs_must_be_a_whole_number_of_processes():
    for wrong in ("0", "-1", "two"):
        result = run_publish("build", "--jobs", wrong)
        assert result.returncode == 2
        assert f"argument -j/--jobs: '{wrong}' is not a number of processes" in result.stderr
    assert "--jobs N" in run_publish("build", "--help").stdout


# --- stopping ---------------------------------------------------------------------------------

@pytest.fixture
def many_leaflets(tmp_path) -> Path:
    """Sources with five more copies of each leaflet: 36 PDFs, a build long enough to stop in the middle."""
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    for n in range(1, 6):
        for leaflet in LEAFLETS:
            source = (sources / f"{leaflet}.yaml").read_text()
            (sources / f"{leaflet}-{n}.yaml").write_text(source.replace(f"id: {leaflet}\n", f"id: {leaflet}-{n}\n", 1))
    return sources


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Not ended (a process that ended but is not yet reaped is a zombie, 'Z')."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_and_stop(sources: Path, out: Path, stop) -> tuple[subprocess.Popen, list[int]]:
    """Start a build with two workers (and itself: three processes), and stop it with `stop(build)` once its first PDF is there; return it
    and its workers."""
    started = subprocess.Popen([sys.executable, str(ROOT / "publish.py"), "build", "--jobs", "3", "--sources",
                                str(sources), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while (len(workers) < 2 or not list(out.glob("*/*.pdf"))) and started.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.005)
        workers = children(started.pid)
    stop(started)
    started.wait()
    return started, workers


def ended(workers: list[int]) -> bool:
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(running(pid) for pid in workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers in /proc")
def test_ctrl_c_stops_the_workers_and_lists_what_was_written(tmp_path, many_leaflets):
    out = tmp_path / "out"
    # A terminal's Ctrl-C goes to every process of its group: the build and its workers.
    stopped, workers = start_and_stop(many_leaflets, out, lambda p: os.killpg(p.pid, signal.SIGINT))
    stderr = stopped.stderr.read()
    assert stopped.returncode == 130 and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert len(workers) == 2 and ended(workers)
    assert 1 <= len(assert_manifest_is_the_disk(out)) < 36
    assert not list(out.rglob("*.tmp"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers in /proc")
def test_the_workers_of_a_killed_build_end(tmp_path, many_leaflets):
    out = tmp_path / "out"
    killed, workers = start_and_stop(many_leaflets, out, lambda p: p.kill())
    assert killed.returncode == -signal.SIGKILL
    assert len(workers) == 2 and ended(workers)  # not left waiting for work for ever
    assert run_publish("build", "--sources", str(many_leaflets), "--out", str(out)).returncode == 0
    assert len([e for e in assert_manifest_is_the_disk(out) if e["lang"] == "en"]) == 60


# --- loading only what is used --------------------------------------------------------------

LOADED = """
import sys
sys.argv = ["publish.py", *sys.argv[1:]]
import publish
try:
    publish.main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""
NOT_FOR_A_BUILD = {"pypdf", "pikepdf", "svglib", "pdfplumber", "leaflets.pack", "leaflets.merge", "leaflets.check",
                   "leaflets.extract", "leaflets.status", "translate"}


def loaded(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", LOADED, *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())


def test_a_build_loads_only_what_it_uses(tmp_path):
    # Standard print has no pictures: neither the packs' PDF libraries nor the SVG reader are loaded.
    modules = loaded("build", "--lang", "en", "--format", "standard", "--jobs", "1", "--out", str(tmp_path))
    assert "leaflets.render" in modules
    assert not {m for m in modules if m.split(".")[0] in NOT_FOR_A_BUILD or m in NOT_FOR_A_BUILD}
    # The help needs no leaflet, font or PDF library at all.
    modules = loaded("build", "--help")
    assert not {m for m in modules if m.startswith(("reportlab", "leaflets.build", "babel", "icu"))}
