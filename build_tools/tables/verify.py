"""Exhaustive verification of a loaded decision model.

Names, types and references were checked while loading; here every table is evaluated over its
whole finite domain and judged by its hit policy. Each table is checked over its own inputs only,
which keeps the work linear in the number of tables.
"""

from __future__ import annotations

from build_tools.findings import Finding
from build_tools.tables.coverage import MAX_COMBINATIONS, evaluate_table
from build_tools.tables.hit_policy_checks import CHECKS
from build_tools.tables.model import DecisionModel, DecisionTable


def verify(model: DecisionModel) -> list[Finding]:
    """Every problem exhaustive evaluation finds, sorted by file and line (empty if none)."""
    found: list[Finding] = []
    for table in model.tables:
        coverage = evaluate_table(table, model)
        if coverage.too_large:
            found.append(
                Finding(
                    table.file,
                    table.line,
                    f"table {table.id} has {coverage.domain_size} input combinations "
                    f"(more than {MAX_COMBINATIONS})",
                    "split it into smaller tables, e.g. one that derives an intermediate value",
                )
            )
            continue
        found.extend(CHECKS[table.hit_policy].findings(coverage))
        found.extend(_unproduced_values(table))
    return sorted(found)


def _unproduced_values(table: DecisionTable) -> list[Finding]:
    """An output value no rule gives would make every consumer rule that tests it dead."""
    if table.output is None:
        return []
    produced = {rule.outcome.value for rule in table.rules}
    if table.default is not None:
        produced.add(table.default.value)
    return [
        Finding(
            table.file,
            table.output.line,
            f"table {table.id}: output value {value!r} is never produced by any rule "
            f"({', '.join(rule.id for rule in table.rules)})",
            "remove the value from 'output: values' or add the rule that produces it",
        )
        for value in table.output.values
        if value not in produced
    ]
