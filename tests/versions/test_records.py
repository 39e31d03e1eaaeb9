"""Release records: deterministic, rebuilt exactly, immutable once released, and a version is
approved only when its changelog can be read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import calculators
from build_tools.findings import ContentError
from build_tools.pipeline import SiteBuild
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.record import (
    VersionSnapshot,
    record_json,
    snapshot_of_record,
)
from build_tools.versions.store import read_record, record_path, release_files
from calculators.runtime.compare import compare_case
from devtools.site_build import copy_project
from tests.support.guidelines import project_build
from tests.support.paths import DATA, GUIDELINE, ROOT

RELEASES = ROOT / "releases"
# The current version (released, unchanged since) and the release before it.
CURRENT = calculators.load(GUIDELINE).spec.version
PREVIOUS = calculators.superseded_versions(GUIDELINE)[-1]
_major, _minor, _ = CURRENT.split(".")
NEXT = f"{_major}.{int(_minor) + 1}.0"  # a version number no release has


def _histories(project: Path) -> dict[str, GuidelineHistory]:
    """The release histories the build of ``project`` reads (its pipeline, up to releases)."""
    return SiteBuild.of(project).histories


def _project_build() -> SiteBuild:
    """The project as it is, built once per session for the tests that only read it."""
    return project_build()


def _working() -> VersionSnapshot:
    return _project_build().histories[GUIDELINE].working


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's content and records to change."""
    return copy_project(ROOT, tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _review(index: Path, status: str, version: str = CURRENT) -> None:
    """Move the review on: the status and a history entry for it."""
    _edit(index, "  status: submitted\n", f"  status: {status}\n")
    _edit(
        index,
        "editorial_policy:",
        f'    - {{date: 2026-12-31, status: {status}, by: Reviewers, version: "{version}"}}\n'
        "editorial_policy:",
    )


def test_the_working_content_is_its_committed_record_byte_for_byte() -> None:
    working = _working()
    committed = record_path(RELEASES, GUIDELINE, working.version)
    assert committed.exists(), "the current version is released"
    assert record_json(working.record) == committed.read_text(encoding="utf-8")


def test_a_record_is_written_identically_twice() -> None:
    again = _histories(ROOT)[GUIDELINE].working  # a build of its own
    assert record_json(_working().record) == record_json(again.record)


def test_a_release_runs_as_the_content_it_was_recorded_from() -> None:
    """The current version rebuilt from its record answers every golden case as the module
    built from the pages does (the trace names the record instead of the pages' lines)."""
    working = _working()
    rebuilt = snapshot_of_record(working.record, "releases/record.json")
    golden = yaml.safe_load((DATA / "golden_cases.yml").read_text(encoding="utf-8"))
    for case in golden["cases"]:
        from_pages = working.calculator.recommend(case["case"])
        from_record = rebuilt.calculator.recommend(case["case"])
        assert {**from_record, "trace": []} == {**from_pages, "trace": []}, case["name"]


def test_every_release_of_the_guideline_is_listed_oldest_first() -> None:
    versions = [release.version for release in release_files(RELEASES, GUIDELINE)]
    assert versions[:2] == ["1.0.0", "1.1.0"]
    assert versions == sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".")))


