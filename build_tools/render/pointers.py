"""Newer guidance beside the advice it changes, on the guideline's own pages.

An item of the decision tables may carry ``newer_guidance`` (see AUTHORING.md): the calculator
shows it beside the item, and the section page beside the point the item links to, in both
wordings, with its citations. The words come from the compiled decision model, so page and
calculator cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from build_tools.content.site import page_url
from build_tools.render.page import PageContext
from build_tools.tables.model import DecisionModel, Pointer

TITLE = "Newer guidance, not this guideline's recommendation"


def newer_guidance_after_point(
    model: DecisionModel, src_uri: str, context: PageContext
) -> Callable[[str], str]:
    """What to add at the end of each point of the page ``src_uri``: the pointers of the items
    that link to it, each once."""
    url = page_url(src_uri)
    pointers: dict[str, list[Pointer]] = {}
    for item in model.items:
        page, _, anchor = item.href.partition("#")
        pointer = item.newer_guidance
        if pointer is not None and page == url:
            found = pointers.setdefault(anchor, [])
            # Each once by what it says: items that share a pointer declare it each at its own
            # line (a YAML anchor or a copy), which is not a second pointer.
            if all(_words(pointer) != _words(other) for other in found):
                found.append(pointer)

    def after(anchor: str) -> str:
        return "".join(_pointer_html(pointer, context) for pointer in pointers.get(anchor, []))

    return after


def _words(pointer: Pointer) -> tuple[str, str, tuple[int, ...]]:
    return (pointer.text, pointer.patient_text, pointer.citations)


def _pointer_html(pointer: Pointer, context: PageContext) -> str:
    cited = context.render_citation_numbers(pointer.citations)
    return (
        f'<aside class="gl-newer-guidance" aria-label="{escape(TITLE)}">'
        f'<p class="gl-newer-guidance-title">{escape(TITLE)}</p>'
        f'<p class="gl-audience gl-clinician">{escape(pointer.text)}{cited}</p>'
        f'<p class="gl-audience gl-patient">{escape(pointer.patient_text)}{cited}</p>'
        "</aside>\n"
    )
