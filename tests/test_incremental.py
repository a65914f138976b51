"""Incremental builds: a PDF is made again only when something it is made from changed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import ROOT, run_publish
from .test_catalogues import POLISH_NOTICE, prefixed, write_catalogue


def build(tmp: Path, *extra: str):
    result = run_publish("build", "--format", "standard", "--translations", str(tmp / "translations"),
                         "--layouts", str(tmp / "layouts"), "--out", str(tmp / "out"), *extra)
    assert result.returncode == 0, result.stderr
    return result


def stamps(out: Path) -> dict[str, int]:
    """Each PDF's modification time: a PDF made again gets a new one (a new file, renamed into place)."""
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in sorted(out.rglob("*.pdf"))}


def test_nothing_changed_nothing_made(tmp_path):
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    build(tmp_path)
    before = stamps(tmp_path / "out")
    again = build(tmp_path)
    assert "(2 unchanged, not made again)" in again.stdout
    assert stamps(tmp_path / "out") == before
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert all(len(entry["inputs"]) == 32 for entry in manifest)


def test_one_catalogue_changed_remakes_that_language_only(tmp_path):
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    po = write_catalogue(tmp_path / "translations", "pl", prefixed("PL: ", POLISH_NOTICE))
    build(tmp_path)
    before = stamps(tmp_path / "out")
    assert set(before) == {f"{lang}/{leaflet}.standard.pdf" for lang in ("en", "pl")
                           for leaflet in ("crafting-connections", "relationship-with-your-baby")}

    po.write_text(po.read_text(encoding="utf-8").replace('"PL: Crafting Connections:', '"PL: Tworzenie więzi:', 1),
                  encoding="utf-8")
    again = build(tmp_path)
    after = stamps(tmp_path / "out")
    changed = {path for path in before if after[path] != before[path]}
    assert changed == {"pl/crafting-connections.standard.pdf", "pl/relationship-with-your-baby.standard.pdf"}
    assert "(2 unchanged, not made again)" in again.stdout


def test_a_changed_layout_or_a_damaged_file_is_made_again(tmp_path):
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    build(tmp_path)
    out = tmp_path / "out"
    damaged = out / "en" / "crafting-connections.standard.pdf"
    damaged.write_bytes(damaged.read_bytes()[:-10])
    before = stamps(out)
    build(tmp_path)
    after = stamps(out)
    assert after[damaged.relative_to(out).as_posix()] != before[damaged.relative_to(out).as_posix()]
    assert sum(after[p] != before[p] for p in before) == 1

    layout = tmp_path / "layouts" / "standard.yaml"
    layout.write_text(layout.read_text().replace("line_spacing: ", "line_spacing: 1.35 #"), encoding="utf-8")
    build(tmp_path)
    assert all(stamps(out)[p] != after[p] for p in after)


def test_packs_are_incremental_too(tmp_path):
    out = tmp_path / "out"
    pack = tmp_path / "community-midwives-a5.yaml"
    shutil.copy(ROOT / "packs" / pack.name, pack)
    first = run_publish("pack", str(pack), "--out", str(out))
    assert first.returncode == 0 and "wrote" in first.stdout, first.stderr
    second = run_publish("pack", str(pack), "--out", str(out))
    assert second.returncode == 0 and "is up to date" in second.stdout and "wrote" not in second.stdout
    # A leaflet made again is the same bytes, so the pack stays as it is.
    (out / "en" / "crafting-connections.standard.pdf").unlink()
    assert "is up to date" in run_publish("pack", str(pack), "--out", str(out)).stdout
    # A changed definition makes it again.
    pack.write_text(pack.read_text().replace("copies: 50", "copies: 25", 1))
    third = run_publish("pack", str(pack), "--out", str(out))
    assert third.returncode == 0 and "wrote" in third.stdout
    assert "25 copies" in (out / "packs" / "community-midwives-a5.ticket.txt").read_text()
