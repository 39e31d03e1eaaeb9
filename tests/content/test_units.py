"""Unit tests of the small pieces: located YAML, relative URLs, page URLs, the static server."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from build_tools.content.site import page_url, resolve_link
from build_tools.located_yaml import YamlSyntaxError, line_of_path, load_located
from build_tools.render.urls import relative_url
from devtools.serve import start_server


def test_located_yaml_knows_file_lines() -> None:
    data = load_located("a: 1\nb:\n  - x: 2\n    y: [1, 2]\n  - z\n", first_line=5)
    assert data.line_of("a") == 5
    assert data.line_of("b") == 6
    assert data["b"].line_of(1) == 9
    assert line_of_path(data, ("b", 0, "y"), 0) == 8
    assert line_of_path(data, ("b", 0, "missing"), 0) == 7  # deepest existing node


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("a: 1\na: 2\n", 4, "duplicate key 'a'"),
        ("a: [1\nb: 2\n", 4, "expected ',' or ']'"),
    ],
)
def test_yaml_errors_carry_the_file_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(YamlSyntaxError) as error:
        load_located(text, first_line=3)
    assert error.value.line == line
    assert problem in error.value.problem


def test_impossible_dates_stay_text_for_the_schema() -> None:
    assert load_located("d: 2026-02-30\n")["d"] == "2026-02-30"


@pytest.mark.parametrize(
    ("target", "current", "expected"),
    [
        ("g/references/", "g/her2/", "../references/"),
        ("g/references/#ref-a", "g/her2/", "../references/#ref-a"),
        ("g/her2/#p", "g/her2/", "./#p"),
        ("", "g/her2/", "../../"),
        ("g/", "", "g/"),
        ("policy/", "", "policy/"),
    ],
)
def test_relative_url(target: str, current: str, expected: str) -> None:
    assert relative_url(target, current) == expected


def test_page_urls_and_links() -> None:
    assert page_url("index.md") == ""
    assert page_url("g/index.md") == "g/"
    assert page_url("g/her2.md") == "g/her2/"
    assert resolve_link("g/her2.md", "refs.md#ref-a") == ("g/refs.md", "ref-a")
    assert resolve_link("g/her2.md", "../policy.md") == ("policy.md", "")
    assert resolve_link("g/her2.md", "https://example.org/a.md") is None


def test_static_server_serves_under_a_sub_path_with_wasm_type(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "runtime.wasm").write_bytes(b"\0asm")
    (tmp_path / "loader.mjs").write_text("export {}")
    server = start_server(tmp_path, base_path="/guidelines/")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/guidelines/") as response:
            assert b"home" in response.read()
        with urllib.request.urlopen(f"{base}/guidelines/runtime.wasm") as response:
            assert response.headers["Content-Type"] == "application/wasm"
        with urllib.request.urlopen(f"{base}/guidelines/loader.mjs") as response:
            assert response.headers["Content-Type"] == "text/javascript"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/index.html")
    finally:
        server.shutdown()
