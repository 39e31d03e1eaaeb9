"""Pack the ``calculators`` package into ``calculators.zip`` for the browser, plus its manifest.

The worker unpacks the zip into Pyodide's file system and imports ``calculators``. The archive is
deterministic (sorted names, fixed timestamps and permissions, fixed compression level), so the
same sources give the same bytes and the same SHA-256, which the manifest carries for cache
busting: the browser fetches ``calculators.zip?v=<hash>`` and keeps it until the content changes.

The site's bundle also carries bytecode for each source (``__pycache__/<module>.cpython-3XY.pyc``,
compiled by Pyodide's own Python, see precompile.py): the browser then imports without compiling,
while CPython on the command line ignores those files and reads the same sources.

The runtime comes from the installed ``calculators`` package; the compiled guideline modules
come from the decisions stage of *this* build (the texts it proved), never from whatever
happens to lie in ``calculators/guidelines/`` on disk.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import calculators
from build_tools.browser_bundle.runtime_files import (
    PUBLISHED_NAMES,
    PyodideRuntime,
    minimal_lockfile,
)
from build_tools.decisions import CompiledGuideline

PACKAGE = "calculators"
GUIDELINES = "guidelines"
RELEASED = "released"  # the superseded versions' modules (build_tools.versions.modules)
# 1980-01-01 is the earliest time a zip entry can hold.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Pyodide 314 restores a memory snapshot into a heap of its compiled default size, 30 MiB
# (INITIAL_MEMORY is not read by pyodide.asm.mjs), and fails with "offset is out of bounds"
# for a larger snapshot (pyodide/pyodide#6254): the worker neither saves nor resumes one whose
# heap is over this size (the file is a little larger: a header precedes the heap), and starts
# normally instead.
SNAPSHOT_MAX_BYTES = 30 * 1024 * 1024
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
DIR_MODE = (0o40755 << 16) | 0x10  # Unix mode and the MS-DOS directory flag


@dataclass(frozen=True)
class Bundle:
    data: bytes
    sha256: str
    guidelines: tuple[str, ...]


def package_sources(package_dir: Path | None = None) -> dict[str, bytes]:
    """Archive name -> bytes of every ``.py`` file of the runtime package, without compiled
    guideline modules (only ``guidelines/__init__.py`` and ``released/__init__.py``)."""
    root = package_dir or Path(calculators.__file__).parent
    sources: dict[str, bytes] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "__pycache__" in relative.parts:
            continue
        if relative.parts[0] in (GUIDELINES, RELEASED) and relative.name != "__init__.py":
            continue
        sources[f"{PACKAGE}/{relative.as_posix()}"] = path.read_bytes()
    return sources


def guideline_sources(compiled: Mapping[str, CompiledGuideline]) -> dict[str, bytes]:
    """Archive name -> bytes of each guideline's compiled module, as the decisions stage made
    it (the very text it proved)."""
    return {
        f"{PACKAGE}/{GUIDELINES}/{guideline.module_name}.py": guideline.module_text.encode()
        for guideline in compiled.values()
    }


def deterministic_zip(entries: Mapping[str, bytes | None]) -> bytes:
    """A zip whose bytes depend only on the names and contents (``None``: a folder entry).
    Also what precompile.py packs the standard library with."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            data = entries[name]
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = 3  # Unix, whatever system builds it
            if data is None:
                info.external_attr = DIR_MODE
                archive.writestr(info, b"")
            else:
                info.external_attr = FILE_MODE
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def build_bundle(
    compiled: Mapping[str, CompiledGuideline],
    package_dir: Path | None = None,
    bytecode: Callable[[Mapping[str, bytes]], Mapping[str, bytes]] | None = None,
    released: Mapping[str, str] | None = None,
) -> Bundle:
    """The bundle of the runtime package, the ``compiled`` guidelines (by id) and the
    ``released`` modules of superseded versions (module name -> text); ``bytecode`` maps the
    sources to extra archive entries (the site build passes precompile.bundle_bytecode)."""
    files = {**package_sources(package_dir), **guideline_sources(compiled)}
    for name, text in sorted((released or {}).items()):
        files[f"{PACKAGE}/{RELEASED}/{name}.py"] = text.encode()
    if bytecode is not None:
        files.update(bytecode(dict(files)))
    data = deterministic_zip(files)
    return Bundle(data, hashlib.sha256(data).hexdigest(), tuple(sorted(compiled)))


def manifest(
    bundle: Bundle,
    runtime: PyodideRuntime,
    pyodide_dir: str,
    bundle_path: str,
    stdlib_sha256: str | None = None,
    python_snapshot: bool = True,
) -> dict[str, object]:
    """``calculator-manifest.json``: what the worker loads, with versions for cache busting.

    ``pyodide_dir`` and ``bundle_path`` are relative to the site root; the worker resolves them
    against it, so the site works under any sub-path. ``stdlib_sha256`` is the hash of the
    ``python_stdlib.zip`` published: the worker asks for it with the hash as query string, since
    the precompiled zip keeps the file name (and so the URL) of the package's own.
    ``python_snapshot`` lets the worker save and resume a snapshot of Python (see worker.js).
    """
    stdlib = f"{pyodide_dir}{PUBLISHED_NAMES['python_stdlib.zip']}"
    return {
        "stdlib_zip": f"{stdlib}?v={stdlib_sha256[:16]}" if stdlib_sha256 else stdlib,
        "pyodide_version": runtime.version,
        "python_snapshot": python_snapshot,
        "python_snapshot_max_bytes": SNAPSHOT_MAX_BYTES,
        "pyodide_dir": pyodide_dir,
        # The names the core files are published under, inside pyodide_dir.
        "pyodide_files": {
            "loader": PUBLISHED_NAMES["pyodide.mjs"],
            "module": PUBLISHED_NAMES["pyodide.asm.mjs"],
            "wasm": PUBLISHED_NAMES["pyodide.asm.wasm"],
        },
        "pyodide_lock": minimal_lockfile(runtime),
        "calculators_sha256": bundle.sha256,
        "calculators_zip": f"{bundle_path}?v={bundle.sha256[:16]}",
        "guidelines": list(bundle.guidelines),
    }
