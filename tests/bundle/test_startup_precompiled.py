"""The calculator's start-up work, moved to the build and to the first visit.

* The published ``python_stdlib.zip`` is the npm package's standard library as sourceless
  bytecode compiled for Pyodide's own Python 3.14 (so the browser compiles nothing at start-up),
  and ``calculators.zip`` carries the same kind of bytecode beside its sources;
* the calculator answers with them in Chromium exactly as CPython does;
* a repeat visit resumes Python from the snapshot the first visit saved in IndexedDB, and a
  damaged or outdated snapshot only costs a fresh start.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from build_tools.browser_bundle.bundle import FIXED_TIME
from build_tools.browser_bundle.runtime_files import locate_pyodide
from tests.support.chromium import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOPBACK,
    RequestLog,
    chromium_available,
    guarded_context,
)
from tests.support.paths import GUIDELINE, ROOT

CALCULATOR = f"{GUIDELINE}/calculator/"
READY_MS = 60_000
# The magic number of CPython 3.14's bytecode (3627, little-endian, then "\r\n"): what
# Pyodide 314's interpreter writes and accepts (importlib.util.MAGIC_NUMBER there).
PYTHON_314_MAGIC = (3627).to_bytes(2, "little") + b"\r\n"
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, not checked against the source
HER2 = "sex=female&er_status=negative&pr_status=negative&her2_status=positive&weight_kg=70"
TRIPLE_NEGATIVE = "sex=female&er_status=negative&pr_status=negative&her2_status=negative"

# Records the worker's "snapshot" message (the page script ignores it).
SNAPSHOT_LISTENER = """
(() => {
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.addEventListener("message", (event) => {
        if (event.data && event.data.type === "snapshot") window.__snapshot = event.data;
      });
    }
  };
})();
"""


def pyodide_dir(site: Path) -> Path:
    return site / "assets" / "pyodide" / locate_pyodide(ROOT).version


def pyc_header(data: bytes) -> tuple[bytes, int]:
    return data[:4], int.from_bytes(data[4:8], "little")


# --- build side -------------------------------------------------------------------------------


def test_the_published_standard_library_is_python_314_bytecode(built_site: Path) -> None:
    runtime = locate_pyodide(ROOT)
    assert str(runtime.lock_info["python"]).startswith("3.14.")
    published = zipfile.ZipFile(pyodide_dir(built_site) / "python_stdlib.zip")
    original = zipfile.ZipFile(runtime.directory / "python_stdlib.zip")
    sources = [name for name in original.namelist() if name.endswith(".py")]
    assert len(sources) > 500
    names = published.namelist()
    assert names == sorted(names)
    assert {info.date_time for info in published.infolist()} == {FIXED_TIME}
    # Sourceless: each module's bytecode where its source was (the place zipimport looks).
    assert [name for name in names if name.endswith(".py")] == []
    assert sorted(name for name in names if name.endswith(".pyc")) == sorted(
        name + "c" for name in sources
    )
    for name in sources:
        magic, flags = pyc_header(published.read(name + "c"))
        assert magic == PYTHON_314_MAGIC, name
        assert flags == UNCHECKED_HASH, name
    # Everything else (folders, data files) is carried over unchanged.
    others = [name for name in original.namelist() if not name.endswith(".py")]
    for name in others:
        assert published.read(name) == original.read(name), name


def test_the_manifest_asks_for_the_published_zip_by_its_hash(built_site: Path) -> None:
    manifest = json.loads(
        (built_site / "assets" / "calculator" / "calculator-manifest.json").read_text()
    )
    stdlib = pyodide_dir(built_site) / "python_stdlib.zip"
    digest = hashlib.sha256(stdlib.read_bytes()).hexdigest()
    version = locate_pyodide(ROOT).version
    assert manifest["stdlib_zip"] == (f"assets/pyodide/{version}/python_stdlib.zip?v={digest[:16]}")


def test_the_bundle_carries_python_314_bytecode_beside_each_source(built_site: Path) -> None:
    bundle = zipfile.ZipFile(built_site / "assets" / "calculator" / "calculators.zip")
    names = set(bundle.namelist())
    sources = sorted(name for name in names if name.endswith(".py"))
    assert f"calculators/guidelines/{GUIDELINE.replace('-', '_')}.py" in sources
    for name in sources:
        path = PurePosixPath(name)
        cached = (path.parent / "__pycache__" / f"{path.stem}.cpython-314.pyc").as_posix()
        assert cached in names, name
        magic, flags = pyc_header(bundle.read(cached))
        assert (magic, flags) == (PYTHON_314_MAGIC, UNCHECKED_HASH), cached
    assert len(names) == 2 * len(sources)


# --- in the browser ---------------------------------------------------------------------------

in_chromium = pytest.mark.skipif(
    not chromium_available(), reason=f"{CHROMIUM} is missing (make chromium)"
)


def items(result: dict[str, Any]) -> list[object]:
    """Status and recommendation ids of a result: what ``shown`` reads off the page."""
    return [result["status"], [item["id"] for item in result["recommendations"]]]


def shown(page: Page, fragment: str) -> list[object]:
    """Status and recommendation ids the page shows, once it shows the case ``fragment`` (read
    in the same task that sees it rendered, so no later render can come in between)."""
    handle = page.wait_for_function(
        """f => {
          const section = document.querySelector(".gl-calculator");
          if (!section || section.dataset.renderedCase !== f) return false;
          const items = section.querySelectorAll(".gl-result-recommendations li.gl-result-item");
          return [section.dataset.status, Array.from(items, (item) => item.dataset.item)];
        }""",
        arg=fragment,
        timeout=READY_MS,
    )
    return list(handle.json_value())


def worker_timings(page: Page) -> dict[str, Any]:
    page.wait_for_function(
        "() => window.__glCalculator.runtime.state === 'ready'", timeout=READY_MS
    )
    return dict(page.evaluate("() => window.__glCalculator.runtime.timings.worker"))


@pytest.mark.browser
@in_chromium
def test_the_calculator_answers_with_the_precompiled_runtime(
    browser: Browser, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    page.goto(f"{site_url}{CALCULATOR}#{HER2}")
    assert shown(page, HER2) == items(cpython(HER2))
    assert worker_timings(page)["snapshot"] == "none"  # a fresh profile: a fresh start
    stdlib = [url for url in log.all if "python_stdlib.zip" in url]
    assert len(stdlib) == 1
    assert "python_stdlib.zip?v=" in stdlib[0]
    assert not any(url.endswith("pyodide-lock.json") for url in log.all)
    context.close()
    assert log.foreign == []


@pytest.fixture
def profile(browser: Browser, tmp_path: Path) -> Iterator[Any]:
    """Opens Chromium on one persistent profile, visit after visit (a returning reader)."""
    log = RequestLog()
    opened: list[BrowserContext] = []

    def route(route: Route) -> None:
        url = route.request.url
        log.all.append(url)
        if (urlparse(url).hostname or "") in LOOPBACK:
            route.continue_()
        else:
            log.foreign.append(url)
            route.abort()

    def visit(url: str) -> Page:
        for context in opened:
            context.close()
        opened.clear()
        context = browser.browser_type.launch_persistent_context(
            tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        opened.append(context)
        context.route("**/*", route)
        context.add_init_script(SNAPSHOT_LISTENER)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url)
        return page

    yield visit
    for context in opened:
        context.close()
    assert log.foreign == []


def saved_snapshot(page: Page) -> None:
    page.wait_for_function("() => window.__snapshot", timeout=READY_MS)
    assert page.evaluate("() => window.__snapshot.state") == "saved"


def rewrite_snapshot(page: Page, change: str) -> None:
    """Change the stored snapshot record in place: "data" (damaged bytes) or "key" (outdated)."""
    page.evaluate(
        """async (change) => {
        const db = await new Promise((resolve, reject) => {
          const request = indexedDB.open("gl-calculator");
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const store = (mode) =>
          db.transaction("python-snapshots", mode).objectStore("python-snapshots");
        const keys = await new Promise((resolve) => {
          const request = store("readonly").getAllKeys();
          request.onsuccess = () => resolve(request.result);
        });
        if (keys.length !== 1) throw new Error("expected one snapshot, found " + keys.length);
        const record = await new Promise((resolve) => {
          const request = store("readonly").get(keys[0]);
          request.onsuccess = () => resolve(request.result);
        });
        if (change === "data") record.data = new Blob([new Uint8Array(4096).fill(7)]);
        else record.key = "an older build";
        await new Promise((resolve, reject) => {
          const transaction = db.transaction("python-snapshots", "readwrite");
          transaction.objectStore("python-snapshots").put(record, keys[0]);
          transaction.oncomplete = resolve;
          transaction.onerror = () => reject(transaction.error);
        });
        db.close();
      }""",
        change,
    )


@pytest.mark.browser
@in_chromium
def test_a_repeat_visit_resumes_python_from_the_first_visits_snapshot(
    profile: Any, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    page = profile(f"{site_url}{CALCULATOR}#{HER2}")
    assert shown(page, HER2) == items(cpython(HER2))
    assert worker_timings(page)["snapshot"] == "none"
    saved_snapshot(page)

    page = profile(f"{site_url}{CALCULATOR}#{TRIPLE_NEGATIVE}")
    assert shown(page, TRIPLE_NEGATIVE) == items(cpython(TRIPLE_NEGATIVE))
    assert worker_timings(page)["snapshot"] == "restored"
    page.evaluate("f => { location.hash = f; }", HER2)  # and it keeps computing
    assert shown(page, HER2) == items(cpython(HER2))


@pytest.mark.browser
@in_chromium
def test_a_damaged_or_outdated_snapshot_only_costs_a_fresh_start(
    profile: Any, site_url: str, cpython: Callable[[str], dict[str, Any]]
) -> None:
    page = profile(f"{site_url}{CALCULATOR}#{HER2}")
    saved_snapshot(page)
    rewrite_snapshot(page, "data")

    page = profile(f"{site_url}{CALCULATOR}#{HER2}")
    assert shown(page, HER2) == items(cpython(HER2))
    assert worker_timings(page)["snapshot"] == "failed"
    saved_snapshot(page)  # replaced by a good one
    rewrite_snapshot(page, "key")

    page = profile(f"{site_url}{CALCULATOR}#{TRIPLE_NEGATIVE}")
    assert shown(page, TRIPLE_NEGATIVE) == items(cpython(TRIPLE_NEGATIVE))
    assert worker_timings(page)["snapshot"] == "none"
