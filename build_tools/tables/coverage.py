"""Exhaustive evaluation of one table over its finite domain.

For every combination of the table's input values (see :mod:`build_tools.tables.domain`) this
records which rules match. Rules are bits of an integer: for each input and each of its values we
precompute the set of rules whose cell accepts the value, so a combination's matching rules are
the AND of one mask per input. The result feeds the hit-policy checks in
:mod:`build_tools.tables.hit_policy_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product

from build_tools.tables.domain import DomainValue, describe, table_domain
from build_tools.tables.model import DecisionModel, DecisionTable

# A table whose domain is larger than this is too big to read or to verify quickly: split it.
MAX_COMBINATIONS = 250_000
EXAMPLES_KEPT = 3


@dataclass
class Coverage:
    """What exhaustive evaluation found for one table."""

    table: DecisionTable
    combinations: int = 0  # combinations where the table applies
    domain_size: int = 0  # all combinations, applies_when false included
    matched: set[int] = field(default_factory=set)  # rule indexes that match somewhere
    first_hits: set[int] = field(
        default_factory=set
    )  # rule indexes that are the first match somewhere
    shadowed_by: dict[int, set[int]] = field(
        default_factory=dict
    )  # rule -> earlier rules hit first instead
    gaps: list[str] = field(default_factory=list)  # examples of combinations no rule matches
    gap_count: int = 0
    overlaps: dict[tuple[int, int], str] = field(default_factory=dict)  # rule pair -> example
    too_large: bool = False


def evaluate_table(table: DecisionTable, model: DecisionModel) -> Coverage:
    domain = table_domain(table, model)
    coverage = Coverage(table)
    size = 1
    for _, values in domain:
        size *= len(values)
    coverage.domain_size = size
    if size > MAX_COMBINATIONS:
        coverage.too_large = True
        return coverage
    rule_count = len(table.rules)
    applies_bit = 1 << rule_count
    masks = [_value_masks(table, name, values, applies_bit) for name, values in domain]
    everything = (1 << (rule_count + 1)) - 1
    for indexes in product(*(range(len(values)) for _, values in domain)):
        mask = everything
        for position, index in enumerate(indexes):
            mask &= masks[position][index]
        if not mask & applies_bit:
            continue
        coverage.combinations += 1
        mask &= ~applies_bit
        if mask == 0:
            coverage.gap_count += 1
            if len(coverage.gaps) < EXAMPLES_KEPT:
                coverage.gaps.append(_example(domain, indexes))
            continue
        hits = _bits(mask)
        coverage.first_hits.add(hits[0])
        coverage.matched.update(hits)
        for later in hits[1:]:
            coverage.shadowed_by.setdefault(later, set()).add(hits[0])
        if table.hit_policy == "unique":
            for pair in combinations(hits, 2):
                if pair not in coverage.overlaps:
                    coverage.overlaps[pair] = _example(domain, indexes)
    return coverage


def _value_masks(
    table: DecisionTable, name: str, values: tuple[DomainValue, ...], applies_bit: int
) -> list[int]:
    """For each value of one input: the rules (bits) whose cell on that input accepts it."""
    masks: list[int] = []
    applies_tests = [condition.test for condition in table.applies_when if condition.input == name]
    for value in values:
        mask = applies_bit if all(test.matches(value) for test in applies_tests) else 0
        for index, rule in enumerate(table.rules):
            if all(
                condition.test.matches(value)
                for condition in rule.conditions
                if condition.input == name
            ):
                mask |= 1 << index
        masks.append(mask)
    return masks


def _bits(mask: int) -> list[int]:
    """The set bits of ``mask``, lowest first: the matching rules in rule order."""
    found = []
    while mask:
        low = (mask & -mask).bit_length() - 1
        found.append(low)
        mask &= mask - 1
    return found


def _example(domain: list[tuple[str, tuple[DomainValue, ...]]], indexes: tuple[int, ...]) -> str:
    return ", ".join(
        f"{name}={describe(values[index])}"
        for (name, values), index in zip(domain, indexes, strict=True)
    )
