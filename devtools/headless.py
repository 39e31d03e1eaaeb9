"""How the project starts Debian's Chromium (Playwright's ``executable_path`` and flags): one
source for the tests (tests/support/chromium.py), the benchmarks and
:mod:`devtools.screenshots`."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Under these host resolver rules no name but 127.0.0.1 resolves: a browser started with
# LOOPBACK_ONLY cannot reach another machine, even by mistake (request routing would do the
# same, but turns Chromium's HTTP cache off).
LOOPBACK_ONLY_RULES = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
LOOPBACK_ONLY = f"--host-resolver-rules={LOOPBACK_ONLY_RULES}"
