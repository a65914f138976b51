"""What a PDF is, as plain frozen facts: read once with pikepdf, judged by the rules.

`gather(data)` opens the file, walks the structure tree (tree.py) and every
page's content (content.py), then joins the two: each element gets its text,
page and lines, and each MCID its ParentTree entry. Malformed structure is
recorded here, never reported: the rules decide what it means.
"""
from __future__ import annotations

import functools
import io
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass

import pikepdf

from .content import Box, ContentWalk, MisplacedContent, Run, TextSample, union
from .fonts import Font, LoadedFont, load_font
from .pdf import Key, box, inherited, key, kids, name, num, text
from .tree import BadParent, PagelessMark, Tree, TreeElement, walk_tree

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "leaflet": "urn:x-leaflets:meta:1/",
}

__all__ = ["Facts", "Box", "Element", "ElementMark", "AnnotatedPage", "Link", "ParentTree", "MarkedStream",
           "ParentTreeEntry", "BadParent", "PagelessMark", "MisplacedContent", "Run", "TextSample", "Font",
           "gather"]


@dataclass(frozen=True)
class ElementMark:
    """Marked content an element's /K holds."""
    where: str  # its content stream, for messages: "page 2" or "obj 31" (a form)
    mcid: int
    found: bool  # that content stream has marked content with this MCID


@dataclass(frozen=True)
class Element:
    obj: int  # object number, for messages
    role: str  # /S as written
    type: str  # after role mapping
    page: str = "?"  # page number, for messages
    lang: str | None = None  # its own /Lang or the nearest ancestor's
    text: str = ""  # what its marked content says (or its /ActualText)
    has_text: bool = False  # some of its marked content shows more than spaces
    alt: str | None = None
    actual_text: str | None = None
    bbox: Box | None = None  # from /A /BBox
    painted: Box | None = None  # what its paths and images cover (inside forms too), device space; None: nothing
    runs: tuple[Run, ...] = ()  # its shown strings, in content order
    marks: tuple[ElementMark, ...] = ()


@dataclass(frozen=True)
class AnnotatedPage:
    number: int
    annotations: int
    tabs: str | None  # /Tabs as written, e.g. "/S"; None: absent


@dataclass(frozen=True)
class Link:
    """A Link annotation, and the element whose OBJR holds it."""
    page: int
    obj: int
    element_role: str | None = None  # None: no element holds it
    element_type: str | None = None
    contents: str | None = None


@dataclass(frozen=True)
class ParentTreeEntry:
    """What the ParentTree gives one MCID of a content stream."""
    mcid: int
    target: int | None = None  # object number of the element it names; None: no element
    in_tree: bool = False  # that element is in the structure tree
    role: str = ""  # its /S, when it is
    holds: bool = False  # its /K holds this MCID


@dataclass(frozen=True)
class MarkedStream:
    """A content stream (a page, or a form with its own /StructParents) that has MCIDs."""
    page: int
    form: int | None  # the form's object number; None: the page's own content
    mcids: tuple[int, ...]  # as used, in order
    struct_parents: int | None = None
    listed: bool = False  # the ParentTree has an array for its /StructParents
    entries: tuple[ParentTreeEntry, ...] = ()  # by MCID, when listed


@dataclass(frozen=True)
class ParentTree:
    claims: tuple[tuple[str, int], ...] = ()  # (who, /StructParents or /StructParent), in page order
    streams: tuple[MarkedStream, ...] = ()
    largest_key: int | None = None  # None: the ParentTree is empty
    next_key: int | None = None  # /ParentTreeNextKey


