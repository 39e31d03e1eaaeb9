"""The runtime's named exceptions.

An invalid *case* is not an exception: it is a result with status invalid and its errors.
"""

from __future__ import annotations


class CalculatorError(Exception):
    """Base class of everything the calculators package raises."""


class UnknownGuidelineError(CalculatorError, LookupError):
    """The guideline id is malformed or no compiled module exists for it."""


class CompiledModuleError(CalculatorError):
    """A compiled guideline module does not have the shape the runtime expects (rebuild it)."""


class UniqueHitPolicyViolation(CalculatorError):
    """More than one rule matched in a table with hit policy ``unique``.

    Build-time verification proves this cannot happen; seeing it means the compiled module was
    edited by hand or built by a broken compiler.
    """

    def __init__(self, table_id: str, rule_ids: list[str]) -> None:
        self.table_id = table_id
        self.rule_ids = rule_ids
        super().__init__(
            f"table {table_id} (hit policy unique) matched several rules: {', '.join(rule_ids)}"
        )
