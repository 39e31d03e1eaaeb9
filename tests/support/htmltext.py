"""Small HTML helpers for tests: the requests a page would make, and its readable text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# (tag, attribute) pairs whose URL the browser fetches without a click.
FETCHING_ATTRIBUTES = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("iframe", "src"),
    ("frame", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("track", "src"),
}
FETCHING_LINK_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "icon",
    "shortcut",
    "manifest",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "apple-touch-icon",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)")


def is_foreign(url: str) -> bool:
    """True for a URL that leaves the site's origin (with a scheme, or protocol-relative)."""
    url = url.strip()
    return url.startswith("//") or (
        bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url))
        and not url.startswith(("data:", "blob:", "javascript:void"))
    )


class RequestCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if (tag, name) in FETCHING_ATTRIBUTES:
                for candidate in value.split(","):
                    self.urls.append((f"<{tag} {name}>", candidate.strip().split(" ")[0]))
            if name == "style":
                self.urls.extend((f"<{tag} style>", m[0] or m[1]) for m in CSS_URL.findall(value))
        if tag == "link" and set(values.get("rel", "").lower().split()) & FETCHING_LINK_RELS:
            self.urls.append(("<link>", values.get("href", "")))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(("<style>", m[0] or m[1]) for m in CSS_URL.findall(data))


def fetched_urls(html: str) -> list[tuple[str, str]]:
    collector = RequestCollector()
    collector.feed(html)
    return collector.urls


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._depth = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._depth += 1
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._depth -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._depth > 0 and not self._skip:
            self.parts.append(data)


def article_text(html: str) -> str:
    """The readable text of the page's <article>, whitespace folded."""
    extractor = _TextExtractor()
    extractor.feed(html)
    return re.sub(r"\s+", " ", " ".join(extractor.parts))
