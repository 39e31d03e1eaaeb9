"""The third-party DMN engine of the tests: ``build_tools/interchange/dmn_eval.mjs`` (dmn-moddle
reads the XML, feelin evaluates FEEL) run by Node.js on many cases at once."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT

EVALUATOR = ROOT / "build_tools" / "interchange" / "dmn_eval.mjs"
DMN_XSD = ROOT / "node_modules" / "dmn-moddle" / "resources" / "dmn" / "xsd" / "DMN13.xsd"
BATCH = 20_000  # cases per Node.js process


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
