"""Rewrite the expected outputs of the Markdown fixture files from what the code does now.
Run it from the repository root with the project's environment::

    .venv/bin/python -m tests.markdown.regen            # every fixture file
    .venv/bin/python -m tests.markdown.regen links.md   # the files of that name (fixtures/links.md
                                                        # and fixtures/collected/links.md)

Titles, inputs and the commentary between cases are kept; only each case's expected-output
section is replaced. Read the diff (``git diff tests/markdown/fixtures``) before committing it:
a changed output is either the change you meant or a regression.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.support.markdown_fixtures import (
    COLLECTED_FIXTURES,
    RULE_FIXTURES,
    as_fixture_output,
    collect_page,
    fixture_files,
    render_rule_fixture,
)


def regenerate_text(text: str, produce: Callable[[str], str]) -> str:
    """``text`` (a fixture file) with every expected output replaced by ``produce(input)``,
    reading the sections as :func:`markdown_it.utils.read_fixture_file` does."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    section, start = 0, 0
    for index, line in enumerate(lines):
        if line.rstrip() != ".":
            if section != 2:
                out.append(line)
            continue
        if section == 0:
            section = 1
        elif section == 1:
            source = "".join(lines[start + 1 : index])
            section = 2
        else:
            out.append(as_fixture_output(produce(source)))
            section = 0
        out.append(line)
        start = index
    if section != 0:
        raise ValueError("the fixture file ends inside a case (a '.' line is missing)")
    return "".join(out)


def regenerate(path: Path, produce: Callable[[str], str]) -> bool:
    """Rewrite ``path``; ``True`` when anything changed."""
    old = path.read_text(encoding="utf-8")
    new = regenerate_text(old, produce)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(names: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        producers: list[tuple[Path, Callable[[str], str]]] = [
            *((path, render_rule_fixture) for path in fixture_files(RULE_FIXTURES)),
            *(
                (path, lambda text: collect_page(text, Path(folder)))
                for path in fixture_files(COLLECTED_FIXTURES)
            ),
        ]
        for path, produce in producers:
            if names and path.name not in names:
                continue
            changed = regenerate(path, produce)
            print(f"{'rewritten' if changed else 'unchanged'}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
