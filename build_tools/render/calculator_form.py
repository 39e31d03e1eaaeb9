"""The calculator's mount point: a form generated from the declared case inputs, a status line,
a results region and the page data the script needs, as one ``<section>``.

The page data is JSON in the section's ``data-gl-calculator`` attribute, not in a
``<script type="application/json">``: mkdocs-material's instant navigation re-creates every
``<script>`` of the page content as an executable script without its attributes
(``integrations/instant`` ``inject()``), which would run the JSON as JavaScript and lose it.

Nothing here is written per field by hand: every control, label, help text and error slot comes
from the same declaration that validates cases, so the form cannot drift from the contract. The
page works without the script (the form is readable, a ``<noscript>`` says what is missing);
the page script (``calculator.js`` and the modules of ``calculator-page.js``) brings it to life
and fills the results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from build_tools.content.schema import Reference
from build_tools.content.site import Guideline, page_url
from build_tools.policy_values import number_text
from build_tools.render.input_reference import audience_html
from build_tools.render.page import PageContext
from build_tools.render.references import reference_anchor
from build_tools.render.urls import relative_url
from build_tools.tables.codegen import input_data
from build_tools.tables.model import CaseInput, DecisionModel

# What an empty choice means: a required field is not given yet; a nullable one is not known
# (the runtime reads an empty or "null" fragment value as null; a finding left not known is
# worked out both ways, never read as "no"). <option> holds text only, so these words serve both
# audiences.
CHOOSE = "Choose…"
UNKNOWN = "Not known"
YES_NO = (("true", "Yes"), ("false", "No"))
UNAVAILABLE = (
    '<p class="gl-unavailable">The case calculator is available when the decision tables are '
    "compiled (tables_enabled: true).</p>"
)


def _attrs(**values: str | bool | None) -> str:
    """`` name="value"`` pairs, escaped; ``True`` writes a bare boolean attribute, ``None`` and
    ``False`` leave the attribute out. ``for_`` -> ``for``, ``aria_label`` -> ``aria-label``."""
    parts = []
    for name, value in values.items():
        key = name.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {key}")
        elif isinstance(value, str):
            parts.append(f' {key}="{escape(value)}"')
    return "".join(parts)


def page_data_json(data: object) -> str:
    """The page data as compact, deterministic JSON (escaped later, as an attribute value)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _value_label(value: str) -> str:
    return value.replace("_", " ")


def _option(value: str, label: str, selected: bool) -> str:
    return f"<option{_attrs(value=value, selected=selected)}>{escape(label)}</option>"


def _empty_option(case_input: CaseInput) -> str | None:
    """The empty choice of a select, if the field has one (see CHOOSE and UNKNOWN)."""
    if case_input.nullable:
        return _option("", UNKNOWN, case_input.default is None)
    if case_input.required:
        return _option("", CHOOSE, True)
    return None


def _select(case_input: CaseInput, control_attrs: str) -> str:
    options = [] if (empty := _empty_option(case_input)) is None else [empty]
    default = case_input.default
    if case_input.type == "boolean":
        choices: Iterable[tuple[str, str]] = YES_NO
        selected = None if default is None else "true" if default is True else "false"
    else:
        choices = ((value, _value_label(value)) for value in case_input.values)
        selected = default if isinstance(default, str) else None
    options += [_option(value, label, value == selected) for value, label in choices]
    return f"<select{control_attrs}>" + "".join(options) + "</select>"


def _number_input(case_input: CaseInput, control_attrs: str) -> str:
    integer = case_input.type == "integer"
    low, high, value = case_input.minimum, case_input.maximum, case_input.default
    number_attrs = _attrs(
        type="number",
        inputmode="numeric" if integer else "decimal",
        step="1" if integer else "any",
        min=None if low is None else number_text(low),
        max=None if high is None else number_text(high),
        value=None if value is None or isinstance(value, bool) else number_text(value),
    )
    return f"<input{number_attrs}{control_attrs}>"


def _uses_checkbox(case_input: CaseInput) -> bool:
    """A plain checkbox says only yes or no: a field that can be unknown or must be chosen
    explicitly (required, so no default) gets a three-way select instead."""
    return case_input.type == "boolean" and not (case_input.nullable or case_input.required)


