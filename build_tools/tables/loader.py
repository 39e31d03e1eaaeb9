"""Turn a :class:`GuidelineSource` into a checked :class:`DecisionModel`, or report all findings."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from build_tools.findings import FindingCollector
from build_tools.notices import REVIEW_NOTICE_ID, review_notice
from build_tools.tables.case_inputs import load_case_inputs
from build_tools.tables.decision_tables import (
    NameSpace,
    check_condition,
    derived_values,
    load_tables,
    resolve_names,
    typed_condition,
)
from build_tools.tables.fields import citation_numbers
from build_tools.tables.graph import evaluation_order
from build_tools.tables.items import ItemContext, load_items
from build_tools.tables.model import CaseInput, DecisionModel, Item, Notice
from build_tools.tables.policies import PolicyTexts, load_policies
from build_tools.tables.safety import AgentIndex, load_agents, load_safety
from build_tools.tables.source import GuidelineSource
from build_tools.tables.wording import numbers_missing


def load_decision_model(source: GuidelineSource) -> DecisionModel:
    """Load case inputs, items, tables and safety constraints; raise ContentError listing all
    problems found."""
    findings = FindingCollector()
    # A guideline without decision content (no tables, no items) compiles to an empty model.
    has_decisions = any(section.items or section.decision_tables for section in source.sections)
    policies = PolicyTexts(load_policies(source, findings))
    inputs = load_case_inputs(
        source.case_inputs,
        source.file,
        source.case_inputs_line,
        findings,
        needed=has_decisions,
        policies=policies,
    )
    agents = AgentIndex(load_agents(source.agents, source.file, findings))
    context = ItemContext(
        source.references,
        source.reference_groups,
        inputs,
        agents.ids,
        source.waived_checks,
        policies,
    )
    items = load_items(source.sections, context, findings)
    tables = load_tables(source.sections, findings, policies.values)
    derived = derived_values(tables, inputs, findings)
    names = NameSpace({case_input.name: case_input for case_input in inputs}, derived)
    inputs = tuple(
        _with_typed_implications(case_input, names, source.file, findings) for case_input in inputs
    )
    names = NameSpace({case_input.name: case_input for case_input in inputs}, derived)
    tables = resolve_names(tables, names, items, findings)
    items = tuple(_with_typed_asserts(item, names, findings) for item in items)
    ordered = evaluation_order(tables, findings)
    safety = load_safety(
        source.safety,
        source.file,
        source.references,
        agents,
        items,
        names,
        findings,
        policies.values,
    )
    notices = _notices(source, policies, findings)
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
        notices=notices,
        agents=agents.agents,
        safety=safety,
        policies=policies.policies,
    )


def _with_typed_implications(
    case_input: CaseInput, names: NameSpace, file: str, findings: FindingCollector
) -> CaseInput:
    """A finding's ``implied_by`` cells name other case fields that are not findings: what
    settles it must itself be stated, never assumed (nor another table's output)."""
    if not case_input.implied_by:
        return case_input
    implications = []
    for implication in case_input.implied_by:
        typed = []
        for condition in implication.conditions:
            declared = names.inputs.get(condition.input)
            if declared is None or declared.finding or declared.name == case_input.name:
                findings.add(
                    file,
                    condition.line,
                    f"case input {case_input.name}: implied_by tests {condition.input!r}, which "
                    "is not another case field that is not a finding",
                    "imply a finding only from stated values (a number, an enum, a checkbox)",
                )
                continue
            condition = typed_condition(condition, names)
            check_condition(
                file, condition, f"case input {case_input.name}: implied_by", names, findings
            )
            typed.append(condition)
        implications.append(replace(implication, conditions=tuple(typed)))
    return replace(case_input, implied_by=tuple(implications))


def _with_typed_asserts(item: Item, names: NameSpace, findings: FindingCollector) -> Item:
    """An item's ``asserts:`` name case fields (what its text states about the case)."""
    typed = []
    for condition in item.asserts:
        if condition.input not in names.inputs:
            findings.add(
                item.file,
                condition.line,
                f"item {item.id}: asserts {condition.input!r}, which is not a case input",
                "assert only what the case states: name a declared case field",
            )
            continue
        condition = typed_condition(condition, names)
        check_condition(item.file, condition, f"item {item.id}: asserts", names, findings)
        typed.append(condition)
    return replace(item, asserts=tuple(typed))


def _notices(
    source: GuidelineSource, policies: PolicyTexts, findings: FindingCollector
) -> tuple[Notice, ...]:
    """The notices of index.md with their citations as reference numbers and the site policies
    their texts name written as values."""
    notices: list[Notice] = []
    for raw in source.notices:
        report = partial(findings.add, source.file, raw.line)
        notice = replace(
            raw,
            text=policies.fill(raw.text, f"notice {raw.id}: text", report),
            patient_text=policies.fill(raw.patient_text, f"notice {raw.id}: patient_text", report),
        )

        def uncited(key: str, line: int = notice.line, notice_id: str = notice.id) -> None:
            findings.add(
                source.file,
                line,
                f"notice {notice_id}: unknown citation key '@{key}'",
                "cite one of the guideline's references",
            )

        numbers = citation_numbers(notice.cite, source.references, uncited)
        missing = numbers_missing(notice.text, notice.patient_text)
        if missing and "patient-numbers" not in source.waived_checks:
            findings.add(
                source.file,
                notice.line,
                f"notice {notice.id}: the patient text drops the number(s) {', '.join(missing)}",
                "patient wording keeps every number of the clinician text",
            )
        notices.append(Notice(notice.id, notice.text, notice.patient_text, numbers))
    if source.review_status:
        notices.append(
            Notice(REVIEW_NOTICE_ID, *review_notice(source.review_status, source.version), ())
        )
    return tuple(notices)
