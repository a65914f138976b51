"""Tests for `publish.py check` (leaflets/check/).

Built leaflets and packs must pass. Then each condition must fail when it
should: built PDFs broken one way at a time with pikepdf, and tiny tagged PDFs
drawn here with ReportLab through our tagging canvas.
"""
from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from leaflets import check, fonts
from leaflets.check import CONDITION, Finding, check_files, check_pdf
from leaflets.plan import DocInfo, Elem
from leaflets.rlparagraph import LeafletParagraph
from leaflets.tag import TaggingCanvas

from .conftest import run_publish

LONG = ("Every parent and every baby is different, so take your time and try the things that feel "
        "right for both of you today and tomorrow.")


def errors(findings: list[Finding]) -> set[str]:
    return {f.checkpoint for f in findings if f.severity == "error"}


# --- built PDFs -------------------------------------------------------------------

@pytest.fixture(scope="module")
def leaflet(published) -> Callable[[str], Path]:
    def pick(fmt: str) -> Path:
        return published.path(published.leaflets(fmt)[0])
    return pick


def test_every_built_pdf_passes(published):
    assert published.packs() and published.leaflets()
    for entry in published.manifest:
        if entry.get("tagged") is False:  # an imposed print file: the reading PDF is the tagged one
            continue
        path = published.path(entry)
        result = check.check(path.read_bytes())
        assert not [f for f in result.findings if f.severity == "error"], (path, result.findings)
        assert result.format == (entry["format"] if entry["kind"] == "leaflet" else None)
    assert any(entry.get("tagged") is False for entry in published.manifest)  # the booklet, left out above


def test_check_command_exit_codes(published, tmp_path, leaflet):
    good = leaflet("large-print")
    assert run_publish("check", str(good)).returncode == 0
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(mutate(good, lambda pdf: pdf.Root.__delattr__("MarkInfo")))
    done = run_publish("check", "--quiet", str(good), str(bad))
    assert done.returncode == 1
    assert str(good) not in done.stdout  # quiet: clean files say nothing
    assert "FAIL  UA1:7.1" in done.stdout and "what to do:" in done.stdout
    assert "PASS" not in done.stdout


def test_report_lists_every_condition_with_its_number(leaflet, capsys):
    assert check_files([leaflet("easy-read")]) == 0
    out = capsys.readouterr().out
    for checkpoint in ("06-001", "01-005", "13-004", "14-003", "31-009", "ER-03", "1.4.6"):
        assert re.search(rf"^  PASS  {re.escape(checkpoint)} ", out, re.M), checkpoint
    assert "LP-01" not in out  # large-print rules apply to large print only


def test_sizes_agree_with_pdfplumber(leaflet):
    path = leaflet("large-print")
    note = check.check(path.read_bytes()).notes["LP-01"]
    ours = float(re.search(r"([\d.]+) pt", note).group(1))
    with pdfplumber.open(path) as pdf:
        theirs = min(c["size"] for page in pdf.pages for c in page.chars if c["text"].strip())
    assert ours == pytest.approx(theirs, abs=0.05)


# --- built PDFs, broken one way at a time ------------------------------------------

def mutate(path: Path, change: Callable[[pikepdf.Pdf], object]) -> bytes:
    with pikepdf.open(path) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []

    def walk(node: pikepdf.Dictionary) -> None:
        out.append(node)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)
    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid)
    return out


def first(pdf: pikepdf.Pdf, role: str, n: int = 0) -> pikepdf.Dictionary:
    return [e for e in elements(pdf) if e.S == pikepdf.Name("/" + role)][n]


def used_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.pages[0].Resources.Font["/F1+0"]


def add_content(pdf: pikepdf.Pdf, content: bytes) -> None:
    pdf.pages[0].contents_add(pdf.make_stream(content), prepend=False)


def set_xmp(pdf: pikepdf.Pdf, old: bytes, new: bytes) -> None:
    data = pdf.Root.Metadata.read_bytes()
    assert old in data
    pdf.Root.Metadata.write(data.replace(old, new))


def set_role(role: str, n: int = 0) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        first(pdf, role.split(">")[0], n).S = pikepdf.Name("/" + role.split(">")[1])
    return change


def link_annotation(tabs: str | None) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0].obj
        annot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 144, 90],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org"))))
        page.Annots = pikepdf.Array([annot])
        if tabs is None:
            del page["/Tabs"]
        else:
            page.Tabs = pikepdf.Name("/" + tabs)
    return change


