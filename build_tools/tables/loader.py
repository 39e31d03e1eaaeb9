"""Turn a :class:`GuidelineSource` into a checked :class:`DecisionModel`, or report all findings."""

from __future__ import annotations

from build_tools.errors import FindingCollector
from build_tools.tables.case_inputs import load_case_inputs
from build_tools.tables.decision_tables import NameSpace, derived_values, load_tables, resolve_names
from build_tools.tables.graph import evaluation_order
from build_tools.tables.items import load_items
from build_tools.tables.model import DecisionModel
from build_tools.tables.source import GuidelineSource


def load_decision_model(source: GuidelineSource) -> DecisionModel:
    """Load case inputs, items and tables; raise ContentError listing all problems found."""
    findings = FindingCollector()
    # A guideline without decision content (no tables, no items) compiles to an empty model.
    has_decisions = any(section.items or section.decision_tables for section in source.sections)
    inputs = load_case_inputs(
        source.case_inputs, source.file, source.case_inputs_line, findings, needed=has_decisions
    )
    items = load_items(source.sections, source.references, inputs, findings)
    tables = load_tables(source.sections, findings)
    derived = derived_values(tables, inputs, findings)
    names = NameSpace({case_input.name: case_input for case_input in inputs}, derived)
    tables = resolve_names(tables, names, items, findings)
    ordered = evaluation_order(tables, findings)
    findings.raise_if_any()
    # The files the generated module is made from: index.md and the sections with items or tables.
    contributing = [
        section.file
        for section in source.sections
        if section.items is not None or section.decision_tables is not None
    ]
    return DecisionModel(
        guideline_id=source.id,
        version=source.version,
        last_updated=source.last_updated,
        source_files=tuple(dict.fromkeys([source.file, *contributing])),
        inputs=inputs,
        items=items,
        tables=tuple(ordered),
        derived=tuple(derived.values()),
    )
