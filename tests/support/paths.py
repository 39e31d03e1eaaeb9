"""Where things are: the repository, the test data and the project's guideline."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
DATA = TESTS / "data"
GUIDELINE = "metastatic-breast-cancer"  # the project's guideline, which the site tests use
REAL_GUIDELINE = ROOT / "docs" / GUIDELINE
BASE_PATH = "/guidelines/"  # the site is served under a sub-path, as an intranet would
CALCULATOR_PATH = f"{GUIDELINE}/calculator/"
