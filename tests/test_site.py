"""The catalogue for midwives (`publish.py site`): OUT/site/index.html, read back in Debian's headless
Chromium (Playwright), from file:// and from a local web server, and with independent readers: pikepdf
for the PDFs' titles and page sizes, Pillow for the thumbnails, zxing-cpp for the QR codes, axe-core
for WCAG 2.2 AA."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pikepdf
import pytest
from PIL import Image

from leaflets.site import SHOWN, entry_url, pdf_url
from .site_browser import (CHROMIUM, DESKTOP, PHONE, Fetched, axe_violations, chromium, settle,
                          web_server)
from .conftest import ROOT, run_publish

BASE_URL = "https://example.org/leaflets/"
BUDGET = 500_000  # bytes fetched before scrolling, at 1280x800
ENTRY = ".entry"


def _copy_pdfs(published, target: Path) -> Path:
    """A copy of the published output (PDFs, tickets, manifest; in site/, only what the manifest lists, such
    as the desk copy), for the site to be written into."""
    shutil.copytree(published.out, target, ignore=shutil.ignore_patterns(".*"))
    listed = {e["path"] for e in published.manifest}
    for path in sorted((target / "site").rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(target).as_posix() not in listed:
            path.unlink()
    return target


@pytest.fixture(scope="session")
def plain(published, tmp_path_factory) -> Path:
    """The site without a site file: no QR codes."""
    if (ROOT / "site.yaml").exists():
        pytest.skip("site.yaml is in the project: a site without one cannot be made with the defaults")
    out = _copy_pdfs(published, tmp_path_factory.mktemp("site") / "output")
    done = run_publish("site", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"wrote {out / 'site' / 'index.html'}" in done.stdout
    return out


@pytest.fixture(scope="session")
def with_qr(published, plain, tmp_path_factory) -> Path:
    """The site with a base URL: a QR code per entry."""
    folder = tmp_path_factory.mktemp("site-qr")
    config = folder / "site.yaml"
    config.write_text(f"# where output/ is published\nbase_url: {BASE_URL}\n", encoding="utf-8")
    out = _copy_pdfs(published, folder / "output")
    shutil.copytree(plain / "site", out / "site")  # its thumbnails and fonts are used again
    done = run_publish("site", "--out", str(out), "--site-config", str(config))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM.is_file(), "the browser tests need Debian's chromium: make test installs it"
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go; SITE_SCREENSHOTS names a folder to copy them to as well."""
    folder = tmp_path_factory.mktemp("site-screenshots")
    print(f"\nscreenshots of the catalogue: {folder}")
    return folder


