"""Assemble parsed pages into guidelines and check the rules that span pages.

A guideline is a folder under ``docs/`` whose ``index.md`` has ``type: guideline``; every other
page in the folder is one of its sections. Nothing here knows about any particular guideline.
"""

from __future__ import annotations

import itertools
import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.content.pages import ParsedPage, parse_page
from build_tools.content.schema import GuidelineMeta, PageMeta, SectionMeta
from build_tools.findings import ContentError, Finding


@dataclass
class Guideline:
    meta: GuidelineMeta
    folder: str
    index: ParsedPage
    sections: list[ParsedPage]
    reference_numbers: dict[str, int]
    references_page: ParsedPage | None
    # The page of '::: decision-logic' (the tables as grids), if the guideline has one.
    decision_logic_page: ParsedPage | None = None
    # The page of '::: versions' (every version, its review and its changes), if it has one.
    versions_page: ParsedPage | None = None
    # The page of '::: use-elsewhere' (downloads, CLI, Python API), if it has one.
    use_elsewhere_page: ParsedPage | None = None
    # The page of '::: policies' (the site policies a hospital reviews), if it has one.
    policies_page: ParsedPage | None = None

    @property
    def pages(self) -> list[ParsedPage]:
        return [self.index, *self.sections]

    def section_meta(self, page: ParsedPage) -> SectionMeta:
        assert isinstance(page.meta, SectionMeta)
        return page.meta


