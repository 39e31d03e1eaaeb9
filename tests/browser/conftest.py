"""Fixtures of the browser tests: one calculator page per module (Chromium itself, the session's
``browser``, is in the root conftest.py: the bundle and hosting layers drive it too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.chromium import (
    SIZES,
    RequestLog,
    SharedPage,
    console_errors,
    guarded_context,
)
from tests.support.paths import CALCULATOR_PATH


@pytest.fixture(scope="module")
def calculator_page(browser: Browser, site_url: str) -> Iterator[SharedPage]:
    """One calculator page per test module: Python starts once (each new page would start it
    again: with routing on, Playwright disables the HTTP cache)."""
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    errors = console_errors(page)
    page.goto(site_url + CALCULATOR_PATH)
    yield page, log, errors
    context.close()


@pytest.fixture(params=list(SIZES))
def sized_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page at each of SIZES (a laptop, a phone), that may make no foreign request."""
    log = RequestLog()
    context = guarded_context(browser, log, **SIZES[request.param])
    yield context.new_page()
    context.close()
    assert log.foreign == []
