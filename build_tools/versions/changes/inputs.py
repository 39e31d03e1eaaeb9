"""What changed in the case fields two versions declare: fields, values, ranges, defaults,
whether a field may be unknown and whether it is a finding that is asked for.

These decide how a case is *read*, so they are listed exactly, from the declarations, beside
the changed results (a case that leaves a finding unknown is compared case by case by the
calculator: the classes cover the cases whose findings are all stated).
"""

from __future__ import annotations

from build_tools.tables.domain import describe
from build_tools.tables.model import CaseInput, DecisionModel

_COMPARED = ("type", "required", "nullable", "default", "finding", "minimum", "maximum")


def input_changes(before: DecisionModel, after: DecisionModel) -> list[dict[str, object]]:
    """One entry per field added, removed or changed, in field-name order."""
    found: list[dict[str, object]] = []
    old = {spec.name: spec for spec in before.inputs}
    new = {spec.name: spec for spec in after.inputs}
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            found.append({"field": name, "change": "removed"})
        elif name not in old:
            found.append({"field": name, "change": "added", "type": new[name].type})
        else:
            details = _details(old[name], new[name])
            if details:
                found.append({"field": name, "change": "changed", "details": details})
    return found


def _details(old: CaseInput, new: CaseInput) -> list[dict[str, object]]:
    details: list[dict[str, object]] = []
    added = [value for value in new.values if value not in old.values]
    removed = [value for value in old.values if value not in new.values]
    if added:
        details.append({"what": "values added", "values": added})
    if removed:
        details.append({"what": "values removed", "values": removed})
    for attribute in _COMPARED:
        was, now = getattr(old, attribute), getattr(new, attribute)
        if was != now:
            details.append({"what": attribute, "before": was, "after": now})
    return details


def describe_input_change(entry: dict[str, object]) -> str:
    """An entry in words."""
    field = entry["field"]
    if entry["change"] == "removed":
        return f"`{field}`: removed (the new version ignores it)."
    if entry["change"] == "added":
        return f"`{field}`: added ({entry['type']})."
    parts = []
    for detail in entry["details"]:  # type: ignore[attr-defined]
        what = detail["what"]
        if what in ("values added", "values removed"):
            parts.append(f"{what} {', '.join(str(v) for v in detail['values'])}")
        elif what == "finding" and detail["after"]:
            parts.append("now a finding: unknown unless stated, and asked for")
        elif what == "nullable" and detail["after"]:
            parts.append("may now be unknown (null)")
        else:
            parts.append(f"{what} {_word(detail['before'])} → {_word(detail['after'])}")
    return f"`{field}`: " + "; ".join(parts) + "."


def _word(value: object) -> str:
    """A declared value in the cell language's words (null, true, false, ...)."""
    return describe(value)  # type: ignore[arg-type]  # declared defaults and bounds are domain values
