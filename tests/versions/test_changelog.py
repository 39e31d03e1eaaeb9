"""The changelog agrees with compare_case, case by case, and is deterministic."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import calculators
from build_tools.pipeline import SiteBuild
from build_tools.tables.domain import DomainValue
from build_tools.tables.model import DecisionModel
from build_tools.tables.unary import parse_cell, typed_test
from build_tools.versions.changes import changelog_between, render_markdown
from build_tools.versions.changes.changelog import Changelog
from build_tools.versions.changes.classes import Change, ChangedCases, changed_cases
from build_tools.versions.changes.conditions import conditions
from build_tools.versions.changes.facets import VersionFacts
from build_tools.versions.changes.sets import CaseSets
from build_tools.versions.changes.space import Space
from build_tools.versions.record import VersionSnapshot, working_snapshot
from build_tools.versions.store import load_release, release_files
from calculators.runtime.compare import compare_case
from tests.support.guidelines import project_build
from tests.support.paths import GUIDELINE, ROOT


@cache
def released(version: str) -> VersionSnapshot:
    found = {r.version: r for r in release_files(ROOT / "releases", GUIDELINE)}
    return load_release(found[version], ROOT)


def snapshot_of(docs: Path) -> VersionSnapshot:
    """The working version of the pages under ``docs``, as the build's pipeline compiles it."""
    build = SiteBuild.of(docs.parent, docs_dir=docs)
    compiled = build.compiled[GUIDELINE]
    return working_snapshot(
        build.content.guidelines[GUIDELINE], compiled.model, compiled.module_text
    )


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
    found = [*compared["changes"], *compared["every_case"]]
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


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_planted_threshold(tmp_path: Path) -> None:
    after = planted(
        tmp_path,
        "treatment-duration.md",
        'chemotherapy_line: ">= 4", pregnant: false}',
        'chemotherapy_line: ">= 3", pregnant: false}',
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
        'chemotherapy_line: ">= 4", pregnant: false}',
        'chemotherapy_line: ">= 3", pregnant: false}',
    )
    assert check_sample(working(), after, 2000, seed=11) > 0


@pytest.mark.slow
def test_released_versions_sample() -> None:
    before, after = released("1.0.0"), released("1.1.0")
    assert check_sample(before, after, 2000, seed=3) > 0
    changelog = changelog_between(before, after)
    assert changelog.classes
    assert ["notice", "currency"] in [change["facet"] for change in changelog.every_case]


@pytest.mark.slow  # compiles the whole guideline again (a copy, or a command)
def test_deterministic_in_process() -> None:
    before, after = released("1.0.0"), released("1.1.0")
    first, second = changelog_between(before, after), changelog_between(before, after)
    assert render_markdown(first) == render_markdown(second)
    assert json.dumps(first.to_json()) == json.dumps(second.to_json())


