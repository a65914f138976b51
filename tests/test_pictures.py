"""Easy-read pictures: each drawn once per PDF as a form XObject and painted, inside its Figure's marked
content, wherever it is used; and `publish.py check` looks inside forms.

Built PDFs are read back with pikepdf (objects and operators) and PDFium (pixels), never with our checker.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import subprocess
import sys

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from reportlab.pdfgen.canvas import Canvas

from leaflets import fonts, pictures
from leaflets.build import Dirs, decide, doc_info
from leaflets.catalogue import catalogue
from leaflets.check import check_pdf
from leaflets.layout import Context, lay_out
from leaflets.load import load_layout, load_sources
from leaflets.model import Row
from leaflets.plan import Elem
from leaflets.render import render
from leaflets.tag import TaggingCanvas
from leaflets.translate import translate

from . import readback
from .conftest import ROOT, run_publish
from .test_check import errors, line, tiny

MM = 72 / 25.4
PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Tj", "TJ", "'", '"', "Do"})


def _render(leaflet_id: str, lang: str, fmt: str = "easy-read") -> bytes:
    """A leaflet in a language, rendered in this process the way the build makes it."""
    dirs = Dirs()
    loaded = load_sources(dirs.sources)
    leaflet = next(lf for lf in loaded.leaflets if lf.id == leaflet_id)
    layout = load_layout(dirs.layouts / f"{fmt}.yaml")
    cat = catalogue(dirs.translations, lang, leaflet.lang)
    decision = decide(leaflet, cat, allow_fallback=True)
    translated = translate(leaflet, cat)
    context = Context(decision.draft, tuple(dict.fromkeys((leaflet.lang, lang))), loaded.pictures,
                      fallback=translated.fallback, source_lang=leaflet.lang)
    plan = lay_out(translated.leaflet, layout, cat, context)
    return render(plan, doc_info(translated.leaflet, layout, decision.draft)).pdf


@dataclasses.dataclass
class Paint:
    page: int  # from 0
    op: str
    mcid: int | None  # of the innermost marked content with one
    role: str | None  # its tag
    xobject: pikepdf.Object | None = None  # what a Do paints


def _paints(pdf: pikepdf.Pdf) -> list[Paint]:
    """Every painting operator of every page's own content, with the marked content around it."""
    found: list[Paint] = []
    for index, page in enumerate(pdf.pages):
        marks: list[tuple[str, int | None]] = []
        for ins in pikepdf.parse_content_stream(page):
            op = str(ins.operator)
            if op in ("BDC", "BMC"):
                props = ins.operands[1] if op == "BDC" else None
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                marks.append((str(ins.operands[0])[1:], mcid))
            elif op == "EMC":
                marks.pop()
            elif op in PAINTING:
                tag, mcid = next(((t, m) for t, m in reversed(marks) if m is not None), (None, None))
                xobject = page.Resources.XObject[str(ins.operands[0])] if op == "Do" else None
                found.append(Paint(index, op, mcid, tag, xobject))
    return found


def test_one_form_per_picture_painted_in_its_figure(published, sources):
    entries = published.leaflets("easy-read", lang=None)
    assert len(entries) == 18  # two leaflets in nine languages
    for entry in entries:
        path, leaflet, draft = published.path(entry), sources[entry["leaflet"]], entry["draft"]
        figures = {mark: el for el in readback.elements(path) if el.role == "Figure" for mark in el.marks}
        with pikepdf.open(path) as pdf:
            paints = _paints(pdf)
            drawn = [p for p in paints if p.op == "Do"]
            # Each Figure's marked content paints its picture's form, and nothing else; no form is painted
            # anywhere else.
            assert sorted((p.page, p.mcid) for p in drawn) == sorted(figures), path
            assert all(p.role == "Figure" for p in drawn)
            assert not [p for p in paints if (p.page, p.mcid) in figures and p.op != "Do"], path
            forms = {p.xobject.objgen: p.xobject for p in drawn}
            assert all(f.Subtype == "/Form" for f in forms.values())
            # One form per picture: as many as the rows have pictures (and a draft its warning sign), each
            # artwork stored once.
            assert len(forms) == len({b.picture for b in leaflet.easy_read if isinstance(b, Row)}) + draft, path
            assert len({f.read_bytes() for f in forms.values()}) == len(forms)
            if draft:  # the notice in two languages: two Figures, one form
                notices = [p.xobject.objgen for p in drawn if figures[(p.page, p.mcid)].alt == "⚠"]
                assert len(notices) == 2 and len(set(notices)) == 1, path
            for form in forms.values():  # a form holds paths, and no marked content of its own
                ops = [str(i.operator) for i in pikepdf.parse_content_stream(form)]
                assert not {"BDC", "BMC", "EMC", "Do"} & set(ops) and {"f", "S"} & set(ops)
                assert "/StructParents" not in form and "/StructParent" not in form


