"""The changelog as Markdown: the summary, every-case changes, the classes with their
conditions, the case fields, and the text changes with word-level marks."""

from __future__ import annotations

from build_tools.versions.changes.changelog import EVERY_CASE, GROUPS, UNKNOWN_FINDINGS, Changelog
from build_tools.versions.changes.inputs import describe_input_change
from build_tools.versions.changes.text import WordOp, diff_markdown, wording_label

WHEN = "When any of (among cases valid in at least one version):"
WHEN_CONTRADICTORY = (
    "And among cases contradictory in both versions (whose errors change), when any of:"
)

# Contradictory cases say nothing clinical: their conditions are listed in the Markdown when short,
# and always in the JSON (``when_contradictory``).
CONTRADICTORY_SHOWN = 6
CONTRADICTORY_IN_JSON = (
    "And cases contradictory in both versions whose errors change ({} sets of conditions: "
    "`when_contradictory` in the JSON changelog)."
)


def _cells(cube: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"`{name}`: `{cell}`" for name, cell in cube) or "any case"


def render_markdown(changelog: Changelog) -> str:
    lines = [
        f"# Changes in {changelog.guideline_id}: {changelog.before} → {changelog.after}",
        "",
        f"{changelog.changed_cases:,} of {changelog.total_cases:,} cases change"
        + (
            f", {changelog.classified_cases:,} of them beyond the changes every case shares. "
            if changelog.every_case
            else ". "
        )
        + UNKNOWN_FINDINGS,
        "",
        "## Every case",
        "",
    ]
    if changelog.every_case:
        lines += [EVERY_CASE, ""]
        lines += [f"- {change['text']}" for change in changelog.every_case]
    else:
        lines.append("No change holds for every case.")
    lines += ["", "## Case classes", ""]
    if changelog.classes:
        lines += [GROUPS, ""]
    group = 0
    for number, case_class in enumerate(changelog.classes, start=1):
        if case_class.group != group:
            group = case_class.group
            lines += [f"### Group {group}", ""]
        lines.append(f"#### Class {number}: {case_class.cases:,} cases")
        if case_class.conditions:
            lines += ["", WHEN, ""]
            lines += [f"- {_cells(cube)}" for cube in case_class.conditions]
        if len(case_class.contradictory) > CONTRADICTORY_SHOWN:
            lines += ["", CONTRADICTORY_IN_JSON.format(len(case_class.contradictory))]
        elif case_class.contradictory:
            lines += ["", WHEN_CONTRADICTORY, ""]
            lines += [f"- {_cells(cube)}" for cube in case_class.contradictory]
        lines += ["", "Changes:", ""]
        lines += [f"- {change['text']}" for change in case_class.changes]
        lines.append("")
    if not changelog.classes:
        lines += ["No other case changes.", ""]
    lines += ["## Case fields", ""]
    lines += [f"- {describe_input_change(entry)}" for entry in changelog.inputs] or ["No change."]
    lines += ["", "## Text", ""]
    for entry in changelog.texts:
        title = f"{entry['kind']} `{entry['key']}`"
        if entry["change"] in ("added", "removed"):
            lines.append(f"- {title}: {entry['change']}: {entry['text']}")
            continue
        lines.append(f"- {title}: reworded")
        for audience in ("clinician", "patient"):
            ops = entry[audience]
            if ops is not None:
                assert isinstance(ops, list)
                words: list[WordOp] = ops
                label = wording_label(str(entry["kind"]), audience)
                lines.append(f"  - {label}: {diff_markdown(words)}")
    if not changelog.texts:
        lines.append("No change.")
    return "\n".join(lines) + "\n"
