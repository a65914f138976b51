"""The inks a page needs, read back by leaflets/inks.py: 1/1 only for black alone (DeviceGray, CMYK with
C=M=Y=0, a Black separation), strictly; RGB black is 4/4. Each case is a small PDF made here, its
content stream written out, so that the test says exactly what the page paints; then the real packs,
whose tickets must say what inks.py reads, and what pdfplumber (another reader) sees agrees."""
from __future__ import annotations

import io
import json

import pdfplumber
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from reportlab.pdfgen.canvas import Canvas

from leaflets.inks import PageInks, colours_of, read_inks

SQUARE = b"0 0 10 10 re f\n"


def pdf_with(content: bytes, resources: dict | None = None, annots: list | None = None,
             build=None) -> bytes:
    """A one-page PDF painting `content`; `build(pdf)` may return resources made in that PDF."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    page = pdf.pages[0]
    made = build(pdf) if build else {}
    page.obj.Resources = Dictionary({**(resources or {}), **made})
    page.obj.Contents = pdf.make_stream(content)
    if annots:
        page.obj.Annots = Array([pdf.make_indirect(Dictionary(a(pdf))) for a in annots])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def only_page(data: bytes) -> PageInks:
    (page,) = read_inks(data)
    return page


def form(pdf: pikepdf.Pdf, content: bytes, resources: dict | None = None) -> pikepdf.Stream:
    return pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 100, 100],
                           **({"Resources": Dictionary(resources)} if resources else {}))


def image(pdf: pikepdf.Pdf, space, channels: int, **extra) -> pikepdf.Stream:
    return pdf.make_stream(b"\x00" * channels, Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                           BitsPerComponent=8, ColorSpace=space, **extra)


def icc(pdf: pikepdf.Pdf, channels: int) -> Array:
    return Array([Name.ICCBased, pdf.make_stream(b"profile", N=channels)])


# --- vector colour, set and painted --------------------------------------------------------------

@pytest.mark.parametrize("content, colours, spaces", [
    (b"0 g " + SQUARE, "1/1", ("DeviceGray",)),
    (b"0.4 g " + SQUARE, "1/1", ("DeviceGray",)),  # a tint of black is black ink
    (b"0 0 0 rg " + SQUARE, "4/4", ("DeviceRGB",)),  # RGB black: four-colour black on many presses
    (b"0 0 0 1 k " + SQUARE, "1/1", ("DeviceCMYK (K only)",)),
    (b"0 0 0 0.5 k " + SQUARE, "1/1", ("DeviceCMYK (K only)",)),
    (b"0.1 0 0 1 k " + SQUARE, "4/4", ("DeviceCMYK",)),
    (b"/DeviceCMYK cs 0 0 0 1 sc " + SQUARE, "1/1", ("DeviceCMYK (K only)",)),
    (b"/DeviceCMYK cs 0 0.2 0 1 scn " + SQUARE, "4/4", ("DeviceCMYK",)),
    (b"/DeviceRGB cs 0 0 0 sc " + SQUARE, "4/4", ("DeviceRGB",)),
    (SQUARE, "1/1", ("DeviceGray",)),  # nothing set: the initial colour is DeviceGray black
    (b"", "1/1", ()),  # a blank page needs no ink
])
def test_device_colours(content, colours, spaces):
    page = only_page(pdf_with(content))
    assert (page.colours, page.spaces) == (colours, spaces)


@pytest.mark.parametrize("content, colours", [
    (b"1 0 0 rg 0 g " + SQUARE, "1/1"),  # set, then replaced before painting
    (b"q 1 0 0 rg Q " + SQUARE, "1/1"),  # Q restores the gray
    (b"1 0 0 RG " + SQUARE, "1/1"),  # a stroke colour, but the path is only filled
    (b"1 0 0 RG 0 0 10 10 re S\n", "4/4"),
    (b"1 0 0 rg 0 0 10 10 re S\n", "1/1"),  # a fill colour, but the path is only stroked
    (b"1 0 0 RG 0 0 10 10 re B\n", "4/4"),  # fill and stroke
    (b"1 0 0 rg 0 0 10 10 re n\n", "1/1"),  # no paint at all
])
def test_only_what_is_painted_counts(content, colours):
    assert only_page(pdf_with(content)).colours == colours


def test_text_in_each_render_mode():
    font = {"/Font": Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))}
    text = b"BT /F1 12 Tf 10 10 Td (Hi) Tj ET\n"
    assert only_page(pdf_with(b"0 0 0 rg " + text, font)).colours == "4/4"
    assert only_page(pdf_with(b"0 g " + text, font)).colours == "1/1"
    assert only_page(pdf_with(b"1 0 0 rg 3 Tr " + text, font)).colours == "1/1"  # invisible
    assert only_page(pdf_with(b"1 0 0 RG 1 Tr " + text, font)).colours == "4/4"  # stroked
    assert only_page(pdf_with(b"1 0 0 RG 0 Tr " + text, font)).colours == "1/1"  # filled, in gray
    assert only_page(pdf_with(b"1 0 0 rg 7 Tr " + text, font)).colours == "1/1"  # a clip only


# --- named colour spaces ----------------------------------------------------------------------------

def tint() -> Dictionary:
    return Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[0, 0, 0, 1], N=1)


@pytest.mark.parametrize("space, values, colours, label", [
    (lambda pdf: Array([Name.Separation, Name.Black, Name.DeviceCMYK, tint()]), b"1", "1/1", "Separation Black"),
    (lambda pdf: Array([Name.Separation, Name("/PANTONE 300 C"), Name.DeviceCMYK, tint()]), b"1", "4/4",
     "Separation PANTONE 300 C"),
    (lambda pdf: Array([Name.Separation, Name.All, Name.DeviceCMYK, tint()]), b"1", "4/4", "Separation All"),
    (lambda pdf: Array([Name.DeviceN, Array([Name.Black]), Name.DeviceCMYK, tint()]), b"1", "1/1", "DeviceN Black"),
    (lambda pdf: Array([Name.DeviceN, Array([Name.Cyan, Name.Black]), Name.DeviceCMYK, tint()]), b"0 1", "4/4",
     "DeviceN Cyan+Black"),
    (lambda pdf: icc(pdf, 1), b"0", "1/1", "ICCBased gray"),
    (lambda pdf: icc(pdf, 3), b"0 0 0", "4/4", "ICCBased RGB"),
    (lambda pdf: icc(pdf, 4), b"0 0 0 1", "1/1", "ICCBased CMYK (K only)"),
    (lambda pdf: icc(pdf, 4), b"0 0.5 0 1", "4/4", "ICCBased CMYK"),
    (lambda pdf: Array([Name.CalGray, Dictionary(WhitePoint=[0.95, 1, 1.09])]), b"0", "1/1", "CalGray"),
    (lambda pdf: Array([Name.Lab, Dictionary(WhitePoint=[0.95, 1, 1.09])]), b"0 0 0", "4/4", "Lab"),
])
def test_named_colour_spaces(space, values, colours, label):
    data = pdf_with(b"/CS0 cs " + values + b" scn " + SQUARE,
                    build=lambda pdf: {"/ColorSpace": Dictionary(CS0=space(pdf))})
    page = only_page(data)
    assert (page.colours, page.spaces) == (colours, (label,))


def test_a_colour_space_set_by_cs_starts_at_its_initial_colour():
    """CMYK starts at 0 0 0 1 (black only); RGB at 0 0 0 (still RGB)."""
    assert only_page(pdf_with(b"/DeviceCMYK cs " + SQUARE)).colours == "1/1"
    assert only_page(pdf_with(b"/DeviceRGB cs " + SQUARE)).colours == "4/4"


# --- images, forms, shadings, patterns, annotations -------------------------------------------------

@pytest.mark.parametrize("make, colours", [
    (lambda pdf: image(pdf, Name.DeviceGray, 1), "1/1"),
    (lambda pdf: image(pdf, Name.DeviceRGB, 3), "4/4"),
    (lambda pdf: image(pdf, Name.DeviceCMYK, 4), "4/4"),  # its samples are not read: strict
    (lambda pdf: image(pdf, icc(pdf, 3), 3), "4/4"),
    (lambda pdf: image(pdf, Array([Name.Indexed, Name.DeviceRGB, 0, b"\x00\x00\x00"]), 1), "4/4"),
    (lambda pdf: image(pdf, Array([Name.Indexed, Name.DeviceGray, 1, b"\x00\xff"]), 1), "1/1"),
    (lambda pdf: image(pdf, Array([Name.Indexed, Name.DeviceCMYK, 0, b"\x00\x00\x00\x80"]), 1), "1/1"),
    (lambda pdf: image(pdf, Array([Name.Indexed, Name.DeviceCMYK, 0, b"\x10\x00\x00\x80"]), 1), "4/4"),
])
def test_images(make, colours):
    data = pdf_with(b"q 10 0 0 10 0 0 cm /Im0 Do Q\n", build=lambda pdf: {"/XObject": Dictionary(Im0=make(pdf))})
    assert only_page(data).colours == colours


def test_a_stencil_mask_paints_the_fill_colour():
    def build(pdf):
        mask = pdf.make_stream(b"\x00", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                               BitsPerComponent=1, ImageMask=True)
        return {"/XObject": Dictionary(Im0=mask)}
    assert only_page(pdf_with(b"0 g /Im0 Do\n", build=build)).colours == "1/1"
    assert only_page(pdf_with(b"0 0 0 rg /Im0 Do\n", build=build)).colours == "4/4"


@pytest.mark.parametrize("space, colours", [(b"/G", "1/1"), (b"/RGB", "4/4"), (b"/CMYK", "4/4")])
def test_inline_images(space, colours):
    channels = {b"/G": 1, b"/RGB": 3, b"/CMYK": 4}[space]
    data = pdf_with(b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS " + space + b" ID " + b"\x00" * channels
                    + b" EI Q\n")
    assert only_page(data).colours == colours


def test_forms_are_read_inside_and_inherit_the_colour_they_are_painted_in():
    def build(pdf):
        plain = form(pdf, SQUARE)  # sets no colour: paints in what it inherits
        red = form(pdf, b"1 0 0 rg " + SQUARE)
        outer = form(pdf, b"/Red Do\n", {"/XObject": Dictionary(Red=red)})  # two levels deep
        return {"/XObject": Dictionary(Plain=plain, Outer=outer)}
    assert only_page(pdf_with(b"/Plain Do\n", build=build)).colours == "1/1"
    assert only_page(pdf_with(b"0 0 0 rg /Plain Do\n", build=build)).colours == "4/4"
    assert only_page(pdf_with(b"0 g /Outer Do\n", build=build)).colours == "4/4"
    # The same form painted twice in one page, in gray and in RGB: read once per state, not cached as one.
    both = pdf_with(b"0 g /Plain Do 0 0 1 rg /Plain Do\n", build=build)
    assert only_page(both).spaces == ("DeviceGray", "DeviceRGB")


def test_a_form_that_paints_itself_is_read_once():
    def build(pdf):
        loop = form(pdf, b"0 g " + SQUARE)
        loop.Resources = Dictionary(XObject=Dictionary(Me=loop))
        loop.write(b"0 g " + SQUARE + b"/Me Do\n")
        return {"/XObject": Dictionary(Me=loop)}
    assert only_page(pdf_with(b"/Me Do\n", build=build)).colours == "1/1"


@pytest.mark.parametrize("space, colours", [(Name.DeviceGray, "1/1"), (Name.DeviceRGB, "4/4"),
                                            (Name.DeviceCMYK, "4/4")])
def test_shadings_and_shading_patterns(space, colours):
    channels = {Name.DeviceGray: 1, Name.DeviceRGB: 3, Name.DeviceCMYK: 4}[space]

    def build(pdf):
        shading = Dictionary(ShadingType=2, ColorSpace=space, Coords=[0, 0, 100, 0], Function=Dictionary(
            FunctionType=2, Domain=[0, 1], C0=[0] * channels, C1=[1] * channels, N=1))
        pattern = Dictionary(PatternType=2, Shading=shading)
        return {"/Shading": Dictionary(Sh0=shading), "/Pattern": Dictionary(P0=pattern)}
    assert only_page(pdf_with(b"/Sh0 sh\n", build=build)).colours == colours
    assert only_page(pdf_with(b"/Pattern cs /P0 scn " + SQUARE, build=build)).colours == colours


def test_tiling_patterns():
    def build(pdf):
        def cell(content, paint):
            return pdf.make_stream(content, PatternType=1, PaintType=paint, TilingType=1, BBox=[0, 0, 5, 5],
                                   XStep=5, YStep=5, Resources=Dictionary())
        return {"/Pattern": Dictionary(Red=cell(b"1 0 0 rg " + SQUARE, 1), Plain=cell(SQUARE, 2)),
                "/ColorSpace": Dictionary(GrayPattern=Array([Name.Pattern, Name.DeviceGray]),
                                          RGBPattern=Array([Name.Pattern, Name.DeviceRGB]))}
    assert only_page(pdf_with(b"/Pattern cs /Red scn " + SQUARE, build=build)).colours == "4/4"  # coloured
    assert only_page(pdf_with(b"/GrayPattern cs 0 /Plain scn " + SQUARE, build=build)).colours == "1/1"
    assert only_page(pdf_with(b"/RGBPattern cs 0 0 0 /Plain scn " + SQUARE, build=build)).colours == "4/4"


def test_annotations_count_only_if_they_print():
    def note(flags):
        def make(pdf):
            return {"/Type": Name.Annot, "/Subtype": Name.Square, "/Rect": [0, 0, 10, 10], "/F": flags,
                    "/AP": Dictionary(N=form(pdf, b"1 0 0 rg " + SQUARE))}
        return make
    assert only_page(pdf_with(b"0 g " + SQUARE, annots=[note(4)])).colours == "4/4"  # Print flag set
    assert only_page(pdf_with(b"0 g " + SQUARE, annots=[note(0)])).colours == "1/1"  # on screen only


# --- ReportLab, as the project draws ------------------------------------------------------------------

def reportlab_page(draw) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(200, 200), invariant=1)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_reportlab_text_in_gray_is_black_only_and_in_rgb_black_is_not():
    def text(set_colour):
        def draw(canvas):
            set_colour(canvas)
            canvas.drawString(20, 100, "Black text")
            canvas.line(20, 90, 180, 90)
        return draw
    assert only_page(reportlab_page(text(lambda c: (c.setFillGray(0), c.setStrokeGray(0))))).colours == "1/1"
    assert only_page(reportlab_page(text(lambda c: (c.setFillColorCMYK(0, 0, 0, 1),
                                                    c.setStrokeColorCMYK(0, 0, 0, 1))))).colours == "1/1"
    assert only_page(reportlab_page(text(lambda c: c.setFillColorRGB(0, 0, 0)))).colours == "4/4"


def test_colours_of_pages():
    gray, rgb = PageInks(("DeviceGray",), ()), PageInks(("DeviceRGB",), ("DeviceRGB",))
    assert colours_of([gray, gray]) == "1/1" and colours_of([gray, rgb]) == "4/4" and colours_of([]) == "1/1"


# --- the real packs ------------------------------------------------------------------------------------

def test_each_tickets_colours_are_what_the_pack_holds(published):
    """Whatever the leaflets are drawn in today: the ticket says what inks.py reads, page range by range."""
    for entry in published.packs():
        path = published.path(entry)
        pages = read_inks(path.read_bytes())
        ticket = json.loads(path.with_suffix(".ticket.json").read_text(encoding="utf-8"))
        for item in ticket["items"]:
            first, last = item["pack_pages"]["first_page"], item["pack_pages"]["last_page"]
            mine = pages[first - 1:last]
            assert item["colours"] == colours_of(mine), (path.name, item["title"])
            assert set(item["colour_spaces"]) == {space for page in mine for space in page.spaces}
        assert ticket["files"][0]["colours"] == colours_of(pages)


def test_pdfplumber_sees_the_same_colours(published):
    """Another reader: a page with RGB text or RGB fills is never read 1/1, and a 1/1 page's text and
    shapes are all gray or pure K."""
    def black(space: str | None, colour) -> bool:
        colour = tuple(colour or ())
        return space in ("DeviceGray", None) and len(colour) <= 1 or \
            space == "DeviceCMYK" and len(colour) == 4 and not any(colour[:3])
    for entry in published.packs():
        path = published.path(entry)
        inks = read_inks(path.read_bytes())
        with pdfplumber.open(path) as pdf:
            for page, read in zip(pdf.pages, inks):
                chars = [(str(c.get("ncs") or "").lstrip("/"), c["non_stroking_color"]) for c in page.chars]
                fills = [(None, shape["non_stroking_color"]) for shape in page.rects + page.curves if shape["fill"]]
                if read.colours == "1/1":
                    assert all(black(space, colour) for space, colour in chars), (path.name, page.page_number)
                    assert all(len(tuple(colour or ())) != 3 for _, colour in fills), (path.name, page.page_number)
                if any(space == "DeviceRGB" for space, _ in chars) or \
                        any(len(tuple(colour or ())) == 3 for _, colour in fills):
                    assert read.colours == "4/4" and "DeviceRGB" in read.colour, (path.name, page.page_number)


def test_black_only_leaflets_have_no_rgb_or_cmyk_text(published):
    """Large print and standard print: every page 1/1, its text in DeviceGray (qpdf's reading of each text
    object's colour operators, and pdfplumber's of each character), no RGB or CMYK operator anywhere."""
    colour_ops = {"rg", "RG", "k", "K", "sc", "scn", "SC", "SCN", "cs", "CS"}
    for entry in published.leaflets(lang=None):
        if entry["format"] == "easy-read":
            continue
        path = published.path(entry)
        assert {page.colours for page in read_inks(path.read_bytes())} == {"1/1"}, entry["path"]
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                ops = {str(op) for _, op in pikepdf.parse_content_stream(page)}
                assert "g" in ops and not ops & colour_ops, (entry["path"], ops & colour_ops)
        with pdfplumber.open(path) as pdf:
            assert {tuple(c["non_stroking_color"] or ()) for p in pdf.pages for c in p.chars} == {(0,)}, entry["path"]
