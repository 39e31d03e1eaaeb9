"""A version is approved only once a reviewer can read what it changes.

The review history may mark a version ``approved`` only when that version is released (its
record is in ``releases/``) and, unless it is the guideline's first release, when its changelog
against the previous release is kept beside the record (``<version>.changes.md``, written by
``make release`` and checked against the records by every build, so it is never stale).
"""

from __future__ import annotations

from pathlib import Path

from build_tools.content.site import Guideline
from build_tools.findings import Finding
from build_tools.located_yaml import LocatedList, LocatedMap
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.store import changes_path, version_key


def approval_findings(
    guideline: Guideline, history: GuidelineHistory, releases_dir: Path
) -> list[Finding]:
    """Every approval in ``guideline``'s review of a version that is not released, or whose
    changelog against the previous release is missing."""
    review = guideline.meta.review
    front_matter = guideline.index.front_matter
    review_node = front_matter.get("review") if front_matter is not None else None
    events_node = review_node.get("history") if isinstance(review_node, LocatedMap) else None
    approvals: list[tuple[str, int]] = []
    for position, event in enumerate(review.history):
        if event.status == "approved":
            line = events_node.line_of(position) if isinstance(events_node, LocatedList) else 1
            approvals.append((event.version or history.working.version, line))
    if review.status == "approved" and isinstance(review_node, LocatedMap):
        approvals.append((history.working.version, review_node.line_of("status")))
    # one finding per version: the first place that approves it
    approvals = list({version: (version, line) for version, line in reversed(approvals)}.values())
    approvals.reverse()
    findings: list[Finding] = []
    released = {version.version for version in history.released}
    for version, line in approvals:
        where = guideline.index.display_path
        command = f"make release GUIDELINE={guideline.meta.id}"
        if version not in released:
            findings.append(
                Finding(
                    where,
                    line,
                    f"version {version} is marked approved but is not released (no "
                    f"releases/{guideline.meta.id}/{version}.json)",
                    f"release it first ({command}), have its changelog reviewed "
                    f"(make review GUIDELINE={guideline.meta.id}), then approve",
                )
            )
            continue
        earlier = [v for v in released if version_key(v) < version_key(version)]
        if earlier and not changes_path(releases_dir, guideline.meta.id, version).exists():
            findings.append(
                Finding(
                    where,
                    line,
                    f"version {version} is marked approved but its changelog against "
                    f"{max(earlier, key=version_key)} is missing "
                    f"(releases/{guideline.meta.id}/{version}.changes.md)",
                    f"write it ({command}) and have it reviewed "
                    f"(make review GUIDELINE={guideline.meta.id}) before approving",
                )
            )
    return findings
