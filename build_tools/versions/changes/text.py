"""Text changes: anchored points, item texts, notice texts and references, with word-level
differences.

Wording never changes a case's result (``compare.facts`` ignores it), so it is listed apart:
per anchored point by (section, anchor), per item id, per notice id and per reference key (the
entry as the reference list formats it, with its public note; an internal note is not text
readers see, so a change to it alone is not listed).
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

from build_tools.content.schema import Reference
from build_tools.interchange.bibliography import formatted_references
from build_tools.notices import REVIEW_NOTICE_ID
from build_tools.versions.record import VersionSnapshot

WordOp = dict[str, object]  # {"op": "equal"|"delete"|"insert"|"replace", "old": ..., "new": ...}


def word_diff(old: str, new: str) -> list[WordOp]:
    """The word-level edit script from ``old`` to ``new``."""
    before, after = old.split(), new.split()
    ops: list[WordOp] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append({"op": tag, "old": " ".join(before[i1:i2]), "new": " ".join(after[j1:j2])})
    return ops


def diff_marked(
    ops: list[WordOp],
    deleted: Callable[[str], str],
    inserted: Callable[[str], str],
    kept: Callable[[str], str] = str,
) -> str:
    """The words of a diff, deletions and insertions marked by ``deleted`` / ``inserted``
    (Markdown strike and bold in the changelog, ``<del>``/``<ins>`` on the site)."""
    parts: list[str] = []
    for op in ops:
        if op["op"] == "equal":
            parts.append(kept(str(op["old"])))
            continue
        if op["old"]:
            parts.append(deleted(str(op["old"])))
        if op["new"]:
            parts.append(inserted(str(op["new"])))
    return " ".join(parts)


def diff_markdown(ops: list[WordOp]) -> str:
    """Deletions as ``~~old~~``, insertions as ``**new**``."""
    return diff_marked(ops, lambda words: f"~~{words}~~", lambda words: f"**{words}**")


def reworded(kind: str, key: str, old: tuple[str, str], new: tuple[str, str]) -> dict[str, object]:
    """One text changed in either wording: both wordings' diffs (None when unchanged)."""
    entry: dict[str, object] = {"kind": kind, "key": key, "change": "reworded"}
    for audience, was, now in (("clinician", old[0], new[0]), ("patient", old[1], new[1])):
        entry[audience] = None if was == now else word_diff(was, now)
    return entry


def wording_label(kind: str, audience: str) -> str:
    """What a reworded entry's diff is called: the wording, or "entry" for a reference (one
    text for every reader)."""
    return "entry" if kind == "reference" else audience


def text_changes(before: VersionSnapshot, after: VersionSnapshot) -> list[dict[str, object]]:
    """Every anchored point, item text and notice text added, removed or reworded, sorted."""
    found: list[dict[str, object]] = []
    kinds = (
        ("point", _points(before), _points(after)),
        ("item", _items(before), _items(after)),
        ("notice", _notices(before), _notices(after)),
        ("reference", _references(before), _references(after)),
    )
    for kind, old, new in kinds:
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                found.append({"kind": kind, "key": key, "change": "removed", "text": old[key][0]})
            elif key not in old:
                found.append({"kind": kind, "key": key, "change": "added", "text": new[key][0]})
            elif old[key] != new[key]:
                found.append(reworded(kind, key, old[key], new[key]))
    return found


def _points(snapshot: VersionSnapshot) -> dict[str, tuple[str, str]]:
    return {f"{p.section}#{p.anchor}": (p.clinician, p.patient) for p in snapshot.points}


def _items(snapshot: VersionSnapshot) -> dict[str, tuple[str, str]]:
    return {item.id: (item.text, item.patient_text) for item in snapshot.model.items}


def _notices(snapshot: VersionSnapshot) -> dict[str, tuple[str, str]]:
    """The notices the content writes (the review notice is generated from the version number
    and review status, so its words change with every version: not a change of content)."""
    return {
        notice.id: (notice.text, notice.patient_text)
        for notice in snapshot.model.notices
        if notice.id != REVIEW_NOTICE_ID
    }


def _references(snapshot: VersionSnapshot) -> dict[str, tuple[str, str]]:
    """Each reference as the list shows it (one wording: the patient slot stays empty)."""
    references = [Reference.model_validate(ref) for ref in snapshot.record["references"]]
    return {
        entry.key: (f"{entry.text} {reference.note}" if reference.note else entry.text, "")
        for entry, reference in zip(formatted_references(references), references, strict=True)
    }
