"""PDF/X-4 properties of the print files, read back one by one (no PDF/X validator can be installed from
the registries we use): poppler for the header and the fonts, qpdf for the objects, the XMP parsed as XML,
and both PDF/UA checkers on the tagged print files."""
from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from leaflets import impose, pdfx, printmarks

from .conftest import ROOT, run_publish
from .readback import elements

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfxid": "http://www.npes.org/pdfx/ns/id/", "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
      "leaflet": "urn:x-leaflets:meta:1/", "xmpMM": "http://ns.adobe.com/xap/1.0/mm/"}
KINDS = ["a5-pack", "a4-pack", "a5-pack-with-marks", "a5-booklets"]


def make(kind: str, published) -> tuple[bytes, bytes]:
    """(the file given to print_file, the print file)."""
    name = "postnatal-ward-a4" if kind == "a4-pack" else "community-midwives-a5"
    data = published.path(next(e for e in published.packs() if e["pack"] == name)).read_bytes()
    if kind.endswith("with-marks"):
        data = printmarks.with_marks(data)
    elif kind.endswith("booklets"):
        data = impose.booklet(data, [(3, 9), (11, 14)], [1], f"{name}.pdf")
    return data, pdfx.print_file(data, f"Print file: {kind}")


@pytest.fixture(scope="module", params=KINDS)
def printed(request, published, tmp_path_factory):
    source, data = make(request.param, published)
    folder = tmp_path_factory.mktemp("pdfx")
    (folder / "source.pdf").write_bytes(source)
    (folder / "print.pdf").write_bytes(data)
    return request.param, folder / "source.pdf", folder / "print.pdf"


def xmp(path) -> ET.Element:
    with pikepdf.open(path) as pdf:
        return ET.fromstring(pdf.Root.Metadata.read_bytes())


def test_header_is_pdf_1_6(printed) -> None:
    _, _, path = printed
    assert path.read_bytes()[:9] == b"%PDF-1.6\n"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^PDF version:\s+1\.6$", info, re.M)


def test_output_intent_embeds_a_cmyk_printer_profile(printed) -> None:
    _, _, path = printed
    with pikepdf.open(path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) and str(intent.Info)
        profile = intent.DestOutputProfile
        data = profile.read_bytes()
        assert int(profile.N) == 4 and data[36:40] == b"acsp"
        assert data[12:16] == b"prtr" and data[16:20] == b"CMYK"  # an output (printer) profile, of CMYK
        assert data == pdfx.PRINTER_PROFILE.read_bytes()  # the registry's profile, as it is


def test_pdfx_version_and_trapped_in_info_and_xmp(printed) -> None:
    kind, _, path = printed
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-4" and info.Trapped == pikepdf.Name("/False")
        assert str(info.Title) == f"Print file: {kind}" and str(info.CreationDate).startswith("D:")
    root = xmp(path)
    assert root.findtext(".//pdfxid:GTS_PDFXVersion", namespaces=NS) == "PDF/X-4"
    assert root.findtext(".//pdf:Trapped", namespaces=NS) == "False"
    assert root.findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=NS) == f"Print file: {kind}"
    assert root.findtext(".//xmpMM:DocumentID", namespaces=NS).startswith("uuid:")
    if kind == "a5-booklets":
        assert root.findtext(".//leaflet:imposition", namespaces=NS) == "booklet"
        assert root.find(".//pdfuaid:part", NS) is None
    else:  # the XMP the pack had is kept
        assert root.findtext(".//pdfuaid:part", namespaces=NS) == "1"
        assert root.findtext(".//leaflet:pack", namespaces=NS)
        assert root.findtext(".//dc:language/rdf:Bag/rdf:li", namespaces=NS) == "en"


def test_every_page_has_a_trimbox_no_artbox_and_every_font_embedded(printed) -> None:
    _, _, path = printed
    with pikepdf.open(path) as pdf:
        assert all("/TrimBox" in page.obj for page in pdf.pages)  # on the page itself, not a default
        assert not any("/ArtBox" in page.obj for page in pdf.pages)  # PDF/X: a TrimBox or an ArtBox, not both
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"\s+yes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row) for row in rows), fonts


def test_rgb_is_srgb_on_every_page_and_form(printed) -> None:
    _, _, path = printed
    with pikepdf.open(path) as pdf:
        holders = [page.Resources for page in pdf.pages]
        holders += [x.Resources for x in pdf.objects if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Form"
                    and "/Resources" in x]
        for resources in holders:
            space = resources.ColorSpace.DefaultRGB
            assert space[0] == "/ICCBased" and int(space[1].N) == 3
            assert space[1].read_bytes()[12:20] == b"mntrRGB "
        # Gray is left alone, so black text and rules stay pure K.
        assert not any("/DefaultGray" in r.get("/ColorSpace", {}) for r in holders)


def test_the_pictures_still_show_in_colour(published, tmp_path) -> None:
    _, data = make("a4-pack", published)
    (tmp_path / "print.pdf").write_bytes(data)
    from PIL import Image
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "13", "-l", "13", str(tmp_path / "print.pdf"),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    hsv = Image.open(png).convert("HSV").tobytes()
    saturated = sum(1 for i in range(0, len(hsv), 3) if hsv[i + 1] > 100 and hsv[i + 2] > 100)
    assert saturated > 500, "the easy-read pictures lost their colour"


def test_tagged_print_files_keep_their_tags_and_pass_both_checkers(printed) -> None:
    kind, source, path = printed
    if kind == "a5-booklets":  # untagged, as it was made: screen readers read the reading PDF
        with pikepdf.open(path) as pdf:
            assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        return
    assert elements(path) == elements(source)
    result = run_publish("check", str(path))
    assert result.returncode == 0 and "0 error(s)" in result.stdout, result.stdout + result.stderr
    other = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True)
    assert other.returncode == 0 and "result: PASS" in other.stdout, other.stdout + other.stderr


def test_the_same_file_gives_the_same_bytes_in_another_process(printed) -> None:
    kind, source, path = printed
    script = ("import sys, hashlib; from leaflets import pdfx; "
              f"print(hashlib.sha256(pdfx.print_file(open(sys.argv[1], 'rb').read(), {f'Print file: {kind}'!r}))"
              ".hexdigest())")
    other = subprocess.run([sys.executable, "-c", script, str(source)], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": "7"}, check=True)
    assert other.stdout.strip() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_font_not_embedded_is_refused() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont("Helvetica", 12)  # one of the standard 14: ReportLab never embeds it
    canvas.drawString(72, 720, "Not embedded")
    canvas.showPage()
    canvas.save()
    with pytest.raises(ValueError, match="fonts not embedded: Helvetica"):
        pdfx.print_file(out.getvalue(), "Not embedded")


def test_a_display_profile_is_no_output_intent() -> None:
    with pytest.raises(pdfx.ProfileError, match="'mntr' profile"):
        pdfx.icc_profile(pdfx.SRGB_PROFILE, "prtr", "CMYK")
