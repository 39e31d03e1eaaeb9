"""What the decision-table engine needs from a guideline's pages.

The decisions stage (:mod:`build_tools.decisions.from_content`) fills these records in from the
pages the content loader validated; the engine never reads a page. The raw front-matter values stay
:class:`~build_tools.located_yaml.LocatedMap` / :class:`~build_tools.located_yaml.LocatedList`
so every finding can name ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from build_tools.located_yaml import LocatedList, LocatedMap

# Authoring checks a version released before they existed may waive, and only when it is recorded
# from its git history (python -m build_tools.versions record --git): neither changes what the
# tables decide. "item-agents": recommendation and dosing items list their agents;
# "patient-numbers": patient wording keeps every number of the clinician wording.
WAIVABLE_CHECKS = ("item-agents", "patient-numbers")


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
class NoticeSource:
    """A notice of ``notices:`` in index.md (its shape checked by the content schema)."""

    id: str
    text: str
    patient_text: str
    cite: tuple[str, ...]  # citation keys without '@'
    line: int


@dataclass(frozen=True)
class PolicySource:
    """A site policy of ``policies:`` in index.md (its shape checked by the content schema)."""

    id: str
    value: int | float
    unit: str
    text: str
    patient_text: str
    why: str
    cite: tuple[str, ...]  # citation keys without '@'
    line: int


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
    review_status: str = "submitted"
    reference_groups: dict[str, str] = field(default_factory=dict)  # key -> group
    notices: tuple[NoticeSource, ...] = ()
    agents: LocatedList | None = None  # ``agents:`` of index.md, checked by the engine
    agents_line: int = 0
    safety: LocatedList | None = None  # ``safety:`` of index.md, checked by the engine
    safety_line: int = 0
    waived_checks: frozenset[str] = frozenset()  # of WAIVABLE_CHECKS; empty for the working content
    policies: tuple[PolicySource, ...] = ()  # ``policies:`` of index.md
