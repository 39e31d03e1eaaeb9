"""A version's semantic changelog as HTML, for the Versions page: how many cases change, what
changes for every case, each case class (folded: its conditions in the tables' cell language and
its changes before → after), the case fields whose reading changed, and every reworded text with
its words struck and inserted. The same changelog as ``python -m build_tools.versions.changes``
prints."""

from __future__ import annotations

from html import escape

from build_tools.versions.changes.changelog import UNKNOWN_FINDINGS, CaseClass, Changelog
from build_tools.versions.changes.inputs import describe_input_change
from build_tools.versions.changes.markdown import CONTRADICTORY_SHOWN, WHEN, WHEN_CONTRADICTORY
from build_tools.versions.changes.text import WordOp, diff_marked, wording_label

_TEXT_KINDS = {"point": "Point", "item": "Item", "notice": "Notice", "reference": "Reference"}


def changelog_html(changelog: Changelog, json_url: str | None = None) -> str:
    """The changelog as HTML; ``json_url`` links its JSON file when given."""
    beyond = (
        f", <strong>{changelog.classified_cases:,}</strong> of them beyond the changes every "
        "case shares"
        if changelog.every_case
        else ""
    )
    parts = [
        f'<p class="gl-changes-summary"><strong>{changelog.changed_cases:,}</strong> of '
        f"{changelog.total_cases:,} cases change{beyond}. {escape(UNKNOWN_FINDINGS)}</p>"
    ]
    if json_url:
        parts.append(
            f'<p class="gl-changes-downloads">The same changelog as <a href="{escape(json_url)}" '
            "download>JSON</a> (what <code>python -m build_tools.versions.changes --format "
            "json</code> prints), with every class's conditions.</p>"
        )
    parts.append("<h4>For every case</h4>")
    if changelog.every_case:
        parts.append(_list(str(change["text"]) for change in changelog.every_case))
    else:
        parts.append("<p>No change holds for every case.</p>")
    parts.append(f"<h4>Case classes ({len(changelog.classes)})</h4>")
    if changelog.classes:
        parts.append(
            "<p>Classes are grouped: the classes of a group do not overlap, and a case's "
            "changes are those of every class it falls in (at most one per group).</p>"
        )
        parts.extend(
            _case_class(number, case_class)
            for number, case_class in enumerate(changelog.classes, start=1)
        )
    else:
        parts.append("<p>No other case changes.</p>")
    parts.append("<h4>Case fields</h4>")
    parts.append(
        _list(_code_spans(describe_input_change(entry)) for entry in changelog.inputs)
        if changelog.inputs
        else "<p>No change.</p>"
    )
    parts.append(f"<h4>Text ({len(changelog.texts)})</h4>")
    parts.append(
        '<ul class="gl-text-changes">'
        + "".join(_text_change(entry) for entry in changelog.texts)
        + "</ul>"
        if changelog.texts
        else "<p>No change.</p>"
    )
    return "\n".join(parts) + "\n"


def _list(entries: object) -> str:
    assert not isinstance(entries, str)
    return "<ul>" + "".join(f"<li>{entry}</li>" for entry in entries) + "</ul>"  # type: ignore[attr-defined]


def _code_spans(text: str) -> str:
    """Markdown's `code` spans as <code>, the rest escaped."""
    pieces = escape(text).split("`")
    return "".join(
        f"<code>{piece}</code>" if position % 2 else piece for position, piece in enumerate(pieces)
    )


def _cells(cube: tuple[tuple[str, str], ...]) -> str:
    if not cube:
        return "any case"
    return "; ".join(
        f"<code>{escape(name)}</code> is <code>{escape(cell)}</code>" for name, cell in cube
    )


def _case_class(number: int, case_class: CaseClass) -> str:
    first = str(case_class.changes[0]["text"]) if case_class.changes else ""
    more = len(case_class.changes) - 1
    title = (
        f"Class {number} (group {case_class.group}) · {case_class.cases:,} cases · "
        f"{escape(first)}" + (f" (+{more} more)" if more > 0 else "")
    )
    body = []
    if case_class.conditions:
        body.append(f"<p>{escape(WHEN)}</p>")
        body.append(_list(_cells(cube) for cube in case_class.conditions))
    if case_class.contradictory:
        if len(case_class.contradictory) > CONTRADICTORY_SHOWN:
            body.append(
                f"<p>And cases contradictory in both versions whose errors change "
                f"({len(case_class.contradictory)} sets of conditions, in the JSON changelog).</p>"
            )
        else:
            body.append(f"<p>{escape(WHEN_CONTRADICTORY)}</p>")
            body.append(_list(_cells(cube) for cube in case_class.contradictory))
    body.append("<p>Changes:</p>")
    body.append(_list(escape(str(change["text"])) for change in case_class.changes))
    return (
        f'<details class="gl-change-class" id="change-class-{number}">'
        f"<summary>{title}</summary>\n" + "\n".join(body) + "\n</details>"
    )


def _text_change(entry: dict[str, object]) -> str:
    kind = _TEXT_KINDS.get(str(entry["kind"]), str(entry["kind"]))
    title = f"{kind} <code>{escape(str(entry['key']))}</code>"
    if entry["change"] in ("added", "removed"):
        return f"<li>{title}: {escape(str(entry['change']))}: {escape(str(entry['text']))}</li>"
    wordings = []
    for audience in ("clinician", "patient"):
        ops = entry.get(audience)
        if isinstance(ops, list):
            wordings.append(f"<li>{wording_label(str(entry['kind']), audience)}: {_diff(ops)}</li>")
    return f"<li>{title}: reworded<ul>{''.join(wordings)}</ul></li>"


def _diff(ops: list[WordOp]) -> str:
    return diff_marked(
        ops,
        lambda words: f"<del>{escape(words)}</del>",
        lambda words: f"<ins>{escape(words)}</ins>",
        escape,
    )
