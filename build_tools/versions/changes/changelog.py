"""The semantic changelog between two versions of a guideline.

What changes for a case is computed over the whole space of cases whose findings are all stated
(the space the safety proof covers), exactly, from where each rule fires
(:mod:`build_tools.tables.regions`): see :mod:`.space`, :mod:`.facets` and :mod:`.classes`. It
agrees case by case with ``calculators.runtime.compare.compare_case``, which the calculator uses
for cases that leave findings unknown. Wording is compared apart (:mod:`.text`), and so are the
case fields (:mod:`.inputs`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from build_tools.tables.domain import DomainValue
from build_tools.tables.model import DecisionModel
from build_tools.versions.changes.classes import Change, changed_cases
from build_tools.versions.changes.conditions import conditions
from build_tools.versions.changes.facets import VersionFacts
from build_tools.versions.changes.inputs import input_changes
from build_tools.versions.changes.sets import CaseSets
from build_tools.versions.changes.space import Space
from build_tools.versions.changes.text import text_changes
from build_tools.versions.record import VersionSnapshot
from calculators.runtime.compare import describe_change, facet_order

UNKNOWN_FINDINGS = (
    "The classes cover every case whose findings are all stated (each numeric field split at "
    "both versions' thresholds). A case that leaves findings unknown is compared case by case "
    "by the calculator (compare_case)."
)
EVERY_CASE = "These changes hold for every case; they are left out of the classes below."
GROUPS = (
    "Classes are grouped; the classes of a group do not overlap, and a case's changes are "
    "those of every class it falls in (at most one per group)."
)


@dataclass(frozen=True)
class CaseClass:
    group: int
    conditions: tuple[tuple[tuple[str, str], ...], ...]  # cubes: (field, cell) ...
    cases: int
    changes: tuple[dict[str, object], ...]
    # the class's cases that are contradictory in both versions (their errors changed), as cubes
    # read among those cases
    contradictory: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass(frozen=True)
class Changelog:
    guideline_id: str
    before: str
    after: str
    total_cases: int
    changed_cases: int
    classified_cases: int  # the cases in some class: changed beyond what every case shares
    every_case: tuple[dict[str, object], ...]
    classes: tuple[CaseClass, ...]
    inputs: tuple[dict[str, object], ...]
    texts: tuple[dict[str, object], ...]
    fields: tuple[str, ...]
    domain: dict[str, tuple[DomainValue, ...]]
    signatures: tuple[frozenset[Change], ...]  # the classes' changes, as compare.facts keys

    def json_text(self) -> str:
        """The changelog as JSON text: what the CLI prints and the Versions page links."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "guideline": self.guideline_id,
            "from": self.before,
            "to": self.after,
            "scope": UNKNOWN_FINDINGS,
            "cases": {
                "total": self.total_cases,
                "changed": self.changed_cases,
                "in_classes": self.classified_cases,
            },
            "every_case": list(self.every_case),
            "classes": [
                {
                    "group": case_class.group,
                    "cases": case_class.cases,
                    "when": [dict(cube) for cube in case_class.conditions],
                    "when_contradictory": [dict(cube) for cube in case_class.contradictory],
                    "changes": list(case_class.changes),
                }
                for case_class in self.classes
            ],
            "inputs": list(self.inputs),
            "texts": list(self.texts),
        }


def changelog_between(before: VersionSnapshot, after: VersionSnapshot) -> Changelog:
    space = Space.of(before.model, after.model)
    sets = CaseSets(space.values)
    found = changed_cases(
        VersionFacts.of(before.model, space, sets), VersionFacts.of(after.model, space, sets), sets
    )
    classes: list[tuple[CaseClass, frozenset[Change]]] = []
    for number, group in enumerate(found.groups, start=1):
        for signature, (node, cubes, contradictory) in group.items():
            cells = sorted(tuple(conditions(cube, space)) for cube in cubes)
            contradictory_cells = sorted(tuple(conditions(cube, space)) for cube in contradictory)
            classes.append(
                (
                    CaseClass(
                        number,
                        tuple(cells),
                        sets.count(node),
                        tuple(
                            _worded(change, before.model, after.model)
                            for change in _ordered(signature)
                        ),
                        tuple(contradictory_cells),
                    ),
                    signature,
                )
            )
    classes.sort(key=lambda entry: (entry[0].group, -entry[0].cases, entry[0].conditions))
    return Changelog(
        guideline_id=after.guideline_id,
        before=before.version,
        after=after.version,
        total_cases=found.total,
        changed_cases=sets.count(found.changed) if not found.every_case else found.total,
        classified_cases=sets.count(found.changed),
        every_case=tuple(_worded(c, before.model, after.model) for c in _ordered(found.every_case)),
        classes=tuple(case_class for case_class, _ in classes),
        inputs=tuple(input_changes(before.model, after.model)),
        texts=tuple(text_changes(before, after)),
        fields=space.fields,
        domain=space.values,
        signatures=tuple(signature for _, signature in classes),
    )


def _ordered(changes: frozenset[Change] | tuple[Change, ...]) -> list[Change]:
    return sorted(changes, key=lambda change: (facet_order(change[0]), repr(change[1:])))


def _worded(change: Change, before: DecisionModel, after: DecisionModel) -> dict[str, object]:
    facet, was, now = change
    model = after if now is not None else before
    texts = _texts(model, facet)
    clinician, patient = describe_change(facet, was, now, texts)
    return {
        "facet": list(facet),
        "before": was,
        "after": now,
        "text": clinician,
        "patient_text": patient,
    }


def _texts(model: DecisionModel, facet: tuple[str, ...]) -> tuple[str, str]:
    if facet[0] == "item":
        item = model.item_named(facet[2])
        if item is not None:
            rate = f"{item.dose.amount_per_kg} {item.dose.unit}/kg" if item.dose else ""
            return item.text.replace("{dose}", rate), item.patient_text.replace("{dose}", rate)
    if facet[0] == "notice":
        for notice in model.notices:
            if notice.id == facet[1]:
                return notice.text, notice.patient_text
    return facet[-1], facet[-1]
