"""The one markdown-it-py parser of guideline pages."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from build_tools.markdown.blocks import blocks_plugin
from build_tools.markdown.citations import citation_plugin
from build_tools.markdown.headings import heading_ids_plugin
from build_tools.markdown.links import link_rewrite_plugin
from build_tools.markdown.policies import policy_plugin


@cache
def make_parser() -> MarkdownIt:
    """CommonMark + tables + front matter, admonitions, citations, audience blocks, directives.

    Raw HTML is disabled: editors write Markdown, and the site's Content-Security-Policy and
    the audience switch rely on the page structure the renderer emits.
    """
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(admon_plugin)
    md.use(citation_plugin)
    md.use(policy_plugin)
    md.use(blocks_plugin)
    md.use(heading_ids_plugin)
    md.use(link_rewrite_plugin)
    return md
