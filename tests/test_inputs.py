"""Layouts, packs and pictures are read like sources: every problem names the file
and the line and says what to write instead, all problems of a file at once."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from leaflets.load import load_layout, load_pictures
from leaflets.pack import load_definition
from leaflets.reader import InputError

from .conftest import ROOT, run_publish

# "file:line: message" then "    fix: ...", as for sources.
MESSAGE_RE = re.compile(r"^(?:error: )?(?P<file>\S+\.yaml):(?P<line>\d+): (?P<message>.+)\n    fix: (?P<fix>.+)$", re.M)

PACK = """\
name: test-pack
clinic: Test clinic
items:
  - {leaflet: crafting-connections, lang: en, format: standard, copies: 10}
  - {leaflet: relationship-with-your-baby, lang: en, format: standard, copies: 5}
"""


def line_of(text: str, words: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if words in line)


def problems(call) -> list[tuple[int, str, str]]:
    """(line, message, fix) of each problem the call raises."""
    with pytest.raises(InputError) as caught:
        call()
    return [(p.where.line, p.message, p.fix) for p in caught.value.problems]


@pytest.fixture
def layouts(tmp_path) -> Path:
    copy = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", copy)
    return copy


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path.read_text()


def write_pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(text)
    return path


# -- what the project ships reads without a problem --

@pytest.mark.parametrize("name", ["large-print", "easy-read", "standard"])
def test_shipped_layouts_load(name):
    layout = load_layout(ROOT / "layouts" / f"{name}.yaml")
    assert layout.name == name and all(layout.size(role) >= layout.min_size for role in layout.scale)


@pytest.mark.parametrize("path", sorted((ROOT / "packs").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_packs_load(path):
    assert load_definition(path).name == path.stem


# -- layouts --

def test_layout_unknown_key_says_did_you_mean(layouts):
    path = layouts / "standard.yaml"
    text = edit(path, "colours:", "colors:")
    found = problems(lambda: load_layout(path))
    assert (line_of(text, "colors:"), "unknown field 'colors' in the layout") in [(n, m) for n, m, _ in found]
    fix = next(fix for _, message, fix in found if "'colors'" in message)
    assert fix.startswith("did you mean 'colours'?")


def test_layout_missing_field(layouts):
    path = layouts / "standard.yaml"
    edit(path, "body_pt: 12\n", "")
    assert ("the layout has no 'body_pt'", "add 'body_pt:' with a number above 0") in \
        [(m, f) for _, m, f in problems(lambda: load_layout(path))]


def test_layout_wrong_type(layouts):
    path = layouts / "standard.yaml"
    text = edit(path, "line_spacing: 1.35", "line_spacing: wide")
    assert problems(lambda: load_layout(path)) == [
        (line_of(text, "line_spacing"), "'line_spacing' in the layout must be a number of 1 or more, not 'wide'",
         "write a number of 1 or more")]


def test_layout_page_did_you_mean(layouts):
    path = layouts / "standard.yaml"
    edit(path, "page: A5", "page: a5")
    (_, message, fix), = problems(lambda: load_layout(path))
    assert message == "unknown page 'a5' in the layout" and fix == "did you mean 'A5'? use one of: A4, A5"


def test_layout_contrast_below_7_to_1(layouts):
    path = layouts / "large-print.yaml"
    text = edit(path, 'text: "#000000"', 'text: "#666666"')
    (line, message, fix), = problems(lambda: load_layout(path))
    assert line == line_of(text, "colours:")
    assert "contrast 5.74:1, under 7:1 (WCAG 1.4.6)" in message and "darker 'text'" in fix


def test_layout_colour_must_be_rrggbb(layouts):
    path = layouts / "standard.yaml"
    edit(path, 'rule: "#000000"', 'rule: "black"')
    (_, message, fix), = problems(lambda: load_layout(path))
    assert message == "'black' is not a colour in 'rule' in 'colours'" and "#RRGGBB" in fix


def test_layout_page_numbers_under_min_pt(layouts):
    path = layouts / "standard.yaml"
    text = edit(path, "footer: 0.85", "footer: 0.8")
    assert problems(lambda: load_layout(path)) == [
        (line_of(text, "footer:"), "'footer' in 'scale' makes page numbers 9.6 pt, under 'min_pt' 10 pt",
         "raise 'footer' to at least 0.84")]


def test_layout_size_range_low_to_high(layouts):
    path = layouts / "large-print.yaml"
    text = edit(path, "size_range: [16, 36]", "size_range: [36, 16]")
    assert problems(lambda: load_layout(path)) == [
        (line_of(text, "size_range"), "'size_range' in the layout goes down, from 36 to 16",
         "write the smaller size first: [16, 36]")]


@pytest.mark.parametrize("sizes, message", [
    ("[24, 40]", "40 pt in 'also_sizes' is outside 'size_range' (16 to 36 pt)"),
    ("[24, 18]", "18 pt is listed twice (the body size, 'body_pt', is always published)"),
    ("24", "'also_sizes' in the layout must be a list of sizes"),
])
def test_layout_also_sizes_within_range_and_once(layouts, sizes, message):
    path = layouts / "large-print.yaml"
    text = edit(path, "also_sizes: [24, 28]", f"also_sizes: {sizes}")
    (line, found, fix), = problems(lambda: load_layout(path))
    assert (line, found) == (line_of(text, "also_sizes"), message) and "also_sizes" in fix or "once" in fix


def test_size_option_out_of_range_or_not_large_print():
    (_, message, _), = problems(lambda: load_layout(ROOT / "layouts" / "large-print.yaml", 40))
    assert message == "--size 40 is out of range: choose 16 to 36 pt"
    (_, message, _), = problems(lambda: load_layout(ROOT / "layouts" / "standard.yaml", 20))
    assert message == "--size applies only to large print, not to 'standard'"


def test_size_option_keeps_nothing_smaller_than_the_body(layouts):
    path = layouts / "large-print.yaml"
    text = edit(path, "small: 1.0", "small: 0.9")
    assert load_layout(path).size("small") == 16.2  # 18 pt × 0.9: at least min_pt 16
    (line, message, _), = problems(lambda: load_layout(path, 20))
    assert line == line_of(text, "small:") and "makes small print 18 pt, under --size 20 pt" in message
    sized = load_layout(ROOT / "layouts" / "large-print.yaml", 28)
    assert (sized.body, sized.min_size, sized.custom_size) == (28, 28, True)
    # The layout's own size is its own PDF (x.large-print.pdf), not a copy named -18pt.
    assert load_layout(ROOT / "layouts" / "large-print.yaml", 18) == load_layout(ROOT / "layouts" / "large-print.yaml")


def test_bad_layout_through_publish(layouts, tmp_path):
    text = edit(layouts / "standard.yaml", "colours:", "colors:")
    result = run_publish("build", "--layouts", str(layouts), "--format", "standard", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    found = [m.groupdict() for m in MESSAGE_RE.finditer(result.stderr)]
    assert {"file": str(layouts / "standard.yaml"), "line": str(line_of(text, "colors:")),
            "message": "unknown field 'colors' in the layout",
            "fix": "did you mean 'colours'? use only: also_sizes, body_pt, colours, content, description, "
                   "gutter_mm, indent, line_spacing, margins_mm, max_lines, min_pt, name, page, paragraph_space, "
                   "picture_mm, scale, size_range"} in found, result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


# -- packs --

def test_pack_unknown_key_says_did_you_mean(tmp_path):
    path = write_pack(tmp_path, PACK.replace("items:", "itmes:"))
    found = problems(lambda: load_definition(path))
    assert (3, "unknown field 'itmes' in the pack",
            "did you mean 'items'? use only: binding, clinic, items, lang, name, order, print_marks, split") in found
    assert (1, "the pack has no 'items'", "add 'items:' with a list of leaflets") in found


def test_pack_missing_field(tmp_path):
    path = write_pack(tmp_path, PACK.replace("clinic: Test clinic\n", ""))
    assert problems(lambda: load_definition(path)) == [
        (1, "the pack has no 'clinic'", "add 'clinic: ...' to the pack")]


def test_pack_wrong_type(tmp_path):
    path = write_pack(tmp_path, "name: test-pack\nclinic: Test clinic\nitems: crafting-connections\n")
    (line, message, fix), = problems(lambda: load_definition(path))
    assert line == 3 and message == "'items' in the pack must be a non-empty list of leaflets"
    assert fix.startswith("write one '- {leaflet: crafting-connections, lang: en, format: large-print")


@pytest.mark.parametrize("copies,shown", [("true", "'true'"), ("0", "'0'"), ("10001", "'10001'"), ("2.5", "'2.5'"),
                                          ('"10"', "'10' (in quotes, so a text)")])
def test_pack_copies_must_be_a_whole_number(tmp_path, copies, shown):
    path = write_pack(tmp_path, PACK.replace("copies: 10", f"copies: {copies}"))
    (line, message, _), = problems(lambda: load_definition(path))
    assert line == 4
    assert message == f"'copies' in item 1 of 'items' must be a whole number from 1 to 10000, not {shown}"


def test_pack_duplicate_item(tmp_path):
    path = write_pack(tmp_path, PACK + "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 3}\n")
    assert problems(lambda: load_definition(path)) == [
        (6, "item 3 repeats crafting-connections, en, standard (first on line 4)",
         "list it once, with the copies added together")]


@pytest.mark.parametrize("name", ["../../etc/evil", "My Clinic", "ward.pdf"])
def test_pack_name_must_be_a_safe_file_name(tmp_path, name):
    path = write_pack(tmp_path, PACK.replace("name: test-pack", f"name: {name}"))
    assert problems(lambda: load_definition(path)) == [
        (1, f"name '{name}' in the pack is not valid: it becomes part of a file name",
         "use lower-case letters, digits and hyphens, e.g. 'name: postnatal-ward-a4'")]


def test_pack_reports_every_problem_in_line_order(tmp_path):
    path = write_pack(tmp_path, """\