@dataclass
class SiteContent:
    pages: dict[str, ParsedPage]
    guidelines: dict[str, Guideline]
    warnings: list[Finding] = field(default_factory=list)

    def guideline_of(self, src_uri: str) -> Guideline | None:
        return self.guidelines.get(src_uri.split("/", 1)[0]) if "/" in src_uri else None


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a page (``use_directory_urls``), relative to the site root."""
    stem = src_uri[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def resolve_link(from_src_uri: str, href: str) -> tuple[str, str] | None:
    """``(target src_uri, anchor)`` for a relative link to a Markdown page, else ``None``."""
    if "://" in href or href.startswith(("mailto:", "/", "#")):
        return None
    path, _, anchor = href.partition("#")
    if not path.endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_src_uri), path))
    return target, anchor


def markdown_pages(docs_dir: Path) -> list[str]:
    """The Markdown pages of ``docs_dir`` as MkDocs finds them (its default ``exclude_docs``
    leaves out files and folders whose name starts with a dot), as docs-relative POSIX paths.
    The plugin takes its list from MkDocs itself; this is for running the stages without it."""
    return sorted(
        path.relative_to(docs_dir).as_posix()
        for path in docs_dir.rglob("*.md")
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    )


def load_site(docs_dir: Path, src_uris: Iterable[str], project_root: Path) -> SiteContent:
    """Parse and check every Markdown page; raise :class:`ContentError` listing every problem.

    The one content loader: the plugin calls it with the pages MkDocs found, the command line
    and the tests with :func:`markdown_pages`."""
    findings: list[Finding] = []
    pages: dict[str, ParsedPage] = {}
    for src_uri in sorted(src_uris):
        path = docs_dir / src_uri
        display = Path(os.path.relpath(path, project_root)).as_posix()
        page, problems = parse_page(path, src_uri, display)
        pages[src_uri] = page
        findings.extend(problems)

    site = SiteContent(pages, {})
    if not findings:
        _assemble_guidelines(site, findings)
        _check_links(site, findings)
    if findings:
        raise ContentError(findings)
    return site


def _assemble_guidelines(site: SiteContent, findings: list[Finding]) -> None:
    folders: dict[str, list[ParsedPage]] = {}
    for page in site.pages.values():
        if "/" not in page.src_uri:
            if not isinstance(page.meta, PageMeta):
                findings.append(
                    Finding(
                        page.display_path,
                        1,
                        "pages at the top of docs/ must have 'type: page'",
                        "guideline pages belong in a folder docs/<guideline-id>/",
                    )
                )
            continue
        folders.setdefault(page.src_uri.split("/", 1)[0], []).append(page)

    for folder, members in sorted(folders.items()):
        index = site.pages.get(f"{folder}/index.md")
        if index is None or not isinstance(index.meta, GuidelineMeta):
            where = index.display_path if index else members[0].display_path
            findings.append(
                Finding(
                    where,
                    1,
                    f"folder '{folder}' has no guideline index page",
                    f"add docs/{folder}/index.md with 'type: guideline'",
                )
            )
            continue
        guideline = _assemble(folder, index, index.meta, members, site, findings)
        if guideline is not None:
            site.guidelines[folder] = guideline


def _assemble(
    folder: str,
    index: ParsedPage,
    meta: GuidelineMeta,
    members: list[ParsedPage],
    site: SiteContent,
    findings: list[Finding],
) -> Guideline | None:
    fm = index.front_matter
    assert fm is not None
    file = index.display_path
    if meta.id != folder:
        findings.append(
            Finding(
                file,
                fm.line_of("id"),
                f"guideline id '{meta.id}' differs from its folder name '{folder}'",
                f"set 'id: {folder}' or rename the folder",
            )
        )
    _check_review(index, meta, findings)
    for key in ("editorial_policy", "disclaimer"):
        target = getattr(meta, key)
        if target not in site.pages:
            findings.append(
                Finding(
                    file,
                    fm.line_of(key),
                    f"'{key}' names '{target}', which is not a page of this site",
                    "give a docs-relative path such as editorial-policy.md",
                )
            )
    disclaimer = site.pages.get(meta.disclaimer)
    if disclaimer is not None and not getattr(disclaimer.meta, "description", None):
        findings.append(
            Finding(
                disclaimer.display_path,
                1,
                "the disclaimer page has no 'description'",
                "add 'description:' with a one-paragraph summary; every guideline page shows it",
            )
        )
    for position, topic in enumerate(meta.related):
        line = fm["related"].line_of(position)
        if topic.page is None and topic.note is None:
            findings.append(
                Finding(
                    file,
                    line,
                    f"related topic '{topic.title}' has neither 'page' nor 'note'",
                    "link a page or describe the topic",
                )
            )
        if topic.page is not None and topic.page not in site.pages:
            findings.append(
                Finding(
                    file,
                    line,
                    f"related topic page '{topic.page}' does not exist",
                    "give a docs-relative path to an existing page",
                )
            )

    numbers: dict[str, int] = {}
    for position, reference in enumerate(meta.references):
        if reference.key in numbers:
            findings.append(
                Finding(
                    file,
                    fm["references"].line_of(position),
                    f"reference key '{reference.key}' is listed twice",
                    "keep one entry per key",
                )
            )
        numbers.setdefault(reference.key, position + 1)

    sections: list[ParsedPage] = []
    ids: dict[str, ParsedPage] = {}
    orders: dict[int, ParsedPage] = {}
    for page in sorted(members, key=lambda p: p.src_uri):
        if page is index:
            continue
        if not isinstance(page.meta, SectionMeta):
            findings.append(
                Finding(
                    page.display_path,
                    1,
                    "a page inside a guideline folder must have 'type: section'",
                    "set 'type: section' and its keys",
                )
            )
            continue
        pfm = page.front_matter
        assert pfm is not None
        if page.meta.id in ids:
            findings.append(
                Finding(
                    page.display_path,
                    pfm.line_of("id"),
                    f"section id '{page.meta.id}' is already used by "
                    f"{ids[page.meta.id].display_path}",
                    "choose a unique id",
                )
            )
        if page.meta.order in orders:
            findings.append(
                Finding(
                    page.display_path,
                    pfm.line_of("order"),
                    f"section order {page.meta.order} is already used by "
                    f"{orders[page.meta.order].display_path}",
                    "give each section its own order number",
                )
            )
        ids.setdefault(page.meta.id, page)
        orders.setdefault(page.meta.order, page)
        sections.append(page)
    sections.sort(key=lambda p: p.meta.order if isinstance(p.meta, SectionMeta) else 0)

    guideline = Guideline(meta, folder, index, sections, numbers, None)
    _check_citations(guideline, site, findings)
    _check_policies(guideline, findings)
    _check_directives(guideline, findings)
    return guideline


def _check_review(index: ParsedPage, meta: GuidelineMeta, findings: list[Finding]) -> None:
    fm = index.front_matter
    assert fm is not None
    review_line = fm["review"].line_of("history")
    history = meta.review.history
    if history[-1].status != meta.review.status:
        findings.append(
            Finding(
                index.display_path,
                review_line,
                f"review.status is '{meta.review.status}' but the latest history "
                f"entry says '{history[-1].status}'",
                "add a history entry for the current status (oldest first)",
            )
        )
    for before, after in itertools.pairwise(history):
        if after.date < before.date:
            findings.append(
                Finding(
                    index.display_path,
                    review_line,
                    "review.history is not in date order",
                    "list history entries oldest first",
                )
            )


def _check_citations(guideline: Guideline, site: SiteContent, findings: list[Finding]) -> None:
    used: set[str] = set()
    for page in guideline.pages:
        for use in page.citations:
            for key in use.keys:
                used.add(key)
                if key not in guideline.reference_numbers:
                    findings.append(
                        Finding(
                            page.display_path,
                            use.line,
                            f"unknown citation key '@{key}'",
                            f"add '{key}' to references in "
                            f"{guideline.index.display_path} or fix the key",
                        )
                    )
    fm = guideline.index.front_matter
    assert fm is not None
    for position, reference in enumerate(guideline.meta.references):
        if reference.key not in used:
            site.warnings.append(
                Finding(
                    guideline.index.display_path,
                    fm["references"].line_of(position),
                    f"reference '{reference.key}' is never cited",
                    "cite it with [@" + reference.key + "] or remove it",
                )
            )


def _check_policies(guideline: Guideline, findings: list[Finding]) -> None:
    """Every ``{policy:<id>}`` of the prose names a policy of the guideline's index.md."""
    declared = {policy.id for policy in guideline.meta.policies}
    for page in guideline.pages:
        for use in page.policies:
            if use.id not in declared:
                known = ", ".join(sorted(declared)) or "none declared"
                findings.append(
                    Finding(
                        page.display_path,
                        use.line,
                        f"unknown site policy {{policy:{use.id}}}",
                        f"declare it under 'policies:' in {guideline.index.display_path} or "
                        f"name one of: {known}",
                    )
                )


