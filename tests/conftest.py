"""One full publish per test session, into a temporary folder, shared by the tests."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflets.build import Dirs, build_leaflets  # noqa: E402
from leaflets.pack import build_pack  # noqa: E402
from leaflets.load import load_sources  # noqa: E402


@dataclass(frozen=True)
class Published:
    out: Path
    manifest: list[dict]

    def leaflets(self, fmt: str | None = None, lang: str | None = "en") -> list[dict]:
        """The leaflets published (in a format; in a language, English unless told; lang=None: all)."""
        return [e for e in self.manifest if e["kind"] == "leaflet" and (fmt is None or e["format"] == fmt)
                and (lang is None or e["lang"] == lang)]

    def packs(self) -> list[dict]:
        return [e for e in self.manifest if e["kind"] == "pack"]

    def path(self, entry: dict) -> Path:
        return self.out / entry["path"]


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Published:
    out = tmp_path_factory.mktemp("output")
    dirs = Dirs(out=out)
    result = build_leaflets(dirs)
    assert not result.errors, result.errors
    for definition in sorted((ROOT / "packs").glob("*.yaml")):
        packed = build_pack(definition, dirs)
        assert not packed.errors, packed.errors
    return Published(out, json.loads((out / "manifest.json").read_text()))


def in_language(leaflet, lang: str):
    """The leaflet as published in `lang`: its texts from that language's catalogue."""
    from leaflets.catalogue import catalogue
    from leaflets.translate import translate
    if lang == leaflet.lang:
        return leaflet
    return translate(leaflet, catalogue(ROOT / "translations", lang, leaflet.lang)).leaflet


@pytest.fixture(scope="session")
def sources():
    loaded = load_sources(ROOT / "sources")
    assert not loaded.errors
    return {leaflet.id: leaflet for leaflet in loaded.leaflets}


def run_publish(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "publish.py"), *args], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture
def sources_copy(tmp_path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", copy)
    return copy
