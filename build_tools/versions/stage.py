"""The releases stage of the build: every guideline's versions (:class:`GuidelineHistory`),
checked.

It fails, naming ``index.md``'s ``version:`` line, when the working content claims a released
version number but differs from that version's record (a released version is never rebuilt
differently), and where the review history approves a version a reviewer could not yet read
(:mod:`.approval`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from build_tools.cache_dirs import cache_dir
from build_tools.content.site import Guideline, SiteContent
from build_tools.decisions import CompiledGuideline
from build_tools.findings import ContentError, Finding
from build_tools.versions.approval import approval_findings
from build_tools.versions.changes.changelog import Changelog, changelog_between
from build_tools.versions.changes.markdown import render_markdown
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.record import (
    VersionSnapshot,
    frozen_digest,
    frozen_part,
    working_snapshot,
)
from build_tools.versions.store import changes_path, load_release, release_files


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
        history = GuidelineHistory(released, working)
        for before, version in history.predecessors():
            history.changelogs[version.version] = changelog(before, version)
        findings.extend(changelog_file_findings(history, releases_dir, project_root))
        findings.extend(approval_findings(guideline, history, releases_dir))
        histories[guideline_id] = history
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


# Changelogs by the digests of their two versions: a live preview (mkdocs serve) rebuilds on
# every edit, and the changelog between two records never changes within one process.
# (The review status is in the key too: the review notice every result carries quotes it.)
_CHANGELOGS: dict[tuple[str, str, str, str], Changelog] = {}
# Across processes too (every build, every test build of a copy of the project): a changelog
# between two versions that change many cases takes tens of seconds, and it is the same
# whenever both records and the code that computes it are. The cache sits beside the bytecode
# and compression caches (build_tools/cache_dirs.py).
_CODE = Path(__file__).resolve().parents[2]
_COMPUTING = (
    "build_tools/versions/changes",
    "build_tools/tables",
    "build_tools/versions",
    "calculators/runtime",
)


def changelog(before: VersionSnapshot, after: VersionSnapshot) -> Changelog:
    """The changelog between two versions, computed once per process and kept on disk."""
    key = (
        frozen_digest(before.record),
        before.review_status,
        frozen_digest(after.record),
        after.review_status,
    )
    if key not in _CHANGELOGS:
        path = cache_dir("changelogs") / f"{_cache_key(before, after)}.pickle"
        cached = _read_cached(path)
        if cached is None:
            cached = changelog_between(before, after)
            _write_cached(path, cached)
        _CHANGELOGS[key] = cached
    return _CHANGELOGS[key]


@cache
def _code_fingerprint() -> str:
    """What the changelog is computed with: the sources of the stages that compute it."""
    digest = hashlib.sha256()
    for folder in _COMPUTING:
        for path in sorted((_CODE / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(before: VersionSnapshot, after: VersionSnapshot) -> str:
    digest = hashlib.sha256(_code_fingerprint().encode())
    for snapshot in (before, after):
        # The whole record: the frozen part decides the results, the rest (titles, history)
        # may be quoted by the changelog.
        digest.update(json.dumps(snapshot.record, sort_keys=True, ensure_ascii=False).encode())
        digest.update(snapshot.review_status.encode())
    return digest.hexdigest()[:32]


def _read_cached(path: Path) -> Changelog | None:
    try:
        with path.open("rb") as stream:
            found = pickle.load(stream)  # noqa: S301 (our own cache, keyed by our own code)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return found if isinstance(found, Changelog) else None


def _write_cached(path: Path, changelog: Changelog) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(changelog, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)  # atomic: parallel builds never read half a file
    except OSError:
        pass  # a read-only checkout builds without the cache


def changelog_file_findings(
    history: GuidelineHistory, releases_dir: Path, project_root: Path
) -> list[Finding]:
    """A kept changelog (``<version>.changes.md``) that is not what the records give now."""
    findings: list[Finding] = []
    guideline_id = history.working.guideline_id
    for version, changelog in history.changelogs.items():
        path = changes_path(releases_dir, guideline_id, version)
        if path.exists() and path.read_text(encoding="utf-8") != render_markdown(changelog):
            try:
                shown = str(path.relative_to(project_root))
            except ValueError:
                shown = str(path)
            findings.append(
                Finding(
                    shown,
                    1,
                    f"the changelog of {version} is not what the release records give",
                    f"write it again (make release GUIDELINE={guideline_id}) and review the "
                    "difference before committing",
                )
            )
    return findings
