"""Evaluate a compiled guideline on a case and assemble the result.

Tables run in the compiled evaluation order. A table whose applies_when is false is skipped (its
output, if any, is null). The selected rules' outcomes give the output value, the items, the
status and the case errors; the result lists every item once, with the rule and table that
produced it, plus a trace of the evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from calculators.runtime.dosing import calculate_dose
from calculators.runtime.inputs import CaseError, case_from_fragment, validate_case
from calculators.runtime.model import GuidelineSpec, ItemSpec, OutcomeSpec, TableSpec
from calculators.runtime.policies import policy_named

# Most severe last: the result's status is the most severe one any fired rule sets.
STATUS_SEVERITY = ("ok", "needs_more_information", "out_of_scope", "invalid")

# Result list of each item kind, in the order the lists appear in the result.
ITEM_LISTS = {
    "prognosis_reason": "prognosis_reasons",
    "recommendation": "recommendations",
    "warning": "warnings",
    "monitoring": "monitoring",
    "supportive_care": "supportive_care",
    "workup": "workup",
    "dosing": "dosing",
}

# The derived value reported as the result's prognosis, when a table outputs it.
PROGNOSIS_OUTPUT = "prognosis"


@dataclass(frozen=True)
class _Fired:
    """A selected rule (or a default) and what it produced."""

    table: TableSpec
    rule: str  # rule id, or "default"
    outcome: OutcomeSpec


class Calculator:
    """One guideline's calculator: validation, fragment coercion and recommendation."""

    def __init__(self, spec: GuidelineSpec) -> None:
        self.spec = spec

    def validate(self, case: object) -> tuple[dict[str, object], list[CaseError]]:
        return validate_case(self.spec.inputs, case)

    def case_from_fragment(self, params: Mapping[str, str] | str) -> dict[str, object]:
        return case_from_fragment(self.spec.inputs, params)

    def recommend(self, case: object) -> dict[str, object]:
        values, errors = self.validate(case)
        if errors:
            return self._result("invalid", errors, None, [], [])
        fired, trace = self._evaluate(values)
        errors = _case_errors(fired)
        if errors:
            return self._result("invalid", errors, None, [], trace)
        statuses = [entry.outcome.status for entry in fired if entry.outcome.status]
        status = max(statuses, key=STATUS_SEVERITY.index, default="ok")
        prognosis = (
            values.get(PROGNOSIS_OUTPUT)
            if any(table.output_name == PROGNOSIS_OUTPUT for table in self.spec.tables)
            else None
        )
        return self._result(status, [], prognosis, self._items(fired, values), trace)

    def _evaluate(self, values: dict[str, object]) -> tuple[list[_Fired], list[dict[str, object]]]:
        fired: list[_Fired] = []
        trace: list[dict[str, object]] = []
        for table in self.spec.tables:
            entry: dict[str, object] = {
                "table": table.id,
                "file": table.file,
                "line": table.line,
                "hit_policy": table.hit_policy,
                "inputs": {name: values.get(name) for name in table.inputs},
            }
            if table.applies is not None and not table.applies(values):
                entry.update(skipped=True, rules=[], used_default=False)
                if table.output_name is not None:
                    values[table.output_name] = None
                    entry["output"] = {"name": table.output_name, "value": None}
                trace.append(entry)
                continue
            selected = policy_named(table.hit_policy).select(table.id, table.match(values))
            chosen = [_Fired(table, rule_id, table.rules[rule_id]) for rule_id in selected]
            if not chosen and table.default is not None:
                chosen = [_Fired(table, "default", table.default)]
            fired.extend(chosen)
            entry.update(skipped=False, rules=selected, used_default=bool(chosen) and not selected)
            if table.output_name is not None:
                value = chosen[0].outcome.value if chosen else None
                values[table.output_name] = value
                entry["output"] = {"name": table.output_name, "value": value}
            trace.append(entry)
        return fired, trace

    def _items(self, fired: list[_Fired], values: Mapping[str, object]) -> list[dict[str, object]]:
        """Every item once (first rule to emit it wins), recommendations preferred first."""
        seen: set[str] = set()
        items: list[dict[str, object]] = []
        for entry in fired:
            for item_id in entry.outcome.items:
                if item_id not in seen:
                    seen.add(item_id)
                    items.append(_item_result(self.spec.items[item_id], entry, values))
        rank_order = {"preferred": 0, "alternative": 1}
        return sorted(items, key=lambda item: rank_order.get(str(item.get("rank")), 2))

    def _result(
        self,
        status: str,
        errors: list[CaseError],
        prognosis: object,
        items: list[dict[str, object]],
        trace: list[dict[str, object]],
    ) -> dict[str, object]:
        lists: dict[str, list[dict[str, object]]] = {name: [] for name in ITEM_LISTS.values()}
        for item in items:
            lists[ITEM_LISTS[str(item["kind"])]].append(item)
        return {
            "status": status,
            "errors": errors,
            "prognosis": prognosis,
            **lists,
            "trace": trace,
            "guideline": {
                "id": self.spec.id,
                "version": self.spec.version,
                "last_updated": self.spec.last_updated,
            },
        }


def _case_errors(fired: list[_Fired]) -> list[CaseError]:
    errors: list[CaseError] = []
    for entry in fired:
        error = entry.outcome.error
        if error is not None:
            found: CaseError = {"field": error.field, "message": error.message}
            if found not in errors:
                errors.append(found)
    return errors


def _item_result(item: ItemSpec, fired: _Fired, values: Mapping[str, object]) -> dict[str, object]:
    dose = (
        None if item.dose is None else calculate_dose(item.dose, values.get(item.dose.weight_input))
    )

    def fill(text: str) -> str:
        return text if dose is None else text.replace("{dose}", dose.text)

    result: dict[str, object] = {"id": item.id, "kind": item.kind}
    if item.kind == "recommendation":
        result["rank"] = item.rank
    result.update(
        text=fill(item.text),
        patient_text=fill(item.patient_text),
        citations=list(item.citations),
        section=item.section,
        anchor=item.anchor,
        href=item.href,
        rule=fired.rule,
        table=fired.table.id,
    )
    if item.dose is not None and dose is not None:  # a dosing item: its dose as data too
        result["dose"] = {
            "agent": item.dose.agent,
            "amount_per_kg": item.dose.amount_per_kg,
            "unit": item.dose.unit,
            "weight_kg": dose.weight_kg,
            "total": dose.total,
            "schedule": item.dose.schedule,
        }
    return result
