"""A class's cases as a short union of cubes a reviewer can read.

Read straight off the decision diagram, a class is thousands of disjoint cubes: most of their
conditions only keep out cases that are contradictory in both versions for the same reason (HER2
status that contradicts its IHC score, say), which change nothing. Those cases are *don't-cares*:
a cube may include them. Each cube is widened field by field while it stays within the class and
the don't-cares, then cubes that other cubes already cover are dropped (the classic expand and
irredundant steps of two-level logic minimisation). The result is exact in this sense: the class
is the union of its cubes minus the don't-cares, which the changelog states.
"""

from __future__ import annotations

from build_tools.tables.regions import Cube, Region
from build_tools.versions.changes.merge import merge
from build_tools.versions.changes.sets import EMPTY, CaseSets, Node


def cover(cases: Node, dont_care: Node, sets: CaseSets) -> Region:
    """Cubes whose union holds every case of ``cases`` and nothing outside ``cases`` and
    ``dont_care``; widened, then made irredundant, in a deterministic order."""
    allowed = sets.union(cases, dont_care)
    cubes: list[Cube] = []
    covered = EMPTY
    # largest first; a cube that the widened cubes so far already cover needs no widening
    for cube in sorted(
        merge(sets.cubes(cases), sets.values), key=lambda c: (-_size(c, sets), _key(c))
    ):
        if sets.covers(covered, cube):
            continue
        widened = _expand(cube, allowed, sets)
        cubes.append(widened)
        covered = sets.union(covered, sets.cube(widened))
    unique: list[Cube] = []
    for cube in sorted(cubes, key=lambda c: (-_size(c, sets), _key(c))):
        if cube not in unique:
            unique.append(cube)
    kept: list[Cube] = []
    nodes = [sets.cube(cube) for cube in unique]
    for position in range(len(unique)):
        others = sets.union_all([*(sets.cube(cube) for cube in kept), *nodes[position + 1 :]])
        if sets.minus(sets.meet(nodes[position], cases), others) != EMPTY:
            kept.append(unique[position])
    return kept


def _expand(cube: Cube, allowed: Node, sets: CaseSets) -> Cube:
    widened = dict(cube)
    for name in sorted(cube, key=lambda n: (len(cube[n]), n)):
        trial = {key: values for key, values in widened.items() if key != name}
        if sets.covers(allowed, trial):
            widened = trial
            continue
        # or one field's values widened as far as it stays inside
        values = set(widened[name])
        for value in sets.values[name]:
            if value in values:
                continue
            candidate = {**widened, name: frozenset(values | {value})}
            if sets.covers(allowed, candidate):
                values.add(value)
                widened = candidate
    return widened


def _size(cube: Cube, sets: CaseSets) -> int:
    size = 1
    for name in sets.fields:
        size *= len(cube.get(name, sets.values[name]))
    return size


def _key(cube: Cube) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((name, tuple(sorted(map(repr, values)))) for name, values in cube.items()))
