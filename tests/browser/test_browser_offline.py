"""Offline after one visit, a first visit that downloads no file twice and saves the site only
after the calculator's first result, a runtime that reading pages fetch only when idle and never
on saved data, a copy opened as files, fragment changes with no request, and the snapshot guard
of Pyodide #6254 — in Debian Chromium against the built site."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from devtools.serve import SiteRequestHandler, start_server
from tests.support.calculator_page import BRANCHES, READY_MS, shown_items, wait_for_result
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, LOOPBACK, chromium_available
from tests.support.paths import BASE_PATH, CALCULATOR_PATH, GUIDELINE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason=f"{CHROMIUM} is missing (make chromium)"),
]

READING = f"{GUIDELINE}/her2-positive/"
RUNTIME_PARTS = ("/assets/pyodide/", "calculators.zip")


def runtime_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if any(part in url for part in RUNTIME_PARTS)]


def recommendation_ids(page: Page) -> list[str]:
    return shown_items(page)["recommendations"]


def expected_ids(cpython: Callable[[str], dict[str, Any]], fragment: str) -> list[str]:
    return [item["id"] for item in cpython(fragment)["recommendations"] if not item.get("field")]


def test_reading_and_the_calculator_work_offline_after_one_visit(
    browser: Browser,
    built_site: Path,
    tmp_path: Path,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    server = start_server(built_site, base_path=BASE_PATH)
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}{BASE_PATH}"
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS
    )
    foreign: list[str] = []
    context.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if (urlparse(request.url).hostname or "") not in LOOPBACK
            and urlparse(request.url).scheme in ("http", "https")
            else None
        ),
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        first = BRANCHES["her2-positive"]
        page.goto(f"{base}{CALCULATOR_PATH}#{first}")
        wait_for_result(page)
        # The service worker is in place and holds every file, the runtime included.
        page.wait_for_function(
            "() => window.__glOffline && window.__glOffline.saved", timeout=READY_MS
        )
        status = page.evaluate("() => window.__glOffline.status()")
        assert status["shell"][0] == status["shell"][1] > 20
        assert status["runtime"][0] == status["runtime"][1] == 5
        server.shutdown()
        server.server_close()

        page.goto(f"{base}{READING}")  # the server is gone
        expect(page.locator("h1")).to_be_visible()
        assert "HER2" in page.locator("h1").inner_text()
        second = BRANCHES["triple-negative"]
        page.goto(f"{base}{CALCULATOR_PATH}#{second}")
        wait_for_result(page)
        assert recommendation_ids(page) == expected_ids(cpython, second)
        page.goto(f"{base}no-such-page/")
        expect(page.locator("h1")).to_have_text("This page is not available offline")
    finally:
        context.close()
    assert foreign == []


class CountingHandler(SiteRequestHandler):
    """serve.py's handler, noting every request it answers: (wall-clock time, path with query)."""

    answered: ClassVar[list[tuple[float, str]]]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.answered.append((time.time(), self.path))
        super().log_request(code, size)


@contextmanager
def counting_server(site: Path) -> Iterator[tuple[str, list[tuple[float, str]]]]:
    """The built site served as ``site_url`` serves it, and the list of the requests it answers."""
    answered: list[tuple[float, str]] = []
    handler = type("Handler", (CountingHandler,), {"answered": answered})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site), base_path=BASE_PATH)
    )
    server.quiet = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}", answered
    finally:
        server.shutdown()
        server.server_close()


# When the page first shows a result (the calculator marks its section with the case shown), on
# the wall clock the server's notes use too.
RESULT_SHOWN_AT = """
new MutationObserver(() => {
  const section = document.querySelector(".gl-calculator");
  if (window.__resultShownAt === undefined && section && section.dataset.renderedCase)
    window.__resultShownAt = Date.now();
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-rendered-case"] });
"""


