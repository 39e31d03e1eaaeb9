"""The decision logic page: every table the calculator runs as a grid, a row (with its anchor)
per rule and default, every cell as written, what each rule gives in both wordings with links to
its paragraphs, the order of the tables and the safety constraints; and the built site links the
calculator's "Why" to those rows."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from build_tools.render.decision_logic import decision_logic_html, rule_anchor, table_anchor
from tests.support.paths import GUIDELINE
from tests.support.safety_checks import project_model

ROOT_PREFIX = "../../"


@pytest.fixture(scope="module")
def page() -> str:
    return decision_logic_html(project_model(), ROOT_PREFIX)


def _row(page: str, anchor: str) -> str:
    match = re.search(rf'<tr id="{re.escape(anchor)}">(.*?)</tr>', page, re.S)
    assert match, anchor
    return match.group(1)


def test_every_table_has_its_grid_and_every_rule_its_row(page: str) -> None:
    model = project_model()
    rows = re.findall(r'<tr id="rule-[^"]+">', page)
    expected = sum(len(t.rules) + (t.default is not None) for t in model.tables)
    assert len(rows) == expected
    for table in model.tables:
        assert f'<h2 id="{table_anchor(table.id)}">' in page
        assert f"{table.file}:{table.line}" in page
        for rule in table.rules:
            row = _row(page, rule_anchor(table.id, rule.id))
            cells = re.findall(r"<td>(.*?)</td>", row, re.S)
            # The rule, one cell per input (as written, or "-"; with the site policies that gave
            # its numbers), what it gives, its line.
            assert len(cells) == len(table.inputs) + 3
            written = {
                c.input: c.text + (f" (site policy {', '.join(c.policies)})" if c.policies else "")
                for c in rule.conditions
            }
            for name, cell in zip(table.inputs, cells[1:-2], strict=True):
                text = unescape(re.sub(r"<[^>]+>", "", cell))
                assert text == written.get(name, "-"), (table.id, rule.id, name)
            assert cells[-1] == str(rule.line)


def test_what_a_rule_gives_is_in_both_wordings_with_its_paragraph(page: str) -> None:
    model = project_model()
    table = next(t for t in model.tables if t.id == "her2_positive_care")
    rule = table.rules[0]
    row = unescape(_row(page, rule_anchor(table.id, rule.id)))
    items = {item.id: item for item in model.items}
    for item_id in rule.outcome.items:
        item = items[item_id]
        assert item.text in row
        assert item.patient_text in row
        assert f'href="{ROOT_PREFIX}{item.href}"' in row


def test_the_order_and_the_safety_constraints_are_shown(page: str) -> None:
    model = project_model()
    order = page[page.index('id="decision-logic-order"') : page.index("</table>")]
    positions = [order.index(f'href="#{table_anchor(t.id)}"') for t in model.tables]
    assert positions == sorted(positions)  # in the order the tables run
    for constraint in model.safety:
        row = unescape(_row(page, f"safety-{constraint.id}"))
        assert constraint.title in row
        assert constraint.location in row
        assert "proven" in row


def test_the_built_site_links_each_why_to_its_rule(built_site: Path) -> None:
    logic = (built_site / GUIDELINE / "decision-logic" / "index.html").read_text()
    calculator = (built_site / GUIDELINE / "calculator" / "index.html").read_text()
    data = json.loads(unescape(re.search(r'data-gl-calculator="([^"]*)"', calculator)[1]))  # type: ignore[index]
    assert data["decision_logic_url"] == f"{GUIDELINE}/decision-logic/"
    for key in data["rules"]:
        table_id, rule_id = key.split("/")
        assert f'id="{rule_anchor(table_id, rule_id)}"' in logic, key
