"""Sets of cases as reduced, ordered multi-valued decision diagrams.

The changelog takes differences, intersections and overlays of regions many times over; kept as
unions of cubes (as :mod:`build_tools.tables.regions` keeps them for the proof, which only asks
"is there a case?"), a difference fragments into thousands of pieces. A decision diagram is
canonical: each set has one node, operations are memoised and cost the size of the diagrams, not
of the cube lists, and counting cases or reading the set back as *disjoint* cubes is one pass.

A node tests one field (fields in a fixed order) and has one child per value of its domain;
``EMPTY`` and ``ALL`` are the leaves; a node whose children are all equal is never made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import prod

from build_tools.tables.domain import DomainValue
from build_tools.tables.regions import Cube

Node = int
EMPTY: Node = 0
ALL: Node = 1


class CaseSets:
    """The decision diagrams of one finite domain (each field's values, in field order)."""

    def __init__(self, values: Mapping[str, tuple[DomainValue, ...]]) -> None:
        self.fields = tuple(values)
        self.values = {name: tuple(domain) for name, domain in values.items()}
        self.sizes = tuple(len(values[name]) for name in self.fields)
        self._level = {name: level for level, name in enumerate(self.fields)}
        self._nodes: list[tuple[int, tuple[Node, ...]]] = [
            (len(self.fields), ()),
            (len(self.fields), ()),
        ]
        self._unique: dict[tuple[int, tuple[Node, ...]], Node] = {}
        self._memo: dict[tuple[str, Node, Node], Node] = {}
        self._counts: dict[Node, int] = {}

    # --- building ------------------------------------------------------------------------

    def _make(self, level: int, children: tuple[Node, ...]) -> Node:
        if all(child == children[0] for child in children):
            return children[0]
        key = (level, children)
        node = self._unique.get(key)
        if node is None:
            node = len(self._nodes)
            self._nodes.append(key)
            self._unique[key] = node
        return node

    def cube(self, cube: Cube) -> Node:
        node = ALL
        for level in range(len(self.fields) - 1, -1, -1):
            name = self.fields[level]
            allowed = cube.get(name)
            if allowed is not None:
                node = self._make(
                    level, tuple(node if v in allowed else EMPTY for v in self.values[name])
                )
        return node

    def region(self, cubes: Iterable[Cube]) -> Node:
        """The union of some cubes."""
        return self.union_all(self.cube(cube) for cube in cubes)

    def union_all(self, nodes: Iterable[Node]) -> Node:
        pending = list(nodes)
        if not pending:
            return EMPTY
        while len(pending) > 1:  # pairwise: small diagrams first
            pending = [
                self.union(pending[i], pending[i + 1]) if i + 1 < len(pending) else pending[i]
                for i in range(0, len(pending), 2)
            ]
        return pending[0]

    # --- operations ----------------------------------------------------------------------

    def union(self, a: Node, b: Node) -> Node:
        return self._apply("or", a, b)

    def meet(self, a: Node, b: Node) -> Node:
        return self._apply("and", a, b)

    def minus(self, a: Node, b: Node) -> Node:
        return self._apply("minus", a, b)

    def _apply(self, op: str, a: Node, b: Node) -> Node:
        if op == "or":
            if a == ALL or b == ALL:
                return ALL
            if a in (EMPTY, b):
                return b
            if b == EMPTY:
                return a
            if a > b:
                a, b = b, a
        elif op == "and":
            if a == EMPTY or b == EMPTY:
                return EMPTY
            if a in (ALL, b):
                return b
            if b == ALL:
                return a
            if a > b:
                a, b = b, a
        else:
            if a in (EMPTY, b) or b == ALL:
                return EMPTY
            if b == EMPTY:
                return a
        key = (op, a, b)
        found = self._memo.get(key)
        if found is not None:
            return found
        level = min(self._nodes[a][0], self._nodes[b][0])
        children = tuple(
            self._apply(op, x, y)
            for x, y in zip(self._children(a, level), self._children(b, level), strict=True)
        )
        result = self._make(level, children)
        self._memo[key] = result
        return result

    def _children(self, node: Node, level: int) -> tuple[Node, ...]:
        node_level, children = self._nodes[node]
        return children if node_level == level else (node,) * self.sizes[level]

    # --- reading -------------------------------------------------------------------------

    def count(self, node: Node) -> int:
        """How many cases of the domain the set holds."""
        return self._count(node) * prod(self.sizes[: self._nodes[node][0]])

    def _count(self, node: Node) -> int:
        """Cases over the fields from the node's level on."""
        if node == EMPTY:
            return 0
        if node == ALL:
            return 1
        found = self._counts.get(node)
        if found is None:
            level, children = self._nodes[node]
            found = sum(
                self._count(child) * prod(self.sizes[level + 1 : self._nodes[child][0]])
                for child in children
            )
            self._counts[node] = found
        return found

    def cubes(self, node: Node) -> list[Cube]:
        """The set as disjoint cubes: one per path, the values leading to one child together."""
        if node == EMPTY:
            return []
        if node == ALL:
            return [{}]
        level, children = self._nodes[node]
        name = self.fields[level]
        by_child: dict[Node, list[DomainValue]] = {}
        for value, child in zip(self.values[name], children, strict=True):
            by_child.setdefault(child, []).append(value)
        found: list[Cube] = []
        for child, values in by_child.items():
            if child == EMPTY:
                continue
            for rest in self.cubes(child):
                found.append({name: frozenset(values), **rest})
        return found

    def covers(self, node: Node, cube: Cube) -> bool:
        """Whether every case of ``cube`` is in the set: ``minus(cube(cube), node) == EMPTY``
        without building the cube's diagram (the walk visits each node of ``node`` once)."""
        seen: dict[Node, bool] = {}

        def walk(current: Node) -> bool:
            if current in (EMPTY, ALL):
                return current == ALL
            if current not in seen:
                level, children = self._nodes[current]
                name = self.fields[level]
                allowed = cube.get(name)
                seen[current] = all(
                    walk(child)
                    for value, child in zip(self.values[name], children, strict=True)
                    if allowed is None or value in allowed
                )
            return seen[current]

        return walk(node)

    def contains(self, node: Node, case: Mapping[str, DomainValue]) -> bool:
        """Whether a case (a value for every field) is in the set."""
        while node not in (EMPTY, ALL):
            level, children = self._nodes[node]
            name = self.fields[level]
            node = children[self.values[name].index(case[name])]
        return node == ALL