@dataclass(frozen=True)
class Facts:
    # the file
    header: bytes = b""  # its first 9 bytes
    opened: bool = True  # False: not readable as a PDF; nothing below was read
    read_error: str | None = None  # why pikepdf could not open it
    pages: int = 0
    art_boxes: tuple[Box | None, ...] = ()  # by page: its /ArtBox (the extent of its content), or None
    format: str | None = None  # XMP leaflet:format, for our own leaflets
    lang: str | None = None  # catalog /Lang, else XMP leaflet:language
    # the catalog
    marked: bool = False  # /MarkInfo /Marked true
    suspects: bool = False  # /MarkInfo /Suspects true
    struct_tree: bool = False  # a /StructTreeRoot
    display_doc_title: bool | str | None = None  # True, False, another value as written, or None: absent
    catalog_lang: str | None = None
    # XMP metadata
    xmp_problem: str | None = None  # why it cannot be read; None: it was read
    pdfuaid_parts: tuple[str, ...] = ()
    dc_titles: tuple[str, ...] = ()
    # the structure tree
    rolemap: tuple[tuple[str, str], ...] = ()  # (type, type it maps to), as in /RoleMap
    role_chains: tuple[tuple[str, ...], ...] = ()  # each type used: the types its mapping passes through
    elements: tuple[Element, ...] = ()  # depth first, document order
    bad_parents: tuple[BadParent, ...] = ()
    pageless_marks: tuple[PagelessMark, ...] = ()
    parent_tree: ParentTree | None = None  # None: no StructTreeRoot, or no ParentTree where MCIDs need one
    parent_tree_missing: bool = False  # the StructTreeRoot has no /ParentTree though content has MCIDs
    lang_values: tuple[tuple[str, str], ...] = ()  # every /Lang: (where, value)
    # page content
    marked_text: bool = False  # some marked content with an MCID shows text
    runs: tuple[Run, ...] = ()  # every string shown in marked content with an MCID, by marked content
    misplaced: tuple[MisplacedContent, ...] = ()  # by page
    unreadable_pages: tuple[tuple[int, str], ...] = ()  # (page, error)
    fonts: tuple[Font, ...] = ()  # in the order first met; fonts only in page resources last
    smallest_text: TextSample | None = None  # size in pt
    lowest_contrast: TextSample | None = None  # contrast ratio against white
    skewed_text: tuple[tuple[int, str], ...] = ()  # (page, sample) of text slanted by its matrix
    # annotations
    annotated_pages: tuple[AnnotatedPage, ...] = ()
    links: tuple[Link, ...] = ()


def gather(data: bytes) -> Facts:
    header = data[:9]
    if not data.startswith(b"%PDF-"):
        return Facts(header=header, opened=False)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError) as err:
        return Facts(header=header, opened=False, read_error=str(err))
    with pdf:
        return _read(pdf, header)


def _read(pdf: pikepdf.Pdf, header: bytes) -> Facts:
    cat = pdf.Root
    mark = cat.get("/MarkInfo")
    mark = mark if isinstance(mark, pikepdf.Dictionary) else pikepdf.Dictionary()
    prefs = cat.get("/ViewerPreferences")
    shown = prefs.get("/DisplayDocTitle") if isinstance(prefs, pikepdf.Dictionary) else None
    catalog_lang = str(cat.Lang) if cat.get("/Lang") is not None else None
    xmp_problem, xmp = _read_xmp(cat.get("/Metadata"))
    ours = {tag.split("}", 1)[1]: values[0].strip() for tag, values in xmp.items()
            if tag.startswith(f"{{{NS['leaflet']}}}") and values}
    lang = catalog_lang
    if ours.get("language") and not lang:
        lang = ours["language"]

    root = cat.get("/StructTreeRoot")
    root = root if isinstance(root, pikepdf.Dictionary) else None
    tree = walk_tree(root) if root is not None else Tree()
    content = ContentWalk()
    content.walk_pages(pdf)
    page_no = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    used = {(stream, mcid) for stream, mcids in content.used_mcids.items() for mcid in mcids}
    # Without a ParentTree no MCID maps to an element, so there is nothing to compare it with.
    parent_tree_missing = root is not None and root.get("/ParentTree") is None and bool(content.used_mcids)
    parent_tree = _parent_tree(pdf, root, tree, content, page_no) if root is not None and not parent_tree_missing \
        else None
    misplaced = sorted(content.misplaced.items(), key=lambda item: item[0][1])
    annotated_pages, links = _annotations(pdf, tree)
    return Facts(
        header=header, pages=len(pdf.pages), format=ours.get("format") or None, lang=lang,
        art_boxes=tuple(box(page.obj.get("/ArtBox")) for page in pdf.pages),
        marked=mark.get("/Marked") is True, suspects=mark.get("/Suspects") is True,
        struct_tree=root is not None,
        display_doc_title=shown if shown is None or isinstance(shown, bool) else str(shown),
        catalog_lang=catalog_lang,
        xmp_problem=xmp_problem, pdfuaid_parts=tuple(xmp.get(f"{{{NS['pdfuaid']}}}part", [])),
        dc_titles=tuple(xmp.get(f"{{{NS['dc']}}}title", [])),
        rolemap=tuple(tree.rolemap), role_chains=tuple(tree.role_chains.values()),
        elements=tuple(_element(el, content, page_no, used) for el in tree.elements),
        bad_parents=tuple(tree.bad_parents), pageless_marks=tuple(tree.pageless_marks),
        parent_tree=parent_tree, parent_tree_missing=parent_tree_missing,
        lang_values=tuple(([("the catalog", catalog_lang)] if catalog_lang is not None else [])
                          + tree.lang_values + content.lang_values),
        misplaced=tuple(MisplacedContent(kind, page, len(what), what[0]) for (kind, page), what in misplaced),
        marked_text=bool(content.mcid_has_text), runs=tuple(run for runs in content.runs.values() for run in runs),
        unreadable_pages=tuple(content.unreadable),
        fonts=tuple(font.freeze() for font in _all_fonts(pdf, content)),
        smallest_text=content.measures.smallest, lowest_contrast=content.measures.lowest_contrast,
        skewed_text=tuple(content.measures.skewed),
        annotated_pages=annotated_pages, links=links)


def _read_xmp(stream) -> tuple[str | None, dict[str, list[str]]]:
    """Why the XMP cannot be read (or None), and its properties: tag → values."""
    if not isinstance(stream, pikepdf.Stream):
        return "the catalog has no /Metadata stream", {}
    try:
        root = ET.fromstring(stream.read_bytes())
    except (ET.ParseError, pikepdf.PdfError) as err:
        return f"the XMP metadata cannot be read: {err}", {}
    props: dict[str, list[str]] = defaultdict(list)
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for attribute, value in desc.attrib.items():
            props[attribute].append(value)
        for child in desc:
            items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
            props[child.tag].extend(items or [child.text or ""])
    return None, props


def _all_fonts(pdf: pikepdf.Pdf, content: ContentWalk) -> list[LoadedFont]:
    """The fonts the walk met, then those only in page resources (they may be used elsewhere)."""
    fonts = dict(content.fonts)
    for number, page in enumerate(pdf.pages, 1):
        resources = inherited(page.obj, "/Resources")
        in_resources = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(in_resources, pikepdf.Dictionary):
            for label, font in in_resources.items():
                if isinstance(font, pikepdf.Dictionary) and key(font) not in fonts:
                    fonts[key(font)] = load_font(label, font, number)
    return list(fonts.values())


def _element(el: TreeElement, content: ContentWalk, page_no: dict[Key, int], used: set[tuple[Key, int]]) -> Element:
    page = str(page_no[el.page]) if el.page in page_no else \
        next((str(content.content_page[c]) for c, _ in el.marks if c in content.content_page), "?")
    return Element(
        obj=el.key[0], role=el.role, type=el.type, page=page, lang=el.effective_lang(),
        text="".join("".join(content.mcid_text.get(mark, [])) for mark in el.marks),
        has_text=any(mark in content.mcid_has_text for mark in el.marks),
        alt=text(el.obj.get("/Alt")), actual_text=text(el.obj.get("/ActualText")), bbox=_bbox(el.obj),
        runs=tuple(run for mark in el.marks for run in content.runs.get(mark, [])),
        painted=functools.reduce(union, (content.painted.get(mark) for mark in el.marks), None),
        marks=tuple(ElementMark(f"page {page_no[c]}" if c in page_no else f"obj {c[0]}", mcid, (c, mcid) in used)
                    for c, mcid in el.marks))


