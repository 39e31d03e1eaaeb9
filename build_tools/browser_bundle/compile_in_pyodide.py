"""Run by ``precompile.mjs`` inside Pyodide's own Python (in Node.js), never imported by the build.

``precompile.mjs`` mounts each job's host folders into Pyodide's file system, runs this file and
calls :func:`compile_jobs` with the jobs as JSON text; the JSON text it returns is the script's
answer on stdout (see precompile.py, which hashes this file into its cache key: a change here
recompiles everything).

Hash-based, unchecked pycs: the header holds the source's hash instead of a time stamp, so the
bytes do not depend on when or where the files were unpacked, and the importer never reads the
source to validate them. ``dfile`` is the path the module will have in the browser, so
tracebacks name the real file. ``optimize=-1``: the level the runtime runs at (0), so asserts
and docstrings stay as in the sources.
"""

from __future__ import annotations

import importlib.util
import json
import os
import py_compile
import sys
from typing import TypedDict


class Job(TypedDict):
    """One folder to compile: inside Pyodide's file system, and where the browser imports it."""

    source: str
    output: str
    prefix: str


class JobResult(TypedDict):
    compiled: int
    failed: list[list[str]]  # [relative path, error]


def compile_tree(source: str, output: str, prefix: str) -> JobResult:
    """Write ``<output>/<path>.pyc`` for every ``<source>/<path>.py``, in a stable order."""
    compiled, failed = 0, []
    for folder, folders, names in os.walk(source):
        folders.sort()
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, source)
            try:
                py_compile.compile(
                    path,
                    cfile=os.path.join(output, relative + "c"),
                    dfile=prefix.rstrip("/") + "/" + relative,
                    doraise=True,
                    optimize=-1,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                compiled += 1
            except py_compile.PyCompileError as error:
                failed.append([relative, str(error.exc_value)])
    return {"compiled": compiled, "failed": failed}


def compile_jobs(jobs_json: str) -> str:
    """Compile every job (a JSON list of :class:`Job`); the answer names the interpreter, whose
    magic number and cache tag the build checks the bytecode against."""
    jobs: list[Job] = json.loads(jobs_json)
    return json.dumps(
        {
            "version": sys.version.split()[0],
            "magic": importlib.util.MAGIC_NUMBER.hex(),
            "cache_tag": sys.implementation.cache_tag,
            "jobs": [compile_tree(**job) for job in jobs],
        }
    )
