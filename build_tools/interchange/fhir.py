"""The decision model as a FHIR R4B ``Bundle`` (type ``collection``) in the shape of the CPG
implementation guide: a ``Questionnaire`` for the case and one ``PlanDefinition`` (``eca-rule``)
per decision table, every resource validated by ``fhir.resources.R4B`` and written from the
validated models.

**The case.** The ``Questionnaire`` has one top-level item per case field (``linkId`` = the field
name): enum -> ``choice`` with an ``answerOption`` per value (a ``Coding`` whose code is the
value), boolean, integer, number -> ``decimal``; the clinician label is ``text``, the patient
label the :data:`PATIENT_WORDING` extension on ``_text``; ``required``; a default as
``initial`` (``initialSelected`` for enums); a range as the standard ``minValue``/``maxValue``
extensions (an exclusive bound of a decimal has no FHIR place: the description states it); a unit
as ``questionnaire-unit``. A case is a ``QuestionnaireResponse`` of it: a field without an answer
(or without an item) is null. Its defaults are the Questionnaire's ``initial`` answers: the
conditions read the answers as given, so a form fills the defaults in (as the calculator does).

**A table.** One ``PlanDefinition`` (id: the table id, ``_`` -> ``-``) whose one action is the
table: a ``logical-group`` whose ``condition`` is the table's ``applies_when`` and whose
``selectionBehavior`` states the hit policy (unique and first: ``at-most-one``, ``exactly-one``
with a default; collect: ``any``); its child actions are the rules, by rule id, then the default
(``default``) last, as in the DMN export. Each rule action's ``description`` gives its outputs
(value, status, case error, items with their citation numbers) in the clinician's words, with the
patient's words in the :data:`PATIENT_WORDING` extension on ``_description``; its
``documentation`` lists the references its items cite (``citation``: the formatted reference,
with its DOI or URL). The PlanDefinition's ``relatedArtifact`` lists them all, the Questionnaire
and the tables it reads (``depends-on``), and the guideline's source (``derived-from``).

**Conditions.** ``applicability`` conditions in ``text/fhirpath``, evaluated with the case's
QuestionnaireResponse as ``%context``; an action applies when its condition is ``true`` (empty
and false do not apply), its children only when it applies. Every condition needs nothing but
the QuestionnaireResponse (no library, no variables):

* *Cells* say what they match, as feel.py does for DMN: a missing answer is an empty collection,
  on which ``=``, ``<``, ``in`` and ``not()`` give empty, so a cell never negates: an enum or
  boolean cell lists its values (``x = 'a'``, ``x in ('a' | 'b')``), a numeric one its spans, and
  a cell that matches null adds ``x.empty() or ...``; all non-null values are ``x.exists()``.
* *First.* A rule of a ``first`` table applies when its cells match and no earlier rule's do:
  ``iif(earlier or ..., false, cells)`` (``iif`` takes an empty criterion as false, unlike
  ``not()``); the default applies when no rule does. The children are then mutually exclusive,
  so an engine that applies every applicable action gets exactly the selected rules.
* *Chained tables.* A cell on another table's output (``hr``) inlines that table's selection as a
  FHIRPath expression giving its value: ``iif(applies, iif(rule 1, 'v1', iif(rule 2, 'v2',
  default)), {})``, which is the first matching rule's value, the default's, or empty (null) when
  the table is skipped or nothing matches: exactly our output. So a condition recomputes what it
  reads from the answers alone (the DMN export's ``informationRequirement`` becomes a
  ``depends-on`` artifact, for the reader).

Unknown clinical findings (``finding: true``) are branched on by our runtime, never null in a
table: give a FHIR engine their answers, as a DMN engine. The tests evaluate every condition with
``fhirpathpy`` and find the rules the compiled module selects.

**Metadata** (CRMI): ``url`` is a canonical URN, ``urn:guideline:<guideline id>:<type>:<id>`` (the
site has no fixed origin), with ``version`` the guideline's version; ``status`` from the review
(submitted and under review -> ``draft``, approved -> ``active``); ``date`` the guideline's
last update; ``approvalDate`` and ``lastReviewDate`` from this version's review history;
``publisher`` who submitted this version; ``reviewer``/``endorser`` who reviewed or approved it;
``experimental`` false. Entries' ``fullUrl`` is a name-based ``urn:uuid`` of the canonical. Nothing
else is dated, so two builds are byte-identical.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.plandefinition import PlanDefinition
from fhir.resources.R4B.questionnaire import Questionnaire

from build_tools.content.schema import ReviewEvent
from build_tools.content.site import Guideline
from build_tools.interchange.bibliography import formatted_references
from build_tools.interchange.case_schema import contradictions
from build_tools.interchange.dmn import ExportError
from build_tools.interchange.feel import INFINITY, Span, matched_spans
from build_tools.interchange.notices import notices_text
from build_tools.tables.domain import DomainValue
from build_tools.tables.model import (
    CaseInput,
    Condition,
    DecisionModel,
    DecisionTable,
    Outcome,
    Rule,
)
from build_tools.tables.unary import AnyValue, UnaryTest

FHIRPATH = "text/fhirpath"
PLAN_TYPES = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
# The patient's wording of the text it extends (no standard extension says "the same text for
# another audience"; a canonical never has this form: theirs always name a resource type).
PATIENT_WORDING = "urn:guideline:patient-wording"
QUESTIONNAIRE_ID = "case-inputs"
DEFAULT_RULE = "default"
STATUSES = {"submitted": "draft", "under_review": "draft", "approved": "active"}
ITEM_TYPES = {"enum": "choice", "boolean": "boolean", "integer": "integer", "number": "decimal"}
VALUE_KEYS = {"boolean": "valueBoolean", "integer": "valueInteger", "number": "valueDecimal"}
SELECTION = {"unique": "at-most-one", "first": "at-most-one", "collect": "any"}
_RESOURCE_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def fhir_path(guideline_id: str) -> str:
    """Where the site publishes a guideline's FHIR bundle (relative to the site root)."""
    return f"{guideline_id}/{guideline_id}.fhir.json"


