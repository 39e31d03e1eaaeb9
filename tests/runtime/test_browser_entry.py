"""The worker's entry into Python (calculators.runtime.browser_entry), called exactly as
worker.js calls it: the same arguments, the same JSON text out, the same result as
``calculators.recommend``."""

from __future__ import annotations

import gc
import json
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

import calculators
from build_tools.browser_bundle.bundle import build_bundle
from build_tools.tables import load_decision_model
from calculators.runtime import browser_entry
from calculators.runtime.errors import UnknownGuidelineError
from tests.support.bundles import compiled, run_isolated
from tests.support.tables import demo_source

GUIDELINE = "metastatic-breast-cancer"
FRAGMENTS = (
    "",
    "sex=female&er_status=positive&her2_status=negative&weight_kg=70",
    "sex=female&her2_ihc=3%2B&weight_kg=70&cardiac_dysfunction=false",
    "sex=male",
    "weight_kg=not-a-number",
    "sex=female&her2_ihc=3%2B&cardiac_dysfuntion=false",
)


def _answer(text: str) -> dict[str, Any]:
    answer = json.loads(text)
    assert list(answer) == ["case", "result"]
    return dict(answer)


def test_a_fragment_with_a_field_the_guideline_does_not_declare_is_refused_by_name() -> None:
    for call in (browser_entry.recommend_json, browser_entry.relevance_json):
        answer = json.loads(call(GUIDELINE, "fragment", "sex=female&pregnnt=true"))
        assert answer["case"] == {"sex": "female", "pregnnt": "true"}
    answer = _answer(browser_entry.recommend_json(GUIDELINE, "fragment", "sex=female&pregnnt=x"))
    assert answer["result"]["status"] == "invalid"
    assert [error["field"] for error in answer["result"]["errors"]] == ["pregnnt"]


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_a_fragment_gives_the_case_and_the_runtimes_result(fragment: str) -> None:
    # worker.js: recommend(String(guideline), "fragment", String(fragment))
    answer = _answer(browser_entry.recommend_json(GUIDELINE, "fragment", fragment))
    case = calculators.case_from_fragment(GUIDELINE, fragment)
    assert answer["case"] == case
    assert answer["result"] == json.loads(json.dumps(calculators.recommend(GUIDELINE, case)))


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_a_json_case_means_the_same_as_its_fragment(fragment: str) -> None:
    # worker.js: recommend(String(guideline), "json", JSON.stringify(json ?? {}))
    case = calculators.case_from_fragment(GUIDELINE, fragment)
    by_json = browser_entry.recommend_json(GUIDELINE, "json", json.dumps(case))
    assert by_json == browser_entry.recommend_json(GUIDELINE, "fragment", fragment)


def test_the_answer_is_json_text_as_python_writes_it() -> None:
    fragment = FRAGMENTS[1]
    case = calculators.case_from_fragment(GUIDELINE, fragment)
    expected = json.dumps(
        {"case": case, "result": calculators.recommend(GUIDELINE, case)}, ensure_ascii=False
    )
    assert browser_entry.recommend_json(GUIDELINE, "fragment", fragment) == expected


def test_an_empty_json_case_is_evaluated_like_an_empty_fragment() -> None:
    answer = _answer(browser_entry.recommend_json(GUIDELINE, "json", "{}"))
    assert answer["case"] == {}
    assert (
        answer["result"]
        == _answer(browser_entry.recommend_json(GUIDELINE, "fragment", ""))["result"]
    )


def test_an_unknown_guideline_raises_what_the_runtime_raises() -> None:
    # The worker reports the exception's last line ("UnknownGuidelineError: unknown guideline...").
    with pytest.raises(UnknownGuidelineError, match="unknown guideline"):
        browser_entry.recommend_json("no-such-guideline", "fragment", "")


def test_warm_up_runs_every_guideline_and_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str, str]] = []
    real = browser_entry.recommend_json

    def recording(guideline: str, mode: browser_entry.CaseMode, text: str) -> str:
        asked.append((guideline, mode, text))
        if guideline == "broken":
            raise RuntimeError("a guideline that fails")
        return real(guideline, mode, text)

    monkeypatch.setattr(browser_entry, "recommend_json", recording)
    monkeypatch.setattr(calculators, "available_guidelines", lambda: ["broken", GUIDELINE])
    browser_entry.warm_up()
    assert asked == [("broken", "fragment", ""), (GUIDELINE, "fragment", "")]


def test_freeze_imports_moves_everything_out_of_the_collectors_sight() -> None:
    try:
        browser_entry.freeze_imports()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_bundle_carries_the_entry_and_it_runs_from_the_bundle_alone(tmp_path: Path) -> None:
    """What the worker does: calculators.zip unpacked, its folder first on sys.path, the entry
    imported, the imports frozen, then a request (CPython -I -S: no site-packages)."""
    model = load_decision_model(demo_source())
    bundle = build_bundle(compiled(model))
    with zipfile.ZipFile(BytesIO(bundle.data)) as archive:
        assert "calculators/runtime/browser_entry.py" in archive.namelist()
        archive.extractall(tmp_path)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from calculators.runtime import browser_entry as entry; "
        "entry.freeze_imports(); entry.warm_up(); "
        "print(entry.recommend_json('demo-guideline', 'fragment', 'sex=female')); "
        "print(entry.relevance_json('demo-guideline', 'fragment', 'sex=female'))"
    )
    result, relevance = run_isolated(script, str(tmp_path)).splitlines()
    answer = _answer(result)
    assert answer["case"]["sex"] == "female"
    assert answer["result"]["status"] in ("ok", "needs_more_information")
    fields = json.loads(relevance)["relevance"]["fields"]
    assert [field["field"] for field in fields] == [spec.name for spec in model.inputs]


def test_changes_json_gives_each_versions_first_choice_when_the_result_changed() -> None:
    from calculators.runtime import browser_entry

    guideline = "metastatic-breast-cancer"
    changed = "sex=female&er_status=negative&pr_status=negative&her2_status=positive"
    answer = json.loads(browser_entry.changes_json(guideline, "fragment", changed))
    changes = answer["changes"]
    assert changes["changes"]
    releases = [
        *calculators.superseded_versions(guideline),
        calculators.load(guideline).spec.version,
    ]
    assert releases.index(changes["to"]) == releases.index(changes["from"]) + 1
    previous: Any = calculators.recommend(f"{guideline}@{changes['from']}", answer["case"])
    assert [item["id"] for item in changes["first_choice"]["before"]] == [
        item["id"] for item in previous["recommendations"] if item["rank"] == "preferred"
    ]
    unchanged = json.loads(browser_entry.changes_json(guideline, "fragment", "sex=male"))
    assert unchanged["changes"]["changes"] == []
    assert "first_choice" not in unchanged["changes"]
    superseded = f"{guideline}@{changes['from']}"
    assert (
        json.loads(browser_entry.changes_json(superseded, "fragment", "sex=male"))["changes"]
        is None
    )
