"""Python bytecode compiled at build time by the browser's own Python, cached between builds.

Pyodide's ``python_stdlib.zip`` holds ``.py`` sources only, so every start in the browser
compiles the modules Python imports on the way up: measured, most of the ~4-5 s start-up on a
2-core machine. This module publishes instead:

* the standard library as **sourceless bytecode** (``json/__init__.pyc`` where
  ``json/__init__.py`` was), the layout ``zipimport`` loads without any source (it looks for
  ``<name>.pyc`` before ``<name>.py`` and never in ``__pycache__``), and the one Pyodide's own
  build uses when it precompiles (``pyodide-build``: ``name + "c"`` replaces ``name``);
* the ``calculators`` bundle with a ``__pycache__/<module>.<cache_tag>.pyc`` beside each source:
  the importer of a plain folder takes it without compiling; CPython on the command line
  ignores it (another cache tag) and reads the same sources.

The compiler is Pyodide's CPython itself, run in Node.js by ``precompile.mjs``: bytecode is only
valid for one interpreter version (the magic number), and that is the exact build the browser
loads. The pycs are hash-based and unchecked (PEP 552): no time stamps, no source reads.

A Node.js start plus the whole standard library takes ~10-20 s, so the results are cached,
keyed by the Pyodide version and a hash of every input (the sources, the compiler's scripts and
:data:`FORMAT`), in ``<checkout>/.cache/calculator/`` (``$GUIDELINE_CACHE_DIR`` overrides it).
Builds from temporary copies of the project (the tests) share the checkout's cache.
``GUIDELINE_PRECOMPILE=0`` publishes the npm package's files as they are (no Node.js needed).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from build_tools.browser_bundle.bundle import deterministic_zip
from build_tools.browser_bundle.runtime_files import PyodideRuntime
from build_tools.cache_dirs import CACHE_ENV

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SCRIPT = Path(__file__).with_name("precompile.mjs")
# The Python that script runs inside Pyodide: part of the recipe like the script itself.
COMPILER = Path(__file__).with_name("compile_in_pyodide.py")
SWITCH_ENV = "GUIDELINE_PRECOMPILE"
# Bump when the recipe changes in a way the hashed inputs do not show.
FORMAT = "1"
NODE_TIMEOUT_S = 900
# Where the worker unpacks calculators.zip (worker.js: BUNDLE_DIR); tracebacks name it.
BUNDLE_DIR = "/lib/calculators-bundle"
# Cached files kept per kind (the newest ones): a few Pyodide versions, a few content edits.
KEEP = {"stdlib": 3, "calculators": 12}


class PrecompileError(RuntimeError):
    """Bytecode could not be made (no Node.js, or the compiler failed)."""


@dataclass(frozen=True)
class Stdlib:
    """The ``python_stdlib.zip`` to publish."""

    path: Path
    sha256: str
    precompiled: bool


def enabled() -> bool:
    return os.environ.get(SWITCH_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def cache_dir(runtime: PyodideRuntime) -> Path:
    """``$GUIDELINE_CACHE_DIR``, else ``.cache/calculator`` beside the ``node_modules`` used."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return runtime.directory.parent.parent / ".cache" / "calculator"


