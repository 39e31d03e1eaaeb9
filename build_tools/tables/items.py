"""Load and check ``items:``, the advice that decision rules emit, from section front matter.

Each item links to one anchored point of its own section page and carries the citations of the
prose it summarises; both are resolved here so a broken link or an unknown reference fails the
build instead of reaching a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from build_tools.findings import FindingCollector
from build_tools.located_yaml import LocatedMap
from build_tools.policy_values import POLICY_PLACEHOLDER, named, number_text
from build_tools.tables.decision_tables import read_conditions
from build_tools.tables.fields import ITEM_ID, FieldReader
from build_tools.tables.model import (
    ITEM_KINDS,
    ORIGINS,
    RANKS,
    CaseInput,
    Dose,
    Item,
    ItemKind,
    Origin,
    Pointer,
    Rank,
)
from build_tools.tables.policies import PolicyTexts
from build_tools.tables.source import SectionSource
from build_tools.tables.wording import numbers_missing

_KEYS = (
    "kind",
    "rank",
    "text",
    "patient_text",
    "cite",
    "anchor",
    "dose",
    "agents",
    "asserts",
    "origin",
    "newer_guidance",
)
_DOSE_KEYS = ("agent", "amount_per_kg", "unit", "weight_input", "schedule", "round_to")
_POINTER_KEYS = ("text", "patient_text", "cite")
_CITATION_REQUIRED: tuple[ItemKind, ...] = ("recommendation", "dosing")
_AGENTS_REQUIRED: tuple[ItemKind, ...] = ("recommendation", "dosing")
# Newer guidance is pointed to, never given as this guideline's own advice.
_NEWER_GUIDANCE_KINDS: tuple[ItemKind, ...] = ("workup", "warning")
NEWER_GUIDANCE_GROUP = "newer_guidance"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ItemContext:
    """What items are checked against: the guideline's references, inputs and agents."""

    references: dict[str, int]  # citation key -> number
    reference_groups: dict[str, str]  # citation key -> group (source, newer_guidance, ...)
    inputs: tuple[CaseInput, ...]
    agents: frozenset[str]  # declared agent ids
    waived_checks: frozenset[str] = frozenset()  # see tables.source.WAIVABLE_CHECKS
    policies: PolicyTexts = field(default_factory=lambda: PolicyTexts(()))  # texts, cells name


def load_items(
    sections: tuple[SectionSource, ...], context: ItemContext, findings: FindingCollector
) -> tuple[Item, ...]:
    """Every item of every section, in document order; ids are unique across the guideline."""
    loaded: list[Item] = []
    first_seen: dict[str, str] = {}
    for section in sections:
        if section.items is None:
            continue
        reader = FieldReader(section.file, findings, context.policies.values)
        for item_id, raw in section.items.items():
            line = section.items.line_of(item_id)
            if not ITEM_ID.match(item_id):
                reader.report(
                    line,
                    f"item id {item_id!r} is not kebab-case or snake_case",
                    "use lower-case words joined by '-' or '_'",
                )
                continue
            if item_id in first_seen:
                reader.report(
                    line,
                    f"item {item_id!r} is already defined at {first_seen[item_id]}",
                    "give each item a unique id",
                )
                continue
            first_seen[item_id] = f"{section.file}:{line}"
            node = reader.mapping(raw, line, f"item {item_id}")
            if node is not None:
                loaded.append(_load_item(item_id, node, line, section, context, reader))
    return tuple(loaded)


def _load_item(
    item_id: str,
    node: LocatedMap,
    line: int,
    section: SectionSource,
    context: ItemContext,
    reader: FieldReader,
) -> Item:
    what = f"item {item_id}"
    reader.check_keys(node, _KEYS, what)
    kind = reader.choice(node, "kind", what, ITEM_KINDS) or "warning"
    rank: Rank | None = None
    if kind == "recommendation":
        rank = reader.choice(node, "rank", what, RANKS) or "alternative"
    elif "rank" in node:
        reader.report(
            node.line_of("rank"), f"{what}: only recommendations have a rank", "drop 'rank:'"
        )
    text = _filled(node, "text", what, context, reader)
    patient_text = _filled(node, "patient_text", what, context, reader)
    anchor = reader.text(node, "anchor", what)
    if anchor and anchor not in section.anchors:
        known = ", ".join(sorted(section.anchors)) or "none"
        reader.report(
            node.line_of("anchor"),
            f"{what}: unknown anchor {anchor!r} (not a ':::: point' of {section.file})",
            f"link to a point of this page ({known}) or add ':::: point {anchor}' to its body",
        )
    citations = _citations(node, what, kind, context.references, reader)
    dose = _dose(node, what, kind, context, reader)
    _check_placeholders(node, what, dose, reader)
    if "patient-numbers" not in context.waived_checks:
        _check_patient_numbers(node, what, text, patient_text, reader)
    origin = _origin(node, what, kind, context, reader)
    return Item(
        id=item_id,
        kind=kind,
        rank=rank,
        text=text,
        patient_text=patient_text,
        citations=citations,
        section=section.id,
        anchor=anchor,
        href=f"{section.page_url}#{anchor}",
        dose=dose,
        file=section.file,
        line=line,
        agents=_agents(
            node, what, kind, context.agents, reader, "item-agents" in context.waived_checks
        ),
        asserts=read_conditions(node, "asserts", what, reader),
        origin=origin,
        newer_guidance=_pointer(node, what, context, reader),
        policies=tuple(
            dict.fromkeys(
                [
                    *(
                        name
                        for key in ("text", "patient_text")
                        if isinstance(node.get(key), str)
                        for name in named(node[key])
                        if name in context.policies.texts
                    ),
                    *([dose.rounding_policy] if dose and dose.rounding_policy else []),
                ]
            )
        ),
    )


