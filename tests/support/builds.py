"""Real site builds: ``mkdocs build --strict`` of a copy of a project, in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path


def run_mkdocs_build(project: Path, site_dir: Path) -> BuildResult:
    """``mkdocs build --strict`` of ``project/mkdocs.yml`` in a subprocess (a real build)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    completed = subprocess.run(
        # -P: the project copy holds a compiled calculators/ folder that must not shadow the
        # real package on sys.path.
        [
            sys.executable,
            "-P",
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)


def copy_project(source: Path, destination: Path) -> Path:
    """Copy what a build reads (mkdocs.yml and docs/) into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(source / "docs", destination / "docs")
    return destination
