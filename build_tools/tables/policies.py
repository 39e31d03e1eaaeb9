"""Load ``policies:`` from a guideline's index.md: the values this site chose where its source
gives none.

A policy is declared once (id, value, unit, what it decides in both wordings, why, citations);
table cells name it as a bound (``>= multiple_sites_min``, read by
:mod:`build_tools.tables.unary`) and texts as ``{policy:<id>}``
(:mod:`build_tools.policy_values`). Everything downstream, the proof, the compiled module and the
exports, sees the declared value; the rules and items that use a policy say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from build_tools.findings import FindingCollector
from build_tools.policy_values import substitute, value_text
from build_tools.tables.fields import citation_numbers
from build_tools.tables.model import Policy
from build_tools.tables.source import GuidelineSource


class PolicyTexts:
    """The guideline's policies as the loaders use them: values by id (cells) and their text
    (``{policy:<id>}`` placeholders)."""

    def __init__(self, policies: tuple[Policy, ...]) -> None:
        self.policies = policies
        self.values = {policy.id: policy.value for policy in policies}
        self.texts = {policy.id: value_text(policy.value, policy.unit) for policy in policies}

    def fill(self, text: str, what: str, report: Report) -> str:
        """``text`` with its placeholders filled in; each undeclared policy it names reported
        (see :func:`fill_reporting`)."""
        return fill_reporting(text, self.texts, what, report)


# Reports a problem of a text as (message, remedy); the caller knows the file and the line.
Report = Callable[[str, str], None]


def fill_reporting(text: str, texts: Mapping[str, str], what: str, report: Report) -> str:
    """``text`` with every ``{policy:<id>}`` written as ``texts[id]``; a policy ``texts`` lacks
    is reported as named by ``what`` (e.g. "item x: text"), with the declared ones."""

    def unknown(name: str) -> None:
        known = ", ".join(sorted(texts)) or "none declared"
        report(
            f"{what} names an unknown policy {{policy:{name}}}",
            f"name a policy declared under 'policies:' in the guideline's index.md ({known})",
        )

    return substitute(text, texts, unknown)


def load_policies(source: GuidelineSource, findings: FindingCollector) -> tuple[Policy, ...]:
    """The declared policies with their citations as reference numbers and their own texts'
    placeholders filled in (a policy's text usually states its value)."""
    texts = {policy.id: value_text(policy.value, policy.unit) for policy in source.policies}
    loaded: list[Policy] = []
    seen: set[str] = set()
    for policy in source.policies:
        what = f"policy {policy.id}"
        if policy.id in seen:
            findings.add(
                source.file, policy.line, f"{what} is declared twice", "keep one declaration"
            )
            continue
        seen.add(policy.id)

        def uncited(key: str, what: str = what, line: int = policy.line) -> None:
            findings.add(
                source.file,
                line,
                f"{what}: unknown citation key '@{key}'",
                "cite one of the guideline's references (or none, for a value this site "
                "chose without a source)",
            )

        numbers = citation_numbers(policy.cite, source.references, uncited)
        report = partial(findings.add, source.file, policy.line)
        loaded.append(
            Policy(
                id=policy.id,
                value=policy.value,
                unit=policy.unit,
                text=fill_reporting(policy.text, texts, f"{what}: text", report),
                patient_text=fill_reporting(policy.patient_text, texts, f"{what}: text", report),
                why=fill_reporting(policy.why, texts, f"{what}: why", report),
                citations=numbers,
                file=source.file,
                line=policy.line,
            )
        )
    return tuple(loaded)
