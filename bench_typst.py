"""Typst (PyPI `typst`, installed by `make bench` only) as the yardstick of bench.py.

`source` writes, from the plan a leaflet is rendered from, the Typst document a careful author would write
for the same leaflet: the same font files, page size, margins, sizes, leading, paragraph spacing, headings,
lists with their labels, bold, pictures (the same SVG files, with their descriptions), the page numbers of
the footer, and tagging on (PDF/UA-1). The rest times whole processes: a fresh interpreter per run, its
wall clock and peak memory, and render workers of another checkout (the code before a change), which
bench.py asks for one render at a time, taking turns with the current code.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from leaflets import fontfiles, fonts
from leaflets.model import Layout
from leaflets.plan import Box, DocInfo, Elem, PageBreak, PictureRow, Plan, Text

ROOT = Path(__file__).resolve().parent
WORK = ROOT / ".cache" / "bench"
STANDARDS = ["ua-1"]
# Line boxes one em tall (baseline at 0.8 em), so that a baseline-to-baseline distance of L asks for a
# leading of L - 1 em, as ReportLab's leading is measured.
EDGES = "top-edge: 0.8em, bottom-edge: -0.2em"
HEADING_LEVELS = {"title": 1, "h2": 2, "h3": 3}


# --- the Typst document -----------------------------------------------------------

def _string(text: str) -> str:
    """A Typst string literal: the text as data (no markup, no smart quotes)."""
    return '"' + re.sub(r'[\\"\x00-\x1f]', lambda m: "\\" + m.group() if m.group() in '\\"'
                        else f"\\u{{{ord(m.group()):x}}}", text) + '"'


def _pt(value: float) -> str:
    return f"{value:.3f}pt"


def families(lang: str) -> list[str]:
    """The families a text in `lang` is set in, best first: its own text family, then the Latin ones."""
    return list(dict.fromkeys([fonts.text_family(lang), *fontfiles.table().scripts.get("latin", ())]))


def _fonts(names: Iterable[str]) -> str:
    return "(" + "".join(f"{_string(name)}, " for name in names) + ")"


def _lang(code: str) -> str:
    return code.split("-")[0].split("_")[0]


def _inline(item: Text, bold: bool = True) -> str:
    """A paragraph's spans: strings, bold ones strong, each phrase in another language in its own language
    and font (the names of the languages on the back page)."""
    named = sorted((p for p in item.named if _lang(p[1]) != _lang(item.lang)), key=lambda p: -len(p[0]))
    pattern = re.compile("|".join(re.escape(text) for text, _ in named)) if named else None
    codes = dict(named)
    out = []
    for text, strong in item.spans:
        pieces = []
        start = 0
        for found in pattern.finditer(text) if pattern else ():
            pieces.append(f"#{_string(text[start:found.start()])}")
            code = codes[found.group()]
            pieces.append(f"#text(lang: {_string(_lang(code))}, font: {_fonts(families(code))})"
                          f"[#{_string(found.group())}]")
            start = found.end()
        pieces.append(f"#{_string(text[start:])}")
        joined = "".join(pieces)
        out.append(f"#strong[{joined}]" if strong and bold else joined)
    return "".join(out)


@dataclass(frozen=True)
class _Style:
    size: float
    leading: float  # baseline to baseline
    before: float
    after: float


def _styles(layout: Layout, lang: str) -> dict[str, _Style]:
    """The project's own sizes, leading and spacing per style (leaflets.styles makes them for ReportLab)."""
    from leaflets.styles import make_styles
    return {name: _Style(s.fontSize, s.leading, s.spaceBefore, s.spaceAfter)
            for name, s in make_styles(layout, lang).items()}


def _rules(plan: Plan) -> str:
    """Text, paragraph, heading and list rules for a plan's layout and language."""
    layout, styles = plan.layout, _styles(plan.layout, plan.lang)
    body = styles["body"]
    # A ReportLab paragraph is as tall as its lines' leading; a Typst one is shorter by a leading's extra
    # space (the last line's), which the spacing below it adds back.
    extra = body.leading - body.size
    lines = [
        f"#set text(font: {_fonts(families(plan.lang))}, size: {_pt(body.size)}, lang: {_string(_lang(plan.lang))}, "
        f"{EDGES}, hyphenate: false, fill: rgb({_string(layout.colours['text'])}))",
        f"#set par(leading: {_pt(extra)}, spacing: {_pt(body.after + extra)}, justify: false)",
        f"#set block(spacing: {_pt(body.after + extra)})",
    ]
    for name, level in HEADING_LEVELS.items():
        s = styles[name]
        lines.append(f"#show heading.where(level: {level}): set text(size: {_pt(s.size)}, weight: \"bold\")")
        lines.append(f"#show heading.where(level: {level}): set par(leading: {_pt(s.leading - s.size)})")
        lines.append(f"#show heading.where(level: {level}): set block(above: {_pt(s.before + extra)}, "
                     f"below: {_pt(s.after + s.leading - s.size)})")
    return "\n".join(lines)


