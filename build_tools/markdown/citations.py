"""Pandoc-style citations: ``[@key]`` and ``[@a; @b]``.

The inline rule turns a bracket whose every part is ``@key`` into one ``citation`` token holding
the keys in ``token.meta["keys"]``. A bracket that starts with ``[@`` but is not a valid citation
becomes a ``citation`` token with ``token.meta["error"]`` set, so the loader can report it with its
line instead of letting it render as stray text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline

CITATION_KEY = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")
_PART = re.compile(r"^\s*" + CITATION_KEY.pattern + r"\s*$")


def parse_citation(inner: str) -> tuple[list[str], str | None]:
    """Split the text between ``[`` and ``]`` into keys; return ``(keys, error)``."""
    keys: list[str] = []
    for part in inner.split(";"):
        match = _PART.match(part)
        if match is None:
            return keys, f"'[{inner}]' is not a citation: write [@key] or [@key1; @key2]"
        keys.append(match.group(1))
    return keys, None


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if silent or not src.startswith("[@", pos):
        # Silent: markdown-it asks while it measures a link's text, and takes any bracket that
        # is a token as a nested link, which would leave "[text [@x]](page.md)" no link at all
        # (and its target unchecked). The text is parsed again afterwards, not silently: the
        # citation is found then, and the loader reports it inside the link.
        return False
    end = src.find("]", pos)
    if end < 0 or "[" in src[pos + 1 : end]:
        return False
    # "[@key](url)" is a link whose text starts with "@": leave it to the link rule.
    if src.startswith("(", end + 1):
        return False
    if not silent:
        keys, error = parse_citation(src[pos + 1 : end])
        token = state.push("citation", "", 0)
        token.meta = {"keys": keys, "error": error}
        token.content = src[pos : end + 1]
    state.pos = end + 1
    return True


def citation_plugin(md: MarkdownIt) -> None:
    """Register the ``citation`` inline rule (before links, so ``[@x]`` is never a link)."""
    md.inline.ruler.before("link", "citation", _citation_rule)
    citation_render_plugin(md)


def _render_citation(
    renderer: object, tokens: list[object], idx: int, _options: object, env: dict[str, object]
) -> str:
    token = tokens[idx]
    render = env.get("render_citation") if isinstance(env, dict) else None
    if callable(render):
        return str(render(token.meta["keys"]))  # type: ignore[attr-defined]
    return escape_html(token.content)  # type: ignore[attr-defined]


def citation_render_plugin(md: MarkdownIt) -> None:
    """Render ``citation`` tokens through ``env["render_citation"](keys)`` (set by the page
    renderer, which knows the reference numbers and where the list lives)."""
    md.add_render_rule("citation", _render_citation)
