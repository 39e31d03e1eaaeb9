"""How fast the built site starts its calculator, against a bare Pyodide on the same server.

    python benchmarks/bench_site.py [--runs 5] [--recompute 200] [--skip-builds] [--verbose]
    make bench

Builds the site from a copy of mkdocs.yml and docs/ (the working tree is never written), serves
it on 127.0.0.1 under /guidelines/ with the project's own static server, drives Debian Chromium
(Playwright, the flags of tests/browser.py) and prints one JSON object per line:

* figures ``{"name", "median", "min", "max", "unit", "runs"}``:
  ``ready_*`` navigation -> calculator ready; ``first_result_*`` navigation -> first result of a
  case link rendered; ``*_cold`` with an empty profile, ``*_warm`` a repeat visit (the same
  persistent profile, after a browser restart), ``*_again`` the visit after that;
  ``bare_pyodide_*`` a page that only starts
  Pyodide from the npm package's default files (copied as-is); ``bytes_*`` response bodies sent
  by the server for one visit; ``recompute`` input change -> result in the DOM, in the page
  (the weight typed in), ``recompute_choices`` the same for each choice of the form in turn,
  and ``worker_round_trip`` the same loop with a message the worker answers without Python
  (the floor under it on this machine), each with its ``*_p95``;
  ``longest_task_*`` the longest main-thread task (PerformanceObserver "longtask") while the
  runtime loads (tasks that start between the worker's creation and "ready"; on the calculator
  page boot.js creates it from <head>, so the theme's own page load falls in that window);
  ``longest_task_after_load_*`` the same from the page's load event on (the runtime alone);
  ``page_longest_task_*`` any task from the navigation to "ready", and
  ``plain_page_longest_task_*`` the same page built without our plugin (the theme alone, the
  floor under the first and the third);
  ``snapshot_saved`` when a first visit has saved the Python snapshot that a repeat visit
  resumes (the cold visit waits for it) and ``snapshot_pause`` how long saving it kept the
  worker from answering (once); ``build`` / ``plain_build`` ``mkdocs build`` with /
  without our plugin (build cache warm); ``build_empty_cache`` with an empty build cache;
* then one line per target ``{"name", "value", "target", "met"}``.

Progress and a per-file byte breakdown (``--verbose``) go to stderr. Every wait has a time-out
and the whole run a deadline; Chromium cannot resolve any host but 127.0.0.1, and any request to
another host is reported and makes the run fail.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import BrowserContext, Playwright, sync_playwright  # noqa: E402

from build_tools.calculator.runtime_files import CORE_FILES, locate_pyodide  # noqa: E402
from build_tools.serve import SiteRequestHandler  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, LOOPBACK  # noqa: E402

BASE_PATH = "/guidelines/"
CALCULATOR = "metastatic-breast-cancer/calculator/"
# A case link that exercises every list, dosing included (the weight makes the recompute loop
# below recompute a dose on each change).
CASE = "sex=female&er_status=negative&pr_status=negative&her2_status=positive&weight_kg=70"
BARE_DIR = "_bench_bare"
PLAIN_DIR = "_bench_plain"
WAIT_MS = 120_000
QUIET_S = 0.75  # the server has sent nothing for this long: the visit's downloads are over
# Any name but 127.0.0.1 fails to resolve: the benchmark cannot reach another machine, even by
# mistake (request routing would do the same but turns Chromium's HTTP cache off).
BROWSER_ARGS = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

# Instrumentation added to every page before its own scripts run: long tasks (buffered, so
# the ones before the observer count too) and the moment a result is first rendered (the
# calculator sets data-rendered-case on its section when it shows a result).
INIT_SCRIPT = """
(() => {
  const bench = (window.__bench = { longtasks: [], rendered: null });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        bench.longtasks.push([entry.startTime, entry.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) {
    bench.longtaskError = String(error);
  }
  // The worker tells when it has saved its Python snapshot (first visits): a repeat visit can
  // only use it if the first one lasted that long, so the benchmark waits for it.
  const Native = window.Worker;
  if (Native) {
    window.Worker = class extends Native {
      constructor(url, options) {
        super(url, options);
        this.addEventListener("message", (event) => {
          const message = event.data || {};
          if (message.type === "snapshot") bench.snapshot = { ...message, at: performance.now() };
        });
      }
    };
  }
  new MutationObserver(() => {
    const section = document.querySelector(".gl-calculator");
    if (bench.rendered === null && section && section.dataset.renderedCase !== undefined)
      bench.rendered = performance.now();
  }).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-rendered-case"],
  });
})();
"""

SITE_DONE = """() => {
  const runtime = window.__glCalculator && window.__glCalculator.runtime;
  if (runtime && runtime.state === "failed") return "failed: " + runtime.detail;
  return Boolean(runtime && runtime.state === "ready" && window.__bench.rendered !== null);
}"""

BARE_DONE = "() => window.__bareReady !== undefined"
SNAPSHOT_DONE = "() => Boolean(window.__bench.snapshot)"
SNAPSHOT_WAIT_MS = 30_000

# 200 (or --recompute) edits, each a new case; the time of each from the input event to the
# result of that case in the DOM (a MutationObserver fires after the render's synchronous work,
# so the whole render is inside). Each edit starts once the browser has drawn the previous result
# (a frame, then a task), as a reader's next keystroke would. "weight": the weight typed in, which
# changes a dose (the tables read only whether it is given); "choices": each choice of the form
# in turn set to its next option (receptor status, findings yes / no / not known, ...), which
# changes what the tables read.
RECOMPUTE = """async ([count, mode]) => {
  const section = document.querySelector(".gl-calculator");
  const weight = section.querySelector('input[name="weight_kg"]');
  const choices = Array.from(section.querySelectorAll("select"));
  const drawn = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  const times = [];
  for (let i = 0; i < count; i++) {
    await drawn();
    let input = weight;
    if (mode === "weight") {
      input.value = String(40 + i * 0.5);
    } else {
      input = choices[i % choices.length];
      input.selectedIndex = (input.selectedIndex + 1) % input.options.length;
    }
    const started = performance.now();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    // The case the form now asks for (the address bar follows it a moment later).
    const expected = Array.from(window.__glCalculator.calculators)[0].fragment;
    await new Promise((resolve, reject) => {
      const check = () => {
        if (section.dataset.renderedCase !== expected) return false;
        observer.disconnect();
        clearTimeout(timer);
        resolve();
        return true;
      };
      const observer = new MutationObserver(check);
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error("no result within 2 s for " + expected));
      }, 2000);
      observer.observe(section, { attributes: true, attributeFilter: ["data-rendered-case"] });
      check();
    });
    times.push(performance.now() - started);
  }
  return times;
}"""

# The same loop with a message the worker answers at once, without Python: what a round trip
# between the page and the worker costs alone on this machine, the floor under "recompute".
PING = """async (count) => {
  const worker = window.__glCalculator.runtime.worker;
  const drawn = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  const times = [];
  for (let i = 0; i < count; i++) {
    await drawn();
    const id = "bench-ping-" + i;
    const started = performance.now();
    await new Promise((resolve) => {
      const listener = (event) => {
        if (!event.data || event.data.id !== id) return;
        worker.removeEventListener("message", listener);
        resolve();
      };
      worker.addEventListener("message", listener);
      worker.postMessage({ id, type: "ping" });
    });
    times.push(performance.now() - started);
  }
  return times;
}"""

# The same page built without our plugin: its long tasks are the theme's own page load, the
# floor under "page_longest_task" (read once the page has been idle for a while).
PLAIN_DONE = "() => document.readyState === 'complete' && performance.now() > 3000"

BARE_HTML = """<!doctype html>
<meta charset="utf-8">
<title>Bare Pyodide</title>
<script type="module">
  // The npm package's default files, started the documented way in a module worker.
  const worker = new Worker("./worker.mjs", { type: "module" });
  worker.onmessage = (event) => {
    window.__bareReady = performance.now();
    window.__bareAnswer = event.data;
  };
