"""What differs between two results of the same case: the comparison the changelog and the
calculator's "changed in" note share.

A result differs when any of these differs (never the wording: text changes are listed per
anchored point by the changelog):

* the status, the prognosis, the fields named as invalid;
* an item of any list (recommendations with their rank, warnings, work-up, dosing with its dose
  per kg, unit and schedule, ...), by item id;
* what depends on findings not stated: each item with the answers it needs;
* the notices every result carries, by id.

Stdlib only: it runs in the browser's worker beside ``recommend``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from calculators.runtime.engine import ITEM_LISTS, Calculator, lower_first
from calculators.runtime.records import GuidelineSpec
from calculators.runtime.results import (
    CaseChanges,
    CaseValues,
    Cube,
    Notice,
    Result,
    ResultChange,
    ResultItem,
)

Facet = tuple[str, ...]  # what a fact is about, e.g. ("item", "recommendations", "<id>")

_STATUS_WORDS = {
    "ok": "complete",
    "needs_more_information": "needs information",
    "out_of_scope": "out of scope",
    "invalid": "invalid case",
}
_LIST_WORDS = {
    "prognosis_reasons": "prognosis reason",
    "recommendations": "recommendation",
    "warnings": "warning",
    "monitoring": "monitoring",
    "supportive_care": "supportive care",
    "workup": "work-up",
    "dosing": "dose",
    "conditional": "depends on findings not stated",
}
# The same, and the ranks, in the patient's words.
_PATIENT_LIST_WORDS = {
    "prognosis_reasons": "reason for the outlook",
    "recommendations": "treatment option",
    "warnings": "caution",
    "monitoring": "check during treatment",
    "supportive_care": "supportive care",
    "workup": "test or question",
    "dosing": "dose",
    "conditional": "depends on what is not known yet",
}
_PATIENT_RANKS = {"preferred": "first choice", "alternative": "another option"}


def facts(result: Result) -> dict[Facet, object]:
    """The facts of a result that changes are compared on, each facet with its value."""
    found: dict[Facet, object] = {
        ("status",): result["status"],
        ("prognosis",): result["prognosis"],
    }
    for error in result["errors"]:
        found[("error", str(error["field"]))] = True
    for list_name in ITEM_LISTS.values():
        for item in result[list_name]:
            found[("item", list_name, item["id"])] = _item_value(item)
    for group in result["conditional"]:
        when = _when_text(group["when"])
        for item in group["items"]:
            found[("conditional", item["id"], when)] = _item_value(item)
    for notice in result["notices"]:
        found[("notice", notice["id"])] = True
    return found


def _item_value(item: ResultItem) -> object:
    dose = item.get("dose")
    if dose is not None:
        return f"{dose.get('amount_per_kg')} {dose.get('unit')}/kg, {dose.get('schedule')}"
    rank = item.get("rank")
    return rank if rank is not None else True


def _when_text(when: list[Cube]) -> str:
    alternatives = [
        ", ".join(f"{name} = {_value_text(value)}" for name, value in sorted(answers.items()))
        for answers in when
    ]
    return " or ".join(sorted(alternatives))


def _value_text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def differences(before: Result, after: Result, labels: Labels | None = None) -> list[ResultChange]:
    """Every fact that differs, in a stable order: ``{"facet": [...], "before": v|None,
    "after": v|None, "text": clinician wording, "patient_text": patient wording}``; ``labels``
    (field -> clinician and patient label) word the answers an item depends on."""
    old, new = facts(before), facts(after)
    changed: list[ResultChange] = []
    for facet in sorted(old.keys() | new.keys(), key=facet_order):
        was, now = old.get(facet), new.get(facet)
        if was == now:
            continue
        clinician, patient = _describe(facet, was, now, before, after, labels)
        changed.append(
            {
                "facet": list(facet),
                "before": _jsonable(was),
                "after": _jsonable(now),
                "text": clinician,
                "patient_text": patient,
            }
        )
    return changed


_KIND_ORDER = {"status": 0, "prognosis": 1, "error": 2, "item": 3, "conditional": 4, "notice": 5}
_LIST_ORDER: dict[str, int] = {name: position for position, name in enumerate(ITEM_LISTS.values())}


def facet_order(facet: Facet) -> tuple[int, int, tuple[str, ...]]:
    list_position = _LIST_ORDER.get(facet[1], 0) if facet[0] == "item" else 0
    return (_KIND_ORDER.get(facet[0], 9), list_position, facet[1:])


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _item_text(result: Result, facet: Facet, *, patient: bool) -> str:
    if facet[0] == "item":
        for item in _listed(result, facet[1]):
            if item["id"] == facet[2]:
                return _text(item, patient=patient)
    if facet[0] == "conditional":
        for group in result["conditional"]:
            for item in group["items"]:
                if item["id"] == facet[1]:
                    return _text(item, patient=patient)
    if facet[0] == "notice":
        for notice in result["notices"]:
            if notice["id"] == facet[1]:
                return _text(notice, patient=patient)
    return facet[-1]


def _listed(result: Result, list_name: str) -> list[ResultItem]:
    """The items of the result's list ``list_name``."""
    return next((result[key] for key in ITEM_LISTS.values() if key == list_name), [])


