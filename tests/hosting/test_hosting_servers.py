"""The built site on real web servers with their stock configurations: nginx, Apache and
lighttpd as Debian ships them, the site under ``/guidelines/``, no content-type configuration of
ours. The calculator must start and show what CPython computes; every script must come with a
JavaScript content type (a module script or worker with any other type is refused by the
browser). Then Apache honouring the site's ``.htaccess``, and nginx with the README's snippet:
precompressed files negotiated byte for byte.
"""

from __future__ import annotations

import gzip
import http.client
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Response

from tests.support.calculator_page import BRANCHES, expected_items, shown_items, wait_for_result
from tests.support.chromium import RequestLog, chromium_available, guarded_context
from tests.support.paths import CALCULATOR_PATH
from tests.support.servers import SERVERS, RunningServer, ServerName, readme_nginx_snippet, serve

pytestmark = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    not chromium_available(),
    reason="Chromium is missing: `sudo apt-get install chromium` (or set CHROMIUM to its path)",
)

READY_MS = 60_000
HTTP_TIMEOUT_S = 30.0
FRAGMENT = BRANCHES["her2-positive"]  # a complete case: recommendations, warnings and a dose

# The JavaScript MIME type essences of the HTML standard: what browsers accept for scripts.
JAVASCRIPT_TYPES = frozenset(
    {
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    }
)
SCRIPT_SUFFIXES = (".js", ".mjs")
# The content types the byte-level checks accept, by the requested file's own extension (stock
# nginx still sends .js as application/javascript: obsolete, but a JavaScript type).
EXPECTED_TYPES: dict[str, frozenset[str]] = {
    ".js": JAVASCRIPT_TYPES,
    ".mjs": JAVASCRIPT_TYPES,
    ".wasm": frozenset({"application/wasm"}),
    ".html": frozenset({"text/html"}),
}
PRECOMPRESSED = {"br": ".br", "gzip": ".gz"}


def essence(content_type: str | None) -> str:
    """``text/javascript; charset=utf-8`` -> ``text/javascript``."""
    return (content_type or "").split(";")[0].strip().lower()


# --- the calculator in Chromium ---------------------------------------------------------------


@dataclass
class Served:
    url: str
    resource_type: str
    status: int
    content_type: str


def record_responses(context: BrowserContext) -> list[Served]:
    """Every response the context receives (the page's and its workers'), with its type."""
    served: list[Served] = []

    def on_response(response: Response) -> None:
        served.append(
            Served(
                response.url,
                response.request.resource_type,
                response.status,
                response.headers.get("content-type", ""),
            )
        )

    context.on("response", on_response)
    return served


def is_script(item: Served) -> bool:
    return item.resource_type == "script" or urlsplit(item.url).path.endswith(SCRIPT_SUFFIXES)


def check_calculator(
    browser: Browser, server: RunningServer, cpython: Callable[[str], dict[str, Any]]
) -> None:
    """Opens a case link on ``server``: the calculator starts, every script and the wasm come
    with the right type, and the result shown is the one CPython computes."""
    log = RequestLog()
    context = guarded_context(browser, log)
    served = record_responses(context)
    try:
        page = context.new_page()
        page.set_default_timeout(READY_MS)
        page.goto(f"{server.base_url}{CALCULATOR_PATH}#{FRAGMENT}", timeout=READY_MS)
        page.wait_for_function(
            "() => window.__glCalculator &&"
            " ['ready', 'failed'].includes(window.__glCalculator.runtime.state)",
            timeout=READY_MS,
        )
        state, detail = page.evaluate(
            "() => [window.__glCalculator.runtime.state, window.__glCalculator.runtime.detail]"
        )
        scripts = [item for item in served if is_script(item)]
        wasm = [item for item in served if urlsplit(item.url).path.endswith(".wasm")]
        table = "\n".join(
            f"  {item.status} {item.content_type or '(none)'}  {item.url}"
            for item in scripts + wasm
        )
        assert state == "ready", (
            f"{server.name}: the calculator {state}: {detail}\nscripts and wasm served:\n{table}"
        )
        wrong = [item for item in scripts if essence(item.content_type) not in JAVASCRIPT_TYPES]
        assert wrong == [], f"{server.name}: scripts without a JavaScript type:\n{table}"
        assert any("/assets/calculator/worker." in item.url for item in scripts), table
        assert wasm, f"{server.name}: no .wasm fetched:\n{table}"
        assert all(essence(item.content_type) == "application/wasm" for item in wasm), table
        assert all(item.status == 200 for item in scripts + wasm), table

        wait_for_result(page)
        expected = cpython(FRAGMENT)
        assert page.locator(".gl-calculator").get_attribute("data-status") == expected["status"]
        assert shown_items(page) == expected_items(expected)[0]
        first = page.locator(".gl-result-recommendations .gl-result-text").first.inner_text()
        assert first.strip() == expected["recommendations"][0]["text"].strip()
    finally:
        context.close()
    assert log.foreign == []


