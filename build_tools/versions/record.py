"""Release records: a guideline version frozen as data, and a version rebuilt from its record.

A record (``releases/<guideline-id>/<version>.json``) keeps everything the version told a
clinician and everything needed to run it again:

* ``source``: the decision model's input exactly as the engine reads it from the pages (case
  inputs, agents, safety constraints, notices, every section's items and decision tables, the
  reference numbers): plain JSON, in the pages' own order;
* ``points``: the text of every anchored point in both wordings (:mod:`.points`);
* ``references``: the reference list as written in ``index.md``;
* ``review``: the review status and history as they stood when the version was recorded.

:func:`snapshot_of_record` loads ``source`` with the current engine, verifies, compiles and proves
it like a build, so a released version runs in the calculator and in the changelog exactly as the
engine runs the working content. The JSON is deterministic (the same content always writes the
same bytes), which is what makes a record comparable with the content that claims its version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from build_tools import tables
from build_tools.content.site import Guideline
from build_tools.decisions.from_content import guideline_source
from build_tools.findings import ContentError, Finding
from build_tools.located_yaml import LocatedList, LocatedMap
from build_tools.policy_values import value_text
from build_tools.tables.source import GuidelineSource, NoticeSource, PolicySource, SectionSource
from build_tools.versions.points import PointText, page_points
from calculators.runtime.engine import Calculator

RECORD_FORMAT = 1
# The parts of a record that a released version may never change. The review status and
# history grow after a release (a version is approved later) and are not compared.
FROZEN_KEYS = (
    "format",
    "guideline",
    "version",
    "released",
    "title",
    "source",
    "points",
    "references",
    "waived_checks",
)

Record = dict[str, Any]


@dataclass(frozen=True)
class ReviewEvent:
    date: str
    status: str
    by: str
    version: str | None
    note: str | None


@dataclass(frozen=True)
class VersionSnapshot:
    """One version of a guideline, loaded and compiled: the released one of a record or the
    working content of the pages. ``record`` is its release record (written or to be written)."""

    guideline_id: str
    version: str
    date: str  # ISO date the version was last updated (its release date once released)
    title: str
    review_status: str
    review_history: tuple[ReviewEvent, ...]
    model: tables.DecisionModel
    module_text: str
    points: tuple[PointText, ...]
    record: Record
    released: bool  # True when read from a release record

    @cached_property
    def calculator(self) -> Calculator:
        """The version's calculator: its compiled module run by the real runtime."""
        return tables.compiled_calculator(self.model, self.module_text)


def _plain(value: Any) -> Any:
    """Front-matter values as plain JSON (dates as ISO text), order kept."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _located(value: Any) -> Any:
    """Plain JSON back into the located containers the engine reads (line 0: a record has no
    lines; findings name the record file instead)."""
    if isinstance(value, dict):
        located_map = LocatedMap({key: _located(item) for key, item in value.items()})
        located_map.line = 0
        located_map.key_lines = {}
        return located_map
    if isinstance(value, list):
        located_list = LocatedList(_located(item) for item in value)
        located_list.line = 0
        located_list.item_lines = []
        return located_list
    return value


# Directives whose page is about the guideline (its versions, its formats), not part of it.
NOT_CONTENT_DIRECTIVES = frozenset({"versions", "use-elsewhere"})


def record_of(guideline: Guideline, source: GuidelineSource | None = None) -> Record:
    """The release record of a guideline's working content (``source``: its engine input, made
    from the guideline when not given)."""
    source = source or guideline_source(guideline)
    meta = guideline.meta
    index_fm: dict[str, Any] = guideline.index.front_matter or {}
    sections = []
    titles = {
        guideline.section_meta(page).id: guideline.section_meta(page) for page in guideline.sections
    }
    # The page of '::: versions' is about the versions, not part of any: it grows with every
    # release and review, which a released version's record never does. The page of
    # '::: use-elsewhere' is about the formats the guideline is published in, not its content.
    about_versions = {
        guideline.section_meta(page).id
        for page in guideline.sections
        if NOT_CONTENT_DIRECTIVES & set(page.directives)
    }
    for section in source.sections:
        if section.id in about_versions:
            continue
        sections.append(
            {
                "id": section.id,
                "title": titles[section.id].title,
                "patient_title": titles[section.id].patient_title,
                "file": section.file,
                "page_url": section.page_url,
                "anchors": sorted(section.anchors),
                "items": _plain(section.items),
                "decision_tables": _plain(section.decision_tables),
            }
        )
    policy_texts = {policy.id: value_text(policy.value, policy.unit) for policy in meta.policies}
    points = [
        point.as_record()
        for page in guideline.sections
        if guideline.section_meta(page).id not in about_versions
        for point in page_points(page, guideline.section_meta(page).id, policy_texts)
    ]
    return {
        "format": RECORD_FORMAT,
        "guideline": meta.id,
        "version": meta.version,
        "released": meta.last_updated.isoformat(),
        "title": meta.title,
        "waived_checks": sorted(source.waived_checks),
        "review": {
            "status": meta.review.status,
            "history": [
                _plain(event.model_dump(exclude_none=True)) for event in meta.review.history
            ],
        },
        "source": {
            "file": source.file,
            "case_inputs": _plain(source.case_inputs),
            "agents": _plain(source.agents),
            "safety": _plain(source.safety),
            "notices": [
                {
                    "id": notice.id,
                    "text": notice.text,
                    "patient_text": notice.patient_text,
                    "cite": list(notice.cite),
                }
                for notice in source.notices
            ],
            "reference_numbers": dict(source.references),
            "reference_groups": dict(source.reference_groups),
            "sections": sections,
            # Only when declared: a record made before policies existed stays byte for byte.
            **(
                {"policies": [_policy_record(policy) for policy in source.policies]}
                if source.policies
                else {}
            ),
        },
        "points": points,
        "references": _plain(index_fm.get("references")),
    }


def _policy_record(policy: PolicySource) -> dict[str, Any]:
    return {
        "id": policy.id,
        "value": policy.value,
        "unit": policy.unit,
        "text": policy.text,
        "patient_text": policy.patient_text,
        "why": policy.why,
        "cite": list(policy.cite),
    }


def record_json(record: Record) -> str:
    """The record's bytes on disk: deterministic, readable in a diff."""
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def frozen_part(record: Record) -> Record:
    return {key: record.get(key) for key in FROZEN_KEYS}


