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

from calculators.runtime.hit_policies import policy_named
from calculators.runtime.records import GuidelineSpec, OutcomeSpec, TableSpec

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


def implied_findings(
    spec: GuidelineSpec, values: Mapping[str, object], unknown: frozenset[str]
) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """The unknown findings whose ``implied_by`` holds on the case's stated values: the first
    entry that holds gives the value; the fields it tests are what settles it."""
    found: dict[str, tuple[bool, tuple[str, ...]]] = {}
    for spec_input in spec.inputs:
        if spec_input.name not in unknown:
            continue
        for implication in spec_input.implied_by:
            if implication.test(values):
                found[spec_input.name] = (implication.value, tuple(implication.when))
                break
    return found


def compatible(first: Cube, second: Cube) -> bool:
    """Whether two cubes can hold together (they assume no finding both ways)."""
    return all(second.get(name, answer) == answer for name, answer in first.items())


def covers(cubes: Sequence[Cube]) -> bool:
    """Whether every assignment of answers lies in one of the cubes (Shannon expansion on the
    finding the cubes assume most often)."""
    if any(not cube for cube in cubes):
        return True
    # A cube assuming k answers holds 2**-k of all assignments: cubes that add up to less than
    # the whole cannot cover it (this settles most questions at once).
    if sum(2.0 ** -len(cube) for cube in cubes) < 1:
        return False
    counts: dict[str, int] = {}
    for cube in cubes:
        for name in cube:
            counts[name] = counts.get(name, 0) + 1
    name = max(counts, key=lambda found: counts[found])
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


