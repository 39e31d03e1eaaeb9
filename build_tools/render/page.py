"""Render a parsed page's tokens to HTML in the context of the site.

The renderer resolves what only the whole site knows: citation numbers and the URL of the
reference list, links between ``.md`` files (rewritten to page URLs relative to the current
page, so the site works under any sub-path) and the directives' generated blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it.token import Token

from build_tools.content.pages import ParsedPage
from build_tools.content.site import Guideline, SiteContent, page_url, resolve_link
from build_tools.markdown.headings import TOC_LEVELS
from build_tools.markdown.parser import make_parser
from build_tools.policy_values import value_text
from build_tools.render.references import citation_html
from build_tools.render.urls import relative_url

TocToken = dict[str, Any]


def policy_anchor(policy_id: str) -> str:
    """The anchor of a policy on the page that lists the guideline's policies."""
    return "policy-" + policy_id.replace("_", "-")


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
        return self.render_citation_numbers([guideline.reference_numbers[key] for key in keys])

    def render_citation_numbers(self, numbers: Iterable[int]) -> str:
        """Citations by reference number (as the decision model holds them), linked to the
        guideline's reference list."""
        guideline = self.guideline
        assert guideline is not None
        assert guideline.references_page is not None
        references = guideline.meta.references
        cited = [(number, references[number - 1]) for number in numbers]
        return citation_html(cited, self.url_of(guideline.references_page.src_uri))

    def render_policy(self, policy_id: str) -> str:
        """A site policy's value in prose, linked to where the guideline lists its policies."""
        guideline = self.guideline
        assert guideline is not None
        policy = next(policy for policy in guideline.meta.policies if policy.id == policy_id)
        value = escape(value_text(policy.value, policy.unit))
        if guideline.policies_page is None:
            return f'<span class="gl-policy">{value}</span>'
        href = self.url_of(guideline.policies_page.src_uri, policy_anchor(policy_id))
        return (
            f'<a class="gl-policy" href="{escape(href)}" '
            f'title="This site&#x27;s policy: {escape(policy.text.clinician)}">{value}</a>'
        )

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
        "render_policy": context.render_policy,
        "resolve_href": context.resolve_href,
        "directives": context.directives,
        "after_point": context.after_point,
    }
    html = md.renderer.render(context.page.tokens, md.options, env)
    return RenderedPage(html, _toc(context.page.tokens))
