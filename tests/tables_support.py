"""Helpers shared by the decision-table tests: the demo fixture guideline and compiled modules."""

from __future__ import annotations

import types
from dataclasses import replace
from pathlib import Path

from build_tools.errors import ContentError, Finding
from build_tools.tables import compile_module, load_decision_model, verify
from build_tools.tables.discover import load_guideline_source
from build_tools.tables.source import GuidelineSource, SectionSource
from build_tools.yamlloc import LocatedList, LocatedMap, load_located
from calculators.runtime.engine import Calculator
from calculators.runtime.model import read_compiled_module

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DEMO_GUIDELINE = FIXTURES / "docs" / "demo-guideline"
TABLE_FIXTURES = FIXTURES / "tables"
REAL_GUIDELINE = ROOT / "docs" / "metastatic-breast-cancer"


def demo_source() -> GuidelineSource:
    return load_guideline_source(DEMO_GUIDELINE, ROOT)


def fixture_section(name: str) -> SectionSource:
    """A section made of ``tests/fixtures/tables/<name>.yml``: its front matter, plus the point
    anchors its imaginary body would have (``fixture_anchors``)."""
    path = TABLE_FIXTURES / f"{name}.yml"
    front = load_located(path.read_text(encoding="utf-8"), first_line=1)
    assert isinstance(front, LocatedMap)
    items = front.get("items")
    tables = front.get("decision_tables")
    return SectionSource(
        id=name,
        file=f"tests/fixtures/tables/{name}.yml",
        page_url=f"demo-guideline/{name}/",
        anchors=frozenset(front.get("fixture_anchors") or ()),
        items=items if isinstance(items, LocatedMap) else None,
        decision_tables=tables if isinstance(tables, LocatedList) else None,
        front_matter_line=1,
    )


def demo_with_fixture(name: str) -> GuidelineSource:
    source = demo_source()
    return replace(source, sections=(*source.sections, fixture_section(name)))


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
