"""The site file (`site.yaml`: `base_url:`, where OUT is published) and the web addresses under it.

Small on purpose: a build reads it for the QR code on each leaflet's back page, without loading the
catalogue page's own code (leaflets/site.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .reader import open_top

__all__ = ["SiteConfig", "site_config", "entry_url", "pdf_url", "DEFAULT_CONFIG", "FOLDER"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "site.yaml"
FOLDER = "site"  # in OUT: the catalogue page and the desk copy


@dataclass(frozen=True)
class SiteConfig:
    base_url: str | None  # ends with '/'; None: no QR codes


def _base_url(text: str) -> tuple[str, str] | None:
    """Text rule: an http(s) address of a folder, without query or fragment."""
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment \
            or any(c.isspace() for c in text):
        return (f"'{text}' is not a web address",
                "write the https address where the output folder is published, "
                "e.g. 'base_url: https://leaflets.example.org/'")
    return None


def site_config(path: Path | None = None) -> SiteConfig:
    """The site file (DEFAULT_CONFIG unless `path`). Without one: no base URL. InputError (file:line and
    the fix) for a mistake in it, or for a `path` that does not exist."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return SiteConfig(None)
        path = DEFAULT_CONFIG
    r, top = open_top(path, "the site file", "write 'base_url: https://…/', the address where output/ "
                      "is published (README.md, The catalogue for midwives)", ("base_url",))
    base = r.text(top, "base_url", rule=_base_url)
    r.check()
    return SiteConfig(base if base.endswith("/") else base + "/")


def pdf_url(base_url: str, path: str) -> str:
    """The web address of an output (its path in OUT), under the base URL."""
    return base_url.rstrip("/") + "/" + quote(path)


def entry_url(base_url: str, leaflet: str) -> str:
    """The web address of a leaflet's entry in the catalogue: every language and format of it."""
    return base_url.rstrip("/") + f"/{FOLDER}/index.html#{leaflet}"
