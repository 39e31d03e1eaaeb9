"""The README's pictures, taken from the built site so that they stay true (``make screenshots``).

    python -m devtools.screenshots [--site DIR] [--out DIR] [--shots FILE]

Reads which pages to picture, at which sizes and with which case links from
``screenshots/shots.toml`` (nothing in build_tools names a guideline), builds the site into a
temporary folder (``mkdocs build --strict`` of a copy of the project, as the tests build it;
``--site`` takes an already built one instead), serves it on 127.0.0.1 under a sub-path with
:mod:`devtools.serve`, opens each page in Debian's Chromium (Playwright, the path and flags of
:mod:`devtools.headless`; no name but 127.0.0.1 resolves) and writes one PNG per page into
``--out`` (``screenshots/`` of the checkout): what a reader sees on opening the page (the
viewport, not the whole page), once the calculator shows the case's result, the fonts are loaded
and the layout has settled, with animations stopped and the caret hidden. If a page reports an
error, or a calculator fails or shows no result in time, no file is replaced and the run fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.headless import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_ONLY
from devtools.serve import start_server
from devtools.site_build import copy_project, mkdocs_build

ROOT = Path(__file__).resolve().parents[1]  # the checkout (make install's editable install)
OUT = ROOT / "screenshots"
SHOTS_FILE = OUT / "shots.toml"  # the pages and cases pictured: build_tools names no guideline
BASE_PATH = "/guidelines/"  # served under a sub-path, as an intranet would (as the tests do)
RESULT_MS = 120_000  # a first visit starts Python in the page's worker: ~4 s here

# Until the calculator shows the result of the case (it sets data-rendered-case on its section
# to the case it drew, as URLSearchParams writes it), or its runtime failed (then the reason,
# which fails the run).
RENDERED = """(fragment) => {
  const runtime = window.__glCalculator && window.__glCalculator.runtime;
  if (runtime && runtime.state === "failed") return "the calculator failed: " + runtime.detail;
  const section = document.querySelector(".gl-calculator");
  const shown = new URLSearchParams(fragment).toString();
  // The result, then (a valid case) the marks of the fields that cannot change it.
  return Boolean(section && section.dataset.renderedCase === shown &&
    (section.dataset.status === "invalid" || section.dataset.relevanceCase === shown));
}"""
# The fonts loaded, then two frames: the layout of the last change has been drawn.
SETTLED = """() => document.fonts.ready.then(() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))))"""


@dataclass(frozen=True)
class Shot:
    """One picture: a page of the site (``path`` under the site; ``case`` the fragment of the
    case link it opens with, if any) seen in a viewport of ``size`` CSS pixels at ``scale``
    device pixels each, as a phone (touch, mobile mode) or not; ``click``: what the reader
    clicks first (a CSS selector), if anything."""

    name: str
    path: str
    size: tuple[int, int]
    scale: int = 1
    phone: bool = False
    case: str | None = None
    click: str | None = None

    @property
    def pixels(self) -> tuple[int, int]:
        """The PNG's width and height."""
        return (self.size[0] * self.scale, self.size[1] * self.scale)


class ScreenshotError(RuntimeError):
    """A page could not be pictured as it should be (the message says why)."""


SHOT_KEYS = {"file", "page", "viewport", "scale", "phone", "case", "click"}


def load_shots(path: Path = SHOTS_FILE) -> list[Shot]:
    """The pictures ``path`` (TOML, see screenshots/shots.toml) asks for; every mistake in it
    is a :class:`ScreenshotError` naming the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ScreenshotError(f"{path}: {error}") from None
    cases = data.get("cases", {})
    shots = data.get("shots")
    if not isinstance(cases, dict) or not isinstance(shots, list) or not shots:
        raise ScreenshotError(f"{path}: expected [cases.<name>] tables and [[shots]] entries")
    found = [_shot(path, f"shots[{index}]", entry, cases) for index, entry in enumerate(shots)]
    names = [shot.name for shot in found]
    if len(set(names)) != len(names):
        raise ScreenshotError(f"{path}: two shots write the same file: {names}")
    return found


def _shot(path: Path, where: str, entry: object, cases: dict[str, object]) -> Shot:
    def wrong(message: str) -> ScreenshotError:
        return ScreenshotError(f"{path}: {where}: {message}")

    if not isinstance(entry, dict):
        raise wrong("expected a table")
    unknown = sorted(set(entry) - SHOT_KEYS)
    if unknown:
        raise wrong(f"unknown keys {unknown} (known: {sorted(SHOT_KEYS)})")
    name, page, size = entry.get("file"), entry.get("page"), entry.get("viewport")
    scale, phone, case = entry.get("scale", 1), entry.get("phone", False), entry.get("case")
    if not isinstance(name, str) or not name.endswith(".png") or "/" in name:
        raise wrong("file must be a PNG file name, e.g. 'page.png'")
    if not isinstance(page, str) or page.startswith("/"):
        raise wrong("page must be a path under the site, e.g. 'guideline/section/'")
    if not (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in size)
    ):
        raise wrong("viewport must be [width, height] in CSS pixels")
    if not isinstance(scale, int) or isinstance(scale, bool) or scale not in (1, 2, 3):
        raise wrong("scale must be 1, 2 or 3")
    if not isinstance(phone, bool):
        raise wrong("phone must be true or false")
    click = entry.get("click")
    if click is not None and (not isinstance(click, str) or not click.strip()):
        raise wrong("click must be a CSS selector, e.g. '.gl-summary-bar-open'")
    fragment = None
    if case is not None:
        fields = cases.get(case) if isinstance(case, str) else None
        if not isinstance(fields, dict):
            raise wrong(f"case must name one of the [cases] tables: {sorted(cases)}")
        fragment = _fragment(path, case, fields)
    return Shot(name, page, (size[0], size[1]), scale, phone, fragment, click)


def _fragment(path: Path, name: str, fields: dict[str, object]) -> str:
    """A case's fields as the URL fragment of its case link (``false``, ``70``, ``3%2B``)."""
    pairs: list[tuple[str, str]] = []
    for field, value in fields.items():
        if isinstance(value, bool):
            pairs.append((field, "true" if value else "false"))
        elif isinstance(value, str | int | float):
            pairs.append((field, str(value)))
        else:
            raise ScreenshotError(
                f"{path}: cases.{name}.{field}: expected text, a number or true / false"
            )
    return urlencode(pairs)


