"""The notices every result carries (the source's currency, the review status, ...), as the
exports state them: a DMN engine or a FHIR engine gives answers without our runtime, so each
export says, in its own description fields, that an answer comes with these notices."""

from __future__ import annotations

from build_tools.tables.model import DecisionModel


def notices_text(model: DecisionModel) -> str | None:
    """The notices as one paragraph list, in the clinician's words (None without notices)."""
    if not model.notices:
        return None
    lines = ["Every answer of these tables carries these notices: show them with it."]
    lines += [f"- {notice.text}" for notice in model.notices]
    return "\n".join(lines)
