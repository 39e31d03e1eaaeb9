"""The case space two versions are compared over, and how each version reads it.

The space is the union of both versions' case fields. Each field's domain is split at the
thresholds of *both* models (and at both versions' range bounds), so every cell of either
version's tables gives one answer on each value: comparing one value per cell compares them all.
Like the safety proof, the space holds cases whose findings are stated: a field that either
version declares a finding has no null; any other field that either version leaves nullable
keeps null.

A version reads a value of the space as its calculator would after ``compare.case_for``: a field
it does not declare is ignored; null of a field it cannot leave unknown is its default (or, for a
required field without one, a validation error); a value it does not accept (an enum value it
lacks, a number out of its range) makes its result invalid, naming that field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from build_tools.tables.domain import DomainValue
from build_tools.tables.model import CaseInput, Condition, DecisionModel
from build_tools.tables.regions import Cube, Domains
from build_tools.tables.unary import Number, thresholds

INVALID = object()  # the reading of a value a version rejects


@dataclass(frozen=True)
class Space:
    """The shared finite domain: each field's values, in the order the versions declare them."""

    values: dict[str, tuple[DomainValue, ...]]
    integer: frozenset[str]  # numeric fields whose values are whole numbers
    cuts: dict[str, tuple[Number, ...]]  # numeric fields: the split points

    @classmethod
    def of(cls, before: DecisionModel, after: DecisionModel) -> Space:
        names = list(
            dict.fromkeys([i.name for i in after.inputs] + [i.name for i in before.inputs])
        )
        values: dict[str, tuple[DomainValue, ...]] = {}
        integer: set[str] = set()
        cuts: dict[str, tuple[Number, ...]] = {}
        for name in names:
            specs = [spec for m in (after, before) if (spec := m.input_named(name)) is not None]
            found: list[DomainValue] = []
            if any(spec.type == "enum" for spec in specs):
                found.extend(dict.fromkeys(v for spec in specs for v in spec.values))
            if any(spec.type == "boolean" for spec in specs):
                found.extend((False, True))
            numeric = [spec for spec in specs if spec.type in ("integer", "number")]
            if numeric:
                points = _cuts(name, (before, after), numeric)
                whole = all(spec.type == "integer" for spec in numeric)
                if whole:
                    integer.add(name)
                cuts[name] = tuple(sorted(points))
                found.extend(_representatives(points, numeric, whole=whole))
            if any(spec.nullable for spec in specs) and not any(spec.finding for spec in specs):
                found.append(None)
            values[name] = tuple(found)
        return cls(values, frozenset(integer), cuts)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.values)


def _cuts(name: str, models: tuple[DecisionModel, ...], specs: list[CaseInput]) -> set[Number]:
    conditions: list[Condition] = []
    for model in models:
        for table in model.tables:
            conditions.extend(table.applies_when)
            for rule in table.rules:
                conditions.extend(rule.conditions)
        for item in model.items:
            conditions.extend(item.asserts)
    points: set[Number] = set()
    for condition in conditions:
        if condition.input == name:
            points |= thresholds(condition.test)
    for spec in specs:
        points |= {bound for bound in (spec.minimum, spec.maximum) if bound is not None}
    return points


def _representatives(points: set[Number], specs: list[CaseInput], *, whole: bool) -> list[Number]:
    """One value per cell between the split points, kept when some version accepts it."""
    ordered = sorted(points)
    if not ordered:
        candidates: list[Number] = [0]
    else:
        candidates = list(ordered)
        candidates.append(math.floor(ordered[0]) - 1 if whole else ordered[0] - 1)
        candidates.append(math.floor(ordered[-1]) + 1 if whole else ordered[-1] + 1)
        for low, high in pairwise(ordered):
            if whole:
                inside = math.floor(low) + 1
                if inside < high:
                    candidates.append(inside)
            else:
                candidates.append((low + high) / 2)
    kept = {
        _tidy(value)
        for value in candidates
        if (not whole or float(value).is_integer()) and any(spec.in_range(value) for spec in specs)
    }
    return sorted(kept)


def _tidy(value: Number) -> Number:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def accepts(spec: CaseInput, value: DomainValue) -> bool:
    """Whether a version's validation accepts a (non-null) value for the field."""
    if spec.type == "enum":
        return isinstance(value, str) and value in spec.values
    if spec.type == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if spec.type == "integer" and not float(value).is_integer():
        return False
    return spec.in_range(value)


def reading(spec: CaseInput, value: DomainValue) -> object:
    """What a version's tables see for a value of the space (``INVALID``: validation fails)."""
    if value is None:
        if spec.nullable:
            return None
        if spec.default is not None:
            return spec.default  # case_for leaves the null out: the default
        return INVALID if spec.required else None
    return value if accepts(spec, value) else INVALID


@dataclass(frozen=True)
class VersionDomains(Domains):
    """A version's view of the space: its tables' cells are tested on what it reads."""

    model: DecisionModel

    @classmethod
    def view(cls, space: Space, model: DecisionModel) -> VersionDomains:
        own = Domains.of(model)
        values = dict(space.values)
        for item in model.derived:
            values[item.name] = own.values[item.name]
        return cls(values, own.derived, model)

    def allowed(self, condition: Condition) -> frozenset[DomainValue]:
        spec = self.model.input_named(condition.input)
        if spec is None:
            return super().allowed(condition)
        return frozenset(
            value
            for value in self.values[condition.input]
            if (read := reading(spec, value)) is not INVALID and condition.test.matches(read)
        )

    def rejected(self) -> dict[str, Cube]:
        """For each field the version declares, the cube of values its validation rejects."""
        found: dict[str, Cube] = {}
        for spec in self.model.inputs:
            bad = frozenset(v for v in self.values[spec.name] if reading(spec, v) is INVALID)
            if bad:
                found[spec.name] = {spec.name: bad}
        return found