def test_version_1_0_0_is_recorded_from_its_commit_exactly() -> None:
    """The 1.0.0 record is what `releases record --git` writes from the commit it names."""
    record = read_record(record_path(RELEASES, GUIDELINE, "1.0.0"))
    commit = str(record["recorded_from"]).removeprefix("git ")
    known = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, check=False)
    if known.returncode != 0:
        pytest.skip(f"this clone has no commit {commit} (a shallow clone)")
    out = ROOT / ".cache" / "test-release-record"
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "build_tools.versions",
            "record",
            GUIDELINE,
            "--git",
            commit,
            "--waive",
            "item-agents",
            "--waive",
            "patient-numbers",
            "--releases",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    written = (out / GUIDELINE / "1.0.0.json").read_text(encoding="utf-8")
    assert json.loads(written) == record
    assert written == record_path(RELEASES, GUIDELINE, "1.0.0").read_text(encoding="utf-8")
    # 1.0.0 read an unstated finding as "no": its findings are not nullable, default false
    old = snapshot_of_record(record, "1.0.0.json").calculator.spec
    visceral_crisis = next(field for field in old.inputs if field.name == "visceral_crisis")
    assert (visceral_crisis.nullable, visceral_crisis.default) == (False, False)


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_content_that_claims_a_released_version_but_differs_fails_the_build(
    project: Path,
) -> None:
    section = project / "docs" / GUIDELINE / "goals-of-care.md"
    _edit(section, "Its goals are to improve", "It aims to improve")
    with pytest.raises(ContentError) as raised:
        _histories(project)
    [finding] = raised.value.findings
    assert finding.file == f"docs/{GUIDELINE}/index.md"
    assert finding.line == 6  # the version: line
    assert f"version {CURRENT} is released" in finding.message
    assert "goals-of-care#goal-palliative" in finding.message
    assert "raise 'version:'" in finding.remedy


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_a_new_version_number_builds_and_supersedes_the_release(project: Path) -> None:
    section = project / "docs" / GUIDELINE / "goals-of-care.md"
    _edit(section, "Its goals are to improve", "It aims to improve")
    _edit(project / "docs" / GUIDELINE / "index.md", f'version: "{CURRENT}"', f'version: "{NEXT}"')
    history = _histories(project)[GUIDELINE]
    assert not history.working_is_released
    released = [*calculators.superseded_versions(GUIDELINE), CURRENT]
    assert [v.version for v in history.superseded()] == released[::-1]
    assert history.previous is not None
    assert history.previous.version == CURRENT
    assert history.since_point("goals-of-care", "goal-palliative").version == NEXT
    untouched = history.since_point("goals-of-care", "policy-male-patients")
    assert untouched.version in released


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_a_review_history_that_grows_after_release_keeps_the_record(project: Path) -> None:
    """Approval comes after release: the review history is not part of what is frozen."""
    index = project / "docs" / GUIDELINE / "index.md"
    _review(index, "under_review")
    assert _histories(project)[GUIDELINE].working_is_released


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_approving_a_version_needs_its_changelog(project: Path) -> None:
    index = project / "docs" / GUIDELINE / "index.md"
    _review(index, "approved")
    changes = project / "releases" / GUIDELINE / f"{CURRENT}.changes.md"
    changes.unlink(missing_ok=True)
    with pytest.raises(ContentError) as raised:
        _histories(project)
    [finding] = raised.value.findings
    missing = (
        f"version {CURRENT} is marked approved but its changelog against {PREVIOUS} is missing"
    )
    assert missing in finding.message
    assert "make release GUIDELINE=" in finding.remedy


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_approving_an_unreleased_version_is_refused(project: Path) -> None:
    index = project / "docs" / GUIDELINE / "index.md"
    _edit(index, f'version: "{CURRENT}"', f'version: "{NEXT}"')
    _review(index, "approved", NEXT)
    with pytest.raises(ContentError) as raised:
        _histories(project)
    assert any(
        f"{NEXT} is marked approved but is not released" in f.message for f in raised.value.findings
    )


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_the_record_command_never_overwrites_a_release(project: Path) -> None:
    section = project / "docs" / GUIDELINE / "goals-of-care.md"
    # -P: the copy's calculators/ folder (its generated modules) must not shadow the package.
    command = [sys.executable, "-P", "-m", "build_tools.versions", "record", GUIDELINE]
    same = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert same.returncode == 0, same.stderr
    assert "already recorded, unchanged" in same.stdout
    _edit(section, "Its goals are to improve", "It aims to improve")
    before = record_path(project / "releases", GUIDELINE, CURRENT).read_bytes()
    changed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert changed.returncode == 1
    assert "is released with other content" in changed.stderr
    assert record_path(project / "releases", GUIDELINE, CURRENT).read_bytes() == before


