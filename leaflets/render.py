"""Stage 4: draw a plan into a PDF with ReportLab.

Every run of text is drawn through `TaggedParagraph`, the one place that knows
its role, language and logical text; pictures through `PictureRow`. Both hand
the structure to the tagging canvas (`tag.py`) as they draw.
"""
from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError
from reportlab.platypus.flowables import Flowable

from . import fonts, pictures, qr, rllinks
from .model import MM, Layout
from .pictures import Picture
from .plan import Box, DocInfo, Elem, Label, LinkCode, PageBreak, PictureRow, Plan, Text
from .rlparagraph import LeafletParagraph
from .phrases import phrases
from .styles import Styles, direction, indent, ink, make_styles
from .tag import TaggingCanvas


# A QR code on paper: 24 mm a side, over the 20 mm that phones read at arm's length, with its quiet zone.
LINK_CODE_SIZE = 24 * MM


class RenderError(ValueError):
    """Something in the text cannot be drawn: a missing glyph, text that does not fit."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.block = key.split("/")[0] if key else None


# --- pictures -----------------------------------------------------------

def _drawing(path: Path) -> Picture:
    code = path.stem
    if not path.exists():
        raise RenderError(f"picture {code} is not installed ({path.name}): run 'make setup'")
    picture = pictures.load(path)
    if picture is None:
        raise RenderError(f"picture {code} could not be read")
    return picture


# --- text ---------------------------------------------------------------

class TaggedParagraph(LeafletParagraph):
    """A paragraph that wraps what it draws in marked content for its element."""

    split_attributes = ("lang", "phrases", "path", "label", "bookmark", "plain")

    def __init__(self, text: str | None, style: ParagraphStyle, bulletText: str | None = None, *,
                 label: Label | None = None, path: tuple[Elem, ...] = (),
                 bookmark: tuple[str, int] | None = None, plain: str | None = None, **kw):
        # Paragraph.split makes the parts with bulletText=…: keep that parameter.
        super().__init__(text, style, bulletText=label.text if label else bulletText, **kw)
        self.frags = rllinks.link_frags(self.frags)  # a web or e-mail address is a link
        self.path = path
        self.label = label
        self.bookmark = bookmark  # (plain text, outline level) of a heading
        self.plain = plain  # the element's whole logical text

    def identity(self, maxLen=None):
        return f"block '{self.path[-1].key}'" if self.path else super().identity(maxLen)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts[1:]:  # the heading's bookmark points at its first part
            part.bookmark = None
        return parts

    def draw(self):
        canv: TaggingCanvas = self.canv
        if self.bookmark is not None:
            key = self.path[-1].key
            text, level = self.bookmark
            canv.bookmarkPage(key, top=canv.absolutePosition(0, self.height)[1])
            canv.addOutlineEntry(text, key, level=level)
        label = (*self.path[:-1], self.label.elem) if self.bulletText else None
        # The element's /ActualText gives readers its text whole where the lines do not: right to left (PDFium
        # reverses each line's), with a word broken across lines (a reader may join lines with a space), or
        # with an address, whose Link element holds it (rllinks.py).
        whole = self.style.wordWrap == "RTL" or self.broken_words() or rllinks.links_in(self.frags)
        with canv.marked(self.path, label=label, actual_text=self.plain if whole else None):
            super().draw()


def paragraph(item: Text, styles: Styles, layout: Layout) -> TaggedParagraph:
    try:
        text = fonts.to_markup(list(item.spans), item.lang)
    except ValueError:  # a character no font draws: ReportLab would print a blank box
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in fonts.missing_glyphs(item.plain, item.lang))
        raise RenderError(f"block '{item.path[-1].key}': no font for '{item.lang}' draws {shown}; "
                          "remove the character or add a font for it in leaflets/fonts.yaml",
                          item.path[-1].key) from None
    plain = item.plain  # made from the spans each time it is asked for
    found = phrases(plain, item.lang, item.named)  # each phrase in another language: a span with its /Lang
    style = direction(styles[item.style], item.lang, plain, shape=bool(found))
    if item.indent or item.label:
        style = indent(style, layout, item.indent or 1.0, item.label is not None)
    if item.keep_with_next and not style.keepWithNext:
        style = ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)
    bookmark = (plain, item.outline) if item.outline is not None else None
    return TaggedParagraph(text, style, label=item.label, path=item.path, bookmark=bookmark, lang=item.lang,
                           plain=plain, phrases=found)


# --- flowables for groups -------------------------------------------------

def _is_heading(flowable: Flowable) -> bool:
    return isinstance(flowable, TaggedParagraph) and flowable.path[-1:] != () and \
        flowable.path[-1].role in ("H1", "H2", "H3")


def _lines(paragraphs: list[TaggedParagraph], width: float) -> int:
    """How many lines the paragraphs take at this width (each is wrapped to count them)."""
    for p in paragraphs:
        p.wrap(width, 1e6)
    return sum(len(p.line_texts()) for p in paragraphs)


class BoxFlowable(Flowable):
    """A ruled box around paragraphs (the safety callout); the rule is decoration. It stays on one page
    where it fits on one, moving whole to the next. A box taller than a page splits with MIN_LINES lines on
    each side, its heading repeated on the next page, "(continued)", as an artifact."""

    MIN_LINES = 3

    def __init__(self, children: list[TaggedParagraph], padding: float, rule: float, colour,
                 space_after: float, page_height: float = float("inf"), continued: Flowable | None = None,
                 repeat: Flowable | None = None):
        super().__init__()
        self.children, self.padding, self.rule, self.colour = children, padding, rule, colour
        self.spaceAfter = space_after
        self.vpad = padding  # above and below the text; less only to keep the box on one page
        self.page_height = page_height  # the height of the text frame
        self.continued = continued  # the repeated heading at the head of this part, drawn as an artifact
        self.repeat = repeat  # "<heading> (continued)", for the head of a part after a split

    def identity(self, maxLen=None):
        return self.children[0].identity(maxLen)

    def _drawn(self) -> list[Flowable]:
        return ([self.continued] if self.continued else []) + self.children

    def wrap(self, availWidth, availHeight):
        drawn = self._drawn()
        self.sizes = [c.wrap(availWidth - 2 * self.padding, availHeight) for c in drawn]
        gaps = sum(c.getSpaceAfter() for c in drawn[:-1])
        self.width = availWidth
        self.height = sum(h for _, h in self.sizes) + gaps + 2 * self.vpad
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """Move whole to the next page if it fits on one; else split where each side keeps MIN_LINES lines."""
        _, height = self.wrap(availWidth, self.page_height)
        if height - self.page_height <= self.padding:  # it fits on a page, with at most half its padding less
            self.vpad = min(self.padding, self.padding - (height - self.page_height) / 2)
            return [self] if self.wrap(availWidth, availHeight)[1] <= availHeight else []
        inner = availWidth - 2 * self.padding
        for fewest in range(self.MIN_LINES, 0, -1):  # fewer lines a side only where a box cannot split otherwise
            room = availHeight
            while room > 2 * self.padding:  # from the most room down, a line at a time
                cut = self._cut(inner, room, fewest)
                if cut is not None:
                    return [BoxFlowable(part, self.padding, self.rule, self.colour, self.spaceAfter,
                                        self.page_height, heading, self.repeat)
                            for part, heading in zip(cut, (self.continued, self.continued or self.repeat))]
                room -= self.children[-1].style.leading
            if availHeight < self.page_height - 1e-3:
                return []  # not at the top of a page: try there with MIN_LINES first
        return []

    def _cut(self, inner: float, height: float, fewest: int) -> tuple[list, list] | None:
        """The children that fit in `height` and the rest, if each side keeps `fewest` lines of text."""
        room = height - 2 * self.vpad - (self.sizes[0][1] + self.continued.getSpaceAfter() if self.continued else 0)
        first: list[TaggedParagraph] = []
        for i, child in enumerate(self.children):
            _, h = child.wrap(inner, room)
            if h <= room:
                first.append(child)
                room -= h + child.getSpaceAfter()
                continue
            parts = child.split(inner, room) if room > 0 else []
            first += parts[:1]
            rest = (parts[1:] if parts else [child]) + self.children[i + 1:]
            break
        else:
            return None
        body = [c for c in first if not _is_heading(c)]  # never split after the heading alone
        if _lines(body, inner) < fewest or _lines(rest, inner) < fewest:
            return None
        return first, rest

    def draw(self):
        canv: TaggingCanvas = self.canv
        with canv.artifact("Layout"):
            canv.saveState()
            canv.setStrokeColor(self.colour)
            canv.setLineWidth(self.rule)
            canv.rect(self.rule / 2, self.rule / 2, self.width - self.rule, self.height - self.rule)
            canv.restoreState()
        y = self.height - self.vpad
        for child, (_, h) in zip(self._drawn(), self.sizes):
            y -= h
            # The repeated heading is not tagged: the structure holds the heading once.
            with canv.artifact("Layout") if child is self.continued else contextlib.nullcontext():
                child.drawOn(canv, self.padding, y)
            y -= child.getSpaceAfter()


class PictureRowFlowable(Flowable):
    """Easy read: the picture in its column, the words beside it; never split."""

    def __init__(self, picture: Picture, figure: Elem, text: TaggedParagraph, size: float,
                 gutter: float, rtl: bool, space_after: float):
        super().__init__()
        self.picture, self.figure, self.text = picture, figure, text
        self.size, self.gutter, self.rtl, self.space = size, gutter, rtl, space_after

    def identity(self, maxLen=None):
        return self.text.identity(maxLen)

    def wrap(self, availWidth, availHeight):
        self.text_width = availWidth - self.size - self.gutter
        _, self.text_height = self.text.wrap(self.text_width, availHeight)
        self.width, self.height = availWidth, max(self.size, self.text_height)
        return self.width, self.height

    def getSpaceAfter(self):
        return self.space

    def draw(self):
        canv: TaggingCanvas = self.canv
        pic_x = self.width - self.size if self.rtl else 0
        pic_y = self.height - self.size
        # The picture comes first in reading order: its description, then the words.
        left, bottom = canv.absolutePosition(pic_x, pic_y)
        with canv.marked((self.figure,), bbox=(left, bottom, left + self.size, bottom + self.size)):
            # Scale the artwork itself, not its padded canvas, to the picture size.
            x0, y0, x1, y1 = self.picture.bounds
            scale = self.size / max(x1 - x0, y1 - y0)
            canv.saveState()
            canv.translate(pic_x + (self.size - (x1 - x0) * scale) / 2,
                           pic_y + (self.size - (y1 - y0) * scale) / 2)
            canv.scale(scale, scale)
            canv.translate(-x0, -y0)
            pictures.paint(canv, self.picture)
            canv.restoreState()
        text_x = 0 if self.rtl else self.size + self.gutter
        text_y = self.height - self.text_height if self.text_height >= self.size else \
            (self.height - self.text_height) / 2
        self.text.drawOn(canv, text_x, text_y)


class LinkCodeFlowable(Flowable):
    """A QR code (an artifact) in the column's start, its texts beside it (the caption, then the address);
    never split."""

    def __init__(self, url: str, texts: list[TaggedParagraph], size: float, colour, rtl: bool):
        super().__init__()
        self.url, self.texts, self.size, self.colour, self.rtl = url, texts, size, colour, rtl
        self.margin = qr.quiet_zone(url, size)

    def identity(self, maxLen=None):
        return self.texts[0].identity(maxLen)

    def wrap(self, availWidth, availHeight):
        self.text_width = availWidth - self.size - 2 * self.margin
        self.heights = [t.wrap(self.text_width, availHeight)[1] for t in self.texts]
        self.width, self.height = availWidth, max(self.size + 2 * self.margin, sum(self.heights))
        return self.width, self.height

    def draw(self):
        canv: TaggingCanvas = self.canv
        code_x = self.width - self.size - self.margin if self.rtl else self.margin
        with canv.artifact("Layout"):
            canv.saveState()
            canv.setFillColor(self.colour)
            qr.draw(canv, self.url, code_x, self.height - self.margin - self.size, self.size)
            canv.restoreState()
        text_x, y = (0 if self.rtl else self.size + 2 * self.margin), self.height
        for text, height in zip(self.texts, self.heights):
            y -= height
            text.drawOn(canv, text_x, y)


class KeepChain(Flowable):
    """Keep-with-next flowables (a heading, a lead-in ending in ":") and the one after them. Where they do not
    fit, they move whole to the next page unless that leaves more than a third of this one empty: then the
    first paragraph that does not fit splits (two lines each side, widows and orphans being off); a
    heading never does. wrap() reports more than the room, so the frame always asks split(), which hands
    it the flowables themselves (as ReportLab's KeepTogether does)."""

    def __init__(self, members: list[Flowable], page_height: float):
        super().__init__()
        self.members, self.page_height = members, page_height
        for m in members:  # the chain is decided here: ReportLab must not chain them again
            m.keepWithNext = 0

    def identity(self, maxLen=None):
        return self.members[0].identity(maxLen)

    def getSpaceBefore(self):
        return self.members[0].getSpaceBefore()

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, availHeight + 1
        return self.width, self.height

    def split(self, availWidth, availHeight):
        top = availHeight >= self.page_height - 1e-3  # at the top of a page: nothing is gained by moving
        used, prev_after = 0.0, None
        for i, m in enumerate(self.members):
            gap = 0.0 if prev_after is None else max(m.getSpaceBefore() - prev_after, 0)
            _, h = m.wrap(availWidth, availHeight - used - gap)
            if used + gap + h <= availHeight + 1e-6:
                used, prev_after = used + gap + h + m.getSpaceAfter(), m.getSpaceAfter()
                continue
            if _is_heading(m) or not isinstance(m, TaggedParagraph):
                return list(self.members) if top else []  # move whole, unless that gains nothing
            if availHeight <= self.page_height / 3 and not top:
                return []  # move whole: little room is lost
            room = availHeight - used - gap
            parts = m.split(availWidth, room) if room > 0 else []
            if len(parts) < 2:
                return list(self.members) if top else []
            for part in parts:  # a part's style keeps it with the next: ReportLab would chain them again
                part.keepWithNext = 0
            return [*self.members[:i], *parts, *self.members[i + 1:]]
        return list(self.members)  # it fits after all


def keep_chains(story: list[Flowable], page_height: float) -> list[Flowable]:
    """The story with each keep-with-next run and the flowable after it grouped in a KeepChain."""
    out: list[Flowable] = []
    run: list[Flowable] = []
    for i, f in enumerate(story):
        run.append(f)
        if i + 1 == len(story) or not f.getKeepWithNext() or isinstance(f, RLPageBreak):
            out.append(KeepChain(run, page_height) if len(run) > 1 else run[0])
            run = []
    return out


# --- the document -------------------------------------------------------

def flowables(plan: Plan, styles: Styles) -> list[Flowable]:
    layout = plan.layout
    space = layout.paragraph_space * layout.body
    out: list[Flowable] = []
    for item in plan.items:
        if isinstance(item, Text):
            out.append(paragraph(item, styles, layout))
        elif isinstance(item, Box):
            repeat = item.continued and LeafletParagraph(fonts.to_markup(list(item.continued.spans),
                                                                         item.continued.lang),
                                                         styles[item.continued.style], lang=item.continued.lang)
            out.append(BoxFlowable([paragraph(t, styles, layout) for t in item.items],
                                   padding=layout.body * 0.8, rule=max(1.0, layout.body / 8),
                                   colour=ink(layout.colours["rule"]), space_after=space,
                                   page_height=layout.page_size[1] - layout.margins[0] - layout.margins[2],
                                   repeat=repeat))
        elif isinstance(item, PictureRow):
            out.append(PictureRowFlowable(_drawing(item.picture), item.figure,
                                          paragraph(item.text, styles, layout), layout.picture,
                                          layout.gutter, fonts.is_rtl(plan.lang), space))
        elif isinstance(item, PageBreak):
            out.append(RLPageBreak())
        elif isinstance(item, LinkCode):
            out.append(LinkCodeFlowable(item.url, [paragraph(t, styles, layout) for t in item.texts],
                                        LINK_CODE_SIZE, ink(layout.colours["text"]), fonts.is_rtl(plan.lang)))
    return out


def _furniture(plan: Plan, styles: Styles):
    layout = plan.layout
    width, _ = layout.page_size
    top, right, bottom, left = layout.margins
    # Page numbers sit in the outer corner of the reading direction, the same on every page.
    style = ParagraphStyle("footer-aligned", parent=styles["footer"],
                           alignment=TA_LEFT if fonts.is_rtl(plan.lang) else TA_RIGHT)

    def draw(canv, page: int, pages: int) -> None:
        text = plan.footer.format(page=page, pages=pages)
        para = LeafletParagraph(fonts.to_markup([(text, False)], plan.lang), style)
        _, h = para.wrap(width - left - right, bottom)
        para.drawOn(canv, left, (bottom - h) / 2)
    return draw


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render(plan: Plan, info: DocInfo, tagged: bool = True,
           on_page: Callable[[int], None] | None = None) -> Rendered:
    """The PDF of a plan, tagged, reproducible: same plan, same bytes.

    `on_page(number)` is called as each page is laid out (numbered from 1), for progress."""
    layout = plan.layout
    styles = make_styles(layout, plan.lang)
    width, height = layout.page_size
    top, right, bottom, left = layout.margins
    story = keep_chains(flowables(plan, styles), height - top - bottom)
    out = io.BytesIO()

    def page_laid_out(canv: TaggingCanvas, doc: BaseDocTemplate) -> None:
        if on_page is not None:
            on_page(doc.page)
    doc = BaseDocTemplate(
        out, pagesize=(width, height), invariant=1, lang=plan.lang,
        title=info.title, author=info.author, subject=info.subject, creator=info.publisher,
        keywords=[f"{k}={v}" for k, v in sorted(info.keywords.items())], initialFontName=styles["body"].fontName,
        trimBox=(0, 0, width, height), bleedBox=(0, 0, width, height),
        artBox=(left, bottom, width - right, height - top),  # the text frame: the checker keeps text inside it
        pageTemplates=[PageTemplate("page", [Frame(left, bottom, width - left - right,
                                                   height - top - bottom, 0, 0, 0, 0, id="body")],
                                    onPageEnd=page_laid_out)])
    canvases: list[TaggingCanvas] = []

    def maker(*args, **kw) -> TaggingCanvas:
        canvases.append(TaggingCanvas(*args, info=info, furniture=_furniture(plan, styles), tagged=tagged, **kw))
        return canvases[-1]
    try:
        doc.build(story, canvasmaker=maker)
    except RLLayoutError as err:
        # ReportLab names the flowable through its identity(), which names the block.
        found = re.search(r"block '([^']+)'", str(err))
        raise RenderError(f"{found.group(0) if found else 'a block'} no longer fits on a page: "
                          "shorten it or split it into two blocks", found and found.group(1)) from err
    return Rendered(out.getvalue(), canvases[-1].pages)