def _largest_difference(one: bytes, other: bytes) -> int:
    """The largest difference in grey level between the two PDFs' pages, rendered by PDFium."""
    pages = [[page.render(scale=1.5, grayscale=True).to_pil().convert("L") for page in pdfium.PdfDocument(pdf)]
             for pdf in (one, other)]
    assert len(pages[0]) == len(pages[1])
    return max(ImageChops.difference(a, b).getextrema()[1] for a, b in zip(*pages))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pictures_look_as_drawn_before(lang, monkeypatch):
    """The same pixels as the artwork drawn into the page at each use (as before forms), and the same size:
    every Figure's /BBox is the layout's 40 mm, and the artwork's longer side fills it."""
    with_forms = _render("crafting-connections", lang)
    load = pictures.load
    monkeypatch.setattr(pictures, "load", lambda path: dataclasses.replace(load(path), inline=True))
    inline = _render("crafting-connections", lang)
    with pikepdf.open(io.BytesIO(inline)) as pdf:
        assert not [p for p in _paints(pdf) if p.op == "Do"]  # drawn the old way indeed
    assert len(with_forms) != len(inline)
    assert _largest_difference(with_forms, inline) <= 2  # anti-aliasing rounds a few edge pixels apart

    document = pdfium.PdfDocument(with_forms)
    for el in readback.elements(io.BytesIO(with_forms)):
        if el.role != "Figure":
            continue
        x0, y0, x1, y1 = el.bbox
        assert (round((x1 - x0) / MM, 2), round((y1 - y0) / MM, 2)) == (40, 40)
        page = document[el.marks[0][0]]
        image = page.render(scale=4, grayscale=True).to_pil()
        scale = image.height / page.get_height()
        crop = image.crop((int(x0 * scale) - 20, int(image.height - y1 * scale) - 20,
                           int(x1 * scale) + 20, int(image.height - y0 * scale) + 20))
        inked = crop.point(lambda v: 255 if v < 250 else 0).getbbox()
        longer = max(inked[2] - inked[0], inked[3] - inked[1]) / scale / MM
        assert 39.5 < longer < 42.5, (el.alt, longer)  # the artwork, with its outline stroke (up to 2 mm)


def test_same_bytes_whatever_was_built_before(published):
    """A leaflet alone in a fresh process (its pictures drawn for the first time), and after others in one
    (drawn from what the first drew)."""
    first = _render("relationship-with-your-baby", "pl")
    _render("crafting-connections", "pl")
    _render("crafting-connections", "zh-Hans", "large-print")
    assert _render("relationship-with-your-baby", "pl") == first
    entry = next(e for e in published.leaflets("easy-read", lang="pl") if e["leaflet"] == "crafting-connections")
    result = run_publish("build", "--leaflet", "crafting-connections", "--lang", "pl", "--format", "easy-read",
                         "--out", str(published.out.parent / "alone"))
    assert result.returncode == 0, result.stderr
    assert (published.out.parent / "alone" / entry["path"]).read_bytes() == published.path(entry).read_bytes()