def _field(guideline_id: str, case_input: CaseInput) -> str:
    control_id = f"gl-calc-{guideline_id}-{case_input.name}"
    help_id, error_id = f"{control_id}-help", f"{control_id}-error"
    # The note says how the field stands for the case entered: "the result is waiting for it" or
    # "not needed: <why>" (the page script fills it).
    note_id = f"{control_id}-note"
    described = " ".join(
        part for part in (help_id if case_input.help else "", note_id, error_id) if part
    )
    control_attrs = _attrs(
        id=control_id,
        name=case_input.name,
        aria_describedby=described,
        required=case_input.required,
    )
    unit = f' <span class="gl-unit">({escape(case_input.unit)})</span>' if case_input.unit else ""
    label = (
        f"<label{_attrs(for_=control_id)}>"
        f"{audience_html(case_input.label.clinician, case_input.label.patient)}{unit}"
        "</label>"
    )
    if _uses_checkbox(case_input):
        checkbox = _attrs(type="checkbox", value="true", checked=case_input.default is True)
        body = f'<div class="gl-field-check"><input{checkbox}{control_attrs}> {label}</div>'
    elif case_input.type in ("enum", "boolean"):
        body = label + _select(case_input, control_attrs)
    else:
        body = label + _number_input(case_input, control_attrs)
    help_html = ""
    if case_input.help is not None:
        help_html = (
            f'<p class="gl-field-help"{_attrs(id=help_id)}>'
            f"{audience_html(case_input.help.clinician, case_input.help.patient)}</p>"
        )
    note = f'<p class="gl-field-note"{_attrs(id=note_id)}></p>'
    error = f'<p class="gl-field-error"{_attrs(id=error_id)} aria-live="polite"></p>'
    return (
        f'<div class="gl-field gl-field--{escape(case_input.type)}"'
        f"{_attrs(data_field=case_input.name)}>{body}{help_html}{note}{error}</div>"
    )


def _groups(inputs: Sequence[CaseInput]) -> list[tuple[str, list[CaseInput]]]:
    """Inputs by group, groups in the order they first appear (the declaration's order)."""
    groups: dict[str, list[CaseInput]] = {}
    for case_input in inputs:
        groups.setdefault(case_input.group, []).append(case_input)
    return list(groups.items())


def calculator_html(
    guideline_id: str, inputs: Sequence[CaseInput], data: Mapping[str, object]
) -> str:
    """The ``::: case-calculator`` block of ``guideline_id``; ``data`` is the JSON the page
    script reads (references, URLs, input declarations: see :func:`calculator_data`)."""
    title_id = f"gl-calc-{guideline_id}-title"
    result_id = f"gl-calc-{guideline_id}-result-title"
    fieldsets = "".join(
        '<fieldset class="gl-calculator-group">'
        f"<legend>{escape(group)}</legend>"
        + "".join(_field(guideline_id, case_input) for case_input in members)
        + "</fieldset>"
        for group, members in _groups(inputs)
    )
    section = _attrs(
        class_="gl-calculator",
        data_guideline=guideline_id,
        aria_labelledby=title_id,
        data_gl_calculator=page_data_json(data),
    )
    form = _attrs(class_="gl-calculator-form", novalidate=True, aria_labelledby=title_id)
    # tabindex: the results panel scrolls on its own beside the form on wide screens, so the
    # keyboard must be able to reach it; "show the result" moves the focus to it.
    results = _attrs(
        class_="gl-calculator-results", role="region", aria_labelledby=result_id, tabindex="-1"
    )
    case_title = audience_html("The case", "About you")
    result_title = audience_html("Result", "What the guideline suggests")
    new_case = audience_html("New case", "Start again")
    return (
        f"<section{section}>\n"
        f"<h2{_attrs(id=title_id)}>{case_title}</h2>\n"
        '<p class="gl-calculator-status" role="status" aria-live="polite"></p>\n'
        '<noscript><p class="gl-calculator-fallback">The case calculator needs JavaScript, '
        "which is turned off. Every recommendation it gives is in the guideline's pages, with its "
        "sources.</p></noscript>\n"
        # The form and the result side by side on wide screens (the result stays in view while
        # the form scrolls); one after the other on narrow ones, with a summary bar.
        '<div class="gl-calculator-layout">\n'
        '<div class="gl-calculator-entry">\n'
        '<p class="gl-calculator-actions">'
        f'<button type="button" class="gl-calculator-reset">{new_case}</button></p>\n'
        f"<form{form}>\n{fieldsets}\n</form>\n"
        "</div>\n"
        # Only the status line is live: re-announcing every item on each keystroke would drown a
        # screen reader; the summary and the items are read on demand.
        f"<div{results}>\n"
        f"<h2{_attrs(id=result_id)}>{result_title}</h2>\n"
        '<div class="gl-result-summary">\n'
        '<p class="gl-calculator-summary" aria-live="polite"></p>\n'
        '<div class="gl-summary-body"></div>\n'
        "</div>\n"
        '<div class="gl-calculator-output"></div>\n'
        "</div>\n"
        "</div>\n"
        "</section>\n"
    )


