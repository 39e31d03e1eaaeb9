"""Field relevance: for a case, which of the guideline's fields could change its result.

A field is *needed* when some other value of it, every other field held as the case gives it,
changes the result (everything but the trace: status, items and their texts and doses,
conditional groups, notices, prognosis). A value that makes the case invalid does not count. The
values tried are the field's *probe values* (``PROBE_VALUES`` of the compiled module): the safety
proof's domain, one value for each stretch of values that every table treats alike (each enum
value, both booleans, numbers at and between the thresholds any table tests, null where the field
allows it, findings included), so trying them is trying every value, except for a dose: any other
weight changes a dose's text, which the probe values (at least two numbers) show.

Exact shortcuts keep it fast (the page asks after each result, in Pyodide):

- a field no table read while evaluating the case (the compiled tests read the case through a
  view that records what they read) cannot change what any table selects: each table's
  evaluation depends only on the values it read, so changing another one replays every table
  alike. Unless a dose in the result is computed from it, it is not needed; nothing is tried.
- a field a dose in the result is computed from is needed (any other weight changes the dose).
- a value is tried on the case's own branches (:class:`~calculators.runtime.branching.Branches`
  re-evaluates only the tables that read the field and the tables downstream whose inputs
  changed); when every table comes out as it was, so does the result, and nothing is assembled.
  Values that keep the findings left unknown as they are are tried first (they reuse the most),
  and a field stops at its first value that changes the result.

A field that is not needed gets a reason, worked out from the case's trace, never written per
field: every table that reads it does not apply; or a table that reads it selected a rule that
does not test it ("HER2 immunohistochemistry (IHC) score: 3+ decides HER2 status ... (positive)");
or, failing both, no answer to it changes the result. A field that is not needed alone but
decides, with another input of a table that reads it, what that table gives (ER and PR each
make the case hormone-receptor positive) is never called "not needed": ``jointly`` names the
other field and a value of it under which this one would change the result, and the reason
says so ("Not decisive while PR is positive: it would change the result if it were
negative."). Standard library only, like the rest of the
runtime: the same code runs in CPython and in Pyodide.
"""

from __future__ import annotations

from calculators.runtime.branching import Branches
from calculators.runtime.engine import ITEM_LISTS, Calculator, joined, lower_first
from calculators.runtime.records import InputSpec, TableSpec
from calculators.runtime.results import (
    CaseValues,
    FieldRelevance,
    Jointly,
    Relevance,
    Result,
    ResultItem,
    Texts,
    TraceStep,
)

# Reasons: the same openings for every field, in both wordings.
NOT_NEEDED = "Not needed"
NOT_NEEDED_PATIENT = "Not needed for your situation"
_HIT_POLICIES_THAT_DECIDE = ("first", "unique")


def relevance(calculator: Calculator, case: object) -> Relevance:
    """``{"status": the result's status, "fields": [{field, needed, reason}, ...]}``, a field
    for every declared input in the guideline's order. An invalid case has no relevance:
    ``{"status": "invalid", "fields": []}`` (see AUTHORING.md, "Field relevance")."""
    evaluated = calculator.evaluated(case)
    if evaluated is None:
        return {"status": "invalid", "fields": []}
    values, branches, result = evaluated
    return {
        "status": result["status"],
        "fields": _Probe(calculator, values, branches, result).fields(),
    }


