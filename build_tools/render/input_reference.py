"""The documentation table of a guideline's declared case inputs (the ``case-inputs`` directive).

Generated from the same declaration that validates cases and builds the calculator form, so the
documented contract cannot drift from the one enforced.
"""

from __future__ import annotations

from html import escape

from build_tools.tables.model import CaseInput, DecisionModel


def audience_html(clinician: str, patient: str) -> str:
    """Both wordings of a short text; the audience switch shows one (plain text if equal)."""
    if clinician == patient:
        return escape(clinician)
    return (
        f'<span class="gl-clinician">{escape(clinician)}</span>'
        f'<span class="gl-patient">{escape(patient)}</span>'
    )


def _number(value: object) -> str:
    return str(value)


def _allowed(case_input: CaseInput) -> str:
    if case_input.type == "enum":
        values = ", ".join(f"<code>{escape(value)}</code>" for value in case_input.values)
    elif case_input.type == "boolean":
        values = "<code>true</code>, <code>false</code>"
    else:
        low = case_input.minimum
        high = case_input.maximum
        parts = []
        if low is not None:
            parts.append(f"{'>' if case_input.exclusive_min else '≥'} {_number(low)}")
        if high is not None:
            parts.append(f"{'<' if case_input.exclusive_max else '≤'} {_number(high)}")
        kind = "whole number" if case_input.type == "integer" else "number"
        values = kind + (f" ({', '.join(parts)})" if parts else "")
    if case_input.nullable:
        values += ", or <code>null</code>"
    return values


def _default(case_input: CaseInput) -> str:
    if case_input.required:
        return "required"
    if case_input.finding:
        return "<code>null</code>: not known, never read as no (worked out both ways)"
    value = case_input.default
    if value is None:
        return "<code>null</code>"
    if isinstance(value, bool):
        return f"<code>{'true' if value else 'false'}</code>"
    return f"<code>{escape(str(value))}</code>"


def case_inputs_table_html(model: DecisionModel) -> str:
    rows: list[str] = []
    group: str | None = None
    for case_input in model.inputs:
        if case_input.group != group:
            group = case_input.group
            rows.append(
                f'<tr class="gl-inputs-group"><th colspan="5" scope="colgroup">'
                f"{escape(group)}</th></tr>"
            )
        help_text = (
            audience_html(case_input.help.clinician, case_input.help.patient)
            if case_input.help
            else ""
        )
        unit = f" ({escape(case_input.unit)})" if case_input.unit else ""
        rows.append(
            "<tr>"
            f'<td><code id="input-{escape(case_input.name)}">{escape(case_input.name)}</code></td>'
            f"<td>{audience_html(case_input.label.clinician, case_input.label.patient)}{unit}</td>"
            f"<td>{_allowed(case_input)}</td>"
            f"<td>{_default(case_input)}</td>"
            f"<td>{help_text}</td>"
            "</tr>"
        )
    return (
        '<div class="gl-case-inputs"><table>\n'
        "<caption>Case fields: the JSON keys and URL-fragment names of a case</caption>\n"
        '<thead><tr><th scope="col">Field</th><th scope="col">Meaning</th>'
        '<th scope="col">Allowed values</th><th scope="col">When absent</th>'
        '<th scope="col">Help</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table></div>\n"
    )
