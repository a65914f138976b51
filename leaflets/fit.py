"""Does a text fit its layout? Measured the way the render stage sets it.

Two things a translation can break that no catalogue check sees: a word wider
than its column (a long compound, a web address), which the paragraph breaks
across lines inside the margin (large print asks that no word is), and a
heading or an easy-read row that takes more lines than the layout allows
(`max_lines`). The plan's paragraphs are built and wrapped exactly as
render.py builds them, at their own column width.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reportlab.platypus.flowables import Flowable

from .model import MM
from .plan import Plan
from .render import BoxFlowable, PictureRowFlowable, TaggedParagraph, flowables, make_styles

# The layout's max_lines roles, by the structure type of a paragraph's own element.
ROLE_OF_ELEMENT = {"H1": "title", "H2": "heading", "H3": "heading"}


@dataclass(frozen=True)
class Misfit:
    block: str  # the id of the block the text belongs to
    message: str
    fix: str


def misfits(plan: Plan) -> list[Misfit]:
    """Every text of the plan that does not fit its column or its line limit."""
    layout = plan.layout
    width, _ = layout.page_size
    _, right, _, left = layout.margins
    column = width - left - right
    found: list[Misfit] = []
    for flowable in flowables(plan, make_styles(layout, plan.lang)):
        flowable.wrap(column, 1e6)  # measure every line, not one page's worth
        for paragraph, role in _paragraphs(flowable):
            found += _check(paragraph, role, plan)
    return found


def _paragraphs(flowable: Flowable) -> Iterator[tuple[TaggedParagraph, str | None]]:
    """The wrapped paragraphs of a flowable, each with its max_lines role."""
    if isinstance(flowable, TaggedParagraph):
        yield flowable, ROLE_OF_ELEMENT.get(flowable.path[-1].role)
    elif isinstance(flowable, BoxFlowable):
        for child in flowable.children:
            yield child, ROLE_OF_ELEMENT.get(child.path[-1].role)
    elif isinstance(flowable, PictureRowFlowable):
        yield flowable.text, "row"


def _check(paragraph: TaggedParagraph, role: str | None, plan: Plan) -> Iterator[Misfit]:
    layout = plan.layout
    block = paragraph.path[0].key.split("/")[0]
    where = f"{layout.name} ({layout.body:g} pt)"
    column = paragraph.width - paragraph.style.leftIndent - paragraph.style.rightIndent
    for word in dict.fromkeys(paragraph.broken_words()):
        yield Misfit(block, f"'{word}' is wider than its {column / MM:.0f} mm column in {where}: "
                     "it is broken across lines",
                     "break the word where the language allows (a hyphen, a space), or write it shorter")
    limit = layout.max_lines.get(role) if role else None
    lines = len(paragraph.line_texts())
    if limit is not None and lines > limit:
        yield Misfit(block, f"the {role} takes {lines} lines in {where}, more than the {limit} the layout allows",
                     f"shorten the {role}")
