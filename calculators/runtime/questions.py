"""The next question: of the unstated findings a result asks for, which to establish first, and
what each answer would lead to.

A result that waits for findings lists them all (its work-up); a clinician at the bedside needs
the one whose answer changes the most, and what each answer gives. For every finding the result
asks for, the case is evaluated once per answer (the finding set to yes, then to no; every other
field as the case gives it, other unknown findings still unknown), on the case's own branches
(:class:`~calculators.runtime.branching.Branches` re-evaluates only what the answer reaches).

Order:

1. *Scope questions* first: a finding whose answers route the case differently at the
   guideline's root (a *root route table*: a table without ``applies_when`` whose output another
   table's ``applies_when`` tests, e.g. metastatic disease or a local recurrence), or whose
   answers put the case in and out of the guideline's scope.
2. Then by how much the answer changes: the number of recommendations, cautions and doses that
   are listed, ranked or conditional differently under the answers.
3. Ties keep the work-up's order (what the treatment waits for before other advice and the
   prognosis).

Each answer gets a one-line preview in both wordings, in words: the source's first choice it
leads to (or that it stays the same, or that it still depends on other findings, or that the case
leaves the guideline's scope), and a caution it adds. An answer that contradicts the case's other
fields (an invalid result) is left out. Standard library only: the same code runs in CPython and
in Pyodide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from calculators.runtime.branching import Branches
from calculators.runtime.engine import ITEM_LISTS, Calculator, lower_first
from calculators.runtime.results import (
    CaseValues,
    ItemBrief,
    ItemList,
    NeededFor,
    Question,
    QuestionAnswer,
    Result,
    ResultItem,
)

# The lists whose items count as a change a clinician acts on.
_COUNTED: tuple[ItemList, ...] = ("recommendations", "warnings", "dosing")
_NEEDED_FOR: tuple[NeededFor, ...] = ("treatment", "advice", "prognosis")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_LONG = 60  # a clause longer than this loses its parentheses
_LONGEST = 80  # and one still longer is cut at a word, with an ellipsis
_SHORTEST_REST = 15  # "Lead: rest": the rest stands alone when at least this long


def next_questions(calculator: Calculator, case: object) -> list[Question]:
    """The findings the result of ``case`` asks for, most decisive first (see the module's
    docstring): ``[{"field", "needed_for", "scope", "changes", "answers": [{"value", "status",
    "first_choice": [{"id", "text", "patient_text"}], "depends_on": [field], "adds": [{"id",
    "text", "patient_text"}], "text", "patient_text"}]}]``. Empty for an invalid case or one
    that asks for nothing."""
    evaluated = calculator.evaluated(case, trace=False)
    if evaluated is None:
        return []
    values, branches, result = evaluated
    return _Questions(calculator, values, branches, result).ranked()


class _Questions:
    def __init__(
        self,
        calculator: Calculator,
        values: CaseValues,
        branches: Branches,
        result: Result,
    ) -> None:
        self.calculator = calculator
        self.values = values
        self.branches = branches
        self.result = result
        self.routes = _root_route_tables(calculator)
        self.routing = _fields_read_by(calculator, self.routes)

    def ranked(self) -> list[Question]:
        asks = [item for item in self.result["workup"] if item.get("field")]
        ranked: list[tuple[tuple[bool, int, int, int], Question]] = []
        for order, ask in enumerate(asks):
            needed_for = ask.get("needed_for") or "treatment"
            found = self.question(ask["field"], needed_for)
            if found is not None:
                scope, changes, question = found
                key = (not scope, -changes, _NEEDED_FOR.index(needed_for), order)
                ranked.append((key, question))
        ranked.sort(key=lambda entry: entry[0])
        return [question for _, question in ranked]

    def question(self, name: str, needed_for: NeededFor) -> tuple[bool, int, Question] | None:
        """Whether the finding ``name`` is a scope question, how many recommendations, cautions
        and doses its answers change, and the question as published."""
        spec = self.calculator._inputs.get(name)
        if spec is None or spec.type != "boolean":
            return None
        outcomes: list[tuple[bool, Result, frozenset[tuple[str, frozenset[object]]]]] = []
        for value in (True, False):
            variant, branches = self.calculator.variant(self.values, self.branches, {name: value})
            result = self.calculator.evaluate(variant, branches, trace=False)
            if result["status"] != "invalid":
                outcomes.append((value, result, self._route(branches)))
        if not outcomes:
            return None
        statuses = {result["status"] == "out_of_scope" for _, result, _ in outcomes}
        scope = len(statuses) > 1 or (
            name in self.routing and len({route for _, _, route in outcomes}) > 1
        )
        placements = [_placements(result) for _, result, _ in outcomes]
        keys = set().union(*placements)
        changes = sum(
            1 for key in keys if len({placement.get(key) for placement in placements}) > 1
        )
        firsts = [_first_choice(result) for _, result, _ in outcomes]
        same_first = all(firsts) and len({tuple(i["id"] for i in first) for first in firsts}) == 1
        answers = []
        for index, (value, result, _) in enumerate(outcomes):
            others = [other for position, (_, other, _) in enumerate(outcomes) if position != index]
            answers.append(self.answer(value, result, firsts[index], same_first, others))
        return (
            scope,
            changes,
            {
                "field": name,
                "needed_for": needed_for,
                "scope": scope,
                "changes": changes,
                "answers": answers,
            },
        )

    def _route(self, branches: Branches) -> frozenset[tuple[str, frozenset[object]]]:
        """The values each root route table can give under this answer."""
        return frozenset(
            (
                table_id,
                frozenset(
                    value
                    for cube, value in branches.tables[table_id].outputs
                    if branches.possible(cube)
                ),
            )
            for table_id in self.routes
        )

    def answer(
        self,
        value: bool,
        result: Result,
        first: list[ItemBrief],
        same_first: bool,
        others: Sequence[Result],
    ) -> QuestionAnswer:
        depends = _depends_on(result) if not first else []
        adds = _added_cautions(result, others)
        answer = "yes" if value else "no"
        if result["status"] == "out_of_scope":
            text = "outside this guideline's scope"
            patient = "this guide does not cover it"
        elif same_first:
            text = "the same first choice"
            patient = "the same first choice"
        elif first:
            text = "first choice in the source: " + _choice(first, "text")
            patient = "the source's first choice: " + _choice(first, "patient_text")
        elif depends:
            text = "the first choice still depends on other findings"
            patient = "the first choice still depends on other answers"
        else:
            text = "no treatment ranked first in the source"
            patient = "no first choice in the source"
        if adds and result["status"] != "out_of_scope":
            more = " and more" if len(adds) > 1 else ""
            text += f"; adds the caution: {lower_first(_short(adds[0]['text']))}{more}"
            patient += f"; adds the warning: {lower_first(_short(adds[0]['patient_text']))}{more}"
        return {
            "value": value,
            "status": result["status"],
            "first_choice": first,
            "depends_on": depends,
            "adds": adds,
            "text": f"{answer}: {text}",
            "patient_text": f"{answer}: {patient}",
        }


def _root_route_tables(calculator: Calculator) -> list[str]:
    """The tables without applies_when whose output another table's applies_when tests (the
    same definition as the build's general items, build_tools/tables/general.py)."""
    tested = {name for table in calculator.spec.tables for name in table.applies_when}
    return [
        table.id
        for table in calculator.spec.tables
        if not table.applies_when and table.output_name is not None and table.output_name in tested
    ]


