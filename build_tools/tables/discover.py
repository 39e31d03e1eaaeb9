"""A minimal page loader so the engine can run without MkDocs (CLI and tests).

It reads only what :class:`GuidelineSource` needs from ``docs/<guideline>/*.md``: the front matter
of each page and the ``:::: point`` anchors of section bodies. The plugin validates everything
else about the pages; this loader stays small and isolated so it can be aligned with it later.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from build_tools.errors import ContentError, Finding, FindingCollector
from build_tools.tables.source import GuidelineSource, NoticeSource, SectionSource
from build_tools.yamlloc import LocatedList, LocatedMap, YamlSyntaxError, load_located

# Points may be indented (inside an admonition), hence the leading whitespace.
POINT_ANCHOR = re.compile(r"^[ \t]*::::+\s*point\s+([a-z0-9-]+)", re.MULTILINE)


def display_path(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` with '/', as findings and generated code show it."""
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def split_front_matter(text: str, file: str) -> tuple[LocatedMap, str]:
    """(front matter, body) of a page that starts with a ``---`` block."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            [
                Finding(
                    file,
                    1,
                    "the page does not start with a front matter block",
                    "start the file with a '---' line",
                )
            ]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                front = load_located("".join(lines[1:index]), first_line=2)
            except YamlSyntaxError as error:
                raise ContentError(
                    [
                        Finding(
                            file,
                            error.line,
                            f"invalid YAML: {error.problem}",
                            "fix the front matter syntax",
                        )
                    ]
                ) from error
            if not isinstance(front, LocatedMap):
                raise ContentError(
                    [
                        Finding(
                            file, 2, "the front matter is not a mapping", "write 'key: value' lines"
                        )
                    ]
                )
            return front, "".join(lines[index + 1 :])
    raise ContentError(
        [Finding(file, 1, "the front matter block is never closed", "end it with a '---' line")]
    )


def find_guideline_folders(docs_dir: Path) -> list[Path]:
    """Folders of ``docs_dir`` whose index.md declares ``type: guideline``, sorted by name."""
    found = []
    for index in sorted(docs_dir.glob("*/index.md")):
        text = index.read_text(encoding="utf-8")
        if re.search(r"^type:\s*guideline\s*$", text, re.MULTILINE):
            found.append(index.parent)
    return found


def load_guideline_source(folder: Path, base: Path) -> GuidelineSource:
    """Read a guideline folder; raise ContentError when its pages cannot be read."""
    findings = FindingCollector()
    index_file = display_path(folder / "index.md", base)
    front, _ = split_front_matter((folder / "index.md").read_text(encoding="utf-8"), index_file)
    guideline_id = str(front.get("id", folder.name))
    sections = []
    for page in sorted(folder.glob("*.md")):
        if page.name == "index.md":
            continue
        section = _load_section(page, guideline_id, base, findings)
        if section is not None:
            sections.append(section)
    sections.sort(key=lambda pair: pair[0])
    case_inputs = front.get("case_inputs")
    if case_inputs is not None and not isinstance(case_inputs, LocatedList):
        findings.add(
            index_file,
            front.line_of("case_inputs"),
            "case_inputs must be a list",
            "write one '- name: ...' entry per field",
        )
        case_inputs = None
    findings.raise_if_any()
    review = front.get("review")
    references = front.get("references")
    return GuidelineSource(
        id=guideline_id,
        file=index_file,
        version=str(front.get("version", "")),
        last_updated=_iso_date(front.get("last_updated")),
        case_inputs=case_inputs,
        case_inputs_line=front.line_of("case_inputs"),
        references=_reference_numbers(references),
        sections=tuple(section for _, section in sections),
        review_status=str(review.get("status", "")) if isinstance(review, dict) else "",
        reference_groups={
            entry["key"]: str(entry.get("group", "source"))
            for entry in (references if isinstance(references, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("key"), str)
        },
        notices=_notices(front.get("notices")),
        agents=_list_or_none(front.get("agents")),
        agents_line=front.line_of("agents"),
        safety=_list_or_none(front.get("safety")),
        safety_line=front.line_of("safety"),
    )


def _list_or_none(value: object) -> LocatedList | None:
    return value if isinstance(value, LocatedList) else None


def _notices(value: object) -> tuple[NoticeSource, ...]:
    """The notices of index.md as the plugin's schema would pass them (shape unchecked here)."""
    if not isinstance(value, LocatedList):
        return ()
    found = []
    for position, entry in enumerate(value):
        if isinstance(entry, dict):
            cite = entry.get("cite")
            found.append(
                NoticeSource(
                    id=str(entry.get("id", "")),
                    text=str(entry.get("text", "")),
                    patient_text=str(entry.get("patient_text", "")),
                    cite=tuple(str(key).removeprefix("@") for key in cite)
                    if isinstance(cite, list)
                    else (),
                    line=value.line_of(position),
                )
            )
    return tuple(found)


def _load_section(
    page: Path, guideline_id: str, base: Path, findings: FindingCollector
) -> tuple[tuple[float, str], SectionSource] | None:
    file = display_path(page, base)
    try:
        front, body = split_front_matter(page.read_text(encoding="utf-8"), file)
    except ContentError as error:
        findings.extend(error.findings)
        return None
    if front.get("type") != "section":
        return None
    items = front.get("items")
    tables = front.get("decision_tables")
    if items is not None and not isinstance(items, LocatedMap):
        findings.add(
            file,
            front.line_of("items"),
            "items must be a mapping of item id to item",
            "write 'items:' then '  item-id: {...}' entries",
        )
        items = None
    if tables is not None and not isinstance(tables, LocatedList):
        findings.add(
            file,
            front.line_of("decision_tables"),
            "decision_tables must be a list",
            "write one '- id: ...' entry per table",
        )
        tables = None
    order = front.get("order")
    section = SectionSource(
        id=str(front.get("id", page.stem)),
        file=file,
        page_url=f"{guideline_id}/{page.stem}/",
        anchors=frozenset(POINT_ANCHOR.findall(body)),
        items=items,
        decision_tables=tables,
        front_matter_line=2,
    )
    sort_key = (float(order) if isinstance(order, (int, float)) else float("inf"), page.name)
    return sort_key, section


def _iso_date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _reference_numbers(references: object) -> dict[str, int]:
    """Citation key -> number: the list order of ``references:`` gives the numbers 1, 2, 3, ..."""
    numbers: dict[str, int] = {}
    if isinstance(references, list):
        for position, entry in enumerate(references, start=1):
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                numbers[entry["key"]] = position
    return numbers