class _Probe:
    """The relevance of each field of one valid case."""

    def __init__(
        self,
        calculator: Calculator,
        values: CaseValues,
        branches: Branches,
        result: Result,
    ) -> None:
        self.calculator = calculator
        self.spec = calculator.spec
        self.values = values
        self.branches = branches
        self.compared: Result = {**result, "trace": []}  # what a variant's result must equal
        self.trace = result["trace"]
        self.read = branches.fields_read()
        self.dosed = _dose_fields(calculator, result)
        self.asked = _asked_fields(result)
        self.steps = {str(step["table"]): step for step in self.trace}
        self.out_of_scope = self._out_of_scope()
        # The case with one partner field changed, by (field, value): see _matters_with.
        self._bases: dict[tuple[str, tuple[str, object]], tuple[CaseValues, Branches, Result]] = {}

    def fields(self) -> list[FieldRelevance]:
        found: list[FieldRelevance] = []
        for spec in self.spec.inputs:
            needed = self.needed(spec)
            jointly = [] if needed or self.out_of_scope is not None else self.jointly(spec)
            found.append(
                {
                    "field": spec.name,
                    "needed": needed,
                    "jointly": jointly,
                    "reason": None
                    if needed
                    else (self._together(spec, jointly[0]) if jointly else self.reason(spec)),
                }
            )
        return found

    def jointly(self, spec: InputSpec) -> list[Jointly]:
        """The fields that decide, with ``spec``, a table that applies and reads them both: for
        each, its other values under which ``spec`` would change the result (``[{"field",
        "values"}]``, in the guideline's order; for a number, the first such value only). ER
        and PR each decide "hormone-receptor positive": with both positive, neither changes
        the result alone, yet each matters."""
        partners = [
            name
            for table in self.spec.tables
            if spec.name in table.inputs
            and not _only_contradictions(table)
            and self.steps[table.id]["skipped"] is not True
            for name in table.inputs
            if name != spec.name and name in self.calculator._inputs
        ]
        found: list[Jointly] = []
        for partner in self.spec.inputs:
            if partner.name not in partners:
                continue
            numeric = partner.type in ("integer", "number")
            values: list[object] = []
            for value in partner.probes:
                if _same(value, self.values[partner.name]):
                    continue
                if self._matters_with(spec, partner.name, value):
                    values.append(value)
                    if numeric:
                        break  # a number is "another value": its probes stand for stretches
            if values:
                found.append({"field": partner.name, "values": values})
        return found

    def _matters_with(self, spec: InputSpec, partner: str, partner_value: object) -> bool:
        """Whether, with ``partner`` set to ``partner_value``, another value of ``spec`` changes
        the (valid) result."""
        key = (partner, _value_key(partner_value))
        if key not in self._bases:  # fields read with the same partner share its variants
            base_values, base = self.calculator.variant(
                self.values, self.branches, {partner: partner_value}
            )
            result = self.calculator.evaluate(base_values, base, trace=False)
            self._bases[key] = (base_values, base, result)
        base_values, base, base_result = self._bases[key]
        if base_result["status"] == "invalid":
            return False
        for value in spec.probes:
            if _same(value, self.values[spec.name]):
                continue
            variant, branches = self.calculator.variant(base_values, base, {spec.name: value})
            if branches.same_as(base):
                continue
            result = self.calculator.evaluate(variant, branches, trace=False)
            if result["status"] != "invalid" and result != base_result:
                return True
        return False

    def _together(self, spec: InputSpec, partner: Jointly) -> Texts:
        """ "Not decisive while “Progesterone receptor (PR)” is positive: it would change the
        result if it were negative." (a number: "once it is stated", "with another value")."""
        other = self.calculator._inputs[partner["field"]]
        current = self.values[other.name]
        unit = other.unit if other.type in ("integer", "number") else None
        if current is None:
            would = "once it is stated"
        elif other.type in ("integer", "number"):
            would = "with another value"
        else:
            values = [_value_words(value, unit) for value in partner["values"]]
            would = f"if it were {joined(values, 'or')}"
        shown = _value_words(current, unit)
        return {
            "text": f"Not decisive while “{other.label}” is {shown}: it would change the "
            f"result {would}.",
            "patient_text": f"This answer does not change the advice while your answer to "
            f"“{other.patient_label}” is {shown}; it would {_patient_would(would)}.",
        }

    def needed(self, spec: InputSpec) -> bool:
        current = self.values[spec.name]
        others = [value for value in spec.probes if not _same(value, current)]
        if spec.name in self.dosed and any(
            isinstance(value, (int, float)) and not isinstance(value, bool) for value in others
        ):
            return True  # any other weight changes the dose's text
        if spec.name in self.asked:
            return True  # stating it takes away the work-up item that asks for it
        if spec.name not in self.read:
            return False  # every table evaluates alike whatever its value (see the docstring)
        # Values that leave the unknown findings as they are first: they reuse the most.
        unknown = spec.finding and current is None
        others.sort(key=lambda value: spec.finding and (value is None) != unknown)
        return any(self.changes(spec.name, value) for value in others)

    def changes(self, name: str, value: object) -> bool:
        """Whether the case with ``name`` set to ``value`` gets another, valid result."""
        variant, branches = self.calculator.variant(self.values, self.branches, {name: value})
        if branches.same_as(self.branches):
            # Every table as it was: the same result, but for doses computed from this field,
            # and the doses in the result are computed from fields that are needed already.
            return False
        result = self.calculator.evaluate(variant, branches, trace=False)
        return result["status"] != "invalid" and result != self.compared

    # --- reasons -----------------------------------------------------------------------------

    def reason(self, spec: InputSpec) -> Texts:
        if self.out_of_scope is not None:
            return self.out_of_scope
        # Tables that only report contradictions cannot change a valid result: left out.
        reading = [
            table
            for table in self.spec.tables
            if spec.name in table.inputs and not _only_contradictions(table)
        ]
        if reading and all(self.steps[table.id]["skipped"] is True for table in reading):
            return _not_applying([table.title for table in reading])
        for table in reading:
            rule = self._deciding_rule(table, self.steps[table.id], spec.name)
            if rule is not None:
                return self._decided(table, rule)
        return {
            "text": f"{NOT_NEEDED}: no answer to it changes the result for this case.",
            "patient_text": f"{NOT_NEEDED_PATIENT}: no answer to it changes the advice.",
        }

    def _out_of_scope(self) -> Texts | None:
        """The reason of every field that is not needed in a case that a rule selected whatever
        the unknown findings are puts out of scope: that rule's conditions."""
        for table in self.spec.tables:
            step = self.steps[table.id]
            selected = [*step["rules"], *(["default"] if step["used_default"] else [])]
            for rule in selected:
                outcome = table.default if rule == "default" else table.rules[rule]
                if outcome is not None and outcome.status == "out_of_scope":
                    tested = table.conditions.get(rule, {})
                    why = joined([self._condition(name, test) for name, test in tested.items()])
                    return {
                        "text": f"{NOT_NEEDED} for this case: out of the guideline's scope"
                        + (f" ({why})." if why else "."),
                        "patient_text": f"{NOT_NEEDED_PATIENT}: this guide does not cover it.",
                    }
        return None

    def _deciding_rule(self, table: TableSpec, step: TraceStep, name: str) -> str | None:
        """The one rule a first or unique table that reads ``name`` selects whenever it applies
        (whatever the unknown findings are), if that rule does not test ``name`` but tests
        something: what decides the table instead of ``name``."""
        if step["skipped"] is True or table.hit_policy not in _HIT_POLICIES_THAT_DECIDE:
            return None
        selected = set(step["rules"]) | {
            branch["rule"] for branch in step.get("branches", []) if "rule" in branch
        }
        if len(selected) != 1 or step["used_default"]:
            return None
        rule = selected.pop()
        tested = table.conditions.get(rule, {})
        return rule if tested and name not in tested else None

    def _decided(self, table: TableSpec, rule: str) -> Texts:
        tested = table.conditions[rule]
        conditions = [self._condition(name, test) for name, test in tested.items()]
        verb = "decides" if len(conditions) == 1 else "decide"
        value = table.rules[rule].value
        if table.output_name is not None and value is not None:
            what = f"{lower_first(table.title)} ({_words(value)})"
        else:
            what = f"what “{table.title}” gives"
        fields = [name for name in tested if name in self.calculator._inputs]
        answers = joined([f"“{self.calculator._inputs[name].patient_label}”" for name in fields])
        patient = (
            f"your answer{'s' if len(fields) > 1 else ''} to {answers} already decide"
            f"{'' if len(fields) > 1 else 's'} this"
            if fields
            else "your other answers already decide this"
        )
        return {
            "text": f"{NOT_NEEDED}: {joined(conditions)} {verb} {what}.",
            "patient_text": f"{NOT_NEEDED_PATIENT}: {patient}.",
        }

    def _condition(self, name: str, test: str) -> str:
        return f"{self._label(name)}: {_test_words(test, self._unit(name))}"

    def _label(self, name: str) -> str:
        """A case field's label, or the title of the table whose output ``name`` is."""
        spec = self.calculator._inputs.get(name)
        if spec is not None:
            return lower_first(spec.label)
        producer = next((t for t in self.spec.tables if t.output_name == name), None)
        return lower_first(producer.title) if producer is not None else name.replace("_", " ")

    def _unit(self, name: str) -> str | None:
        """The unit a number of the field is written with, if it is a number with one."""
        spec = self.calculator._inputs.get(name)
        return spec.unit if spec is not None and spec.type in ("integer", "number") else None


