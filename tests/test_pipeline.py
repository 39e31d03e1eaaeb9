"""The build as one object (build_tools/pipeline.py): each stage runs once however many
consumers ask for it, and the generated modules are checked against what the content compiles
to (naming the remedy) and written only when asked.

One copy of the project and one build of it serve every test here (the decisions and releases
stages are the expensive part): each test leaves the copy's modules as the build writes them.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.pipeline import SiteBuild
from build_tools.render import renderer
from tests.support.builds import copy_project, run_mkdocs_build
from tests.support.paths import GUIDELINE, ROOT

MODULE = "calculators/guidelines/metastatic_breast_cancer.py"
RELEASED = "calculators/released"
USE_ELSEWHERE = f"{GUIDELINE}/use-elsewhere.md"
# The stages, where the pipeline calls them (the renderer's name too: it could build exports).
STAGES = (
    (pipeline, "load_site"),
    (pipeline, "compile_site"),
    (pipeline, "release_histories"),
    (pipeline, "guideline_exports"),
    (renderer, "guideline_exports"),
)


@dataclass
class Counted:
    build: SiteBuild
    calls: Counter[str]  # stage (exports: "guideline_exports <id>") -> calls


def _counting(
    name: str, stage: Callable[..., object], calls: Counter[str]
) -> Callable[..., object]:
    def counted(*args: object, **kwargs: object) -> object:
        if name == "guideline_exports":
            guideline = args[0]
            calls[f"{name} {guideline.meta.id}"] += 1  # type: ignore[attr-defined]
        else:
            calls[name] += 1
        return stage(*args, **kwargs)

    return counted


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project: its content, records and committed generated modules."""
    return copy_project(ROOT, tmp_path_factory.mktemp("pipeline"))


@pytest.fixture(scope="module")
def counted(project: Path) -> Counted:
    """One build of the copy, every stage counted while everything a site build asks of it is
    asked: the published files, the generated pages, a page listing the exports, every stage,
    the modules and their check."""
    calls: Counter[str] = Counter()
    with pytest.MonkeyPatch.context() as patch:
        for module, name in STAGES:
            patch.setattr(module, name, _counting(name, getattr(module, name), calls))
        build = SiteBuild.of(project)
        build.published_files()
        build.generated_pages()
        build.renderer.render(USE_ELSEWHERE)
        build.run()
        build.module_files()
        build.stale_modules()
    return Counted(build, calls)


@pytest.fixture
def build(counted: Counted) -> Iterator[SiteBuild]:
    """The copy's build, its modules as the build writes them before and after the test."""
    counted.build.write_modules()
    assert counted.build.stale_modules() == []
    yield counted.build
    counted.build.write_modules()


def _edit(path: Path) -> str:
    """Edit a generated module by hand; its text before."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "# edited by hand\n", encoding="utf-8")
    return text


# --- each stage once ----------------------------------------------------------------------------


def test_each_stage_runs_once(counted: Counted) -> None:
    guidelines = sorted(counted.build.content.guidelines)
    assert guidelines
    assert counted.calls == Counter(
        {
            "load_site": 1,
            "compile_site": 1,
            "release_histories": 1,
            **{f"guideline_exports {guideline}": 1 for guideline in guidelines},
        }
    )


def test_the_use_elsewhere_page_lists_the_published_exports(counted: Counted) -> None:
    html = counted.build.renderer.render(USE_ELSEWHERE).html
    published = counted.build.published_files()
    for export in counted.build.exports(GUIDELINE):
        assert published[export.path] == export.text
        assert f'href="../{export.path.removeprefix(f"{GUIDELINE}/")}"' in html


# --- the generated modules --------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [MODULE, f"{RELEASED}/metastatic_breast_cancer__1_1_0.py"],
    ids=["working", "released"],
)
def test_an_edited_module_is_stale_and_writing_the_modules_fixes_it(
    build: SiteBuild, project: Path, module: str
) -> None:
    path = project / module
    committed = _edit(path)
    [finding] = build.stale_modules()
    assert finding.file == module
    assert "the generated module is stale" in finding.message
    assert "make tables" in finding.remedy
    build.write_modules()
    assert build.stale_modules() == []
    assert path.read_text(encoding="utf-8") == committed


def test_a_missing_module_is_reported(build: SiteBuild, project: Path) -> None:
    (project / MODULE).unlink()
    [finding] = build.stale_modules()
    assert (finding.file, finding.line) == (MODULE, 1)
    assert "the generated module is missing" in finding.message
    assert "make tables" in finding.remedy
    build.write_modules()
    assert (project / MODULE).is_file()


def test_a_released_module_no_superseded_version_needs_is_reported(
    build: SiteBuild, project: Path
) -> None:
    module = f"{RELEASED}/metastatic_breast_cancer__0_9_0.py"
    kept = project / f"{RELEASED}/metastatic_breast_cancer__1_0_0.py"
    (project / module).write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
    [finding] = build.stale_modules()
    assert finding.file == module
    assert "no longer a superseded version's" in finding.message
    assert "make tables" in finding.remedy
    build.write_modules()
    assert not (project / module).exists()
    assert kept.is_file()
    assert build.stale_modules() == []


def _tables(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m build_tools.decisions`` run in the copy (-P: the copy's calculators/ folder
    must not shadow the package)."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "build_tools.decisions", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_the_tables_command_fails_on_a_stale_module_and_passes_once_written(
    build: SiteBuild, project: Path
) -> None:
    path = project / MODULE
    _edit(path)
    edited = path.read_text(encoding="utf-8")
    stale = _tables(project, "--check")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert f"{MODULE}:1: the generated module is stale" in stale.stderr
    assert "make tables" in stale.stderr
    assert path.read_text(encoding="utf-8") == edited  # --check writes nothing
    build.write_modules()  # what `make tables` (the command without --check) does
    current = _tables(project, "--check")
    assert current.returncode == 0, current.stdout + current.stderr
    assert "up to date" in current.stdout


@pytest.mark.slow  # a real MkDocs build (it stops at the check, before any page)
def test_the_site_build_fails_on_a_stale_module_naming_the_remedy(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "project")
    _edit(project / MODULE)
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert f"{MODULE}:1: the generated module is stale" in result.output
    assert "make tables" in result.output


def test_the_keyword_choices_are_the_build_options() -> None:
    """``SiteBuild.of(root, **choices)`` takes every option but the root, typed: one list."""
    fields = [field.name for field in dataclasses.fields(pipeline.BuildOptions)]
    assert fields[0] == "project_root"
    assert list(pipeline.BuildChoices.__annotations__) == fields[1:]
