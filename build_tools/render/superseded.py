"""The read-only page of a superseded version (``<id>/versions/<version>/``), rendered from its
release record, never from the pages: a "Superseded" banner, every section's points in both
wordings with their citations resolved against that version's own reference list, that
version's case calculator (the worker runs its compiled module, ``<id>@<version>``) and its
reference list.

The plugin adds one generated Markdown file per superseded version (:func:`page_markdown`): its
front matter only (title, out of search); the body is :func:`superseded_html`.
"""

from __future__ import annotations

import re
from html import escape

from build_tools.content.schema import Reference
from build_tools.content.site import page_url
from build_tools.render.calculator_form import calculator_data_for, calculator_html
from build_tools.render.chrome import audience_switch_html
from build_tools.render.references import citation_html, reference_list_html
from build_tools.render.urls import relative_url
from build_tools.render.versions import short_date
from build_tools.versions.history import GuidelineHistory
from build_tools.versions.record import VersionSnapshot

_CITATION = re.compile(r"\[(@[^\]\[]+)\]")


def page_markdown(snapshot: VersionSnapshot) -> str:
    """The generated file's text: front matter only (the renderer writes the body)."""
    title = f"{snapshot.title}, version {snapshot.version} (superseded)"
    return f'---\ntitle: "{title.replace(chr(34), chr(39))}"\nsearch:\n  exclude: true\n---\n'


def calculator_key(snapshot: VersionSnapshot) -> str:
    """What the worker runs this version as (``calculators.load``)."""
    return f"{snapshot.guideline_id}@{snapshot.version}"


def _references(snapshot: VersionSnapshot) -> list[Reference]:
    return [Reference.model_validate(ref) for ref in snapshot.record["references"]]


def _with_citations(text: str, snapshot: VersionSnapshot, references: list[Reference]) -> str:
    """Plain point text with ``[@key; @key]`` as linked citation numbers (to this page's list)."""
    numbers: dict[str, int] = snapshot.record["source"]["reference_numbers"]
    parts: list[str] = []
    position = 0
    for match in _CITATION.finditer(text):
        parts.append(escape(text[position : match.start()].rstrip()))
        keys = [key.strip().removeprefix("@") for key in match.group(1).split(";")]
        cited = [
            (numbers[key], references[numbers[key] - 1])
            for key in keys
            if key in numbers and 0 < numbers[key] <= len(references)
        ]
        parts.append(citation_html(cited, "") if cited else escape(match.group(0)))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _audience(
    audience: str, text: str, snapshot: VersionSnapshot, references: list[Reference]
) -> str:
    paragraphs = "".join(
        f"<p>{_with_citations(paragraph, snapshot, references)}</p>\n"
        for paragraph in text.split("\n\n")
        if paragraph.strip()
    )
    return (
        f'<div class="gl-audience gl-{audience}" data-audience="{audience}">\n{paragraphs}</div>\n'
    )


def superseded_html(history: GuidelineHistory, snapshot: VersionSnapshot, url: str) -> str:
    """The body of the page (at ``url``, site-root relative) of the superseded ``snapshot``."""
    current = history.working
    index_url = relative_url(f"{current.guideline_id}/", url)
    versions_url = relative_url(f"{current.guideline_id}/versions/", url)
    references = _references(snapshot)
    banner = (
        '<div class="gl-superseded" role="note" aria-label="Superseded version">\n'
        f'<p><strong class="gl-superseded-title">Superseded.</strong> This is version '
        f"{escape(snapshot.version)} "
        f'(<time datetime="{escape(snapshot.date)}">{escape(short_date(snapshot.date))}</time>), '
        f'replaced by <a href="{escape(index_url)}">version {escape(current.version)}</a> '
        f"({escape(short_date(current.date))}), the current version. It is kept, read-only, so "
        "that what it said and what its calculator gave can be checked; do not use it to treat "
        f'a patient. <a href="{escape(versions_url)}">Versions and changes</a></p>\n</div>\n'
    )
    body = [
        banner,
        audience_switch_html(),
        f'<h1 id="superseded-title">{escape(snapshot.title)}, version {escape(snapshot.version)}'
        "</h1>\n",
    ]
    for section in snapshot.record["source"]["sections"]:
        points = [point for point in snapshot.points if point.section == section["id"]]
        if not points:
            continue
        section_id = f"section-{section['id']}"
        body.append(
            f'<h2 id="{escape(section_id)}"><span class="gl-clinician">{escape(section["title"])}'
            f'</span><span class="gl-patient">{escape(section["patient_title"])}</span></h2>\n'
        )
        for point in points:
            body.append(
                f'<div class="gl-point" id="{escape(point.anchor)}">\n'
                + _audience("clinician", point.clinician, snapshot, references)
                + _audience("patient", point.patient, snapshot, references)
                + "</div>\n"
            )
    body.append('<h2 id="calculator">The case calculator of this version</h2>\n')
    data = calculator_data_for(
        snapshot.model,
        references,
        guideline=calculator_key(snapshot),
        references_url=page_url(superseded_src(snapshot)),
        decision_logic_url=None,
        site_root_relative=relative_url("", url),
        since={},
    )
    html_id = f"{snapshot.guideline_id}-v{snapshot.version.replace('.', '-')}"
    body.append(calculator_html(html_id, snapshot.model.inputs, data))
    body.append('<h2 id="references">References of this version</h2>\n')
    body.append(reference_list_html(references))
    return "".join(body)


def superseded_src(snapshot: VersionSnapshot) -> str:
    return f"{snapshot.guideline_id}/versions/{snapshot.version}.md"
