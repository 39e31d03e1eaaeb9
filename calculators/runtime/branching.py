"""Evaluating the tables when the case leaves findings unknown.

A finding (a case input declared ``finding: true``) that a case does not state is unknown, and
unknown is never read as "no". The tables are evaluated under every answer to the unknown
findings they actually read: the compiled tests read the case through a view, and reading an
unknown finding not yet assumed raises :class:`Unknown`; the evaluation is then repeated under
each answer. What comes out is, for every rule (and default) of every table, the *region* where
it is selected: a union of cubes, a cube being the answers assumed on one path.

Each table is worked out on its own, and each rule of a collect table too (its rules do not
depend on one another), so only the findings a rule reads are forked: a case with ten unknown
findings costs tens of small evaluations, not 2**10 evaluations of the whole guideline. A derived
value (another table's output) is read through its producer's paths, and forks only where its
value depends on an answer not yet assumed.

:class:`Branches` also answers the questions the result is assembled from (engine.py): which
answers are impossible (a rule reports a contradiction under them), whether a region covers
every possible answer, and whether a cube holds any possible answer at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from calculators.runtime.model import GuidelineSpec, OutcomeSpec, TableSpec
from calculators.runtime.policies import policy_named

Cube = dict[str, bool]  # finding -> the answer assumed
Key = tuple[str, str]  # (table id, rule id or "default")
DEFAULT = "default"
ANSWERS = (True, False)
T = TypeVar("T")


class Unknown(Exception):
    """A test read a finding the case does not state and that is not yet assumed."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class TableRun:
    """One evaluation of a table: the rules its hit policy selected and what they produce."""

    skipped: bool  # applies_when was false
    rules: tuple[str, ...]  # selected rule ids, in rule order
    used_default: bool
    outcomes: tuple[tuple[str, OutcomeSpec], ...]  # (rule id or "default", outcome)
    output: str | None  # the value of the table's output, if it has one


def run_table(table: TableSpec, values: Mapping[str, object]) -> TableRun:
    """Evaluate one table on ``values`` (case fields and the outputs of earlier tables)."""
    if table.applies is not None and not table.applies(values):
        return TableRun(skipped=True, rules=(), used_default=False, outcomes=(), output=None)
    selected = tuple(policy_named(table.hit_policy).evaluate(table.id, table.tests, values))
    outcomes = tuple((rule_id, table.rules[rule_id]) for rule_id in selected)
    used_default = not outcomes and table.default is not None
    if used_default:
        assert table.default is not None
        outcomes = ((DEFAULT, table.default),)
    output = outcomes[0][1].value if outcomes and table.output_name is not None else None
    return TableRun(False, selected, used_default, outcomes, output)


def compatible(first: Cube, second: Cube) -> bool:
    """Whether two cubes can hold together (they assume no finding both ways)."""
    return all(second.get(name, answer) == answer for name, answer in first.items())


def covers(cubes: Sequence[Cube]) -> bool:
    """Whether every assignment of answers lies in one of the cubes (Shannon expansion)."""
    if any(not cube for cube in cubes):
        return True
    if not cubes:
        return False
    name = next(iter(cubes[0]))
    return all(
        covers(
            [
                {other: value for other, value in cube.items() if other != name}
                for cube in cubes
                if cube.get(name, answer) == answer
            ]
        )
        for answer in ANSWERS
    )


@dataclass
class TableBranches:
    """Where each rule of one table is selected, where it is skipped, and its output's paths."""

    table: TableSpec
    selected: dict[str, list[Cube]] = field(default_factory=dict)  # rule id or "default"
    skipped: list[Cube] = field(default_factory=list)
    outputs: list[tuple[Cube, str | None]] = field(default_factory=list)  # value tables only


