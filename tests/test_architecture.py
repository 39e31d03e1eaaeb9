"""The tree keeps the shape ARCHITECTURE.md draws: the engine (build_tools/) builds with MkDocs
blocked, only its MkDocs adapter imports MkDocs, imports go one way and form no cycle, the
map's "depends on" column is what the code imports, Python stays in Python files, and every path
the map names exists."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT

ARCHITECTURE = ROOT / "ARCHITECTURE.md"
# The code the graph below is computed from (tests/ imports it; nothing imports tests/).
CODE = ("build_tools", "calculators", "devtools", "benchmarks")
ADAPTER = "build_tools.mkdocs_plugin"  # the only code that imports MkDocs
PIPELINE = "build_tools.pipeline"

# package -> what it must never import: later stages, the pipeline that runs them, the MkDocs
# adapter that drives it, and what is not shipped. A command line (a package's ``__main__``)
# is a consumer of the pipeline, like the adapter: it alone may import build_tools.pipeline.
FORBIDDEN_IMPORTS = {
    "build_tools": ("devtools", "benchmarks", "tests"),
    "build_tools.markdown": (
        "build_tools.content",
        "build_tools.tables",
        "build_tools.decisions",
        "build_tools.interchange",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.content": (
        "build_tools.tables",
        "build_tools.decisions",
        "build_tools.interchange",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.tables": (
        "build_tools.markdown",
        "build_tools.content",
        "build_tools.decisions",
        "build_tools.interchange",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.decisions": (
        "build_tools.interchange",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.interchange": (
        "build_tools.decisions",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.versions": (
        "build_tools.render",
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.render": (
        "build_tools.browser_bundle",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.browser_bundle": (
        "build_tools.render",
        "build_tools.hosting",
        PIPELINE,
        ADAPTER,
    ),
    "build_tools.hosting": (
        "build_tools.content",
        "build_tools.tables",
        "build_tools.decisions",
        "build_tools.interchange",
        "build_tools.versions",
        "build_tools.render",
        "build_tools.browser_bundle",
        PIPELINE,
        ADAPTER,
    ),
    PIPELINE: (ADAPTER,),
    "calculators": ("build_tools", "devtools", "benchmarks", "tests"),
    # The developer tools serve the tests and the benchmarks, never the other way round.
    "devtools": ("benchmarks", "tests"),
}

# Modules of build_tools no Python of this project imports: each runs in an interpreter of its
# own. The MkDocs-blocked import below leaves them out.
RUN_ELSEWHERE = {
    # make dmn-second-opinion runs it with .venv-pydmnrules' Python (pyDMNrules is not ours)
    "build_tools.interchange.pydmnrules_eval",
}


# --- what imports what ------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _modules() -> dict[str, Path]:
    """Every module of the code (name -> file)."""
    return {
        _module_name(path): path
        for folder in CODE
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def _is_command_line(module: str) -> bool:
    return module.rpartition(".")[2] == "__main__"


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST, *, type_checking: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    pending = list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and not type_checking and _type_checking_only(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        pending.extend(ast.iter_child_nodes(node))


@functools.cache
def _imports(path: Path, *, type_checking: bool = True) -> frozenset[str]:
    """The modules ``path`` imports (``from a import b`` names ``a.b`` when that is a module of
    ours); ``type_checking=False`` leaves out what only ``if TYPE_CHECKING:`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _import_nodes(tree, type_checking=type_checking):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        assert node.level == 0, f"{path.relative_to(ROOT)}:{node.lineno}: a relative import"
        assert node.module is not None
        submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(_modules())
        found.update(submodules)
        if len(submodules) < len(node.names):
            found.add(node.module)
    return frozenset(found)


def _unit(module: str) -> str | None:
    """What ARCHITECTURE.md calls a module: its innermost package under build_tools
    (``content``, ``versions/changes``), its own name at build_tools' top (``pipeline``,
    ``findings``), ``calculators`` for the runtime; None for anything else."""
    parts = module.split(".")
    if parts[0] == "calculators":
        return "calculators"
    if parts[0] != "build_tools" or len(parts) == 1:
        return None
    package = parts if ROOT.joinpath(*parts).is_dir() else parts[:-1]
    return parts[1] if len(package) == 1 else "/".join(package[1:])


@functools.cache
def _engine_graph() -> dict[str, frozenset[str]]:
    """Each unit of build_tools -> the other units (and calculators) it imports. Command lines
    (``__main__``) are left out: like the adapter, they consume the pipeline."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in _modules().items():
        unit = _unit(module)
        if unit is None or unit == "calculators" or _is_command_line(module):
            continue
        graph[unit] |= set()
        for name in _imports(path, type_checking=False):
            other = _unit(name)
            if other is not None and other != unit:
                graph[unit].add(other)
    return {unit: frozenset(found) for unit, found in graph.items()}


# --- one way ----------------------------------------------------------------------------------


def _python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", _python_files("build_tools", "calculators", "devtools"), ids=_ids)
def test_imports_go_one_way(path: Path) -> None:
    module = _module_name(path)
    for package, forbidden in FORBIDDEN_IMPORTS.items():
        if module == package or module.startswith(package + "."):
            wrong = sorted(
                name
                for name in _imports(path)
                for banned in forbidden
                if (name == banned or name.startswith(banned + "."))
                and not (banned == PIPELINE and _is_command_line(module))
            )
            assert not wrong, f"{module} imports {wrong}: see ARCHITECTURE.md, 'What lives where'"


def test_only_the_adapter_imports_mkdocs() -> None:
    """build_tools/mkdocs_plugin/ is the MkDocs adapter; everything else works without MkDocs
    (and without its theme, mkdocs-material)."""
    wrong = sorted(
        f"{module} imports {name}"
        for module, path in _modules().items()
        if not (module == ADAPTER or module.startswith(ADAPTER + "."))
        for name in _imports(path)
        if name.partition(".")[0] in ("mkdocs", "material")
    )
    assert wrong == []


def test_nothing_imports_a_command_line() -> None:
    wrong = sorted(
        f"{_ids(path)} imports {name}"
        for path in [*_modules().values(), *_python_files("tests")]
        for name in _imports(path)
        if _is_command_line(name)
    )
    assert wrong == []


# Third-party packages of pyproject's dev extra: the tests, the developer tools (devtools/: not
# shipped) and the benchmarks use them, the build and the runtime never (the FHIR export's
# conditions are checked by fhirpathpy; the build writes them with fhir.resources, a main
# dependency). Playwright drives Chromium for devtools/screenshots.py, the browser tests and
# benchmarks/bench_site.py.
DEV_ONLY_IMPORTS = ("fhirpathpy", "pytest", "hypothesis", "jsonschema", "xmlschema", "playwright")


@pytest.mark.parametrize("path", _python_files("build_tools", "calculators"), ids=_ids)
def test_the_build_and_the_runtime_import_no_dev_only_package(path: Path) -> None:
    wrong = sorted(name for name in _imports(path) if name.split(".")[0] in DEV_ONLY_IMPORTS)
    assert not wrong, f"{_module_name(path)} imports {wrong}: a dev-only package"


@pytest.mark.parametrize("path", _python_files("calculators"), ids=_ids)
def test_the_runtime_imports_the_standard_library_only(path: Path) -> None:
    """calculators/ runs in Pyodide and from the command line with Python alone."""
    allowed = {*sys.stdlib_module_names, "calculators"}
    wrong = sorted(name for name in _imports(path) if name.split(".")[0] not in allowed)
    assert not wrong, f"{_module_name(path)} imports {wrong}: calculators/ is stdlib-only"


# --- no cycle ---------------------------------------------------------------------------------


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (its nodes, the first repeated at the end), or None."""
    state: dict[str, str] = {}  # node -> "open" while on the path, "done" after

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for after in sorted(graph.get(node, ())):
            if state.get(after) == "open":
                return [*path[path.index(after) :], after]
            if after not in state and (found := visit(after, [*path, after])):
                return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_packages_of_build_tools_form_no_cycle() -> None:
    """Between the top-level packages and modules of build_tools (the changelog engine counted
    with versions/), imports form no cycle; TYPE_CHECKING-only imports and command lines
    aside."""
    graph: dict[str, set[str]] = defaultdict(set)
    for unit, imported in _engine_graph().items():
        top = unit.split("/")[0]
        graph[top] |= {other.split("/")[0] for other in imported} - {top}
    assert _cycle(graph) is None


VERSIONS = "build_tools.versions"
CHANGES = "build_tools.versions.changes"
# The released version as data, below the changelog engine; history.py, approval.py, stage.py,
# modules.py and review.py sit above it (they compute, keep and check changelogs).
VERSION_RECORDS = ("record", "points", "store")


def _versions_imports(path: Path) -> set[str]:
    """What ``path`` imports of build_tools/versions/ outside the changelog engine."""
    return {
        name
        for name in _imports(path, type_checking=False)
        if name.startswith(VERSIONS + ".") and not name.startswith(CHANGES)
    }


@pytest.mark.parametrize("path", _python_files("build_tools/versions/changes"), ids=_ids)
def test_the_changelog_engine_reads_versions_only_through_their_records(path: Path) -> None:
    """The changelog engine compares two versions' records (record.py); its command line also
    finds them (store.py). Nothing of it imports the history, the approval, the releases stage,
    the released modules or the review, which use it."""
    names = VERSION_RECORDS if _is_command_line(_module_name(path)) else ("record",)
    allowed = {f"{VERSIONS}.{name}" for name in names}
    assert _versions_imports(path) <= allowed


@pytest.mark.parametrize("name", VERSION_RECORDS)
def test_the_version_records_import_nothing_of_the_changelog_engine(name: str) -> None:
    path = ROOT / "build_tools" / "versions" / f"{name}.py"
    assert sorted(module for module in _imports(path) if module.startswith(CHANGES)) == []


# --- MkDocs blocked ---------------------------------------------------------------------------

# Run in a fresh Python: import every module of the engine (but the adapter) with MkDocs and
# mkdocs-material made unimportable, then build. An import of either, even one caught, fails.
WITHOUT_MKDOCS = """\
import importlib
import importlib.abc
import sys
from pathlib import Path

attempts = []


class NoMkDocs(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("mkdocs", "material"):
            attempts.append(name)
            raise ImportError(f"{name} is blocked: the engine builds without MkDocs")
        return None


sys.meta_path.insert(0, NoMkDocs())
assert not [name for name in sys.modules if name.partition(".")[0] in ("mkdocs", "material")]
root = Path(sys.argv[1])
for module in sys.argv[2:]:
    importlib.import_module(module)
"""

# Cheap: load and check the content, render every page (no decision tables), the exports.
LOAD_AND_RENDER = """\
from build_tools.pipeline import BuildOptions, SiteBuild

build = SiteBuild(BuildOptions(root, tables=False))
assert build.renderer.render("index.md").html
for src_uri in sorted(build.content.pages):
    assert build.renderer.render(src_uri).html, src_uri
build.published_files()
assert attempts == [], attempts
print("built without MkDocs")
"""

# The whole build (~25 s): every stage, every page, the published files, the browser bundle.
WHOLE_BUILD = """\
from build_tools.browser_bundle.publish import calculator_files
from build_tools.pipeline import build_site

build = build_site(root)
assert build.compiled and build.histories
for src_uri in [*sorted(build.content.pages), *sorted(build.generated_pages())]:
    assert build.renderer.render(src_uri).html, src_uri
assert build.published_files()
assert calculator_files(root, build.compiled, build.released).files
assert attempts == [], attempts
print("built without MkDocs")
"""


def _engine_modules() -> list[str]:
    return sorted(
        module
        for module in _modules()
        if module.startswith("build_tools")
        and not (module == ADAPTER or module.startswith(ADAPTER + "."))
        and module not in RUN_ELSEWHERE
    )


def _without_mkdocs(steps: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_MKDOCS + steps, str(ROOT), *_engine_modules()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "built without MkDocs" in run.stdout


def test_the_engine_loads_and_renders_with_mkdocs_blocked() -> None:
    _without_mkdocs(LOAD_AND_RENDER)


@pytest.mark.slow
def test_the_engine_builds_everything_with_mkdocs_blocked() -> None:
    _without_mkdocs(WHOLE_BUILD)


# --- the map ----------------------------------------------------------------------------------


def _map_rows() -> dict[str, set[str]]:
    """The rows of ARCHITECTURE.md's "What lives where" that name a unit of build_tools (a
    package, ``build_tools/<name>/``, or a module at its top, ``build_tools/<name>.py``): unit
    -> its "depends on" column, as a set (notes in parentheses and "—" left out)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## What lives where", 1)[1].split("\n#", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        named = re.match(r"\| `build_tools/([^`]+)`", line)
        if named is None:
            continue
        cells = line.strip().strip("|").split("|")
        assert len(cells) == 3, f"ARCHITECTURE.md: a row of three cells: {line[:80]}"
        path = named.group(1)
        if path.endswith("/") and (ROOT / "build_tools" / path / "__init__.py").is_file():
            unit = path.rstrip("/")
        elif "/" not in path and path.endswith(".py"):
            unit = path.removesuffix(".py")
        else:
            continue
        column = re.sub(r"\([^)]*\)", "", cells[2])
        rows[unit] = {name.strip() for name in column.split(",")} - {"", "—"}
    return rows


@pytest.mark.parametrize("unit", sorted(_engine_graph()))
def test_the_maps_depends_on_column_is_what_the_code_imports(unit: str) -> None:
    rows = _map_rows()
    folder = (ROOT / "build_tools" / unit).is_dir()
    named = f"build_tools/{unit}/" if folder else f"build_tools/{unit}.py"
    assert unit in rows, f"ARCHITECTURE.md, 'What lives where': no row for `{named}`"
    expected = ", ".join(sorted(_engine_graph()[unit])) or "—"
    assert rows[unit] == _engine_graph()[unit], (
        f"ARCHITECTURE.md, 'What lives where': the row of `{named}` says it depends on "
        f"{', '.join(sorted(rows[unit])) or '—'}; it imports {expected}"
    )


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
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = {
        match.group(1).rstrip("/")
        for match in re.finditer(
            r"`((?:build_tools|calculators|devtools|tests|benchmarks|docs|releases|screenshots)"
            r"/[^`*<>]+)`",
            text,
        )
    }
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert named
    assert missing == []


def test_every_package_is_on_the_map() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted(
        str(path.parent.relative_to(ROOT))
        for folder in ("build_tools", "devtools")
        for path in (ROOT / folder).rglob("__init__.py")
    )
    assert [package for package in packages if f"`{package}/`" not in text] == []
