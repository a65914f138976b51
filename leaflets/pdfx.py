"""PDF/X-4 properties of a print file, kept beside its PDF/UA tags.

What a print shop's RIP and preflight look for: an output intent with an embedded printer (CMYK,
output-class) ICC profile, the PDF 1.6 header PDF/X-4 is based on, GTS_PDFXVersion and Trapped in the
Info dictionary and the XMP, a TrimBox (and no ArtBox) on every page and every font embedded. The profiles are
Ghostscript's, from Debian's libgs-common (the Makefile installs it).

Colour left in DeviceRGB (the pictures) is given a meaning by an sRGB /DefaultRGB colour space in every
page's and form's resources (ISO 32000-1, 8.6.5.6): the content streams are not touched, so their marked
content and the structure tree stay exactly as they were, and DeviceGray (the text and rules) is left
alone, so black stays pure K. An image in DeviceRGB gets the sRGB space directly.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pikepdf

PROFILES = Path("/usr/share/color/icc/ghostscript")  # Debian's libgs-common
PRINTER_PROFILE = PROFILES / "default_cmyk.icc"
SRGB_PROFILE = PROFILES / "srgb.icc"
PDFX_VERSION = "PDF/X-4"
PDF_VERSION = "1.6"  # PDF/X-4 is based on PDF 1.6
OUTPUT_CONDITION = "Custom"  # not a condition in the ICC's registry: the embedded profile describes it
PDFX_NS = "http://www.npes.org/pdfx/ns/id/"
_NAMESPACE = uuid.UUID("6c2b3f0e-7d5a-4c1e-9a57-2b0f4d8e6a11")  # our print files' document IDs


class ProfileError(Exception):
    """An ICC profile that is missing or is not what a print file needs."""


def icc_profile(path: Path, device_class: str, space: str) -> bytes:
    """An ICC profile's bytes, after its header says it is a `device_class` profile of `space`."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ProfileError(f"{path}: cannot be read ({err.strerror}); install Debian's libgs-common "
                           "(make setup does)") from None
    if len(data) < 128 or data[36:40] != b"acsp":
        raise ProfileError(f"{path} is not an ICC profile")
    found = data[12:16].decode("latin-1").strip(), data[16:20].decode("latin-1").strip()
    if found != (device_class, space):
        raise ProfileError(f"{path} is a '{found[0]}' profile of {found[1]}, not '{device_class}' of {space}")
    return data


def profile_name(data: bytes) -> str:
    """An ICC v2 profile's description (its 'desc' tag), for the output intent's /Info."""
    count = int.from_bytes(data[128:132], "big")
    for i in range(count):
        entry = data[132 + 12 * i: 144 + 12 * i]
        if entry[:4] == b"desc":
            offset = int.from_bytes(entry[4:8], "big")
            length = int.from_bytes(data[offset + 8: offset + 12], "big")
            return data[offset + 12: offset + 12 + length].rstrip(b"\0").decode("latin-1")
    return "CMYK printer profile"


def print_file(pdf: bytes, title: str) -> bytes:
    """`pdf` with the PDF/X-4 properties, its tags (if any) and other metadata kept; reproducible bytes.
    Raises ValueError if a font is not embedded."""
    printer = icc_profile(PRINTER_PROFILE, "prtr", "CMYK")
    srgb = icc_profile(SRGB_PROFILE, "mntr", "RGB")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        missing = sorted(not_embedded(doc))
        if missing:
            raise ValueError(f"fonts not embedded: {', '.join(missing)}; a print file embeds every font")
        _output_intent(doc, printer)
        _default_rgb(doc, srgb)
        _trim_boxes(doc)
        _metadata(doc, title, hashlib.sha256(pdf).hexdigest())
        if "/Version" in doc.Root:
            del doc.Root.Version  # it would override the header
        out = io.BytesIO()
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True,
                 force_version=PDF_VERSION)
        return out.getvalue()


