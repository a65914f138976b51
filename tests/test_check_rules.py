"""Unit tests for the checker's rules (leaflets/check/rules*.py), each on hand-built Facts: no PDF.

`facts(**changes)` is a small clean leaflet (a title, a picture, a row of words)
that passes every rule; each test changes what its rule looks at.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from leaflets.check.content import ARTIFACT_IN_ELEMENT, ELEMENT_IN_ARTIFACT, UNMARKED
from leaflets.check.facts import (AnnotatedPage, BadParent, Element, ElementMark, Facts, Font, Link, MarkedStream,
                                  MisplacedContent, PagelessMark, ParentTree, ParentTreeEntry, Run, TextSample)
from leaflets.check.rules import MAX_MESSAGES, RULES, SCOPES, Finding, Note, Problem, apply_rules
from leaflets.check.rules_reading import MM

TITLE = Element(obj=10, role="H1", type="H1", page="1", lang="en", text="Crafting connections", has_text=True,
                runs=(Run(1, 780.0, 72.0, 300.0, 0.0, "Crafting connections"),),
                marks=(ElementMark("page 1", 0, True),))
PICTURE = Element(obj=11, role="Figure", type="Figure", page="1", alt="A baby smiling.",
                  bbox=(72.0, 600.0, 72.0 + 40 * MM, 600.0 + 40 * MM),
                  painted=(80.0, 600.0, 72.0 + 38 * MM, 600.0 + 40 * MM))  # artwork keeps its proportions
ROW = Element(obj=12, role="P", type="P", page="1", lang="en", text="Look at your baby.", has_text=True,
              runs=(Run(1, 560.0, 72.0, 250.0, 0.0, "Look at your baby."),), marks=(ElementMark("page 1", 1, True),))
FONT = Font("/F1+0 (AtkinsonHyperlegible-Regular)", first_page=1, embedded=True, italic=False, used=True,
            used_codes=frozenset({65, 66}), mapped_codes=frozenset({65, 66, 67}))
FRAME = (70.0, 56.0, 525.0, 785.0)  # the page's /ArtBox: the text frame
STREAM = MarkedStream(page=1, form=None, mcids=(0, 1), struct_parents=0, listed=True,
                      entries=(ParentTreeEntry(0, 10, True, "H1", True), ParentTreeEntry(1, 12, True, "P", True)))
CLEAN = Facts(
    header=b"%PDF-1.7\n", pages=1, art_boxes=(FRAME,), format="easy-read", lang="en", marked=True, struct_tree=True,
    display_doc_title=True, catalog_lang="en", pdfuaid_parts=("1",), dc_titles=("Crafting connections",),
    role_chains=(("H1",), ("Figure",), ("P",)), elements=(TITLE, PICTURE, ROW), runs=TITLE.runs + ROW.runs,
    parent_tree=ParentTree(claims=(("page 1", 0),), streams=(STREAM,), largest_key=0, next_key=1),
    lang_values=(("the catalog", "en"),), marked_text=True, fonts=(FONT,),
    smallest_text=TextSample(18.0, 1, "Look at your baby."), lowest_contrast=TextSample(21.0, 1, "Look"))

TESTED: set[str] = set()  # the checkpoints the tests below cover


def covers(*checkpoints: str) -> Callable:
    def mark(test: Callable) -> Callable:
        TESTED.update(checkpoints)
        return test
    return mark


def facts(**changes) -> Facts:
    return replace(CLEAN, **changes)


def outcomes(checkpoint: str, **changes) -> list[Problem | Note]:
    return list(RULES[checkpoint].check(facts(**changes)))


def errors(checkpoint: str, **changes) -> list[str]:
    return [o.message for o in outcomes(checkpoint, **changes) if isinstance(o, Problem) and o.severity == "error"]


def warnings(checkpoint: str, **changes) -> list[str]:
    return [o.message for o in outcomes(checkpoint, **changes) if isinstance(o, Problem) and o.severity == "warning"]


def note(checkpoint: str, **changes) -> str | None:
    return next((o.text for o in outcomes(checkpoint, **changes) if isinstance(o, Note)), None)


def el(obj: int, role: str, text: str = "", **fields) -> Element:
    return Element(obj=obj, role=role, type=fields.pop("type", role), page="1", text=text, **fields)


# --- the registry ---------------------------------------------------------------------

REPORT_ORDER = (
    "PDF:7.5.2", "UA1:7.1", "01-007", "PDF:14.7.2", "01-003", "01-004", "01-005", "PDF:14.7.4.4", "02-001",
    "02-003", "02-004", "06-001", "06-002", "06-003", "07-001", "07-002", "11-001", "13-004", "14-002", "14-003",
    "28-008", "28-009", "28-011", "28-012", "31-009", "31-027", "31-028", "31-029", "10-001", "1.4.6",
    "PDF:14.11.2", "LP-01", "LP-02", "LP-03", "ER-01", "ER-02", "ER-03", "ER-04", "ER-05")


def test_registry_lists_conditions_in_report_order():
    assert tuple(RULES) == REPORT_ORDER


def test_every_rule_has_a_unit_test():
    assert TESTED == set(RULES)


def test_scopes_are_every_pdf_and_our_two_formats():
    assert {r.scope for r in RULES.values()} == set(SCOPES) == {"pdf", "large-print", "easy-read"}
    assert all(r.title and r.fix for r in RULES.values())


@pytest.mark.parametrize("checkpoint", REPORT_ORDER)
def test_clean_facts_pass_every_rule(checkpoint):
    assert not [o for o in outcomes(checkpoint) if isinstance(o, Problem)]


def test_apply_rules_by_scope():
    findings, notes = apply_rules(facts(format="large-print", smallest_text=TextSample(12.0, 2, "Small")))
    assert [f.checkpoint for f in findings] == ["LP-01"]
    assert set(notes) == {"1.4.6", "PDF:14.11.2", "LP-01", "LP-03"}
    findings, notes = apply_rules(facts(format=None, smallest_text=TextSample(12.0, 2, "Small")))
    assert findings == [] and set(notes) == {"1.4.6", "PDF:14.11.2"}


def test_apply_rules_to_an_unreadable_file_judges_only_its_header():
    findings, notes = apply_rules(Facts(header=b"not a pdf", opened=False))
    assert findings == [Finding("PDF:7.5.2", "error", "the file starts b'not a pdf', not %PDF-1.x")]
    assert notes == {}


def test_apply_rules_caps_and_deduplicates_messages():
    misplaced = tuple(MisplacedContent(UNMARKED, page, 1, "a path") for page in range(1, 12))
    findings, _ = apply_rules(facts(misplaced=misplaced + misplaced[:1], unreadable_pages=((1, "bad"),),
                                    parent_tree=None, parent_tree_missing=True))
    messages = [f.message for f in findings if f.checkpoint == "01-005"]
    assert len(messages) == MAX_MESSAGES + 1
    assert messages[0] == "page 1: its content cannot be read (bad)"
    assert messages[-1] == "… and 5 more like these"  # 13 distinct messages: the repeated page counts once


# --- the file and the catalog -----------------------------------------------------------

@covers("PDF:7.5.2")
def test_file_header():
    assert errors("PDF:7.5.2", header=b"%PDF-2.0\n") == ["the file starts b'%PDF-2.0\\n', not %PDF-1.x"]
    assert errors("PDF:7.5.2", read_error="no trailer") == ["cannot be read as a PDF: no trailer"]


@covers("UA1:7.1")
def test_tagged_pdf():
    assert errors("UA1:7.1", marked=False, struct_tree=False) == [
        "the catalog has no /MarkInfo <</Marked true>>", "the catalog has no /StructTreeRoot: nothing is tagged"]


@covers("01-007")
def test_no_suspects():
    assert errors("01-007", suspects=True) == ["/MarkInfo /Suspects is true"]
    assert not errors("01-007", suspects=True, marked=False)  # UA1:7.1 says that


# --- tagging and the ParentTree ------------------------------------------------------------

@covers("PDF:14.7.2")
def test_elements_have_parents():
    bad = (BadParent(12, "P", "Sect obj 9", 10), BadParent(12, "P", "Sect obj 9", None, twice=True),
           BadParent(13, "Span", "StructTreeRoot", None))
    assert errors("PDF:14.7.2", bad_parents=bad) == [
        "P element obj 12 is in the /K of Sect obj 9 but has /P obj 10", "element obj 12 appears twice in the tree",
        "Span element obj 13 is in the /K of StructTreeRoot but has no /P"]
    stream = replace(STREAM, form=40, entries=(ParentTreeEntry(0, 77),))
    assert errors("PDF:14.7.2", parent_tree=ParentTree(streams=(stream,))) == [
        "form XObject obj 40 on page 1: MCID 0 maps to element obj 77, which is not in the structure tree"]


@covers("01-003", "01-004")
def test_artifacts_and_elements_not_nested():
    misplaced = (MisplacedContent(ARTIFACT_IN_ELEMENT, 2, 3, "text 'Hi'"),
                 MisplacedContent(ELEMENT_IN_ARTIFACT, 3, 1, "a path"))
    assert errors("01-003", misplaced=misplaced) == [
        "page 2: 3 object(s) marked as an artifact inside an element's marked content, first text 'Hi'"]
    assert errors("01-004", misplaced=misplaced) == [
        "page 3: 1 object(s) tagged inside an /Artifact sequence, first a path"]


@covers("01-005")
def test_all_content_tagged():
    assert errors("01-005", misplaced=(MisplacedContent(UNMARKED, 1, 2, "text 'Hello'"),)) == [
        "page 1: 2 object(s) neither tagged nor an artifact, first text 'Hello'"]
    assert errors("01-005", parent_tree=None, parent_tree_missing=True) == [
        "the StructTreeRoot has no /ParentTree: no MCID maps to an element"]
    streams = (replace(STREAM, struct_parents=None, entries=()), replace(STREAM, page=2, listed=False, entries=()),
               replace(STREAM, page=3, entries=(ParentTreeEntry(4),)))
    assert errors("01-005", parent_tree=ParentTree(streams=streams)) == [
        "page 1 has marked content (MCIDs 0–1) but no /StructParents, so none of it maps to an element",
        "page 2: the ParentTree has no array for /StructParents 0",
        "page 3: MCID 4 maps to no element in the ParentTree"]


@covers("PDF:14.7.4.4")
def test_parent_tree_agrees():
    pageless = (PagelessMark(12, "P", 3), PagelessMark(13, "Span", None))
    assert errors("PDF:14.7.4.4", pageless_marks=pageless) == [
        "P element obj 12 holds MCID 3 but has no /Pg", "an MCR in Span element obj 13 has no /Pg"]
    stream = replace(STREAM, mcids=(0, 0), entries=(ParentTreeEntry(0, 12, True, "P", holds=False),))
    tree = ParentTree(claims=(("page 1", 0), ("page 2", 0)), streams=(stream,), largest_key=5, next_key=5)
    lost = replace(ROW, marks=(ElementMark("page 1", 9, found=False),))
    assert errors("PDF:14.7.4.4", parent_tree=tree, elements=(TITLE, lost)) == [
        "page 2 and page 1 share /StructParents 0", "page 1: MCID 0 is used twice",
        "page 1: the ParentTree gives MCID 0 to P obj 12, whose /K does not hold it",
        "P element obj 12 holds MCID 9 on page 1, which has no such marked content"]
    assert warnings("PDF:14.7.4.4", parent_tree=tree) == ["/ParentTreeNextKey is 5, not above the largest key 5"]


# --- role mapping ------------------------------------------------------------------------

@covers("02-001", "02-003")
def test_role_mapping_ends_in_a_standard_type():
    chains = (("Para", "P"), ("Text", "Words"), ("Loop", "Again", "Loop"))
    assert errors("02-001", role_chains=chains) == [
        "structure type /Text is not standard and its mapping (Text → Words) ends without a standard type"]
    assert errors("02-003", role_chains=chains) == ["role mapping of /Loop is circular: Loop → Again → Loop"]


@covers("02-004")
def test_standard_types_kept():
    assert errors("02-004", rolemap=(("Para", "P"), ("P", "Span"))) == [
        "/RoleMap remaps the standard type /P to /Span"]


# --- metadata and title ------------------------------------------------------------------------

@covers("06-001", "06-002", "06-003")
def test_xmp():
    unread = "the catalog has no /Metadata stream"
    assert errors("06-001", xmp_problem=unread) == [unread]
    assert errors("06-002", pdfuaid_parts=()) == ["the XMP has no pdfuaid:part"]
    assert errors("06-002", pdfuaid_parts=("2",)) == ["pdfuaid:part is 2, not 1"]
    assert errors("06-003", dc_titles=(" ",)) == ["the XMP has no dc:title, or an empty one"]
    # XMP that cannot be read is 06-001's finding alone.
    assert not errors("06-002", xmp_problem=unread, pdfuaid_parts=()) + errors("06-003", xmp_problem=unread,
                                                                                 dc_titles=())


@covers("07-001", "07-002")
def test_display_doc_title():
    assert errors("07-001", display_doc_title=None) == ["/ViewerPreferences has no /DisplayDocTitle"]
    assert not errors("07-002", display_doc_title=None)
    assert errors("07-002", display_doc_title=False) == ["/DisplayDocTitle is False"]
    assert errors("07-002", display_doc_title="/Yes") == ["/DisplayDocTitle is /Yes"]


# --- language, figures, headings ------------------------------------------------------------------

@covers("11-001")
def test_language_known():
    assert errors("11-001", lang_values=(("P element obj 12", "english!"),)) == [
        "P element obj 12: /Lang (english!) is not a valid BCP 47 tag"]
    assert not errors("11-001", lang_values=(("the catalog", "pt-BR"), ("marked content on page 1", "ur")))
    unlabelled = replace(ROW, lang=None)
    assert errors("11-001", catalog_lang=None, elements=(TITLE, unlabelled)) == [
        "no /Lang on the catalog, and P element obj 12 (page 1, \"Look at your baby.\") has text but no /Lang"]
    assert errors("11-001", catalog_lang=None, elements=()) == ["no /Lang on the catalog"]
    assert not errors("11-001", elements=(TITLE, unlabelled))  # the catalog's /Lang covers it


@covers("13-004")
def test_figures_described():
    assert errors("13-004", elements=(replace(PICTURE, alt=" "),)) == [
        "Figure obj 11 on page 1 has no /Alt or /ActualText"]
    assert not errors("13-004", elements=(replace(PICTURE, alt=None, actual_text="A baby."),))


@covers("14-002", "14-003")
def test_headings():
    assert errors("14-002", elements=(el(5, "H2"), el(6, "H1"))) == ["the first heading is H2 (obj 5, page 1), not H1"]
    skipped = (el(5, "H1"), el(6, "Heading", "Feeding", type="H3"), el(7, "H2"))
    assert errors("14-003", elements=skipped) == ["H3 (obj 6, page 1, \"Feeding\") follows H1"]
    assert not errors("14-002", elements=skipped)


# --- annotations ------------------------------------------------------------------------------------

@covers("28-008", "28-009")
def test_tabs():
    pages = (AnnotatedPage(1, 2, None), AnnotatedPage(2, 1, "/R"), AnnotatedPage(3, 1, "/S"))
    assert errors("28-008", annotated_pages=pages) == ["page 1 has 2 annotation(s) but no /Tabs"]
    assert errors("28-009", annotated_pages=pages) == ["page 2: /Tabs is /R, not /S"]


@covers("28-011", "28-012")
def test_links():
    links = (Link(1, 30), Link(1, 31, "P", "P", "  "), Link(2, 32, "Hyperlink", "Link", "Our website"))
    assert errors("28-011", links=links) == [
        "page 1: Link annotation obj 30 is in no element, not a Link element",
        "page 1: Link annotation obj 31 is in a P element, not a Link element"]
    assert errors("28-012", links=links) == ["page 1: Link annotation obj 30 has no /Contents",
                                             "page 1: Link annotation obj 31 has no /Contents"]


# --- fonts ---------------------------------------------------------------------------------------------

@covers("31-009")
def test_fonts_embedded():
    helvetica = replace(FONT, label="/F2 (Helvetica)", embedded=False)
    assert errors("31-009", fonts=(helvetica,)) == ["page 1: font /F2 (Helvetica) is not embedded"]
    assert warnings("31-009", fonts=(replace(helvetica, used=False),)) == [
        "page 1: font /F2 (Helvetica) is not embedded (it shows no text, but sits in the page resources)"]


@covers("31-027")
def test_fonts_have_to_unicode():
    assert errors("31-027", fonts=(replace(FONT, mapped_codes=None),)) == [
        "page 1: font /F1+0 (AtkinsonHyperlegible-Regular) has no /ToUnicode"]


@covers("31-028", "31-029")
def test_no_bad_unicode_values():
    font = replace(FONT, bad_codes=((65, "U+0000"), (200, "U+0000"), (201, "U+FEFF")))
    assert errors("31-028", fonts=(font,)) == [
        "font /F1+0 (AtkinsonHyperlegible-Regular): codes shown in text map to U+0000: <41>"]
    assert warnings("31-029", fonts=(font,)) == [
        "font /F1+0 (AtkinsonHyperlegible-Regular): 1 unused code(s) map to U+FEFF (<C9>…<C9>); no text shows "
        "them, but PDF/UA-1 7.21.7 asks that no entry does (ReportLab fills unused subset slots this way)"]
    assert not errors("31-029", fonts=(font,))


@covers("10-001")
def test_codes_map_to_unicode():
    assert errors("10-001", fonts=(replace(FONT, used_codes=frozenset({65, 68, 69})),)) == [
        "font /F1+0 (AtkinsonHyperlegible-Regular): codes <44>, <45> are shown but not in its ToUnicode"]
    assert not errors("10-001", fonts=(replace(FONT, mapped_codes=None),))  # 31-027 says that


# --- reading rules ---------------------------------------------------------------------------------------

@covers("1.4.6")
def test_text_contrast():
    assert note("1.4.6") == "lowest text contrast in the PDF 21.0:1"
    grey = TextSample(2.8, 3, "Grey words")
    assert errors("1.4.6", lowest_contrast=grey) == [
        "page 3: text \"Grey words\" has contrast 2.8:1 against white, below 7:1"]
    assert outcomes("1.4.6", lowest_contrast=None) == []


@covers("PDF:14.11.2")
def test_text_inside_frame():
    assert note("PDF:14.11.2") == "1 of 1 pages have a frame (/ArtBox)"
    url = "https://www.lullabytrust.org.uk/safer-sleep-advice/"
    past = (Run(1, 560.0, 72.0, 250.0, 0.0, "See"), Run(1, 533.0, 72.0, 611.5, 0.0, url))
    assert errors("PDF:14.11.2", runs=past) == [
        f"page 1: text \"{url[:39]}…\" runs 86.5 pt past the right edge of the page's frame (/ArtBox)"]
    assert errors("PDF:14.11.2", runs=(Run(1, 560.0, 60.0, 250.0, 0.0, "Look"), Run(1, 40.0, 72.0, 250.0, 0.0, "at"),
                                       Run(1, 790.0, 72.0, 250.0, 0.0, "you"))) == [
        "page 1: text \"Look\" runs 10.0 pt past the left edge of the page's frame (/ArtBox)",
        "page 1: text \"at\" runs 16.0 pt past the bottom edge of the page's frame (/ArtBox)",
        "page 1: text \"you\" runs 5.0 pt past the top edge of the page's frame (/ArtBox)"]
    # Within the tolerance; spaces; invisible text; a page without an /ArtBox: not judged.
    assert not errors("PDF:14.11.2", runs=(Run(1, 560.0, 72.0, 525.9, 0.0, "Look"),
                                           Run(1, 560.0, 72.0, 900.0, 0.0, "   "),
                                           Run(1, 560.0, 72.0, 900.0, 0.0, "OCR", visible=False)))
    # A mark with no advance (Nastaliq's dots, placed by the font beside their letter): no extent to judge.
    assert not errors("PDF:14.11.2", runs=(Run(1, 560.0, 527.5, 527.5, 0.0, "\u200b"),))
    assert not errors("PDF:14.11.2", runs=past, art_boxes=(None,))
    assert outcomes("PDF:14.11.2", runs=past, art_boxes=()) == []


@covers("LP-01", "ER-04")
def test_smallest_character():
    assert note("LP-01") == note("ER-04") == "smallest character 18.0 pt"
    small = TextSample(15.0, 2, "Page 2 of 4")
    assert errors("LP-01", smallest_text=small) == ["page 2: \"Page 2 of 4\" is 15.0 pt, under 16 pt"]
    assert not errors("ER-04", smallest_text=small)
    assert errors("ER-04", smallest_text=replace(small, value=13.5)) == [
        "page 2: \"Page 2 of 4\" is 13.5 pt, under 14 pt"]
    assert outcomes("LP-01", smallest_text=None) == []


@covers("LP-02", "ER-05")
def test_no_italics():
    italic = replace(FONT, label="/F3 (Atkinson-Italic)", italic=True, first_page=2)
    for checkpoint in ("LP-02", "ER-05"):
        assert errors(checkpoint, fonts=(FONT, italic, replace(italic, used=False))) == [
            "page 2: font /F3 (Atkinson-Italic) is italic or oblique"]
        assert errors(checkpoint, skewed_text=((1, "Slant"), (2, "More"))) == [
            "page 1: text \"Slant\" is slanted by its text matrix"]


def paragraph(*lines: tuple[float, float, float], text: str = "some words") -> Element:
    """A P whose lines (x0, x1, word spacing) run down the page."""
    runs = tuple(Run(1, 700.0 - 27 * i, x0, x1, tw, text) for i, (x0, x1, tw) in enumerate(lines))
    return el(20, "P", "Talk to your baby", runs=runs)


@covers("LP-03")
def test_large_print_ragged_right():
    ragged = paragraph((72, 400, 0), (72, 380, 0), (72, 420, 0), (72, 200, 0))
    assert not errors("LP-03", elements=(TITLE, ragged))
    assert note("LP-03", elements=(TITLE, ragged)) == "1 paragraphs of two lines or more"
    stretched = paragraph((72, 472, 1.5), (72, 200, 0))
    assert errors("LP-03", elements=(stretched,)) == [
        "page 1: P obj 20 (\"Talk to your baby\") looks justified: its word spacing is stretched"]
    flush_lines = ((72, 472, 0), (72, 472, 0), (72, 472, 0), (72, 200, 0))
    flush = paragraph(*flush_lines)
    assert errors("LP-03", elements=(flush,)) == [
        "page 1: P obj 20 (\"Talk to your baby\") looks justified: its first 3 lines all end at x = 472.0"]
    assert not errors("LP-03", elements=(paragraph((72, 472, -0.5), (72, 200, 0)),))  # shrunk to fit
    # Chinese, set without spaces, ends its lines evenly without being justified.
    assert not errors("LP-03", elements=(paragraph(*flush_lines, text="很多人都听说过这个说法"),))


@covers("ER-01")
def test_easy_read_pictures_first():
    assert note("ER-01") == "1 rows"
    assert errors("ER-01", elements=(TITLE, ROW)) == [
        "page 1: P obj 12 (\"Look at your baby.\") has no picture just before it"]
    assert errors("ER-01", elements=(TITLE, replace(PICTURE, alt=""), ROW)) == [
        "page 1: the picture before \"Look at your baby.\" has no /Alt"]
    back = (TITLE, PICTURE, ROW, el(30, "H2", "About this leaflet"), el(31, "P", "Written by midwives."))
    assert not errors("ER-01", elements=back)  # the back page has no pictures


@covers("ER-02")
def test_easy_read_picture_size():
    small = replace(PICTURE, bbox=(72.0, 600.0, 72.0 + 30 * MM, 600.0 + 40 * MM))
    assert errors("ER-02", elements=(TITLE, small, ROW)) == ["page 1: Figure obj 11 is 30.0 mm, under 35 mm"]
    assert errors("ER-02", elements=(TITLE, replace(PICTURE, bbox=None), ROW)) == [
        "page 1: Figure obj 11 has no /A /BBox: its size cannot be told"]
    # What the Figure's marked content paints (a form's Do in it counts) must be a picture of that size.
    assert errors("ER-02", elements=(TITLE, replace(PICTURE, painted=None), ROW)) == [
        "page 1: Figure obj 11 paints nothing: its marked content draws no picture"]
    drawn_small = replace(PICTURE, painted=(72.0, 600.0, 72.0 + 20 * MM, 600.0 + 20 * MM))
    assert errors("ER-02", elements=(TITLE, drawn_small, ROW)) == [
        "page 1: Figure obj 11 paints a picture 20.0 mm on its longer side, under 35 mm (its /BBox says 40.0 mm)"]
    tall = replace(PICTURE, painted=(90.0, 600.0, 90.0 + 10 * MM, 600.0 + 36 * MM))  # its longer side counts
    assert not errors("ER-02", elements=(TITLE, tall, ROW))


@covers("ER-03")
def test_easy_read_short_sentences():
    assert note("ER-03") == "longest sentence 4 words"
    long = replace(ROW, text="Every parent and every baby is different, so take your time and try the things "
                             "that feel right. Then rest.")
    assert errors("ER-03", elements=(TITLE, PICTURE, long)) == [
        "page 1: \"Every parent and every baby is different, so take your time…\" has 18 words"]
    assert note("ER-03", elements=(TITLE, PICTURE, long)) == "longest sentence 18 words"
    # Every language, with ICU's words: a Chinese sentence has no spaces, but it has words.
    chinese = "宝宝出生以后你可能会立刻感到一阵非常强烈而且难以形容的爱意涌上心头然后你会想一直抱着宝宝。"
    assert errors("ER-03", elements=(TITLE, PICTURE, replace(ROW, text=chinese, lang="zh-Hans"))) == [
        f"page 1: \"{chinese}\" has 26 words"]
    assert not errors("ER-03", elements=(TITLE, PICTURE, replace(ROW, text="宝宝哭了。抱抱宝宝。", lang="zh-Hans")))
    assert errors("ER-03", elements=(TITLE, PICTURE, replace(long, lang=None)), lang="fr")
    # A word broken across lines reads as two in the content; the element's /ActualText has it whole.
    sentence = "Sing: LullabyLullaby to your baby and your baby will sing to you and smile too."  # 15 words
    broken = replace(ROW, text=sentence.replace("yL", "y L"), actual_text=sentence)
    assert not errors("ER-03", elements=(TITLE, PICTURE, broken))
    assert errors("ER-03", elements=(TITLE, PICTURE, replace(broken, actual_text=None))) == [
        "page 1: \"Sing: Lullaby Lullaby to your baby and your baby will sing …\" has 16 words"]
