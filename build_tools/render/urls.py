"""Relative URLs between pages, so the site works under any sub-path."""

from __future__ import annotations

import posixpath


def relative_url(target: str, current: str) -> str:
    """The URL of ``target`` as seen from the page at ``current`` (both site-root relative,
    directory style: ``""`` for the home page, ``"a/b/"`` for a page)."""
    path, hash_mark, anchor = target.partition("#")
    base = current.rstrip("/") or "."
    relative = posixpath.relpath(path.rstrip("/") or ".", base)
    if relative == ".":
        relative = "./"
    elif path.endswith("/") or path == "":
        relative += "/"
    return relative + (hash_mark + anchor if hash_mark else "")