def _fields_read_by(calculator: Calculator, tables: list[str]) -> set[str]:
    """The case fields that ``tables`` read, directly or through the tables whose outputs they
    read."""
    fields: set[str] = set()
    pending = [calculator._tables[table_id] for table_id in tables]
    seen: set[str] = set()
    while pending:
        table = pending.pop()
        if table.id in seen:
            continue
        seen.add(table.id)
        for name in table.inputs:
            if name in calculator._producers:
                pending.append(calculator._tables[calculator._producers[name]])
            else:
                fields.add(name)
    return fields


def _placements(result: Result) -> dict[tuple[str, str], str]:
    """Each recommendation, caution and dose of a result: listed (with its rank) or depending on
    findings not stated."""
    found: dict[tuple[str, str], str] = {}
    for key in _COUNTED:
        for item in result[key]:
            found[(key, item["id"])] = item.get("rank") or "listed"
    for group in result["conditional"]:
        for item in group["items"]:
            listed = ITEM_LISTS.get(item["kind"], "")
            if listed in _COUNTED:
                found.setdefault((listed, item["id"]), "depends")
    return found


def _brief(item: ResultItem) -> ItemBrief:
    """An item as a question's answer names it: its id and both wordings."""
    return {"id": item["id"], "text": item["text"], "patient_text": item["patient_text"]}


def _first_choice(result: Result) -> list[ItemBrief]:
    return [_brief(item) for item in result["recommendations"] if item.get("rank") == "preferred"]


def _depends_on(result: Result) -> list[str]:
    """The unstated findings a first choice depends on (those of the conditional groups that
    hold a recommendation ranked first)."""
    names: dict[str, None] = {}
    for group in result["conditional"]:
        if any(item.get("rank") == "preferred" for item in group["items"]):
            for cube in group["when"]:
                names.update(dict.fromkeys(cube))
    return list(names)


def _added_cautions(result: Result, others: Sequence[Result]) -> list[ItemBrief]:
    """The case's own cautions this answer gives and no other answer does."""
    elsewhere = {item["id"] for other in others for item in other["warnings"]} | {
        item["id"] for other in others for group in other["conditional"] for item in group["items"]
    }
    return [
        _brief(item)
        for item in result["warnings"]
        if not item["general"]
        and item["origin"] != "newer_guidance"  # a pointer, not the case's own caution
        and item["id"] not in elsewhere
    ]


def _short(text: str) -> str:
    """An item's text as a preview: its first sentence; of "Lead: rest", the rest; without
    parentheses when long ("Visceral crisis (...): start with chemotherapy rather than endocrine
    therapy; ..." -> "start with chemotherapy rather than endocrine therapy")."""
    sentence = text.split(". ", 1)[0].split("; ", 1)[0].strip().rstrip(".")
    _lead, colon, rest = sentence.partition(": ")
    if colon and len(rest) >= _SHORTEST_REST:
        sentence = rest
    if len(sentence) > _LONG:
        sentence = _PARENTHESIS.sub("", sentence)
    if len(sentence) > _LONGEST:
        sentence = sentence[: sentence.rfind(" ", 0, _LONGEST)].rstrip(",;:") + "…"
    return sentence


def _choice(items: list[ItemBrief], key: Literal["text", "patient_text"]) -> str:
    """The first of the recommendations ranked first, as a preview ("and more" when others are
    ranked first with it)."""
    return lower_first(_short(items[0][key])) + (" and more" if len(items) > 1 else "")
