"""Guideline calculators: ``recommend(guideline_id, case)`` over the compiled decision tables.

Standard library only (CPython 3.11+ and Pyodide). Example::

    >>> import calculators
    >>> result = calculators.recommend("metastatic-breast-cancer", {"sex": "female"})
    >>> result["status"]
    'needs_more_information'
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping
from functools import cache
from itertools import pairwise

from calculators.runtime.compare import compare_case
from calculators.runtime.engine import Calculator
from calculators.runtime.errors import CalculatorError, UnknownGuidelineError
from calculators.runtime.questions import next_questions
from calculators.runtime.records import read_compiled_module
from calculators.runtime.relevance import relevance as field_relevance
from calculators.runtime.results import CaseChanges, CaseValues, Question, Relevance, Result

_GUIDELINE_ID = re.compile(r"^[a-z0-9-]+$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_PACKAGE = "calculators.guidelines"
_RELEASED = "calculators.released"


def available_guidelines() -> list[str]:
    """The ids of the guidelines that have a compiled module, sorted."""
    package = importlib.import_module(_PACKAGE)
    names = (
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if not module.name.startswith("_")
    )
    return sorted(name.replace("_", "-") for name in names)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def superseded_versions(guideline_id: str) -> list[str]:
    """The released versions of a guideline older than its current one that can still be run
    (``load(f"{guideline_id}@{version}")``), oldest first."""
    package = importlib.import_module(_RELEASED)
    prefix = f"{guideline_id.replace('-', '_')}__"
    versions = [
        module.name.removeprefix(prefix).replace("_", ".")
        for module in pkgutil.iter_modules(package.__path__)
        if module.name.startswith(prefix)
    ]
    return sorted(versions, key=_version_key)


@cache
def load(guideline_id: str) -> Calculator:
    """The calculator of a guideline (``"<id>"``: its current version) or of one of its
    superseded versions (``"<id>@<version>"``); raises UnknownGuidelineError for an unknown id
    or version."""
    if isinstance(guideline_id, str) and "@" in guideline_id:
        return _load_superseded(*guideline_id.split("@", 1))
    if not isinstance(guideline_id, str) or not _GUIDELINE_ID.match(guideline_id):
        raise UnknownGuidelineError(
            f"{guideline_id!r} is not a guideline id (lower-case letters, digits and '-')"
        )
    if guideline_id not in available_guidelines():
        known = ", ".join(available_guidelines()) or "none"
        raise UnknownGuidelineError(f"unknown guideline {guideline_id!r}; available: {known}")
    module = importlib.import_module(f"{_PACKAGE}.{guideline_id.replace('-', '_')}")
    return Calculator(read_compiled_module(module))


def _load_superseded(guideline_id: str, version: str) -> Calculator:
    current = load(guideline_id)
    if version == current.spec.version:
        return current
    if not _VERSION.match(version) or version not in superseded_versions(guideline_id):
        known = ", ".join(superseded_versions(guideline_id)) or "none"
        raise UnknownGuidelineError(
            f"{guideline_id} has no released version {version!r} to run; superseded versions: "
            f"{known}; current: {current.spec.version}"
        )
    name = f"{guideline_id.replace('-', '_')}__{version.replace('.', '_')}"
    return Calculator(read_compiled_module(importlib.import_module(f"{_RELEASED}.{name}")))


def previous_version(guideline_id: str) -> str | None:
    """The newest superseded version of a guideline (the release the current version follows),
    or None when it has none."""
    versions = superseded_versions(guideline_id)
    return versions[-1] if versions else None


def changes(guideline_id: str, case: CaseValues) -> CaseChanges | None:
    """How the result of ``case`` changed in the newest release that changed it:
    ``{"from", "to", "changes": [...]}``, comparing each version with the one before it, newest
    first, from the current version back to the oldest superseded one. A release that changed
    nothing for this case (a corrected reference, a reworded sentence) does not hide an
    earlier change, and since the result has not changed after ``to``, ``to``'s result is the
    current one. When no release changed it, the comparison of the current version with the
    previous one (empty ``changes``); None when the guideline has no previous version (format:
    calculators/runtime/compare.py)."""
    versions = [*superseded_versions(guideline_id), None]
    if len(versions) < 2:
        return None
    newest: CaseChanges | None = None
    for before, after in reversed(list(pairwise(versions))):
        found = compare_case(
            load(f"{guideline_id}@{before}"),
            load(guideline_id if after is None else f"{guideline_id}@{after}"),
            case,
        )
        if found["changes"]:
            return found
        newest = newest or found
    return newest


def recommend(guideline_id: str, case: CaseValues) -> Result:
    """Evaluate ``case`` with the guideline's decision tables (result format: AUTHORING.md;
    its keys: :class:`calculators.runtime.results.Result`)."""
    return load(guideline_id).recommend(case)


def relevance(guideline_id: str, case: CaseValues) -> Relevance:
    """Which fields could change the result of ``case`` (format: AUTHORING.md, "Field
    relevance")."""
    return field_relevance(load(guideline_id), case)


def questions(guideline_id: str, case: CaseValues) -> list[Question]:
    """The unstated findings the result of ``case`` asks for, the most decisive first, each
    with what each answer leads to (format: calculators/runtime/questions.py)."""
    return next_questions(load(guideline_id), case)


def case_from_fragment(guideline_id: str, params: Mapping[str, str] | str) -> CaseValues:
    """The case a calculator URL fragment (URLSearchParams text or dict) describes."""
    return load(guideline_id).case_from_fragment(params)


__all__ = [
    "Calculator",
    "CalculatorError",
    "UnknownGuidelineError",
    "available_guidelines",
    "case_from_fragment",
    "changes",
    "load",
    "previous_version",
    "questions",
    "recommend",
    "relevance",
    "superseded_versions",
]
