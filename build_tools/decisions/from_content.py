"""Hand a validated guideline to the decision-table engine.

The content model (:mod:`build_tools.content`) owns the pages; the engine
(:mod:`build_tools.tables`) owns items, tables and case inputs. This is the only place where one
is turned into the other: the engine never reads a page.
"""

from __future__ import annotations

from pathlib import Path

from build_tools.content.schema import SectionMeta
from build_tools.content.site import Guideline, load_site, markdown_pages, page_url
from build_tools.located_yaml import LocatedList, LocatedMap
from build_tools.tables.source import GuidelineSource, NoticeSource, PolicySource, SectionSource


def _located_map(value: object) -> LocatedMap | None:
    return value if isinstance(value, LocatedMap) else None


def _located_list(value: object) -> LocatedList | None:
    return value if isinstance(value, LocatedList) else None


def load_sources(docs_dir: Path, project_root: Path) -> dict[str, GuidelineSource]:
    """The engine's source of every guideline under ``docs_dir`` (by id), read by the content
    loader with every check of a build: for running the engine alone (tests, benchmarks)."""
    site = load_site(docs_dir, markdown_pages(docs_dir), project_root)
    return {
        guideline_id: guideline_source(guideline)
        for guideline_id, guideline in sorted(site.guidelines.items())
    }


def guideline_source(guideline: Guideline) -> GuidelineSource:
    index_fm = guideline.index.front_matter
    assert index_fm is not None
    sections = []
    for page in guideline.sections:
        meta = page.meta
        front_matter = page.front_matter
        assert isinstance(meta, SectionMeta)
        assert front_matter is not None
        sections.append(
            SectionSource(
                id=meta.id,
                file=page.display_path,
                page_url=page_url(page.src_uri),
                anchors=frozenset(page.anchors),
                items=_located_map(front_matter.get("items")),
                decision_tables=_located_list(front_matter.get("decision_tables")),
                front_matter_line=front_matter.line,
            )
        )
    notices_node = index_fm.get("notices")
    notices = tuple(
        NoticeSource(
            id=notice.id,
            text=notice.text,
            patient_text=notice.patient_text,
            cite=tuple(key.removeprefix("@") for key in notice.cite),
            line=notices_node.line_of(position) if isinstance(notices_node, LocatedList) else 0,
        )
        for position, notice in enumerate(guideline.meta.notices)
    )
    policies_node = index_fm.get("policies")
    policies = tuple(
        PolicySource(
            id=policy.id,
            value=policy.value,
            unit=policy.unit,
            text=policy.text.clinician,
            patient_text=policy.text.patient,
            why=policy.why,
            cite=tuple(key.removeprefix("@") for key in policy.cite),
            line=policies_node.line_of(position) if isinstance(policies_node, LocatedList) else 0,
        )
        for position, policy in enumerate(guideline.meta.policies)
    )
    return GuidelineSource(
        id=guideline.meta.id,
        file=guideline.index.display_path,
        version=guideline.meta.version,
        last_updated=guideline.meta.last_updated.isoformat(),
        case_inputs=_located_list(index_fm.get("case_inputs")),
        case_inputs_line=index_fm.line_of("case_inputs"),
        references=dict(guideline.reference_numbers),
        sections=tuple(sections),
        review_status=guideline.meta.review.status,
        reference_groups={ref.key: ref.group for ref in guideline.meta.references},
        notices=notices,
        agents=_located_list(index_fm.get("agents")),
        agents_line=index_fm.line_of("agents"),
        safety=_located_list(index_fm.get("safety")),
        safety_line=index_fm.line_of("safety"),
        policies=policies,
    )
