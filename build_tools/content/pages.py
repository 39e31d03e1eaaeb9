"""Parse one Markdown file into a :class:`ParsedPage` and check everything a page can get wrong
on its own: front matter (syntax and schema), audience pairing, anchored points, directives,
citation syntax and stray ``:::`` lines. Cross-page rules live in :mod:`.guideline`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from build_tools.content.schema import AnyMeta, validate_front_matter
from build_tools.findings import Finding
from build_tools.located_yaml import LocatedMap, YamlSyntaxError, load_located
from build_tools.markdown.blocks import (
    ANCHOR_ID,
    AUDIENCES,
    DIRECTIVES,
    POINT,
    container_name,
    point_anchor,
)
from build_tools.markdown.parser import make_parser

_STRAY_CONTAINER = re.compile(r"^\s*:{3,}\s*(\S*)")


@dataclass(frozen=True)
class CitationUse:
    keys: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class PolicyUse:
    id: str
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
    policies: list[PolicyUse] = field(default_factory=list)  # {policy:<id>} in the prose
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
        findings.append(
            Finding(
                display_path,
                1,
                "the page has no front matter",
                "start the file with a '---' block holding at least 'type:' and "
                "'title:' (see AUTHORING.md)",
            )
        )
    else:
        _load_front_matter(page, tokens[0], findings)

    _walk_body(page, text.splitlines(), findings)
    return page, findings


def _load_front_matter(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    first_line = _line(token) + 1  # the YAML starts on the line after the opening '---'
    try:
        data = load_located(token.content, first_line)
    except YamlSyntaxError as error:
        findings.append(
            Finding(
                page.display_path,
                error.line,
                f"front matter is not valid YAML: {error.problem}",
                "fix the YAML syntax (indentation, quotes, ':' after keys)",
            )
        )
        return
    if not isinstance(data, LocatedMap):
        findings.append(
            Finding(
                page.display_path,
                first_line,
                "front matter must be a mapping of keys to values",
                "write 'key: value' lines between the '---' lines",
            )
        )
        return
    page.front_matter = data
    page.meta, problems = validate_front_matter(page.display_path, data)
    findings.extend(problems)


@dataclass
class _Block:
    """A block of the body: a ``:::`` container (``kind`` is its name) or another block token."""

    kind: str
    token: Token
    children: list[_Block] = field(default_factory=list)

    @property
    def line(self) -> int:
        return _line(self.token)


def _block_tree(tokens: list[Token]) -> _Block:
    root = _Block("root", Token("root", "", 0))
    stack = [root]
    for token in tokens:
        if token.type == "inline" or token.type == "front_matter":
            continue
        if token.nesting == -1:
            stack.pop()
            continue
        block = _Block(container_name(token) or token.type, token)
        stack[-1].children.append(block)
        if token.nesting == 1:
            stack.append(block)
    return root


def _walk_body(page: ParsedPage, lines: list[str], findings: list[Finding]) -> None:
    _check_closed(page, lines, findings)
    _check_blocks(page, _block_tree(page.tokens), findings)
    for token in page.tokens:
        if token.type == "heading_open":
            _check_heading(page, token, findings)
        elif token.type == "inline":
            _scan_inline(page, token, findings)
    _check_anchor_ids(page, findings)


def _check_closed(page: ParsedPage, lines: list[str], findings: list[Finding]) -> None:
    """A ``:::`` block without a closing line of its own ends wherever markdown-it ends it for
    the editor: at the end of the page, taking in every later paragraph and section, or where
    an enclosing block closes. Say where it opened instead.

    markdown-it-container gives an open token the map ``[its line, its closing line]``; a block
    that found no closing line gets the end of what encloses it (the page, or the enclosing
    block's closing line) instead, where no fence of its own stands."""
    enclosing: list[Token] = []
    for token in page.tokens:
        if container_name(token) is None:
            continue
        if token.nesting == -1:
            if enclosing:
                enclosing.pop()
            continue
        parent = enclosing[-1] if enclosing else None
        enclosing.append(token)
        if token.map is None:  # markdown-it-container maps every block it opens
            continue
        end = token.map[1]
        limit = parent.map[1] if parent is not None and parent.map else len(lines)
        fence = re.compile(rf"[ \t]*:{{{len(token.markup)},}}[ \t]*")
        if end < limit and fence.fullmatch(lines[end]):
            continue
        where = "it runs to the end of the page"
        if parent is not None:
            where = (
                f"it ends where the enclosing '{_block_name(parent)}' block of line "
                f"{_line(parent)} ends"
            )
        findings.append(
            Finding(
                page.display_path,
                _line(token),
                f"the '{_block_name(token)}' block opened here has no closing line: {where}",
                f"close it with a '{token.markup}' line where it ends",
            )
        )


def _block_name(token: Token) -> str:
    return f"{token.markup} {token.info.strip()}".strip()


def _check_anchor_ids(page: ParsedPage, findings: list[Finding]) -> None:
    """A point anchor and a heading id are both element ids of the page: a link to one of them
    would land on either."""
    for anchor, line in page.anchors.items():
        if anchor in page.heading_ids:
            findings.append(
                Finding(
                    page.display_path,
                    line,
                    f"point anchor '{anchor}' is also the id of a heading on this page",
                    "give the point another anchor (a link to it could land on the heading)",
                )
            )


def _check_blocks(page: ParsedPage, parent: _Block, findings: list[Finding]) -> None:
    """Check the containers below ``parent``, then recurse."""
    file = page.display_path
    children = parent.children
    for position, block in enumerate(children):
        before = children[position - 1].kind if position > 0 else None
        after = children[position + 1].kind if position + 1 < len(children) else None
        if block.kind == "clinician" and parent.kind != POINT and after != "patient":
            findings.append(
                Finding(
                    file,
                    block.line,
                    "a '::: clinician' block is not followed by its '::: patient' block",
                    "add the patient wording right after the clinician block",
                )
            )
        if block.kind == "patient" and parent.kind != POINT and before != "clinician":
            findings.append(
                Finding(
                    file,
                    block.line,
                    "a '::: patient' block has no '::: clinician' block right before it",
                    "put the clinician wording directly above the patient wording",
                )
            )
        if block.kind in AUDIENCES and parent.kind in AUDIENCES:
            findings.append(
                Finding(
                    file,
                    block.line,
                    f"a '{block.kind}' block cannot sit inside a '{parent.kind}' block",
                    "close the outer block first",
                )
            )
        if block.kind == POINT:
            _check_point(page, block, parent, findings)
        elif block.kind in DIRECTIVES:
            _check_directive(page, block, findings)
        _check_blocks(page, block, findings)


def _check_point(page: ParsedPage, block: _Block, parent: _Block, findings: list[Finding]) -> None:
    file, line = page.display_path, block.line
    anchor = point_anchor(block.token)
    if not ANCHOR_ID.match(anchor):
        findings.append(
            Finding(
                file,
                line,
                f"point anchor {anchor!r} is missing or invalid",
                "write ':::: point my-anchor' (lowercase, digits, hyphens)",
            )
        )
    elif anchor in page.anchors:
        findings.append(
            Finding(
                file,
                line,
                f"point anchor '{anchor}' is used twice on this "
                f"page (first on line {page.anchors[anchor]})",
                "give each point its own anchor",
            )
        )
    else:
        page.anchors[anchor] = line
    if parent.kind in (POINT, *AUDIENCES, *DIRECTIVES):
        findings.append(
            Finding(
                file,
                line,
                f"a point cannot sit inside a '{parent.kind}' block",
                "close the enclosing block before opening the point",
            )
        )
    audiences = sorted(child.kind for child in block.children if child.kind in AUDIENCES)
    if audiences != ["clinician", "patient"]:
        found = ", ".join(child.kind for child in block.children) or "none"
        findings.append(
            Finding(
                file,
                line,
                "a point must hold exactly one '::: clinician' and "
                f"one '::: patient' block (found: {found})",
                "wrap the clinician and the patient wording of the statement",
            )
        )


def _check_directive(page: ParsedPage, block: _Block, findings: list[Finding]) -> None:
    file, line = page.display_path, block.line
    if block.kind in page.directives:
        findings.append(
            Finding(file, line, f"directive '{block.kind}' is used twice on this page", "keep one")
        )
    page.directives.setdefault(block.kind, line)
    if block.children:
        findings.append(
            Finding(
                file,
                line,
                f"directive '{block.kind}' must be empty",
                f"write '::: {block.kind}' and ':::' on two lines, nothing between",
            )
        )


def _check_heading(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    if token.tag == "h1":
        findings.append(
            Finding(
                page.display_path,
                _line(token),
                "a '#' heading is not allowed in the body",
                "remove it: the page title comes from 'title:' in the front "
                "matter; use '##' for sections",
            )
        )
    heading_id = token.attrGet("id")
    if isinstance(heading_id, str):
        page.heading_ids.add(heading_id)


def _scan_inline(page: ParsedPage, token: Token, findings: list[Finding]) -> None:
    file = page.display_path
    line = _line(token)
    if _STRAY_CONTAINER.match(token.content):
        word = _STRAY_CONTAINER.match(token.content)
        found = word.group(1) if word else ""
        findings.append(
            Finding(
                file,
                line,
                f"':::' line with unknown block name {found!r}",
                "use one of clinician, patient, point <anchor>, "
                + ", ".join(DIRECTIVES)
                + "; close every block with ':::'",
            )
        )
    for offset, text in enumerate(token.content.split("\n")[1:], start=1):
        if _STRAY_CONTAINER.match(text):
            findings.append(
                Finding(
                    file,
                    line + offset,
                    "a ':::' line inside a paragraph opens or closes no block: it shows as text",
                    "remove it, or leave a blank line before a block it should open",
                )
            )
    in_link = False
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "citation" and in_link:
            findings.append(
                Finding(
                    file,
                    line,
                    f"the citation {child.content} sits inside a link's text (a link in a link)",
                    "put it after the link: [text](page.md) [@key]",
                )
            )
            line += child.content.count("\n")
        elif child.type == "citation":
            if child.meta.get("error"):
                findings.append(
                    Finding(file, line, str(child.meta["error"]), "fix the citation syntax")
                )
            else:
                page.citations.append(CitationUse(tuple(child.meta["keys"]), line))
            # "[@a;\n@b]" is one citation over two lines: later findings are a line further.
            line += child.content.count("\n")
        elif child.type == "policy":
            page.policies.append(PolicyUse(str(child.meta["id"]), line))
        elif child.type == "link_open":
            in_link = True
            href = child.attrGet("href")
            if isinstance(href, str):
                page.links.append(LinkUse(href, line))
        elif child.type == "link_close":
            in_link = False
