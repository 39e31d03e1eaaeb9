"""Site policies in prose: ``{policy:<id>}`` is the value of a policy of the guideline.

The inline rule turns the placeholder into one ``policy`` token holding the id in
``token.meta["id"]``; the page renderer writes the declared value through
``env["render_policy"](id)`` (it knows the guideline's policies), and the content loader checks
every id against ``policies:`` in the guideline's index.md. A hospital that changes a policy's
value changes every sentence that states it. The placeholder's syntax is shared with the texts
of front matter (:mod:`build_tools.policy_values`).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline

from build_tools.policy_values import POLICY_PLACEHOLDER


def _policy_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("{policy:", state.pos):
        return False
    match = POLICY_PLACEHOLDER.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("policy", "", 0)
        token.meta = {"id": match.group(1)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _render_policy(
    renderer: object, tokens: list[object], idx: int, _options: object, env: dict[str, object]
) -> str:
    token = tokens[idx]
    render = env.get("render_policy") if isinstance(env, dict) else None
    if callable(render):
        return str(render(token.meta["id"]))  # type: ignore[attr-defined]
    return escape_html(token.content)  # type: ignore[attr-defined]


def policy_plugin(md: MarkdownIt) -> None:
    """Register the ``policy`` inline rule and its renderer."""
    md.inline.ruler.before("text", "policy", _policy_rule)
    md.add_render_rule("policy", _render_policy)
