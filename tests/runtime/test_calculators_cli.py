"""``python -m calculators GUIDELINE CASE.json``: output and exit codes 0, 2 and 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

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


STATED = {  # a HER2-positive case whose every finding that matters is stated
    "sex": "female",
    "her2_ihc": "3+",
    "weight_kg": 72.5,
    "isolated_locoregional_recurrence": False,
    "cardiac_dysfunction": False,
    "refuses_chemotherapy": False,
    "visceral_crisis": False,
    "visceral_involvement": False,
    "bulky_disease": False,
    "prior_trastuzumab": False,
    "pregnant": False,
    "ecog": 1,
}


def test_valid_case_prints_the_result_and_exits_0(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(STATED))
    completed = _run(GUIDELINE, str(case))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["guideline"]["id"] == GUIDELINE
    loading = next(item for item in result["dosing"] if item["id"] == "trastuzumab-loading-dose")
    assert "4 mg/kg × 72.5 kg = 290 mg" in loading["text"]
    assert [notice["id"] for notice in result["notices"]] == ["currency", "review-status"]
    assert "predates" in result["notices"][0]["text"]


def test_findings_left_out_are_asked_for_not_assumed() -> None:
    case = {key: value for key, value in STATED.items() if key != "cardiac_dysfunction"}
    completed = _run(GUIDELINE, "-", stdin=json.dumps(case))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["status"] == "needs_more_information"
    asks = [item for item in result["workup"] if item.get("field")]
    assert [item["field"] for item in asks] == ["cardiac_dysfunction"]
    assert all(item["id"] != "trastuzumab-chemotherapy" for item in result["recommendations"])
    held = {item["id"]: group["when"] for group in result["conditional"] for item in group["items"]}
    assert held["trastuzumab-chemotherapy"] == [{"cardiac_dysfunction": False}]


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


def test_a_misspelt_field_is_refused_by_name_and_exits_2() -> None:
    case = {**STATED, "cardiac_dysfuntion": True}
    completed = _run(GUIDELINE, "-", stdin=json.dumps(case))
    assert completed.returncode == 2
    result = json.loads(completed.stdout)
    assert result["status"] == "invalid"
    assert [error["field"] for error in result["errors"]] == ["cardiac_dysfuntion"]
    assert (
        b"invalid case: unknown field 'cardiac_dysfuntion'; did you mean 'cardiac_dysfunction'?"
        in completed.stderr
    )


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