def truncate_parent_tree(pdf: pikepdf.Pdf) -> None:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    nums[1] = pikepdf.Array(list(nums[1])[:-1])


def delete_alt(pdf: pikepdf.Pdf) -> None:
    del first(pdf, "Figure")["/Alt"]


def tounicode_maps_used_code_to(value: str) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        stream = used_font(pdf).ToUnicode
        stream.write(stream.read_bytes().replace(b"<20> <0020>", f"<20> <{value}>".encode()))
    return change


def drop_title(pdf: pikepdf.Pdf) -> None:
    set_xmp(pdf, b"<dc:title>", b"<dc:subject>")
    set_xmp(pdf, b"</dc:title>", b"</dc:subject>")


BROKEN: dict[str, tuple[str, Callable[[pikepdf.Pdf], object], set[str]]] = {
    "no MarkInfo": ("large-print", lambda pdf: pdf.Root.__delattr__("MarkInfo"), {"UA1:7.1"}),
    "Suspects": ("large-print", lambda pdf: pdf.Root.MarkInfo.__setattr__("Suspects", True), {"01-007"}),
    "no StructTreeRoot": ("standard", lambda pdf: pdf.Root.__delattr__("StructTreeRoot"), {"UA1:7.1"}),
    "no Lang": ("large-print", lambda pdf: pdf.Root.__delattr__("Lang"), {"11-001"}),
    "bad Lang": ("standard", lambda pdf: pdf.Root.__setattr__("Lang", pikepdf.String("english!")), {"11-001"}),
    "Figure without Alt": ("easy-read", delete_alt, {"13-004", "ER-01"}),
    "H2 made H4": ("large-print", set_role("H2>H4"), {"14-003"}),
    "H1 made H2": ("standard", set_role("H1>H2"), {"14-002"}),
    "no XMP": ("large-print", lambda pdf: pdf.Root.__delattr__("Metadata"), {"06-001"}),
    "no pdfuaid": ("standard", lambda pdf: set_xmp(pdf, b"<pdfuaid:part>1</pdfuaid:part>", b""), {"06-002"}),
    "pdfuaid 2": ("standard", lambda pdf: set_xmp(pdf, b"<pdfuaid:part>1<", b"<pdfuaid:part>2<"), {"06-002"}),
    "no dc:title": ("standard", drop_title, {"06-003"}),
    "no DisplayDocTitle": ("standard", lambda pdf: pdf.Root.__delattr__("ViewerPreferences"), {"07-001"}),
    "DisplayDocTitle false": ("standard", lambda pdf: pdf.Root.ViewerPreferences.__setattr__(
        "DisplayDocTitle", False), {"07-002"}),
    "untagged text": ("large-print", lambda pdf: add_content(
        pdf, b"BT /F1+0 18 Tf 72 72 Td (Hello) Tj ET"), {"01-005"}),
    "untagged path": ("standard", lambda pdf: add_content(pdf, b"0 0 m 100 100 l S"), {"01-005"}),
    "artifact in tagged": ("large-print", lambda pdf: add_content(
        pdf, b"/P <</MCID 90>> BDC /Artifact BMC BT /F1+0 18 Tf 72 72 Td (Hi) Tj ET EMC EMC"),
        {"01-003", "01-005"}),  # MCID 90 is in no ParentTree either
    "tagged in artifact": ("large-print", lambda pdf: add_content(
        pdf, b"/Artifact BMC /P <</MCID 91>> BDC BT /F1+0 18 Tf 72 72 Td (Hi) Tj ET EMC EMC"),
        {"01-004", "01-005"}),
    "no ToUnicode": ("large-print", lambda pdf: used_font(pdf).__delattr__("ToUnicode"), {"31-027"}),
    "font not embedded": ("large-print", lambda pdf: used_font(pdf).FontDescriptor.__delattr__("FontFile2"),
                          {"31-009"}),
    "ToUnicode to U+0000": ("large-print", tounicode_maps_used_code_to("0000"), {"31-028"}),
    "ToUnicode to U+FEFF": ("large-print", tounicode_maps_used_code_to("FEFF"), {"31-029"}),
    "code without Unicode": ("large-print", lambda pdf: used_font(pdf).ToUnicode.write(
        used_font(pdf).ToUnicode.read_bytes().replace(b"<20> <0020>\n", b"")), {"10-001"}),
    "element with wrong /P": ("standard", lambda pdf: first(pdf, "P", 1).__setattr__(
        "P", first(pdf, "H1")), {"PDF:14.7.2"}),
    "StructParents shared": ("standard", lambda pdf: pdf.pages[1].obj.__setattr__("StructParents", 0),
                             {"PDF:14.7.4.4", "01-005"}),
    "MCID not in ParentTree": ("standard", truncate_parent_tree, {"01-005"}),
    "non-standard type": ("standard", set_role("P>Para"), {"02-001"}),
    "circular role map": ("standard", lambda pdf: (set_role("P>Para")(pdf), pdf.Root.StructTreeRoot.__setattr__(
        "RoleMap", pikepdf.Dictionary(Para=pikepdf.Name.Text, Text=pikepdf.Name.Para))), {"02-003"}),
    "standard type remapped": ("standard", lambda pdf: pdf.Root.StructTreeRoot.__setattr__(
        "RoleMap", pikepdf.Dictionary(P=pikepdf.Name.Span)), {"02-004"}),
    "link without Tabs": ("standard", link_annotation(None), {"28-008", "28-011", "28-012"}),
    "link with Tabs /R": ("standard", link_annotation("R"), {"28-009", "28-011", "28-012"}),
}


@pytest.mark.parametrize("name", BROKEN)
def test_each_check_fails_when_it_should(name, leaflet):
    fmt, change, expected = BROKEN[name]
    path = leaflet(fmt)
    assert not errors(check_pdf(path.read_bytes()))
    found = errors(check_pdf(mutate(path, change)))
    assert found == expected, name


def test_tagged_link_passes(leaflet):
    def tagged_link(pdf: pikepdf.Pdf) -> None:
        link_annotation("S")(pdf)
        annot = pdf.pages[0].obj.Annots[0]
        root = pdf.Root.StructTreeRoot
        document = root.K[0]
        key = int(root.ParentTreeNextKey)
        element = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Link, P=document, Pg=pdf.pages[0].obj,
            K=pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=pdf.pages[0].obj)])))
        document.K.append(element)
        annot.StructParent = key
        annot.Contents = pikepdf.String("Example website")
        root.ParentTree.Nums.extend([key, element])
        root.ParentTreeNextKey = key + 1
    assert not errors(check_pdf(mutate(leaflet("standard"), tagged_link)))


def test_header_must_be_pdf_1x(leaflet):
    data = leaflet("standard").read_bytes()
    assert "PDF:7.5.2" in errors(check_pdf(b"%PDF-2.0" + data[8:]))
    assert errors(check_pdf(b"not a pdf")) == {"PDF:7.5.2"}


