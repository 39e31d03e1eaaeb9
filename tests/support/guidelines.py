"""The guidelines the interchange tests export: the project's and the test fixtures' (which use
other features), each built by the pipeline once per test session, when a test first asks.

Nothing here builds at import: test modules parametrize over :data:`GUIDELINE_IDS`, read from
the folders, so collecting them compiles nothing (tests/interchange/test_dmn.py checks the ids
against the guidelines the builds load).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import calculators
from build_tools.pipeline import SiteBuild
from build_tools.tables.model import DecisionModel
from calculators.runtime.engine import Calculator
from calculators.runtime.records import GuidelineSpec, read_compiled_module
from tests.support.paths import FIXTURES, ROOT
from tests.support.tables import module_from_source

GUIDELINE_FOLDERS = (ROOT / "docs", FIXTURES / "docs", FIXTURES / "sites" / "widget" / "docs")


def _guideline_ids(folders: tuple[Path, ...]) -> list[str]:
    """A guideline's id is the name of its folder (the loader refuses another): each folder
    whose index page's front matter starts ``type: guideline``."""
    return sorted(
        index.parent.name
        for folder in folders
        for index in folder.glob("*/index.md")
        if index.read_text(encoding="utf-8").startswith("---\ntype: guideline\n")
    )


GUIDELINE_IDS = _guideline_ids(GUIDELINE_FOLDERS)


@cache
def project_build() -> SiteBuild:
    """The project's own build, ``SiteBuild.of(ROOT)``, once per session: each stage runs when a
    test first asks for it (read it, never change it)."""
    return SiteBuild.of(ROOT)


@cache
def builds() -> dict[str, SiteBuild]:
    """Each guideline's build: the pipeline of its folder (each stage run when first asked)."""
    found: dict[str, SiteBuild] = {}
    for folder in GUIDELINE_FOLDERS:
        build = project_build() if folder == ROOT / "docs" else SiteBuild.of(ROOT, docs_dir=folder)
        found.update(dict.fromkeys(build.content.guidelines, build))
    return found


def guideline_models() -> dict[str, DecisionModel]:
    """Every guideline's decision model, loaded, verified and proven by its build."""
    return {gid: build.compiled[gid].model for gid, build in builds().items()}


def calculator_for(guideline_id: str) -> Calculator:
    """The committed compiled module of a project guideline, else the module the fixture's
    build compiled."""
    if guideline_id in calculators.available_guidelines():
        return calculators.load(guideline_id)
    return Calculator(_fixture_spec(guideline_id))


@cache
def _fixture_spec(guideline_id: str) -> GuidelineSpec:
    text = builds()[guideline_id].compiled[guideline_id].module_text
    return read_compiled_module(module_from_source(text, "fixture"))
