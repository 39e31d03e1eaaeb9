"""The browser's bundle, run by CPython as the worker runs it in Pyodide."""

from __future__ import annotations

import subprocess
import sys

from build_tools.decisions import CompiledGuideline
from build_tools.tables import DecisionModel, compile_module


def compiled(model: DecisionModel) -> dict[str, CompiledGuideline]:
    """``model`` as the decisions stage hands it to the bundle."""
    return {model.guideline_id: CompiledGuideline(model, compile_module(model))}


def run_isolated(script: str, *args: str) -> str:
    """The standard output of ``python -I -S -c script args...``: no site-packages and no
    PYTHONPATH, so only the standard library and what the script puts on sys.path (an unpacked
    calculators.zip) can be imported."""
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout
