"""The text of every anchored point of a guideline, as plain words in both wordings.

A release record keeps what each ``:::: point <anchor>`` said, so a later version's changelog can
list which statements were added, removed or reworded, word by word. The text is taken from the
page's markdown-it-py tokens (the one parser): inline text with citations written as their keys
(``[@key]``, stable when references are renumbered), a site policy as its value (what the
sentence says), links as their text, paragraphs joined by a blank line, whitespace collapsed.
Markup that does not change what is said (emphasis, list markers) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it.token import Token

from build_tools.content.pages import ParsedPage
from build_tools.markdown.blocks import AUDIENCES, POINT, container_name, point_anchor

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PointText:
    """One anchored point: the section it is in, its anchor and what it says to each audience."""

    section: str
    anchor: str
    clinician: str
    patient: str

    def as_record(self) -> dict[str, str]:
        return {
            "section": self.section,
            "anchor": self.anchor,
            "clinician": self.clinician,
            "patient": self.patient,
        }


def page_points(
    page: ParsedPage, section: str, policies: Mapping[str, str] | None = None
) -> list[PointText]:
    """The anchored points of ``page`` in page order; ``policies``: each site policy's value as
    text, by id (a placeholder whose policy it lacks stays as written)."""
    points: list[PointText] = []
    anchor: str | None = None
    audience: str | None = None
    paragraphs: dict[str, list[str]] = {}
    for token in page.tokens:
        name = container_name(token)
        if name == POINT and token.nesting == 1:
            anchor, paragraphs = point_anchor(token), {a: [] for a in AUDIENCES}
        elif name == POINT and token.nesting == -1 and anchor is not None:
            points.append(
                PointText(
                    section,
                    anchor,
                    "\n\n".join(paragraphs["clinician"]),
                    "\n\n".join(paragraphs["patient"]),
                )
            )
            anchor = None
        elif name in AUDIENCES:
            audience = name if token.nesting == 1 else None
        elif token.type == "inline" and anchor is not None and audience is not None:
            text = _SPACES.sub(" ", _inline_text(token.children or [], policies or {})).strip()
            if text:
                paragraphs[audience].append(text)
    return points


def _inline_text(children: list[Token], policies: Mapping[str, str]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type == "policy":
            parts.append(policies.get(str(child.meta.get("id")), child.content))
            continue
        if child.type == "citation":
            keys = child.meta.get("keys") or ()
            parts.append(
                "[" + "; ".join(f"@{key}" for key in keys) + "]" if keys else child.content
            )
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
