"""Greedy merging of disjoint cubes into a short union, for a class's conditions."""

from __future__ import annotations

from collections.abc import Mapping

from build_tools.tables.domain import DomainValue
from build_tools.tables.regions import Region

Row = tuple[frozenset[DomainValue], ...]


def merge(region: Region, values: Mapping[str, tuple[DomainValue, ...]]) -> Region:
    """Two cubes that differ in one field only become one (the union of that field's values),
    until no two do. The cubes are disjoint, so the union is exact and stays disjoint."""
    names = list(values)
    full = {name: frozenset(domain) for name, domain in values.items()}
    rows: set[Row] = {tuple(cube.get(name, full[name]) for name in names) for cube in region}
    changed = True
    while changed:
        changed = False
        for position in range(len(names)):
            groups: dict[Row, frozenset[DomainValue]] = {}
            for row in rows:
                key = row[:position] + row[position + 1 :]
                groups[key] = groups.get(key, frozenset()) | row[position]
            if len(groups) < len(rows):
                changed = True
                rows = {(*key[:position], vals, *key[position:]) for key, vals in groups.items()}
    return [
        {name: vals for name, vals in zip(names, row, strict=True) if vals != full[name]}
        for row in rows
    ]
