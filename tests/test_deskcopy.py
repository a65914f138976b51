"""The catalogue's desk copy (site/desk-copy.pdf): a tagged A4 list of every leaflet, its languages in their
own scripts, its formats and a QR code to its entry in the catalogue, read back with qpdf, PDFium, zxing-cpp
and the PDF/UA checkers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from leaflets.build import Dirs
from leaflets.deskcopy import PATH, build_desk_copy

from .conftest import ROOT, run_publish
from .readback import elements, fold, spoken, spoken_text

BASE = "https://leaflets.example.org/"
LANGUAGES = ["en", "ar", "bn", "pa", "pl", "ro", "so", "ur", "zh-Hans"]
OWN_NAMES = {"en": "English", "ar": "العربية", "bn": "বাংলা", "pa": "ਪੰਜਾਬੀ", "pl": "polski", "ro": "română",
             "so": "Soomaali", "ur": "اردو", "zh-Hans": "中文 (简体)"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("desk")
    site = out.parent / "desk-site.yaml"
    site.write_text(f"base_url: {BASE}\n")
    result = build_desk_copy(Dirs(out=out, site=site))
    assert not result.errors, result.errors
    return out / PATH


def test_listed_in_the_manifest_as_on_disk(desk):
    entry, = json.loads((desk.parent.parent / "manifest.json").read_text())
    assert entry["kind"] == "desk-copy" and entry["path"] == PATH
    assert entry["pages"] == len(pdfium.PdfDocument(desk))
    assert entry["leaflets"] == ["crafting-connections", "relationship-with-your-baby"]


def test_passes_check_and_pdfua(desk):
    check = run_publish("check", str(desk))
    assert check.returncode == 0, check.stdout[-2000:]
    result = subprocess.run([sys.executable, "-m", "pdfua", "check", str(desk)], capture_output=True, text=True)
    assert result.returncode == 0 and "result: PASS" in result.stdout, result.stdout[-2000:]


def test_each_language_in_its_own_name_script_and_lang(desk):
    pages = spoken(desk)
    items = [(e.lang, fold(spoken_text(e, pages))) for e in elements(desk) if e.role == "LBody"]
    assert [lang for lang, _ in items] == LANGUAGES * 2  # each leaflet, every language it is published in
    for lang, text in items:
        assert text.startswith(OWN_NAMES[lang]), (lang, text)
    titles = [text for lang, text in items if lang == "pl"]
    assert titles == ["polski (Polish): Budowanie bliskości: jak wzmocnić więź z dzieckiem",
                      "polski (Polish): Twoja relacja z dzieckiem"]


def test_formats_and_a_code_per_leaflet(desk):
    pages = spoken(desk)
    read = [fold(spoken_text(e, pages)) for e in elements(desk) if e.role == "P"]
    formats = [text for text in read if text.startswith("Formats:")]
    assert formats == ["Formats: large print (18, 24 and 28 pt), easy read, standard print (A5)."] * 2
    pdf = pdfium.PdfDocument(desk)
    found = [code.text for page in pdf for code in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())]
    assert found == [f"{BASE}site/index.html#crafting-connections",
                     f"{BASE}site/index.html#relationship-with-your-baby"]


def test_made_again_only_when_its_inputs_change(desk, tmp_path):
    out = desk.parent.parent
    before = desk.stat().st_mtime_ns
    again = build_desk_copy(Dirs(out=out, site=out.parent / "desk-site.yaml"))
    assert again.unchanged == 1 and desk.stat().st_mtime_ns == before
    without = build_desk_copy(Dirs(out=tmp_path))  # no site file: no codes
    assert not without.errors
    pdf = pdfium.PdfDocument(tmp_path / PATH)
    assert [c for page in pdf for c in zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())] == []
