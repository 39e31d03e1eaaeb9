"""Sets of cases as unions of cubes, and where each rule of each table fires.

A *cube* fixes, for some case fields, the set of values they may take (a field it does not name
may take any value of its domain); a *region* is a union of cubes. The domains are finite: every
field's declared values, numbers split at every threshold any table, safety constraint or item
assertion uses (see :mod:`build_tools.tables.domain`), so a region describes a set of cases
exactly.

:class:`RuleRegions` computes, table by table in evaluation order, the region where each rule
(and each default) is selected under the table's hit policy. A table's cells on other tables'
outputs are expanded into the regions where those outputs take the tested values, so every
region speaks of case fields only. Nothing is enumerated beyond one table's own cells: this is
how the safety proof (:mod:`build_tools.tables.prove`) covers the whole case space in well under
a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from build_tools.tables.domain import DomainValue, input_domain
from build_tools.tables.model import Condition, DecisionModel, DecisionTable, Outcome
from build_tools.tables.unary import Number, thresholds

Cube = dict[str, frozenset[DomainValue]]
Region = list[Cube]
DEFAULT = "default"


@dataclass(frozen=True)
class Domains:
    """The finite domain of every case field and table output."""

    values: dict[str, tuple[DomainValue, ...]]
    derived: frozenset[str]  # names of table outputs

    @classmethod
    def of(cls, model: DecisionModel, extra: Iterable[Condition] = ()) -> Domains:
        """Domains split at the thresholds of every cell of the model and of ``extra``."""
        cuts: dict[str, set[Number]] = {case_input.name: set() for case_input in model.inputs}
        conditions = [*extra]
        for table in model.tables:
            conditions.extend(table.applies_when)
            for rule in table.rules:
                conditions.extend(rule.conditions)
        for item in model.items:
            conditions.extend(item.asserts)
        for case_input in model.inputs:
            for implication in case_input.implied_by:
                conditions.extend(implication.conditions)
        for condition in conditions:
            if condition.input in cuts:
                cuts[condition.input] |= thresholds(condition.test)
        values: dict[str, tuple[DomainValue, ...]] = {}
        for case_input in model.inputs:
            values[case_input.name] = input_domain(case_input.name, model, cuts[case_input.name])
        for derived in model.derived:
            values[derived.name] = input_domain(derived.name, model, set())
        return cls(values, frozenset(derived.name for derived in model.derived))

    def allowed(self, condition: Condition) -> frozenset[DomainValue]:
        return frozenset(
            value for value in self.values[condition.input] if condition.test.matches(value)
        )


def intersect_cubes(first: Cube, second: Cube) -> Cube | None:
    merged = dict(first)
    for field, values in second.items():
        both = merged[field] & values if field in merged else values
        if not both:
            return None
        merged[field] = both
    return merged


def meets(first: Cube, second: Cube) -> bool:
    """Whether two cubes share a case (``intersect_cubes`` without building the cube)."""
    for field, values in second.items():
        mine = first.get(field)
        if mine is not None and not mine & values:
            return False
    return True


def intersect(first: Region, second: Region) -> Region:
    found: Region = []
    for a in first:
        for b in second:
            cube = intersect_cubes(a, b)
            if cube is not None and cube not in found:
                found.append(cube)
    return found


def intersect_all(regions: Sequence[Region]) -> Region:
    result: Region = [{}]
    for region in regions:
        result = intersect(result, region)
        if not result:
            break
    return result


class RuleRegions:
    """Where each rule of each table fires, and where each table output takes each value."""

    def __init__(self, model: DecisionModel, domains: Domains) -> None:
        self.model = model
        self.domains = domains
        self.fires: dict[tuple[str, str], Region] = {}  # (table id, rule id or "default")
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self._values: dict[tuple[str, DomainValue], Region] = {}  # (output, value) -> region
        for table in model.tables:
            self._analyse(table)

    # --- region algebra over the domains ---------------------------------------------------

    def negate(self, cube: Cube) -> Region:
        """The complement of a cube as disjoint cubes."""
        pieces: Region = []
        prefix: Cube = {}
        for field, values in cube.items():
            rest = frozenset(self.domains.values[field]) - values
            if rest:
                pieces.append({**prefix, field: rest})
            prefix = {**prefix, field: values}
        return pieces

    def complement(self, region: Region) -> Region:
        return intersect_all([self.negate(cube) for cube in region])

    def literal(self, condition: Condition) -> Cube:
        """The cube of one cell (a test on one field or output)."""
        allowed = self.domains.allowed(condition)
        if allowed == frozenset(self.domains.values[condition.input]):
            return {}
        return {condition.input: allowed}

    def conjunction(self, conditions: Iterable[Condition]) -> Region:
        """The cases where every cell holds, in case fields only (outputs expanded)."""
        cube: Cube | None = {}
        for condition in conditions:
            assert cube is not None
            cube = intersect_cubes(cube, self.literal(condition))
            if cube is None:
                return []
        assert cube is not None
        return self.expand(cube)

    def expand(self, cube: Cube) -> Region:
        """A cube that may test table outputs, as a region of case fields only."""
        base: Cube = {f: v for f, v in cube.items() if f not in self.domains.derived}
        parts: list[Region] = [[base]]
        for field, values in cube.items():
            if field in self.domains.derived:
                parts.append([c for value in values for c in self._values[(field, value)]])
        return intersect_all(parts)

    def expand_all(self, region: Region) -> Region:
        return [cube for local in region for cube in self.expand(local)]

    # --- tables ------------------------------------------------------------------------------

    def _local(self, conditions: Iterable[Condition]) -> Cube | None:
        cube: Cube | None = {}
        for condition in conditions:
            assert cube is not None
            cube = intersect_cubes(cube, self.literal(condition))
            if cube is None:
                return None
        return cube

    def _analyse(self, table: DecisionTable) -> None:
        """The region of every rule and default of a table, and of each value of its output.
        Worked out on the table's own cells (outputs of other tables stay symbolic), then
        expanded."""
        applies = self._local(table.applies_when)
        local_applies: Region = [] if applies is None else [applies]
        conditions = [self._local(rule.conditions) for rule in table.rules]
        matches: list[Region] = [[] if cube is None else [cube] for cube in conditions]
        earlier: Region = []
        local_fires: dict[str, Region] = {}
        for rule, match in zip(table.rules, matches, strict=True):
            region = intersect(local_applies, match)
            if table.hit_policy == "first":
                region = intersect(region, self.complement(earlier))
            local_fires[rule.id] = region
            earlier = [*earlier, *match]
            self.outcomes[(table.id, rule.id)] = rule.outcome
        if table.default is not None:
            local_fires[DEFAULT] = intersect(local_applies, self.complement(earlier))
            self.outcomes[(table.id, DEFAULT)] = table.default
        for rule_id, region in local_fires.items():
            self.fires[(table.id, rule_id)] = self.expand_all(region)
        if table.output is None:
            return
        name = table.output.name
        skipped = self.expand_all(self.complement(local_applies))
        for value in self.domains.values[name]:
            region = skipped if value is None else []
            for rule_id, fired in self.fires_of(table):
                if self.outcomes[(table.id, rule_id)].value == value:
                    region = [*region, *fired]
            self._values[(name, value)] = region

    def fires_of(self, table: DecisionTable) -> list[tuple[str, Region]]:
        ids = [rule.id for rule in table.rules] + ([DEFAULT] if table.default else [])
        return [(rule_id, self.fires[(table.id, rule_id)]) for rule_id in ids]

    def where(self, selected: Iterable[tuple[str, str]]) -> Region:
        """The union of the regions of some (table, rule) pairs."""
        return [cube for key in selected for cube in self.fires[key]]

    def producing(self, predicate: Callable[[Outcome], bool]) -> list[tuple[str, str]]:
        """The (table, rule) pairs whose outcome satisfies ``predicate``."""
        return [key for key, outcome in self.outcomes.items() if predicate(outcome)]

    def witness(self, candidates: Region, excluded: Region) -> Cube | None:
        """A cube of cases inside ``candidates`` and outside ``excluded``, or None if there is
        none. Depth first: a candidate is cut by each excluded cube it meets into the disjoint
        pieces outside it, and each piece must then avoid the remaining excluded cubes."""
        for cube in candidates:
            found = self._escape(cube, excluded)
            if found is not None:
                return found
        return None

    def _escape(self, cube: Cube, excluded: Region) -> Cube | None:
        # Only the excluded cubes that meet this one matter, here and for its pieces below.
        meeting = [other for other in excluded if meets(cube, other)]
        if not meeting:
            return cube
        for piece in intersect([cube], self.negate(meeting[0])):
            found = self._escape(piece, meeting[1:])
            if found is not None:
                return found
        return None