</script>
"""

BARE_WORKER = """import { loadPyodide } from "./pyodide/pyodide.mjs";
const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
postMessage(pyodide.runPython("1 + 1"));
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figure(name: str, values: Sequence[float], unit: str) -> dict[str, object]:
    digits = 0 if unit == "bytes" else 3 if unit == "s" else 1
    median = round(statistics.median(values), digits)
    return {
        "name": name,
        "median": int(median) if unit == "bytes" else median,
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "unit": unit,
        "runs": len(values),
    }


def target(name: str, value: float, op: str, limit: float) -> dict[str, object]:
    met = value <= limit if op == "<=" else value < limit
    return {"name": name, "value": round(value, 3), "target": f"{op} {limit:g}", "met": met}


def emit(line: Mapping[str, object]) -> None:
    print(json.dumps(line), flush=True)


# --- builds ---------------------------------------------------------------------------------


def copy_project(destination: Path) -> Path:
    """What a build reads: mkdocs.yml and docs/ (as tests/conftest.py does)."""
    destination.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", destination / "docs")
    return destination


def plain_config(project: Path) -> Path:
    """The same site with the guideline plugin turned off."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    plain = text.replace("  - guideline\n", "  - guideline:\n      enabled: false\n")
    if plain == text:
        raise SystemExit("bench: mkdocs.yml has no '  - guideline' plugin line to disable")
    path = project / "mkdocs-plain.yml"
    path.write_text(plain, encoding="utf-8")
    return path


def build(config: Path, site: Path, env: Mapping[str, str] | None = None) -> float:
    """Seconds of one ``mkdocs build --strict`` (a fresh output folder)."""
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    # -P: the project's calculators/guidelines/ (written by the first build) must not shadow
    # the installed calculators package as a namespace package on the next build.
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config),
         "-d", str(site)],
        cwd=config.parent, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"bench: the build of {config} failed:\n{completed.stderr}")
    return seconds


# --- the server -----------------------------------------------------------------------------


@dataclass
class Traffic:
    """Response bodies the server sent, by path (only what a visit really downloaded)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sizes: dict[str, int] = field(default_factory=dict)
    last: float = field(default_factory=time.monotonic)

    def add(self, path: str, size: int) -> None:
        with self.lock:
            self.sizes[path] = self.sizes.get(path, 0) + size
            self.last = time.monotonic()

    def reset(self) -> None:
        with self.lock:
            self.sizes = {}
            self.last = time.monotonic()

    def settle(self, limit_s: float = 10.0) -> dict[str, int]:
        """Wait until nothing was sent for QUIET_S (at most limit_s), then the sizes so far."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline and time.monotonic() - self.last < QUIET_S:
            time.sleep(0.05)
        with self.lock:
            return dict(self.sizes)


class CountingHandler(SiteRequestHandler):
    traffic: Traffic

    def copyfile(self, source: Any, outputfile: Any) -> None:
        counted = _CountingWriter(outputfile)
        super().copyfile(source, counted)
        self.traffic.add(self.path.split("?", 1)[0], counted.count)


class _CountingWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.count = 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        return self.target.write(data)


@contextmanager
def serve(root: Path, traffic: Traffic) -> Iterator[str]:
    handler_class = type("Handler", (CountingHandler,), {"traffic": traffic})
    handler = functools.partial(handler_class, directory=str(root), base_path=BASE_PATH)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.quiet = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def add_bare_page(site: Path) -> None:
    """The baseline: the npm package's folder as-is beside a tiny page and module worker."""
    bare = site / BARE_DIR
    shutil.copytree(locate_pyodide(ROOT).directory, bare / "pyodide")
    (bare / "index.html").write_text(BARE_HTML, encoding="utf-8")
    (bare / "worker.mjs").write_text(BARE_WORKER, encoding="utf-8")


