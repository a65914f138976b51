"""Merging tagged PDFs: tagged PDFs in, one tagged PDF out.

`merge_tagged` is a pure function. pypdf appends the pages, bookmarks and
annotations but drops the structure tree, so the tree is copied here: one
Document, one Part per input, every element cloned with its page references
pointing at the merged pages, and the ParentTree numbered anew in document
order. Equal objects (fonts of repeated leaflets) are stored once, found in
one pass. An overlay PDF (the pack page numbers, pagination.py) can be laid
over the merged pages. pypdf's private names stay in this module.
"""
from __future__ import annotations

import gc
import io
from dataclasses import dataclass, field
from datetime import date

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .metadata import xmp
from .pagination import add_blank_page, lay_over_and_save
from .plan import DocInfo


@dataclass(frozen=True)
class TaggedPDF:
    """A PDF read once: what a pack's contents page needs of it, and its objects for the merge."""
    data: bytes
    title: str
    pages: int
    created: date | None
    reader: PdfReader = field(repr=False, compare=False)


def read_tagged(data: bytes) -> TaggedPDF:
    reader = PdfReader(io.BytesIO(data))
    meta = reader.metadata
    created = meta.creation_date if meta is not None else None
    return TaggedPDF(data, str(meta.title) if meta is not None and meta.title else "", len(reader.pages),
                     created.date() if created is not None else None, reader)


@dataclass(frozen=True)
class PackPart:
    """One input of a pack."""
    pdf: bytes | TaggedPDF    # a tagged PDF (StructTreeRoot, MarkInfo, ParentTree)
    title: str                # its top-level bookmark and its Part's /T
    lang: str | None = None   # BCP 47; None takes the input's catalog /Lang
    odd_start: bool = True    # start on an odd (right-hand) page


def merge_tagged(parts: list[PackPart], info: DocInfo, overlay: bytes | None = None) -> bytes:
    """Merge tagged PDFs into one tagged PDF described by `info`; the same inputs give the same bytes.

    `overlay`, a PDF with a page per merged page holding only artifacts, is drawn over them, page by page.
    """
    if not parts:
        raise ValueError("a pack needs at least one part")
    # pypdf makes many small objects, all alive until the pack is written: the
    # cyclic collector would walk them again and again, with nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _merge(parts, info, overlay)
    finally:
        if collecting:
            gc.enable()