def _document(info: DocInfo) -> str:
    keywords = ", ".join(_string(f"{k}={v}") for k, v in sorted(info.keywords.items()))
    return (f"#set document(title: {_string(info.title)}, author: {_string(info.author)}, "
            f"description: {_string(info.subject)}, keywords: ({keywords},), "
            f"date: datetime(year: {info.date.year}, month: {info.date.month}, day: {info.date.day}))")


def _page(plan: Plan) -> str:
    layout = plan.layout
    width, height = layout.page_size
    top, right, bottom, left = layout.margins
    footer = _styles(layout, plan.lang)["footer"]
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", plan.footer):
        if piece == "{page}":
            parts.append("#counter(page).display()")
        elif piece == "{pages}":
            parts.append("#str(counter(page).final().first())")
        elif piece:
            parts.append(f"#{_string(piece)}")
    # The project centres the footer's line in the bottom margin.
    descent = (bottom - footer.leading) / 2
    return (f"#set page(width: {_pt(width)}, height: {_pt(height)}, "
            f"margin: (top: {_pt(top)}, right: {_pt(right)}, bottom: {_pt(bottom)}, left: {_pt(left)}), "
            f"footer-descent: {_pt(descent)}, "
            f"footer: context align(end, text(size: {_pt(footer.size)})[{''.join(parts)}]))")


class _Writer:
    """Typst markup for a plan's items, one after another."""

    def __init__(self, plan: Plan, root: Path):
        self.plan, self.root = plan, root
        self.styles = _styles(plan.layout, plan.lang)
        self.out: list[str] = []

    def text(self, item: Text) -> str:
        level = HEADING_LEVELS.get(item.style)
        if level is not None:
            return (f"#heading(level: {level}, outlined: false, bookmarked: {str(item.outline is not None).lower()})"
                    f"[{_inline(item, bold=False)}]")
        content = _inline(item)
        if item.lang != self.plan.lang:
            content = f"#text(lang: {_string(_lang(item.lang))}, font: {_fonts(families(item.lang))})[{content}]"
        style = self.styles[item.style]
        if item.style != "body":
            content = f"#[#set text(size: {_pt(style.size)});#set par(leading: {_pt(style.leading - style.size)});" \
                      f"{content}]"
        if item.indent and not item.label:
            content = f"#pad(left: {_pt(self.plan.layout.indent * self.plan.layout.body * item.indent)})[{content}]"
        if item.keep_with_next:
            content = f"#block(sticky: true)[{content}]"
        return content

    def items(self, items: Sequence) -> None:
        i = 0
        while i < len(items):
            item = items[i]
            if isinstance(item, Text) and item.label is not None:
                group = [item]
                while i + len(group) < len(items) and self._same_list(item, items[i + len(group)]):
                    group.append(items[i + len(group)])
                self.out.append(self.list(group))
                i += len(group)
                continue
            if isinstance(item, Text):
                self.out.append(self.text(item))
            elif isinstance(item, Box):
                self.out.append(self.box(item))
            elif isinstance(item, PictureRow):
                self.out.append(self.picture_row(item))
            elif isinstance(item, PageBreak):
                self.out.append("#pagebreak(weak: true)")
            i += 1

    @staticmethod
    def _list_elem(item: Text) -> Elem | None:
        return next((e for e in item.path if e.role == "L"), None)

    def _same_list(self, first: Text, other) -> bool:
        return isinstance(other, Text) and other.label is not None and self._list_elem(other) == self._list_elem(first)

    def list(self, group: list[Text]) -> str:
        """One list: the label at a quarter of the indent, the words at the indent, as the project sets them."""
        layout = self.plan.layout
        body = self.styles["body"]
        width = layout.indent * layout.body * (group[0].indent or 1.0)
        face = fonts.font_name("latin", self.plan.lang, False)
        label = max(pdfmetrics.stringWidth(t.label.text, face, body.size) for t in group)
        common = (f"indent: {_pt(width * 0.25)}, body-indent: {_pt(max(width * 0.75 - label, 0))}, "
                  f"spacing: {_pt(body.after + body.leading - body.size)}, tight: false")
        if all(t.label.text.rstrip(".").isdigit() for t in group):
            entries = ", ".join(f"enum.item({int(t.label.text.rstrip('.'))})[{self.text(t)}]" for t in group)
            return f"#enum({common}, {entries})"
        entries = ", ".join(f"[{self.text(t)}]" for t in group)
        return f"#list(marker: [#{_string(group[0].label.text)}], {common}, {entries})"

    def box(self, item: Box) -> str:
        layout = self.plan.layout
        inner = _Writer(self.plan, self.root)
        inner.items(item.items)
        rule = max(1.0, layout.body / 8)
        return (f"#block(width: 100%, breakable: true, inset: {_pt(layout.body * 0.8)}, "
                f"stroke: {_pt(rule)} + rgb({_string(layout.colours['rule'])}))[\n" + "\n\n".join(inner.out) + "\n]")

    def picture_row(self, item: PictureRow) -> str:
        layout = self.plan.layout
        path = "/" + item.picture.resolve().relative_to(self.root).as_posix()
        # The project scales the artwork, not its padded canvas, to the picture size, centred.
        size = layout.picture
        width, height, (x0, y0, x1, y1) = _artwork(item.picture)
        scale = size / max(x1 - x0, y1 - y0)
        dx = (size - (x1 - x0) * scale) / 2 - x0 * scale
        dy = (size - (y1 - y0) * scale) / 2 - (height - y1) * scale
        # Both sizes given: with the width alone, Typst fits the image into the block's height.
        image = (f"image({_string(path)}, width: {_pt(width * scale)}, height: {_pt(height * scale)}, "
                 f"alt: {_string(item.figure.alt or '')})")
        picture = (f"block(width: {_pt(size)}, height: {_pt(size)}, "
                   f"place(top + left, dx: {_pt(dx)}, dy: {_pt(dy)}, {image}))")
        return (f"#block(breakable: false, grid(columns: ({_pt(size)}, 1fr), column-gutter: {_pt(layout.gutter)}, "
                f"align: (top, horizon), {picture}, par[{self.text(item.text)}]))")


