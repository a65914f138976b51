"""The back page's QR code to the leaflet's entry in the catalogue (site.yaml's base_url), read back from
the PDFs: decoded by zxing-cpp from PDFium's rendering, measured, and its marked content read with qpdf."""
from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from .conftest import run_publish
from .readback import elements, fold, spoken, spoken_text

BASE = "https://leaflets.example.org/clinic/"
DPI = 300


def codes(path: Path) -> list[tuple[str, float, float]]:
    """Each QR code on the last page: its text and its width and height in mm, as a phone's reader sees it."""
    pdf = pdfium.PdfDocument(path)
    image = pdf[len(pdf) - 1].render(scale=DPI / 72).to_pil()
    found = []
    for code in zxingcpp.read_barcodes(image):
        p = code.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        found.append((code.text, (max(xs) - min(xs)) / DPI * 25.4, (max(ys) - min(ys)) / DPI * 25.4))
    pdf.close()
    return found


def rectangles(path: Path) -> tuple[int, int]:
    """The last page's `re` operators inside artifacts and outside them."""
    inside = outside = 0
    with pikepdf.open(path) as pdf:
        stack: list[bool] = []
        for operands, op in pikepdf.parse_content_stream(pdf.pages[-1]):
            op = str(op)
            if op in ("BDC", "BMC"):
                stack.append(str(operands[0]) == "/Artifact" or any(stack))
            elif op == "EMC":
                stack.pop()
            elif op == "re":
                inside, outside = (inside + 1, outside) if any(stack) else (inside, outside + 1)
    return inside, outside


@pytest.fixture(scope="module")
def with_codes(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("codes")
    site = out.parent / "site.yaml"
    site.write_text(f"base_url: {BASE}\n")
    result = run_publish("build", "--leaflet", "crafting-connections", "--lang", "en", "--lang", "ur",
                         "--lang", "zh-Hans", "--site-config", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_every_back_page_has_a_code_to_its_catalogue_entry(with_codes):
    entries = [e for e in json.loads((with_codes / "manifest.json").read_text()) if e["kind"] == "leaflet"]
    assert len(entries) == 3 * 5  # en, ur, zh-Hans; 3 formats, large print also at 24 and 28 pt
    for entry in entries:
        found = codes(with_codes / entry["path"])
        assert [text for text, _, _ in found] == [f"{BASE}site/index.html#crafting-connections"], entry["path"]
        _, width, height = found[0]
        assert 20 <= width < 30 and 20 <= height < 30, (entry["path"], width, height)  # at least 20 mm square


def test_the_code_is_an_artifact_and_the_address_is_read(with_codes):
    url = f"{BASE}site/index.html#crafting-connections"
    for lang, caption in (("en", "Scan the code for this leaflet"), ("ur", "کوڈ اسکین کریں"),
                          ("zh-Hans", "扫描二维码")):
        path = with_codes / lang / "crafting-connections.standard.pdf"
        inside, outside = rectangles(path)
        assert inside >= 100 and outside == 0, (path, inside, outside)
        pages = spoken(path)
        read = [t for e in elements(path) if e.role in ("P", "Link") if (t := fold(spoken_text(e, pages)))]
        assert read[-1].replace(" ", "") == url, read[-3:]  # the address (a link), as one line or two
        assert any(caption in text for text in read), (lang, read[-3:])


def test_without_a_base_url_no_code(tmp_path):
    result = run_publish("build", "--leaflet", "crafting-connections", "--lang", "en", "--format", "standard",
                         "--site-config", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "none.yaml" in result.stderr  # a site file asked for must exist
    result = run_publish("build", "--leaflet", "crafting-connections", "--lang", "en", "--format", "standard",
                         "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / "en" / "crafting-connections.standard.pdf"
    assert codes(path) == [] and rectangles(path) == (0, 0)
    assert not any("Scan the code" in text for text in spoken(path)[-1].texts.values())


def test_the_base_url_is_an_input(tmp_path):
    """Changing the base URL makes the PDFs again, with the new address."""
    site, out = tmp_path / "site.yaml", tmp_path / "out"
    args = ("build", "--leaflet", "crafting-connections", "--lang", "en", "--format", "standard",
            "--site-config", str(site), "--out", str(out))
    site.write_text(f"base_url: {BASE}\n")
    assert run_publish(*args).returncode == 0
    site.write_text("base_url: https://other.example.org/leaflets\n")
    result = run_publish(*args)
    assert result.returncode == 0 and "published 1 PDFs" in result.stdout + result.stderr
    found = codes(out / "en" / "crafting-connections.standard.pdf")
    assert [t for t, _, _ in found] == ["https://other.example.org/leaflets/site/index.html#crafting-connections"]


def test_a_bad_site_file_names_its_line_and_still_publishes(tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text("# where output/ is published\nbase_url: leaflets.example.org\n")
    result = run_publish("build", "--leaflet", "crafting-connections", "--lang", "en", "--format", "standard",
                         "--site-config", str(site), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{site}:2: 'leaflets.example.org' is not a web address" in result.stderr
    assert "fix: write the https address" in result.stderr and "Traceback" not in result.stderr
    path = tmp_path / "out" / "en" / "crafting-connections.standard.pdf"
    assert path.is_file() and codes(path) == []  # published, without a code, until the file is put right
