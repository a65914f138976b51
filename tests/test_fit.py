"""Layout fit: words wider than their column, and titles, headings and rows over the layout's max_lines."""
from __future__ import annotations

import dataclasses

import pytest

from leaflets.catalogue import catalogue
from leaflets.fit import misfits
from leaflets.layout import Context, lay_out
from leaflets.load import load_layout, load_sources
from leaflets.model import FORMATS, Heading, Row
from leaflets.translate import translate

from .conftest import ROOT

URL = "https://www.lullabytrust.org.uk/safer-sleep-advice/sleeping-bags-and-blankets/"


@pytest.fixture(scope="module")
def loaded():
    sources = load_sources(ROOT / "sources")
    return {leaflet.id: leaflet for leaflet in sources.leaflets}, sources.pictures


def plan_of(leaflet, fmt: str, pictures):
    cat = catalogue(ROOT / "translations", "en", "en")
    layout = load_layout(ROOT / "layouts" / f"{fmt}.yaml")
    return lay_out(translate(leaflet, cat).leaflet, layout, cat, Context(pictures=pictures))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_english_leaflets_fit(loaded, fmt):
    leaflets, pictures = loaded
    for leaflet in leaflets.values():
        assert misfits(plan_of(leaflet, fmt, pictures)) == []


def test_a_web_address_wider_than_its_column(loaded):
    """It no longer runs past the margin: the paragraph breaks it, and fit says so (large print asks it not be)."""
    leaflets, pictures = loaded
    leaflet = leaflets["crafting-connections"]
    first = leaflet.blocks[0]
    changed = dataclasses.replace(leaflet, blocks=(dataclasses.replace(first, text=f"See {URL} today."),
                                                   *leaflet.blocks[1:]))
    found = misfits(plan_of(changed, "large-print", pictures))
    assert [m.block for m in found] == [first.id]
    assert found[0].message == f"'{URL}' is wider than its 170 mm column in large-print (18 pt): it is broken across lines"


def test_a_heading_and_a_row_over_their_line_limits(loaded):
    leaflets, pictures = loaded
    leaflet = leaflets["crafting-connections"]
    long_heading = " ".join(["Feelings after the birth of your baby"] * 4)
    easy = tuple(dataclasses.replace(b, text=long_heading) if isinstance(b, Heading) and i == 0 else
                 dataclasses.replace(b, text=" ".join([b.text] * 3)) if isinstance(b, Row) and i == 1 else b
                 for i, b in enumerate(leaflet.easy_read))
    found = misfits(plan_of(dataclasses.replace(leaflet, easy_read=easy), "easy-read", pictures))
    messages = {m.block: m.message for m in found}
    assert set(messages) == {easy[0].id, easy[1].id}
    assert "the heading takes 4 lines in easy-read (18 pt), more than the 2 the layout allows" in messages[easy[0].id]
    assert "the row takes" in messages[easy[1].id] and "more than the 6" in messages[easy[1].id]