def _filled(
    node: LocatedMap, key: str, what: str, context: ItemContext, reader: FieldReader
) -> str:
    """A text with the site policies it names (``{policy:<id>}``) written as their values."""
    text = reader.text(node, key, what)
    return context.policies.fill(text, f"{what}: {key}", partial(reader.report, node.line_of(key)))


def _check_patient_numbers(
    node: LocatedMap, what: str, text: str, patient_text: str, reader: FieldReader
) -> None:
    missing = numbers_missing(text, patient_text)
    if missing and patient_text:
        reader.report(
            node.line_of("patient_text"),
            f"{what}: the patient text drops the number(s) {', '.join(missing)} of the "
            "clinician text",
            "patient wording keeps every number, percentage and caveat: say it plainly, "
            "e.g. '14 out of 100 (14%)'",
        )


def _agents(
    node: LocatedMap,
    what: str,
    kind: ItemKind,
    declared: frozenset[str],
    reader: FieldReader,
    waived: bool = False,
) -> tuple[str, ...]:
    if "agents" not in node:
        if kind in _AGENTS_REQUIRED and not waived:
            reader.report(
                node.line,
                f"{what}: a {kind} item must list the agents it involves",
                "add 'agents: [agent-id, ...]' (ids of the guideline's agents:), or 'agents: []'",
            )
        return ()
    agents: list[str] = []
    for agent, line in reader.string_list(node, "agents", what):
        if agent not in declared:
            known = ", ".join(sorted(declared)) or "none declared"
            reader.report(
                line,
                f"{what}: unknown agent {agent!r}",
                f"declare it under 'agents:' in the guideline's index.md or use one of: {known}",
            )
        elif agent not in agents:
            agents.append(agent)
    return tuple(agents)


def _origin(
    node: LocatedMap, what: str, kind: ItemKind, context: ItemContext, reader: FieldReader
) -> Origin:
    origin = reader.choice(node, "origin", what, ORIGINS, required=False) or "source"
    if origin != "newer_guidance":
        return origin
    if kind not in _NEWER_GUIDANCE_KINDS:
        reader.report(
            node.line_of("origin"),
            f"{what}: a {kind} item cannot come from newer guidance",
            "newer guidance is pointed to, never recommended: make it a workup or warning item, "
            "or give the recommendation 'newer_guidance:'",
        )
    _require_newer_guidance_citations(node, "cite", what, context, reader)
    return origin


def _require_newer_guidance_citations(
    node: LocatedMap, key: str, what: str, context: ItemContext, reader: FieldReader
) -> None:
    keys = [name.removeprefix("@") for name, _ in reader.string_list(node, key, what)]
    groups = context.reference_groups
    others = [key for key in keys if groups.get(key, NEWER_GUIDANCE_GROUP) != NEWER_GUIDANCE_GROUP]
    if not keys or others:
        reader.report(
            node.line_of(key) if key in node else node.line,
            f"{what}: newer guidance must cite references of the newer_guidance group"
            + (f", not {', '.join('@' + k for k in others)}" if others else ""),
            "cite the newer-guidance references (group: newer_guidance) it points to",
        )


