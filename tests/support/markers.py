"""What the running test is marked with, for helpers that must refuse unmarked use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_browser_marked: list[bool] = []


@contextmanager
def current_test(browser_marked: bool) -> Iterator[None]:
    _browser_marked.append(browser_marked)
    try:
        yield
    finally:
        _browser_marked.pop()


def require_browser_marker(what: str) -> None:
    """Fail a test that starts Chromium (``what``) without ``@pytest.mark.browser``."""
    if _browser_marked and not _browser_marked[-1]:
        raise AssertionError(
            f"this test starts {what} but is not marked @pytest.mark.browser: mark it, so that "
            '`pytest -m "not browser"` (make test-fast) leaves it out'
        )
