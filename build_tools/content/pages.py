"""Parse one Markdown file into a :class:`ParsedPage` and check everything a page can get wrong
on its own: front matter (syntax and schema), audience pairing, anchored points, directives,
citation syntax and stray ``:::`` lines. Cross-page rules live in :mod:`.guideline`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from build_tools.content.schema import AnyMeta, validate_front_matter
from build_tools.errors import Finding
from build_tools.markdown.blocks import (
    ANCHOR_ID,
    AUDIENCES,
    DIRECTIVES,
    POINT,
    container_name,
    point_anchor,
)
from build_tools.markdown.parser import make_parser
from build_tools.yamlloc import LocatedMap, YamlSyntaxError, load_located

_STRAY_CONTAINER = re.compile(r"^\s*:{3,}\s*(\S*)")


@dataclass(frozen=True)
class CitationUse:
    keys: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class LinkUse:
    href: str
    line: int


@dataclass
class ParsedPage:
    """One Markdown page: its validated metadata, its tokens, and what its body refers to."""

    src_uri: str
    display_path: str
    meta: AnyMeta | None
    front_matter: LocatedMap | None
    tokens: list[Token]
    anchors: dict[str, int] = field(default_factory=dict)  # point anchor -> line
    heading_ids: set[str] = field(default_factory=set)
    citations: list[CitationUse] = field(default_factory=list)
    links: list[LinkUse] = field(default_factory=list)
    directives: dict[str, int] = field(default_factory=dict)  # directive -> line


def _line(token: Token) -> int:
    return (token.map[0] + 1) if token.map else 0


def parse_page(path: Path, src_uri: str, display_path: str) -> tuple[ParsedPage, list[Finding]]:
    """Read and check one page; every problem becomes a finding with its line."""
    findings: list[Finding] = []
    text = path.read_text(encoding="utf-8")
    tokens = make_parser().parse(text, {})
    page = ParsedPage(src_uri, display_path, None, None, tokens)

    if not tokens or tokens[0].type != "front_matter":
        findings.append(Finding(display_path, 1, "the page has no front matter",
                                "start the file with a '---' block holding at least 'type:' and "
                                "'title:' (see AUTHORING.md)"))
    else:
        _load_front_matter(page, tokens[0], findings)

    _walk_body(page, findings)
    return page, findings


def _load_front_matter(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    first_line = _line(token) + 1  # the YAML starts on the line after the opening '---'
    try:
        data = load_located(token.content, first_line)
    except YamlSyntaxError as error:
        findings.append(Finding(page.display_path, error.line,
                                f"front matter is not valid YAML: {error.problem}",
                                "fix the YAML syntax (indentation, quotes, ':' after keys)"))
        return
    if not isinstance(data, LocatedMap):
        findings.append(Finding(page.display_path, first_line,
                                "front matter must be a mapping of keys to values",
                                "write 'key: value' lines between the '---' lines"))
        return
    page.front_matter = data
    page.meta, problems = validate_front_matter(page.display_path, data)
    findings.extend(problems)


def _walk_body(page: ParsedPage, findings: list[Finding]) -> None:
    file = page.display_path
    # Stack of open containers: (name, line, names of direct child containers so far).
    stack: list[tuple[str, int, list[str]]] = []
    previous_closed: str | None = None  # the container that closed just before this token
    for index, token in enumerate(page.tokens):
        name = container_name(token)
        if name is not None and token.nesting == 1:
            _open_container(page, token, name, stack, previous_closed, findings)
            previous_closed = None
            continue
        if name is not None and token.nesting == -1:
            opened, line, children = stack.pop()
            _close_container(file, opened, line, children, page, index, findings)
            previous_closed = opened
            continue
        if token.type == "front_matter":
            continue
        if token.nesting >= 0 and token.level == len(stack) * 1 and previous_closed == "clinician" \
                and token.type != "inline":
            findings.append(Finding(file, _line(token) or _last_line(page, index),
                                    "a '::: clinician' block is not followed by its "
                                    "'::: patient' block",
                                    "add the patient wording right after the clinician block"))
        if token.nesting != -1 and token.type != "inline":
            previous_closed = None if token.block else previous_closed
        if token.type == "heading_open":
            _check_heading(page, token, findings)
        elif token.type == "inline":
            _scan_inline(page, token, findings)
    if previous_closed == "clinician":
        findings.append(Finding(file, _last_line(page, len(page.tokens) - 1),
                                "a '::: clinician' block is not followed by its "
                                "'::: patient' block",
                                "add the patient wording right after the clinician block"))


def _last_line(page: ParsedPage, index: int) -> int:
    for token in reversed(page.tokens[: index + 1]):
        if token.map:
            return token.map[1]
    return 1


def _open_container(
    page: ParsedPage,
    token: Token,
    name: str,
    stack: list[tuple[str, int, list[str]]],
    previous_closed: str | None,
    findings: list[Finding],
) -> None:
    file, line = page.display_path, _line(token)
    parent = stack[-1][0] if stack else None
    if stack:
        stack[-1][2].append(name)
    if name == "patient" and previous_closed != "clinician" and parent != POINT:
        findings.append(Finding(file, line, "a '::: patient' block has no '::: clinician' block "
                                "right before it",
                                "put the clinician wording directly above the patient wording"))
    if name == POINT:
        anchor = point_anchor(token)
        if not ANCHOR_ID.match(anchor):
            findings.append(Finding(file, line, f"point anchor {anchor!r} is missing or invalid",
                                    "write ':::: point my-anchor' (lowercase, digits, hyphens)"))
        elif anchor in page.anchors:
            findings.append(Finding(file, line, f"point anchor '{anchor}' is used twice on this "
                                    f"page (first on line {page.anchors[anchor]})",
                                    "give each point its own anchor"))
        else:
            page.anchors[anchor] = line
        if parent is not None:
            findings.append(Finding(file, line, "a point cannot sit inside another block",
                                    "close the enclosing block before opening the point"))
    elif name in DIRECTIVES:
        if name in page.directives:
            findings.append(Finding(file, line, f"directive '{name}' is used twice on this page",
                                    "keep one"))
        page.directives[name] = line
    elif name in AUDIENCES and parent in AUDIENCES:
        findings.append(Finding(file, line,
                                f"a '{name}' block cannot sit inside a '{parent}' block",
                                "close the outer block first"))
    stack.append((name, line, []))


def _close_container(
    file: str,
    name: str,
    line: int,
    children: list[str],
    page: ParsedPage,
    index: int,
    findings: list[Finding],
) -> None:
    if name == POINT and sorted(children) != ["clinician", "patient"]:
        findings.append(Finding(file, line, "a point must hold exactly one '::: clinician' and "
                                f"one '::: patient' block (found: {', '.join(children) or 'none'})",
                                "wrap the clinician and the patient wording of the statement"))
    if name in DIRECTIVES:
        open_index = next(i for i in range(index, -1, -1)
                          if container_name(page.tokens[i]) == name and page.tokens[i].nesting == 1)
        if index - open_index > 1:
            findings.append(Finding(file, line, f"directive '{name}' must be empty",
                                    f"write '::: {name}' and ':::' on two lines, nothing between"))


def _check_heading(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    if token.tag == "h1":
        findings.append(Finding(page.display_path, _line(token),
                                "a '#' heading is not allowed in the body",
                                "remove it: the page title comes from 'title:' in the front "
                                "matter; use '##' for sections"))
    heading_id = token.attrGet("id")
    if isinstance(heading_id, str):
        page.heading_ids.add(heading_id)


def _scan_inline(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    file = page.display_path
    line = _line(token)
    if _STRAY_CONTAINER.match(token.content):
        word = _STRAY_CONTAINER.match(token.content)
        found = word.group(1) if word else ""
        findings.append(Finding(file, line, f"':::' line with unknown block name {found!r}",
                                "use one of clinician, patient, point <anchor>, "
                                + ", ".join(DIRECTIVES) + "; close every block with ':::'"))
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "citation":
            if child.meta.get("error"):
                findings.append(Finding(file, line, str(child.meta["error"]),
                                        "fix the citation syntax"))
            else:
                page.citations.append(CitationUse(tuple(child.meta["keys"]), line))
        elif child.type == "link_open":
            href = child.attrGet("href")
            if isinstance(href, str):
                page.links.append(LinkUse(href, line))
