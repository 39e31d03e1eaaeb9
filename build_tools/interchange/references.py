"""A guideline's references (front matter ``references:``) as CSL-JSON and RIS, for reference
managers. CSL-JSON is lossless: :func:`reference_from_csl` gives back the front-matter fields
(what CSL has no field for, the key's group, ``reconstructed``, the internal note and a trailing
"et al.", is kept under CSL's ``custom``). RIS has no place for
those and is written for import only.
The reference list on the site is formatted from these items by citeproc (bibliography.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from build_tools.content.schema import Reference

# A guideline published in a journal (it has a volume) is, for CSL and RIS, a journal article.
JOURNAL_CSL_TYPE = "article-journal"
JOURNAL_RIS_TYPE = "JOUR"
CSL_TYPES = {
    "article": "article-journal",
    "guideline": "report",
    "label": "document",
    "website": "webpage",
}
RIS_TYPES = {"article": "JOUR", "guideline": "RPRT", "label": "GEN", "website": "ELEC"}
ET_AL = "et al."
# "Slamon DJ": a person written Vancouver-style (family name, then initials).
_PERSON = re.compile(r"^(?P<family>.+) (?P<given>[A-Z]{1,4})$")


def _in_journal(reference: Reference) -> bool:
    return reference.type == "guideline" and reference.volume is not None


def csl_type(reference: Reference) -> str:
    return JOURNAL_CSL_TYPE if _in_journal(reference) else CSL_TYPES[reference.type]


def ris_type(reference: Reference) -> str:
    return JOURNAL_RIS_TYPE if _in_journal(reference) else RIS_TYPES[reference.type]


def csl_path(guideline_id: str) -> str:
    return f"{guideline_id}/references.json"


def ris_path(guideline_id: str) -> str:
    return f"{guideline_id}/references.ris"


def _name(author: str) -> dict[str, str]:
    person = _PERSON.match(author)
    if person is None:
        return {"literal": author}
    return {"family": person["family"], "given": person["given"]}


def _author_text(name: dict[str, str]) -> str:
    return name["literal"] if "literal" in name else f"{name['family']} {name['given']}"


def reference_to_csl(reference: Reference) -> dict[str, Any]:
    """One reference as a CSL-JSON item."""
    authors = list(reference.authors)
    truncated = bool(authors) and authors[-1] == ET_AL
    if truncated:
        authors.pop()
    item: dict[str, Any] = {
        "id": reference.key,
        "type": csl_type(reference),
        "title": reference.title,
    }
    if authors:
        item["author"] = [_name(author) for author in authors]
    fields = {
        "container-title": reference.container,
        "volume": reference.volume,
        "issue": reference.issue,
        "page": reference.pages,
        "DOI": reference.doi,
        "PMID": reference.pmid,
        "URL": reference.url,
        "note": reference.note,
    }
    item.update({name: value for name, value in fields.items() if value is not None})
    if reference.year is not None:
        item["issued"] = {"date-parts": [[reference.year]]}
    item["custom"] = {
        "group": reference.group,
        "reconstructed": reference.reconstructed,
        "authors-truncated": truncated,
        "source-type": reference.type,
    }
    if reference.internal_note is not None:
        item["custom"]["internal-note"] = reference.internal_note
    return item


def reference_from_csl(item: dict[str, Any]) -> dict[str, Any]:
    """The front-matter fields of a CSL-JSON item written by :func:`reference_to_csl`."""
    custom = item["custom"]
    authors = [_author_text(name) for name in item.get("author", [])]
    if custom["authors-truncated"]:
        authors.append(ET_AL)
    found: dict[str, Any] = {
        "key": item["id"],
        "type": custom["source-type"],
        "title": item["title"],
        "authors": authors,
        "container": item.get("container-title"),
        "year": item["issued"]["date-parts"][0][0] if "issued" in item else None,
        "volume": item.get("volume"),
        "issue": item.get("issue"),
        "pages": item.get("page"),
        "doi": item.get("DOI"),
        "pmid": item.get("PMID"),
        "url": item.get("URL"),
        "note": item.get("note"),
        "internal_note": custom.get("internal-note"),
        "reconstructed": custom["reconstructed"],
        "group": custom["group"],
    }
    return found


def csl_json(references: Sequence[Reference]) -> str:
    """The CSL-JSON file: an array of items, in the order of the reference list."""
    items = [reference_to_csl(reference) for reference in references]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def ris(references: Sequence[Reference]) -> str:
    """The RIS file (tags of two letters, CRLF line ends as the format asks)."""
    lines: list[str] = []
    for reference in references:
        tags: list[tuple[str, str | None]] = [
            ("TY", ris_type(reference)),
            ("ID", reference.key),
            ("TI", reference.title),
            *(("AU", _ris_author(author)) for author in reference.authors if author != ET_AL),
            ("T2", reference.container),
            ("PY", str(reference.year) if reference.year is not None else None),
            ("VL", reference.volume),
            ("IS", reference.issue),
        ]
        if reference.pages is not None:
            start, _, end = reference.pages.partition("-")
            tags += [("SP", start), ("EP", end or None)]
        tags += [
            ("DO", reference.doi),
            ("AN", f"PMID:{reference.pmid}" if reference.pmid else None),
            ("UR", reference.url),
            ("N1", reference.note),
        ]
        lines += [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
        lines += ["ER  - ", ""]
    return "\r\n".join(lines)


def _ris_author(author: str) -> str:
    """RIS writes a person as "Family, Given"; an organisation as its name."""
    person = _PERSON.match(author)
    return f"{person['family']}, {person['given']}" if person else author


def _one_line(text: str) -> str:
    return " ".join(text.split())
