"""The compiled modules of superseded versions: what lets the calculator run a released version
(its own calculator page, and the "changed in" note of the current one), in CPython and in the
browser alike. The build writes them to ``calculators/released/`` and packs them into the
browser's bundle, as it does the current versions' modules."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from build_tools import tables
from build_tools.versions.history import GuidelineHistory

PACKAGE = "released"


def released_module_name(guideline_id: str, version: str) -> str:
    """``<module name>__1_0_0`` for version 1.0.0 of a guideline."""
    return f"{tables.module_name(guideline_id)}__{version.replace('.', '_')}"


def released_modules(histories: Mapping[str, GuidelineHistory]) -> dict[str, str]:
    """Module name -> text of every superseded version of every guideline."""
    return {
        released_module_name(history.working.guideline_id, version.version): version.module_text
        for _, history in sorted(histories.items())
        for version in history.superseded()
    }


def write_released_modules(modules: Mapping[str, str], out_dir: Path) -> None:
    """Write the modules into ``out_dir`` (unchanged files untouched) and remove modules of
    versions that are no longer superseded releases."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in out_dir.glob("*.py"):
        if path.name != "__init__.py" and path.stem not in modules:
            path.unlink()
    for name, text in modules.items():
        path = out_dir / f"{name}.py"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
