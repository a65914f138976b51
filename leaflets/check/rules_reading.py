"""Reading rules: text contrast and text inside each page's frame for every PDF, then the large-print
("LP-…") and easy-read ("ER-…") rules of reading-standards.md for our leaflets of those formats."""
from __future__ import annotations

from collections.abc import Iterator

from .. import linebreak
from ..colour import CONTRAST_MIN
from ..translate import EASY_READ_WORDS
from .facts import Element, Facts, Run
from .pdf import sample
from .rules import Note, Outcomes, Problem, rule

MM = 72 / 25.4  # points per millimetre
LARGE_PRINT_MIN_PT = 16.0
EASY_READ_MIN_PT = 14.0
EASY_READ_PICTURE_MM = 35.0
FRAME_TOLERANCE_PT = 1.0  # glyphs are measured by their advance widths, and rounded


@rule("1.4.6", "pdf", f"Text contrast at least {CONTRAST_MIN:g}:1 (WCAG 1.4.6)",
      "Use black (#000000) text on a white (#FFFFFF) background.")
def text_contrast(facts: Facts) -> Outcomes:
    lowest = facts.lowest_contrast
    if lowest is None:
        return
    yield Note(f"lowest text contrast in the PDF {lowest.value:.1f}:1")
    if lowest.value < CONTRAST_MIN:
        yield Problem(f"page {lowest.page}: text \"{lowest.sample}\" has contrast {lowest.value:.1f}:1 against "
                      f"white, below {CONTRAST_MIN:g}:1")


@rule("PDF:14.11.2", "pdf", "Text inside its page's frame (/ArtBox): nothing past the margin",
      "Break a word wider than its column inside the margin (LeafletParagraph does), or shorten it; "
      "set each page's /ArtBox to its text frame (the page less its margins).")
def text_inside_frame(facts: Facts) -> Outcomes:
    """Tagged text (marked content with an MCID; not artifacts: page numbers sit in the margin) on a page
    with an /ArtBox, along its baseline: from the start of its first glyph to the end of its last. Ascents
    differ too much by font to judge the height of a glyph. A run with no advance (a mark a font attaches
    to its letter, e.g. Nastaliq's dots) has no extent to judge."""
    for run in facts.runs:
        frame = facts.art_boxes[run.page - 1] if 0 < run.page <= len(facts.art_boxes) else None
        if frame is None or not run.visible or (run.text and run.text.isspace()) or abs(run.x1 - run.x0) < 1e-3:
            continue
        left, bottom, right, top = frame
        out = {"left": left - min(run.x0, run.x1), "right": max(run.x0, run.x1) - right,
               "bottom": bottom - run.y, "top": run.y - top}
        edge = max(out, key=out.__getitem__)
        if out[edge] > FRAME_TOLERANCE_PT:
            yield Problem(f"page {run.page}: text \"{sample(run.text)}\" runs {out[edge]:.1f} pt past the {edge} "
                          "edge of the page's frame (/ArtBox)")
    framed = sum(box is not None for box in facts.art_boxes)
    if framed:
        yield Note(f"{framed} of {facts.pages} pages have a frame (/ArtBox)")


# --- shared by large print and easy read ------------------------------------------

def _smallest_character(facts: Facts, minimum: float) -> Outcomes:
    smallest = facts.smallest_text
    if smallest is None:
        return
    yield Note(f"smallest character {smallest.value:.1f} pt")
    if smallest.value < minimum - 0.01:
        yield Problem(f"page {smallest.page}: \"{smallest.sample}\" is {smallest.value:.1f} pt, under {minimum:g} pt")


def _no_italics(facts: Facts) -> Outcomes:
    for font in facts.fonts:
        if font.used and font.italic:
            yield Problem(f"page {font.first_page}: font {font.label} is italic or oblique")
    for page, shown in facts.skewed_text[:1]:
        yield Problem(f"page {page}: text \"{shown}\" is slanted by its text matrix")


# --- large print ---------------------------------------------------------------------

@rule("LP-01", "large-print", f"Every character at least {LARGE_PRINT_MIN_PT:g} pt (page numbers too)",
      "Set every style, the footer included, to 16 pt or more.")
def large_print_size(facts: Facts) -> Outcomes:
    yield from _smallest_character(facts, LARGE_PRINT_MIN_PT)


@rule("LP-02", "large-print", "No italic or oblique font", "Use bold for emphasis, never italics.")
def large_print_no_italics(facts: Facts) -> Outcomes:
    yield from _no_italics(facts)


def _lines(el: Element) -> list[list[Run]]:
    """An element's runs by line, top to bottom (page by page); spaces alone are no part of a line."""
    lines: dict[tuple[int, float], list[Run]] = {}
    for run in el.runs:
        if run.text.strip() or not run.text:
            lines.setdefault((run.page, -run.y), []).append(run)
    return [lines[k] for k in sorted(lines)]


@rule("LP-03", "large-print", "Left aligned, ragged right: no justified paragraph",
      "Align text left (TA_LEFT), never TA_JUSTIFY.")
