"""The compiler: deterministic, stdlib-only, up to date, and the standalone command."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_tools.decisions.from_content import load_sources
from build_tools.tables import build, compile_module, module_name, write_module
from calculators.runtime import module_data
from calculators.runtime.errors import CompiledModuleError
from calculators.runtime.records import read_compiled_module
from tests.support.paths import REAL_GUIDELINE, ROOT
from tests.support.tables import DEMO_DOCS, demo_source, module_from_source

GENERATED = ROOT / "calculators" / "guidelines" / "metastatic_breast_cancer.py"


def _run_tables(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the package also when run from elsewhere
    return subprocess.run(
        [sys.executable, "-m", "build_tools.decisions", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_compiling_twice_gives_identical_bytes() -> None:
    first = compile_module(build(load_sources(ROOT / "docs", ROOT)[REAL_GUIDELINE.name]))
    second = compile_module(build(load_sources(ROOT / "docs", ROOT)[REAL_GUIDELINE.name]))
    assert first.encode() == second.encode()


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_the_committed_module_is_up_to_date() -> None:
    completed = _run_tables("--check")
    assert completed.returncode == 0, completed.stderr
    assert "metastatic-breast-cancer" in completed.stdout
    assert "up to date" in completed.stdout


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_check_reports_a_stale_module_and_writes_nothing(tmp_path: Path) -> None:
    stale = tmp_path / "metastatic_breast_cancer.py"
    stale.write_text("# stale\n", encoding="utf-8")
    completed = _run_tables("--check", "--out", str(tmp_path))
    assert completed.returncode == 1
    assert "stale" in completed.stderr
    assert stale.read_text(encoding="utf-8") == "# stale\n"


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_standalone_command_writes_the_module(tmp_path: Path) -> None:
    completed = _run_tables("--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "metastatic_breast_cancer.py").read_bytes() == GENERATED.read_bytes()


def test_standalone_command_fails_with_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(DEMO_DOCS, tmp_path / "docs")
    docs = (tmp_path / "docs" / "demo-guideline").rename(tmp_path / "docs" / "broken-guideline")
    index = docs / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("id: demo-guideline", "id: broken-guideline"),
        encoding="utf-8",
    )
    treatment = docs / "treatment.md"
    text = treatment.read_text(encoding="utf-8")
    treatment.write_text(
        text.replace("items: [demo-treat-b]", "items: [demo-treat-z]"), encoding="utf-8"
    )
    completed = _run_tables("--docs", "docs", "--out", "out", cwd=tmp_path)
    assert completed.returncode == 1
    assert "docs/broken-guideline/treatment.md:57: rule demo-negative-treatment" in completed.stderr
    assert "unknown item id 'demo-treat-z'" in completed.stderr


def test_write_module_rewrites_only_on_change(tmp_path: Path) -> None:
    model = build(demo_source())
    path = write_module(model, tmp_path)
    stamp = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert write_module(model, tmp_path) == path
    assert path.stat().st_mtime_ns == stamp
    assert path.name == f"{module_name('demo-guideline')}.py" == "demo_guideline.py"


def test_generated_module_imports_only_the_standard_library() -> None:
    """At run time; the record types of the contract are imported for type checkers only."""
    tree = ast.parse(GENERATED.read_text(encoding="utf-8"))
    type_only = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    run_time = [node for node in tree.body if node not in type_only]
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for top in run_time
        for node in ast.walk(top)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported == {"__future__", "collections.abc", "typing"}
    assert [ast.unparse(node.body[0]).split(" import ")[0] for node in type_only] == [
        "from calculators.runtime.module_data"
    ]


def test_mypy_strict_checks_generated_modules_against_the_contract(tmp_path: Path) -> None:
    """The generated literals are checked against calculators.runtime.module_data: a module of
    another guideline passes, and one whose record lacks a key of the contract fails."""
    good = compile_module(build(demo_source()))
    bad = good.replace('"exclusive_min": ', '"exclusive_minimum": ', 1)
    assert bad != good
    for name, text in (("demo_good", good), ("demo_bad", bad)):
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            str(tmp_path / "demo_good.py"),
            str(tmp_path / "demo_bad.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "MYPYPATH": str(ROOT)},
    )
    errors = [line for line in completed.stdout.splitlines() if ": error:" in line]
    assert errors, completed.stdout
    assert all(line.startswith(str(tmp_path / "demo_bad.py")) for line in errors), errors
    assert any('Missing key "exclusive_min" for TypedDict "InputData"' in line for line in errors)


def _annotations(tree: ast.Module) -> dict[str, str]:
    return {
        node.target.id: ast.unparse(node.annotation)
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }


def test_the_generated_constants_are_those_of_the_contract() -> None:
    """The constants a module holds, and their annotations, are those of ModuleData: what the
    runtime reads the module by (calculators.runtime.records)."""
    contract = ast.parse(Path(module_data.__file__).read_text(encoding="utf-8"))
    declared = next(
        node
        for node in contract.body
        if isinstance(node, ast.ClassDef) and node.name == "ModuleData"
    )
    expected = {
        node.target.id: ast.unparse(node.annotation)
        for node in declared.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    for text in (GENERATED.read_text(encoding="utf-8"), compile_module(build(demo_source()))):
        assert _annotations(ast.parse(text)) == expected


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"exclusive_min": False',
            '"exclusive_min": 0',
            r"INPUTS\[sex\] exclusive_min is not true or false",
        ),
        ('"min": None', '"min": "0"', r"INPUTS\[sex\] min is not a number or null"),
        (
            '"label": {"clinician": "Sex", ',
            '"label": {',
            r"INPUTS\[sex\] label is not a record "
            r"of the expected keys \(missing: clinician; unexpected: none\)",
        ),
        (
            '"citations": [1]',
            '"citations": [True]',
            r"ITEMS\[demo-test-markers\] citations is "
            r"not a list of integers \(ITEMS\[demo-test-markers\] citations\[0\] is True\)",
        ),
        (
            '"general": False,',
            '"general": False, "note": "",',
            r"ITEMS\[demo-male-out-of-scope\] "
            r"is not a record of the expected keys \(missing: none; unexpected: note\)",
        ),
        ('"line": 32', '"line": "32"', r"TABLES\[scope\] line is not an integer"),
        (
            '"status": None',
            '"status": 2',
            r"TABLES\[scope\] rules\[demo-female\] then status "
            "is not text or null",
        ),
        (
            '"when": {"sex": "male"}',
            '"when": {"sex": 1}',
            r"TABLES\[scope\] rules\[demo-male\] "
            r"when\[sex\] is not text",
        ),
        (
            '"output": {"name": "scope", "values": ["in_scope", "out_of_scope"]}',
            '"output": ["scope"]',
            r"TABLES\[scope\] output is not a dict",
        ),
        (
            "TABLE_ORDER: list[str] = [",
            "TABLE_ORDER: list[str] = [7, ",
            "TABLE_ORDER is not a list of texts",
        ),
    ],
)
def test_the_runtime_reads_a_module_by_the_contract(old: str, new: str, message: str) -> None:
    """A value whose type is not the contract's is refused, naming the record and the key."""
    text = compile_module(build(demo_source()))
    assert old in text
    read_compiled_module(module_from_source(text, "demo"))
    with pytest.raises(CompiledModuleError, match=rf"^drifted: {message}.*; rebuild it"):
        read_compiled_module(module_from_source(text.replace(old, new, 1), "drifted"))


def test_every_rule_test_names_its_source_file_and_line() -> None:
    source = GENERATED.read_text(encoding="utf-8")
    module = module_from_source(source, "mbc")
    for table in module.TABLES:
        assert f"# Table {table['id']}: " in source
        tests = module.TABLE_RULES[table["id"]]
        assert [rule_id for rule_id, _ in tests] == [rule["id"] for rule in table["rules"]]
        for (rule_id, test), rule in zip(tests, table["rules"], strict=True):
            where = f"Rule {rule_id} of table {table['id']} — {table['file']}:{rule['line']}"
            assert where in (test.__doc__ or "")


@pytest.mark.parametrize("bad", ["Metastatic", "a_b", "../x", ""])
def test_module_name_rejects_ids_that_are_not_slugs(bad: str) -> None:
    with pytest.raises(ValueError, match="lower-case"):
        module_name(bad)