class AnswerSets:
    """Sets of answers to the unknown findings as bitsets: bit ``a`` stands for the assignment
    whose answers are the bits of ``a`` (finding ``i`` is yes when bit ``i`` of ``a`` is set).
    Union, intersection and "everything?" are then single integer operations: what makes a
    result with many unknown findings cheap to assemble. Beyond ``LIMIT`` findings the sets would
    be too large; :func:`covers` answers the same questions cube by cube."""

    LIMIT = 16

    def __init__(self, names: frozenset[str]) -> None:
        self.index = {name: position for position, name in enumerate(sorted(names))}
        size = 1 << len(self.index)
        self.everything = (1 << size) - 1
        self._yes: dict[str, int] = {}
        for name, position in self.index.items():
            half = 1 << position
            block = ((1 << half) - 1) << half  # within 2*half assignments, the upper half
            self._yes[name] = block * (self.everything // ((1 << (2 * half)) - 1))
        self._cache: dict[frozenset[tuple[str, bool]], int] = {}

    def of(self, cube: Cube) -> int:
        key = frozenset(cube.items())
        found = self._cache.get(key)
        if found is None:
            found = self.everything
            for name, answer in cube.items():
                yes = self._yes[name]
                found &= yes if answer else self.everything ^ yes
            self._cache[key] = found
        return found

    def union(self, cubes: Sequence[Cube]) -> int:
        found = 0
        for cube in cubes:
            found |= self.of(cube)
        return found


_MISSING = object()


@dataclass
class TableBranches:
    """Where each rule of one table is selected, where it is skipped, and its output's paths;
    and what that depended on: the case fields the table read, with their values, and the
    tables whose outputs it read."""

    table: TableSpec
    selected: dict[str, list[Cube]] = field(default_factory=dict)  # rule id or "default"
    skipped: list[Cube] = field(default_factory=list)
    outputs: list[tuple[Cube, str | None]] = field(default_factory=list)  # value tables only
    read: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    # The tables whose outputs it read, as they were when it read them (by table id).
    producers: dict[str, TableBranches] = field(default_factory=dict, compare=False, repr=False)


class Branches:
    """Every table of a guideline, evaluated under the answers to the findings it reads.

    ``previous``: the branches of an earlier case. A table whose case fields and producer
    tables are unchanged (and none of whose fields is unknown in one case and stated in the
    other) is not evaluated again, and a table evaluated again to the same branches is shared
    with it; when every table is shared and the unknown findings are the same, so is everything
    worked out from them. (A reader editing the weight changes only the dosing table's null
    test, and the page recomputes on every keystroke.) ``changed``: the only fields whose values
    differ from ``previous``'s case, when the caller knows them (field relevance tries one field
    at a time): the others are not compared."""

    def __init__(
        self,
        spec: GuidelineSpec,
        values: Mapping[str, object],
        unknown: frozenset[str],
        previous: Branches | None = None,
        changed: frozenset[str] | None = None,
    ) -> None:
        self._values = values
        self.unknown = unknown
        # Unstated findings that other stated fields settle (``implied_by``): read as that
        # value, never forked on. name -> (value, the fields that settle it).
        self.implied: dict[str, tuple[bool, tuple[str, ...]]] = implied_findings(
            spec, values, unknown
        )
        self._producers = {
            table.output_name: table.id for table in spec.tables if table.output_name is not None
        }
        self._reading: TableBranches | None = None  # the table being evaluated
        self._reads: dict[tuple[str, frozenset[tuple[str, bool]]], object] = {}
        # A table that read a finding unknown in one case and stated in the other is evaluated
        # again; one that read none of them evaluates alike (it forks on what it reads only).
        self._toggled = unknown ^ previous.unknown if previous is not None else frozenset()
        self._changed = changed
        # Tables kept from ``previous`` after an evaluation that came out the same: what they
        # record as read is what an earlier evaluation read, not necessarily this case's values.
        self._stale: set[str] = set()
        self.tables: dict[str, TableBranches] = {}
        for table in spec.tables:  # evaluation order: producers come before their consumers
            self.tables[table.id] = self._reuse_or_evaluate(table, previous)
        self._reading = None  # nothing reads the case from here on
        if previous is not None and self.same_as(previous):
            self._share(previous)
            return
        self._outcomes: list[tuple[str, str, OutcomeSpec, list[Cube]]] | None = None
        self._where: dict[tuple[str, str], list[Cube]] = {}
        self.impossible: tuple[Cube, ...] = tuple(
            simplify(
                [
                    cube
                    for _, _, outcome, cubes in self.outcomes()
                    if outcome.error is not None
                    for cube in cubes
                ]
            )
        )
        self._possible: dict[frozenset[tuple[str, bool]], bool] = {}
        self._always: dict[frozenset[frozenset[tuple[str, bool]]], bool] = {}
        self._sets = AnswerSets(unknown) if len(unknown) <= AnswerSets.LIMIT else None
        self._impossible = self._sets.union(self.impossible) if self._sets is not None else 0
        # What users of the branches work out from them alone (the layout of a result), kept
        # for the cases that share these branches.
        self.memo: dict[str, object] = {}

    def same_as(self, other: Branches) -> bool:
        """Whether these branches are ``other``'s: the same unknown findings and every table
        shared (re-evaluated to the same branches). Then so is every result worked out from them,
        but for a dose computed from a field whose value differs."""
        return self.unknown == other.unknown and all(
            table is other.tables.get(key) for key, table in self.tables.items()
        )

    def _share(self, previous: Branches) -> None:
        """Everything worked out from the tables, taken from branches with the same tables."""
        self._reads = previous._reads
        self._outcomes = previous._outcomes
        self._where = previous._where
        self.impossible = previous.impossible
        self._possible = previous._possible
        self._always = previous._always
        self._sets = previous._sets
        self._impossible = previous._impossible
        self.memo = previous.memo

    def _reuse_or_evaluate(self, table: TableSpec, previous: Branches | None) -> TableBranches:
        if previous is None:
            return self._evaluate(table)
        kept = previous.tables.get(table.id)
        if kept is not None:
            if self._changed is not None and table.id not in previous._stale:
                # Its reads are previous's values, and only ``changed`` differ from them.
                same_fields = self._changed.isdisjoint(kept.read)
            else:
                same_fields = all(
                    type(self._values.get(name, _MISSING)) is type(value)  # 1 is not True
                    and self._values[name] == value
                    for name, value in kept.read.items()
                )
            # A table reads another's output only (its paths): a producer evaluated again to
            # other rules but the same output paths changes nothing for it. (``read``: the
            # producer as the kept table's own evaluation read it.)
            if (
                same_fields
                and self._toggled.isdisjoint(kept.read)
                and all(
                    (current := self.tables[producer]) is read or current.outputs == read.outputs
                    for producer, read in kept.producers.items()
                )
            ):
                return kept
        evaluated = self._evaluate(table)
        if kept is not None and evaluated == kept:
            self._stale.add(table.id)
            return kept
        return evaluated

    def _evaluate(self, table: TableSpec) -> TableBranches:
        result = self._reading = TableBranches(table)
        if not self.unknown:  # everything stated: one run, no assumption
            self._record(result, {}, run_table(table, _View(self, {})))
            return result
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
                    cube for start in applying for cube, holds in self.paths(test, start) if holds
                ]
                if region:
                    result.selected[rule_id] = region
            return result
        for cube, run in self.paths(lambda view: run_table(table, view)):
            self._record(result, cube, run)
        return result

    @staticmethod
    def _record(result: TableBranches, cube: Cube, run: TableRun) -> None:
        if run.skipped:
            result.skipped.append(cube)
        for rule_id, _ in run.outcomes:
            result.selected.setdefault(rule_id, []).append(cube)
        if result.table.output_name is not None:
            result.outputs.append((cube, run.output))

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
            if self._reading is not None:
                self._reading.producers[producer] = self.tables[producer]
            return self._derived(producer, cube)
        value = self._values[name]
        if self._reading is not None:
            self._reading.read[name] = value
        if value is None and name in self.unknown:
            if name in cube:
                return cube[name]
            implied = self.implied.get(name)
            if implied is None:
                raise Unknown(name)
            if self._reading is not None:  # what settles it is read too
                for other in implied[1]:
                    self._reading.read[other] = self._values[other]
            return implied[0]
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

    def fields_read(self) -> set[str]:
        """The case fields (and table outputs) the tables' evaluations read for this case: a
        field outside it changes no table's evaluation. A table kept from an earlier case after
        an evaluation that came out the same counts every input it declares (what it records
        is what an earlier evaluation read)."""
        found: set[str] = set()
        for table_id, branches in self.tables.items():
            found.update(branches.table.inputs if table_id in self._stale else branches.read)
        return found

    # --- questions about the answers ---------------------------------------------------------

    def all_impossible(self) -> bool:
        """Whether every answer to the unknown findings is contradictory."""
        return self.covers(self.impossible)

    def covers(self, cubes: Sequence[Cube]) -> bool:
        """Whether every answer, possible or not, lies in one of ``cubes``."""
        if self._sets is not None:
            return self._sets.union(cubes) == self._sets.everything
        return covers(cubes)

    def possible(self, cube: Cube) -> bool:
        """Whether some answer inside ``cube`` is free of contradictions."""
        if not self.impossible:
            return True
        if self._sets is not None:
            return bool(self._sets.of(cube) & ~self._impossible)
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

    def reduced(self, cube: Cube) -> Cube:
        """``cube`` without the assumptions the case settles: an answer whose other answer,
        with the rest of the cube, is impossible says nothing the possible answers do not (a
        postmenopausal case is never asked whether she is pregnant, whatever else is unknown)."""
        if not self.impossible:
            return cube
        kept = dict(cube)
        for name, answer in cube.items():
            if not self.possible({**kept, name: not answer}):
                del kept[name]
        return kept

    def holds_always(self, cubes: Sequence[Cube]) -> bool:
        """Whether every possible answer lies in one of ``cubes``."""
        if any(not cube for cube in cubes):
            return True
        if self._sets is not None:
            found = self._sets.union(cubes) | self._impossible
            return found == self._sets.everything
        key = frozenset(frozenset(cube.items()) for cube in cubes)
        known = self._always.get(key)
        if known is None:
            known = self._always[key] = covers([*cubes, *self.impossible])
        return known

    def outcomes(self) -> list[tuple[str, str, OutcomeSpec, list[Cube]]]:
        """Every selected rule or default: (table id, rule id, outcome, where it is selected as
        a short union of cubes), in table and rule order."""
        if self._outcomes is None:
            self._outcomes = [
                (table_id, rule, _outcome(branches.table, rule), self.where(table_id, rule))
                for table_id, branches in self.tables.items()
                for rule in (*branches.table.rules, DEFAULT)
                if branches.selected.get(rule)
            ]
        return self._outcomes

    def where(self, table_id: str, rule_id: str) -> list[Cube]:
        """Where a table selects a rule (or its default), as a short union of cubes; computed
        once, shared by the assembly and the trace."""
        key = (table_id, rule_id)
        known = self._where.get(key)
        if known is None:
            cubes = self.tables[table_id].selected.get(rule_id, [])
            known = self._where[key] = simplify(cubes, disjoint=True)
        return known


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
    if len(cubes) == 1:
        return [dict(sorted(cubes[0].items(), key=_literal_key))]
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