@pytest.mark.slow
def test_cli_byte_identical() -> None:
    """The command prints, in a process of its own (another hash seed), byte for byte what the
    build computes in this one: the working version's changelog against the release before it
    (in-process determinism: test_deterministic_in_process)."""
    history = project_build().histories[GUIDELINE]
    changelog = history.changelogs[history.working.version]
    expected = {"markdown": render_markdown(changelog), "json": changelog.json_text()}
    assert expected["markdown"].startswith("# Changes in")
    for form, text in expected.items():
        printed = subprocess.run(
            [sys.executable, "-m", "build_tools.versions.changes", GUIDELINE, "--format", form],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert printed == text, form


def fields_behind(model: DecisionModel, table_id: str) -> list[str]:
    """The case fields a table reads, through the tables that produce its derived inputs."""
    producers = {derived.name: derived.table for derived in model.derived}
    case_fields = {case_input.name for case_input in model.inputs}
    tables = {table.id: table for table in model.tables}
    found: list[str] = []
    pending = [table_id]
    seen: set[str] = set()
    while pending:
        table = tables[pending.pop()]
        if table.id in seen:
            continue
        seen.add(table.id)
        for name in table.domain_inputs:
            if name in case_fields and name not in found:
                found.append(name)
            elif name in producers:
                pending.append(producers[name])
    return found


def brute_force(
    before: VersionSnapshot, after: VersionSnapshot, table_id: str, settings: int
) -> tuple[int, int]:
    """Every case of the fields behind ``table_id`` (the other fields at ``settings`` random
    settings), checked both ways against compare_case; (changed cases found by brute force,
    changed cases the changelog's sets count over the same cases)."""
    space, sets, found = exact(before, after)
    fields = fields_behind(after.model, table_id)
    rng = random.Random(5)
    brute = counted = 0
    for _ in range(settings):
        base = _valid_base(before, space, rng)
        for values in itertools.product(*(space.values[name] for name in fields)):
            case = {**base, **dict(zip(fields, values, strict=True))}
            want = expected(before, after, dict(case))
            assert claimed(sets, found, case) == want, case
            brute += bool(want)
        others = {name: frozenset({base[name]}) for name in space.values if name not in fields}
        counted += sets.count(sets.meet(found.changed, sets.cube(others)))
    return brute, counted


def _valid_base(
    before: VersionSnapshot, space: Space, rng: random.Random
) -> dict[str, DomainValue]:
    """A random setting of every field that makes a valid case (most random settings are
    contradictory, and a contradictory case changes nothing)."""
    for _ in range(10_000):
        base = {name: rng.choice(values) for name, values in space.values.items()}
        if before.calculator.recommend(dict(base))["status"] not in ("invalid", "out_of_scope"):
            return base
    raise AssertionError("no valid case found")


def class_facets(changelog: Changelog) -> set[tuple[str, ...]]:
    return {
        tuple(str(part) for part in change["facet"])  # type: ignore[attr-defined]
        for case_class in changelog.classes
        for change in case_class.changes
    }


@pytest.mark.slow
def test_planted_item_swap(tmp_path: Path) -> None:
    """Two rules' items swapped (each item stays in use): exactly those two items change,
    where the rules fire, and the count matches brute force."""
    after = planted(
        tmp_path,
        "supportive-care.md",
        "then: {items: [radiotherapy-symptomatic-bone]}\n"
        "      - id: radiotherapy-for-cns\n"
        "        when: {cns_metastases: true}\n"
        "        then: {items: [radiotherapy-cns, silent-cns-beyond-radiotherapy]}",
        "then: {items: [radiotherapy-cns]}\n"
        "      - id: radiotherapy-for-cns\n"
        "        when: {cns_metastases: true}\n"
        "        then: {items: [radiotherapy-symptomatic-bone, silent-cns-beyond-radiotherapy]}",
    )
    before = working()
    changelog = changelog_between(before, after)
    assert class_facets(changelog) == {
        ("item", "supportive_care", "radiotherapy-symptomatic-bone"),
        ("item", "supportive_care", "radiotherapy-cns"),
    }
    assert changelog.every_case == ()
    assert changelog.inputs == ()
    assert changelog.texts == ()
    brute, counted = brute_force(before, after, "supportive_care", settings=3)
    assert brute == counted
    assert brute > 0


@pytest.mark.slow
def test_planted_constraint_relevant_item_added(tmp_path: Path) -> None:
    """A warning a safety constraint is about, added to another rule: only that warning
    changes, only where the rule fires and the warning was not already given."""
    after = planted(
        tmp_path,
        "supportive-care.md",
        "then: {items: [radiotherapy-cns, silent-cns-beyond-radiotherapy]}",
        "then: {items: [radiotherapy-cns, silent-cns-beyond-radiotherapy, "
        "trastuzumab-no-anthracycline]}",
    )
    before = working()
    changelog = changelog_between(before, after)
    assert class_facets(changelog) == {("item", "warnings", "trastuzumab-no-anthracycline")}
    for case_class in changelog.classes:
        for change in case_class.changes:
            assert (change["before"], change["after"]) == (None, True)
    brute, counted = brute_force(before, after, "supportive_care", settings=3)
    assert brute == counted
    assert brute > 0


@pytest.mark.slow
def test_planted_threshold_counts_match_brute_force(tmp_path: Path) -> None:
    after = planted(
        tmp_path,
        "treatment-duration.md",
        'chemotherapy_line: ">= 4", pregnant: false}',
        'chemotherapy_line: ">= 3", pregnant: false}',
    )
    brute, counted = brute_force(working(), after, "chemotherapy_beyond_third_line", settings=3)
    assert brute == counted
    assert brute > 0


@pytest.mark.slow
def test_cli_defaults_compare_the_working_content_with_the_release_before_it() -> None:
    """With no --from/--to: the working content (released, unchanged) against the release
    before it, as the site shows it."""
    run = subprocess.run(
        [sys.executable, "-m", "build_tools.versions.changes", GUIDELINE, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = json.loads(run.stdout)
    current = calculators.load(GUIDELINE).spec.version
    previous = calculators.superseded_versions(GUIDELINE)[-1]
    assert (printed["from"], printed["to"]) == (previous, current)


@pytest.mark.slow
def test_class_conditions_are_cells_of_the_tables_own_language() -> None:
    """Every condition a class is written with, parsed by the tables' own cell parser, matches
    exactly the values of its field that the class's cube allows."""
    before, after = released("1.0.0"), released("1.1.0")
    space, _, found = exact(before, after)
    kinds = {case_input.name: case_input.type for case_input in after.model.inputs}
    checked = 0
    for group in found.groups:
        for _, cubes, contradictory in group.values():
            for cube in [*cubes, *contradictory]:
                for name, text in conditions(cube, space):
                    test = typed_test(parse_cell(text), kinds[name])
                    matched = {v for v in space.values[name] if test.matches(v)}
                    assert matched == set(cube[name]), (name, text)
                    checked += 1
    assert checked > 300
