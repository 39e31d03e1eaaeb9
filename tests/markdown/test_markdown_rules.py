"""The Markdown syntax rules of guideline pages, tested from fixture files.

Each file of ``tests/markdown/fixtures/`` is named after a module of ``build_tools/markdown/``
(``citations.md`` for ``citations.py``, ...) and holds cases in markdown-it-py's fixture format::

    title of the case
    .
    Markdown input
    .
    expected HTML
    .

Each case is rendered as the body of a guideline section (``demo/section.md``) with the project's
parser (``build_tools.markdown.parser.make_parser``) and the page renderer
(``build_tools.render.page.render_body``) with a real :class:`PageContext`: real citation numbers
and reference-list URL, real link rewriting, stub directives and a stub ``after_point`` (see
``tests/support/markdown_fixtures.py``). A case's test id is ``<file>:<line of its title>``.

The expected outputs are what the code does; when a change of the rules changes them on purpose,
regenerate them and read the diff before committing it::

    .venv/bin/python -m tests.markdown.regen [citations.md ...]
    git diff tests/markdown/fixtures
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from markdown_it.utils import read_fixture_file

import build_tools.markdown
from tests.markdown.regen import regenerate_text
from tests.support.markdown_fixtures import (
    RULE_FIXTURES,
    Case,
    as_fixture_output,
    cases,
    fixture_files,
    read_cases,
    render_rule_fixture,
)

RULE_CASES = cases(RULE_FIXTURES)


@pytest.mark.parametrize("case", RULE_CASES, ids=[case.id for case in RULE_CASES])
def test_rule_fixture(case: Case) -> None:
    html = render_rule_fixture(case.input)
    assert as_fixture_output(html) == case.expected, (
        f"{case.file}:{case.line}: {case.title}\n"
        "if the change is intended: python -m tests.markdown.regen " + case.file.name
    )


def test_one_fixture_file_per_rule_module() -> None:
    package = Path(build_tools.markdown.__file__).parent
    modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    fixtures = {path.stem for path in fixture_files(RULE_FIXTURES)}
    assert fixtures == modules


@pytest.mark.parametrize("path", fixture_files(RULE_FIXTURES), ids=lambda path: path.name)
def test_fixture_titles_are_unique(path: Path) -> None:
    titles = [case.title for case in read_cases(path)]
    assert len(titles) == len(set(titles)), "two cases share a title"


def test_regen_replaces_only_the_expected_outputs() -> None:
    text = "Commentary.\n\nfirst\n.\nA\n.\nstale\nlines\n.\n\nsecond\n.\nB\n.\n.\n"
    new = regenerate_text(text, lambda source: f"<{source.strip()}>")
    assert new == "Commentary.\n\nfirst\n.\nA\n.\n<A>\n.\n\nsecond\n.\nB\n.\n<B>\n.\n"
    assert [case[1:] for case in read_fixture_file_text(new)] == [
        ["first", "A\n", "<A>\n"],
        ["second", "B\n", "<B>\n"],
    ]


def test_regen_refuses_an_unterminated_case() -> None:
    with pytest.raises(ValueError, match="ends inside a case"):
        regenerate_text("title\n.\nA\n.\n", lambda source: source)


def read_fixture_file_text(text: str) -> list[list[Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.md"
        path.write_text(text, encoding="utf-8")
        return read_fixture_file(path)
