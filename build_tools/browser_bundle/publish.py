"""The case calculator's files in the site, whatever generator writes it (no MkDocs here).

* :data:`PAGE_STYLESHEET`, :data:`PAGE_SCRIPT`, :data:`PAGE_MODULE`: what every page links (the
  script starts the Python worker on any guideline page, so a calculator is ready when opened);
* :func:`calculator_files` (after the decision tables are compiled): the Pyodide core files,
  ``calculators.zip``, its manifest and the calculator assets;
* :func:`boot_script` and :func:`fragment_guard` for the pages' ``<head>``.

The ``case-calculator`` directive itself (the form and its page data) is page rendering:
:mod:`build_tools.render.calculator_form`.

Site layout (all relative to the site root, so the site works under any sub-path)::

    assets/pyodide/<version>/   pyodide.module.js, pyodide.asm.js, pyodide.asm.wasm,
                                python_stdlib.zip (the npm package's files, scripts renamed to
                                .js: see runtime_files.PUBLISHED_NAMES)
    assets/calculator/          worker.js (and the modules it imports), boot.js, calculator.js
                                (and the page modules it imports), calculator.css,
                                calculators.zip, calculator-manifest.json

The Pyodide folder carries its version so that an upgrade can never mix cached files of two
versions; ``calculators.zip`` is fetched with its hash as query string (see bundle.py), and so is
``python_stdlib.zip``, which is the package's standard library precompiled to bytecode by
Pyodide's own Python (see precompile.py; ``GUIDELINE_PRECOMPILE=0`` publishes the original).
A repeat visit resumes Python from a snapshot the first visit saved in the browser (worker.js);
``GUIDELINE_SNAPSHOT=0`` at build time turns that off (e.g. if a Pyodide upgrade breaks its
private snapshot options): the manifest says so, and the worker then neither resumes from nor
saves one.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from build_tools.browser_bundle.bundle import build_bundle, manifest
from build_tools.browser_bundle.precompile import PrecompileError, bundle_bytecode, stdlib_zip
from build_tools.browser_bundle.runtime_files import (
    PUBLISHED_NAMES,
    RuntimeFilesError,
    locate_pyodide,
)
from build_tools.decisions import CompiledGuideline

ASSETS = Path(__file__).resolve().parent.parent / "web" / "calculator_ui"
CALCULATOR_DIR = "assets/calculator"
PYODIDE_DIR = "assets/pyodide"
# Published beside each other: every script finds its siblings relative to its own URL, and the
# worker finds the rest through the manifest (its paths, and the way back to the site root).
PAGE_SCRIPTS = (
    "calculator.js",
    "calculator-page.js",
    "runtime-client.js",
    "case-section.js",
    "case-form.js",
    "results-view.js",
    "result-lists.js",
    "result-item.js",
    "changed-note.js",
    "result-summary.js",
    "next-question.js",
    "summary-bar.js",
    "print-summary.js",
    "page-dom.js",
    "wording.js",
)
WORKER_SCRIPTS = ("worker.js", "worker-checks.js", "worker-log.js", "worker-snapshots.js")
STATIC_ASSETS = (*WORKER_SCRIPTS, "boot.js", *PAGE_SCRIPTS, "calculator.css")
# Every page links calculator.js, a classic script (it runs where module scripts cannot, a copy
# opened as files, to say why), then the page's modules, and the styles.
PAGE_SCRIPT = f"{CALCULATOR_DIR}/calculator.js"
PAGE_MODULE = f"{CALCULATOR_DIR}/calculator-page.js"
PAGE_STYLESHEET = f"{CALCULATOR_DIR}/calculator.css"
BOOT_SCRIPT = f"{CALCULATOR_DIR}/boot.js"
BUNDLE = f"{CALCULATOR_DIR}/calculators.zip"
MANIFEST = f"{CALCULATOR_DIR}/calculator-manifest.json"
SNAPSHOT_ENV = "GUIDELINE_SNAPSHOT"


def boot_script(root_prefix: str) -> str:
    """The ``<script>`` of boot.js for the ``<head>`` of a calculator page: it starts the worker
    while the page is parsed. Blocking on purpose (it is tiny and cached): the page script, at
    the end of the body, must find the worker it started rather than start a second one."""
    return f'<script src="{root_prefix}{BOOT_SCRIPT}"></script>'


@functools.cache
def fragment_guard() -> str:
    """The inline ``<script>`` for the ``<head>`` of every page (fragment-guard.js: it must run
    before the theme's bundle, so it cannot wait for a file; its hash joins the page's
    Content-Security-Policy like the theme's own inline scripts)."""
    text = (ASSETS / "fragment-guard.js").read_text(encoding="utf-8")
    return f"<script>{text}</script>"


class CalculatorFilesError(Exception):
    """The Pyodide runtime cannot be found or precompiled (the message says what to do)."""


@dataclass(frozen=True)
class CalculatorFiles:
    """The files to publish (path relative to the site root -> text, bytes or a file to copy)
    and the runtime's URLs (as the worker asks for them: the files whose URL changes with their
    content, which the service worker saves on first use)."""

    files: dict[str, str | bytes | Path]
    runtime_urls: list[str]


def calculator_files(
    project_root: Path,
    compiled: Mapping[str, CompiledGuideline],
    released: Mapping[str, str] | None = None,
) -> CalculatorFiles:
    """The Pyodide core files, the bundled ``calculators`` package with the guidelines
    ``compiled`` by this build's decisions stage and the ``released`` modules of superseded
    versions (module name -> text), its manifest and the calculator assets."""
    try:
        runtime = locate_pyodide(project_root)
        stdlib = stdlib_zip(runtime)
        compiled_stdlib = stdlib.path if stdlib.precompiled else None
        bundle = build_bundle(
            compiled,
            bytecode=lambda sources: bundle_bytecode(runtime, sources, compiled_stdlib),
            released=released,
        )
    except (RuntimeFilesError, PrecompileError) as error:
        raise CalculatorFilesError(str(error)) from None
    pyodide_dir = f"{PYODIDE_DIR}/{runtime.version}/"
    snapshot = os.environ.get(SNAPSHOT_ENV, "1").strip().lower() not in ("0", "false", "no", "off")
    data = manifest(
        bundle, runtime, pyodide_dir, BUNDLE, stdlib_sha256=stdlib.sha256, python_snapshot=snapshot
    )
    # The way from the manifest back to the site root, which its paths are relative to: the
    # worker knows where the manifest is, never where the build put the folders.
    data["site_root"] = "../" * MANIFEST.count("/")
    files: dict[str, str | bytes | Path] = {}
    runtime_urls = [str(data["calculators_zip"])]
    for path in runtime.files:
        stdlib_file = path.name == "python_stdlib.zip"
        published = pyodide_dir + PUBLISHED_NAMES[path.name]
        files[published] = stdlib.path if stdlib_file else path
        runtime_urls.append(str(data["stdlib_zip"]) if stdlib_file else published)
    files[BUNDLE] = bundle.data
    files[MANIFEST] = json.dumps(data, indent=2, sort_keys=True) + "\n"
    for name in STATIC_ASSETS:
        files[f"{CALCULATOR_DIR}/{name}"] = ASSETS / name
    return CalculatorFiles(files, runtime_urls)