@lru_cache(maxsize=None)
def _artwork(path: Path) -> tuple[float, float, tuple[float, float, float, float]]:
    """An SVG's canvas size and the bounds of what it draws (y up), as svglib reads them."""
    from svglib.svglib import svg2rlg
    drawing = svg2rlg(str(path))
    return drawing.width, drawing.height, tuple(drawing.getBounds())


def body(plan: Plan, root: Path = ROOT) -> str:
    """The rules and items of a plan, without the document's and the page's rules (packs hold several)."""
    writer = _Writer(plan, root)
    writer.items(plan.items)
    return _rules(plan) + "\n\n" + "\n\n".join(writer.out) + "\n"


def source(plan: Plan, info: DocInfo, root: Path = ROOT) -> str:
    """A whole Typst document for a plan."""
    return f"{_document(info)}\n{_page(plan)}\n{body(plan, root)}"


def pack_source(made: Sequence[tuple[Plan, DocInfo]], info: DocInfo, root: Path = ROOT) -> str:
    """A pack: a contents page, then each leaflet on a right-hand page, numbered from 1."""
    first = made[0][0]
    titles = ", ".join(f"[#{_string(i.title)}]" for _, i in made)
    parts = [_document(info), _page(first), _rules(first),
             f"#heading(level: 1)[#{_string(info.title)}]", f"#list({titles})"]
    for plan, _ in made:
        parts.append(f'#pagebreak(to: "odd")\n#counter(page).update(1)\n#[\n{body(plan, root)}]')
    return "\n\n".join(parts) + "\n"


def font_dir(langs: Iterable[str]) -> Path:
    """A folder holding exactly the font files of the families used for these languages (Typst takes folders;
    the font cache holds older derived files too)."""
    folder = WORK / "fonts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    table = fontfiles.table()
    for family in dict.fromkeys(f for lang in langs for f in families(lang)):
        for face in table.families[family]:
            file = fontfiles.path(table.faces[face])
            (folder / f"{face}{file.suffix}").symlink_to(file)
    return folder


def compile_options(fonts_folder: Path, root: Path = ROOT) -> dict:
    """typst.compile's options, for Typst's own fonts only (no system fonts), tagged PDF/UA-1."""
    return {"root": str(root), "font_paths": [str(fonts_folder)], "ignore_system_fonts": True,
            "pdf_standards": STANDARDS}


def plan_langs(plan: Plan) -> set[str]:
    """The languages a plan's texts and named phrases are set in."""
    texts = [t for item in plan.items for t in (item.items if isinstance(item, Box) else
                                                (item.text,) if isinstance(item, PictureRow) else
                                                (item,) if isinstance(item, Text) else ())]
    return {plan.lang, *(t.lang for t in texts), *(code for t in texts for _, code in t.named)}


# --- processes --------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float  # the process's peak resident memory


