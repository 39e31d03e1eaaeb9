"""A guideline's versions on its pages: "since version X (date)" beside each recommendation, the
``::: versions`` page (every version, its review, what changed) and the address of each
superseded version's read-only page (:mod:`build_tools.render.superseded`).

Everything here reads the release history (:mod:`build_tools.versions.history`); nothing names
a guideline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from build_tools.render.changelog_html import changelog_html
from build_tools.tables.model import DecisionModel
from build_tools.versions.history import GuidelineHistory, Since
from build_tools.versions.record import ReviewEvent

STATUS_LABELS = {"submitted": "Submitted", "under_review": "Under review", "approved": "Approved"}
VERSIONS_LINK_TEXT = "Versions and changes"


def short_date(iso: str) -> str:
    """``2026-11-27`` -> ``27 Nov 2026`` (the text as written if it is not an ISO date)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b')} {day.year}"


def since_label(since: Since) -> str:
    return f"since {since.version} ({short_date(since.date)})"


def superseded_src_uri(guideline_id: str, version: str) -> str:
    """The generated page of a superseded version (``<id>/versions/<version>/`` once built)."""
    return f"{guideline_id}/versions/{version}.md"


def item_since(history: GuidelineHistory, model: DecisionModel) -> dict[str, dict[str, str]]:
    """Recommendation item id -> ``{"version", "date", "label"}``: the calculator's page data,
    so each recommendation of a result says since when the guideline has given it unchanged."""
    found = {}
    for item in model.items:
        if item.kind != "recommendation":
            continue
        since = history.since_item(item.id)
        found[item.id] = {"version": since.version, "date": since.date, "label": since_label(since)}
    return found


def since_after_point(
    history: GuidelineHistory, model: DecisionModel, section: str
) -> Callable[[str], str]:
    """What to add at the end of each point of the section ``section`` that a recommendation
    item links to: "Since version X (date)", from when the point and its items stayed the same."""
    anchors = {
        item.anchor
        for item in model.items
        if item.section == section and item.kind == "recommendation"
    }

    def after(anchor: str) -> str:
        if anchor not in anchors:
            return ""
        since = history.since_point(section, anchor)
        return (
            f'<p class="gl-since"><a href="#{escape(anchor)}">Since version '
            f"{escape(since.version)}</a> "
            f'(<time datetime="{escape(since.date)}">{escape(short_date(since.date))}</time>)</p>\n'
        )

    return after


def compose_after_point(*hooks: Callable[[str], str] | None) -> Callable[[str], str] | None:
    """One ``after_point`` hook from several (their HTML in order)."""
    present = [hook for hook in hooks if hook is not None]
    if not present:
        return None
    return lambda anchor: "".join(hook(anchor) for hook in present)


def version_events(history: GuidelineHistory, version: str) -> list[ReviewEvent]:
    """The working content's review history entries of ``version`` (an entry that names no
    version belongs to the first)."""
    first = history.versions[0].version if history.versions else None
    return [
        event for event in history.working.review_history if (event.version or first) == version
    ]


def changes_html(history: GuidelineHistory, version: str, json_url: str | None = None) -> str:
    """What changed in ``version`` since the version before it: its semantic changelog (see
    render/changelog_html.py), ``json_url`` linking the changelog's JSON file."""
    changelog = history.changelogs.get(version)
    if changelog is None:
        return '<p class="gl-version-changes-none">The first version.</p>\n'
    return f"<p>Since version {escape(changelog.before)}:</p>\n" + changelog_html(
        changelog, json_url
    )


def changelog_file(guideline_id: str, version: str) -> str:
    """Where a version's changelog JSON is published (relative to the site root)."""
    return f"{guideline_id}/versions/{version}.changes.json"


def _event_html(event: ReviewEvent) -> str:
    note = f". {escape(event.note)}" if event.note else ""
    return (
        f'<li><time datetime="{escape(event.date)}">{escape(short_date(event.date))}</time>: '
        f"{escape(STATUS_LABELS.get(event.status, event.status))} ({escape(event.by)}){note}</li>"
    )


def versions_html(
    history: GuidelineHistory,
    url_of_superseded: Callable[[str], str],
    url_of_changelog: Callable[[str], str] | None = None,
) -> str:
    """The ``::: versions`` directive: every version, newest first, with its date, review
    status, review history, whether it is current (or superseded, linking to its page) and what
    changed in it. ``url_of_superseded(version)`` is the link to a superseded version's page."""
    superseded = {snapshot.version for snapshot in history.superseded()}
    html = ['<div class="gl-versions">']
    for snapshot in reversed(history.versions):
        version = snapshot.version
        events = version_events(history, version)
        status = events[-1].status if events else snapshot.review_status
        anchor = "version-" + version.replace(".", "-")
        if version == history.working.version:
            state = '<span class="gl-badge gl-version-current">current</span>'
        elif version in superseded:
            state = (
                '<span class="gl-badge gl-version-superseded">superseded</span> '
                f'<a href="{escape(url_of_superseded(version))}">Read version '
                f"{escape(version)}</a>"
            )
        else:
            state = '<span class="gl-badge">released</span>'
        history_html = (
            f'<ol class="gl-version-review">{"".join(_event_html(e) for e in events)}</ol>\n'
            if events
            else '<p class="gl-version-review">No review history entry.</p>\n'
        )
        json_url = url_of_changelog(version) if url_of_changelog else None
        html.append(
            f'<section class="gl-version" id="{anchor}" aria-labelledby="{anchor}-title">\n'
            f'<h2 id="{anchor}-title">Version {escape(version)}</h2>\n'
            f'<p class="gl-version-meta"><time datetime="{escape(snapshot.date)}">'
            f"{escape(short_date(snapshot.date))}</time> · Review status: "
            f"{escape(STATUS_LABELS.get(status, status))} · {state}</p>\n"
            f"<h3>Review history</h3>\n{history_html}"
            f'<h3>Changes</h3>\n<div class="gl-version-changes">'
            f"{changes_html(history, version, json_url)}</div>\n</section>\n"
        )
    html.append("</div>")
    return "\n".join(html)