def _pointer(
    node: LocatedMap, what: str, context: ItemContext, reader: FieldReader
) -> Pointer | None:
    if "newer_guidance" not in node:
        return None
    line = node.line_of("newer_guidance")
    raw = reader.mapping(node["newer_guidance"], line, f"{what}: newer_guidance")
    if raw is None:
        return None
    where = f"{what}: newer_guidance"
    reader.check_keys(raw, _POINTER_KEYS, where)
    text = _filled(raw, "text", where, context, reader)
    patient_text = _filled(raw, "patient_text", where, context, reader)
    if "patient-numbers" not in context.waived_checks:
        _check_patient_numbers(raw, where, text, patient_text, reader)
    _require_newer_guidance_citations(raw, "cite", where, context, reader)
    citations = reader.citations(raw, "cite", where, context.references)
    return Pointer(text, patient_text, citations, raw.line)


def _citations(
    node: LocatedMap, what: str, kind: ItemKind, references: dict[str, int], reader: FieldReader
) -> tuple[int, ...]:
    numbers = reader.citations(node, "cite", what, references)
    # An explicit empty list is left to the safety constraints (kind "cited"), which prove that
    # no uncited item can reach a result and give a case where one would.
    if kind in _CITATION_REQUIRED and not numbers and "cite" not in node:
        reader.report(
            node.line,
            f"{what}: a {kind} item must cite its source",
            "add 'cite: [\"@key\"]' with the references of the prose it links to",
        )
    return numbers


def _dose(
    node: LocatedMap, what: str, kind: ItemKind, context: ItemContext, reader: FieldReader
) -> Dose | None:
    inputs = context.inputs
    if "dose" not in node:
        return None
    line = node.line_of("dose")
    if kind != "dosing":
        reader.report(
            line, f"{what}: only dosing items have a dose", "make the kind 'dosing' or drop 'dose:'"
        )
        return None
    raw = reader.mapping(node["dose"], line, f"{what}: dose")
    if raw is None:
        return None
    reader.check_keys(raw, _DOSE_KEYS, f"{what}: dose")
    amount = raw.get("amount_per_kg")
    amount_text = (
        str(amount) if isinstance(amount, (str, int)) and not isinstance(amount, bool) else ""
    )
    try:
        valid_amount = Decimal(amount_text).is_finite() and Decimal(amount_text) > 0
    except InvalidOperation:
        valid_amount = False
    if not valid_amount:
        reader.report(
            raw.line_of("amount_per_kg"),
            f"{what}: amount_per_kg must be a positive decimal written as text",
            'quote it, e.g. amount_per_kg: "4"',
        )
    weight_input = reader.text(raw, "weight_input", f"{what}: dose")
    declared = next((case_input for case_input in inputs if case_input.name == weight_input), None)
    if weight_input and (declared is None or declared.type not in ("integer", "number")):
        reader.report(
            raw.line_of("weight_input"),
            f"{what}: weight_input {weight_input!r} is not a numeric case input",
            "name a declared number input such as weight_kg",
        )
    rounding = reader.text(raw, "round_to", f"{what}: dose", required=False) or None
    step: str | None = None
    if rounding is not None:
        value = context.policies.values.get(rounding)
        if value is None or value <= 0:
            known = ", ".join(sorted(context.policies.values)) or "none declared"
            reader.report(
                raw.line_of("round_to"),
                f"{what}: dose: round_to {rounding!r} is not a site policy with a positive value",
                f"name a policy declared under 'policies:' in index.md ({known})",
            )
            rounding = None
        else:
            step = number_text(value)
    return Dose(
        agent=reader.text(raw, "agent", f"{what}: dose"),
        amount_per_kg=amount_text if valid_amount else "0",
        unit=reader.text(raw, "unit", f"{what}: dose"),
        weight_input=weight_input,
        schedule=reader.text(raw, "schedule", f"{what}: dose"),
        round_to=step,
        rounding_policy=rounding,
    )


def _check_placeholders(
    node: LocatedMap, what: str, dose: Dose | None, reader: FieldReader
) -> None:
    mentions_dose = False
    for key in ("text", "patient_text"):
        value = node.get(key)
        if not isinstance(value, str):
            continue
        for placeholder in _PLACEHOLDER.findall(value):
            if POLICY_PLACEHOLDER.fullmatch("{" + placeholder + "}"):
                continue  # a site policy, filled in (or reported) with the text
            if placeholder != "dose":
                reader.report(
                    node.line_of(key),
                    f"{what}: unknown placeholder {{{placeholder}}}",
                    "write {dose} (the computed dose) or {policy:<id>} (a site policy's value)",
                )
            elif dose is None:
                reader.report(
                    node.line_of(key),
                    f"{what}: {{dose}} in a text without a dose",
                    "add 'dose:' or drop {dose}",
                )
            else:
                mentions_dose = True
    if dose is not None and not mentions_dose:
        reader.report(
            node.line_of("dose"),
            f"{what}: the computed dose is never shown",
            "put {dose} in text and patient_text",
        )
