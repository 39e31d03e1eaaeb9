"""The ``decision-logic`` directive: every decision table the calculator runs, as a grid in the
manner of DMN, with the order the tables run in and the safety constraints this build proved.

A reviewer reads exactly what the calculator runs: the page is generated from the same verified
decision model that the compiled module is generated from. Each table shows its hit policy, when
it applies, its inputs (each a case field or the output of an earlier table, linked to it) and
one row per rule: its cells (``-``: any value), what it gives (a value, a status, items in both
wordings with links to the paragraphs they come from) and its line in the table's source file.
Every row has an anchor, ``rule-<table>-<rule>``, which the calculator's "Why" links to.
"""

from __future__ import annotations

from html import escape

from build_tools.interchange import dmn_path
from build_tools.render.input_reference import audience_html
from build_tools.tables.model import (
    Condition,
    DecisionModel,
    DecisionTable,
    Item,
    Obligation,
    Outcome,
    SafetyConstraint,
)
from build_tools.tables.safety import obligation_words

HIT_POLICIES = {
    "unique": ("UNIQUE", "exactly one rule matches a case"),
    "first": ("FIRST", "the first rule that matches, in the order listed"),
    "collect": ("COLLECT (rule order)", "every rule that matches, in the order listed"),
}
DEFAULT_ROW = "default"


def rule_anchor(table_id: str, rule_id: str) -> str:
    """The anchor of a rule's row (``default``: the table's default)."""
    return f"rule-{table_id}-{rule_id}"


def table_anchor(table_id: str) -> str:
    return f"table-{table_id}"


def decision_logic_html(model: DecisionModel, site_root: str) -> str:
    """The page body of the ``decision-logic`` directive; ``site_root`` is the way from the page
    to the site root (item links are site-root relative)."""
    return _DecisionLogic(model, site_root).html()


