"""``python -m calculators GUIDELINE CASE.json``: output and exit codes 0, 2 and 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tables_support import ROOT

GUIDELINE = "metastatic-breast-cancer"


def _run(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C"}  # UTF-8 output even in C locale
    return subprocess.run(
        [sys.executable, "-m", "calculators", *arguments],
        input=None if stdin is None else stdin.encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_valid_case_prints_the_result_and_exits_0(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"sex": "female", "her2_ihc": "3+", "weight_kg": 72.5}))
    completed = _run(GUIDELINE, str(case))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["guideline"]["id"] == GUIDELINE
    loading = next(item for item in result["dosing"] if item["id"] == "trastuzumab-loading-dose")
    assert "4 mg/kg × 72.5 kg = 290 mg" in loading["text"]


def test_case_from_stdin() -> None:
    completed = _run(GUIDELINE, "-", stdin='{"sex": "male"}')
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["status"] == "out_of_scope"


def test_invalid_case_exits_2_with_the_errors() -> None:
    completed = _run(GUIDELINE, "-", stdin='{"sex": "female", "ecog": 7}')
    assert completed.returncode == 2
    result = json.loads(completed.stdout)
    assert result["status"] == "invalid"
    assert [error["field"] for error in result["errors"]] == ["ecog"]
    assert b"invalid case: ecog" in completed.stderr


def test_unknown_guideline_exits_1() -> None:
    completed = _run("no-such-guideline", "-", stdin='{"sex": "female"}')
    assert completed.returncode == 1
    assert completed.stdout == b""
    assert b"unknown guideline 'no-such-guideline'" in completed.stderr
    assert GUIDELINE.encode() in completed.stderr  # the message lists what is available


def test_unreadable_file_exits_1(tmp_path: Path) -> None:
    completed = _run(GUIDELINE, str(tmp_path / "missing.json"))
    assert completed.returncode == 1
    assert b"cannot read the case file" in completed.stderr


def test_non_json_exits_1() -> None:
    completed = _run(GUIDELINE, "-", stdin="sex=female")
    assert completed.returncode == 1
    assert b"is not valid JSON" in completed.stderr


def test_json_that_is_not_an_object_is_an_invalid_case() -> None:
    completed = _run(GUIDELINE, "-", stdin="[1, 2]")
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["errors"][0]["field"] is None