def _bbox(obj: pikepdf.Dictionary) -> Box | None:
    for attrs in kids(obj.get("/A")):
        found = box(attrs.get("/BBox")) if isinstance(attrs, pikepdf.Dictionary) else None
        if found is not None:
            return found
    return None


def _parent_tree(pdf: pikepdf.Pdf, root: pikepdf.Dictionary, tree: Tree, content: ContentWalk,
                 page_no: dict[Key, int]) -> ParentTree:
    numbers: dict[int, pikepdf.Object] = {}

    def read(node, depth: int) -> None:
        if not isinstance(node, pikepdf.Dictionary) or depth > 32:
            return
        nums = list(node.get("/Nums", []))
        for i in range(0, len(nums) - 1, 2):
            numbers[int(num(nums[i]))] = nums[i + 1]
        for kid in node.get("/Kids", []):
            read(kid, depth + 1)
    read(root.get("/ParentTree"), 0)

    claims: list[tuple[str, int]] = []
    for number, page in enumerate(pdf.pages, 1):
        if "/StructParents" in page.obj:
            claims.append((f"page {number}", int(num(page.obj.StructParents))))
        for annot in kids(page.obj.get("/Annots")):
            if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                claims.append((f"an annotation on page {number}", int(num(annot.StructParent))))
    for stream, owner in content.owners.items():
        if stream not in page_no and "/StructParents" in owner:
            claims.append((f"form XObject obj {stream[0]}", int(num(owner.StructParents))))

    streams = []
    for stream, mcids in content.used_mcids.items():
        owner = content.owners[stream]
        struct_parents = int(num(owner.StructParents)) if "/StructParents" in owner else None
        entry = numbers.get(struct_parents) if struct_parents is not None else None
        listed = isinstance(entry, pikepdf.Array)
        streams.append(MarkedStream(
            content.content_page[stream], None if stream in page_no else stream[0], tuple(mcids),
            struct_parents, listed,
            tuple(_entry(entry, stream, mcid, tree) for mcid in sorted(set(mcids))) if listed else ()))
    next_key = root.get("/ParentTreeNextKey")
    return ParentTree(tuple(claims), tuple(streams), max(numbers) if numbers else None,
                      int(num(next_key)) if next_key is not None else None)


def _entry(entry: pikepdf.Array, stream: Key, mcid: int, tree: Tree) -> ParentTreeEntry:
    target = entry[mcid] if 0 <= mcid < len(entry) else None
    if not isinstance(target, pikepdf.Dictionary):
        return ParentTreeEntry(mcid)
    element = tree.by_key.get(key(target))
    if element is None:
        return ParentTreeEntry(mcid, target.objgen[0])
    return ParentTreeEntry(mcid, element.key[0], True, element.role, (stream, mcid) in element.marks)


def _annotations(pdf: pikepdf.Pdf, tree: Tree) -> tuple[tuple[AnnotatedPage, ...], tuple[Link, ...]]:
    holders = {objr: el for el in tree.elements for objr in el.objrs}
    pages: list[AnnotatedPage] = []
    links: list[Link] = []
    for number, page in enumerate(pdf.pages, 1):
        annots = [a for a in kids(page.obj.get("/Annots")) if isinstance(a, pikepdf.Dictionary)]
        if not annots:
            continue
        tabs = page.obj.get("/Tabs")
        pages.append(AnnotatedPage(number, len(annots), str(tabs) if tabs is not None else None))
        for annot in annots:
            if name(annot.get("/Subtype")) == "Link":
                el = holders.get(key(annot))
                links.append(Link(number, annot.objgen[0], el.role if el else None, el.type if el else None,
                                  text(annot.get("/Contents"))))
    return tuple(pages), tuple(links)
