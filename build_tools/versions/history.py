"""A guideline's versions as the build sees them: its release records and its working content,
and what follows from both (the previous release, the superseded ones, since when each item and
each anchored point has stayed the same)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypeVar

from build_tools.tables.model import Item
from build_tools.versions.changes.changelog import Changelog
from build_tools.versions.record import (
    VersionSnapshot,
)
from build_tools.versions.store import version_key

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
    # version -> its changelog against the version before it (filled in by the releases stage)
    changelogs: dict[str, Changelog] = field(default_factory=dict)
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
    def previous(self) -> VersionSnapshot | None:
        """The last release before the working version (what its changes are counted from)."""
        earlier = [
            version
            for version in self.released
            if version_key(version.version) < version_key(self.working.version)
        ]
        return earlier[-1] if earlier else None

    def predecessors(self) -> list[tuple[VersionSnapshot, VersionSnapshot]]:
        """Every version with the version before it: (before, version), oldest first."""
        versions = self.versions
        return list(pairwise(versions))

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
