"""An exact semantic changelog between two versions of a guideline: which cases change and how
(computed over the whole case space from where each rule fires, in agreement with
``calculators.runtime.compare``), what changed in the case fields, and every reworded text.

``changelog_between(before, after)`` for the site build; ``python -m
build_tools.versions.changes`` for the command line.
"""

from __future__ import annotations

from build_tools.versions.changes.changelog import Changelog, changelog_between
from build_tools.versions.changes.markdown import render_markdown

__all__ = ["Changelog", "changelog_between", "render_markdown"]
