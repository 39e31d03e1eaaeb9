"""Compile every guideline of a loaded site: one :class:`CompiledGuideline` per guideline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from build_tools import tables
from build_tools.content.site import SiteContent
from build_tools.decisions.from_content import guideline_source
from build_tools.findings import ContentError, Finding


@dataclass(frozen=True)
class CompiledGuideline:
    """A guideline's verified decision model and its compiled module's text: compiled once, the
    same text is proven, written to disk and packed into the browser's bundle."""

    model: tables.DecisionModel
    module_text: str

    @property
    def module_name(self) -> str:
        return tables.module_name(self.model.guideline_id)


def compile_site(site: SiteContent) -> dict[str, CompiledGuideline]:
    """Verify, compile and prove every guideline of ``site`` (by guideline id); raise
    :class:`ContentError` with the findings of all of them."""
    findings: list[Finding] = []
    compiled: dict[str, CompiledGuideline] = {}
    for guideline_id, guideline in sorted(site.guidelines.items()):
        try:
            model = tables.load_decision_model(guideline_source(guideline))
        except ContentError as error:
            findings.extend(error.findings)
            continue
        text, problems = tables.check(model)
        if problems:
            findings.extend(problems)
            continue
        compiled[guideline_id] = CompiledGuideline(model, text)
    if findings:
        raise ContentError(findings)
    return compiled


def write_modules(compiled: Mapping[str, CompiledGuideline], output_dir: Path) -> list[Path]:
    """Write each compiled module to ``output_dir`` (unchanged files are left untouched)."""
    return [
        tables.write_module(guideline.model, output_dir, guideline.module_text)
        for _, guideline in sorted(compiled.items())
    ]