class Branches:
    """Every table of a guideline, evaluated under the answers to the findings it reads."""

    def __init__(
        self, spec: GuidelineSpec, values: Mapping[str, object], unknown: frozenset[str]
    ) -> None:
        self._values = values
        self._unknown = unknown
        self._producers = {
            table.output_name: table.id for table in spec.tables if table.output_name is not None
        }
        self._reads: dict[tuple[str, frozenset[tuple[str, bool]]], object] = {}
        self.tables: dict[str, TableBranches] = {}
        for table in spec.tables:  # evaluation order: producers come before their consumers
            self.tables[table.id] = self._evaluate(table)
        self.impossible: tuple[Cube, ...] = tuple(
            simplify(
                [
                    cube
                    for branches in self.tables.values()
                    for rule, cubes in branches.selected.items()
                    if _outcome(branches.table, rule).error is not None
                    for cube in cubes
                ]
            )
        )
        self._possible: dict[frozenset[tuple[str, bool]], bool] = {}
        self._always: dict[frozenset[frozenset[tuple[str, bool]]], bool] = {}

    def _evaluate(self, table: TableSpec) -> TableBranches:
        result = TableBranches(table)
        if table.hit_policy == "collect" and table.default is None:
            # Each rule on its own: a rule's selection depends only on its own tests (and the
            # table's applies_when, worked out once).
            applying: list[Cube] = [{}]
            if table.applies is not None:
                applies = self.paths(table.applies)
                result.skipped = [cube for cube, holds in applies if not holds]
                applying = [cube for cube, holds in applies if holds]
            for rule_id, test in table.tests:
                region = [
                    cube
                    for start in applying
                    for cube, holds in self.paths(test, start)
                    if holds
                ]
                if region:
                    result.selected[rule_id] = region
            return result
        for cube, run in self.paths(lambda view: run_table(table, view)):
            if run.skipped:
                result.skipped.append(cube)
            for rule_id, _ in run.outcomes:
                result.selected.setdefault(rule_id, []).append(cube)
            if table.output_name is not None:
                result.outputs.append((cube, run.output))
        return result

    def paths(
        self, evaluate: Callable[[Mapping[str, object]], T], start: Cube | None = None
    ) -> list[tuple[Cube, T]]:
        """``evaluate`` under each answer to the unknown findings it reads (beyond those ``start``
        assumes): the leaves of its decision tree, as (the answers assumed, the result). The
        cubes are disjoint."""
        leaves: list[tuple[Cube, T]] = []
        pending: list[Cube] = [dict(start or {})]
        while pending:
            cube = pending.pop()
            try:
                leaves.append((cube, evaluate(_View(self, cube))))
            except Unknown as fork:
                # Pushed "no" first, so "yes" is explored (and listed) first.
                pending.extend({**cube, fork.field: answer} for answer in reversed(ANSWERS))
        return leaves

    def read(self, name: str, cube: Cube) -> object:
        """The value a test sees for ``name`` under the answers of ``cube``."""
        producer = self._producers.get(name)
        if producer is not None:
            return self._derived(producer, cube)
        value = self._values[name]
        if value is None and name in self._unknown:
            if name in cube:
                return cube[name]
            raise Unknown(name)
        return value

    def _derived(self, producer: str, cube: Cube) -> object:
        key = (producer, frozenset(cube.items()))
        if key in self._reads:
            return self._reads[key]
        paths = [
            (other, value)
            for other, value in self.tables[producer].outputs
            if compatible(other, cube)
        ]
        values = {value for _, value in paths}
        if len(values) == 1:
            value = self._reads[key] = values.pop()
            return value
        # The value depends on an answer the cube does not assume yet. (The paths partition the
        # answers, so two compatible paths cannot both lie inside the cube.)
        for other, _ in paths:
            for name in other:
                if name not in cube:
                    raise Unknown(name)
        raise AssertionError(f"the paths of {producer} do not partition the answers")

    # --- questions about the answers ---------------------------------------------------------

    def all_impossible(self) -> bool:
        """Whether every answer to the unknown findings is contradictory."""
        return covers(self.impossible)

    def possible(self, cube: Cube) -> bool:
        """Whether some answer inside ``cube`` is free of contradictions."""
        if not self.impossible:
            return True
        key = frozenset(cube.items())
        known = self._possible.get(key)
        if known is None:
            inside = [
                {name: answer for name, answer in other.items() if name not in cube}
                for other in self.impossible
                if compatible(other, cube)
            ]
            known = self._possible[key] = not covers(inside)
        return known

    def holds_always(self, cubes: Sequence[Cube]) -> bool:
        """Whether every possible answer lies in one of ``cubes``."""
        if any(not cube for cube in cubes):
            return True
        key = frozenset(frozenset(cube.items()) for cube in cubes)
        known = self._always.get(key)
        if known is None:
            known = self._always[key] = covers([*cubes, *self.impossible])
        return known

    def outcomes(self) -> Iterator[tuple[str, str, OutcomeSpec, list[Cube]]]:
        """Every selected rule or default: (table id, rule id, outcome, where), in table and
        rule order."""
        for table_id, branches in self.tables.items():
            for rule_id in (*branches.table.rules, DEFAULT):
                cubes = branches.selected.get(rule_id)
                if cubes:
                    yield table_id, rule_id, _outcome(branches.table, rule_id), cubes


class _View(Mapping[str, object]):
    """The case as a test sees it under the answers of one cube (generated code reads v[name])."""

    def __init__(self, branches: Branches, cube: Cube) -> None:
        self._branches = branches
        self._cube = cube

    def __getitem__(self, name: str) -> object:
        return self._branches.read(name, self._cube)

    def __iter__(self) -> Iterator[str]:
        return iter(self._branches._values)

    def __len__(self) -> int:
        return len(self._branches._values)


def _outcome(table: TableSpec, rule_id: str) -> OutcomeSpec:
    if rule_id == DEFAULT:
        assert table.default is not None
        return table.default
    return table.rules[rule_id]


def simplify(cubes: Sequence[Cube], *, disjoint: bool = False) -> list[Cube]:
    """An equivalent, shorter union of cubes: subsumed cubes dropped, and two cubes that differ
    only in the answer to one finding merged (``{a: yes, b: no} | {a: yes, b: yes} = {a: yes}``).
    ``disjoint``: the cubes are leaves of one tree, so none contains another to begin with. The
    order is canonical (fewest assumptions first), so equal unions print alike."""
    current = {frozenset(cube.items()) for cube in cubes}
    if not disjoint:
        current = _minimal(current)
    while True:
        merged = set(current)
        for cube in current:
            for name, answer in cube:
                twin = (cube - {(name, answer)}) | {(name, not answer)}
                if twin in current:
                    # Both lie inside the merged cube, so dropping them keeps the union.
                    merged.discard(cube)
                    merged.discard(twin)
                    merged.add(cube - {(name, answer)})
        if merged == current:
            break
        current = _minimal(merged)  # a cube merged two ways may contain another
    ordered = sorted(current, key=lambda cube: (len(cube), sorted(cube, key=_literal_key)))
    return [dict(sorted(cube, key=_literal_key)) for cube in ordered]


def _minimal(cubes: set[frozenset[tuple[str, bool]]]) -> set[frozenset[tuple[str, bool]]]:
    """The cubes no other cube contains (a cube with fewer assumptions is a larger set)."""
    kept: list[frozenset[tuple[str, bool]]] = []
    for cube in sorted(cubes, key=len):
        if not any(other <= cube for other in kept):
            kept.append(cube)
    return set(kept)


def _literal_key(literal: tuple[str, bool]) -> tuple[str, bool]:
    return literal[0], not literal[1]
