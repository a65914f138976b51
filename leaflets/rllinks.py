"""Web and e-mail addresses in a paragraph, made links: the ReportLab side.

A paragraph's frags are cut at each address (`https://…`, `http://…`,
`www.…`, `name@example.org`), and the address's frags get ReportLab's own
`link` attribute, as its `<a href>` markup would give them (our markup
escapes all text, so never does). ReportLab then, while drawing each line:
- calls the text object's `_linkRecord(link, "start" | "end")` where the
  address starts and ends (LeafletParagraph's text object puts the address's
  marked content there, nested in its paragraph's: `TaggingCanvas.link_mark`;
  the paragraph's element then gets its whole text as /ActualText, as the
  nested address is no longer in reading order in its marked content);
- calls the canvas's `linkURL(uri, rect)` for each line-piece of it
  (`TaggingCanvas.linkURL` makes the tagged annotation).
A link frag also gets `backColor=None`: a paragraph that is one link frag
would otherwise be drawn by ReportLab's one-font path (lines of plain words),
which calls neither hook.

Every ReportLab internal it leans on is covered by tests/test_rlfixes.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Address", "addresses", "link_frags", "links_in", "has_links"]

# ASCII only: an address ends where the letters of another script (Chinese, Arabic) begin.
_ADDRESS = re.compile(r"(?:(?<![A-Za-z0-9])https?://|(?<![A-Za-z0-9.])www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
                      r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"\u2019\u201d\u00bb"  # punctuation after an address is the sentence's


@dataclass(frozen=True)
class Address:
    start: int
    end: int
    text: str  # as written: the link's description and its element's text
    uri: str   # what the link opens


def addresses(text: str) -> list[Address]:
    """The web and e-mail addresses in `text`, in order."""
    lowered = text.lower()
    if "@" not in text and "www." not in lowered and "http" not in lowered:  # most texts: no regex needed
        return []
    out = []
    for m in _ADDRESS.finditer(text):
        found = m.group(0).rstrip(_TRAILING)
        if found.count("(") < found.count(")"):  # "(see www.x.org)": the bracket is the sentence's
            found = found[:found.rfind(")")]
        if "." not in found.split("@")[-1].split("//")[-1]:
            continue
        if "@" in found and "/" not in found:
            uri = f"mailto:{found}"
        elif found.lower().startswith("www."):
            uri = f"https://{found}"
        else:
            uri = found
        out.append(Address(m.start(), m.start() + len(found), found, uri))
    return out


def link_frags(frags: list[Any]) -> list[Any]:
    """The paragraph's frags (as parsed), cut at each address, its frags linked; `frags` itself if it has none."""
    texts = ["" if hasattr(f, "cbDefn") or hasattr(f, "lineBreak") else getattr(f, "text", "") for f in frags]
    found = addresses("".join(texts))
    if not found:
        return frags
    out: list[Any] = []
    pos = 0
    for f, t in zip(frags, texts):
        start, end = pos, pos + len(t)
        pos = end
        cuts = sorted({start, end} | {x for a in found for x in (a.start, a.end) if start < x < end})
        if not t:
            out.append(f)
            continue
        for a, b in zip(cuts, cuts[1:]):
            hit = next((i for i, ad in enumerate(found) if ad.start <= a and b <= ad.end), None)
            if hit is None:
                out.append(f if (a, b) == (start, end) else f.clone(text=t[a - start:b - start]))
            else:  # ReportLab's link: [(key, uri)]; the key (index, address) is sorted with its line's others
                out.append(f.clone(text=t[a - start:b - start], link=[((hit, found[hit].text), found[hit].uri)],
                                   backColor=None))
    return out


def links_in(frags: list[Any]) -> bool:
    """Whether a paragraph's frags (as parsed, or its frag words once wrapped) hold a link."""
    return any(getattr(f, "link", None) for w in frags for f in ([p for p, _ in w[1:]] if isinstance(w, list) else [w]))


def has_links(bl: Any) -> bool:
    """Whether lines broken by ReportLab (blPara) draw a link."""
    return bl.kind == 1 and any(getattr(f, "link", None) for line in bl.lines for f in line.words)