def test_superseded_versions_run_in_the_runtime() -> None:
    assert calculators.superseded_versions(GUIDELINE) == ["1.0.0", "1.1.0", "1.1.1"]
    for version in ("1.0.0", "1.1.0", "1.1.1"):
        assert calculators.load(f"{GUIDELINE}@{version}").spec.version == version
    assert calculators.load(f"{GUIDELINE}@1.2.0") is calculators.load(GUIDELINE)
    with pytest.raises(calculators.UnknownGuidelineError, match=r"no released version '0\.9'"):
        calculators.load(f"{GUIDELINE}@0.9")


def test_changes_name_what_differs_for_the_case_and_nothing_for_a_case_that_did_not_change() -> (
    None
):
    her2_positive = {
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "er_status": "negative",
        "pr_status": "negative",
        "her2_status": "positive",
        "isolated_locoregional_recurrence": False,
        "refuses_chemotherapy": False,
        "visceral_crisis": False,
        "bulky_disease": False,
        "prior_trastuzumab": False,
        "prior_anthracycline": False,
        "ecog": 1,
        "number_of_metastatic_sites": 2,
        "chemotherapy_line": 1,
    }
    changed = calculators.changes(GUIDELINE, her2_positive)
    assert changed is not None
    assert (changed["from"], changed["to"]) == ("1.1.1", "1.2.0")
    own: Any = changed["changes"]
    facets = [tuple(change["facet"]) for change in own]
    # 1.2.0 gives the trastuzumab doses only when the heart is known to be normal: with cardiac
    # dysfunction left unknown, they depend on its answer.
    assert ("item", "dosing", "trastuzumab-loading-dose") in facets
    assert ("conditional", "trastuzumab-loading-dose", "cardiac_dysfunction = false") in facets
    # 1.1.1 corrected the reference list only: it changed nothing for the case.
    quiet = compare_case(
        calculators.load(f"{GUIDELINE}@1.1.0"),
        calculators.load(f"{GUIDELINE}@1.1.1"),
        her2_positive,
    )
    assert quiet["changes"] == []
    earlier = compare_case(
        calculators.load(f"{GUIDELINE}@1.0.0"),
        calculators.load(f"{GUIDELINE}@1.1.0"),
        her2_positive,
    )
    assert ("status",) in [tuple(change["facet"]) for change in earlier["changes"]]
    unchanged = calculators.changes(GUIDELINE, {"sex": "male"})
    assert unchanged is not None
    assert unchanged["changes"] == []
    assert (unchanged["from"], unchanged["to"]) == ("1.1.1", "1.2.0")
    shared: Any = unchanged["every_case"]
    assert shared == []  # notices are compared by id: none came or went


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_approving_a_version_whose_changelog_is_kept_builds(project: Path) -> None:
    index = project / "docs" / GUIDELINE / "index.md"
    _review(index, "approved")
    history = _histories(project)[GUIDELINE]
    assert history.working.review_status == "approved"
    assert history.changelogs[CURRENT].before == PREVIOUS


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_a_kept_changelog_the_records_no_longer_give_fails_the_build(project: Path) -> None:
    kept = project / "releases" / GUIDELINE / "1.1.0.changes.md"
    kept.write_text(kept.read_text(encoding="utf-8").replace("cases change", "cases moved"))
    with pytest.raises(ContentError) as raised:
        _histories(project)
    [finding] = raised.value.findings
    assert finding.file.endswith(f"releases/{GUIDELINE}/1.1.0.changes.md")
    assert "not what the release records give" in finding.message
    assert "make release GUIDELINE=" in finding.remedy


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_make_review_prints_the_changelog_the_proofs_and_the_waived_checks() -> None:
    review = subprocess.run(
        [sys.executable, "-m", "build_tools.versions", "review", GUIDELINE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert review.returncode == 0, review.stderr
    text = review.stdout
    kept = (RELEASES / GUIDELINE / f"{CURRENT}.changes.md").read_text(encoding="utf-8")
    first_line = kept.splitlines()[0]
    assert f"#{first_line}" in text  # the kept changelog, one heading level down
    assert "## Safety constraints (" in text
    assert ": proven" in text
    assert "## Authoring checks waived" in text
