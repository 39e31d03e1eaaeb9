"""Helpers of the decision-table tests: the demo fixture guideline and compiled modules."""

from __future__ import annotations

import types
from dataclasses import replace
from pathlib import Path

from build_tools.decisions.from_content import load_sources
from build_tools.findings import ContentError, Finding
from build_tools.located_yaml import LocatedList, LocatedMap, load_located
from build_tools.tables import compile_module, load_decision_model, verify
from build_tools.tables.source import GuidelineSource, SectionSource
from calculators.runtime.engine import Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.paths import FIXTURES, ROOT

DEMO_DOCS = FIXTURES / "docs"  # a docs folder: the demo guideline and the pages it names
DEMO_GUIDELINE = DEMO_DOCS / "demo-guideline"
TABLE_FIXTURES = FIXTURES / "tables"


def demo_source() -> GuidelineSource:
    return load_sources(DEMO_DOCS, ROOT)["demo-guideline"]


def fixture_section(name: str, folder: Path = TABLE_FIXTURES) -> SectionSource:
    """A section made of ``tests/fixtures/tables/<name>.yml`` (or ``folder``): its front matter,
    plus the point anchors its imaginary body would have (``fixture_anchors``)."""
    path = folder / f"{name}.yml"
    front = load_located(path.read_text(encoding="utf-8"), first_line=1)
    assert isinstance(front, LocatedMap)
    items = front.get("items")
    tables = front.get("decision_tables")
    return SectionSource(
        id=name,
        file=path.relative_to(ROOT).as_posix(),
        page_url=f"demo-guideline/{name}/",
        anchors=frozenset(front.get("fixture_anchors") or ()),
        items=items if isinstance(items, LocatedMap) else None,
        decision_tables=tables if isinstance(tables, LocatedList) else None,
        front_matter_line=1,
    )


def demo_with_fixture(name: str, folder: Path = TABLE_FIXTURES) -> GuidelineSource:
    source = demo_source()
    return replace(source, sections=(*source.sections, fixture_section(name, folder)))


def all_findings(source: GuidelineSource) -> list[Finding]:
    """Findings of loading, or else of verification: what a build would report."""
    try:
        model = load_decision_model(source)
    except ContentError as error:
        return error.findings
    return verify(model)


def module_from_source(text: str, name: str) -> types.ModuleType:
    """Execute generated module source as a module, without writing it anywhere."""
    module = types.ModuleType(name)
    exec(compile(text, f"<generated {name}>", "exec"), module.__dict__)
    return module


def demo_calculator() -> Calculator:
    model = load_decision_model(demo_source())
    module = module_from_source(compile_module(model), "demo_guideline")
    return Calculator(read_compiled_module(module))
