"""The precompression cache: a build compresses only the files whose bytes changed (a navigation
change recompresses the pages it changed, nothing else), and never drops an entry it used, however
large the site."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from build_tools.hosting import compress
from build_tools.hosting.compress import CompressionCache, precompress


def _page(number: int, navigation: str = "") -> str:
    body = "".join(f"<p>Paragraph {index} of page {number}.</p>\n" for index in range(60))
    return f"<html><body><nav>{navigation}</nav>\n{body}</body></html>\n"


def _site(root: Path, pages: dict[str, str]) -> Path:
    for relative, text in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def compressed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each encoding really compressed something."""
    calls: Counter[str] = Counter()
    for suffix, compressor in list(compress.COMPRESSORS.items()):

        def counting(
            data: bytes, suffix: str = suffix, compressor: Callable[..., bytes] = compressor
        ) -> bytes:
            calls[suffix] += 1
            return compressor(data)

        monkeypatch.setitem(compress.COMPRESSORS, suffix, counting)
    return calls


def _entries(cache: Path) -> int:
    return sum(1 for _ in cache.glob(f"{compress.CACHE_FORMAT}-*"))


def test_a_build_compresses_only_the_files_whose_bytes_changed(
    tmp_path: Path, compressed: Counter[str]
) -> None:
    pages = {f"page-{number}/index.html": _page(number, "A") for number in range(5)}
    site = _site(tmp_path / "site", pages)
    cache = tmp_path / "cache"
    precompress(site, CompressionCache(cache))
    assert compressed == {".br": 5, ".gz": 5}

    # A navigation change that touches one page (and adds one): two pages to compress.
    compressed.clear()
    _site(site, {"page-0/index.html": _page(0, "A B"), "page-5/index.html": _page(5, "A B")})
    precompress(site, CompressionCache(cache))
    assert compressed == {".br": 2, ".gz": 2}
    assert (site / "page-0" / "index.html.br").is_file()


def test_the_cache_never_drops_an_entry_the_build_used(
    tmp_path: Path, compressed: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compress, "CACHE_MAX_ENTRIES", 3)
    cache = tmp_path / "cache"
    large = _site(tmp_path / "large", {f"{n}/index.html": _page(n) for n in range(3)})
    precompress(large, CompressionCache(cache))
    assert _entries(cache) == 6  # more than CACHE_MAX_ENTRIES, all used by the build

    compressed.clear()
    precompress(large, CompressionCache(cache))
    assert compressed == {}  # so the next build compresses nothing

    # Another site sharing the cache: its own entries and CACHE_MAX_ENTRIES others.
    small = _site(tmp_path / "small", {"index.html": _page(99)})
    precompress(small, CompressionCache(cache))
    assert _entries(cache) == 2 + 3
