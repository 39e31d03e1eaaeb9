"""Debian Chromium driven by Playwright for Python, with every non-loopback request blocked
and recorded (the site must never make one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

# Where Chromium is and its flags: one source, shared with devtools.screenshots.
from devtools.headless import CHROMIUM as CHROMIUM
from devtools.headless import CHROMIUM_ARGS as CHROMIUM_ARGS
from tests.support.markers import require_browser_marker

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class RequestLog:
    foreign: list[str] = field(default_factory=list)
    all: list[str] = field(default_factory=list)


SharedPage = tuple[Page, RequestLog, list[str]]  # a page, its request log, its console errors


@contextmanager
def chromium() -> Iterator[Browser]:
    require_browser_marker("Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def guarded_context(browser: Browser, log: RequestLog, **options: object) -> BrowserContext:
    """A context that aborts and records every request leaving the loopback interface.
    Service workers are blocked unless asked for: the site's would save every page in the
    background, requests that tests counting the page's own would see
    (tests/browser/test_browser_offline.py tests it on its own)."""
    require_browser_marker("a Chromium page")
    options.setdefault("service_workers", "block")
    context = browser.new_context(**options)  # type: ignore[arg-type]

    def route(route: Route) -> None:
        url = route.request.url
        log.all.append(url)
        host = urlparse(url).hostname or ""
        if urlparse(url).scheme in ("data", "blob") or host in LOOPBACK:
            route.continue_()
        else:
            log.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    return context


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


# The screens the point-of-care tests use: a 1366 x 900 laptop and a 390 x 844 phone (a touch
# screen, the browser's mobile mode).
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
