"""Real site builds: ``mkdocs build --strict`` of a copy of a project, in a subprocess
(:mod:`build_tools.site_build`), with the output the tests assert on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The build command and the project copy live in build_tools (build_tools.screenshots builds too).
from build_tools.site_build import copy_project as copy_project
from build_tools.site_build import mkdocs_build as mkdocs_build


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path


def run_mkdocs_build(project: Path, site_dir: Path) -> BuildResult:
    """``mkdocs build --strict`` of ``project/mkdocs.yml`` (a real build)."""
    completed = mkdocs_build(project / "mkdocs.yml", site_dir)
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)
