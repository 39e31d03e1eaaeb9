"""The third-party DMN engine of the tests: ``build_tools/interchange/dmn_eval.mjs`` (dmn-moddle
reads the XML, feelin evaluates FEEL) run by Node.js on many cases at once."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

import calculators
from build_tools.decisions.from_content import load_sources
from build_tools.tables import build, compile_module
from build_tools.tables.model import DecisionModel
from calculators.runtime.engine import Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.paths import FIXTURES, ROOT
from tests.support.tables import module_from_source

EVALUATOR = ROOT / "build_tools" / "interchange" / "dmn_eval.mjs"
DMN_XSD = ROOT / "node_modules" / "dmn-moddle" / "resources" / "dmn" / "xsd" / "DMN13.xsd"
BATCH = 20_000  # cases per Node.js process


# The project's guidelines and the fixture guidelines of the tests (which use other features).
GUIDELINE_FOLDERS = (ROOT / "docs", FIXTURES / "docs", FIXTURES / "sites" / "widget" / "docs")


@cache
def guideline_models() -> dict[str, DecisionModel]:
    """Every guideline of those folders, loaded and verified as the build does."""
    return {
        guideline_id: build(source)
        for folder in GUIDELINE_FOLDERS
        for guideline_id, source in load_sources(folder, ROOT).items()
    }


def calculator_for(guideline_id: str) -> Calculator:
    """The committed compiled module of a project guideline, else the fixture's compiled now."""
    if guideline_id in calculators.available_guidelines():
        return calculators.load(guideline_id)
    module = module_from_source(compile_module(guideline_models()[guideline_id]), "fixture")
    return Calculator(read_compiled_module(module))


def require_node_modules() -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "feelin").is_dir():
        pytest.fail("Node.js and node_modules (feelin, dmn-moddle) are needed: run `make install`")


def run_engine(dmn: Path, mode: str, cases: list[object]) -> list[object]:
    """Each case's answer from the DMN engine, ``BATCH`` cases per Node.js process."""
    require_node_modules()
    answers: list[object] = []
    for start in range(0, len(cases), BATCH):
        request = json.dumps({"mode": mode, "cases": cases[start : start + BATCH]})
        finished = subprocess.run(
            ["node", str(EVALUATOR), str(dmn)],
            input=request,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr
        batch = json.loads(finished.stdout)
        assert isinstance(batch, list)
        answers.extend(batch)
    return answers
