"""Render a parsed page's tokens to HTML in the context of the site.

The renderer resolves what only the whole site knows: citation numbers and the URL of the
reference list, links between ``.md`` files (rewritten to page URLs relative to the current
page, so the site works under any sub-path) and the directives' generated blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it.token import Token

from build_tools.content.pages import ParsedPage
from build_tools.content.site import Guideline, SiteContent, page_url, resolve_link
from build_tools.markdown.headings import TOC_LEVELS
from build_tools.markdown.parser import make_parser
from build_tools.render.references import citation_html
from build_tools.render.urls import relative_url

TocToken = dict[str, Any]


@dataclass
class RenderedPage:
    html: str
    toc: list[TocToken] = field(default_factory=list)


@dataclass
class PageContext:
    """What rendering one page needs to know about the rest of the site."""

    site: SiteContent
    page: ParsedPage
    guideline: Guideline | None
    directives: dict[str, Callable[[], str]] = field(default_factory=dict)
    after_point: Callable[[str], str] | None = None  # extra HTML at the end of a point

    @property
    def url(self) -> str:
        return page_url(self.page.src_uri)

    def url_of(self, src_uri: str, anchor: str = "") -> str:
        target = page_url(src_uri) + (f"#{anchor}" if anchor else "")
        return relative_url(target, self.url)

    def render_citation(self, keys: list[str]) -> str:
        guideline = self.guideline
        assert guideline is not None
        assert guideline.references_page is not None
        references = guideline.meta.references
        numbers = [guideline.reference_numbers[key] for key in keys]
        cited = [(number, references[number - 1]) for number in numbers]
        return citation_html(cited, self.url_of(guideline.references_page.src_uri))

    def resolve_href(self, href: str) -> str:
        resolved = resolve_link(self.page.src_uri, href)
        if resolved is None:
            return href
        target, anchor = resolved
        return self.url_of(target, anchor)


def _toc(tokens: list[Token]) -> list[TocToken]:
    toc: list[TocToken] = []
    for index, token in enumerate(tokens):
        level = int(token.tag[1]) if token.type == "heading_open" else 0
        if level not in TOC_LEVELS:
            continue
        entry: TocToken = {
            "level": level,
            "id": token.attrGet("id"),
            "name": escape(tokens[index + 1].content),
            "children": [],
        }
        if level == TOC_LEVELS[0] or not toc:
            toc.append(entry)
        else:
            toc[-1]["children"].append(entry)
    return toc


def render_body(context: PageContext) -> RenderedPage:
    md = make_parser()
    env: dict[str, Any] = {
        "render_citation": context.render_citation,
        "resolve_href": context.resolve_href,
        "directives": context.directives,
        "after_point": context.after_point,
    }
    html = md.renderer.render(context.page.tokens, md.options, env)
    return RenderedPage(html, _toc(context.page.tokens))
