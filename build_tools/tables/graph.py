"""Evaluation order of decision tables: a table runs after the tables whose outputs it consumes.

The order is topological with document order as the tie-break, so the same pages always give the
same order (and so byte-identical generated code). A cycle is a content error.
"""

from __future__ import annotations

from build_tools.findings import FindingCollector
from build_tools.tables.model import DecisionTable


def evaluation_order(
    tables: list[DecisionTable], findings: FindingCollector
) -> list[DecisionTable]:
    producers = {table.output.name: table.id for table in tables if table.output is not None}
    depends_on = {
        table.id: sorted({producers[name] for name in table.domain_inputs if name in producers})
        for table in tables
    }
    position = {table.id: index for index, table in enumerate(tables)}
    by_id = {table.id: table for table in tables}
    ordered: list[DecisionTable] = []
    done: set[str] = set()
    while True:
        ready = [
            table
            for table in tables
            if table.id not in done and all(dep in done for dep in depends_on[table.id])
        ]
        if not ready:
            break
        first = min(ready, key=lambda table: position[table.id])
        ordered.append(first)
        done.add(first.id)
    blocked = [table.id for table in tables if table.id not in done]
    reported: set[str] = set()
    for table_id in blocked:
        cycle = _cycle_through(table_id, depends_on)
        if not cycle or table_id in reported:
            continue
        reported.update(cycle)
        start = min(cycle, key=lambda member: position[member])
        rotated = cycle[cycle.index(start) :] + cycle[: cycle.index(start)]
        table = by_id[start]
        path = " -> ".join([*rotated, start])
        findings.add(
            table.file,
            table.line,
            f"decision tables form a cycle: {path} (each consumes an output of the next)",
            "break the cycle: a table cannot depend, directly or indirectly, on its own output",
        )
    return ordered


def _cycle_through(start: str, depends_on: dict[str, list[str]]) -> list[str]:
    """A dependency cycle that passes through ``start``, or [] if ``start`` only waits on one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for dependency in depends_on[node]:
            if dependency == start:
                return path
            if dependency not in seen:
                seen.add(dependency)
                stack.append((dependency, [*path, dependency]))
    return []
