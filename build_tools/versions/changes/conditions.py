"""A cube written in the tables' own cell language (AUTHORING.md): ``"positive", "equivocal"``,
``true``, ``null``, ``>= 4``, ``[1..3]``; a field any value of which is allowed is left out.

A numeric value of the space stands for the cell between the split points it lies in (see
:mod:`.space`), so a set of them is written as the intervals those cells make up.
"""

from __future__ import annotations

from collections.abc import Sequence

from build_tools.tables.domain import DomainValue, describe
from build_tools.tables.regions import Cube
from build_tools.tables.unary import Number
from build_tools.versions.changes.space import Space


def conditions(cube: Cube, space: Space) -> list[tuple[str, str]]:
    """(field, cell) for each field the cube restricts, in the space's field order."""
    found: list[tuple[str, str]] = []
    for name in space.fields:
        allowed = cube.get(name)
        if allowed is None or len(allowed) == len(space.values[name]):
            continue
        found.append((name, cell(name, allowed, space)))
    return found


def cell(name: str, allowed: frozenset[DomainValue], space: Space) -> str:
    domain = space.values[name]
    parts: list[str] = []
    if name in space.cuts:
        numbers = [v for v in domain if v is not None and not isinstance(v, (bool, str))]
        parts.extend(_intervals(numbers, allowed, space.cuts[name], integer=name in space.integer))
    for value in domain:
        if value in allowed and (value is None or isinstance(value, (bool, str))):
            parts.append(f'"{value}"' if isinstance(value, str) else describe(value))
    return ", ".join(parts)


def _intervals(
    numbers: Sequence[DomainValue],
    allowed: frozenset[DomainValue],
    cuts: tuple[Number, ...],
    *,
    integer: bool,
) -> list[str]:
    runs: list[list[Number]] = []
    previous_in = False
    for value in numbers:
        assert isinstance(value, (int, float))
        if value in allowed:
            if previous_in:
                runs[-1].append(value)
            else:
                runs.append([value])
        previous_in = value in allowed
    return [
        _interval(
            run, cuts, integer=integer, first=run[0] == numbers[0], last=run[-1] == numbers[-1]
        )
        for run in runs
    ]


def _interval(
    run: list[Number], cuts: tuple[Number, ...], *, integer: bool, first: bool, last: bool
) -> str:
    low, high = run[0], run[-1]
    # A value that is not a split point stands for the open gap around it.
    low_closed, high_closed = True, True
    if low not in cuts:
        below = [cut for cut in cuts if cut < low]
        if below:
            low, low_closed = below[-1], False
    if high not in cuts:
        above = [cut for cut in cuts if cut > high]
        if above:
            high, high_closed = above[0], False
    if integer:
        if not low_closed:
            low, low_closed = int(low) + 1, True
        if not high_closed:
            high, high_closed = -int(-high) - 1, True
    if first and last:
        # every number and not null (null allowed too would be the whole domain, left out)
        return "not(null)"
    if first:
        return f"{'<=' if high_closed else '<'} {high}"
    if last:
        return f"{'>=' if low_closed else '>'} {low}"
    if low == high:
        return f"= {low}"
    return f"{'[' if low_closed else '('}{low}..{high}{']' if high_closed else ')'}"
