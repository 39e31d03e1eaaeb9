"""Helpers the tests share, imported by name (``from tests.support.paths import ROOT``).

Fixtures live in ``conftest.py`` files; everything else a test needs lives here, so that a test
module's imports say where each helper comes from and nothing heavy (Playwright) is imported by
tests that do not use it.
"""