def _check_directives(guideline: Guideline, findings: list[Finding]) -> None:
    holders = [page for page in guideline.pages if "reference-list" in page.directives]
    if not holders:
        findings.append(
            Finding(
                guideline.index.display_path,
                1,
                "the guideline has no reference list",
                "add a page (e.g. references.md) whose body holds '::: reference-list' and ':::'",
            )
        )
    for extra in holders[1:]:
        findings.append(
            Finding(
                extra.display_path,
                extra.directives["reference-list"],
                "the guideline's reference list appears on a second page",
                f"keep it only on {holders[0].display_path}",
            )
        )
    if holders:
        guideline.references_page = holders[0]
    guideline.decision_logic_page = _one_page(
        guideline, "decision-logic", "the guideline's decision logic appears", "it", findings
    )
    guideline.versions_page = _one_page(
        guideline, "versions", "the guideline's versions appear", "them", findings
    )
    guideline.use_elsewhere_page = _one_page(
        guideline, "use-elsewhere", "the guideline's downloads and APIs appear", "them", findings
    )
    guideline.policies_page = _one_page(
        guideline, "policies", "the guideline's site policies appear", "them", findings
    )
    if guideline.meta.policies and guideline.policies_page is None:
        findings.append(
            Finding(
                guideline.index.display_path,
                1,
                "the guideline declares site policies but no page lists them",
                "add a page (e.g. policies.md) whose body holds '::: policies' and ':::': a "
                "hospital reviews the values this site chose there",
            )
        )


def _one_page(
    guideline: Guideline, directive: str, what: str, pronoun: str, findings: list[Finding]
) -> ParsedPage | None:
    """The page of a directive a guideline shows at most once (a finding for every other)."""
    pages = [page for page in guideline.pages if directive in page.directives]
    for extra in pages[1:]:
        findings.append(
            Finding(
                extra.display_path,
                extra.directives[directive],
                f"{what} on a second page",
                f"keep {pronoun} only on {pages[0].display_path}",
            )
        )
    return pages[0] if pages else None


def _unusable_link(href: str) -> str | None:
    """Why a link to a page of the site would break once built, or ``None``."""
    if href.startswith("/") and not href.startswith("//"):
        return (
            f"link '{href}' starts at the server's root: it breaks when the site is served "
            "under a sub-path (e.g. an intranet's /guidelines/)"
        )
    if "://" in href or href.startswith(("mailto:", "#", "//")):
        return None
    path = href.partition("#")[0]
    if ".md?" in path.lower():
        return f"link '{href}' carries a query after '.md': it is not rewritten to the page's URL"
    if path.lower().endswith(".md") and not path.endswith(".md"):
        return f"link '{href}' ends in '{path[-3:]}', not '.md': it is not rewritten to a page URL"
    return None


def _check_links(site: SiteContent, findings: list[Finding]) -> None:
    for page in site.pages.values():
        for link in page.links:
            unusable = _unusable_link(link.href)
            if unusable is not None:
                findings.append(
                    Finding(
                        page.display_path,
                        link.line,
                        unusable,
                        "link the page's .md file with a path relative to this page "
                        "(e.g. ../other-section.md#anchor)",
                    )
                )
                continue
            resolved = resolve_link(page.src_uri, link.href)
            if resolved is None:
                continue
            target_uri, anchor = resolved
            target = site.pages.get(target_uri)
            if target is None:
                findings.append(
                    Finding(
                        page.display_path,
                        link.line,
                        f"link to '{link.href}' points to no page",
                        "link a .md file of docs/ with a path relative to this page",
                    )
                )
            elif anchor and anchor not in target.anchors and anchor not in target.heading_ids:
                findings.append(
                    Finding(
                        page.display_path,
                        link.line,
                        f"link '{link.href}': '#{anchor}' is not an anchor of "
                        f"{target.display_path}",
                        "use a point anchor or a heading id of that page",
                    )
                )
