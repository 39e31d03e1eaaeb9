"""What the decision-table engine needs from a guideline's pages: the hook the plugin fills in.

The plugin (or :mod:`build_tools.tables.discover` when the engine runs alone) parses the pages and
hands over these records; the raw front-matter values stay :class:`~build_tools.yamlloc.LocatedMap`
/ :class:`~build_tools.yamlloc.LocatedList` so every finding can name ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_tools.yamlloc import LocatedList, LocatedMap


@dataclass(frozen=True)
class SectionSource:
    """A section page: its anchors and the ``items:`` / ``decision_tables:`` of its front matter."""

    id: str
    file: str  # display path used in findings, e.g. "docs/<guideline>/<section>.md"
    page_url: str  # relative to the site root, e.g. "<guideline>/<section>/"
    anchors: frozenset[str]  # the `:::: point <anchor>` ids of the page body
    items: LocatedMap | None
    decision_tables: LocatedList | None
    front_matter_line: int


@dataclass(frozen=True)
class GuidelineSource:
    """A guideline's ``index.md`` metadata, its case inputs and its sections in navigation order."""

    id: str
    file: str
    version: str
    last_updated: str  # ISO date, YYYY-MM-DD
    case_inputs: LocatedList | None
    case_inputs_line: int
    references: dict[str, int]  # citation key -> reference number
    sections: tuple[SectionSource, ...]
