"""A link and anchor checker for a built static site (relative links only: the site has no
other kind)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key) and (key == "id" or tag == "a"):
                self.ids.add(str(values[key]))
        if tag in ("a", "link", "area") and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in ("script", "img", "iframe", "source") and values.get("src"):
            self.links.append(str(values["src"]))


@dataclass(frozen=True)
class BrokenLink:
    page: str
    link: str
    reason: str


def _target_file(site: Path, page: Path, path: str) -> Path:
    base = page.parent.relative_to(site).as_posix()
    joined = posixpath.normpath(posixpath.join(base, unquote(path)))
    target = site / joined
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def check_site(site: Path) -> list[BrokenLink]:
    parsed: dict[Path, _LinksAndIds] = {}
    for page in sorted(site.glob("**/*.html")):
        collector = _LinksAndIds()
        collector.feed(page.read_text())
        parsed[page] = collector
    broken: list[BrokenLink] = []
    for page, collector in parsed.items():
        if page.name == "404.html":  # its links are absolute by design (README: Hosting)
            continue
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or re.match(r"^(mailto|data|blob):", link):
                continue
            target = _target_file(site, page, parts.path) if parts.path else page
            name = page.relative_to(site).as_posix()
            if not target.exists():
                broken.append(BrokenLink(name, link, "no such file"))
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(BrokenLink(name, link, "no such anchor"))
    return broken
