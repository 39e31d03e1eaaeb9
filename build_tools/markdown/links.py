"""Links between pages: ``[text](other.md#anchor)`` is rewritten at render time through
``env["resolve_href"](href)``, which the page renderer sets (it knows the page URLs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token


def _render_link_open(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    resolve = env.get("resolve_href") if isinstance(env, dict) else None
    href = token.attrGet("href")
    if callable(resolve) and isinstance(href, str):
        token = token.copy()
        token.attrSet("href", resolve(href))
        return str(renderer.renderToken([*tokens[:idx], token], idx, options, env))
    return str(renderer.renderToken(tokens, idx, options, env))


def link_rewrite_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("link_open", _render_link_open)
