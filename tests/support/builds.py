"""Real site builds: ``mkdocs build --strict`` of a copy of a project, in a subprocess
(:mod:`devtools.site_build`), with the output the tests assert on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The build command and the project copy live in devtools (devtools.screenshots builds too).
from devtools.site_build import ModulesMode
from devtools.site_build import copy_project as copy_project
from devtools.site_build import mkdocs_build as mkdocs_build


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path


def run_mkdocs_build(
    project: Path, site_dir: Path, *, modules: ModulesMode = "check"
) -> BuildResult:
    """``mkdocs build --strict`` of ``project/mkdocs.yml`` (a real build). ``modules="write"``:
    the build writes the generated modules (a copy whose decision tables a test changed, or that
    holds no committed modules); by default it checks them, as CI builds the project."""
    completed = mkdocs_build(project / "mkdocs.yml", site_dir, modules=modules)
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)