def stdlib_prefix(runtime: PyodideRuntime) -> str:
    """Where Pyodide puts the standard library zip: ``/lib/python3XY.zip``."""
    version = str(runtime.lock_info.get("python", ""))
    major, _, rest = version.partition(".")
    minor = rest.partition(".")[0]
    if not (major.isdigit() and minor.isdigit()):
        raise PrecompileError(f"pyodide-lock.json names no Python version ({version!r})")
    return f"/lib/python{major}{minor}.zip"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _recipe_key(runtime: PyodideRuntime, kind: str, *parts: str) -> str:
    """A hash of everything that decides the output, besides the sources themselves."""
    digest = hashlib.sha256()
    # The packing lives in bundle.py: its own code, not the whole module, is part of the recipe.
    packing = inspect.getsource(deterministic_zip)
    for part in (
        FORMAT,
        kind,
        runtime.version,
        sha256_file(SCRIPT),
        sha256_file(COMPILER),
        sha256_file(Path(__file__)),
        packing,
        *parts,
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


# --- the cache ------------------------------------------------------------------------------


def _cached(directory: Path, name: str) -> Path | None:
    path = directory / name
    if not path.is_file():
        return None
    with contextlib.suppress(OSError):  # a read-only cache is still a cache
        os.utime(path)  # recently used: kept by _store's pruning
    return path


def _store(directory: Path, name: str, data: bytes, kind: str) -> Path:
    """Write atomically (two builds at once never see half a file), then prune old entries."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{name}.", delete=False) as temp:
            temp.write(data)
        os.chmod(temp.name, 0o644)
        os.replace(temp.name, path)
    except OSError as error:
        raise PrecompileError(
            f"cannot write the build cache {directory} ({error.strerror}) -> set {CACHE_ENV} "
            "to a writable folder"
        ) from None
    entries = sorted(directory.glob(f"{kind}-*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP[kind] :]:
        with contextlib.suppress(OSError):
            old.unlink()
    return path


# --- running Pyodide's Python ---------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path
    prefix: str


@dataclass(frozen=True)
class Compiled:
    """What precompile.mjs answered: the interpreter and, per job, the failures."""

    magic: bytes
    cache_tag: str
    failed: tuple[dict[str, str], ...]


def run_compiler(
    runtime: PyodideRuntime, jobs: Iterable[Job], stdlib: Path | None = None
) -> Compiled:
    """Compile every ``.py`` of each job's source folder with Pyodide's Python, in Node.js."""
    node = shutil.which("node")
    if node is None:
        raise PrecompileError(
            "precompiling the calculator's Python needs Node.js (18+), which is not on PATH -> "
            f"install it (`make install` does), or set {SWITCH_ENV}=0 to publish the "
            "uncompiled files (the calculator then starts several seconds slower)"
        )
    jobs = list(jobs)
    request = {
        "pyodide": str(runtime.directory),
        "stdlib": str(stdlib) if stdlib else None,
        "jobs": [
            {"source": str(job.source), "output": str(job.output), "prefix": job.prefix}
            for job in jobs
        ],
    }
    with tempfile.TemporaryDirectory(prefix="precompile-") as temporary:
        request_file = Path(temporary) / "request.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        try:
            completed = subprocess.run(
                [node, str(SCRIPT), str(request_file)],
                capture_output=True,
                text=True,
                timeout=NODE_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PrecompileError(
                f"precompile.mjs did not finish within {NODE_TIMEOUT_S} s"
            ) from None
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise PrecompileError(
            f"precompile.mjs failed (exit {completed.returncode}) -> check that "
            f"`node {SCRIPT.name}` runs with Node.js 18+ and that `npm ci` completed:\n{tail}"
        )
    try:
        answer = json.loads(lines[-1])
    except ValueError:
        raise PrecompileError(f"precompile.mjs answered {lines[-1][:200]!r}, not JSON") from None
    return Compiled(
        bytes.fromhex(answer["magic"]),
        str(answer["cache_tag"]),
        tuple({path: error for path, error in job["failed"]} for job in answer["jobs"]),
    )


def _checked_pyc(path: Path, magic: bytes) -> bytes:
    data = path.read_bytes()
    if data[:4] != magic:
        raise PrecompileError(f"{path} is not bytecode of the expected Python ({magic.hex()})")
    return data


# --- the standard library -------------------------------------------------------------------


def stdlib_zip(runtime: PyodideRuntime) -> Stdlib:
    """The standard library zip to publish: precompiled (cached), or the package's own when
    precompiling is switched off."""
    original = runtime.directory / "python_stdlib.zip"
    if not enabled():
        return Stdlib(original, sha256_file(original), precompiled=False)
    key = _recipe_key(runtime, "stdlib", sha256_file(original))
    directory = cache_dir(runtime)
    name = f"stdlib-{runtime.version}-{key[:20]}.zip"
    path = _cached(directory, name)
    if path is None:
        started = time.perf_counter()
        log.info(
            "Precompiling Python's standard library for Pyodide %s (once: cached in %s)",
            runtime.version,
            directory,
        )
        data = _precompile_stdlib(runtime, original)
        path = _store(directory, name, data, "stdlib")
        log.info("Precompiled the standard library in %.1f s", time.perf_counter() - started)
    return Stdlib(path, sha256_file(path), precompiled=True)


def _precompile_stdlib(runtime: PyodideRuntime, original: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="stdlib-") as temporary:
        source, output = Path(temporary) / "source", Path(temporary) / "output"
        output.mkdir()
        with zipfile.ZipFile(original) as archive:
            infos = archive.infolist()
            _safe_names(info.filename for info in infos)
            archive.extractall(source)
        compiled = run_compiler(runtime, [Job(source, output, stdlib_prefix(runtime))])
        failed = compiled.failed[0]
        entries: dict[str, bytes | None] = {}
        for info in infos:
            name = info.filename
            if info.is_dir():
                entries[name] = None
            elif name.endswith(".py") and name not in failed:
                entries[name + "c"] = _checked_pyc(output / (name + "c"), compiled.magic)
            else:  # data files, and a source Python cannot compile (it fails as before)
                entries[name] = (source / name).read_bytes()
        return deterministic_zip(entries)


def _safe_names(names: Iterable[str]) -> None:
    for name in names:
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts:
            raise PrecompileError(f"unexpected path {name!r} in python_stdlib.zip")


# --- the calculators bundle -----------------------------------------------------------------


def bundle_bytecode(
    runtime: PyodideRuntime, sources: Mapping[str, bytes], stdlib: Path | None = None
) -> dict[str, bytes]:
    """``__pycache__`` entries for the bundle's ``.py`` files (archive name -> pyc), compiled by
    Pyodide's Python; empty when precompiling is switched off. ``stdlib``: a precompiled
    standard library zip to start that Python with (it starts in a fraction of the time)."""
    if not enabled():
        return {}
    modules = {name: data for name, data in sources.items() if name.endswith(".py")}
    _safe_names(modules)
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(modules[name]).digest())
    key = _recipe_key(runtime, "calculators", BUNDLE_DIR, digest.hexdigest())
    directory = cache_dir(runtime)
    name = f"calculators-{runtime.version}-{key[:20]}.zip"
    path = _cached(directory, name)
    if path is None:
        data = _precompile_bundle(runtime, modules, stdlib)
        path = _store(directory, name, data, "calculators")
    with zipfile.ZipFile(path) as archive:
        return {entry: archive.read(entry) for entry in archive.namelist()}


def _precompile_bundle(
    runtime: PyodideRuntime, modules: Mapping[str, bytes], stdlib: Path | None
) -> bytes:
    with tempfile.TemporaryDirectory(prefix="calculators-") as temporary:
        source, output = Path(temporary) / "source", Path(temporary) / "output"
        output.mkdir()
        for name, data in modules.items():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(data)
        compiled = run_compiler(runtime, [Job(source, output, BUNDLE_DIR)], stdlib)
        entries: dict[str, bytes | None] = {}
        for name in modules:
            if name in compiled.failed[0]:
                continue  # the importer compiles that source itself, as without bytecode
            path = PurePosixPath(name)
            cached = path.parent / "__pycache__" / f"{path.stem}.{compiled.cache_tag}.pyc"
            entries[cached.as_posix()] = _checked_pyc(output / (name + "c"), compiled.magic)
        return deterministic_zip(entries)
