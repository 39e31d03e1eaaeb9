"""The README's pictures: ``python -m devtools.screenshots`` writes them from a built site at
the sizes of their viewports, and the README shows the ones committed in ``screenshots/``."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from devtools import screenshots
from tests.support.chromium import CHROMIUM, chromium_available
from tests.support.paths import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The pictures and their viewports in CSS pixels: a desktop screen and a phone (issue 12).
VIEWPORTS = {
    "calculator-desktop.png": (1366, 900),
    "calculator-phone.png": (390, 844),
    "guideline-page.png": (1366, 900),
}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (always the first, right after the
    signature)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG file"
    assert head[12:16] == b"IHDR", f"{path} does not start with its IHDR chunk"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def expected_pixels() -> dict[str, tuple[int, int]]:
    """Each picture's size in device pixels: its viewport times its scale (the phone's is 2)."""
    shots = screenshots.load_shots()
    assert {shot.name: shot.size for shot in shots} == VIEWPORTS
    return {shot.name: shot.pixels for shot in shots}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not chromium_available(), reason=f"{CHROMIUM} is missing (make chromium)")
def test_the_script_writes_the_three_pictures_from_a_built_site(
    built_site: Path, tmp_path: Path
) -> None:
    # As `make screenshots` runs it: in a process of its own (Playwright's sync API cannot start
    # inside the test session's, which drives the browser tests).
    command = [sys.executable, "-m", "devtools.screenshots"]
    run = subprocess.run(
        [*command, "--site", str(built_site), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    expected = expected_pixels()
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(expected)
    assert {name: png_size(tmp_path / name) for name in expected} == expected
    assert all(f"wrote {tmp_path / name} (" in run.stdout for name in expected), run.stdout


def test_the_readme_shows_the_committed_pictures() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, pixels in expected_pixels().items():
        assert f"(screenshots/{name})" in readme or f'src="screenshots/{name}"' in readme, name
        assert (ROOT / "screenshots" / name).is_file(), f"screenshots/{name}: make screenshots"
        assert png_size(ROOT / "screenshots" / name) == pixels, (
            f"screenshots/{name} is not at its viewport's size: make screenshots"
        )


def test_a_wrong_shots_file_names_the_entry(tmp_path: Path) -> None:
    shots = tmp_path / "shots.toml"
    shots.write_text(
        '[[shots]]\nfile = "a.png"\npage = "x/"\nviewport = [10, 10]\ncase = "missing"\n',
        encoding="utf-8",
    )
    with pytest.raises(screenshots.ScreenshotError, match=r"shots\[0\]: case must name one"):
        screenshots.load_shots(shots)
    assert screenshots.main(["--shots", str(shots), "--site", str(tmp_path)]) == 1
