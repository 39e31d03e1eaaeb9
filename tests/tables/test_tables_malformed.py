"""Malformed decision tables fail the build with the exact file:line and the ids involved.

Each fixture in tests/fixtures/tables/ is the front matter of one extra section added to the demo
guideline (tests/fixtures/docs/demo-guideline), which on its own verifies cleanly.
"""

from __future__ import annotations

import pytest

from build_tools.findings import ContentError
from build_tools.tables import build
from tests.support.tables import TABLE_FIXTURES, all_findings, demo_source, demo_with_fixture

# fixture name -> (line of the finding, words the message must contain: ids and the problem)
EXPECTED: dict[str, tuple[int, tuple[str, ...]]] = {
    "gap": (10, ("gap_table", "incomplete", "gap-positive", "gap-negative", "marker_a=unknown")),
    "overlap_unique": (19, ("overlap-short", "overlap-middle", "overlap", "interval_months=12")),
    "shadowed_first": (18, ("shadow-positive", "shadowed", "shadow-known")),
    "unreachable": (18, ("unreachable-impossible", "can never match")),
    "unknown_value": (16, ("value-typo", "no value 'positve'")),
    "unknown_field": (18, ("field-undeclared", "unknown field 'marker_b'")),
    "unknown_item": (20, ("item-missing", "unknown item id 'item-nowhere'")),
    "unknown_citation": (11, ("citation-item", "unknown citation key '@no-such-reference'")),
    "unknown_anchor": (8, ("anchor-item", "unknown anchor 'anchor-missing'")),
    "cycle": (4, ("cycle_first -> cycle_second -> cycle_first", "cycle")),
    "bad_syntax": (16, ("syntax-rule", "'>> 3'")),
    "unquoted_interval": (17, ("interval-rule", "quotes in YAML")),
    "unused_item": (9, ("unused-orphan", "not used by any decision rule")),
}


def test_the_demo_guideline_itself_is_clean() -> None:
    assert all_findings(demo_source()) == []


def test_every_fixture_has_an_expectation() -> None:
    assert {path.stem for path in TABLE_FIXTURES.glob("*.yml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_table_is_reported_at_its_line(name: str) -> None:
    line, words = EXPECTED[name]
    findings = all_findings(demo_with_fixture(name))
    assert len(findings) == 1, "\n".join(map(str, findings))
    finding = findings[0]
    assert (finding.file, finding.line) == (f"tests/fixtures/tables/{name}.yml", line)
    for word in words:
        assert word in finding.message
    assert finding.remedy, "every finding says what to do"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_build_raises_content_error_naming_file_and_line(name: str) -> None:
    line, _ = EXPECTED[name]
    with pytest.raises(ContentError) as error:
        build(demo_with_fixture(name))
    assert f"tests/fixtures/tables/{name}.yml:{line}:" in str(error.value)