def _merge(parts: list[PackPart], info: DocInfo, overlay: bytes | None) -> bytes:
    writer = PdfWriter()
    tree = _StructureBuilder(writer, info.title)
    used: set[int] = set()
    count = 0
    for part in parts:
        reader = _reader(part.pdf, used)
        if part.odd_start and count % 2 == 1:
            add_blank_page(writer)
            count += 1
        writer.append(reader, outline_item=part.title, import_outline=True)
        pages = list(writer.pages[count:])
        count += len(pages)
        tree.add_part(reader, pages, part)
    tree.finish()

    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(info.lang)
    root[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    pages = list(writer.pages)
    for page in pages:
        # Tab order follows the structure tree.
        page[NameObject("/Tabs")] = NameObject("/S")
    _set_metadata(writer, info)
    # pypdf raises the header to the highest input version; packs are 1.7.
    writer.pdf_header = "%PDF-1.7"
    keep_apart = [*tree.elements, *pages]
    keep_apart += [_dict(a) for page in pages for a in _as_list(page.get("/Annots"))]
    return _serialise(writer, keep_apart, overlay)


def _reader(pdf: bytes | TaggedPDF, used: set[int]) -> PdfReader:
    """The part's own reader; a fresh one for a PDF met again, which gets its own copies of pages and elements."""
    if isinstance(pdf, TaggedPDF):
        if id(pdf.reader) not in used:
            used.add(id(pdf.reader))
            return pdf.reader
        pdf = pdf.data
    return PdfReader(io.BytesIO(pdf))


# --- structure tree ---------------------------------------------------------

_TREE_LINKS = frozenset(("/P", "/K", "/Pg", "/Ref"))
_SHARED = frozenset((NameObject, NumberObject, FloatObject, BooleanObject, TextStringObject, ByteStringObject))
_P, _PG = NameObject("/P"), NameObject("/Pg")

class _StructureBuilder:
    """Collects the inputs' structure trees under one Document element."""

    def __init__(self, writer: PdfWriter, title: str) -> None:
        self.writer = writer
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = _register(writer, self.root)
        self.document = _element("/Document", self.root_ref)
        self.document[NameObject("/T")] = TextStringObject(title)
        self.document_ref = _register(writer, self.document)
        self.elements: list[DictionaryObject] = [self.document]
        self.role_map = DictionaryObject()
        self.class_map = DictionaryObject()
        # (merged page idnum, MCID) → owning element, for the ParentTree.
        self.mcid_owner: dict[tuple[int, int], IndirectObject] = {}
        # merged annotation idnum → owning element.
        self.annot_owner: dict[int, IndirectObject] = {}
        # For the part being copied: input page idnum → merged page, and
        # input /StructParent → merged annotation.
        self.page_map: dict[int, IndirectObject] = {}
        self.annot_map: dict[int, IndirectObject] = {}

    def add_part(self, reader: PdfReader, pages: list[PageObject], part: PackPart) -> None:
        if "/StructTreeRoot" not in reader.root_object:
            raise ValueError(f"part {part.title!r} is not tagged: no StructTreeRoot")
        old_root = _dict(reader.root_object["/StructTreeRoot"])
        self.page_map = {
            _ref(old).idnum: _ref(new) for old, new in zip(reader.pages, pages, strict=True)
        }
        self.annot_map = self._map_annotations(pages)

        tops = _as_list(old_root.get("/K"))
        lang = part.lang or _text(reader.root_object.get("/Lang"))
        if len(tops) == 1 and _dict(tops[0]).get("/S") == "/Document":
            # The input's own Document dissolves into its Part.
            doc_elem = _dict(tops[0])
            lang = lang or _text(doc_elem.get("/Lang"))
            tops = _as_list(doc_elem.get("/K"))

        part_elem = _element("/Part", self.document_ref)
        part_elem[NameObject("/T")] = TextStringObject(part.title)
        if lang:
            part_elem[NameObject("/Lang")] = TextStringObject(lang)
        part_ref = _register(self.writer, part_elem)
        self.elements.append(part_elem)
        self.document["/K"].append(part_ref)  # an array: made by `_element`
        kids = part_elem["/K"]
        for top in tops:
            kids.extend(self._copy_kid(top, part_ref, None))

        self._merge_map(self.role_map, old_root.get("/RoleMap"), "RoleMap", strict=True)
        self._merge_map(self.class_map, old_root.get("/ClassMap"), "ClassMap", strict=False)

    def _map_annotations(self, pages: list[PageObject]) -> dict[int, IndirectObject]:
        """Old /StructParent → cloned annotation, within one input.

        pypdf's clones keep the input's /StructParent, which would collide
        across inputs: it is removed here and given anew in `finish`.
        """
        found: dict[int, IndirectObject] = {}
        for page in pages:
            for annot_ref in _as_list(page.get("/Annots")):
                annot = _dict(annot_ref)
                key = annot.get("/StructParent")
                if key is not None:
                    if isinstance(annot_ref, IndirectObject):
                        found[_int(key)] = annot_ref
                    del annot[NameObject("/StructParent")]
        return found

    def _copy_kid(
        self, kid: PdfObject, parent_ref: IndirectObject, page: IndirectObject | None
    ) -> list[PdfObject]:
        """Copy one /K entry; `page` is the merged page of the parent's /Pg."""
        obj = kid.get_object()
        if isinstance(obj, NumberObject):  # an MCID on the parent's page
            if page is None:
                raise ValueError("an MCID without a page (/Pg) in the structure tree")
            self.mcid_owner[(page.idnum, int(obj))] = parent_ref
            return [NumberObject(int(obj))]
        if not isinstance(obj, DictionaryObject):
            return []
        kind = obj.get("/Type")
        if kind == "/MCR" or ("/MCID" in obj and "/S" not in obj):
            if "/Stm" in obj:
                raise ValueError("marked content in form XObjects (MCR /Stm) is not supported")
            mcr_page = self._page(obj.get("/Pg")) or page
            if mcr_page is None:
                raise ValueError("a marked-content reference without a page")
            mcid = _int(obj["/MCID"])
            self.mcid_owner[(mcr_page.idnum, mcid)] = parent_ref
            return [DictionaryObject({
                NameObject("/Type"): NameObject("/MCR"),
                NameObject("/Pg"): mcr_page,
                NameObject("/MCID"): NumberObject(mcid),
            })]
        if kind == "/OBJR" or "/Obj" in obj:
            return self._copy_objr(obj, parent_ref, page)
        return [self._copy_element(obj, parent_ref)]

    def _copy_element(self, old: DictionaryObject, parent_ref: IndirectObject) -> IndirectObject:
        # Clone every key but the links into the tree and the pages, which
        # are set to the new parent and the merged pages instead. /Ref (PDF
        # 2.0) points into the input's tree and would drag a copy of all of
        # it along: it is left out.
        # Names, numbers and strings are never changed in place: they are shared, not cloned.
        new = DictionaryObject({
            key: value if type(value) in _SHARED else value.clone(self.writer)
            for key, value in old.items()
            if key not in _TREE_LINKS
        })
        new[_P] = parent_ref
        ref = _register(self.writer, new)
        self.elements.append(new)
        page = self._page(old.get("/Pg"))
        if page is not None:
            new[_PG] = page
        kids: list[PdfObject] = []
        for kid in _as_list(old.get("/K")):
            kids += self._copy_kid(kid, ref, page)
        if kids:
            new[NameObject("/K")] = kids[0] if len(kids) == 1 else ArrayObject(kids)
        return ref

    def _copy_objr(
        self, old: DictionaryObject, parent_ref: IndirectObject, page: IndirectObject | None
    ) -> list[PdfObject]:
        target = _dict(old["/Obj"])
        key = target.get("/StructParent")
        annot = self.annot_map.get(_int(key)) if key is not None else None
        if annot is None:
            if "/Rect" in target:  # an annotation the merge left out
                return []
            raise ValueError("object references to non-annotations are not supported")
        self.annot_owner[annot.idnum] = parent_ref
        objr = DictionaryObject({
            NameObject("/Type"): NameObject("/OBJR"),
            NameObject("/Obj"): annot,
        })
        objr_page = self._page(old.get("/Pg")) or page
        if objr_page is not None:
            objr[NameObject("/Pg")] = objr_page
        return [objr]

    def _page(self, old: PdfObject | None) -> IndirectObject | None:
        if not isinstance(old, IndirectObject):
            return None
        return self.page_map.get(old.idnum)

    def _merge_map(
        self, into: DictionaryObject, source: PdfObject | None, what: str, *, strict: bool
    ) -> None:
        if source is None:
            return
        for key, value in _dict(source).items():
            if key not in into:
                into[NameObject(key)] = value.clone(self.writer)
            elif strict and into[key] != value:
                raise ValueError(f"{what} maps {key} to both {into[key]} and {value}")

    def finish(self) -> None:
        """Number pages and annotations in document order; write the tree root."""
        by_page: dict[int, dict[int, IndirectObject]] = {}
        for (page_id, mcid), owner in self.mcid_owner.items():
            by_page.setdefault(page_id, {})[mcid] = owner
        nums = ArrayObject()
        key = 0
        for page in self.writer.pages:
            owners = by_page.get(_ref(page).idnum)
            if not owners:
                continue
            page[NameObject("/StructParents")] = NumberObject(key)
            nums += [NumberObject(key), ArrayObject(
                owners.get(mcid, NullObject()) for mcid in range(max(owners) + 1))]
            key += 1
        for page in self.writer.pages:
            for annot_ref in _as_list(page.get("/Annots")):
                elem = (self.annot_owner.get(annot_ref.idnum)
                        if isinstance(annot_ref, IndirectObject) else None)
                if elem is not None:
                    _dict(annot_ref)[NameObject("/StructParent")] = NumberObject(key)
                    nums += [NumberObject(key), elem]
                    key += 1

        self.root[NameObject("/K")] = self.document_ref
        self.root[NameObject("/ParentTree")] = _register(
            self.writer, DictionaryObject({NameObject("/Nums"): nums}))
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(key)
        if self.role_map:
            self.root[NameObject("/RoleMap")] = self.role_map
        if self.class_map:
            self.root[NameObject("/ClassMap")] = self.class_map
        self.writer.root_object[NameObject("/StructTreeRoot")] = self.root_ref


def _element(kind: str, parent: IndirectObject) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"),
        NameObject("/S"): NameObject(kind),
        NameObject("/P"): parent,
        NameObject("/K"): ArrayObject(),
    })