def calculator_data(
    guideline: Guideline,
    context: PageContext,
    model: DecisionModel,
    since: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, object]:
    """The JSON the page script reads: reference numbers -> anchors and titles, the reference
    list's URL, the way back to the site root, the case inputs and the table rules (for
    the "Why" of each result), and since when each item has stood (``since``: item id ->
    ``{version, date, label}``, see render/versions.py). URLs are site-root relative; the
    script prefixes them with ``site_root_relative``, exactly as item hrefs are."""
    references_page = guideline.references_page
    logic_page = guideline.decision_logic_page
    versions_page = guideline.versions_page
    policies_page = guideline.policies_page
    return {
        **calculator_data_for(
            model,
            list(guideline.meta.references),
            guideline=model.guideline_id,
            references_url=page_url(references_page.src_uri) if references_page else None,
            decision_logic_url=page_url(logic_page.src_uri) if logic_page else None,
            site_root_relative=relative_url("", context.url),
            since=since or {},
        ),
        # The guideline's Versions page (the "changed in" note links to it), if it has one.
        "versions_url": page_url(versions_page.src_uri) if versions_page else None,
        # The page of the site policies (an item's "This site's policy" links to its entry).
        "policies_url": page_url(policies_page.src_uri) if policies_page else None,
        # Whose first choice the summary shows, and how old it is.
        "source": (
            {
                "publisher": guideline.meta.source.publisher,
                "date": guideline.meta.source.last_updated.isoformat(),
            }
            if guideline.meta.source
            else None
        ),
    }


def calculator_data_for(
    model: DecisionModel,
    references: Sequence[Reference],
    *,
    guideline: str,
    references_url: str | None,
    decision_logic_url: str | None,
    site_root_relative: str,
    since: Mapping[str, Mapping[str, str]],
) -> dict[str, object]:
    """The page data of :func:`calculator_data`, from its parts: also what a superseded
    version's page uses (its own references, ``guideline`` as ``<id>@<version>``)."""
    return {
        "guideline": guideline,
        "version": model.version,
        "last_updated": model.last_updated,
        "references": {
            str(number): {"anchor": reference_anchor(reference.key), "title": reference.title}
            for number, reference in enumerate(references, start=1)
        },
        "references_url": references_url,
        # Where each rule's row is (the "Why" of an item links to it), if the guideline has one.
        "decision_logic_url": decision_logic_url,
        "site_root_relative": site_root_relative,
        # The very records the compiled module holds (calculators.runtime.module_data): the
        # page script and the runtime read the case fields from one declaration.
        "inputs": [input_data(case_input) for case_input in model.inputs],
        "tables": {
            table.id: {"title": table.title, "file": table.file, "line": table.line}
            for table in model.tables
        },
        # Values the tables derive (a table's output read by later tables), by the table of origin.
        "derived": {derived.name: derived.table for derived in model.derived},
        "rules": {
            f"{table.id}/{rule.id}": {
                condition.input: condition.text for condition in rule.conditions
            }
            for table in model.tables
            for rule in table.rules
        },
        # Since when each item has stood unchanged (item id -> {version, date, label}).
        "since": {item_id: dict(value) for item_id, value in sorted(since.items())},
    }


def calculator_directive(
    guideline: Guideline,
    context: PageContext,
    model: DecisionModel | None,
    since: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The HTML of ``::: case-calculator`` on a page of ``guideline``."""
    if model is None:
        return UNAVAILABLE
    data = calculator_data(guideline, context, model, since)
    return calculator_html(model.guideline_id, model.inputs, data)
