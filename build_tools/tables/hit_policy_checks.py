"""Build-time hit-policy checks, one strategy class per DMN hit policy.

Each policy states what exhaustive coverage must look like for its tables. The checks common to
all policies (rules that can never match, defaults that can never apply) live in the base class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from build_tools.findings import Finding
from build_tools.tables.coverage import Coverage
from build_tools.tables.model import DecisionTable, HitPolicyName


class HitPolicyCheck(ABC):
    name: HitPolicyName

    def findings(self, coverage: Coverage) -> list[Finding]:
        return [*self._common(coverage), *self._specific(coverage)]

    @abstractmethod
    def _specific(self, coverage: Coverage) -> list[Finding]: ...

    def _common(self, coverage: Coverage) -> list[Finding]:
        table = coverage.table
        found: list[Finding] = []
        for index, rule in enumerate(table.rules):
            if index not in coverage.matched:
                found.append(
                    Finding(
                        table.file,
                        rule.line,
                        f"table {table.id}: rule {rule.id} can never match (its tests exclude "
                        "each other, or exclude every case where the table applies)",
                        "correct the rule's tests or remove the rule",
                    )
                )
        if table.default is not None and coverage.gap_count == 0 and coverage.combinations:
            found.append(
                Finding(
                    table.file,
                    table.default.line,
                    f"table {table.id}: the default can never apply "
                    f"(every case already hits a rule: {_rule_list(table)})",
                    "remove the default, or narrow the rules if the default is meant to apply",
                )
            )
        return found

    def _completeness(self, coverage: Coverage) -> list[Finding]:
        table = coverage.table
        if coverage.gap_count == 0 or table.default is not None:
            return []
        examples = "; ".join(coverage.gaps)
        return [
            Finding(
                table.file,
                table.line,
                f"table {table.id} (hit policy {table.hit_policy}) is incomplete: "
                f"{coverage.gap_count} combination(s) hit none of its rules "
                f"({_rule_list(table)}), e.g. {examples}",
                "add a rule for these cases or a 'default:'",
            )
        ]


class Unique(HitPolicyCheck):
    """Exactly one rule matches every case: complete, and no two rules overlap."""

    name = "unique"

    def _specific(self, coverage: Coverage) -> list[Finding]:
        table = coverage.table
        found = self._completeness(coverage)
        for (earlier, later), example in sorted(coverage.overlaps.items()):
            first, second = table.rules[earlier], table.rules[later]
            found.append(
                Finding(
                    table.file,
                    second.line,
                    f"table {table.id}: rules {first.id} and {second.id} overlap "
                    f"under hit policy unique, e.g. for {example}",
                    f"make the tests of {first.id} and {second.id} exclusive, "
                    "or use hit policy first",
                )
            )
        return found


class First(HitPolicyCheck):
    """The first matching rule wins: complete, and every rule is the first hit somewhere."""

    name = "first"

    def _specific(self, coverage: Coverage) -> list[Finding]:
        table = coverage.table
        found = self._completeness(coverage)
        for index, rule in enumerate(table.rules):
            if index in coverage.matched and index not in coverage.first_hits:
                shadowing = ", ".join(
                    table.rules[earlier].id
                    for earlier in sorted(coverage.shadowed_by.get(index, set()))
                )
                found.append(
                    Finding(
                        table.file,
                        rule.line,
                        f"table {table.id}: rule {rule.id} is shadowed under hit policy "
                        f"first: whenever it matches, an earlier rule ({shadowing}) is hit first",
                        f"move {rule.id} above {shadowing}, narrow the earlier rule(s), "
                        f"or remove {rule.id}",
                    )
                )
        return found


class Collect(HitPolicyCheck):
    """Every matching rule fires; no completeness is required."""

    name = "collect"

    def _specific(self, coverage: Coverage) -> list[Finding]:
        return []


CHECKS: dict[HitPolicyName, HitPolicyCheck] = {
    check.name: check for check in (Unique(), First(), Collect())
}


def _rule_list(table: DecisionTable) -> str:
    return "rules " + ", ".join(rule.id for rule in table.rules) if table.rules else "no rules"
