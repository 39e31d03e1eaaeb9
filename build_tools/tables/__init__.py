"""The decision-table engine: load, verify exhaustively and compile a guideline's decision tables.

The plugin builds a :class:`GuidelineSource` from the pages and calls::

    model = load_decision_model(source)     # raises ContentError with every finding
    findings = verify(model)                # exhaustive checks; empty when all is well
    path = write_module(model, out_dir)     # calculators/guidelines/<module_name(id)>.py

``build(source)`` does the first two steps and raises on any finding.
"""

from __future__ import annotations

from build_tools.errors import ContentError
from build_tools.tables.codegen import compile_module, module_name, write_module
from build_tools.tables.loader import load_decision_model
from build_tools.tables.model import DecisionModel
from build_tools.tables.source import GuidelineSource, SectionSource
from build_tools.tables.verify import verify


def build(source: GuidelineSource) -> DecisionModel:
    """Load and verify; raise ContentError with every finding of either step."""
    model = load_decision_model(source)
    findings = verify(model)
    if findings:
        raise ContentError(findings)
    return model


__all__ = [
    "DecisionModel",
    "GuidelineSource",
    "SectionSource",
    "build",
    "compile_module",
    "load_decision_model",
    "module_name",
    "verify",
    "write_module",
]
