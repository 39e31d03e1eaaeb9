"""The decision-table engine: load, verify exhaustively and compile a guideline's decision tables.

The decisions stage (:mod:`build_tools.decisions`) builds a :class:`GuidelineSource` from the
pages the content loader validated and calls::

    model = load_decision_model(source)     # raises ContentError with every finding
    findings = verify(model)                # exhaustive checks; empty when all is well
    text = compile_module(model)            # the stdlib-only decision module
    findings = prove(model, lambda: compiled_recommend(model, text))   # the safety constraints
    path = write_module(model, out_dir, text)   # calculators/guidelines/<module_name(id)>.py

The compiled module's data has the shapes of :mod:`calculators.runtime.module_data`.

``build(source)`` does the first three steps and raises on any finding; ``check(model)`` does
verification and proof of a loaded model and returns the compiled text.
"""

from __future__ import annotations

from build_tools.findings import ContentError, Finding
from build_tools.tables.codegen import (
    compile_module,
    compiled_calculator,
    compiled_recommend,
    module_name,
    write_module,
)
from build_tools.tables.loader import load_decision_model
from build_tools.tables.model import DecisionModel
from build_tools.tables.prove import prove
from build_tools.tables.source import GuidelineSource, SectionSource
from build_tools.tables.verify import verify


def check(model: DecisionModel) -> tuple[str, list[Finding]]:
    """Verify the tables exhaustively, compile them and prove the safety constraints: (the
    compiled module's text, every finding). The proof runs only on verified tables."""
    findings = verify(model)
    text = compile_module(model)
    if not findings:
        findings = prove(model, lambda: compiled_recommend(model, text))
    return text, findings


def build(source: GuidelineSource) -> DecisionModel:
    """Load, verify and prove; raise ContentError with every finding of any step."""
    model = load_decision_model(source)
    _, findings = check(model)
    if findings:
        raise ContentError(findings)
    return model


__all__ = [
    "DecisionModel",
    "GuidelineSource",
    "SectionSource",
    "build",
    "check",
    "compile_module",
    "compiled_calculator",
    "compiled_recommend",
    "load_decision_model",
    "module_name",
    "prove",
    "verify",
    "write_module",
]