@needs_chromium
@pytest.mark.parametrize("name", SERVERS)
def test_the_calculator_works_on_a_stock_server(
    name: ServerName,
    built_site: Path,
    browser: Browser,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    with serve(built_site, name) as server:
        check_calculator(browser, server, cpython)


# --- precompressed files, byte for byte -------------------------------------------------------


def brotli_module() -> ModuleType | None:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


def files_to_fetch(site: Path) -> list[Path]:
    """Pages, the calculator's and Pyodide's files and the theme's scripts (never the
    precompressed copies themselves)."""
    chosen = [site / "index.html", site / CALCULATOR_PATH / "index.html"]
    for folder, pattern in (
        ("assets/calculator", "**/*"),
        ("assets/pyodide", "**/*"),
        ("assets/javascripts", "*.js"),
    ):
        chosen += sorted(
            path
            for path in (site / folder).glob(pattern)
            if path.is_file() and path.suffix not in (".br", ".gz")
        )
    assert all(path.exists() for path in chosen), chosen
    return chosen


@dataclass
class Fetched:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(server: RunningServer, path: str, accept_encoding: str | None) -> Fetched:
    """GET with exactly this Accept-Encoding (none at all for None), undecoded."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT_S)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        if accept_encoding is not None:
            connection.putheader("Accept-Encoding", accept_encoding)
        connection.endheaders()
        response = connection.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        connection.close()


def expected_encoding(source: Path, accepted: list[str], supported: tuple[str, ...]) -> str | None:
    """The precompressed copy the server must send: br before gzip; None when none applies."""
    for coding in ("br", "gzip"):
        if (
            coding in accepted
            and coding in supported
            and source.with_name(source.name + PRECOMPRESSED[coding]).exists()
        ):
            return coding
    return None


def check_negotiation(server: RunningServer, site: Path, supported: tuple[str, ...]) -> None:
    """For each file and each Accept-Encoding: 200, the type of the file's own extension, the
    precompressed copy when one exists and the client takes it, ``Vary: Accept-Encoding``
    wherever the answer depends on it, and a body that decodes to the file."""
    brotli = brotli_module()
    problems: list[str] = []
    for source in files_to_fetch(site):
        relative = source.relative_to(site).as_posix()
        url_path = server.base_url[len(server.origin) :] + relative.removesuffix("index.html")
        original = source.read_bytes()
        has_copies = any(
            source.with_name(source.name + PRECOMPRESSED[coding]).exists() for coding in supported
        )
        for accept in ("br", "gzip", "gzip, deflate, br", None):
            accepted = [part.split(";")[0].strip() for part in (accept or "").split(",") if part]
            label = f"{relative} (Accept-Encoding: {accept or 'none'})"
            got = fetch(server, url_path, accept)
            if got.status != 200:
                problems.append(f"{label}: status {got.status}")
                continue
            content_type = essence(got.headers.get("Content-Type"))
            want_type = EXPECTED_TYPES.get(source.suffix)
            if want_type and content_type not in want_type:
                problems.append(
                    f"{label}: Content-Type {content_type!r}, expected one of {sorted(want_type)}"
                )
            encoding = (got.headers.get("Content-Encoding") or "identity").strip().lower()
            want = expected_encoding(source, accepted, supported)
            if want is not None:
                if encoding != want:
                    problems.append(
                        f"{label}: Content-Encoding {encoding}, expected {want} "
                        f"({relative}{PRECOMPRESSED[want]} exists)"
                    )
            elif not accepted and encoding != "identity":
                problems.append(f"{label}: Content-Encoding {encoding} without Accept-Encoding")
            elif encoding not in ("identity", *accepted):
                problems.append(f"{label}: Content-Encoding {encoding}, not one accepted")
            vary = {
                part.strip().lower()
                for value in got.headers.get_all("Vary") or []
                for part in value.split(",")
            }
            if (has_copies or encoding != "identity") and "accept-encoding" not in vary:
                problems.append(f"{label}: no 'Vary: Accept-Encoding' (Vary: {sorted(vary)})")
            if encoding == "identity":
                decoded: bytes | None = got.body
            elif encoding == "gzip":
                try:
                    decoded = gzip.decompress(got.body)
                except (OSError, EOFError) as error:
                    problems.append(f"{label}: the gzip body does not decode: {error}")
                    continue
            elif encoding == "br":
                copy = source.with_name(source.name + ".br")
                if copy.exists() and got.body != copy.read_bytes():
                    problems.append(f"{label}: the br body is not {relative}.br")
                decoded = brotli.decompress(got.body) if brotli is not None else None
            else:
                problems.append(f"{label}: unexpected Content-Encoding {encoding}")
                continue
            if decoded is not None and decoded != original:
                twice = " (still gzip: compressed twice)" if decoded[:2] == b"\x1f\x8b" else ""
                problems.append(
                    f"{label}: the decoded body ({len(decoded)} bytes) is not the "
                    f"file ({len(original)} bytes){twice}"
                )
    assert problems == [], f"{server.name}:\n" + "\n".join(problems) + "\n" + server.logs(1500)


# --- Apache honouring the site's .htaccess ----------------------------------------------------


@pytest.fixture(scope="module")
def apache_with_htaccess(built_site: Path) -> Iterator[RunningServer]:
    assert (built_site / ".htaccess").is_file(), "the build writes .htaccess at the site root"
    with serve(built_site, "apache2", htaccess=True) as server:
        yield server


def test_apache_honours_the_sites_htaccess(
    apache_with_htaccess: RunningServer, built_site: Path
) -> None:
    check_negotiation(apache_with_htaccess, built_site, supported=("br", "gzip"))


@needs_chromium
def test_the_calculator_works_through_the_htaccess(
    apache_with_htaccess: RunningServer,
    browser: Browser,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    check_calculator(browser, apache_with_htaccess, cpython)


# --- nginx with the README's snippet ----------------------------------------------------------


@pytest.fixture(scope="module")
def nginx_with_snippet(built_site: Path) -> Iterator[RunningServer]:
    snippet = readme_nginx_snippet()
    assert snippet is not None, "README.md lost its '<!-- nginx-snippet -->' and nginx block"
    with serve(built_site, "nginx", nginx_extra=snippet) as server:
        yield server


def test_nginx_with_the_readme_snippet_serves_precompressed_files(
    nginx_with_snippet: RunningServer, built_site: Path
) -> None:
    # Stock nginx has gzip_static but no brotli module.
    check_negotiation(nginx_with_snippet, built_site, supported=("gzip",))


@needs_chromium
def test_the_calculator_works_on_nginx_with_the_readme_snippet(
    nginx_with_snippet: RunningServer,
    browser: Browser,
    cpython: Callable[[str], dict[str, Any]],
) -> None:
    check_calculator(browser, nginx_with_snippet, cpython)
