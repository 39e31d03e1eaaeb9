"""Navigation order: a guideline's pages follow their ``order``, not their file names.

MkDocs sorts its automatic navigation by file name; the plugin re-sorts each guideline's pages
(index first, then sections by ``order``) and re-links previous/next in that reading order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from build_tools.content.schema import SectionMeta
from build_tools.content.site import SiteContent


def reading_rank(src_uri: str, site: SiteContent) -> float | None:
    """Where a page sits in its guideline's reading order (``None`` outside a guideline)."""
    guideline = site.guideline_of(src_uri)
    if guideline is None:
        return None
    if src_uri == guideline.index.src_uri:
        return float("-inf")
    page = site.pages.get(src_uri)
    if page is None:  # a generated page (e.g. a superseded version's): not in the reading order
        return None
    meta = page.meta
    return float(meta.order) if isinstance(meta, SectionMeta) else None


def _src_uri(item: Any) -> str | None:
    file = getattr(item, "file", None)
    return getattr(file, "src_uri", None)


def order_navigation(items: list[Any], site: SiteContent) -> None:
    """Sort, in place and recursively, the guideline pages among ``items`` by reading order."""
    for item in items:
        if getattr(item, "children", None):
            order_navigation(item.children, site)
    ranks = [reading_rank(uri, site) if (uri := _src_uri(item)) else None for item in items]
    slots = [index for index, rank in enumerate(ranks) if rank is not None]
    ordered = sorted(slots, key=lambda index: ranks[index] or 0.0)
    moved = [items[index] for index in ordered]
    for slot, item in zip(slots, moved, strict=True):
        items[slot] = item


def pages_in_order(items: list[Any]) -> Iterator[Any]:
    for item in items:
        if getattr(item, "children", None):
            yield from pages_in_order(item.children)
        elif getattr(item, "is_page", False):
            yield item


def drop_pages(items: list[Any], src_uris: set[str]) -> None:
    """Remove, in place and recursively, the pages ``src_uris`` from ``items`` (and the sections
    left empty): generated pages that are read from a link, not from the navigation."""
    kept = []
    for item in items:
        children = getattr(item, "children", None)
        if children:
            drop_pages(children, src_uris)
            if not item.children:
                continue
        elif _src_uri(item) in src_uris:
            continue
        kept.append(item)
    items[:] = kept