def resources(doc: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every resource dictionary content is drawn with: each page's, each form's and Type 3 font's, and
    each annotation appearance's, each once."""
    seen: set[tuple[int, int]] = set()

    def walk(res) -> Iterator[pikepdf.Dictionary]:
        if not isinstance(res, pikepdf.Dictionary) or (res.is_indirect and res.objgen in seen):
            return
        if res.is_indirect:
            seen.add(res.objgen)
        yield res
        holders = list((res.get("/XObject") or {}).values()) + list((res.get("/Font") or {}).values()) \
            + list((res.get("/Pattern") or {}).values())
        for holder in holders:
            if holder.is_indirect and holder.objgen in seen:
                continue
            if holder.is_indirect:
                seen.add(holder.objgen)
            if "/Resources" in holder:
                yield from walk(holder.Resources)

    for page in doc.pages:
        yield from walk(page.obj.get("/Resources"))
        for annot in page.obj.get("/Annots") or []:
            for appearance in (annot.get("/AP") or {}).values():
                states = [appearance] if isinstance(appearance, pikepdf.Stream) else list(appearance.values())
                for state in states:
                    yield from walk(state.get("/Resources"))


def fonts(doc: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary the file draws with, each once (a Type 0 font's descendant in its place)."""
    seen: set[tuple[int, int]] = set()
    for res in resources(doc):
        for font in (res.get("/Font") or {}).values():
            if not isinstance(font, pikepdf.Dictionary) or font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            yield (font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font)


def font_program(font: pikepdf.Dictionary) -> pikepdf.Stream | None:
    """A font's embedded program, if any."""
    descriptor = font.get("/FontDescriptor") or {}
    return next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor), None)


def not_embedded(doc: pikepdf.Pdf) -> set[str]:
    """The names of fonts drawn with but not embedded (a Type 3 font is its own program)."""
    return {str(font.get("/BaseFont", "(unnamed)"))[1:] for font in fonts(doc)
            if font.get("/Subtype") != "/Type3" and font_program(font) is None}


def _output_intent(doc: pikepdf.Pdf, profile: bytes) -> None:
    name = profile_name(profile)
    stream = doc.make_stream(profile, N=4)
    intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                                OutputConditionIdentifier=OUTPUT_CONDITION, OutputCondition=name, Info=name,
                                RegistryName="http://www.color.org", DestOutputProfile=stream)
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])


def _default_rgb(doc: pikepdf.Pdf, profile: bytes) -> None:
    srgb = doc.make_indirect(pikepdf.Array([pikepdf.Name.ICCBased,
                                            doc.make_stream(profile, N=3, Alternate=pikepdf.Name.DeviceRGB)]))
    for res in list(resources(doc)):
        spaces = res.get("/ColorSpace")
        if spaces is None:
            res.ColorSpace = spaces = pikepdf.Dictionary()
        spaces.DefaultRGB = srgb
        for xobject in (res.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Image" and xobject.get("/ColorSpace") == "/DeviceRGB":
                xobject.ColorSpace = srgb


def _trim_boxes(doc: pikepdf.Pdf) -> None:
    """A TrimBox on every page (the page itself where none is set), within the BleedBox, the CropBox and
    the MediaBox; and no ArtBox, since PDF/X gives a page a TrimBox or an ArtBox, not both (the reading
    PDF keeps its ArtBox, the text frame its check reads)."""
    for number, page in enumerate(doc.pages, 1):
        if "/TrimBox" not in page.obj:
            page.obj.TrimBox = page.obj.get("/CropBox", page.mediabox)
        if "/ArtBox" in page.obj:
            del page.obj.ArtBox
        trim, media = _rect(page.obj.TrimBox), _rect(page.mediabox)
        crop = _rect(page.obj.get("/CropBox", page.mediabox))
        bleed = _rect(page.obj.get("/BleedBox", crop))
        if not (_inside(trim, bleed) and _inside(bleed, crop) and _inside(crop, media)):
            raise ValueError(f"page {number}: the TrimBox {trim} is not within the BleedBox {bleed} "
                             f"within the CropBox {crop} within the MediaBox {media}")


def _rect(box) -> tuple[float, ...]:
    return tuple(round(float(v), 3) for v in box)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _metadata(doc: pikepdf.Pdf, title: str, digest: str) -> None:
    """GTS_PDFXVersion, Trapped and the identifiers in the XMP and the Info dictionary; the XMP the file
    has (dc:, pdfuaid:, ours) kept. The IDs come from the input's digest, so the bytes are reproducible."""
    document_id = f"uuid:{uuid.uuid5(_NAMESPACE, digest)}"
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        date = str(meta.get("xmp:ModifyDate") or meta.get("xmp:CreateDate") or "1970-01-01")
        created = str(meta.get("xmp:CreateDate") or date)
        meta["dc:title"] = title
        meta["xmp:CreateDate"], meta["xmp:ModifyDate"], meta["xmp:MetadataDate"] = created, date, date
        meta["pdf:Trapped"] = "False"
        meta[f"{{{PDFX_NS}}}GTS_PDFXVersion"] = PDFX_VERSION
        meta["xmpMM:DocumentID"] = document_id
        meta["xmpMM:InstanceID"] = document_id
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"
    info = doc.docinfo
    info.Title = title
    info.GTS_PDFXVersion = PDFX_VERSION
    info.Trapped = pikepdf.Name("/False")
    info.CreationDate, info.ModDate = _pdf_date(created), _pdf_date(date)


def _pdf_date(xmp_date: str) -> str:
    """An XMP date (2026-11-23, or with a time) as a PDF date string (D:20261123…)."""
    digits = "".join(ch for ch in xmp_date[:19] if ch.isdigit())
    return f"D:{digits}" + ("Z" if len(digits) > 8 else "")