def _only_contradictions(table: TableSpec) -> bool:
    """Whether every rule of a table (and its default) only reports a contradiction: such a table
    can make a case invalid, never change a valid result."""
    outcomes = [*table.rules.values(), *([table.default] if table.default is not None else [])]
    return table.output_name is None and all(
        not outcome.items and outcome.status is None for outcome in outcomes
    )


def _not_applying(titles: list[str]) -> Texts:
    quoted = joined([f"“{title}”" for title in titles])
    verb = "does" if len(titles) == 1 else "do"
    parts = (
        "the part of the guide that uses it does"
        if len(titles) == 1
        else ("the parts of the guide that use it do")
    )
    return {
        "text": f"{NOT_NEEDED} for this case: {quoted} {verb} not apply.",
        "patient_text": f"{NOT_NEEDED_PATIENT}: {parts} not apply.",
    }


def _dose_fields(calculator: Calculator, result: Result) -> set[str]:
    """The fields the doses in the result (its lists and conditional groups) are computed from."""
    items: list[ResultItem] = [item for key in ITEM_LISTS.values() for item in result[key]]
    items += [item for group in result["conditional"] for item in group["items"]]
    fields: set[str] = set()
    for item in items:
        spec = calculator.spec.items.get(item["id"])
        if spec is not None and spec.dose is not None:
            fields.add(spec.dose.weight_input)
    return fields