# --- visits ---------------------------------------------------------------------------------


@dataclass
class Visit:
    ready: float
    first_result: float | None
    longest_task: float  # from the worker's start (or the navigation) to ready
    longest_task_after_load: float  # from the page's load event (or the worker's start) on
    page_longest_task: float  # from the navigation to ready
    bytes: int
    files: dict[str, int]
    worker: dict[str, object]
    snapshot_saved: float | None
    snapshot_pause: float | None  # how long saving it kept the worker from answering


class Browser:
    """Each visit starts Chromium on a persistent profile and closes it afterwards, so a second
    visit on the same profile is a repeat visit with whatever the site left on disk."""

    def __init__(self, playwright: Playwright, traffic: Traffic) -> None:
        self.playwright = playwright
        self.traffic = traffic
        self.foreign: list[str] = []

    @contextmanager
    def context(self, profile: Path) -> Iterator[BrowserContext]:
        context = self.playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=BROWSER_ARGS
        )
        context.add_init_script(INIT_SCRIPT)
        context.on("request", self._check_host)
        try:
            yield context
        finally:
            context.close()

    def _check_host(self, request: Any) -> None:
        url = str(request.url)
        parts = urlparse(url)
        if parts.scheme not in ("data", "blob") and (parts.hostname or "") not in LOOPBACK:
            self.foreign.append(url)

    def visit(self, profile: Path, url: str, done: str, read: str, cold: bool) -> Visit:
        with self.context(profile) as context:
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            self.traffic.reset()
            page.goto(url)
            outcome = page.wait_for_function(done, timeout=WAIT_MS).json_value()
            if outcome is not True:
                raise SystemExit(f"bench: {url}: {outcome} {errors}")
            figures = page.evaluate(read)
            files = self.traffic.settle()
            worker = figures.get("worker") or {}
            if cold and worker.get("snapshot") in ("none", "failed"):
                # Until the snapshot is saved (or not: then the repeat visit starts afresh).
                page.wait_for_function(SNAPSHOT_DONE, timeout=SNAPSHOT_WAIT_MS,
                                       polling=100).json_value()
            snapshot = page.evaluate("() => window.__bench.snapshot || null")
        ready = float(figures["ready"])
        since = float(figures.get("started") or 0.0)
        loaded = max(since, float(figures.get("loaded") or 0.0))
        tasks = [(start, duration) for start, duration in figures["longtasks"] if start < ready]
        first = figures.get("first")
        saved = pause = None
        if snapshot and snapshot.get("state") == "saved":
            saved = float(snapshot["at"])  # page time (the init script's wrapper sets it)
            pause = float(snapshot["blocked"])
        return Visit(
            ready, None if first is None else float(first),
            max((d for start, d in tasks if start >= since), default=0.0),
            max((d for start, d in tasks if start >= loaded), default=0.0),
            max((d for _, d in tasks), default=0.0),
            sum(files.values()), files, dict(figures.get("worker") or {}), saved, pause,
        )

    def site(self, profile: Path, url: str, cold: bool) -> Visit:
        return self.visit(profile, url, SITE_DONE, """() => ({
            ready: window.__glCalculator.runtime.timings.ready,
            started: window.__glCalculator.runtime.timings.workerStarted,
            worker: window.__glCalculator.runtime.timings.worker,
            first: window.__bench.rendered,
            loaded: performance.getEntriesByType("navigation")[0].loadEventEnd,
            longtasks: window.__bench.longtasks })""", cold)

    def bare(self, profile: Path, url: str, cold: bool) -> Visit:
        return self.visit(profile, url, BARE_DONE, """() => ({
            ready: window.__bareReady, first: null, longtasks: window.__bench.longtasks })""",
            cold)

    def plain(self, profile: Path, url: str, cold: bool) -> Visit:
        return self.visit(profile, url, PLAIN_DONE, """() => ({
            ready: performance.now(), first: null, longtasks: window.__bench.longtasks })""",
            cold)

    def recompute(
        self, profile: Path, url: str, count: int
    ) -> tuple[list[float], list[float], list[float]]:
        with self.context(profile) as context:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(url)
            outcome = page.wait_for_function(SITE_DONE, timeout=WAIT_MS).json_value()
            if outcome is not True:
                raise SystemExit(f"bench: {url}: {outcome}")
            # Steady state: not while a first visit's worker saves its snapshot (a one-time
            # pause of a few hundred ms, see snapshot_saved).
            worker = page.evaluate("() => window.__glCalculator.runtime.timings.worker") or {}
            if worker.get("snapshot") in ("none", "failed"):
                page.wait_for_function(SNAPSHOT_DONE, timeout=SNAPSHOT_WAIT_MS, polling=100)
            weight = [float(value) for value in page.evaluate(RECOMPUTE, [count, "weight"])]
            choices = [float(value) for value in page.evaluate(RECOMPUTE, [count, "choices"])]
            ping = [float(value) for value in page.evaluate(PING, count)]
            return weight, choices, ping