def canonical(guideline_id: str, resource_type: str, resource_id: str) -> str:
    return f"urn:guideline:{guideline_id}:{resource_type}:{resource_id}"


def plan_id(table: DecisionTable) -> str:
    """A table's PlanDefinition id (FHIR ids allow no ``_``)."""
    found = table.id.replace("_", "-")
    if not _RESOURCE_ID.match(found):
        raise ExportError(f"{table.location}: table {table.id}: {found!r} is not a FHIR id")
    return found


# --- conditions -------------------------------------------------------------------------------


def fhirpath_literal(value: DomainValue) -> str:
    """A value as a FHIRPath literal (null is the empty collection)."""
    if value is None:
        return "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        # Decimal notation: FHIRPath has no exponent (repr would give 1e-05).
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def answer_path(field: CaseInput) -> str:
    """The answer of a case field in the QuestionnaireResponse (empty when null)."""
    value = f"%context.item.where(linkId = {fhirpath_literal(field.name)}).answer.value"
    return f"{value}.code" if field.type == "enum" else value


def cell_expression(
    test: UnaryTest, kind: str, values: Sequence[DomainValue], value: str
) -> str | None:
    """What the cell ``test`` on an input of ``kind`` (non-null ``values`` for enums and
    booleans) matches, as a FHIRPath boolean on the expression ``value``; None when it matches
    everything, null included. Raises :class:`ValueError` for a cell that matches nothing."""
    if isinstance(test, AnyValue):
        return None
    with_null = test.matches(None)
    if kind in ("integer", "number"):
        spans = matched_spans(test)
        everything = spans == [Span(-INFINITY, INFINITY, False, False)]
        parts = [] if everything else [_span_expression(span, value) for span in spans]
    else:
        present = [candidate for candidate in values if candidate is not None]
        matched = [candidate for candidate in present if test.matches(candidate)]
        everything = bool(matched) and len(matched) == len(present)
        parts = [] if everything or not matched else [_among(matched, value)]
    if everything:
        return None if with_null else f"{value}.exists()"
    if with_null:
        parts.insert(0, f"{value}.empty()")
    if not parts:
        raise ValueError("the cell matches no value")
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def _among(matched: Sequence[DomainValue], value: str) -> str:
    if len(matched) == 1:
        return f"{value} = {fhirpath_literal(matched[0])}"
    return f"{value} in (" + " | ".join(map(fhirpath_literal, matched)) + ")"


