"""The shape of the code: modules and classes small enough to hold in mind, and the
dependencies' private internals each in the one module for that dependency."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "leaflets"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 200

# ReportLab internals the project leans on; tests/test_rlfixes.py checks each is still there.
REPORTLAB_PRIVATE = {"_code", "_doc", "_startPage", "__dict__", "__NoDefault__", "_timeStamp", "_dynFaceNames",
                     "_HSFrag", "_processed_frags", "_FK_TEXT", "_FK_BREAK", "_fkind", "sFW",
                     "makeShapedFragWord", "hbAddPrivate", "__shapeData__", "_splitpara", "blPara", "_textOut",
                     "_formatText", "_rise", "_y", "charWidths", "pdfScale",
                     "_absRect", "_addAnnotation", "_annotationrefs", "_linkRecord",
                     "_sdGuardL", "_sdSimple", "_curSubset", "_dynamicFont"}
PYPDF_PRIVATE = {"_objects", "_add_object"}
REPORTLAB_MODULES = {"rlfixes.py", "rlcanvas.py", "rlparagraph.py", "rlbreak.py", "rllinks.py", "rltounicode.py", "rltextobject.py"}
PYPDF_MODULES = {"merge.py"}


def _names(path: Path) -> set[str]:
    """Attribute names a module uses (also through getattr), overrides, and names it imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ClassDef):  # methods that override the library's
            found.update(item.name for item in node.body if isinstance(item, ast.FunctionDef))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("getattr", "hasattr", "setattr") \
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            found.add(node.args[1].value)
    return found


def _foreign_private(path: Path) -> set[str]:
    """Private attributes of other objects than self (or imported private names) a module uses."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and not (node.level and node.module is None):
            found.update(alias.name for alias in node.names if alias.name.startswith("_"))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_classes_small(path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines: split it where a reader would"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ClassDef):
            size = node.end_lineno - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"class {node.name} in {path.name} has {size} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependency_internals_stay_in_their_module(path):
    names = _names(path)
    if path.name not in REPORTLAB_MODULES:
        assert not names & REPORTLAB_PRIVATE, f"ReportLab internals outside the rl modules: {names & REPORTLAB_PRIVATE}"
    if path.name not in PYPDF_MODULES:
        assert not names & PYPDF_PRIVATE, f"pypdf internals outside merge.py: {names & PYPDF_PRIVATE}"
    if path.name not in REPORTLAB_MODULES | PYPDF_MODULES:
        assert not _foreign_private(path), f"private names of another library: {_foreign_private(path)}"


def test_private_name_lists_match_the_code():
    """Every listed internal is used somewhere, so the lists (and the internals test) stay current."""
    used = set().union(*(_names(p) for p in MODULES))
    assert (REPORTLAB_PRIVATE | PYPDF_PRIVATE) - used == set()