def _text(item: ResultItem | Notice, *, patient: bool) -> str:
    """An item's or notice's text in the wording asked for (the clinician's where the patient's
    is empty)."""
    return (item["patient_text"] or item["text"]) if patient else item["text"]


def _describe(
    facet: Facet,
    was: object,
    now: object,
    before: Result,
    after: Result,
    labels: Labels | None = None,
) -> tuple[str, str]:
    """A change in words, for clinicians and for patients."""
    source = after if now is not None else before
    return describe_change(
        facet,
        was,
        now,
        (
            _item_text(source, facet, patient=False),
            _item_text(source, facet, patient=True),
        ),
        labels,
    )


def describe_change(
    facet: Facet,
    was: object,
    now: object,
    texts: tuple[str, str],
    labels: Labels | None = None,
) -> tuple[str, str]:
    """A change in words, for clinicians and for patients; ``texts`` are the item's or
    notice's own texts (clinician, patient) in the version that has it (the changelog words
    its changes with this too); ``labels`` word the answers a conditional item depends on
    (field names without them)."""
    kind = facet[0]
    if kind == "status":
        words = f"{_STATUS_WORDS.get(str(was), was)} → {_STATUS_WORDS.get(str(now), now)}"
        return f"Status: {words}.", f"Result: {words}."
    if kind == "prognosis":
        return (
            f"Prognosis: {_value_text(was)} → {_value_text(now)}.",
            f"Outlook: {_value_text(was)} → {_value_text(now)}.",
        )
    if kind == "error":
        state = "now invalid" if now else "no longer invalid"
        return f"{facet[1]}: {state}.", f"{facet[1]}: {state}."
    worded: list[str] = []
    for audience, own in enumerate(texts):
        patient = audience == 1
        nouns = _PATIENT_LIST_WORDS if patient else _LIST_WORDS
        ranks = _PATIENT_RANKS if patient else {}
        old, new = ranks.get(str(was), was), ranks.get(str(now), now)
        text = lower_first(own.rstrip("."))
        what = nouns.get(facet[1], "notice") if kind != "notice" else "notice"
        if kind == "conditional":
            answers = _answers_text(facet[2], labels, patient=patient)
            what = f"{nouns['conditional']} (if {answers})"
        if was is None:
            label = f"New {what}" + (f" ({new})" if isinstance(new, str) else "")
        elif now is None:
            label = f"No longer a {what}" + (f" (was {old})" if isinstance(old, str) else "")
        else:
            label = f"{what.capitalize()}: {old} → {new}"
        worded.append(f"{label}: {text}.")
    return worded[0], worded[1]


# field -> (clinician label, patient label)
Labels = Mapping[str, tuple[str, str]]
_ANSWER = re.compile(r"([a-z0-9_]+) = (.+?)(?=, [a-z0-9_]+ = | or |$)")
_ANSWER_WORDS = {"true": "yes", "false": "no", "null": "unknown"}


def _answers_text(when: str, labels: Labels | None, *, patient: bool) -> str:
    """``cardiac_dysfunction = true`` as "known cardiac dysfunction: yes" with the labels."""
    if not labels:
        return when

    def answer(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        label = labels.get(name)
        if label is None:
            return match.group(0)
        return f"{lower_first(label[1 if patient else 0])}: {_ANSWER_WORDS.get(value, value)}"

    return _ANSWER.sub(answer, when)


def case_for(spec: GuidelineSpec, case: Mapping[str, object]) -> CaseValues:
    """``case`` as another version of the guideline reads it: fields that version does not
    declare are left out, and so is an unknown (null) value of a field it cannot leave unknown
    but gives a default: its form showed that default when nothing was entered (1.0.0 read an
    unstated finding as "no")."""
    inputs = {spec_input.name: spec_input for spec_input in spec.inputs}
    projected: CaseValues = {}
    for name, value in case.items():
        spec_input = inputs.get(name)
        if spec_input is None:
            continue
        if value is None and not spec_input.nullable and spec_input.default is not None:
            continue
        projected[name] = value
    return projected


def compare_case(before: Calculator, after: Calculator, case: Mapping[str, object]) -> CaseChanges:
    """How the result of ``case`` differs between two versions: ``{"from": version, "to":
    version, "changes": [...], "every_case": [...]}`` (see :func:`differences`). ``changes``
    are this case's own; ``every_case`` are the changes every result of the two versions shares
    (the notices each result carries), which say nothing about this case in particular."""
    old = before.recommend(case_for(before.spec, case))
    new = after.recommend(case_for(after.spec, case))
    labels = {
        spec_input.name: (spec_input.label, spec_input.patient_label)
        for spec in (before.spec, after.spec)
        for spec_input in spec.inputs
    }
    found = differences(old, new, labels)
    return {
        "from": before.spec.version,
        "to": after.spec.version,
        "changes": [change for change in found if not _every_case(change)],
        "every_case": [change for change in found if _every_case(change)],
    }


def _every_case(change: ResultChange) -> bool:
    return change["facet"][0] == "notice"