def _dict(obj: PdfObject | None) -> DictionaryObject:
    """The dictionary an entry holds or points at."""
    value = obj.get_object() if obj is not None else None
    if not isinstance(value, DictionaryObject):
        raise ValueError(f"expected a dictionary, found {value!r}")
    return value


def _int(obj: PdfObject) -> int:
    value = obj.get_object()
    if not isinstance(value, int):
        raise ValueError(f"expected an integer, found {value!r}")
    return int(value)


def _ref(obj: PdfObject) -> IndirectObject:
    ref = obj.indirect_reference
    if ref is None:
        raise ValueError("expected an indirect object")
    return ref


def _as_list(value: PdfObject | None) -> list[PdfObject]:
    obj = value.get_object() if value is not None else None
    return [] if obj is None else list(obj) if isinstance(obj, ArrayObject) else [value]


def _text(value: PdfObject | None) -> str | None:
    return str(value.get_object()) if value is not None else None


def _register(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    # pypdf has no public call that makes a new object indirect.
    return writer._add_object(obj)


# --- metadata and output ----------------------------------------------------

def _set_metadata(writer: PdfWriter, info: DocInfo) -> None:
    """Info and XMP say the same, as in every PDF the project makes."""
    writer.metadata = {key: value for key, value in (("/Title", info.title), ("/Author", info.author),
                                                     ("/Subject", info.subject)) if value}
    stream = StreamObject()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    stream.set_data(xmp(info))
    writer.root_object[NameObject("/Metadata")] = _register(writer, stream)


def _serialise(writer: PdfWriter, keep_apart: list[DictionaryObject], overlay: bytes | None) -> bytes:
    """Write with identical objects merged, the overlay drawn, in object streams, with a fixed /ID."""
    _share_identical(writer, keep_apart)
    raw = io.BytesIO()
    writer.write(raw)
    return lay_over_and_save(raw.getvalue(), overlay)


def _share_identical(writer: PdfWriter, keep_apart: list[DictionaryObject]) -> None:
    """Store once each object that equals another (compared as pypdf compares them), such as font subsets.

    One pass, bottom-up from the trailer: an object is compared once its references point at what they
    were found equal to, so a font file, its descriptor and its font merge at once. `keep_apart` objects
    (pages, annotations, elements: two copies of an untagged link look alike) never merge.
    """
    objects = writer._objects
    apart = {id(obj) for obj in keep_apart}
    # idnum → the reference that replaces it; absent while its own references are being resolved.
    canon: dict[int, IndirectObject] = {}
    seen: dict[tuple[str, bytes], IndirectObject] = {}
    slots: dict[int, list[tuple[PdfObject, object, IndirectObject]]] = {}
    late = []  # references into a cycle, set at the end
    roots = [writer.root_object.indirect_reference, writer._info_obj]
    stack = [(ref.idnum, False) for ref in reversed(roots) if ref is not None]
    while stack:
        idnum, below_done = stack.pop()
        if below_done:
            obj = objects[idnum - 1]
            for holder, key, ref in slots.pop(idnum):
                new = canon.get(ref.idnum)
                if new is None:
                    late.append((holder, key, ref))
                elif new.idnum != ref.idnum:
                    holder[key] = new
            ref = obj.indirect_reference
            canon[idnum] = ref if id(obj) in apart else seen.setdefault(
                (type(obj).__name__, obj.hash_value_data()), ref)
            continue
        if idnum in slots or idnum in canon:
            continue
        found: list[tuple[PdfObject, object, IndirectObject]] = []
        _references(objects[idnum - 1], found)
        slots[idnum] = found
        stack.append((idnum, True))
        stack += [(ref.idnum, False) for _, _, ref in reversed(found)
                  if ref.idnum not in canon and ref.idnum not in slots]
    for holder, key, ref in late:
        holder[key] = canon[ref.idnum]
    for i, obj in enumerate(objects):
        new = canon.get(i + 1)
        if obj is not None and (new is None or new.idnum != i + 1):
            objects[i] = None


def _references(obj: PdfObject, found: list[tuple[PdfObject, object, IndirectObject]]) -> None:
    """Each reference in `obj` and its direct parts, as (holder, key, reference)."""
    items = obj.items() if isinstance(obj, DictionaryObject) else enumerate(obj) \
        if isinstance(obj, ArrayObject) else ()
    for key, value in items:
        if isinstance(value, IndirectObject):
            found.append((obj, key, value))
        elif isinstance(value, (DictionaryObject, ArrayObject)):
            _references(value, found)
