"""Heading ids: every ``##``/``###`` heading gets a stable, unique slug id.

The ids feed the page's table of contents and the search index; they follow the same slug rules
as Python-Markdown's ``toc`` extension so links keep working if a page moves between renderers.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

TOC_LEVELS = (2, 3)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _heading_ids(state: StateCore) -> None:
    seen: set[str] = set(state.env.get("reserved_ids", ()))
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        base = slugify(inline.content) or "section"
        slug, counter = base, 1
        while slug in seen:
            counter += 1
            slug = f"{base}_{counter}"
        seen.add(slug)
        token.attrSet("id", slug)


def heading_ids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("heading_ids", _heading_ids)
