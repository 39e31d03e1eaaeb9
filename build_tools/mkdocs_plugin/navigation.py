"""Navigation order and shape.

Order: MkDocs sorts its automatic navigation by file name; the plugin re-sorts each guideline's
pages (index first, then sections by ``order``) and re-links previous/next in that reading order.

Shape: every page carries the site's navigation. Were it every guideline's pages, each page
would grow with the number of guidelines (at 50 guidelines, ~300 KB of navigation on every page)
and adding a guideline would change every page (and its precompressed copies). So a site with
several guidelines lists them in one entry, :class:`GuidelinesEntry`, that shows on a
guideline's page that guideline's section alone, as a one-guideline site shows it, on the home
page a link to each guideline, and elsewhere a link to the home page. The one-guideline site's
navigation is left as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

from build_tools.content.schema import SectionMeta
from build_tools.content.site import SiteContent

GUIDELINES_TITLE = "Guidelines"


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


def _children(item: Any) -> list[Any] | None:
    """An item's children as the navigation holds them (a :class:`GuidelinesEntry`: every
    guideline's section, whichever page is being rendered)."""
    if isinstance(item, GuidelinesEntry):
        return list(item.sections)
    return getattr(item, "children", None)


class GuidelinesEntry(Section):
    """The navigation's one entry for the guidelines of a site that has several.

    What it shows depends on the page being rendered, read from the ``active`` flags MkDocs
    sets on that page and its sections while it renders it (the flags the theme reads to expand
    the current section):

    * on a page of a guideline: that guideline's section, its title and its pages, exactly as a
      site with that guideline alone shows it (the other guidelines are one click away, on the
      home page, and found by search);
    * on the home page (on every page outside the guidelines, if the site has no home page):
      "Guidelines", then each guideline's title as a link to its first page;
    * on the site's other pages (the disclaimer, the 404 page, a superseded version's page,
      which is out of the navigation, ...): one link, "Guidelines", to the home page.

    So only the home page grows with the number of guidelines (by one link each), and adding,
    removing or renaming a guideline changes the home page (and its neighbours'
    previous/next links), not the other pages."""

    def __init__(
        self, sections: list[Section], homepage: Page | None, site_title: str = GUIDELINES_TITLE
    ) -> None:
        self.sections = sections
        self.homepage = homepage
        self.links: list[StructureItem] = [
            Link(section.title, _first_url(section)) for section in sections
        ]
        # The sections stay at the top level (no parent): a page's ancestors are as they were.
        super().__init__(site_title, self.links)

    def current(self) -> Section | None:
        """The section of the guideline whose page is being rendered, if any."""
        return next((section for section in self.sections if section.active), None)

    @property
    def title(self) -> str:
        current = self.current()
        return current.title if current is not None else self._site_title

    @title.setter
    def title(self, value: str) -> None:
        self._site_title = value

    @property
    def children(self) -> list[StructureItem]:
        """The theme shows an entry without children as a link to its ``url``."""
        if (current := self.current()) is not None:
            return current.children
        if self.homepage is None or self.homepage.active:
            return list(self.links)
        return []

    @children.setter
    def children(self, value: list[StructureItem]) -> None:
        pass  # set from the sections and links (Section.__init__ assigns it)

    @property
    def url(self) -> str:
        """Where the entry links to when it shows no guideline: the home page."""
        return self.homepage.url if self.homepage is not None else ""

    @property
    def active(self) -> bool:
        return self.current() is not None

    @active.setter
    def active(self, value: bool) -> None:
        pass  # follows the guidelines' sections (a page's section sets its parent's flag)


def _first_url(section: Section) -> str:
    first = next(pages_in_order(section.children), None)
    return first.url if first is not None else ""


def _guideline_of_section(item: Any, site: SiteContent) -> str | None:
    """The folder of the guideline whose pages ``item`` holds, if it is a section holding one
    guideline's pages and nothing else."""
    if not getattr(item, "is_section", False):
        return None
    folders = set()
    for page in pages_in_order(item.children):
        guideline = site.guideline_of(page.file.src_uri)
        if guideline is None:
            return None
        folders.add(guideline.folder)
    return folders.pop() if len(folders) == 1 else None


def gather_guidelines(items: list[Any], site: SiteContent) -> None:
    """Replace, in place, the top-level sections that each hold one guideline with one
    :class:`GuidelinesEntry` where the first of them was, when there are two or more of them
    (a guideline split over several top-level sections keeps them as they are)."""
    owners = {index: _guideline_of_section(item, site) for index, item in enumerate(items)}
    counts = Counter(folder for folder in owners.values() if folder is not None)
    slots = [index for index, folder in owners.items() if folder and counts[folder] == 1]
    if len(slots) < 2:
        return
    homepage = next((page for page in pages_in_order(items) if page.is_homepage), None)
    entry = GuidelinesEntry([items[index] for index in slots], homepage)
    kept = [item for index, item in enumerate(items) if index not in slots[1:]]
    kept[slots[0]] = entry
    items[:] = kept


def _sort_by_reading_order(items: list[Any], site: SiteContent) -> None:
    for item in items:
        if children := _children(item):
            _sort_by_reading_order(children, site)
    ranks = [reading_rank(uri, site) if (uri := _src_uri(item)) else None for item in items]
    slots = [index for index, rank in enumerate(ranks) if rank is not None]
    ordered = sorted(slots, key=lambda index: ranks[index] or 0.0)
    moved = [items[index] for index in ordered]
    for slot, item in zip(slots, moved, strict=True):
        items[slot] = item


def order_navigation(items: list[Any], site: SiteContent) -> None:
    """Sort, in place and recursively, the guideline pages among ``items`` by reading order,
    then (:func:`gather_guidelines`) list several guidelines in one entry."""
    _sort_by_reading_order(items, site)
    gather_guidelines(items, site)


def pages_in_order(items: list[Any]) -> Iterator[Any]:
    for item in items:
        if children := _children(item):
            yield from pages_in_order(children)
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