def test_svglib_only_for_pictures():
    """A build without pictures never imports svglib; the first picture does."""
    code = ("import sys\n"
            "from tests.test_pictures import _render\n"
            "_render('crafting-connections', 'en', 'large-print')\n"
            "print('svglib' in sys.modules)\n"
            "_render('crafting-connections', 'en', 'easy-read')\n"
            "print('svglib' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True"], result.stderr


# --- the checker looks inside forms --------------------------------------------------

def _form(canv: Canvas, name: str, side: float, draw) -> None:
    """Define a form of `side` points whose content `draw` paints, once per PDF."""
    if not canv.hasForm(name):
        canv.beginForm(name, 0, 0, side, side)
        draw(canv)
        canv.endForm()


def _square(canv: Canvas, side: float) -> None:
    canv.setFillColorRGB(0.8, 0.2, 0.2)
    canv.rect(0, 0, side, side, stroke=0, fill=1)


def _figure_row(key: str, y: float, box_mm: float = 40, drawn_mm: float | None = 40):
    """A row whose Figure (its /BBox box_mm) paints a form of drawn_mm (None: paints nothing)."""
    side, drawn = box_mm * MM, (drawn_mm or 0) * MM

    def draw(canv: TaggingCanvas) -> None:
        with canv.marked((Elem(f"{key}/picture", "Figure", alt="A square."),), bbox=(72, y - side, 72 + side, y)):
            if drawn_mm is not None:
                _form(canv, f"square-{drawn_mm:g}", drawn, lambda c: _square(c, drawn))
                canv.saveState()
                canv.translate(72, y - side)
                canv.doForm(f"square-{drawn_mm:g}")
                canv.restoreState()
        line(key, "P", "Look at your baby.", y - 20)(canv)
    return draw


def test_check_counts_a_form_painted_in_a_figure_as_its_picture():
    title = line("t", "H1", "Title", 780)

    def rows(*parts):
        return tiny(lambda canv: [part(canv) for part in (title, *parts)], fmt="easy-read")
    # The same form painted in two Figures: each is the picture of its own Figure, nothing untagged.
    assert not errors(check_pdf(rows(_figure_row("r1", 740), _figure_row("r2", 600))))
    assert errors(check_pdf(rows(_figure_row("r1", 740, drawn_mm=20)))) == {"ER-02"}
    assert errors(check_pdf(rows(_figure_row("r1", 740, drawn_mm=None)))) == {"ER-02"}


def test_check_reads_what_forms_draw():
    def page(draw) -> bytes:
        return tiny(lambda canv: (line("t", "H1", "Title", 780)(canv), draw(canv)))

    def text_form(canv: Canvas) -> None:  # text in the colour the form is painted in
        canv.setFont(fonts.font_name("latin", "en", False), 18)
        canv.drawString(0, 10, "Grey words")

    def form_in(kind: str, grey: bool = False):
        def draw(canv: TaggingCanvas) -> None:
            _form(canv, "words", 200, text_form)
            context = canv.marked((Elem("p", "P"),)) if kind == "P" else canv.artifact() if kind == "artifact" \
                else contextlib.nullcontext()
            with context:
                canv.saveState()
                canv.translate(72, 700)
                if grey:
                    canv.setFillColorRGB(0.6, 0.6, 0.6)
                canv.doForm("words")
                canv.restoreState()
        return draw
    assert not errors(check_pdf(page(form_in("P"))))
    # Colour and contrast: the form's text takes the fill colour of the page where it is painted.
    findings = check_pdf(page(form_in("P", grey=True)))
    assert errors(findings) == {"1.4.6"}
    assert "\"Grey words\" has contrast 2.8:1" in next(f.message for f in findings if f.checkpoint == "1.4.6")
    # Marking: a form's content is marked as the Do that paints it.
    assert not errors(check_pdf(page(form_in("artifact"))))
    findings = check_pdf(page(form_in("nothing")))
    assert errors(findings) == {"01-005"}
    assert "first text 'Grey words'" in next(f.message for f in findings if f.checkpoint == "01-005")