class _DecisionLogic:
    def __init__(self, model: DecisionModel, site_root: str) -> None:
        self.model = model
        self.root = site_root
        self.items: dict[str, Item] = {item.id: item for item in model.items}
        self.producers: dict[str, str] = {derived.name: derived.table for derived in model.derived}
        self.labels = {case_input.name: case_input.label.clinician for case_input in model.inputs}

    def html(self) -> str:
        return (
            '<div class="gl-decision-logic">\n'
            + self.download()
            + self.order()
            + "".join(self.table(table) for table in self.model.tables)
            + self.safety()
            + "</div>\n"
        )

    def download(self) -> str:
        href = escape(self.root + dmn_path(self.model.guideline_id))
        return (
            f'<p class="gl-dmn-download">These tables as <a href="{href}" download>DMN 1.3</a> '
            "(XML), for any DMN engine: one decision per table, each rule labelled with its id; "
            "a value table is named after its output, which consumers read as "
            "<code>&lt;name&gt;.value</code>.</p>\n"
        )

    # --- the order of the tables ---------------------------------------------------------------

    def order(self) -> str:
        rows = []
        for number, table in enumerate(self.model.tables, start=1):
            reads = sorted(
                {
                    name
                    for name in (*table.inputs, *(c.input for c in table.applies_when))
                    if name in self.producers
                }
            )
            fed = ", ".join(self.name_link(name) for name in reads) or "case fields only"
            output = f"<code>{escape(table.output.name)}</code>" if table.output else "items"
            rows.append(
                f"<tr><td>{number}</td>"
                f'<td><a href="#{table_anchor(table.id)}">{escape(table.title)}</a></td>'
                f"<td>{fed}</td><td>{output}</td></tr>"
            )
        return (
            '<h2 id="decision-logic-order">The tables, in the order they run</h2>\n'
            "<p>Each table reads case fields and the outputs of tables above it; a table whose "
            "condition does not hold for a case is skipped.</p>\n"
            '<div class="gl-decision-table"><table>'
            "<thead><tr><th>#</th><th>Table</th><th>Reads from earlier tables</th>"
            "<th>Gives</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>\n"
        )

    def name_link(self, name: str) -> str:
        """A table input: a derived value links to the table that gives it."""
        producer = self.producers.get(name)
        if producer is None:
            label = self.labels.get(name)
            title = f' title="{escape(label)}"' if label else ""
            return f"<code{title}>{escape(name)}</code>"
        return f'<a href="#{table_anchor(producer)}"><code>{escape(name)}</code></a>'

    # --- one table -------------------------------------------------------------------------------

    def table(self, table: DecisionTable) -> str:
        policy, meaning = HIT_POLICIES.get(table.hit_policy, (table.hit_policy.upper(), ""))
        applies = (
            " and ".join(f"{self.name_link(c.input)} is {_cell(c)}" for c in table.applies_when)
            or "every case"
        )
        head = "".join(f"<th>{self.name_link(name)}</th>" for name in table.inputs)
        rows = [
            self.rule_row(table, rule.id, rule.line, rule.conditions, rule.outcome)
            for rule in table.rules
        ]
        if table.default is not None:
            rows.append(self.rule_row(table, DEFAULT_ROW, table.default.line, (), table.default))
        description = f"<p>{escape(table.description)}</p>\n" if table.description else ""
        return (
            f'<h2 id="{table_anchor(table.id)}">{escape(table.title)}</h2>\n'
            f"{description}"
            '<dl class="gl-decision-facts">'
            f"<dt>Table</dt><dd><code>{escape(table.id)}</code>, "
            f"<code>{escape(table.file)}:{table.line}</code></dd>"
            f'<dt>Hit policy</dt><dd><abbr title="{escape(meaning)}">{policy}</abbr>: '
            f"{escape(meaning)}</dd>"
            f"<dt>Applies to</dt><dd>{applies}</dd>"
            "</dl>\n"
            '<div class="gl-decision-table"><table>'
            f"<thead><tr><th>Rule</th>{head}<th>Gives</th>"
            f'<th title="in {escape(table.file)}">Line</th></tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table></div>\n"
        )

    def rule_row(
        self,
        table: DecisionTable,
        rule_id: str,
        line: int,
        conditions: tuple[Condition, ...],
        outcome: Outcome,
    ) -> str:
        cells = {condition.input: condition for condition in conditions}
        tests = "".join(
            f"<td>{_cell(cells[name])}</td>" if name in cells else "<td>-</td>"
            for name in table.inputs
        )
        label = "default (no rule matched)" if rule_id == DEFAULT_ROW else rule_id
        return (
            f'<tr id="{escape(rule_anchor(table.id, rule_id))}">'
            f"<td><code>{escape(label)}</code></td>{tests}"
            f"<td>{self.gives(table, outcome)}</td>"
            f"<td>{line}</td></tr>"
        )

    def gives(self, table: DecisionTable, outcome: Outcome) -> str:
        parts = []
        if outcome.has_value and table.output is not None:
            value = "null" if outcome.value is None else outcome.value
            parts.append(
                f"<p><code>{escape(table.output.name)}</code> = <code>{escape(value)}</code></p>"
            )
        if outcome.status is not None:
            parts.append(f"<p>status: <strong>{escape(outcome.status)}</strong></p>")
        if outcome.error is not None:
            parts.append(
                f"<p>error on <code>{escape(outcome.error.field)}</code>: "
                f"{escape(outcome.error.message)}</p>"
            )
        if outcome.items:
            parts.append("<ul>" + "".join(self.item(i) for i in outcome.items) + "</ul>")
        return "".join(parts) or "nothing"

    def item(self, item_id: str) -> str:
        item = self.items.get(item_id)
        if item is None:
            return f"<li><code>{escape(item_id)}</code></li>"
        rank = f" ({escape(item.rank)})" if item.rank else ""
        return (
            f"<li><code>{escape(item.id)}</code>, {escape(item.kind.replace('_', ' '))}{rank}: "
            f"{audience_html(item.text, item.patient_text)} "
            f'<a href="{escape(self.root + item.href)}">paragraph</a></li>'
        )

    # --- safety constraints ----------------------------------------------------------------------

    def safety(self) -> str:
        if not self.model.safety:
            return ""
        rows = "".join(self.constraint(constraint) for constraint in self.model.safety)
        return (
            '<h2 id="decision-logic-safety">Safety constraints</h2>\n'
            "<p>Proven by this build over the whole case space (every value of every field, "
            "numbers split at every threshold): the build fails when any case breaks one. Each "
            "holds for the tables above.</p>\n"
            '<div class="gl-decision-table"><table><thead><tr><th>Constraint</th>'
            "<th>When</th><th>Then</th><th>Source</th><th>This build</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>\n"
        )

    def constraint(self, constraint: SafetyConstraint) -> str:
        when = (
            " and ".join(f"{self.name_link(c.input)} is {_cell(c)}" for c in constraint.when)
            or "every case"
        )
        then = "<br>".join(_obligation(obligation) for obligation in constraint.obligations)
        return (
            f'<tr id="safety-{escape(constraint.id)}"><td>{escape(constraint.title)}</td>'
            f"<td>{when}</td><td>{then}</td>"
            f"<td><code>{escape(constraint.location)}</code></td><td>proven</td></tr>"
        )


def _cell(condition: Condition) -> str:
    """A cell as the tables run it, and the site policies that gave its numbers."""
    names = ", ".join(f"<code>{escape(name)}</code>" for name in condition.policies)
    policies = f' <span class="gl-policy-note">(site policy {names})</span>' if names else ""
    return f"<code>{escape(condition.text)}</code>{policies}"


def _obligation(obligation: Obligation) -> str:
    return obligation_words(
        obligation,
        name=lambda value: f"<code>{escape(value)}</code>",
        strong=lambda value: f"<strong>{escape(value)}</strong>",
        plain=escape,
    )
