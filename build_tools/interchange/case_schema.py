"""The JSON Schema (draft 2020-12) of a guideline's cases, from its compiled case inputs.

It says exactly what ``calculators.recommend`` accepts (calculators/runtime/inputs.py), field
by field: a field that is not required may be null or missing (its default; for a nullable field
an explicit null means unknown); a required field must be given and not null; a field the
guideline does not declare is refused (``additionalProperties: false``), as the runtime refuses
it by name. What one field's value cannot
show, the contradictions the decision tables report between fields, is listed in the schema's
``description``: a case with one is valid here and ``invalid`` in the result.
"""

from __future__ import annotations

import json
from typing import Any

from build_tools.tables.model import CaseInput, DecisionModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAME = "case.schema.json"

_TYPES = {"boolean": "boolean", "integer": "integer", "number": "number"}


def schema_path(guideline_id: str) -> str:
    """Where the schema is published (relative to the site root)."""
    return f"{guideline_id}/{FILE_NAME}"


def contradictions(model: DecisionModel) -> list[str]:
    """The case errors the decision tables report (``field: message``), in table order, once
    each: what a schema of single fields cannot express."""
    found: dict[str, None] = {}
    for table in model.tables:
        outcomes = [rule.outcome for rule in table.rules]
        if table.default is not None:
            outcomes.append(table.default)
        for outcome in outcomes:
            if outcome.error is not None:
                found[f"{outcome.error.field}: {outcome.error.message}"] = None
    return list(found)


def case_schema(model: DecisionModel, title: str) -> dict[str, Any]:
    """The schema as a JSON value."""
    cannot = contradictions(model)
    description = (
        f"A case for the calculator of {title!r}, version {model.version}, as "
        "calculators.recommend accepts it. A field that is missing or null takes its default "
        "(for a field that allows unknown, null means unknown); a field not declared here is "
        "refused, never ignored. Numbers are JSON numbers (never strings; an integer field "
        "accepts 2.0), booleans are true or false, and JSON has no NaN or Infinity."
    )
    if cannot:
        description += (
            "\n\nNot expressed by this schema: contradictions between fields, which the "
            "decision tables report as errors (the result's status is then 'invalid'; field: "
            "message):\n" + "\n".join(f"- {contradiction}" for contradiction in cannot)
        )
    return {
        "$schema": DRAFT,
        "title": f"A case: {title} {model.version}",
        "description": description,
        "type": "object",
        "properties": {spec.name: _property(spec) for spec in model.inputs},
        "required": [spec.name for spec in model.inputs if spec.required],
        "additionalProperties": False,
    }


def _property(spec: CaseInput) -> dict[str, Any]:
    found: dict[str, Any] = {"title": spec.label.clinician, "description": spec.label.patient}
    nullable = not spec.required  # null is the default's stand-in, or "unknown"
    if spec.type == "enum":
        found["enum"] = [*spec.values, *([None] if nullable else [])]
    else:
        kind = _TYPES[spec.type]
        found["type"] = [kind, "null"] if nullable else kind
    if spec.minimum is not None:
        found["exclusiveMinimum" if spec.exclusive_min else "minimum"] = spec.minimum
    if spec.maximum is not None:
        found["exclusiveMaximum" if spec.exclusive_max else "maximum"] = spec.maximum
    if spec.unit:
        found["x-unit"] = spec.unit
    if not spec.required:
        found["default"] = spec.default
    if spec.finding:
        found["x-finding"] = True  # unknown (null) unless the case states it, never read as false
    return found


def case_schema_json(model: DecisionModel, title: str) -> str:
    """The published file's text."""
    return json.dumps(case_schema(model, title), ensure_ascii=False, indent=2) + "\n"