def _asked_fields(result: Result) -> set[str]:
    """The unknown findings the result asks for (their work-up items name them)."""
    return {item["field"] for item in result["workup"] if item.get("field")}


def _same(first: object, second: object) -> bool:
    """Whether two values of a field are the same value (``True`` is not ``1``)."""
    if first is None or second is None:
        return first is second
    if isinstance(first, bool) or isinstance(second, bool):
        return first is second
    return first == second


_OPERATORS = (("<=", "≤"), (">=", "≥"), ("!=", "≠"))


def _test_words(test: str, unit: str | None) -> str:
    """A cell as words: ``true`` -> yes, ``null`` -> not stated, ``[a, b]`` -> a or b,
    ``not(a)`` -> other than a, ``[0..1]`` -> 0 to 1, ``<= 12`` -> ≤ 12 months, ..."""
    text = test.strip()
    if text.startswith("not(") and text.endswith(")"):
        inner = text[4:-1].strip()
        return "stated" if inner == "null" else f"other than {_test_words(inner, unit)}"
    interval = text.startswith("[") and text.endswith("]") and ".." in text
    if "," in text and ".." not in text:
        parts = text.strip("[]").split(",")
        return joined([_test_words(part, unit) for part in parts], "or")
    words = {"true": "yes", "false": "no", "null": "not stated"}.get(text)
    if words is not None:
        return words
    if interval:
        text = text[1:-1].replace("..", " to ")
    for written, sign in _OPERATORS:
        text = text.replace(written, sign)
    return f"{_words(text)} {unit}" if unit else _words(text)


def _value_key(value: object) -> tuple[str, object]:
    """A value as a key that tells ``True`` from ``1``."""
    return (type(value).__name__, value)


def _patient_would(would: str) -> str:
    return would.replace("it were", "that answer were").replace("it is", "that is")


def _value_words(value: object, unit: str | None) -> str:
    """A field's value in words: yes, no, not stated, 12 months, positive."""
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:g} {unit}" if unit else f"{value:g}"
    return _words(str(value))


def _words(value: str) -> str:
    return value.replace("_", " ").strip()
