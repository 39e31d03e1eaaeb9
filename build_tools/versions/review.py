"""What a reviewer reads before approving a version (``make review GUIDELINE=<id>``): what the
version changes for patients against the previous release (the semantic changelog), the safety
constraints the build proved for it, the authoring checks it waives, and its review so far."""

from __future__ import annotations

from build_tools.tables.safety import obligation_words
from build_tools.versions.history import GuidelineHistory


def _code(text: str) -> str:
    return f"`{text}`"


def review_markdown(history: GuidelineHistory, changelog: str | None) -> str:
    """The review pack of ``history``'s working version as Markdown; ``changelog`` is its
    changelog against the previous release (None for a first release)."""
    version = history.working
    model = version.model
    state = "released" if history.working_is_released else "not released yet"
    lines = [
        f"# Review of {version.title}, version {version.version} ({version.date})",
        "",
        f"Review status: {version.review_status}; {state}.",
        "",
        "## Review history",
        "",
    ]
    for event in version.review_history:
        about = f" (version {event.version})" if event.version else ""
        note = f": {event.note}" if event.note else ""
        lines.append(f"- {event.date}: {event.status}{about}, by {event.by}{note}")
    lines += ["", "## What changes for patients", ""]
    if changelog is None:
        lines.append(
            "This is the guideline's first release: there is no earlier version to compare."
        )
    else:
        # one level below this pack's own headings
        lines += [
            f"##{line}" if line.startswith("#") else line for line in changelog.strip().splitlines()
        ]
    lines += ["", f"## Safety constraints ({len(model.safety)}), proven by this build", ""]
    if not model.safety:
        lines.append("The guideline declares no safety constraint.")
    for constraint in model.safety:
        when = " and ".join(f"{c.input} is `{c.text}`" for c in constraint.when) or "every case"
        then = "; ".join(obligation_words(o, name=_code) for o in constraint.obligations)
        lines.append(
            f"- **{constraint.title}** ({_code(constraint.id)}, {constraint.location}): "
            f"when {when}, {then}: proven"
        )
    asserted = [item for item in model.items if item.asserts]
    if asserted:
        lines += [
            "",
            f"Items whose text states something about the case ({len(asserted)}), "
            "each proven to appear only where it holds:",
            "",
        ]
        lines += [f"- {_code(item.id)} ({item.file}:{item.line})" for item in asserted]
    waived = version.record.get("waived_checks") or []
    lines += ["", "## Authoring checks waived", ""]
    lines.append(
        ", ".join(_code(check) for check in waived) if waived else "None: every check applies."
    )
    return "\n".join(lines) + "\n"
