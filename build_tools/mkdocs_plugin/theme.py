"""Last touches to the theme's HTML of every page (``on_post_page``).

Kept to plain string edits of known markup, so a theme update that changes the markup makes the
accessibility test fail loudly rather than this code misbehave.
"""

from __future__ import annotations

import re

# mkdocs-material's search dialog has role="dialog" but no accessible name (axe: serious).
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = (
    '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search this site">'
)


CHARSET = '<meta charset="utf-8">'
CANONICAL = re.compile(r'[ \t]*<link rel="canonical" href="[^"]*">\n?')


def finish_page(
    html: str,
    head_script_src: str,
    early_head: str = "",
    head_links: str = "",
    canonical: bool = True,
) -> str:
    """Name the search dialog and load the audience script in ``<head>`` (before first paint).
    ``early_head`` goes right after the charset, before the stylesheets: a script there runs
    as soon as it arrives, where one after them waits for every stylesheet. ``head_links``
    (the web app manifest) go at the end of ``<head>``. ``canonical=False`` removes the
    theme's canonical link: the build does not know the site's real address, and a link to
    the placeholder would send search engines and bookmarks there."""
    html = html.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)
    if not canonical:
        html = CANONICAL.sub("", html, count=1)
    if early_head:
        anchor = CHARSET if CHARSET in html else "<head>"
        html = html.replace(anchor, f"{anchor}\n{early_head}", 1)
    tail = f'<script src="{head_script_src}"></script>\n'
    if head_links:
        tail += head_links + "\n"
    return html.replace("</head>", tail + "</head>", 1)
