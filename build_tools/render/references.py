"""Citations and the numbered reference list (each entry formatted by citeproc-py:
interchange/bibliography.py)."""

from __future__ import annotations

import re
from html import escape

from build_tools.content.schema import Reference
from build_tools.interchange.bibliography import STYLE_TITLE, formatted_references

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


_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;)]")
_DOI = re.compile(r"\bdoi:(10\.[^\s<>\"]+[^\s<>\".,;)])")


def _linked(entry_html: str) -> str:
    """The formatted entry with its URL and DOI as links (citeproc writes them as text)."""
    entry_html = _URL.sub(
        lambda found: f'<a href="{found[0]}" rel="noreferrer">{found[0]}</a>', entry_html
    )
    return _DOI.sub(
        lambda found: f'doi:<a href="https://doi.org/{found[1]}" rel="noreferrer">{found[1]}</a>',
        entry_html,
    )


def reference_list_html(references: list[Reference]) -> str:
    """The reference list, grouped, numbered in list order (the citation numbers)."""
    html: list[str] = ['<div class="gl-references">']
    current_group: str | None = None
    for entry, ref in zip(formatted_references(references), references, strict=True):
        number = entry.number
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
        # The public note only: an internal note (``internal_note``) is never shown.
        note = f' <span class="gl-reference-note">{escape(ref.note)}</span>' if ref.note else ""
        html.append(
            f'<li id="{reference_anchor(ref.key)}" value="{number}">{badge}'
            f"{_linked(entry.html)}{note}</li>"
        )
    if current_group is not None:
        html.append("</ol>")
        html.append(f'<p class="gl-references-style">Formatted in the {STYLE_TITLE}.</p>')
    html.append("</div>")
    return "\n".join(html)
