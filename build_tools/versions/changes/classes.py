"""The changed cases, sorted into classes by what changes for them.

For each facet, the cases where the two versions' values differ are the union, over pairs of
values ``v != w``, of (before has ``v``) ∩ (after has ``w``), absence being a value too: each
piece is labelled with its change ``(facet, v, w)``. The pieces are overlaid into sets of cases
that share the same changes (their *signature*); a change that holds for the whole space is set
apart ("every case") and kept out of the signatures. Each signature's set is then read as
disjoint cubes and merged greedily (:mod:`.merge`) so a class is a short union of cubes.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_tools.tables.regions import Region
from build_tools.versions.changes.cover import cover
from build_tools.versions.changes.facets import VersionFacts
from build_tools.versions.changes.sets import ALL, EMPTY, CaseSets, Node
from calculators.runtime.compare import Facet

Change = tuple[Facet, object, object]  # (facet, before, after); None: the result lacks it
Signature = frozenset[Change]


@dataclass(frozen=True)
class ChangedCases:
    """Every change over the space: those of every case, and the classes of the others."""

    every_case: tuple[Change, ...]
    # Groups of classes: the classes of a group are disjoint, and a case's changes are those of
    # the classes it is in (at most one per group). One group of every change would have a
    # class per combination of independent changes (tens of thousands between two versions that
    # change unrelated parts of a guideline); a change joins a group where it adds at most one
    # class.
    # the cases, as cubes among the cases valid in at least one version and as cubes among
    # those contradictory in both (see cover.py)
    groups: tuple[dict[Signature, tuple[Node, Region, Region]], ...]
    changed: Node  # every case some change of a class holds for
    total: int
    # Cases contradictory (invalid) in both versions, and those of them whose errors are the
    # same in both (unchanged): a class's cubes are read among the cases valid in at least one
    # version (the contradictory ones are its don't-cares), its contradictory cases apart.
    invalid_in_both: Node = EMPTY
    same_errors: Node = EMPTY


def changes_of(
    before: VersionFacts, after: VersionFacts, sets: CaseSets
) -> list[tuple[Change, Node]]:
    """Every change of every facet with the cases it holds for (none empty)."""
    found: list[tuple[Change, Node]] = []
    for facet in sorted(before.facets.keys() | after.facets.keys()):
        old = before.facets.get(facet, {})
        new = after.facets.get(facet, {})
        old_all = sets.union_all(old.values())
        new_all = sets.union_all(new.values())
        pieces: list[tuple[Change, Node]] = []
        for was, old_node in old.items():
            for now, new_node in new.items():
                if was != now:
                    pieces.append(((facet, was, now), sets.meet(old_node, new_node)))
            pieces.append(((facet, was, None), sets.minus(old_node, new_all)))
        for now, new_node in new.items():
            pieces.append(((facet, None, now), sets.minus(new_node, old_all)))
        found.extend((change, node) for change, node in pieces if node != EMPTY)
    return found


def changed_cases(before: VersionFacts, after: VersionFacts, sets: CaseSets) -> ChangedCases:
    every: list[Change] = []
    groups: list[dict[Signature, Node]] = []
    changed = EMPTY
    changes = changes_of(before, after, sets)
    invalid_in_both = sets.meet(
        before.facets[("status",)].get("invalid", EMPTY),
        after.facets[("status",)].get("invalid", EMPTY),
    )
    errors_changed = sets.union_all(node for change, node in changes if change[0][0] == "error")
    same_errors = sets.minus(invalid_in_both, errors_changed)
    for change, node in changes:
        if node == ALL:
            every.append(change)
            continue
        changed = sets.union(changed, node)
        options = [(_overlay(group, change, node, sets), group) for group in groups]
        best = min(options, key=lambda option: len(option[0]) - len(option[1]), default=None)
        if best is not None and len(best[0]) - len(best[1]) <= 1:
            groups[groups.index(best[1])] = best[0]
        else:
            groups.append({frozenset({change}): node})
    return ChangedCases(
        tuple(every),
        tuple(
            {
                signature: (
                    node,
                    cover(sets.minus(node, invalid_in_both), invalid_in_both, sets),
                    # exact cubes, no don't-cares: widened among contradictory cases, a cube
                    # would drop the very conditions that make its errors change
                    cover(sets.meet(node, invalid_in_both), EMPTY, sets),
                )
                for signature, node in group.items()
            }
            for group in groups
        ),
        changed,
        sets.count(ALL),
        invalid_in_both,
        same_errors,
    )


def _overlay(
    group: dict[Signature, Node], change: Change, node: Node, sets: CaseSets
) -> dict[Signature, Node]:
    """A group's classes split by one more change."""
    split: dict[Signature, Node] = {}
    covered = EMPTY
    for signature, cases in group.items():
        covered = sets.union(covered, cases)
        for key, part in (
            (signature | {change}, sets.meet(cases, node)),
            (signature, sets.minus(cases, node)),
        ):
            if part != EMPTY:
                split[key] = part
    fresh = sets.minus(node, covered)
    if fresh != EMPTY:
        split[frozenset({change})] = fresh
    return split
