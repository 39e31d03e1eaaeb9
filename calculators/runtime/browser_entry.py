"""What the case calculator's Web Worker calls in Pyodide (``calculator_ui/worker.js``).

The worker unpacks ``calculators.zip``, puts its folder first on ``sys.path``, imports this
module and keeps it for the life of the worker. Every answer is JSON *text*: a string crosses
from Python to JavaScript and then between threads in one copy each, where a ~20 KB object
graph would cost milliseconds to convert and clone on every keystroke, and no proxy of a Python
object is left for JavaScript to leak. Each answer's shape is a TypedDict of
:mod:`calculators.runtime.results` (``RecommendJson``, ``RelevanceJson``, ``ChangesJson``),
which the page's JSDoc types (``calculator_ui/types.js``) follow key for key.

Standard library only, like the rest of the runtime; the same calls work in CPython (the tests
make them exactly as the worker does).
"""

from __future__ import annotations

import contextlib
import gc
import json
from typing import Literal

import calculators
from calculators.runtime.compare import case_for
from calculators.runtime.results import (
    CaseValues,
    ChangesJson,
    ItemBrief,
    RecommendJson,
    RelevanceJson,
)

#: How the worker passes a case: the URL fragment's text (``"sex=female&weight_kg=70"``), read
#: with the runtime's own :func:`calculators.case_from_fragment`, or a JSON object's text.
CaseMode = Literal["fragment", "json"]


def recommend_json(guideline: str, mode: CaseMode, text: str) -> str:
    """The answer to one request: ``{"case": {...}, "result": {...}}`` as JSON text.

    ``mode`` says what ``text`` is (see :data:`CaseMode`; anything but ``"fragment"`` is read as
    JSON). Raises what the runtime raises (an unknown guideline, JSON that is not an object...):
    the worker reports the exception's last line.
    """
    case = _case(guideline, mode, text)
    answer: RecommendJson = {"case": case, "result": calculators.recommend(guideline, case)}
    return json.dumps(answer, ensure_ascii=False)


def relevance_json(guideline: str, mode: CaseMode, text: str) -> str:
    """What the form shows once the edits pause, for one request: ``{"case": {...},
    "relevance": {"status", "fields"}, "questions": [...]}`` as JSON text: which fields could
    change the result (see AUTHORING.md, "Field relevance") and the unstated findings to
    establish, the most decisive first, with what each answer leads to
    (:mod:`calculators.runtime.questions`); ``mode`` and ``text`` as for
    :func:`recommend_json`, and it raises what the runtime raises, as that does."""
    case = _case(guideline, mode, text)
    answer: RelevanceJson = {
        "case": case,
        "relevance": calculators.relevance(guideline, case),
        "questions": calculators.questions(guideline, case),
    }
    return json.dumps(answer, ensure_ascii=False)


def changes_json(guideline: str, mode: CaseMode, text: str) -> str:
    """How the case's result changed in the newest release that changed it (see
    :func:`calculators.changes`):
    ``{"case": {...}, "changes": {"from", "to", "changes": [...], "every_case": [...],
    "first_choice": {"before": [...], "after": [...]}} | null}`` as JSON text (``null``: no
    previous version, or ``guideline`` names a superseded version itself). ``first_choice``
    (only when the case's own changes are not empty) holds the recommendations each version
    ranks first, each ``{"id", "text", "patient_text"}``: the calculator's "changed in" note
    says what the first choice was and is. ``mode`` and ``text`` as for
    :func:`recommend_json`."""
    case = _case(guideline, mode, text)
    found = None if "@" in guideline else calculators.changes(guideline, case)
    if found is not None and found["changes"]:
        found = {
            **found,
            "first_choice": {
                "before": _first_choice(f"{guideline}@{found['from']}", case),
                "after": _first_choice(guideline, case),
            },
        }
    answer: ChangesJson = {"case": case, "changes": found}
    return json.dumps(answer, ensure_ascii=False)


def _first_choice(guideline: str, case: CaseValues) -> list[ItemBrief]:
    calculator = calculators.load(guideline)
    result = calculator.recommend(case_for(calculator.spec, case))
    return [
        {"id": item["id"], "text": item["text"], "patient_text": item["patient_text"]}
        for item in result["recommendations"]
        if item.get("rank") == "preferred"
    ]


def _case(guideline: str, mode: CaseMode, text: str) -> CaseValues:
    if mode == "fragment":
        return calculators.case_from_fragment(guideline, text)
    case: CaseValues = json.loads(text)
    return case


def freeze_imports() -> None:
    """Move everything imported so far out of the garbage collector's sight.

    It lives as long as the worker, so a full collection (which a keystroke's allocations can
    trigger) then walks only the objects of requests. Called once, right after the import on a
    fresh start, so that a snapshot saved later carries the frozen state.
    """
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Run each guideline once, so that whatever it imports lazily is in the snapshot the
    worker saves next. Never raises: a guideline that fails here fails again, and is reported,
    when a case asks for it."""
    for guideline in calculators.available_guidelines():
        with contextlib.suppress(Exception):
            recommend_json(guideline, "fragment", "")