def large_print_ragged_right(facts: Facts) -> Outcomes:
    """A paragraph is justified if its lines are stretched (Tw > 0), or if 3+ lines before its
    last all start and end at the same x with spaces in them to stretch (Chinese, set without spaces,
    ends lines evenly unjustified). Lines shrunk to fit (Tw < 0) are not justification."""
    checked = 0
    for el in facts.elements:
        lines = _lines(el) if el.type in ("P", "LBody") else []
        if len(lines) < 2:
            continue
        checked += 1
        body = lines[:-1]
        stretched = [line for line in body if any(r.tw > 0.01 for r in line)]
        lefts = [min(r.x0 for r in line) for line in body]
        rights = [max(r.x1 for r in line) for line in body]
        spaced = all(" " in "".join(r.text for r in line).strip() for line in body)
        flush = len(body) >= 3 and spaced and max(rights) - min(rights) < 0.5 and max(lefts) - min(lefts) < 0.5
        if stretched or flush:
            why = "its word spacing is stretched" if stretched else \
                f"its first {len(body)} lines all end at x = {rights[0]:.1f}"
            yield Problem(f"page {el.page}: {el.role} obj {el.obj} (\"{sample(el.text)}\") looks justified: {why}")
    yield Note(f"{checked} paragraphs of two lines or more")


# --- easy read -------------------------------------------------------------------------

def _rows_part(elements: tuple[Element, ...]) -> tuple[Element, ...]:
    """The elements before the back page ("About this leaflet"), which starts at the first H2 after
    the last picture: the rows of pictures and words."""
    last_figure = max((i for i, e in enumerate(elements) if e.type == "Figure"), default=-1)
    back = next((i for i, e in enumerate(elements) if i > last_figure and e.type == "H2"), len(elements))
    return elements[:back]


@rule("ER-01", "easy-read", "Every row's words have a picture, with /Alt, just before them",
      "Draw each row as Figure (with Alt) then P.")
def easy_read_pictures_first(facts: Facts) -> Outcomes:
    elements = _rows_part(facts.elements)
    rows = 0
    for i, el in enumerate(elements):
        if el.type != "P":
            continue
        rows += 1
        before = elements[i - 1] if i else None
        if before is None or before.type != "Figure":
            yield Problem(f"page {el.page}: P obj {el.obj} (\"{sample(el.text)}\") has no picture just before it")
        elif not (before.alt or "").strip():
            yield Problem(f"page {el.page}: the picture before \"{sample(el.text)}\" has no /Alt")
    yield Note(f"{rows} rows")


@rule("ER-02", "easy-read", f"Every picture at least {EASY_READ_PICTURE_MM:g} mm",
      f"Make pictures at least {EASY_READ_PICTURE_MM:g} mm (picture_mm in the layout), and draw each inside "
      "its Figure's marked content (a form XObject's Do in it counts).")
def easy_read_picture_size(facts: Facts) -> Outcomes:
    """The Figure's /BBox is its size; what its marked content paints (inside forms too) must be as large
    along its longer side (artwork keeps its proportions), or the /BBox claims a picture that is not there."""
    for el in _rows_part(facts.elements):
        if el.type != "Figure":
            continue
        if el.bbox is None:
            yield Problem(f"page {el.page}: Figure obj {el.obj} has no /A /BBox: its size cannot be told")
            continue
        x0, y0, x1, y1 = el.bbox
        side = min(x1 - x0, y1 - y0) / MM
        if side < EASY_READ_PICTURE_MM - 0.05:
            yield Problem(f"page {el.page}: Figure obj {el.obj} is {side:.1f} mm, under {EASY_READ_PICTURE_MM:g} mm")
        elif el.painted is None:
            yield Problem(f"page {el.page}: Figure obj {el.obj} paints nothing: its marked content draws no picture")
        else:
            x0, y0, x1, y1 = el.painted
            drawn = max(x1 - x0, y1 - y0) / MM
            if drawn < EASY_READ_PICTURE_MM - 0.05:
                yield Problem(f"page {el.page}: Figure obj {el.obj} paints a picture {drawn:.1f} mm on its longer "
                              f"side, under {EASY_READ_PICTURE_MM:g} mm (its /BBox says {side:.1f} mm)")


def _sentences(el: Element, facts: Facts) -> Iterator[tuple[str, str]]:
    """The sentences of a row and their language, as a reader gets them: from its /ActualText if it has
    one (a word broken across lines is whole there, not two words); ICU's sentences for its language."""
    lang = el.lang or facts.lang or "en"
    if el.type == "P":
        text = el.actual_text if el.actual_text is not None else el.text
        for sentence in linebreak.sentences(" ".join(text.split()), lang):
            yield sentence, lang


@rule("ER-03", "easy-read", f"Sentences of {EASY_READ_WORDS} words or fewer (ICU's words, in every language)",
      "Split the sentence: one idea and one verb each.")
def easy_read_short_sentences(facts: Facts) -> Outcomes:
    longest = 0
    for el in _rows_part(facts.elements):
        for sentence, lang in _sentences(el, facts):
            words = linebreak.word_count(sentence, lang)
            longest = max(longest, words)
            if words > EASY_READ_WORDS:
                yield Problem(f"page {el.page}: \"{sample(sentence, 60)}\" has {words} words")
    if longest:
        yield Note(f"longest sentence {longest} words")


@rule("ER-04", "easy-read", f"Every character at least {EASY_READ_MIN_PT:g} pt",
      "Set every style to 14 pt or more (16-18 pt is usual).")
def easy_read_size(facts: Facts) -> Outcomes:
    yield from _smallest_character(facts, EASY_READ_MIN_PT)


@rule("ER-05", "easy-read", "No italic or oblique font", "Use bold for emphasis, never italics.")
def easy_read_no_italics(facts: Facts) -> Outcomes:
    yield from _no_italics(facts)