# --- the run --------------------------------------------------------------------------------


@dataclass
class Series:
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)


def checked_deadline(deadline: float) -> Callable[[str], None]:
    def check(what: str) -> None:
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: deadline reached before {what}")

    return check


def measure_builds(project: Path, work: Path, runs: int, series: Series,
                   check: Callable[[str], None]) -> None:
    config, plain = project / "mkdocs.yml", plain_config(project)
    build(config, work / "warm-up")  # fills the build cache, as any earlier build would have
    for run in range(runs):
        check(f"build {run + 1}")
        series.add("build", build(config, work / "site-build"))
        series.add("plain_build", build(plain, work / "site-plain"))
        # An empty build cache: the first build on a machine (or after a Pyodide upgrade).
        cache = work / f"empty-cache-{run}"
        series.add("build_empty_cache",
                   build(config, work / "site-cold", {"GUIDELINE_CACHE_DIR": str(cache)}))
        shutil.rmtree(cache, ignore_errors=True)
        log(f"build run {run + 1}/{runs}: " + ", ".join(
            f"{name} {values[-1]:.2f} s" for name, values in series.values.items()))


def measure_visits(site_url: str, work: Path, runs: int, recompute: int, series: Series,
                   traffic: Traffic, check: Callable[[str], None], verbose: bool) -> list[str]:
    case_url = f"{site_url}{CALCULATOR}#{CASE}"
    bare_url = f"{site_url}{BARE_DIR}/index.html"
    plain_url = f"{site_url}{PLAIN_DIR}/{CALCULATOR}"
    with sync_playwright() as playwright:
        browser = Browser(playwright, traffic)
        for run in range(runs):
            check(f"visit run {run + 1}")
            for kind, url in (("site", case_url), ("bare", bare_url), ("plain", plain_url)):
                profile = work / f"profile-{kind}-{run}"
                visits = {}
                # "again": a third visit, the steady state of a returning reader (Chromium
                # keeps V8's compiled code of a script from its second load on).
                for when in ("cold", "warm", "again") if kind == "site" else ("cold", "warm"):
                    cold = when == "cold"
                    visit = getattr(browser, kind)(profile, url, cold)
                    visits[when] = visit
                    if kind == "plain":
                        series.add(f"plain_page_longest_task_{when}", visit.page_longest_task)
                        continue
                    prefix = "" if kind == "site" else "bare_"
                    if kind == "site":
                        series.add(f"ready_{when}", visit.ready)
                        series.add(f"first_result_{when}", visit.first_result or math.nan)
                        series.add(f"page_longest_task_{when}", visit.page_longest_task)
                        series.add(f"longest_task_after_load_{when}",
                                   visit.longest_task_after_load)
                        if visit.snapshot_saved is not None:
                            series.add("snapshot_saved", visit.snapshot_saved)
                        if visit.snapshot_pause is not None:
                            series.add("snapshot_pause", visit.snapshot_pause)
                    else:
                        series.add(f"bare_pyodide_{when}", visit.ready)
                    series.add(f"{prefix}bytes_{when}", visit.bytes)
                    series.add(f"{prefix}longest_task_{when}", visit.longest_task)
                    if verbose and visit.worker:
                        log(f"  {kind} {when}: worker {json.dumps(visit.worker)}")
                    if verbose and run == 0:
                        for path, size in sorted(visit.files.items()):
                            log(f"  {kind} {when}: {size:>10,} {path}")
                shutil.rmtree(profile, ignore_errors=True)
                if kind == "plain":
                    continue
                log(f"visit run {run + 1}/{runs} {kind}: " + ", ".join(
                    f"{when} {visit.ready:.0f} ms"
                    + (f" (result {visit.first_result:.0f} ms)" if visit.first_result else "")
                    + f" {visit.bytes:,} B, longest task {visit.longest_task:.0f} ms"
                    for when, visit in visits.items()))
        check("the recompute loop")
        profile = work / "profile-recompute"
        weight, choices, pinged = browser.recompute(profile, case_url, recompute)
        measured = (
            ("recompute", weight),
            ("recompute_choices", choices),
            ("worker_round_trip", pinged),
        )
        for name, values in measured:
            for value in values:
                series.add(name, value)
        for name, values in measured:
            series.add(f"{name}_p95", percentile(values, 0.95))
        return browser.foreign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (default 5)")
    parser.add_argument("--recompute", type=int, default=200, help="input changes (default 200)")
    parser.add_argument("--skip-builds", action="store_true",
                        help="no build timings (quicker, for start-up experiments)")
    parser.add_argument("--deadline", type=float, default=3600, help="seconds for the whole run")
    parser.add_argument("--verbose", action="store_true", help="bytes per file of the first run")
    args = parser.parse_args()
    if not 1 <= args.runs <= 50 or not 1 <= args.recompute <= 5000:
        parser.error("--runs must be 1-50 and --recompute 1-5000")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"bench: {CHROMIUM} is missing (make chromium)")
    check = checked_deadline(time.monotonic() + args.deadline)
    series = Series()
    runtime = locate_pyodide(ROOT)
    core_bytes = sum((runtime.directory / name).stat().st_size for name in CORE_FILES)
    traffic = Traffic()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as temporary:
        work = Path(temporary)
        project = copy_project(work / "project")
        if not args.skip_builds:
            measure_builds(project, work, args.runs, series, check)
        site = work / "site"
        build(project / "mkdocs.yml", site)
        add_bare_page(site)
        build(plain_config(project), site / PLAIN_DIR)
        with serve(site, traffic) as site_url:
            foreign = measure_visits(site_url, work, args.runs, args.recompute, series,
                                     traffic, check, args.verbose)

    units = {"bytes": "bytes", "build": "s"}
    for name, values in series.values.items():
        unit = next((unit for key, unit in units.items() if key in name), "ms")
        emit(figure(name, values, unit))
    emit(figure("pyodide_core_bytes", [core_bytes], "bytes"))

    median = {name: statistics.median(values) for name, values in series.values.items()}
    bare_cold = median["bare_pyodide_cold"]
    emit(target("first_result_cold/bare_pyodide_cold",
                median["first_result_cold"] / bare_cold, "<=", 0.5))
    emit(target("first_result_warm/bare_pyodide_cold",
                median["first_result_warm"] / bare_cold, "<=", 0.3))
    emit(target("bytes_cold/pyodide_core_bytes", median["bytes_cold"] / core_bytes, "<=", 1.25))
    if "build" in median:
        emit(target("build/plain_build", median["build"] / median["plain_build"], "<=", 1.5))
    emit(target("recompute_p95_ms", percentile(series.values["recompute"], 0.95), "<", 16))
    emit(target("recompute_choices_p95_ms",
                percentile(series.values["recompute_choices"], 0.95), "<", 16))
    longest = max(series.values["longest_task_cold"] + series.values["longest_task_warm"])
    emit(target("longest_task_ms", longest, "<", 50))
    if foreign:
        raise SystemExit(f"bench: requests to other hosts: {sorted(set(foreign))}")


if __name__ == "__main__":
    main()
