"""The tree keeps the shape ARCHITECTURE.md draws: imports go one way, Python stays in Python
files, and every path the map names exists."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

# package -> packages it must never import (upstream stages, or the plugin that drives them)
FORBIDDEN_IMPORTS = {
    "build_tools.markdown": (
        "build_tools.interchange",
        "build_tools.content",
        "build_tools.decisions",
        "build_tools.tables",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.content": (
        "build_tools.interchange",
        "build_tools.decisions",
        "build_tools.releases",
        "build_tools.tables",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.tables": (
        "build_tools.interchange",
        "build_tools.content",
        "build_tools.decisions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.decisions": (
        "build_tools.interchange",
        "build_tools.releases",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.releases": (
        "build_tools.interchange",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.render": (
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.browser_bundle": (
        "build_tools.render",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.interchange": (
        "build_tools.decisions",
        "build_tools.releases",
        "build_tools.changes",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "build_tools.changes": (
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        "build_tools.plugin",
    ),
    "calculators": ("build_tools", "tests"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _python_files() -> list[Path]:
    return sorted(
        path for folder in ("build_tools", "calculators") for path in (ROOT / folder).rglob("*.py")
    )


@pytest.mark.parametrize("path", _python_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_go_one_way(path: Path) -> None:
    module = _module_name(path)
    for package, forbidden in FORBIDDEN_IMPORTS.items():
        if module == package or module.startswith(package + "."):
            wrong = sorted(
                name
                for name in _imports(path)
                for banned in forbidden
                if name == banned or name.startswith(banned + ".")
            )
            assert not wrong, f"{module} imports {wrong}: see ARCHITECTURE.md, 'What lives where'"


# Third-party packages of pyproject's dev extra that only the tests use (the FHIR export's
# conditions are checked by fhirpathpy; the build writes them with fhir.resources, a main
# dependency). Playwright is dev-only too, but `make screenshots` (build_tools/) drives it.
DEV_ONLY_IMPORTS = ("fhirpathpy", "pytest", "hypothesis", "jsonschema", "xmlschema")


@pytest.mark.parametrize("path", _python_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_build_and_the_runtime_import_no_dev_only_package(path: Path) -> None:
    wrong = sorted(name for name in _imports(path) if name.split(".")[0] in DEV_ONLY_IMPORTS)
    assert not wrong, f"{_module_name(path)} imports {wrong}: a dev-only package"


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "calculators").rglob("*.py")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_the_runtime_imports_the_standard_library_only(path: Path) -> None:
    """calculators/ runs in Pyodide and from the command line with Python alone."""
    allowed = {*sys.stdlib_module_names, "calculators"}
    wrong = sorted(name for name in _imports(path) if name.split(".")[0] not in allowed)
    assert not wrong, f"{_module_name(path)} imports {wrong}: calculators/ is stdlib-only"


def test_no_python_source_inside_javascript() -> None:
    """Python run in Pyodide lives in .py files (typed, linted, tested in CPython); JavaScript
    only imports and calls it."""
    embedded = re.compile(r"runPython(Async)?\(\s*`")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "build_tools").rglob("*"))
        if path.suffix in (".js", ".mjs") and embedded.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_path_the_map_names_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = {
        match.group(1).rstrip("/")
        for match in re.finditer(
            r"`((?:build_tools|calculators|tests|benchmarks|docs)/[^`*<>]+)`", text
        )
    }
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert named
    assert missing == []


def test_every_package_is_on_the_map() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = sorted(
        str(path.parent.relative_to(ROOT)) for path in (ROOT / "build_tools").rglob("__init__.py")
    )
    assert [package for package in packages if f"`{package}/`" not in text] == []
