"""Hit policies as strategy classes: which of a table's matching rules are selected.

The compiled table functions return every matching rule in rule order; a policy picks from that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from calculators.runtime.errors import CompiledModuleError, UniqueHitPolicyViolation


class HitPolicy(ABC):
    name: str

    @abstractmethod
    def select(self, table_id: str, matched: list[str]) -> list[str]:
        """The selected rule ids, in rule order."""


class Unique(HitPolicy):
    """At most one rule can match (proved at build time); two matches are a broken module."""

    name = "unique"

    def select(self, table_id: str, matched: list[str]) -> list[str]:
        if len(matched) > 1:
            raise UniqueHitPolicyViolation(table_id, matched)
        return matched


class First(HitPolicy):
    """The first matching rule, in the order the editor wrote them."""

    name = "first"

    def select(self, table_id: str, matched: list[str]) -> list[str]:
        return matched[:1]


class Collect(HitPolicy):
    """Every matching rule."""

    name = "collect"

    def select(self, table_id: str, matched: list[str]) -> list[str]:
        return list(matched)


_POLICIES: dict[str, HitPolicy] = {policy.name: policy for policy in (Unique(), First(), Collect())}


def policy_named(name: str) -> HitPolicy:
    try:
        return _POLICIES[name]
    except KeyError:
        raise CompiledModuleError(f"unknown hit policy {name!r}; rebuild the module") from None
