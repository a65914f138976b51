"""PDF/UA-1 rules that apply to every PDF, in Matterhorn Protocol order (as reports list them)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .content import ARTIFACT_IN_ELEMENT, ELEMENT_IN_ARTIFACT, UNMARKED
from .facts import Element, Facts, Font, MarkedStream
from .pdf import sample
from .rules import Outcomes, Problem, rule
from .tree import STANDARD_TYPES

# BCP 47 language tag: language[-extlang][-script][-region](-variant)*(-extension)*[-privateuse]
BCP47 = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+)$")


def _where(stream: MarkedStream) -> str:
    return f"page {stream.page}" if stream.form is None else f"form XObject obj {stream.form} on page {stream.page}"


# --- the file and the catalog -------------------------------------------------

@rule("PDF:7.5.2", "pdf", "File header is %PDF-1.x",
      "Write a PDF 1.x header (ReportLab: pdfVersion=(1, 7); pypdf: writer.pdf_header).")
def file_header(facts: Facts) -> Outcomes:
    if not re.match(rb"%PDF-1\.\d", facts.header):
        yield Problem(f"the file starts {facts.header!r}, not %PDF-1.x")
    if facts.read_error is not None:
        yield Problem(f"cannot be read as a PDF: {facts.read_error}")


@rule("UA1:7.1", "pdf", "Tagged PDF: /MarkInfo /Marked true and a /StructTreeRoot",
      "Set /MarkInfo <</Marked true>> and /StructTreeRoot in the catalog.")
def tagged_pdf(facts: Facts) -> Outcomes:
    if not facts.marked:
        yield Problem("the catalog has no /MarkInfo <</Marked true>>")
    if not facts.struct_tree:
        yield Problem("the catalog has no /StructTreeRoot: nothing is tagged")


@rule("01-007", "pdf", "/MarkInfo /Suspects is not true",
      "Remove /Suspects or set it to false once the tags are right.")
def no_suspects(facts: Facts) -> Outcomes:
    if facts.marked and facts.suspects:
        yield Problem("/MarkInfo /Suspects is true")


# --- tagging and the ParentTree -------------------------------------------------

@rule("PDF:14.7.2", "pdf", "Every structure element has a parent (/P) whose /K holds it",
      "Set each element's /P to the element (or StructTreeRoot) whose /K lists it.")
def elements_have_parents(facts: Facts) -> Outcomes:
    for bad in facts.bad_parents:
        if bad.twice:
            yield Problem(f"element obj {bad.obj} appears twice in the tree")
        else:
            found = "no /P" if bad.parent is None else f"/P obj {bad.parent}"
            yield Problem(f"{bad.role} element obj {bad.obj} is in the /K of {bad.holder} but has {found}")
    for stream in facts.parent_tree.streams if facts.parent_tree else ():
        for entry in stream.entries:
            if entry.target is not None and not entry.in_tree:
                yield Problem(f"{_where(stream)}: MCID {entry.mcid} maps to element obj {entry.target}, "
                              "which is not in the structure tree")


def _misplaced(facts: Facts, kind: str, what: str) -> Outcomes:
    for content in facts.misplaced:
        if content.kind == kind:
            yield Problem(f"page {content.page}: {content.count} object(s) {what}, first {content.first}")


@rule("01-003", "pdf", "No artifact inside tagged content",
      "Close the element's marked content (EMC) before opening /Artifact.")
def no_artifact_in_element(facts: Facts) -> Outcomes:
    yield from _misplaced(facts, ARTIFACT_IN_ELEMENT, "marked as an artifact inside an element's marked content")


@rule("01-004", "pdf", "No tagged content inside an artifact",
      "Close the /Artifact sequence (EMC) before opening an element's marked content.")
def no_element_in_artifact(facts: Facts) -> Outcomes:
    yield from _misplaced(facts, ELEMENT_IN_ARTIFACT, "tagged inside an /Artifact sequence")


@rule("01-005", "pdf", "All content is tagged (MCID mapped through the ParentTree) or an artifact",
      "Wrap the content in BDC…EMC with an MCID listed in the ParentTree, or in /Artifact BDC…EMC.")
def all_content_tagged(facts: Facts) -> Outcomes:
    for page, error in facts.unreadable_pages:
        yield Problem(f"page {page}: its content cannot be read ({error})")
    yield from _misplaced(facts, UNMARKED, "neither tagged nor an artifact")
    if facts.parent_tree_missing:
        yield Problem("the StructTreeRoot has no /ParentTree: no MCID maps to an element")
    for stream in facts.parent_tree.streams if facts.parent_tree else ():
        if stream.struct_parents is None:
            yield Problem(f"{_where(stream)} has marked content (MCIDs {min(stream.mcids)}–{max(stream.mcids)}) "
                          "but no /StructParents, so none of it maps to an element")
        elif not stream.listed:
            yield Problem(f"{_where(stream)}: the ParentTree has no array for /StructParents {stream.struct_parents}")
        for entry in stream.entries:
            if entry.target is None:
                yield Problem(f"{_where(stream)}: MCID {entry.mcid} maps to no element in the ParentTree")


@rule("PDF:14.7.4.4", "pdf", "ParentTree agrees with the elements; /StructParents unique",
      "Give each page its own /StructParents and list, by MCID, the element whose /K holds it.")
def parent_tree_agrees(facts: Facts) -> Outcomes:
    for mark in facts.pageless_marks:
        if mark.mcid is None:
            yield Problem(f"an MCR in {mark.role} element obj {mark.obj} has no /Pg")
        else:
            yield Problem(f"{mark.role} element obj {mark.obj} holds MCID {mark.mcid} but has no /Pg")
    tree = facts.parent_tree
    if tree is None:
        return
    owners: dict[int, str] = {}
    for who, value in tree.claims:
        if value in owners:
            yield Problem(f"{who} and {owners[value]} share /StructParents {value}")
        else:
            owners[value] = who
    for stream in tree.streams:
        seen: set[int] = set()
        for mcid in stream.mcids:
            if mcid in seen:
                yield Problem(f"{_where(stream)}: MCID {mcid} is used twice")
            seen.add(mcid)
        for entry in stream.entries:
            if entry.in_tree and not entry.holds:
                yield Problem(f"{_where(stream)}: the ParentTree gives MCID {entry.mcid} to {entry.role} "
                              f"obj {entry.target}, whose /K does not hold it")
    for el in facts.elements:
        for mark in el.marks:
            if not mark.found:
                yield Problem(f"{el.role} element obj {el.obj} holds MCID {mark.mcid} on {mark.where}, "
                              "which has no such marked content")
    if tree.largest_key is not None and (tree.next_key is None or tree.next_key <= tree.largest_key):
        yield Problem(f"/ParentTreeNextKey is {tree.next_key}, not above the largest key {tree.largest_key}",
                      "warning")


# --- role mapping ------------------------------------------------------------------

def _circular(chain: tuple[str, ...]) -> bool:
    return chain[-1] in chain[:-1]


@rule("02-001", "pdf", "Non-standard structure types are role-mapped to standard ones",
      "Use standard types, or map each other type in /RoleMap to a standard type.")
def types_are_standard(facts: Facts) -> Outcomes:
    for chain in facts.role_chains:
        if chain[-1] not in STANDARD_TYPES and not _circular(chain):
            yield Problem(f"structure type /{chain[0]} is not standard and its mapping "
                          f"({' → '.join(chain)}) ends without a standard type")


@rule("02-003", "pdf", "No circular role mapping", "Break the cycle in /RoleMap.")
def no_circular_mapping(facts: Facts) -> Outcomes:
    for chain in facts.role_chains:
        if _circular(chain):
            yield Problem(f"role mapping of /{chain[0]} is circular: {' → '.join(chain)}")


@rule("02-004", "pdf", "Standard structure types are not remapped", "Remove the standard type from /RoleMap.")
def standard_types_kept(facts: Facts) -> Outcomes:
    for role, target in facts.rolemap:
        if role in STANDARD_TYPES:
            yield Problem(f"/RoleMap remaps the standard type /{role} to /{target}")


# --- metadata and title --------------------------------------------------------------

@rule("06-001", "pdf", "XMP metadata stream in the catalog", "Add /Metadata with an XMP packet to the catalog.")
def xmp_present(facts: Facts) -> Outcomes:
    if facts.xmp_problem is not None:
        yield Problem(facts.xmp_problem)


@rule("06-002", "pdf", "XMP has pdfuaid:part 1", "Add <pdfuaid:part>1</pdfuaid:part> to the XMP.")
def xmp_pdfua_part(facts: Facts) -> Outcomes:
    if facts.xmp_problem is not None:
        return
    if not facts.pdfuaid_parts:
        yield Problem("the XMP has no pdfuaid:part")
    elif [p.strip() for p in facts.pdfuaid_parts] != ["1"]:
        yield Problem(f"pdfuaid:part is {', '.join(facts.pdfuaid_parts)}, not 1")


@rule("06-003", "pdf", "XMP has dc:title", "Add dc:title (rdf:Alt, x-default) to the XMP.")
def xmp_title(facts: Facts) -> Outcomes:
    if facts.xmp_problem is None and not any(t.strip() for t in facts.dc_titles):
        yield Problem("the XMP has no dc:title, or an empty one")


@rule("07-001", "pdf", "/ViewerPreferences has /DisplayDocTitle",
      "Set /ViewerPreferences <</DisplayDocTitle true>> in the catalog.")
def display_doc_title_set(facts: Facts) -> Outcomes:
    if facts.display_doc_title is None:
        yield Problem("/ViewerPreferences has no /DisplayDocTitle")


@rule("07-002", "pdf", "/DisplayDocTitle is true", "Set /DisplayDocTitle to true.")
def display_doc_title_true(facts: Facts) -> Outcomes:
    if facts.display_doc_title is not None and facts.display_doc_title is not True:
        yield Problem(f"/DisplayDocTitle is {facts.display_doc_title}")


# --- language, figures, headings ----------------------------------------------------

@rule("11-001", "pdf", "Language of all text known: /Lang on the catalog or on every element "
      "with text, each a valid BCP 47 tag",
      "Set /Lang on the catalog (e.g. (en)) and use BCP 47 tags such as en, ur, pt-BR.")
def language_known(facts: Facts) -> Outcomes:
    for where, value in facts.lang_values:
        if not BCP47.match(value):
            yield Problem(f"{where}: /Lang ({value}) is not a valid BCP 47 tag")
    if facts.catalog_lang is not None:
        return
    for el in facts.elements:
        if el.has_text and not el.lang:
            yield Problem(f"no /Lang on the catalog, and {el.role} element obj {el.obj} "
                          f"(page {el.page}, \"{sample(el.text)}\") has text but no /Lang")
    if not facts.elements and facts.marked_text:
        yield Problem("no /Lang on the catalog")


@rule("13-004", "pdf", "Figures have /Alt or /ActualText",
      "Give every Figure an /Alt describing the picture, or mark a decorative one as an artifact.")
def figures_described(facts: Facts) -> Outcomes:
    for el in facts.elements:
        described = el.alt or el.actual_text
        if el.type == "Figure" and not (described and described.strip()):
            yield Problem(f"Figure obj {el.obj} on page {el.page} has no /Alt or /ActualText")


def _headings(elements: tuple[Element, ...]) -> Iterator[tuple[Element, int, int]]:
    """Each heading, its level, and the level of the heading before it (0: it is the first)."""
    before = 0
    for el in elements:
        match = re.fullmatch(r"H([1-6])", el.type)
        if match:
            yield el, int(match.group(1)), before
            before = int(match.group(1))


@rule("14-002", "pdf", "The first heading is H1", "Make the first heading (the title) H1.")
def first_heading_h1(facts: Facts) -> Outcomes:
    for el, level, before in _headings(facts.elements):
        if not before and level != 1:
            yield Problem(f"the first heading is {el.type} (obj {el.obj}, page {el.page}), not H1")


@rule("14-003", "pdf", "No heading level is skipped", "Use the next level down (H1, then H2, then H3).")
def no_level_skipped(facts: Facts) -> Outcomes:
    for el, level, before in _headings(facts.elements):
        if before and level > before + 1:
            yield Problem(f"{el.type} (obj {el.obj}, page {el.page}, \"{sample(el.text)}\") follows H{before}")


# --- annotations ---------------------------------------------------------------------

@rule("28-008", "pdf", "Pages with annotations have /Tabs", "Set /Tabs /S on the page.")
def tabs_set(facts: Facts) -> Outcomes:
    for page in facts.annotated_pages:
        if page.tabs is None:
            yield Problem(f"page {page.number} has {page.annotations} annotation(s) but no /Tabs")


@rule("28-009", "pdf", "/Tabs is /S on pages with annotations", "Set /Tabs /S on the page.")
def tabs_structure_order(facts: Facts) -> Outcomes:
    for page in facts.annotated_pages:
        if page.tabs is not None and page.tabs != "/S":
            yield Problem(f"page {page.number}: /Tabs is {page.tabs}, not /S")


@rule("28-011", "pdf", "Link annotations are tagged: an OBJR in a Link element",
      "Add an OBJR to the annotation in a Link element and a /StructParent on the annotation.")
def links_tagged(facts: Facts) -> Outcomes:
    for link in facts.links:
        if link.element_type != "Link":
            where = "no element" if link.element_role is None else f"a {link.element_role} element"
            yield Problem(f"page {link.page}: Link annotation obj {link.obj} is in {where}, not a Link element")


@rule("28-012", "pdf", "Link annotations have /Contents", "Set /Contents to a description of the link's target.")
def links_described(facts: Facts) -> Outcomes:
    for link in facts.links:
        if not (link.contents and link.contents.strip()):
            yield Problem(f"page {link.page}: Link annotation obj {link.obj} has no /Contents")


# --- fonts -----------------------------------------------------------------------------

def _font_problem(font: Font, message: str) -> Problem:
    """A font that shows no text is only warned about: it may be used elsewhere."""
    if font.used:
        return Problem(message)
    return Problem(message + " (it shows no text, but sits in the page resources)", "warning")


@rule("31-009", "pdf", "Fonts are embedded",
      "Embed the font program (FontFile2 for TrueType); do not leave Helvetica in the resources.")
def fonts_embedded(facts: Facts) -> Outcomes:
    for font in facts.fonts:
        if not font.embedded:
            yield _font_problem(font, f"page {font.first_page}: font {font.label} is not embedded")


@rule("31-027", "pdf", "Fonts have /ToUnicode", "Write a ToUnicode CMap for the font.")
def fonts_have_to_unicode(facts: Facts) -> Outcomes:
    for font in facts.fonts:
        if font.mapped_codes is None:
            yield _font_problem(font, f"page {font.first_page}: font {font.label} has no /ToUnicode")


def _bad_unicode(facts: Facts, values: set[str]) -> Outcomes:
    for font in facts.fonts:
        bad = {code: value for code, value in font.bad_codes if value in values}
        shown = sorted(c for c in bad if c in font.used_codes)
        if shown:
            values = ", ".join(sorted({bad[c] for c in shown}))
            yield Problem(f"font {font.label}: codes shown in text map to {values}: "
                          f"{', '.join(f'<{c:02X}>' for c in shown[:8])}")
        elif bad:
            codes = sorted(bad)
            yield Problem(f"font {font.label}: {len(codes)} unused code(s) map to "
                          f"{', '.join(sorted(set(bad.values())))} (<{codes[0]:02X}>…<{codes[-1]:02X}>); "
                          "no text shows them, but PDF/UA-1 7.21.7 asks that no entry does "
                          "(ReportLab fills unused subset slots this way)", "warning")


@rule("31-028", "pdf", "No ToUnicode value is U+0000", "Map every character code to its real character.")
def no_unicode_null(facts: Facts) -> Outcomes:
    yield from _bad_unicode(facts, {"U+0000"})


@rule("31-029", "pdf", "No ToUnicode value is U+FEFF or U+FFFE", "Map every character code to its real character.")
def no_unicode_byte_order_mark(facts: Facts) -> Outcomes:
    yield from _bad_unicode(facts, {"U+FEFF", "U+FFFE"})


@rule("10-001", "pdf", "Every character code shown maps to Unicode",
      "Add the missing codes to the font's ToUnicode CMap.")
def codes_map_to_unicode(facts: Facts) -> Outcomes:
    for font in facts.fonts:
        missing = sorted(font.used_codes - font.mapped_codes) if font.mapped_codes is not None else []
        if missing:
            yield Problem(f"font {font.label}: codes {', '.join(f'<{c:02X}>' for c in missing[:8])} "
                          "are shown but not in its ToUnicode")
