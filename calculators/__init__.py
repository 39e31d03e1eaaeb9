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

from calculators.runtime.engine import Calculator
from calculators.runtime.errors import CalculatorError, UnknownGuidelineError
from calculators.runtime.records import read_compiled_module
from calculators.runtime.relevance import relevance as field_relevance

_GUIDELINE_ID = re.compile(r"^[a-z0-9-]+$")
_PACKAGE = "calculators.guidelines"


def available_guidelines() -> list[str]:
    """The ids of the guidelines that have a compiled module, sorted."""
    package = importlib.import_module(_PACKAGE)
    names = (
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if not module.name.startswith("_")
    )
    return sorted(name.replace("_", "-") for name in names)


@cache
def load(guideline_id: str) -> Calculator:
    """The calculator of a guideline; raises UnknownGuidelineError for an unknown id."""
    if not isinstance(guideline_id, str) or not _GUIDELINE_ID.match(guideline_id):
        raise UnknownGuidelineError(
            f"{guideline_id!r} is not a guideline id (lower-case letters, digits and '-')"
        )
    if guideline_id not in available_guidelines():
        known = ", ".join(available_guidelines()) or "none"
        raise UnknownGuidelineError(f"unknown guideline {guideline_id!r}; available: {known}")
    module = importlib.import_module(f"{_PACKAGE}.{guideline_id.replace('-', '_')}")
    return Calculator(read_compiled_module(module))


def recommend(guideline_id: str, case: dict[str, object]) -> dict[str, object]:
    """Evaluate ``case`` with the guideline's decision tables (result format: AUTHORING.md)."""
    return load(guideline_id).recommend(case)


def relevance(guideline_id: str, case: dict[str, object]) -> dict[str, object]:
    """Which fields could change the result of ``case`` (format: AUTHORING.md, "Field
    relevance")."""
    return field_relevance(load(guideline_id), case)


def case_from_fragment(guideline_id: str, params: Mapping[str, str] | str) -> dict[str, object]:
    """The case a calculator URL fragment (URLSearchParams text or dict) describes."""
    return load(guideline_id).case_from_fragment(params)


__all__ = [
    "Calculator",
    "CalculatorError",
    "UnknownGuidelineError",
    "available_guidelines",
    "case_from_fragment",
    "load",
    "recommend",
    "relevance",
]