def take(browser: Browser, url: str, shot: Shot, out: Path) -> Path:
    """Open ``shot``'s page of the site at ``url`` in a fresh context and write its picture."""
    width, height = shot.size
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=shot.scale,
        is_mobile=shot.phone,
        has_touch=shot.phone,
        color_scheme="light",
        reduced_motion="reduce",
        # The site's service worker would save every page in the background: not needed here.
        service_workers="block",
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        address = url + shot.path + (f"#{shot.case}" if shot.case else "")
        page.goto(address, wait_until="load")
        if shot.case is not None:
            try:
                outcome = page.wait_for_function(RENDERED, arg=shot.case, timeout=RESULT_MS)
            except PlaywrightTimeout:
                raise ScreenshotError(
                    f"{address}: no result within {RESULT_MS / 1000:.0f} s"
                ) from None
            if outcome.json_value() is not True:
                raise ScreenshotError(f"{address}: {outcome.json_value()}")
        if shot.click is not None:
            page.evaluate(SETTLED)
            try:
                page.locator(shot.click).first.click(timeout=10_000)
            except PlaywrightTimeout:
                raise ScreenshotError(f"{address}: nothing to click at {shot.click!r}") from None
        page.evaluate(SETTLED)
        if errors:
            raise ScreenshotError(f"{address}: the page reported errors: {errors}")
        target = out / shot.name
        page.screenshot(path=target, full_page=False, animations="disabled", caret="hide")
        return target
    finally:
        context.close()


def take_all(site: Path, out: Path, shots: Sequence[Shot]) -> list[Path]:
    """Serve the built ``site`` and write every picture of ``shots`` into ``out``: all of them,
    once all are taken, or none."""
    if not (site / "index.html").is_file():
        raise ScreenshotError(f"{site} is not a built site (no index.html): make build")
    if not Path(CHROMIUM).exists():
        raise ScreenshotError(f"{CHROMIUM} is missing: make chromium (or set CHROMIUM)")
    out.mkdir(parents=True, exist_ok=True)
    server = start_server(site, base_path=BASE_PATH)
    url = f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    try:
        with (
            tempfile.TemporaryDirectory(prefix=".screenshots-", dir=out) as temporary,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, LOOPBACK_ONLY]
            )
            try:
                taken = [take(browser, url, shot, Path(temporary)) for shot in shots]
            finally:
                browser.close()
            return [picture.replace(out / picture.name) for picture in taken]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def built_site() -> Iterator[Path]:
    """The project's site, built from a copy of mkdocs.yml and docs/ in a temporary folder."""
    if not (ROOT / "mkdocs.yml").is_file():
        raise ScreenshotError(f"no mkdocs.yml in {ROOT}: pass --site with a built site")
    with tempfile.TemporaryDirectory(prefix="screenshots-") as temporary:
        project = copy_project(ROOT, Path(temporary) / "project")
        site = Path(temporary) / "site"
        completed = mkdocs_build(project / "mkdocs.yml", site, quiet=True)
        if completed.returncode != 0:
            raise ScreenshotError(f"mkdocs build failed:\n{completed.stdout}{completed.stderr}")
        yield site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--site", type=Path, help="an already built site (default: build one in a temporary folder)"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help=f"where to write the PNG files (default: {OUT})"
    )
    parser.add_argument(
        "--shots",
        type=Path,
        default=SHOTS_FILE,
        help=f"the pages to picture, their sizes and cases (default: {SHOTS_FILE})",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        shots = load_shots(args.shots)
        if args.site is not None:
            written = take_all(args.site, args.out, shots)
        else:
            with built_site() as site:
                print(f"built the site in {time.perf_counter() - started:.1f} s")
                written = take_all(site, args.out, shots)
    except ScreenshotError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 1
    for path, shot in zip(written, shots, strict=True):
        width, height = shot.pixels
        print(f"wrote {path} ({width}x{height} px, {path.stat().st_size / 1024:.0f} KB)")
    print(f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
