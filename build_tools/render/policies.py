"""The ``::: policies`` directive: the values this site chose where its source gives none.

One entry per policy of the guideline's ``policies:``, anchored ``policy-<id>`` (prose that
states a policy's value links here): its value, what it decides in both wordings, why this value
and its citations, and where the calculator uses it (the tables' rules whose cells name it, the
items whose texts state it). A hospital reviews them here and changes a value in one place, the
``policies:`` of the guideline's index.md: the next build applies it to every rule, text, proof
and export.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from build_tools.policy_values import value_text
from build_tools.render.decision_logic import rule_anchor
from build_tools.render.input_reference import audience_html
from build_tools.render.page import policy_anchor
from build_tools.tables.model import DecisionModel, Policy


def policy_uses(model: DecisionModel, policy_id: str) -> list[tuple[str, str]]:
    """Where a policy decides something: (kind, id), tables' rules first, then items."""
    found: list[tuple[str, str]] = []
    for table in model.tables:
        if any(policy_id in condition.policies for condition in table.applies_when):
            found.append(("table", table.id))
        for rule in table.rules:
            if any(policy_id in condition.policies for condition in rule.conditions):
                found.append(("rule", f"{table.id}/{rule.id}"))
    for case_input in model.inputs:
        if any(
            policy_id in condition.policies
            for implication in case_input.implied_by
            for condition in implication.conditions
        ):
            found.append(("input", case_input.name))
    found.extend(("item", item.id) for item in model.items if policy_id in item.policies)
    return found


def policies_html(
    model: DecisionModel,
    cite: Callable[[tuple[int, ...]], str],
    decision_logic_url: str | None,
) -> str:
    """The directive's HTML; ``cite`` renders citation numbers, ``decision_logic_url`` is the
    way to the decision-logic page (rules link to their rows) or None."""
    if not model.policies:
        return '<p class="gl-policies-none">This guideline declares no site policies.</p>'
    entries = "\n".join(
        _entry(model, policy, cite, decision_logic_url) for policy in model.policies
    )
    return f'<div class="gl-policies">\n{entries}\n</div>'


def _entry(
    model: DecisionModel,
    policy: Policy,
    cite: Callable[[tuple[int, ...]], str],
    decision_logic_url: str | None,
) -> str:
    uses = []
    for kind, name in policy_uses(model, policy.id):
        if kind == "rule" and decision_logic_url is not None:
            table_id, rule_id = name.split("/", 1)
            href = f"{decision_logic_url}#{rule_anchor(table_id, rule_id)}"
            uses.append(f'<a href="{escape(href)}">rule {escape(rule_id)}</a>')
        else:
            uses.append(f"{kind} <code>{escape(name)}</code>")
    citations = cite(policy.citations) if policy.citations else ""
    used = ", ".join(uses) if uses else "stated in the guideline's text only"
    return (
        f'<section class="gl-policy-entry" id="{policy_anchor(policy.id)}">\n'
        f"<h3><code>{escape(policy.id)}</code>: "
        f"{escape(value_text(policy.value, policy.unit))}</h3>\n"
        f"<p>{audience_html(policy.text, policy.patient_text)}{citations}</p>\n"
        f'<p class="gl-policy-why"><strong>Why this value:</strong> {escape(policy.why)}</p>\n'
        f'<p class="gl-policy-uses"><strong>Used by:</strong> {used}.</p>\n'
        "</section>"
    )
