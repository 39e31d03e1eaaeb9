"""What the build writes for the servers that host the site (build_tools/hosting/): the
precompressed copies, .htaccess and web.config, the service worker's lists, the web app
manifest and icons, no canonical address it does not know; and the project's own server."""

from __future__ import annotations

import gzip
import json
import re
import struct
import urllib.request
import xml.dom.minidom
import zlib
from pathlib import Path

import brotli
import pytest

from build_tools.hosting import icons, offline
from build_tools.hosting.compress import CompressionCache, precompress
from build_tools.hosting.policy import IMMUTABLE, REVALIDATE, cache_control, compressible
from build_tools.mkdocs_plugin.theme import finish_page
from devtools.serve import start_server

BUILD_JSON = re.compile(r"const BUILD = (\{.*?\});\n")


def service_worker_build(site: Path) -> dict[str, object]:
    match = BUILD_JSON.search((site / "sw.js").read_text(encoding="utf-8"))
    assert match, "sw.js has no BUILD line"
    return dict(json.loads(match.group(1)))


# --- precompressed files ------------------------------------------------------------------------


def test_every_large_text_and_wasm_file_has_br_and_gz_twins_that_decode_to_it(
    built_site: Path,
) -> None:
    checked = 0
    for path in sorted(built_site.rglob("*")):
        relative = path.relative_to(built_site).as_posix()
        if not path.is_file() or path.suffix in (".br", ".gz"):
            continue
        twins = [path.with_name(path.name + suffix) for suffix in (".br", ".gz")]
        if not compressible(relative, path.stat().st_size):
            assert not any(twin.exists() for twin in twins), relative
            continue
        data = path.read_bytes()
        assert brotli.decompress(twins[0].read_bytes()) == data, relative
        assert gzip.decompress(twins[1].read_bytes()) == data, relative
        checked += 1
    wasm = next(built_site.rglob("pyodide.asm.wasm"))
    assert wasm.with_name("pyodide.asm.wasm.br").stat().st_size < wasm.stat().st_size * 0.4
    assert not list(built_site.rglob("*.zip.br"))  # archives are compressed already
    assert checked > 20


def test_precompression_is_deterministic_and_the_cache_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>guideline</p>\n" * 200)
    (site / "big.js").write_bytes(b"var x = 1;\n" * 40_000)
    (site / "tiny.css").write_text("p{}")  # too small to be worth it
    (site / "data.zip").write_bytes(b"PK" * 2000)
    first = precompress(site, CompressionCache(tmp_path / "cache"))
    snapshot = {p.name: p.read_bytes() for p in site.rglob("*.*") if p.suffix in (".br", ".gz")}
    assert sorted(snapshot) == ["big.js.br", "big.js.gz", "index.html.br", "index.html.gz"]
    assert list((tmp_path / "cache").iterdir())  # big.js went through the cache
    again = precompress(site, CompressionCache(None))  # no cache: the same bytes
    assert again == first
    assert snapshot == {
        p.name: p.read_bytes() for p in site.rglob("*.*") if p.suffix in (".br", ".gz")
    }
    assert gzip.decompress(snapshot["index.html.gz"]) == (site / "a/index.html").read_bytes()


# --- server configuration files -----------------------------------------------------------------


def test_web_config_is_well_formed_and_maps_every_type_iis_lacks(built_site: Path) -> None:
    document = xml.dom.minidom.parse(str(built_site / "web.config"))
    maps = {
        node.getAttribute("fileExtension"): node.getAttribute("mimeType")
        for node in document.getElementsByTagName("mimeMap")
    }
    assert maps[".wasm"] == "application/wasm"
    assert maps[".js"] == "text/javascript"
    assert maps[".json"] == "application/json"
    assert maps[".ris"] == "application/x-research-info-systems"  # the references' download
    assert maps[".dmn"] == "application/xml"  # the decision tables' download
    # Only sections IIS allows in a site folder by default: a locked one is a 500 for the site.
    sections = {
        node.tagName
        for node in document.getElementsByTagName("system.webServer")[0].childNodes
        if node.nodeType == node.ELEMENT_NODE
    }
    assert sections == {"staticContent", "urlCompression"}


def test_htaccess_guards_every_module_directive(built_site: Path) -> None:
    text = (built_site / ".htaccess").read_text()
    depth = 0
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("<IfModule"):
            depth += 1
        elif stripped == "</IfModule>":
            depth -= 1
        elif stripped.split(" ")[0] in (
            "AddType",
            "AddEncoding",
            "RewriteEngine",
            "RewriteRule",
            "RewriteCond",
            "Header",
            "SetEnv",
            "RemoveType",
        ):
            assert depth > 0, f"unguarded: {stripped}"
    assert depth == 0


# --- offline: service worker, web app manifest, icons -------------------------------------------


