"""Which files a browser may keep without asking again, and which files are worth compressing:
one policy, read by the development server (serve.py), the configuration files the build
writes for Apache and IIS (server_files.py) and the README's nginx snippet.

* **Immutable**: a URL that changes whenever its content does: the Pyodide folder carries its
  version (``assets/pyodide/<version>/``), the theme's bundles carry a content hash
  (``bundle.a5f9d56c.min.js``), and the calculator asks for ``calculators.zip`` and the standard
  library with ``?v=<hash>``. A year, ``immutable``.
* **Everything else** (pages, our own scripts, the search index, the calculator's manifest, the
  service worker): ``no-cache``, i.e. kept but revalidated on every use (a cheap 304): a
  guideline page or a script must never be served stale after an update.
"""

from __future__ import annotations

import re

IMMUTABLE_MAX_AGE = 31_536_000  # one year, in seconds
IMMUTABLE = f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
REVALIDATE = "no-cache"

# Paths relative to the site root.
_IMMUTABLE_PATH = re.compile(
    r"^assets/pyodide/[^/]+/"  # the versioned runtime folder
    r"|\.[0-9a-f]{8}\.min\.(?:js|css)$"  # the theme's content-hashed bundles
)
VERSION_QUERY = re.compile(r"(?:^|&)v=[0-9a-f]+(?:&|$)")

# The precompressed copies the build writes beside a file, as (Content-Encoding, suffix), in the
# order servers prefer them (brotli is ~20 % smaller than gzip on this site).
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))

# Text formats (and wasm, which compresses to ~35 %) worth a .br and a .gz beside them. Zip
# archives, images and the sitemap's own .gz are compressed already; source maps are only ever
# fetched by a developer's tools.
COMPRESSIBLE_SUFFIXES = (
    ".html",
    ".css",
    ".js",
    ".json",
    ".webmanifest",
    ".xml",
    ".svg",
    ".txt",
    ".wasm",
    ".dmn",  # the decision tables as DMN XML (build_tools/interchange)
    ".ris",
)
# Below this size, compression saves less than the headers that announce it.
COMPRESS_MIN_BYTES = 1024


def cache_control(path: str, query: str = "") -> str:
    """The Cache-Control of the file at ``path`` (relative to the site root) asked for with
    ``query`` (without the ``?``)."""
    if _IMMUTABLE_PATH.search(path) or VERSION_QUERY.search(query):
        return IMMUTABLE
    return REVALIDATE


def compressible_type(path: str) -> bool:
    """Whether files like ``path`` get precompressed copies (when large enough)."""
    return path.endswith(COMPRESSIBLE_SUFFIXES)


def compressible(path: str, size: int) -> bool:
    return compressible_type(path) and size >= COMPRESS_MIN_BYTES
