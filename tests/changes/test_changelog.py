"""The changelog agrees with compare_case, case by case, and is deterministic."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from build_tools.changes import changelog_between, render_markdown
from build_tools.changes.classes import Change, ChangedCases, changed_cases
from build_tools.changes.facets import VersionFacts
from build_tools.changes.sets import CaseSets
from build_tools.changes.space import Space
from build_tools.content.site import load_site, markdown_pages
from build_tools.decisions.stage import compile_site
from build_tools.releases.record import VersionSnapshot, working_snapshot
from build_tools.releases.store import load_release, release_files
from build_tools.tables.domain import DomainValue
from calculators.runtime.compare import compare_case
from tests.support.paths import GUIDELINE, ROOT


@cache
def released(version: str) -> VersionSnapshot:
    found = {r.version: r for r in release_files(ROOT / "releases", GUIDELINE)}
    return load_release(found[version], ROOT)


def snapshot_of(docs: Path) -> VersionSnapshot:
    site = load_site(docs, markdown_pages(docs), docs.parent)
    compiled = compile_site(site)[GUIDELINE]
    return working_snapshot(site.guidelines[GUIDELINE], compiled.model, compiled.module_text)


@cache
def working() -> VersionSnapshot:
    return snapshot_of(ROOT / "docs")


def planted(tmp_path: Path, page: str, old: str, new: str) -> VersionSnapshot:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    path = docs / GUIDELINE / page
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return snapshot_of(docs)


def exact(before: VersionSnapshot, after: VersionSnapshot) -> tuple[Space, CaseSets, ChangedCases]:
    space = Space.of(before.model, after.model)
    sets = CaseSets(space.values)
    found = changed_cases(
        VersionFacts.of(before.model, space, sets), VersionFacts.of(after.model, space, sets), sets
    )
    return space, sets, found


def expected(
    before: VersionSnapshot, after: VersionSnapshot, case: dict[str, object]
) -> set[Change]:
    """The changes compare_case finds for ``case``: its own and those of every case."""
    compared = compare_case(before.calculator, after.calculator, case)
    found = [*compared["changes"], *compared["every_case"]]  # type: ignore[misc]
    return {
        (tuple(str(part) for part in change["facet"]), change["before"], change["after"])
        for change in found
    }


def claimed(sets: CaseSets, found: ChangedCases, case: dict[str, DomainValue]) -> set[Change]:
    """The changes the classes give ``case``; checks on the way that each class's cubes say
    exactly which cases it holds (read among the cases valid in at least one version, and among
    those contradictory in both)."""
    changes: set[Change] = set(found.every_case)
    contradictory = sets.contains(found.invalid_in_both, case)
    for group in found.groups:
        inside = [sig for sig, (node, *_) in group.items() if sets.contains(node, case)]
        assert len(inside) <= 1, "the classes of a group overlap"
        for _signature, (node, cubes, contradictory_cubes) in group.items():
            listed = any(
                _in_cube(cube, case) for cube in (contradictory_cubes if contradictory else cubes)
            )
            assert listed == sets.contains(node, case), "the cubes disagree with the class"
        for signature in inside:
            changes |= signature
    return changes


def _in_cube(cube: dict[str, frozenset[DomainValue]], case: dict[str, DomainValue]) -> bool:
    return all(case[name] in values for name, values in cube.items())


def check_sample(before: VersionSnapshot, after: VersionSnapshot, count: int, seed: int) -> int:
    space, sets, found = exact(before, after)
    rng = random.Random(seed)
    changed = 0
    for _ in range(count):
        case = {name: rng.choice(values) for name, values in space.values.items()}
        want = expected(before, after, dict(case))
        assert claimed(sets, found, case) == want, case
        changed += bool(want)
    return changed


def test_planted_threshold(tmp_path: Path) -> None:
    after = planted(
        tmp_path,
        "treatment-duration.md",
        'chemotherapy_line: ">= 4"}',
        'chemotherapy_line: ">= 3"}',
    )
    before = working()
    space, sets, found = exact(before, after)
    assert found.every_case == ()
    assert found.groups
    # Brute force over the fields the table reads, the others at random settings.
    rng = random.Random(7)
    for _ in range(3):
        base = {name: rng.choice(values) for name, values in space.values.items()}
        for line in space.values["chemotherapy_line"]:
            for ecog in space.values["ecog"]:
                case = {**base, "chemotherapy_line": line, "ecog": ecog}
                assert claimed(sets, found, case) == expected(before, after, dict(case))
    changelog = changelog_between(before, after)
    assert changelog.texts == ()
    assert changelog.inputs == ()
    facets: set[tuple[str, ...]] = {
        tuple(str(part) for part in c["facet"])  # type: ignore[attr-defined]
        for k in changelog.classes
        for c in k.changes
    }
    assert all(facet[0] in ("item", "status") for facet in facets)


def test_planted_rewording(tmp_path: Path) -> None:
    after = planted(
        tmp_path,
        "goals-of-care.md",
        "Its goals are to improve quality of life",
        "Its aims are to improve quality of life",
    )
    changelog = changelog_between(working(), after)
    assert changelog.classes == ()
    assert changelog.every_case == ()
    assert changelog.changed_cases == 0
    assert [(t["kind"], t["key"], t["change"]) for t in changelog.texts] == [
        ("point", "goals-of-care#goal-palliative", "reworded")
    ]
    assert changelog.texts[0]["patient"] is None
    assert "~~goals~~ **aims**" in render_markdown(changelog)


@pytest.mark.slow
def test_planted_sample(tmp_path: Path) -> None:
    after = planted(
        tmp_path,
        "treatment-duration.md",
        'chemotherapy_line: ">= 4"}',
        'chemotherapy_line: ">= 3"}',
    )
    assert check_sample(working(), after, 2000, seed=11) > 0


@pytest.mark.slow
def test_released_versions_sample() -> None:
    before, after = released("1.0.0"), released("1.1.0")
    assert check_sample(before, after, 2000, seed=3) > 0
    changelog = changelog_between(before, after)
    assert changelog.classes
    assert ["notice", "currency"] in [change["facet"] for change in changelog.every_case]


def test_deterministic_in_process() -> None:
    before, after = released("1.0.0"), released("1.1.0")
    first, second = changelog_between(before, after), changelog_between(before, after)
    assert render_markdown(first) == render_markdown(second)
    assert json.dumps(first.to_json()) == json.dumps(second.to_json())


@pytest.mark.slow
def test_cli_byte_identical() -> None:
    outputs = []
    for _ in range(2):
        for form in ("markdown", "json"):
            outputs.append(
                subprocess.run(
                    [sys.executable, "-m", "build_tools.changes", GUIDELINE, "--format", form],
                    cwd=ROOT,
                    capture_output=True,
                    check=True,
                ).stdout
            )
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]
    assert outputs[0].startswith(b"# Changes in")