def test_the_service_worker_lists_every_page_and_the_runtime_apart(built_site: Path) -> None:
    build = service_worker_build(built_site)
    shell, runtime = build["shell"], build["runtime"]
    assert isinstance(shell, list)
    assert isinstance(runtime, list)
    pages = {
        "./" if p.parent == built_site else p.parent.relative_to(built_site).as_posix() + "/"
        for p in built_site.rglob("index.html")
    }
    assert pages <= set(shell)
    manifest = json.loads((built_site / "assets/calculator/calculator-manifest.json").read_text())
    assert manifest["calculators_zip"] in runtime
    assert manifest["stdlib_zip"] in runtime
    assert {manifest["pyodide_dir"] + name for name in manifest["pyodide_files"].values()} <= set(
        runtime
    )
    assert not set(shell) & {url.split("?")[0] for url in runtime}
    for url in [*shell, *runtime]:
        target = built_site / url.split("?")[0]
        assert (target / "index.html" if url.endswith("/") else target).is_file(), url
    assert not [url for url in shell if url.endswith((".br", ".gz", ".map", "sw.js"))]


def test_the_build_id_follows_the_content(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("one")
    first = offline.offline_files(site, ["assets/x.wasm"])
    assert offline.offline_files(site, ["assets/x.wasm"]).build_id == first.build_id
    (site / "index.html").write_text("two")
    assert offline.offline_files(site, ["assets/x.wasm"]).build_id != first.build_id
    assert first.shell == ("./",)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_site_is_installable(built_site: Path) -> None:
    manifest = json.loads((built_site / "manifest.json").read_text())
    assert manifest["start_url"] == manifest["scope"] == "./"  # any sub-path
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        width, height = png_size((built_site / icon["src"]).read_bytes())
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes
    page = (built_site / "metastatic-breast-cancer/her2-positive/index.html").read_text()
    assert '<link rel="manifest" href="../../manifest.json">' in page


# --- no canonical address the build does not know -----------------------------------------------


def test_no_page_names_a_canonical_address_without_site_url(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        assert 'rel="canonical"' not in page.read_text(), page


def test_a_known_address_is_kept_as_canonical() -> None:
    html = (
        '<html><head><meta charset="utf-8">\n'
        '    <link rel="canonical" href="https://intranet.example/g/a/">\n</head></html>'
    )
    assert 'rel="canonical"' in finish_page(html, "x.js", canonical=True)
    assert 'rel="canonical"' not in finish_page(html, "x.js", canonical=False)


# --- the project's own server -------------------------------------------------------------------


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "assets/pyodide/1.0").mkdir(parents=True)
    (site / "index.html").write_text("<p>page</p>" * 300)
    (site / "assets/pyodide/1.0/runtime.js").write_text("var a;" * 500)
    precompress(site, CompressionCache(None))
    return site


def fetch(url: str, encoding: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers.items()), response.read()


def test_the_server_sends_precompressed_twins_and_cache_rules(small_site: Path) -> None:
    server = start_server(small_site, base_path="/guidelines/")
    base = f"http://127.0.0.1:{server.server_address[1]}/guidelines/"
    try:
        headers, body = fetch(base, "gzip, deflate, br")
        assert headers["Content-Encoding"] == "br"
        assert headers["Content-Type"].startswith("text/html")
        assert brotli.decompress(body) == (small_site / "index.html").read_bytes()
        assert headers["Vary"] == "Accept-Encoding"
        assert headers["Cache-Control"] == REVALIDATE
        headers, body = fetch(base + "assets/pyodide/1.0/runtime.js", "gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"] == "text/javascript"
        assert gzip.decompress(body) == (small_site / "assets/pyodide/1.0/runtime.js").read_bytes()
        assert headers["Cache-Control"] == IMMUTABLE
        headers, body = fetch(base + "index.html?x=1", "br;q=0")
        assert "Content-Encoding" not in headers
        assert body == (small_site / "index.html").read_bytes()
    finally:
        server.shutdown()


def test_versioned_urls_are_immutable_and_the_rest_revalidated() -> None:
    assert cache_control("assets/pyodide/314.0.7/pyodide.asm.wasm") == IMMUTABLE
    assert cache_control("assets/javascripts/bundle.a5f9d56c.min.js") == IMMUTABLE
    assert cache_control("assets/calculator/calculators.zip", "v=c928135b1ab3ec11") == IMMUTABLE
    assert cache_control("assets/calculator/calculator.js") == REVALIDATE
    assert cache_control("metastatic-breast-cancer/index.html") == REVALIDATE
    assert cache_control("sw.js", "v=notahash") == REVALIDATE


def test_the_icon_is_a_white_cross_on_indigo_inside_the_maskable_safe_zone() -> None:
    size = 192
    data = icons.icon_png(size)
    raw = zlib.decompress(data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8])
    stride = 1 + 3 * size

    def pixel(x: int, y: int) -> tuple[int, ...]:
        start = y * stride + 1 + 3 * x
        return tuple(raw[start : start + 3])

    assert pixel(size // 2, size // 2) == icons.FOREGROUND
    assert pixel(0, 0) == pixel(size - 1, size - 1) == icons.BACKGROUND
    assert pixel(size // 2, size // 2 + size // 4) == icons.FOREGROUND  # the lower arm
    # Maskable icons may be cropped to the central circle of 80 %: the cross stays inside it.
    for y in range(size):
        for x in range(size):
            if pixel(x, y) == icons.FOREGROUND:
                assert (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 <= (0.4 * size) ** 2
