"""Helpers for the catalogue's browser tests: Debian's Chromium driven by Playwright, a local web server,
axe-core in the page, and the bytes a page fetches."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package, installed by `make test`; never a downloaded build
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Debian's), closed afterwards."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def web_server(folder: Path) -> Iterator[str]:
    """`python -m http.server` on 127.0.0.1, on a free port it picks itself; its base URL."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"],
                               cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        port = int(line.split(" port ")[1].split()[0])
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations in the page, each with its rule, impact and the elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
                           "['violations']})", WCAG_22_AA)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@dataclass
class Fetched:
    """Every response a page received: its URL and the bytes of its body."""
    sizes: dict[str, int] = field(default_factory=dict)

    def watch(self, page) -> None:
        page.on("response", self._add)

    def _add(self, response) -> None:
        length = response.headers.get("content-length")
        self.sizes[response.url] = int(length) if length is not None else len(response.body())

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def report(self) -> str:
        return json.dumps(dict(sorted(self.sizes.items(), key=lambda kv: -kv[1])), indent=1)


def settle(page) -> None:
    """Wait until the page, its fonts and the images it asked for have arrived."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