def frozen_digest(record: Record) -> str:
    """A short digest of what a release may not change (shown on the site and in reviews)."""
    text = json.dumps(frozen_part(record), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def source_of_record(record: Record, file: str) -> GuidelineSource:
    """The engine input a record holds (findings of loading it name ``file``)."""
    source = record["source"]
    sections = tuple(
        SectionSource(
            id=section["id"],
            file=file,
            page_url=section["page_url"],
            anchors=frozenset(section["anchors"]),
            items=_located(section["items"]) if section["items"] is not None else None,
            decision_tables=(
                _located(section["decision_tables"])
                if section["decision_tables"] is not None
                else None
            ),
            front_matter_line=0,
        )
        for section in source["sections"]
    )
    notices = tuple(
        NoticeSource(n["id"], n["text"], n["patient_text"], tuple(n["cite"]), 0)
        for n in source["notices"]
    )
    return GuidelineSource(
        id=record["guideline"],
        file=file,
        version=record["version"],
        last_updated=record["released"],
        case_inputs=_located(source["case_inputs"]) if source["case_inputs"] is not None else None,
        case_inputs_line=0,
        references=dict(source["reference_numbers"]),
        sections=sections,
        review_status=record["review"]["status"],
        reference_groups=dict(source["reference_groups"]),
        notices=notices,
        agents=_located(source["agents"]) if source["agents"] is not None else None,
        safety=_located(source["safety"]) if source["safety"] is not None else None,
        waived_checks=frozenset(record.get("waived_checks", ())),
        policies=tuple(
            PolicySource(
                p["id"],
                p["value"],
                p["unit"],
                p["text"],
                p["patient_text"],
                p["why"],
                tuple(p["cite"]),
                0,
            )
            for p in source.get("policies", ())
        ),
    )


def _history(record: Record) -> tuple[ReviewEvent, ...]:
    return tuple(
        ReviewEvent(
            event["date"], event["status"], event["by"], event.get("version"), event.get("note")
        )
        for event in record["review"]["history"]
    )


def _points(record: Record) -> tuple[PointText, ...]:
    return tuple(
        PointText(p["section"], p["anchor"], p["clinician"], p["patient"]) for p in record["points"]
    )


def compile_source(source: GuidelineSource) -> tuple[tables.DecisionModel, str]:
    """Load, verify, compile and prove (as a build does); ContentError with every finding."""
    model = tables.load_decision_model(source)
    text, findings = tables.check(model)
    if findings:
        raise ContentError(findings)
    return model, text


def snapshot_of_record(record: Record, file: str) -> VersionSnapshot:
    """A released version, rebuilt from its record by the current engine."""
    if record.get("format") != RECORD_FORMAT:
        raise ContentError(
            [
                Finding(
                    file,
                    1,
                    f"release record format {record.get('format')!r}, this build reads "
                    f"format {RECORD_FORMAT}",
                    "convert the record (see build_tools/versions/record.py) or use the build "
                    "that wrote it",
                )
            ]
        )
    model, text = compile_source(source_of_record(record, file))
    return VersionSnapshot(
        guideline_id=record["guideline"],
        version=record["version"],
        date=record["released"],
        title=record["title"],
        review_status=record["review"]["status"],
        review_history=_history(record),
        model=model,
        module_text=text,
        points=_points(record),
        record=record,
        released=True,
    )


def working_snapshot(
    guideline: Guideline, model: tables.DecisionModel, module_text: str
) -> VersionSnapshot:
    """The working content of a guideline as a version (compiled by the decisions stage)."""
    record = record_of(guideline)
    return VersionSnapshot(
        guideline_id=guideline.meta.id,
        version=guideline.meta.version,
        date=guideline.meta.last_updated.isoformat(),
        title=guideline.meta.title,
        review_status=guideline.meta.review.status,
        review_history=_history(record),
        model=model,
        module_text=module_text,
        points=_points(record),
        record=record,
        released=False,
    )