def test_not_a_pdf_reports_only_that(tmp_path, capsys):
    path = tmp_path / "notes.pdf"
    path.write_text("not a pdf")
    assert check_files([path, tmp_path / "missing.pdf"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  PDF:7.5.2" in out and "PASS" not in out
    assert "missing.pdf: cannot be read" in out


def test_findings_name_page_and_object(leaflet):
    data = mutate(leaflet("large-print"), BROKEN["untagged text"][1])
    [finding] = [f for f in check_pdf(data) if f.checkpoint == "01-005"]
    assert finding.message.startswith("page 1:") and "'Hello'" in finding.message
    data = mutate(leaflet("easy-read"), delete_alt)
    [finding] = [f for f in check_pdf(data) if f.checkpoint == "13-004"]
    assert re.search(r"Figure obj \d+ on page 1 ", finding.message)


def test_every_checkpoint_is_matterhorn_or_named_clause():
    for checkpoint, condition in CONDITION.items():
        assert re.fullmatch(r"\d\d-\d\d\d|PDF:[\d.]+|UA1:[\d.]+|LP-\d\d|ER-\d\d|1\.4\.6", checkpoint)
        assert condition.title and condition.fix


# --- tiny tagged PDFs drawn here -------------------------------------------------------

def _italic() -> str:
    # The leaflets never use italics, so this face is ours alone to register.
    name = "CheckTest-Italic"
    if name not in pdfmetrics.getRegisteredFontNames():
        files = importlib.resources.files("fontpkg_atkinson_hyperlegible") / "files"
        pdfmetrics.registerFont(TTFont(name, str(files / "AtkinsonHyperlegible-Italic.ttf")))
    return name


REGULAR = fonts.font_name("latin", "en", False)
ITALIC = _italic()


def tiny(draw: Callable[[TaggingCanvas], None], fmt: str = "large-print", lang: str = "en") -> bytes:
    """A one-page tagged PDF with our XMP properties, drawn by `draw`."""
    out = io.BytesIO()
    info = DocInfo(title="Check test", lang=lang, author="Test", publisher="Test", subject="Test",
                   date=dt.date(2026, 1, 1), keywords={"leaflet": "check-test", "format": fmt, "language": lang,
                                                       "edition": "1", "size": "18", "draft": "no"})
    canv = TaggingCanvas(out, pagesize=A4, info=info, furniture=lambda c, page, pages: None,
                         initialFontName=REGULAR, initialFontSize=18)
    draw(canv)
    canv.save()
    return out.getvalue()


def line(key: str, role: str, text: str, y: float, font: str = REGULAR, size: float = 18,
         colour: tuple[float, float, float] = (0, 0, 0)) -> Callable[[TaggingCanvas], None]:
    def draw(canv: TaggingCanvas) -> None:
        with canv.marked((Elem(key, role),)):
            canv.setFillColorRGB(*colour)
            canv.setFont(font, size)
            canv.drawString(72, y, text)
    return draw


def paragraph(key: str, text: str, y: float, alignment: int) -> Callable[[TaggingCanvas], None]:
    def draw(canv: TaggingCanvas) -> None:
        style = ParagraphStyle("p", fontName=REGULAR, fontSize=18, leading=27, alignment=alignment)
        para = Paragraph(" ".join([text] * 3), style)
        _, height = para.wrapOn(canv, 360, 800)
        with canv.marked((Elem(key, "P"),)):
            para.drawOn(canv, 72, y - height)
    return draw


def row(key: str, text: str, y: float, picture_mm: float = 40, alt: str | None = "A baby.",
        picture: bool = True) -> Callable[[TaggingCanvas], None]:
    side = picture_mm * 72 / 25.4

    def draw(canv: TaggingCanvas) -> None:
        if picture:
            with canv.marked((Elem(f"{key}/picture", "Figure", alt=alt),), bbox=(72, y - side, 72 + side, y)):
                canv.setFillColorRGB(0.8, 0.2, 0.2)
                canv.rect(72, y - side, side, side, stroke=0, fill=1)
        line(key, "P", text, y - 20)(canv)
    return draw


def doc(*parts: Callable[[TaggingCanvas], None]) -> Callable[[TaggingCanvas], None]:
    def draw(canv: TaggingCanvas) -> None:
        for part in parts:
            part(canv)
    return draw


def test_tiny_large_print_passes():
    data = tiny(doc(line("t", "H1", "Title", 780), paragraph("p", "Words left aligned and ragged.", 700, TA_LEFT)))
    assert not errors(check_pdf(data))


def test_large_print_character_under_16pt():
    data = tiny(doc(line("t", "H1", "Title", 780), line("p", "P", "Small print", 700, size=12)))
    assert errors(check_pdf(data)) == {"LP-01"}
    # The same size is fine where no minimum applies.
    assert not errors(check_pdf(tiny(line("p", "P", "Small print", 700, size=12), fmt="standard")))


def test_large_print_italic_font():
    data = tiny(doc(line("t", "H1", "Title", 780), line("p", "P", "Slanted", 700, font=ITALIC)))
    assert errors(check_pdf(data)) == {"LP-02"}


def test_large_print_justified_paragraph():
    text = "Talk, read and sing to your baby and respond to the noises they make."
    data = tiny(doc(line("t", "H1", "Title", 780), paragraph("p", text, 700, TA_JUSTIFY)))
    assert errors(check_pdf(data)) == {"LP-03"}
    assert not errors(check_pdf(tiny(doc(line("t", "H1", "Title", 780), paragraph("p", text, 700, TA_LEFT)))))


def test_large_print_lines_flush_both_sides():
    """Justified by letter spacing, not word spacing: caught by the lines' edges."""
    words = ["Talk and sing to your baby", "and answer the noises", "they make when they are", "awake."]

    def draw(canv: TaggingCanvas) -> None:
        with canv.marked((Elem("p", "P"),)):
            for i, text in enumerate(words):
                obj = canv.beginText(72, 700 - 27 * i)
                obj.setFont(REGULAR, 18)
                if i < len(words) - 1:
                    obj.setCharSpace((400 - pdfmetrics.stringWidth(text, REGULAR, 18)) / len(text))
                obj.textOut(text)
                canv.drawText(obj)
    findings = check_pdf(tiny(doc(line("t", "H1", "Title", 780), draw)))
    assert errors(findings) == {"LP-03"}
    assert "all end at x = 472.0" in next(f.message for f in findings if f.checkpoint == "LP-03")


def test_low_contrast_text():
    data = tiny(doc(line("t", "H1", "Title", 780), line("p", "P", "Grey words", 700, colour=(0.6, 0.6, 0.6))))
    findings = check_pdf(data)
    assert errors(findings) == {"1.4.6"}
    assert "2.8:1" in next(f.message for f in findings if f.checkpoint == "1.4.6")


def test_easy_read_rules():
    title = line("t", "H1", "Title", 780)
    good = tiny(doc(title, row("r1", "Look at your baby.", 740)), fmt="easy-read")
    assert not errors(check_pdf(good))
    assert errors(check_pdf(tiny(doc(title, row("r1", LONG, 740)), fmt="easy-read"))) == {"ER-03"}
    assert errors(check_pdf(tiny(doc(title, row("r1", "Hello.", 740, picture_mm=30)), fmt="easy-read"))) \
        == {"ER-02"}
    assert errors(check_pdf(tiny(doc(title, row("r1", "Hello.", 740, picture=False)), fmt="easy-read"))) \
        == {"ER-01"}
    # Rows in every language are counted (ICU's words), and the back page after the last H2 is exempt.
    assert errors(check_pdf(tiny(doc(title, row("r1", LONG, 740)), fmt="easy-read", lang="fr"))) == {"ER-03"}
    back = tiny(doc(title, row("r1", "Hello.", 740), line("about", "H2", "About this leaflet", 500),
                    line("about/1", "P", LONG, 460, size=14)), fmt="easy-read")
    assert not errors(check_pdf(back))


@pytest.mark.parametrize("lang", ["bn", "ar", "ur"])
def test_shaped_and_right_to_left_text_passes(lang):
    """Shaped glyphs map to private-use code points, with the real text in /ActualText: no false alarms."""
    spans = yaml.safe_load((Path(__file__).parent / "fixtures" / "scripts.yaml").read_text("utf-8"))[lang]
    base = fonts.font_name(fonts.base_script(lang), lang, False)
    rtl = fonts.is_rtl(lang)
    style = ParagraphStyle(lang, fontName=base, bulletFontName=base, fontSize=18,
                           leading=fonts.line_height(base, 18) * 1.2, shaping=1,
                           wordWrap="RTL" if rtl else None, alignment=TA_RIGHT if rtl else TA_LEFT)
    para = LeafletParagraph(fonts.to_markup([(t, b) for t, b in spans], lang), style, lang=lang)

    def draw(canv: TaggingCanvas) -> None:
        line("t", "H1", "Title", 780)(canv)
        _, height = para.wrapOn(canv, 400, 700)
        with canv.marked((Elem("p", "P"),)):
            para.drawOn(canv, 72, 700 - height)
    result = check.check(tiny(draw, lang=lang))
    assert not errors(result.findings), result.findings
    assert result.notes["LP-03"].startswith("1 paragraph")


# --- the cache ----------------------------------------------------------------

def test_cache_skips_a_clean_file(tmp_path, leaflet, monkeypatch, capsys):
    cache = tmp_path / "cache" / "check.json"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(mutate(leaflet("standard"), lambda pdf: pdf.Root.__delattr__("MarkInfo")))
    calls: list[int] = []
    real = check.check

    def counting(data: bytes, *args) -> check.Result:
        calls.append(len(data))
        return real(data, *args)
    monkeypatch.setattr(check.report, "check", counting)
    files = [leaflet("large-print"), bad]
    assert check_files(files, cache=cache) == 1
    assert len(calls) == 2
    saved = json.loads(cache.read_text())
    assert saved["version"] == check.checker_version() and len(saved["files"]) == 1  # only the clean file
    assert [p.name for p in cache.parent.iterdir()] == ["check.json"]  # written by rename, nothing left over
    capsys.readouterr()
    assert check_files(files, cache=cache) == 1
    assert len(calls) == 3  # the clean file came from the cache; the broken one was checked again
    assert "(cached)" in capsys.readouterr().out
    # A new checker version makes old entries lapse.
    cache.write_text(json.dumps({"version": "old", "files": saved["files"]}))
    check_files(files[:1], cache=cache, quiet=True)
    assert len(calls) == 4


def test_unreadable_cache_is_ignored(tmp_path, leaflet):
    cache = tmp_path / "check.json"
    cache.write_text("{not json")
    assert check_files([leaflet("standard")], cache=cache, quiet=True) == 0
    assert json.loads(cache.read_text())["files"]
