"""A guideline's versions as the build sees them: its release records, its working content, and
what follows from both (the previous release, since when each statement holds, whether the
content claims a released version it differs from).

The build (:func:`release_histories`) fails, naming ``index.md``'s ``version:`` line, when the
working content claims a released version number but differs from that version's record: a
released version is never rebuilt differently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from build_tools.content.site import Guideline, SiteContent
from build_tools.decisions import CompiledGuideline
from build_tools.findings import ContentError, Finding
from build_tools.releases.record import (
    VersionSnapshot,
    frozen_digest,
    frozen_part,
    working_snapshot,
)
from build_tools.releases.store import load_release, release_files, version_key
from build_tools.tables.model import Item

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Since:
    """The first version from which something has stayed the same up to the working content."""

    version: str
    date: str


@dataclass
class GuidelineHistory:
    """The released versions of one guideline (oldest first) and its working content."""

    released: list[VersionSnapshot]
    working: VersionSnapshot
    _since_items: dict[str, Since] = field(default_factory=dict)
    _since_points: dict[tuple[str, str], Since] = field(default_factory=dict)

    @property
    def working_is_released(self) -> bool:
        return any(version.version == self.working.version for version in self.released)

    @property
    def versions(self) -> list[VersionSnapshot]:
        """Every version, oldest first: the releases, then the working content if unreleased."""
        return self.released if self.working_is_released else [*self.released, self.working]

    @property
    def current(self) -> VersionSnapshot:
        """What the site shows: the working content (identical to its record once released)."""
        return self.working

    @property
    def previous(self) -> VersionSnapshot | None:
        """The last release before the working version (what its changes are counted from)."""
        earlier = [
            version
            for version in self.released
            if version_key(version.version) < version_key(self.working.version)
        ]
        return earlier[-1] if earlier else None

    def superseded(self) -> list[VersionSnapshot]:
        """Released versions older than the working one, newest first."""
        current = version_key(self.working.version)
        return [v for v in reversed(self.released) if version_key(v.version) < current]

    def since_item(self, item_id: str) -> Since:
        """The first version from which the item says and ranks the same (its wording in both
        audiences, its rank, sources and dose), up to the working content."""
        if not self._since_items:
            self._since_items = _since(self.versions, _item_signatures)
        return self._since_items.get(item_id, Since(self.working.version, self.working.date))

    def since_point(self, section: str, anchor: str) -> Since:
        """The first version from which a point's text (both wordings) and the items that link
        to it have stayed the same."""
        if not self._since_points:
            self._since_points = _since(self.versions, _point_signatures)
        return self._since_points.get(
            (section, anchor), Since(self.working.version, self.working.date)
        )


def _citation_keys(version: VersionSnapshot, item: Item) -> tuple[str, ...]:
    numbers = version.record["source"]["reference_numbers"]
    by_number = {number: key for key, number in numbers.items()}
    return tuple(by_number.get(number, str(number)) for number in item.citations)


def _item_signature(version: VersionSnapshot, item: Item) -> tuple[object, ...]:
    dose = None
    if item.dose is not None:
        dose = repr(item.dose)
    return (
        item.kind,
        item.rank,
        item.text,
        item.patient_text,
        _citation_keys(version, item),
        dose,
        item.section,
        item.anchor,
    )


def _item_signatures(version: VersionSnapshot) -> dict[str, object]:
    return {item.id: _item_signature(version, item) for item in version.model.items}


def _point_signatures(version: VersionSnapshot) -> dict[tuple[str, str], object]:
    items: dict[tuple[str, str], list[tuple[object, ...]]] = {}
    for item in version.model.items:
        items.setdefault((item.section, item.anchor), []).append(
            (item.id, *_item_signature(version, item))
        )
    return {
        (point.section, point.anchor): (
            point.clinician,
            point.patient,
            tuple(sorted(items.get((point.section, point.anchor), []), key=repr)),
        )
        for point in version.points
    }


def _since(
    versions: list[VersionSnapshot], signatures: Callable[[VersionSnapshot], Mapping[Key, object]]
) -> dict[Key, Since]:
    """For each key of the newest version: the oldest version of the unbroken run of versions,
    ending with the newest, in which its signature is the same."""
    signed = [(version, signatures(version)) for version in versions]
    newest, newest_signatures = signed[-1]
    found: dict[Key, Since] = {}
    for key, value in newest_signatures.items():
        since = newest
        for version, version_signatures in reversed(signed[:-1]):
            if key not in version_signatures or version_signatures[key] != value:
                break
            since = version
        found[key] = Since(since.version, since.date)
    return found


def release_histories(
    site: SiteContent,
    compiled: Mapping[str, CompiledGuideline],
    releases_dir: Path,
    project_root: Path,
) -> dict[str, GuidelineHistory]:
    """The history of every compiled guideline; ContentError when the working content differs
    from the record of the version it claims, or a record cannot be rebuilt."""
    findings: list[Finding] = []
    histories: dict[str, GuidelineHistory] = {}
    for guideline_id, guideline_compiled in sorted(compiled.items()):
        guideline = site.guidelines[guideline_id]
        working = working_snapshot(
            guideline, guideline_compiled.model, guideline_compiled.module_text
        )
        released: list[VersionSnapshot] = []
        for release in release_files(releases_dir, guideline_id):
            try:
                released.append(load_release(release, project_root))
            except ContentError as error:
                findings.extend(error.findings)
        claimed = next((v for v in released if v.version == working.version), None)
        if claimed is not None and frozen_digest(claimed.record) != frozen_digest(working.record):
            findings.append(_differs_finding(guideline, claimed, working))
        histories[guideline_id] = GuidelineHistory(released, working)
    if findings:
        raise ContentError(findings)
    return histories


def _differs_finding(
    guideline: Guideline, claimed: VersionSnapshot, working: VersionSnapshot
) -> Finding:
    old, new = frozen_part(claimed.record), frozen_part(working.record)
    parts = [key for key in old if old[key] != new[key]]
    if "points" in parts:
        old_points = {(p["section"], p["anchor"]): p for p in old["points"]}
        changed = [
            f"{p['section']}#{p['anchor']}"
            for p in new["points"]
            if old_points.get((p["section"], p["anchor"])) != p
        ]
        parts[parts.index("points")] = (
            "points (" + ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "") + ")"
        )
    front_matter = guideline.index.front_matter
    line = front_matter.line_of("version") if front_matter is not None else 1
    return Finding(
        guideline.index.display_path,
        line,
        f"version {working.version} is released (releases/{working.guideline_id}/"
        f"{working.version}.json) but the content differs from it in: {', '.join(parts)}",
        "a released version never changes: raise 'version:' (and 'last_updated:', with a review "
        "history entry saying what changed), or undo the change",
    )
