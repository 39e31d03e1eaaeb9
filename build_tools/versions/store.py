"""Where release records live and how they are found: ``releases/<guideline-id>/<version>.json``
beside ``mkdocs.yml``, versions ordered by their numbers (1.10.0 after 1.9.0)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from build_tools.findings import ContentError, Finding
from build_tools.versions.record import Record, VersionSnapshot, snapshot_of_record

RELEASES_DIR = "releases"
_VERSION = re.compile(r"^\d+(\.\d+)*$")


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version number; ValueError for anything but dot-separated integers."""
    if not _VERSION.match(version):
        raise ValueError(f"{version!r} is not a version number (digits and dots, e.g. 1.2.0)")
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class ReleaseFile:
    guideline_id: str
    version: str
    path: Path

    def display(self, project_root: Path) -> str:
        try:
            return str(self.path.relative_to(project_root))
        except ValueError:
            return str(self.path)

    def read(self) -> Record:
        return read_record(self.path)


def release_files(releases_dir: Path, guideline_id: str) -> list[ReleaseFile]:
    """The recorded versions of a guideline, oldest first."""
    folder = releases_dir / guideline_id
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            version_key(path.stem)
        except ValueError:
            continue
        found.append(ReleaseFile(guideline_id, path.stem, path))
    return sorted(found, key=lambda release: version_key(release.version))


def record_path(releases_dir: Path, guideline_id: str, version: str) -> Path:
    return releases_dir / guideline_id / f"{version}.json"


def changes_path(releases_dir: Path, guideline_id: str, version: str) -> Path:
    """The changelog of a released version against the release before it."""
    return releases_dir / guideline_id / f"{version}.changes.md"


def read_record(path: Path) -> Record:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ContentError(
            [
                Finding(
                    str(path),
                    1,
                    f"cannot read the release record: {error}",
                    "restore the file from git (records are written by `make release`)",
                )
            ]
        ) from None
    if not isinstance(record, dict):
        raise ContentError(
            [
                Finding(
                    str(path), 1, "a release record is a JSON object", "restore the file from git"
                )
            ]
        )
    return record


@cache
def _load(path: Path, mtime_ns: int, display: str) -> VersionSnapshot:
    return snapshot_of_record(read_record(path), display)


def load_release(release: ReleaseFile, project_root: Path) -> VersionSnapshot:
    """A released version, compiled by the current engine (cached per file and mtime)."""
    return _load(release.path, release.path.stat().st_mtime_ns, release.display(project_root))
