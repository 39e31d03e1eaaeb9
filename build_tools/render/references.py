"""Citations and the numbered reference list."""

from __future__ import annotations

from html import escape

from build_tools.content.schema import Reference

GROUP_TITLES = {
    "source": "Sources of this guideline",
    "newer_guidance": "Newer guidance: pointed to, not this guideline's recommendations",
    "see_also": "See also: primary studies behind the figures",
    "safety": "Drug labels and guidance behind this site's safety rules",
}


def reference_anchor(key: str) -> str:
    return "ref-" + "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in key.lower())


def citation_html(numbers_and_refs: list[tuple[int, Reference]], list_url: str) -> str:
    """``<sup>`` with one link per cited reference, the title on hover."""
    links = [
        f'<a href="{escape(list_url)}#{reference_anchor(ref.key)}" title="{escape(ref.title)}" '
        f'aria-label="Reference {number}: {escape(ref.title)}">{number}</a>'
        for number, ref in numbers_and_refs
    ]
    return '<sup class="gl-cite">' + '<span class="gl-cite-sep">, </span>'.join(links) + "</sup>"


def _citation_text(ref: Reference) -> str:
    parts: list[str] = []
    if ref.authors:
        parts.append(escape(", ".join(ref.authors)) + ".")
    parts.append(f"<cite>{escape(ref.title)}</cite>.")
    where = escape(ref.container) if ref.container else ""
    detail = str(ref.year) if ref.year else ""
    if ref.volume:
        detail += f";{escape(ref.volume)}"
        if ref.issue:
            detail += f"({escape(ref.issue)})"
    if ref.pages:
        detail += f":{escape(ref.pages)}"
    line = ". ".join(part for part in (where, detail) if part)
    if line:
        parts.append(line + ".")
    if ref.doi:
        doi = escape(ref.doi)
        parts.append(f'doi:<a href="https://doi.org/{doi}" rel="noreferrer">{doi}</a>.')
    if ref.pmid:
        parts.append(f"PMID {escape(ref.pmid)}.")
    if ref.url:
        url = escape(ref.url)
        parts.append(f'<a href="{url}" rel="noreferrer">{url}</a>')
    return " ".join(parts)


def reference_list_html(references: list[Reference]) -> str:
    """The reference list, grouped, numbered in list order (the citation numbers)."""
    html: list[str] = ['<div class="gl-references">']
    current_group: str | None = None
    for number, ref in enumerate(references, start=1):
        if ref.group != current_group:
            if current_group is not None:
                html.append("</ol>")
            current_group = ref.group
            html.append(
                f'<h2 id="{ref.group.replace("_", "-")}">{escape(GROUP_TITLES[ref.group])}</h2>'
            )
            html.append(f'<ol class="gl-reference-list" start="{number}">')
        badge = (
            '<span class="gl-badge" title="Not listed by the source; reconstructed from the '
            'statements it supports">reconstructed</span> '
            if ref.reconstructed
            else ""
        )
        note = f'<span class="gl-reference-note">{escape(ref.note)}</span>' if ref.note else ""
        html.append(
            f'<li id="{reference_anchor(ref.key)}" value="{number}">{badge}'
            f"{_citation_text(ref)} {note}</li>"
        )
    if current_group is not None:
        html.append("</ol>")
    html.append("</div>")
    return "\n".join(html)