def _span_expression(span: Span, value: str) -> str:
    if span.low == span.high:
        return f"{value} = {fhirpath_literal(span.low)}"
    ends = []
    if span.low != -INFINITY:
        ends.append(f"{value} {'>=' if span.low_closed else '>'} {fhirpath_literal(span.low)}")
    if span.high != INFINITY:
        ends.append(f"{value} {'<=' if span.high_closed else '<'} {fhirpath_literal(span.high)}")
    return ends[0] if len(ends) == 1 else "(" + " and ".join(ends) + ")"


def all_of(parts: Iterable[str | None]) -> str | None:
    """The conjunction of conditions (None: no condition)."""
    found = [part for part in parts if part is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else " and ".join(f"({part})" for part in found)


def unless(earlier: Sequence[str | None], condition: str | None) -> str:
    """``condition`` where none of ``earlier`` is true (an empty one counts as not true)."""
    own = condition or "true"
    if not earlier:
        return own
    others = " or ".join(f"({part})" if part is not None else "true" for part in earlier)
    return f"iif({others}, false, {own})"


class Conditions:
    """The FHIRPath conditions of a model's tables. ``read(name)`` gives the expression of an
    input; by default a case field's answer and another table's output recomputed inline (the
    tests read every input from variables to check a table alone)."""

    def __init__(self, model: DecisionModel, read: Callable[[str], str] | None = None) -> None:
        self.model = model
        self._read = read
        self._values: dict[str, str] = {}

    def read(self, name: str) -> str:
        if self._read is not None:
            return self._read(name)
        declared = self.model.input_named(name)
        if declared is not None:
            return answer_path(declared)
        producer = self.model.producer_of(name)
        if producer is None:  # the loader has already refused an unknown input
            raise ExportError(f"{name}: neither a case field nor a table's output")
        if name not in self._values:
            self._values[name] = self.value_of(producer)
        return self._values[name]

    def cell(self, table: DecisionTable, rule_id: str, condition: Condition) -> str | None:
        kind, values = self._kind(condition.input)
        try:
            return cell_expression(condition.test, kind, values, self.read(condition.input))
        except ValueError as error:
            raise ExportError(
                f"{table.location}: rule {rule_id}, {condition.input}: {error}"
            ) from None

    def _kind(self, name: str) -> tuple[str, tuple[DomainValue, ...]]:
        declared = self.model.input_named(name)
        if declared is not None:
            values: tuple[DomainValue, ...] = (
                declared.values if declared.type == "enum" else (False, True)
            )
            return declared.type, values
        derived = self.model.derived_named(name)
        return "enum", derived.values if derived is not None else ()

    def matches(self, table: DecisionTable, rule: Rule) -> str | None:
        """Where the rule's own cells match (None: everywhere)."""
        return all_of(self.cell(table, rule.id, condition) for condition in rule.conditions)

    def applies(self, table: DecisionTable) -> str | None:
        """The table's ``applies_when`` (None: always)."""
        return all_of(self.cell(table, "applies_when", c) for c in table.applies_when)

    def rules(self, table: DecisionTable) -> list[tuple[str, str]]:
        """(rule id or ``default``, where the hit policy selects it), in rule order: under
        ``first`` a rule needs every earlier one not to match; the default, every rule."""
        own = [(rule.id, self.matches(table, rule)) for rule in table.rules]
        found = [
            (rule_id, unless([c for _, c in own[:index]] if table.hit_policy == "first" else [], c))
            for index, (rule_id, c) in enumerate(own)
        ]
        if table.default is not None:
            found.append((DEFAULT_RULE, unless([c for _, c in own], None)))
        return found

    def value_of(self, table: DecisionTable) -> str:
        """The table's output: its first selected rule's value, the default's, else empty."""
        found = fhirpath_literal(table.default.value) if table.default is not None else "{}"
        for rule in reversed(table.rules):
            own = self.matches(table, rule)
            value = fhirpath_literal(rule.outcome.value)
            found = value if own is None else f"iif({own}, {value}, {found})"
        applies = self.applies(table)
        return found if applies is None else f"iif({applies}, {found}, {{}})"


# --- resources --------------------------------------------------------------------------------


def _patient(text: str) -> dict[str, Any]:
    return {"extension": [{"url": PATIENT_WORDING, "valueString": text}]}


def _computable_name(identifier: str) -> str:
    """A CRMI computable name (``[A-Z][A-Za-z0-9_]*``) from a kebab or snake id."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", identifier))
    return name if name[:1].isalpha() else "T" + name


def _review_events(guideline: Guideline, version: str) -> list[ReviewEvent]:
    return [
        event
        for event in guideline.meta.review.history
        if event.version is None or event.version == version
    ]


def _metadata(guideline: Guideline, model: DecisionModel) -> dict[str, Any]:
    """The CRMI fields every resource shares (url, name, title, description: per resource)."""
    events = _review_events(guideline, model.version)
    submitted = [e.by for e in events if e.status == "submitted"]
    approved = [e.date for e in events if e.status == "approved"]
    reviewed = [e.date for e in events if e.status in ("under_review", "approved")]
    found: dict[str, Any] = {
        "version": model.version,
        "status": STATUSES[guideline.meta.review.status],
        "experimental": False,
        "date": model.last_updated,
        "publisher": (submitted or [guideline.meta.review.history[0].by])[-1],
    }
    if approved:
        found["approvalDate"] = max(approved).isoformat()
    if reviewed:
        found["lastReviewDate"] = max(reviewed).isoformat()
    return found


def _contacts(guideline: Guideline, version: str, statuses: tuple[str, ...]) -> list[Any]:
    names = dict.fromkeys(e.by for e in _review_events(guideline, version) if e.status in statuses)
    return [{"name": name} for name in names]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


class _Citations:
    """Each reference as a ``citation`` artifact, made once per bundle: its text as the site's
    reference list formats it (citeproc, NLM / Vancouver), with its DOI or URL."""

    def __init__(self, guideline: Guideline) -> None:
        formatted = {
            entry.key: entry.text for entry in formatted_references(guideline.meta.references)
        }
        references = {reference.key: reference for reference in guideline.meta.references}
        self._artifacts: dict[int, dict[str, Any]] = {}
        for key, number in guideline.reference_numbers.items():
            reference = references[key]
            artifact: dict[str, Any] = {
                "type": "citation",
                "label": str(number),
                "citation": formatted[key],
            }
            url = f"https://doi.org/{reference.doi}" if reference.doi else reference.url
            if url:
                artifact["url"] = url
            self._artifacts[number] = artifact

    def of(self, numbers: Iterable[int]) -> list[dict[str, Any]]:
        """The artifacts of the references numbered ``numbers``, in number order."""
        return [dict(self._artifacts[number]) for number in sorted(set(numbers))]


def questionnaire(guideline: Guideline, model: DecisionModel) -> Questionnaire:
    """The case inputs as a Questionnaire (validated)."""
    items = [_question(field) for field in model.inputs]
    notes = [
        f"A case for the calculator of {guideline.meta.title!r}, version {model.version}: one "
        "item per case field (linkId: its name). An unanswered item is null, except that the "
        "conditions read the answers as given: fill the initial answers (the defaults) in."
    ]
    findings = [field.name for field in model.inputs if field.finding]
    if findings:
        notes.append(
            "Clinical findings the calculator works out both ways when unknown; the decision "
            "tables' conditions need their answers: " + ", ".join(findings) + "."
        )
    exclusive = [
        f"{field.name} {'>' if field.exclusive_min else '<'} "
        f"{field.minimum if field.exclusive_min else field.maximum}"
        for field in model.inputs
        if field.type == "number" and (field.exclusive_min or field.exclusive_max)
    ]
    if exclusive:
        notes.append("Exclusive bounds (minValue/maxValue are inclusive): " + "; ".join(exclusive))
    cannot = contradictions(model)
    if cannot:
        notes.append(
            "Contradictions between answers that the decision tables report as errors:\n"
            + "\n".join(f"- {contradiction}" for contradiction in cannot)
        )
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": canonical(model.guideline_id, "Questionnaire", QUESTIONNAIRE_ID),
        "name": _computable_name(model.guideline_id) + "Case",
        "title": f"A case: {guideline.meta.title}",
        **_metadata(guideline, model),
        "description": "\n\n".join(notes),
        "purpose": notices_text(model),
        "subjectType": ["Patient"],
        "item": items,
    }
    return Questionnaire.model_validate(resource)


def _question(field: CaseInput) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": field.name,
        "text": field.label.clinician,
        "_text": _patient(field.label.patient),
        "type": ITEM_TYPES[field.type],
    }
    if field.required:
        item["required"] = True
    if field.type == "enum":
        item["answerOption"] = [
            {"valueCoding": {"code": value, "display": value}}
            | ({"initialSelected": True} if value == field.default else {})
            for value in field.values
        ]
    elif field.default is not None:
        item["initial"] = [{VALUE_KEYS[field.type]: field.default}]
    extensions: list[dict[str, Any]] = []
    key = VALUE_KEYS.get(field.type)
    # FHIR's bounds are inclusive: an integer's exclusive bound is the next integer; a
    # decimal's has no place (the description states it).
    for url, bound, exclusive, step in (
        (MIN_VALUE, field.minimum, field.exclusive_min, 1),
        (MAX_VALUE, field.maximum, field.exclusive_max, -1),
    ):
        if bound is None or key is None or (exclusive and field.type == "number"):
            continue
        extensions.append({"url": url, key: bound + step if exclusive else bound})
    if field.unit:
        extensions.append({"url": UNIT, "valueCoding": {"display": field.unit}})
    if extensions:
        item["extension"] = extensions
    return item


def plan_definition(
    table: DecisionTable,
    guideline: Guideline,
    model: DecisionModel,
    conditions: Conditions,
    citations: _Citations,
) -> PlanDefinition:
    """One table as an ECA-rule PlanDefinition (validated)."""
    outcomes = [(rule.id, rule.outcome) for rule in table.rules]
    if table.default is not None:
        outcomes.append((DEFAULT_RULE, table.default))
    selected = dict(conditions.rules(table))
    rule_actions = [
        _rule_action(table, rule_id, outcome, selected[rule_id], citations, model)
        for rule_id, outcome in outcomes
    ]
    selection = SELECTION[table.hit_policy]
    if table.default is not None and table.hit_policy != "collect":
        selection = "exactly-one"
    group: dict[str, Any] = {
        "id": table.id,
        "title": table.title,
        "groupingBehavior": "logical-group",
        "selectionBehavior": selection,
        "input": [{"type": "QuestionnaireResponse"}],
        "action": rule_actions,
    }
    applies = conditions.applies(table)
    if applies is not None:
        group["condition"] = [_applicability(applies)]
    cited = [n for rule_id, outcome in outcomes for n in _cited(outcome, model)]
    resource = {
        "resourceType": "PlanDefinition",
        "id": plan_id(table),
        "url": canonical(model.guideline_id, "PlanDefinition", plan_id(table)),
        "name": _computable_name(table.id),
        "title": table.title,
        "type": {"coding": [{"system": PLAN_TYPES, "code": "eca-rule"}]},
        **_metadata(guideline, model),
        "description": _table_description(table, model),
        "usage": notices_text(model),
        "reviewer": _contacts(guideline, model.version, ("under_review",)) or None,
        "endorser": _contacts(guideline, model.version, ("approved",)) or None,
        "relatedArtifact": [
            *_dependencies(table, guideline, model),
            *citations.of(cited),
        ],
        "action": [group],
    }
    return PlanDefinition.model_validate(resource)


def _applicability(expression: str) -> dict[str, Any]:
    return {"kind": "applicability", "expression": {"language": FHIRPATH, "expression": expression}}


def _table_description(table: DecisionTable, model: DecisionModel) -> str:
    policy = {
        "unique": "at most one rule applies (proven by the build)",
        "first": "the first rule that matches applies (each rule's condition excludes the "
        "earlier ones)",
        "collect": "every rule that matches applies, in rule order",
    }[table.hit_policy]
    if table.default is not None:
        policy += "; the default applies when no rule does"
    lines = [
        table.description,
        f"Hit policy {table.hit_policy}: {policy}.",
        "Conditions are FHIRPath over the QuestionnaireResponse of the case (as %context) to "
        f"{canonical(model.guideline_id, 'Questionnaire', QUESTIONNAIRE_ID)}; an action "
        "applies when its condition is true, and its rules only when it does.",
        f"Source: {table.location}.",
    ]
    if table.output is not None:
        lines.insert(1, f"Its value, {table.output.name}, is read by the tables that depend on it.")
    return "\n\n".join(line for line in lines if line)


def _dependencies(
    table: DecisionTable, guideline: Guideline, model: DecisionModel
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "type": "depends-on",
            "display": "The case",
            "resource": canonical(model.guideline_id, "Questionnaire", QUESTIONNAIRE_ID),
        }
    ]
    for name in table.domain_inputs:
        producer = model.producer_of(name)
        if producer is not None:
            found.append(
                {
                    "type": "depends-on",
                    "display": f"{name}: {producer.title}",
                    "resource": canonical(model.guideline_id, "PlanDefinition", plan_id(producer)),
                }
            )
    source = guideline.meta.source
    if source is not None:
        artifact: dict[str, Any] = {
            "type": "derived-from",
            "display": source.title,
            "citation": f"{_sentence(source.title)} {source.publisher}; last updated "
            f"{source.last_updated.isoformat()}.",
        }
        if source.url:
            artifact["url"] = source.url
        found.append(artifact)
    return found


def _cited(outcome: Outcome, model: DecisionModel) -> list[int]:
    numbers: list[int] = []
    for item_id in outcome.items:
        item = model.item_named(item_id)
        if item is not None:
            numbers += item.citations
            if item.newer_guidance is not None:
                numbers += item.newer_guidance.citations
    return numbers


def _rule_action(
    table: DecisionTable,
    rule_id: str,
    outcome: Outcome,
    condition: str,
    citations: _Citations,
    model: DecisionModel,
) -> dict[str, Any]:
    clinician, patient = _outcome_text(table, rule_id, outcome, model)
    action: dict[str, Any] = {
        "id": rule_id,
        "title": "Default: no rule applies" if rule_id == DEFAULT_RULE else f"Rule {rule_id}",
        "description": clinician,
        "_description": _patient(patient),
        "condition": [_applicability(condition)],
    }
    documentation = citations.of(_cited(outcome, model))
    if documentation:
        action["documentation"] = documentation
    return action


def _outcome_text(
    table: DecisionTable, rule_id: str, outcome: Outcome, model: DecisionModel
) -> tuple[str, str]:
    """What the rule gives, in the clinician's words and in the patient's."""
    common: list[str] = []
    if table.output is not None:
        shown = outcome.value if outcome.value is not None else "null (not known)"
        common.append(f"{table.output.name}: {shown}.")
    if outcome.status is not None:
        common.append("Status: " + outcome.status.replace("_", " ") + ".")
    if outcome.error is not None:
        common.append(f"Invalid case ({outcome.error.field}): {outcome.error.message}")
    clinician, patient = list(common), list(common)
    for item_id in outcome.items:
        item = model.item_named(item_id)
        if item is None:
            raise ExportError(f"{table.location}: rule {rule_id}: unknown item {item_id}")
        kind = item.kind.replace("_", " ") + (f", {item.rank}" if item.rank else "")
        cites = f" [{', '.join(map(str, item.citations))}]" if item.citations else ""
        clinician.append(f"{kind.capitalize()} ({item.id}): {item.text}{cites}")
        patient.append(f"{kind.capitalize()} ({item.id}): {item.patient_text}{cites}")
        pointer = item.newer_guidance
        if pointer is not None:
            cited = f" [{', '.join(map(str, pointer.citations))}]" if pointer.citations else ""
            clinician.append(f"Newer guidance: {pointer.text}{cited}")
            patient.append(f"Newer guidance: {pointer.patient_text}{cited}")
    if not clinician:
        clinician = patient = ["No output."]
    return "\n".join(clinician), "\n".join(patient)


def fhir_bundle(model: DecisionModel, guideline: Guideline) -> Bundle:
    """The Questionnaire and one PlanDefinition per table, in evaluation order (validated)."""
    conditions, citations = Conditions(model), _Citations(guideline)
    resources: list[Questionnaire | PlanDefinition] = [questionnaire(guideline, model)]
    resources += [plan_definition(t, guideline, model, conditions, citations) for t in model.tables]
    ids = [str(resource.id) for resource in resources]
    if len(set(ids)) != len(ids):
        twice = sorted({found for found in ids if ids.count(found) > 1})
        raise ExportError(f"{model.guideline_id}: two resources would have the id {twice}")
    entries = [
        {"fullUrl": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, str(r.url))), "resource": r}
        for r in resources
    ]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": model.guideline_id if _RESOURCE_ID.match(model.guideline_id) else None,
            "type": "collection",
            "entry": entries,
        }
    )


def fhir_bundle_json(model: DecisionModel, guideline: Guideline) -> str:
    """The published file's text (raises :class:`ExportError`)."""
    bundle = fhir_bundle(model, guideline).model_dump(mode="json")
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
