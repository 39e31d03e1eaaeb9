"""Block syntax: audience blocks, anchored points and directives, all as ``:::`` containers.

* ``::: clinician`` / ``::: patient`` hold the two wordings of the same facts;
* ``:::: point <anchor-id>`` wraps one anchored statement (one clinician and one patient block);
* ``::: reference-list``, ``::: case-inputs``, ``::: case-calculator``, ``::: decision-logic``,
  ``::: versions`` are
  directives: empty containers that the page renderer fills in (see :mod:`build_tools.render.page`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

AUDIENCES = ("clinician", "patient")
DIRECTIVES = (
    "reference-list",
    "case-inputs",
    "case-calculator",
    "decision-logic",
    "versions",
    "use-elsewhere",
    "policies",
)
POINT = "point"
ANCHOR_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def container_name(token: Token) -> str | None:
    """``"patient"`` for a ``container_patient_open`` token, else ``None``."""
    match = re.fullmatch(r"container_(.+)_(open|close)", token.type)
    return match.group(1) if match else None


def point_anchor(token: Token) -> str:
    """The anchor id written after ``point`` on a point's opening line ('' if missing)."""
    parts = token.info.split()
    return parts[1] if len(parts) > 1 else ""


def _render_audience(
    renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any
) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</div>\n"
    audience = container_name(token) or ""
    return f'<div class="gl-audience gl-{audience}" data-audience="{audience}">\n'


def _render_point(renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, env: Any) -> str:
    """A point's ``<div>``; at its end, what the page adds to it (``env["after_point"](anchor)``,
    e.g. newer guidance that changes the advice the point states)."""
    token = tokens[idx]
    open_points: list[str] = env.setdefault("open_points", []) if isinstance(env, dict) else []
    if token.nesting == -1:
        anchor = open_points.pop() if open_points else ""
        after = env.get("after_point") if isinstance(env, dict) else None
        return (str(after(anchor)) if after is not None and anchor else "") + "</div>\n"
    anchor = point_anchor(token)
    open_points.append(anchor)
    return f'<div class="gl-point" id="{anchor}">\n'


def _render_directive(
    renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, env: Any
) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return ""
    name = container_name(token) or ""
    directives = env.get("directives", {}) if isinstance(env, dict) else {}
    render = directives.get(name)
    return str(render()) if render is not None else ""


def _starts_with(word: str) -> Any:
    def validate(params: str, *_args: Any) -> bool:
        parts = params.split()
        return bool(parts) and parts[0] == word

    return validate


def blocks_plugin(md: MarkdownIt) -> None:
    """Register the audience, point and directive containers."""
    for audience in AUDIENCES:
        container_plugin(md, audience, validate=_starts_with(audience), render=_render_audience)
    container_plugin(md, POINT, validate=_starts_with(POINT), render=_render_point)
    for directive in DIRECTIVES:
        container_plugin(md, directive, validate=_starts_with(directive), render=_render_directive)
