"""The structure-tree walk: elements in document order, role mapping, and what is malformed.

Nothing here judges: an element in the wrong place or a marked-content
reference without a page is recorded, and a rule reports it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf

from .pdf import Key, key, kids, name, num

# ISO 32000-1 standard structure types (Matterhorn 01-006 lists the same set).
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 "
    "H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry "
    "Code Link Annot Ruby Warichu RB RT RP WT WP Figure Formula Form".split())


@dataclass(frozen=True)
class BadParent:
    """An element whose place in the tree is wrong: listed a second time, or its /P is not its holder."""
    obj: int  # object number
    role: str
    holder: str  # whose /K lists it: "StructTreeRoot" or e.g. "Sect obj 12"
    parent: int | None  # object number of its /P; None: it has none
    twice: bool = False  # listed again after it was met once


@dataclass(frozen=True)
class PagelessMark:
    """Marked content an element holds without saying on which page."""
    obj: int
    role: str
    mcid: int | None  # the MCID held directly; None: held through an MCR dictionary


def role_chain(role: str, rolemap: dict[str, str]) -> tuple[str, ...]:
    """The types a structure type's role mapping passes through. It ends with a standard type, with an
    unmapped type, or (circular) with a type met before."""
    chain = [role]
    while chain[-1] not in STANDARD_TYPES:
        target = rolemap.get(chain[-1])
        if target is None:
            break
        chain.append(target)
        if target in chain[:-1]:
            break
    return tuple(chain)


@dataclass
class TreeElement:
    """One structure element while the walks run; facts.py freezes it into an Element."""
    obj: pikepdf.Dictionary
    key: Key
    role: str  # /S as written
    type: str  # after role mapping
    parent: TreeElement | None
    page: Key | None  # /Pg
    lang: str | None  # own /Lang
    marks: list[tuple[Key, int]] = field(default_factory=list)  # (content stream, MCID)
    objrs: list[Key] = field(default_factory=list)

    def effective_lang(self) -> str | None:
        node: TreeElement | None = self
        while node is not None:
            if node.lang:
                return node.lang
            node = node.parent
        return None


@dataclass
class Tree:
    rolemap: list[tuple[str, str]] = field(default_factory=list)
    role_chains: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by role, in order of first use
    elements: list[TreeElement] = field(default_factory=list)  # depth first, document order
    by_key: dict[Key, TreeElement] = field(default_factory=dict)
    bad_parents: list[BadParent] = field(default_factory=list)
    pageless_marks: list[PagelessMark] = field(default_factory=list)
    lang_values: list[tuple[str, str]] = field(default_factory=list)  # (where, value)


def walk_tree(root: pikepdf.Dictionary) -> Tree:
    tree = Tree()
    rolemap = root.get("/RoleMap")
    if isinstance(rolemap, pikepdf.Dictionary):
        tree.rolemap = [(role[1:], name(target)) for role, target in rolemap.items()]
    mapping = dict(tree.rolemap)

    def visit(node: pikepdf.Dictionary, parent: TreeElement | None, parent_obj) -> None:
        node_key = key(node)
        role = name(node.get("/S"))
        holder = f"{parent.role} obj {parent.key[0]}" if parent else "StructTreeRoot"
        if node_key in tree.by_key:
            tree.bad_parents.append(BadParent(node_key[0], role, holder, None, twice=True))
            return
        if role not in tree.role_chains:
            tree.role_chains[role] = role_chain(role, mapping)
        chain = tree.role_chains[role]
        p = node.get("/P")
        if p is None or key(p) != key(parent_obj):
            tree.bad_parents.append(BadParent(node_key[0], role, holder, None if p is None else p.objgen[0]))
        pg = node.get("/Pg")
        lang = node.get("/Lang")
        el = TreeElement(node, node_key, role, chain[-1] if chain[-1] in STANDARD_TYPES else role, parent,
                         key(pg) if pg is not None else None, str(lang) if lang is not None else None)
        if lang is not None:
            tree.lang_values.append((f"{role} element obj {node_key[0]}", str(lang)))
        tree.elements.append(el)
        tree.by_key[node_key] = el
        for kid in kids(node.get("/K")):
            if isinstance(kid, int):
                if el.page is None:
                    tree.pageless_marks.append(PagelessMark(node_key[0], role, int(kid)))
                else:
                    el.marks.append((el.page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                kind = name(kid.get("/Type"))
                if kind == "MCR":
                    stm, kpg = kid.get("/Stm"), kid.get("/Pg")
                    owner = stm if stm is not None else kpg
                    content = key(owner) if owner is not None else el.page
                    if content is None:
                        tree.pageless_marks.append(PagelessMark(node_key[0], role, None))
                    else:
                        el.marks.append((content, int(num(kid.get("/MCID"), -1))))
                elif kind == "OBJR":
                    obj = kid.get("/Obj")
                    if obj is not None:
                        el.objrs.append(key(obj))
                elif "/S" in kid:
                    visit(kid, el, node)

    for kid in kids(root.get("/K")):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            visit(kid, None, root)
    return tree
