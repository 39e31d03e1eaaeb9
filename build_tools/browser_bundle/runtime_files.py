"""The self-hosted Pyodide runtime: the core files of the npm package pinned in package.json.

Only four files are needed. ``loadPyodide`` also insists on a lock file (it fetches
``pyodide-lock.json`` and compares its ABI version, even with ``packages: []``; measured: without
it start-up fails after ~5 s with a JSON parse error of the 404 page). The 119 KB package index is
useless to us since we load no package, so :func:`minimal_lockfile` keeps only its ``info`` and
the worker passes that as ``lockFileContents``: no request, same check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path("node_modules") / "pyodide"
# The checkout that holds build_tools: test builds run from temporary copies of mkdocs.yml and
# docs/ (tests/conftest.py), which have no node_modules of their own.
CHECKOUT = Path(__file__).resolve().parents[2]
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
# The name each core file is published under. Every script ends in ``.js``: the stock MIME
# tables of nginx (Debian 12's ``mime.types``), IIS and others know ``.js`` but not ``.mjs``,
# and a module script or worker served as application/octet-stream is refused. The worker
# imports the module loader by this name and hands it ``pyodide.asm.js`` itself
# (``createPyodideModule``), so Pyodide never asks for a ``.mjs`` URL.
PUBLISHED_NAMES = {
    "pyodide.mjs": "pyodide.module.js",
    "pyodide.asm.mjs": "pyodide.asm.js",
    "pyodide.asm.wasm": "pyodide.asm.wasm",
    "python_stdlib.zip": "python_stdlib.zip",
}
LOCK_FILE = "pyodide-lock.json"
REMEDY = "run `npm ci` in the project root (Node.js 18+; it installs the pinned Pyodide)"


class RuntimeFilesError(RuntimeError):
    """The Pyodide npm package is missing, incomplete or not the pinned version."""


@dataclass(frozen=True)
class PyodideRuntime:
    directory: Path
    version: str
    lock_info: dict[str, object]

    @property
    def files(self) -> tuple[Path, ...]:
        """The core files to publish, in a fixed order."""
        return tuple(self.directory / name for name in CORE_FILES)


def pinned_version(project_root: Path) -> str | None:
    """The exact Pyodide version package.json asks for (None without a package.json)."""
    manifest = project_root / "package.json"
    if not manifest.exists():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    version = data.get("dependencies", {}).get("pyodide")
    return version if isinstance(version, str) else None


def locate_pyodide(project_root: Path) -> PyodideRuntime:
    """The installed Pyodide package of ``project_root`` (the folder of mkdocs.yml), else of the
    checkout that holds build_tools; checked against the package.json beside it."""
    for root in dict.fromkeys((project_root.resolve(), CHECKOUT)):
        if (root / PACKAGE_DIR / "package.json").exists():
            return _checked(root)
    return _checked(project_root)


def _checked(project_root: Path) -> PyodideRuntime:
    directory = project_root / PACKAGE_DIR
    package_json = directory / "package.json"
    if not package_json.exists():
        raise RuntimeFilesError(
            f"the calculator runtime is missing: {directory} does not exist -> {REMEDY}"
        )
    version = json.loads(package_json.read_text(encoding="utf-8")).get("version")
    if not isinstance(version, str):
        raise RuntimeFilesError(f"{package_json} has no version -> {REMEDY}")
    pinned = pinned_version(project_root)
    if pinned is not None and pinned != version:
        raise RuntimeFilesError(
            f"{directory} holds Pyodide {version} but package.json pins {pinned} -> {REMEDY}"
        )
    missing = [name for name in (*CORE_FILES, LOCK_FILE) if not (directory / name).is_file()]
    if missing:
        raise RuntimeFilesError(
            f"{directory} lacks {', '.join(missing)} (an incomplete install) -> {REMEDY}"
        )
    lock = json.loads((directory / LOCK_FILE).read_text(encoding="utf-8"))
    info = lock.get("info") if isinstance(lock, dict) else None
    if not isinstance(info, dict) or "abi_version" not in info:
        raise RuntimeFilesError(f"{directory / LOCK_FILE} has no 'info.abi_version' -> {REMEDY}")
    return PyodideRuntime(directory, version, info)


def minimal_lockfile(runtime: PyodideRuntime) -> dict[str, object]:
    """A lock file with the package's ``info`` and no packages: all ``loadPyodide`` checks."""
    return {"info": dict(runtime.lock_info), "packages": {}}