def test_a_first_visit_downloads_no_file_twice_and_saves_after_the_first_result(
    browser: Browser, built_site: Path
) -> None:
    """A fresh browser opens a case link: until the offline copy is saved, the server answers
    each URL once, and the service worker is registered only after the result is shown.

    Counted at the server, not in the browser: a request that reaches the server is exactly one
    the browser did not answer from a cache (Playwright's response.from_service_worker and CDP's
    fromDiskCache would each cover one kind of cache, and the service worker's own requests
    come from another target); a revalidation answered 304 counts too. Before sw.js is fetched
    no service worker exists in a fresh profile, so no request of the offline saving can come
    before it."""
    with counting_server(built_site) as (base, answered):
        context = browser.new_context()
        context.add_init_script(RESULT_SHOWN_AT)
        try:
            page = context.new_page()
            page.goto(f"{base}{CALCULATOR_PATH}#{BRANCHES['her2-positive']}")
            wait_for_result(page)
            page.wait_for_function(
                "() => window.__glOffline && window.__glOffline.saved", timeout=READY_MS
            )
            saved = page.evaluate("() => window.__glOffline.saved")
            shown_at = page.evaluate("() => window.__resultShownAt") / 1000
        finally:
            context.close()
        requests = list(answered)
    assert saved["shell"][0] == saved["shell"][1] > 20  # the saving did run
    paths = Counter(path for _, path in requests)
    assert [path for path, count in paths.items() if count > 1] == []
    registered = [at for at, path in requests if path == f"{BASE_PATH}sw.js"]
    assert len(registered) == 1
    assert registered[0] >= shown_at
    # The calculator's own files all came before it: nothing it needed waited for the saving.
    runtime = [at for at, path in requests if any(part in path for part in RUNTIME_PARTS)]
    assert runtime
    assert max(runtime) < shown_at


def visit_reading_page(browser: Browser, site_url: str, save_data: bool) -> list[str]:
    context = browser.new_context()
    if save_data:
        context.add_init_script(
            "Object.defineProperty(navigator, 'connection', {value: {saveData: true}});"
        )
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page = context.new_page()
    page.goto(site_url + READING)
    page.wait_for_load_state("load")
    if save_data:
        page.wait_for_timeout(4000)  # idle, long enough for any deferred start
    else:
        page.wait_for_function(
            "() => window.__glCalculator.runtime.state === 'ready'", timeout=READY_MS
        )
    state = page.evaluate("() => window.__glCalculator.runtime.state")
    context.close()
    return [state, *urls]


def test_reading_pages_fetch_the_runtime_when_idle_and_never_on_saved_data(
    browser: Browser, site_url: str
) -> None:
    state, *urls = visit_reading_page(browser, site_url, save_data=True)
    assert state == "idle"
    assert runtime_requests(urls) == []
    state, *urls = visit_reading_page(browser, site_url, save_data=False)
    assert state == "ready"  # warm for a calculator opened next
    assert runtime_requests(urls)


def test_a_copy_opened_as_files_says_to_use_a_web_server(
    browser: Browser, built_site: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto((built_site / CALCULATOR_PATH / "index.html").as_uri())
    notice = page.locator(".gl-file-notice")
    expect(notice).to_contain_text("opened as files")
    expect(notice).to_contain_text("python3 -m http.server")
    expect(page.locator(".gl-calculator-status")).to_contain_text("web server")
    expect(page.locator("h1")).to_be_visible()
    page.goto((built_site / READING / "index.html").as_uri())
    expect(page.locator(".gl-file-notice")).to_be_visible()
    context.close()


def test_a_snapshot_this_pyodide_cannot_restore_is_not_saved(
    browser: Browser,
    site_url: str,
    tmp_path: Path,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    """Pyodide 314 cannot restore a snapshot over its default heap (#6254): with the limit set
    below the real size, the first visit saves none and the next starts normally."""

    def small_limit(route: Route) -> None:
        response = route.fetch()
        manifest = json.loads(response.text())
        manifest["python_snapshot_max_bytes"] = 1_000_000
        route.fulfill(response=response, body=json.dumps(manifest))

    fragment = BRANCHES["her2-positive"]
    for visit in ("first", "repeat"):
        context = browser.browser_type.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            service_workers="block",
        )
        context.route("**/calculator-manifest.json*", small_limit)
        context.add_init_script("""
          const Original = window.Worker;
          window.Worker = function (url, options) {
            const worker = new Original(url, options);
            worker.addEventListener("message", (event) => {
              if (event.data && event.data.type === "snapshot") window.__snapshot = event.data;
            });
            return worker;
          };""")
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{site_url}{CALCULATOR_PATH}#{fragment}")
        wait_for_result(page)
        assert recommendation_ids(page) == expected_ids(cpython, fragment)
        timings = page.evaluate("() => window.__glCalculator.runtime.timings.worker")
        assert timings["snapshot"] == "none", visit  # never "failed": nothing was saved
        page.wait_for_function("() => window.__snapshot", timeout=READY_MS)
        snapshot = page.evaluate("() => window.__snapshot")
        assert snapshot["state"] == "skipped"
        assert snapshot["heap"] > 1_000_000
        context.close()
