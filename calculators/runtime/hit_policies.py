"""Hit policies as strategy classes: which of a table's matching rules are selected.

A compiled table is its rules' tests in rule order; a policy evaluates what it needs of them (the
first policy stops at the first match, so a table reads no more of the case than its answer
depends on) and picks from the matches.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping

from calculators.runtime.errors import CompiledModuleError, UniqueHitPolicyViolation

RuleTests = Iterable[tuple[str, Callable[[Mapping[str, object]], bool]]]


class HitPolicy(ABC):
    name: str

    @abstractmethod
    def select(self, table_id: str, matched: list[str]) -> list[str]:
        """The selected rule ids, in rule order."""

    def evaluate(self, table_id: str, tests: RuleTests, values: Mapping[str, object]) -> list[str]:
        """Test the rules on ``values`` and select: every rule is tested unless the policy
        needs fewer."""
        return self.select(table_id, [rule_id for rule_id, test in tests if test(values)])


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

    def evaluate(self, table_id: str, tests: RuleTests, values: Mapping[str, object]) -> list[str]:
        return next(([rule_id] for rule_id, test in tests if test(values)), [])


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
