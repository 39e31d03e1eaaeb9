"""A Content-Security-Policy for every page, as a ``<meta>`` tag written after the build.

The theme's few inline scripts are allowed by their SHA-256 hashes, collected over the whole
site: instant navigation re-creates a later page's scripts under the first page's policy, so
every page carries the same policy. Nothing from another origin is allowed. Pyodide runs in a
module worker whose policy comes from its own response, so the page itself needs no
``'wasm-unsafe-eval'``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""")
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}

DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)


def inline_script_hashes(html: str) -> set[str]:
    """CSP source expressions for the inline scripts the browser would execute."""
    hashes: set[str] = set()
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in _EXECUTABLE_TYPES:
            continue  # data blocks such as type="application/json" are never executed
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def content_security_policy(script_hashes: Iterable[str]) -> str:
    parts = []
    for name, sources in DIRECTIVES:
        if name == "script-src":
            sources = " ".join([sources, *sorted(script_hashes)])
        parts.append(f"{name} {sources}")
    return "; ".join(parts)


def with_policy(html: str, policy: str) -> str:
    """``html`` with the policy as the first element of ``<head>`` (before any script)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return re.sub(r"<head>", lambda _: "<head>\n" + meta, html, count=1)