# Starts a command and reports its wall clock, peak memory and exit code. A process's peak memory counts
# what it held before it became the command (Linux keeps the forking process's resident size), so the
# command is started from this small process, not from the bench's large one.
_MEASURE = r"""
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run(cmd: Sequence[str], cwd: Path = ROOT) -> Run:
    """Run a fresh process to its end: its wall clock and peak memory."""
    with tempfile.TemporaryFile() as err:
        done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=err, text=True)
        seconds, peak_kib, code = json.loads(done.stdout) if done.returncode == 0 else (0, 0, done.returncode)
        if code:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.read().decode()[-2000:]}")
    return Run(seconds, peak_kib / 1024)


def typst_command(sources: Sequence[Path], outs: Sequence[Path], options: dict) -> list[str]:
    """A fresh Python process that imports typst and compiles each source to its PDF."""
    code = ("import sys, typst\n"
            f"options = {options!r}\n"
            "n = (len(sys.argv) - 1) // 2\n"
            "for src, out in zip(sys.argv[1:1 + n], sys.argv[1 + n:]):\n"
            "    typst.compile(src, output=out, **options)\n")
    return [sys.executable, "-c", code, *map(str, sources), *map(str, outs)]


def without_accelerator(tree: Path) -> bool:
    """Whether a checkout's requirements lack ReportLab's C accelerator (which this .venv may have since):
    its code is then timed without it, as it ran."""
    return "rl-accel" not in (tree / "requirements.txt").read_text("utf-8").replace("_", "-")


def publish_command(tree: Path, *args: str, accel: bool = True) -> list[str]:
    """`python publish.py ARGS` in a checkout; without the C accelerator if not `accel`."""
    if accel:
        return [sys.executable, "publish.py", *args]
    code = ("import runpy, sys\nsys.modules['_rl_accel'] = None\n"
            "sys.argv[0] = 'publish.py'\nrunpy.run_path('publish.py', run_name='__main__')\n")
    return [sys.executable, "-c", code, *args]


# A render worker: run in a checkout (its own leaflets and bench.laid_out), it lays out every English leaflet
# in every format, renders each once, prints their names, then renders the one each input line names and
# prints the milliseconds it took.
_WORKER = r"""
import sys, time
if sys.argv[1] == "no-accel":
    sys.modules["_rl_accel"] = None
import bench
from leaflets.build import Dirs, available_langs
from leaflets.load import load_layout, load_sources
from leaflets.model import FORMATS
from leaflets.render import render
dirs = Dirs()
sources = load_sources(dirs.sources)
langs = ["en", *available_langs(dirs)]
docs = []
for name in FORMATS:
    layout = load_layout(dirs.layouts / f"{name}.yaml")
    for leaflet in sources.leaflets:
        made = bench.laid_out(leaflet, layout, "en", dirs, langs, sources.pictures) if leaflet.lang == "en" else None
        if made is not None:
            render(*made)
            docs.append((f"{name} {leaflet.id}", made))
print("\t".join(n for n, _ in docs), flush=True)
for line in sys.stdin:
    plan, info = docs[int(line)][1]
    start = time.perf_counter()
    render(plan, info)
    print((time.perf_counter() - start) * 1000, flush=True)
"""


class Worker:
    """A render worker in its own process, in a checkout."""

    def __init__(self, tree: Path, accel: bool = True):
        mode = "as-is" if accel else "no-accel"
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER, mode], cwd=tree, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the render worker in {tree} stopped before it was ready")
        self.names = line.rstrip("\n").split("\t")

    def render_ms(self, index: int) -> float:
        self.proc.stdin.write(f"{index}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def base_tree(commit: str) -> Path | None:
    """A checkout of `commit` in .cache/bench-base (made once), sharing node_modules and the derived fonts;
    None, with the reason printed, if git cannot make it (a shallow clone)."""
    tree = ROOT / ".cache" / "bench-base"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True) \
        if (tree / ".git").is_file() else None
    wanted = subprocess.run(["git", "rev-parse", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True, text=True)
    if wanted.returncode:
        print(f"(commit {commit} is not in this clone: {wanted.stderr.strip()}; the baseline is left out)")
        return None
    if head is None or head.stdout.strip() != wanted.stdout.strip():
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        made = subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT,
                              capture_output=True, text=True)
        if made.returncode:
            print(f"(git worktree add failed: {made.stderr.strip()}; the baseline is left out)")
            return None
    for name in ("node_modules", ".cache/fonts"):
        link = tree / name
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            (ROOT / name).mkdir(parents=True, exist_ok=True)
            link.symlink_to(ROOT / name)
    return tree


def describe(pdf: bytes) -> tuple[int, bool]:
    """A PDF's page count, and whether it is tagged and claims PDF/UA-1 (read back with pikepdf)."""
    import io
    import pikepdf
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        marked = bool(doc.Root.get("/MarkInfo", {}).get("/Marked"))
        ua = str(doc.open_metadata().get("pdfuaid:part", "")) == "1"
        return len(doc.pages), "/StructTreeRoot" in doc.Root and marked and ua