items:
  - {leaflet: crafting-connections, lang: en, format: large_print, copies: 0}
  - {leaflet: crafting-connections, lang: en, format: standard, copeis: 3}
clinic: Test clinic
name: ../evil
""")
    found = problems(lambda: load_definition(path))
    assert [line for line, _, _ in found] == [2, 2, 3, 3, 5]
    assert found[0][1:] == ("unknown format 'large_print' in item 1 of 'items'",
                            "did you mean 'large-print'? use one of: large-print, easy-read, standard")
    assert "'copies' in item 1" in found[1][1]
    assert found[2][1:] == ("unknown field 'copeis' in item 2 of 'items'",
                            "did you mean 'copies'? use only: copies, format, lang, leaflet")
    assert found[3][1] == "item 2 of 'items' has no 'copies'"
    assert found[4][1].startswith("name '../evil' in the pack is not valid")


def test_bad_pack_through_publish(tmp_path):
    path = write_pack(tmp_path, PACK.replace("copies: 10", "copies: true").replace("test-pack", "../../etc/evil"))
    result = run_publish("pack", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    found = [m.groupdict() for m in MESSAGE_RE.finditer(result.stderr)]
    assert found == [
        {"file": str(path), "line": "1",
         "message": "name '../../etc/evil' in the pack is not valid: it becomes part of a file name",
         "fix": "use lower-case letters, digits and hyphens, e.g. 'name: postnatal-ward-a4'"},
        {"file": str(path), "line": "4",
         "message": "'copies' in item 1 of 'items' must be a whole number from 1 to 10000, not 'true'",
         "fix": "write a whole number from 1 to 10000"}], result.stderr
    assert not (tmp_path / "out").exists()


def test_unreadable_and_broken_pack(tmp_path):
    (_, message, _), = problems(lambda: load_definition(tmp_path / "missing.yaml"))
    assert message == "cannot read the file: No such file or directory"
    path = write_pack(tmp_path, "name: x\nitems: [\n")
    (line, message, _), = problems(lambda: load_definition(path))
    assert line == 3 and message.startswith("this is not valid YAML")


# -- pictures --

def test_pictures_as_a_list_is_named_at_its_line(tmp_path):
    path = tmp_path / "pictures.yaml"
    path.write_text("# OpenMoji pictures\n\n- baby: 1F476\n- family: 1F46A\n")
    assert problems(lambda: load_pictures(path)) == [
        (3, "the picture list is a list, not a mapping", "write one 'name: code' line per picture, e.g. 'baby: 1F476'")]


def test_picture_code_is_checked(tmp_path):
    path = tmp_path / "pictures.yaml"
    path.write_text("baby: 1F476\nfamily: 1f46a\n")
    (line, message, _), = problems(lambda: load_pictures(path))
    assert line == 2 and message == "'1f46a' is not an OpenMoji code in picture 'family'"


def test_bad_pictures_through_publish(tmp_path, sources_copy):
    (sources_copy / "pictures.yaml").write_text("- baby: 1F476\n")
    for command in (["build", "--format", "standard", "--out", str(tmp_path / "out")], ["extract"]):
        result = run_publish(*command, "--sources", str(sources_copy), "--translations", str(tmp_path))
        assert result.returncode == 1
        assert f"{sources_copy / 'pictures.yaml'}:1: the picture list is a list, not a mapping\n    fix: " \
            in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["../../x", "/tmp/evil", "My Clinic"])
def test_pack_names_never_leave_the_packs_folder(tmp_path, name):
    pack = tmp_path / "pack.yaml"
    pack.write_text(f'name: "{name}"\nclinic: Test\nitems:\n'
                    "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 1}\n", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    result = run_publish("pack", str(pack), "--out", str(out))
    assert result.returncode == 1 and f"{pack}:1: name" in result.stderr and "fix:" in result.stderr
    assert not (tmp_path / "x.pdf").exists() and not Path("/tmp/evil.pdf").exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_pack_mixing_page_sizes_names_the_lines(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("name: mixed\nclinic: Test\nitems:\n"
                    "  - {leaflet: crafting-connections, lang: en, format: large-print, copies: 1}\n"
                    "  - {leaflet: crafting-connections, lang: en, format: standard, copies: 1}\n", encoding="utf-8")
    result = run_publish("pack", str(pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{pack}:5: a pack holds one page size: its first leaflet is A4, but not line 5 (standard, A5)" \
        in result.stderr and "fix: put the A4 and the A5 leaflets in two packs" in result.stderr