def _shoot(page, shots: Path, name: str, full: bool = False) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    if os.environ.get("SITE_SCREENSHOTS"):
        Path(os.environ["SITE_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(os.environ["SITE_SCREENSHOTS"]) / path.name)


def _open(browser, url: str, viewport=DESKTOP, **options):
    page = browser.new_page(viewport=viewport, **options)
    page.goto(url)
    settle(page)
    return page


def _index(out: Path) -> str:
    return (out / "site" / "index.html").as_uri()


def _leaflets(out: Path) -> list[dict]:
    """The manifest's entries the page lists: leaflets, packs and the desk copy (not a pack's press runs)."""
    import json
    return [e for e in json.loads((out / "manifest.json").read_text("utf-8")) if e["kind"] in SHOWN]


def _visible_entries(page) -> list[str]:
    """The PDF paths (relative to OUT) of the entries shown."""
    hrefs = page.eval_on_selector_all(f"{ENTRY} a[download]", "links => links.filter(a => a.offsetParent !== null)"
                                      ".map(a => a.getAttribute('href'))")
    return sorted(unquote(href).removeprefix("../") for href in hrefs)


def _expected(out: Path, lang: str | None = None, fmt: str | None = None) -> list[str]:
    """The PDFs a filter shows: those in the language and format, and the desk copy, which has them all."""
    return sorted(e["path"] for e in _leaflets(out) if e["kind"] == "desk-copy" or (
        (lang is None or e.get("lang") == lang or lang in e.get("langs", ()))
        and (fmt is None or e.get("format") == fmt or fmt in e.get("formats", ()))))


# ------------------------------------------------------------------ what the page lists

def test_every_pdf_is_listed_under_its_leaflet_language_and_format(plain, browser):
    page = _open(browser, _index(plain))
    found = page.eval_on_selector_all(ENTRY, """entries => entries.map(e => ({
        path: e.querySelector('a[download]').getAttribute('href'),
        lang: e.closest('[data-lang]')?.getAttribute('data-lang'),
        format: e.getAttribute('data-format'),
        leaflet: e.closest('section.leaflet')?.id,
        id: e.id}))""")
    listed = {unquote(f["path"]).removeprefix("../"): f for f in found}
    manifest = _leaflets(plain)
    assert sorted(listed) == sorted(e["path"] for e in manifest)
    for e in manifest:
        shown = listed[e["path"]]
        if e["kind"] == "leaflet":
            assert (shown["leaflet"], shown["lang"], shown["format"]) == (e["leaflet"], e["lang"], e["format"])
            assert page.locator(f"#{e['leaflet']}-{e['lang']} #{shown['id']}").count() == 1
        elif e["kind"] == "pack":
            assert shown["leaflet"] == "packs" and shown["lang"].split() == e["langs"]
        else:
            assert shown["id"] == "desk-copy" and shown["lang"] is None
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "an id is used twice"
    page.close()


def test_every_link_leads_to_the_file_the_manifest_lists(plain, browser):
    page = _open(browser, _index(plain))
    index = (plain / "site" / "index.html").as_uri()
    sha = {e["path"]: e["sha256"] for e in _leaflets(plain)}
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    anchors = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    pdfs = set()
    for href in links:
        if href.startswith("#"):
            assert href[1:] in anchors, href
            continue
        target = Path(unquote(urlsplit(urljoin(index, href)).path))
        assert target.is_file(), href
        relative = target.relative_to(plain).as_posix()
        assert hashlib.sha256(target.read_bytes()).hexdigest() == sha[relative], href
        pdfs.add(relative)
    assert pdfs == set(sha)
    # Three ways to each PDF: open, download (with the download attribute) and, once the script runs, print.
    for path in sha:
        href = page.locator(f'a[download][href="../{path}"]')
        assert href.count() == 1
        assert page.locator(f'button.print[data-pdf="../{path}"]').is_visible()
    page.close()


def test_titles_and_language_names_are_in_their_own_language(plain, browser):
    page = _open(browser, _index(plain))
    for e in _leaflets(plain):
        if e["kind"] != "leaflet":
            continue
        with pikepdf.open(plain / e["path"]) as pdf:
            title = str(pdf.docinfo["/Title"])
        section = page.locator(f"#{e['leaflet']}-{e['lang']}")
        if e["lang"] == "en":
            assert page.locator(f"#{e['leaflet']}_h").inner_text() == title
            continue
        shown = section.locator("p.title")
        assert shown.inner_text() == title, e["path"]
        assert shown.get_attribute("lang") == e["lang"]
        assert shown.get_attribute("dir") == ("rtl" if e["lang"] in ("ar", "ur") else "ltr")
        name = section.locator(f"h3 [lang='{e['lang']}']")
        assert name.get_attribute("dir") == shown.get_attribute("dir")
    assert page.locator("#crafting-connections-pl h3").inner_text().split() == ["polski", "Polish"]
    assert page.locator("#crafting-connections-ur h3 [lang=ur]").inner_text() == "اردو"
    assert page.locator("#crafting-connections-zh-Hans h3 [lang=zh-Hans]").inner_text() == "中文 (简体)"
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
    page.close()


def test_thumbnails_are_the_first_pages_with_alt_text(plain, browser):
    page = _open(browser, _index(plain))
    lazy = page.eval_on_selector_all("img.thumb", "imgs => imgs.map(i => i.getAttribute('loading'))")
    assert lazy[:3] == ["eager"] * 3 and set(lazy[3:]) == {"lazy"}
    shown = page.evaluate("""() => Promise.all([...document.querySelectorAll('img.thumb')].map(img => {
        img.loading = 'eager';
        return img.decode().then(() => ({src: img.currentSrc, w: img.naturalWidth, h: img.naturalHeight,
            alt: img.alt, pdf: img.closest('.entry').querySelector('a[download]').getAttribute('href')}));
    }))""")
    assert len(shown) == len(_leaflets(plain))
    for img in shown:
        pdf = plain / unquote(img["pdf"]).removeprefix("../")
        with pikepdf.open(pdf) as doc:
            box = [float(v) for v in doc.pages[0].mediabox]
        ratio = (box[3] - box[1]) / (box[2] - box[0])
        assert img["w"] == 160 and abs(img["h"] / img["w"] - ratio) < 0.01, img
        assert img["alt"].startswith("First page of the ")
        file = plain / "site" / unquote(urlsplit(img["src"]).path).split("/site/", 1)[1]
        with Image.open(file) as decoded:  # an independent decoder
            assert decoded.format == "WEBP" and decoded.size == (img["w"], img["h"])
            assert decoded.convert("L").getextrema()[0] < 100, "a blank thumbnail"
    page.close()


# ------------------------------------------------------------------ filters and keyboard

@pytest.mark.parametrize("typed, lang", [("polski", "pl"), ("Polish", "pl"), ("Urdu", "ur"), ("اردو", "ur"),
                                         ("bengali", "bn"), ("中文", "zh-Hans"), ("عربية", "ar")])
@pytest.mark.parametrize("where", ["file", "http"])
def test_typing_a_language_shows_only_its_entries(plain, browser, typed, lang, where):
    with web_server(plain) as base:
        url = _index(plain) if where == "file" else base + "site/index.html"
        page = _open(browser, url)
        assert _visible_entries(page) == _expected(plain)
        page.locator("#filter_lang").click()
        page.keyboard.type(typed)
        assert _visible_entries(page) == _expected(plain, lang=lang)
        shown, total = len(_expected(plain, lang=lang)), len(_expected(plain))
        desk = len(_expected(plain, lang="none"))  # the desk copy, if any: not counted, never hidden
        shown, total = shown - desk, total - desk
        assert page.locator("#filter_status").inner_text() == f"Showing {shown} of {total} PDFs."
        visible = page.eval_on_selector_all("section.lang", "s => s.filter(x => !x.hidden).map(x => x.dataset.lang)")
        assert set(visible) == {lang}
        page.locator("#filter_lang").fill("")
        assert _visible_entries(page) == _expected(plain)
        page.close()


def test_format_filter_and_both_together(plain, browser):
    page = _open(browser, _index(plain))
    page.select_option("#filter_format", "easy-read")
    assert _visible_entries(page) == _expected(plain, fmt="easy-read")
    page.locator("#filter_lang").fill("Urdu")
    assert _visible_entries(page) == _expected(plain, lang="ur", fmt="easy-read")
    page.locator("#filter_lang").fill("Klingon")
    assert _visible_entries(page) == ["site/desk-copy.pdf"]  # the desk copy: every language
    assert page.locator("#filter_status").inner_text().startswith("No PDF")
    page.close()


def test_every_control_is_reached_and_used_by_keyboard(plain, browser, shots):
    with web_server(plain) as base:
        page = _open(browser, base + "site/index.html")
        # The first Tab reaches the skip link; Enter on it moves the focus to the leaflets.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main_content"
        page.reload()
        settle(page)
        controls = page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select')]
            .filter(el => !el.closest('[hidden]') && !el.hidden).map((el, i) => { el.dataset.k = i; return i; })""")
        reached = []
        for _ in range(len(controls)):
            page.keyboard.press("Tab")
            focused = page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el),
                r = el.getBoundingClientRect();
                return {k: el.dataset.k, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                        w: r.width, h: r.height}; }""")
            reached.append(int(focused["k"]))
            assert focused["outline"] != "none" and focused["width"] >= 2, focused  # focus is visible
            assert focused["w"] >= 24 and focused["h"] >= 24, focused  # a target of at least 24 px
            if len(reached) == 2:
                _shoot(page, shots, "focus-1280x800")
        assert reached == controls
        # Typing in the language field, and the format chosen with the arrow keys.
        page.locator("#filter_lang").focus()
        page.keyboard.type("polski")
        page.keyboard.press("Enter")  # submits nothing: the page stays
        assert _visible_entries(page) == _expected(plain, lang="pl")
        page.locator("#filter_format").focus()
        page.keyboard.press("ArrowDown")
        assert page.locator("#filter_format").input_value() == "large-print"
        assert _visible_entries(page) == _expected(plain, lang="pl", fmt="large-print")
        # Enter and Space on a Print button load its PDF into the frame that prints it.
        for key in ("Enter", " "):
            button = page.locator("button.print:visible").first
            button.focus()
            page.keyboard.press(key)
            frame = page.wait_for_selector("#print_frame", state="attached")
            assert frame.get_attribute("src") == button.get_attribute("data-pdf")
            page.evaluate("document.getElementById('print_frame').remove()")
        # Enter on a link of the contents goes to its leaflet.
        page.locator("nav a").first.focus()
        page.keyboard.press("Enter")
        assert urlsplit(page.url).fragment == "crafting-connections"
        page.close()


def test_print_from_the_file_system_opens_the_pdf(plain, browser):
    page = _open(browser, _index(plain))
    button = page.locator("button.print").first
    with page.expect_popup() as popup:
        button.press("Enter")
    assert popup.value.url == urljoin(_index(plain), button.get_attribute("data-pdf"))
    popup.value.close()
    page.close()


def test_without_javascript_every_entry_and_link_is_there(plain, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(_index(plain))
    assert _visible_entries(page) == _expected(plain)
    assert page.locator("a[type='application/pdf']:visible").count() == len(_expected(plain))
    assert not page.locator("#filters").is_visible() and not page.locator("button.print:visible").count()
    context.close()


# ------------------------------------------------------------------ accessibility, layout, speed

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
@pytest.mark.parametrize("where", ["file", "http"])
def test_axe_finds_no_wcag_22_aa_violation(plain, with_qr, browser, viewport, where):
    """The page as it opens, and filtered (sections hidden, the status said), with and without QR codes."""
    for out, typed in ((plain, "اردو"), (with_qr, None) if where == "http" else (plain, "Klingon")):
        with web_server(out) as base:
            page = _open(browser, _index(out) if where == "file" else base + "site/index.html", viewport)
            if typed:
                page.locator("#filter_lang").fill(typed)
            assert axe_violations(page) == []
            page.close()


@pytest.mark.parametrize("site", ["plain", "with_qr"])
def test_screenshots_and_no_horizontal_scroll_on_a_phone(site, request, browser, shots):
    out = request.getfixturevalue(site)
    for viewport, name in ((DESKTOP, "1280x800"), (PHONE, "390x844")):
        page = _open(browser, _index(out), viewport)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        wide = page.evaluate(f"""() => [...document.querySelectorAll('body *')].filter(el =>
            el.getBoundingClientRect().right > {viewport['width']} + 0.5).map(el => el.tagName + '.' + el.className)""")
        assert wide == []
        _shoot(page, shots, f"{site}-{name}")
        page.locator("#filter_lang").fill("اردو")
        _shoot(page, shots, f"{site}-{name}-urdu")
        page.close()


@pytest.mark.parametrize("site", ["plain", "with_qr"])
def test_bytes_fetched_before_scrolling_are_under_500_kb(site, request, browser):
    out = request.getfixturevalue(site)
    with web_server(out) as base:
        page = browser.new_page(viewport=DESKTOP)
        fetched = Fetched()
        fetched.watch(page)
        page.goto(base + "site/index.html")
        settle(page)
        fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length")
        page.close()
    print(f"\n{site}: {fetched.total:,} bytes in {len(fetched.sizes)} files before scrolling ({fonts} fonts)")
    assert any(url.endswith(".woff2") for url in fetched.sizes) and fonts
    assert fetched.total < BUDGET, fetched.report()


def test_every_script_is_drawn_with_the_projects_fonts(plain, browser):
    """Each text in another language is drawn with a font of the page (@font-face), never the system's:
    Chromium says which fonts drew a node's text."""
    page = _open(browser, _index(plain))
    page.evaluate("document.fonts.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "body *"})
    checked = set()
    for node in nodes["nodeIds"]:
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert all(font["isCustomFont"] for font in used), (used, cdp.send("DOM.getOuterHTML", {"nodeId": node}))
        checked.update(font["familyName"] for font in used)
    assert {"Atkinson Hyperlegible", "Noto Nastaliq Urdu", "Noto Sans Arabic", "Hind Siliguri",
            "Noto Sans Gurmukhi", "Noto Sans SC"} <= checked
    cdp.detach()
    page.close()


# ------------------------------------------------------------------ QR codes

def test_each_qr_code_gives_its_pdfs_address(with_qr, browser):
    import zxingcpp
    page = _open(browser, _index(with_qr), DESKTOP)
    entries = page.locator(ENTRY)
    assert entries.count() == len(_leaflets(with_qr))
    for i in range(entries.count()):
        entry = entries.nth(i)
        path = unquote(entry.locator("a[download]").get_attribute("href")).removeprefix("../")
        code = entry.locator("img.qr-code")
        assert code.get_attribute("alt") == f"QR code: {BASE_URL}{path}"
        image = Image.open(io.BytesIO(code.screenshot()))
        decoded = zxingcpp.read_barcodes(image)
        assert [d.text for d in decoded] == [pdf_url(BASE_URL, path)] == [BASE_URL + path]
    page.close()


def test_no_qr_code_without_a_site_file(plain, browser):
    page = _open(browser, _index(plain))
    assert page.locator("svg, .qr, [class*=qr]").count() == 0
    assert "QR" not in page.content()
    page.close()


def test_entry_url_is_the_leaflets_anchor_in_the_catalogue(with_qr):
    assert entry_url(BASE_URL, "crafting-connections") == BASE_URL + "site/index.html#crafting-connections"
    assert entry_url("https://example.org/leaflets", "x") == "https://example.org/leaflets/site/index.html#x"
    html = (with_qr / "site" / "index.html").read_text("utf-8")
    for e in _leaflets(with_qr):
        if e["kind"] == "leaflet":
            assert f'id="{e["leaflet"]}"' in html and f'id="{e["leaflet"]}-{e["lang"]}"' in html


# ------------------------------------------------------------------ the files written, and mistakes

def _site_files(out: Path) -> dict[str, bytes]:
    folder = out / "site"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_inputs_give_the_same_bytes(with_qr, published, tmp_path):
    """A site made afresh is the one made from an earlier site's thumbnails and fonts, byte for byte."""
    again = _copy_pdfs(published, tmp_path / "output")
    config = with_qr.parent / "site.yaml"
    assert run_publish("site", "--out", str(again), "--site-config", str(config)).returncode == 0
    first = _site_files(with_qr)
    assert _site_files(again) == first
    assert {name.split("/")[0] for name in first} - {"desk-copy.pdf"} == {"index.html", "thumbs", "fonts"}
    assert not any(name.startswith(".") or ".tmp" in name for name in first)
    # A second run in the same folder writes the same bytes.
    assert run_publish("site", "--out", str(again), "--site-config", str(config)).returncode == 0
    assert _site_files(again) == first


def test_font_subsets_hold_what_the_page_asks_of_them(plain, tmp_path, monkeypatch):
    """Each @font-face's file (read back with fontTools) draws every character of its unicode-range;
    subsets are made the same twice."""
    import re

    from fontTools.ttLib import TTFont

    from leaflets import sitefonts
    html = (plain / "site" / "index.html").read_text("utf-8")
    faces = re.findall(r'@font-face\{font-family:"([^"]+)";src:url\(([^)]+)\)[^}]*unicode-range:([^}]+)\}', html)
    assert {family for family, _, _ in faces} >= {"Atkinson Hyperlegible", "Noto Nastaliq Urdu", "Hind Siliguri"}
    for family, url, ranges in faces:
        font = TTFont(plain / "site" / url)
        assert font.flavor == "woff2" and "fvar" not in font
        cmap = font.getBestCmap()
        for part in ranges.split(","):
            low, _, high = part.removeprefix("U+").partition("-")
            for code in range(int(low, 16), int(high or low, 16) + 1):
                assert code in cmap, (family, hex(code))
    sample = '<p lang="bn">বন্ধন গড়ে তোলা</p><p>Large print</p>'
    made = []
    for run in ("a", "b"):
        monkeypatch.setattr(sitefonts, "CACHE", tmp_path / run)
        made.append(sitefonts.font_files(sample, {}))
    assert made[0] == made[1] and len(made[0][0]) == 4  # Hind Siliguri and Atkinson, regular and bold


def test_a_build_keeps_the_site_and_the_site_drops_what_is_gone(plain, published, tmp_path):
    from leaflets import manifest
    out = _copy_pdfs(published, tmp_path / "output")
    shutil.copytree(plain / "site", out / "site")
    before = _site_files(out)
    manifest.commit(out)  # what every build does first: put the folder in step with the manifest
    assert _site_files(out) == before
    gone = out / "ro" / "crafting-connections.easy-read.pdf"
    manifest.commit(out, remove=[gone])
    done = run_publish("site", "--out", str(out))
    assert done.returncode == 0, done.stderr
    after = _site_files(out)
    assert "ro/crafting-connections.easy-read.pdf" not in after["index.html"].decode()
    assert len([n for n in after if n.startswith("thumbs/")]) == len([n for n in before if n.startswith("thumbs/")]) - 2
    assert set(after) < set(before) | {"index.html"}


def _small_output(published, folder: Path) -> tuple[Path, Path]:
    """An output with one leaflet PDF and its manifest."""
    import json
    entry = published.leaflets("standard")[0]
    (folder / "en").mkdir(parents=True)
    shutil.copy(published.path(entry), folder / entry["path"])
    (folder / "manifest.json").write_text(json.dumps([entry]), encoding="utf-8")
    return folder, folder / entry["path"]


def _fails(*args: str) -> str:
    done = run_publish("site", *args)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
    return done.stderr


def test_a_missing_or_damaged_manifest_is_one_line_naming_it(published, tmp_path):
    import json
    assert _fails("--out", str(tmp_path)) == \
        f"error: {tmp_path / 'manifest.json'}: not found; run publish.py build first (or make)\n"
    (tmp_path / "manifest.json").write_text("[{", encoding="utf-8")
    message = _fails("--out", str(tmp_path))
    assert message.count("\n") == 1 and f"{tmp_path / 'manifest.json'}: damaged, not JSON" in message
    (tmp_path / "manifest.json").write_text('[{"kind": "leaflet"}]', encoding="utf-8")
    assert "damaged, not a list of entries" in _fails("--out", str(tmp_path))
    (tmp_path / "manifest.json").write_text("[]", encoding="utf-8")
    assert "lists no PDF" in _fails("--out", str(tmp_path))
    outside = {"kind": "pack", "path": "../elsewhere.pdf", "pages": 1, "bytes": 1, "sha256": "0"}
    (tmp_path / "manifest.json").write_text(json.dumps([outside]), encoding="utf-8")
    assert "damaged, it lists '../elsewhere.pdf', which is no PDF in" in _fails("--out", str(tmp_path))


def test_a_missing_changed_or_damaged_pdf_is_one_line_naming_it(published, tmp_path):
    import json
    out, pdf = _small_output(published, tmp_path / "output")
    assert run_publish("site", "--out", str(out)).returncode == 0
    data = pdf.read_bytes()
    pdf.write_bytes(data[:-10])
    message = _fails("--out", str(out))
    assert message.count("\n") == 1 and f"{pdf}: changed since" in message and "publish.py build" in message
    entries = json.loads((out / "manifest.json").read_text("utf-8"))
    pdf.write_bytes(b"not a PDF at all")
    entries[0]["sha256"] = hashlib.sha256(b"not a PDF at all").hexdigest()
    (out / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    message = _fails("--out", str(out))
    assert message.count("\n") == 1 and f"{pdf}: damaged, PDFium cannot read it" in message
    pdf.unlink()
    assert f"{pdf}: listed in {out / 'manifest.json'} but missing" in _fails("--out", str(out))
    assert (out / "site" / "index.html").is_file(), "the earlier site stays as it was"


@pytest.mark.parametrize("text, line, words", [
    ("base_url: ftp://example.org/\n", 1, "is not a web address"),
    ("# the address\nbaseurl: https://example.org/\n", 2, "did you mean 'base_url'?"),
    ("base_url:\n", 1, "must be a text"),
    ("base_url: [https://example.org/]\n", 1, "must be a text"),
])
def test_a_mistake_in_the_site_file_names_its_line_and_the_fix(published, tmp_path, text, line, words):
    out, _ = _small_output(published, tmp_path / "output")
    config = tmp_path / "site.yaml"
    config.write_text(text, encoding="utf-8")
    message = _fails("--out", str(out), "--site-config", str(config))
    assert message.startswith(f"error: {config}:{line}: ") and words in message and "\n    fix: " in message
    assert not (out / "site").exists()
    assert "cannot read the file" in _fails("--out", str(out), "--site-config", str(tmp_path / "none.yaml"))


def test_the_desk_copy_is_offered_whatever_the_filter(published, browser, tmp_path):
    """A desk copy in the manifest (kind "desk-copy", in site/) is listed on its own, kept by the filter,
    and never taken for a file of an earlier site."""
    import json
    out, _ = _small_output(published, tmp_path / "output")
    desk = out / "site" / "desk-copy.pdf"
    assert run_publish("site", "--out", str(out)).returncode == 0  # `site` makes the desk copy first
    data = desk.read_bytes()
    entry, = [e for e in json.loads((out / "manifest.json").read_text("utf-8")) if e["kind"] == "desk-copy"]
    assert entry["path"] == "site/desk-copy.pdf" and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["pages"] == len(pikepdf.open(desk).pages)
    again = run_publish("site", "--out", str(out))
    assert again.returncode == 0 and "desk-copy.pdf is up to date" in again.stdout
    assert desk.read_bytes() == data
    page = _open(browser, _index(out))
    assert page.locator("#desk-copy a[download]").get_attribute("href") == "../site/desk-copy.pdf"
    assert page.locator("nav a[href='#desk-copy']").count() == 1
    page.locator("#filter_lang").fill("polski")
    assert _visible_entries(page) == ["site/desk-copy.pdf"]
    assert page.locator("#filter_status").inner_text() == "No PDF in that language and format. Try the " \
        "language's name in English, or all formats."
    assert axe_violations(page) == []
    page.close()
