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


def test_compiling_twice_gives_identical_bytes() -> None:
    first = compile_module(build(load_sources(ROOT / "docs", ROOT)[REAL_GUIDELINE.name]))
    second = compile_module(build(load_sources(ROOT / "docs", ROOT)[REAL_GUIDELINE.name]))
    assert first.encode() == second.encode()


def test_the_committed_module_is_up_to_date() -> None:
    completed = _run_tables("--check")
    assert completed.returncode == 0, completed.stderr
    assert "metastatic-breast-cancer" in completed.stdout
    assert "up to date" in completed.stdout


def test_check_reports_a_stale_module_and_writes_nothing(tmp_path: Path) -> None:
    stale = tmp_path / "metastatic_breast_cancer.py"
    stale.write_text("# stale\n", encoding="utf-8")
    completed = _run_tables("--check", "--out", str(tmp_path))
    assert completed.returncode == 1
    assert "stale" in completed.stderr
    assert stale.read_text(encoding="utf-8") == "# stale\n"


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
