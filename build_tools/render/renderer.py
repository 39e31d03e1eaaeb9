"""Render every page of the site: bodies, chrome and directives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from build_tools.content.schema import PageMeta, SectionMeta
from build_tools.content.site import Guideline, SiteContent, page_url
from build_tools.decisions import CompiledGuideline
from build_tools.interchange.exports import Export, guideline_exports
from build_tools.render.calculator_form import calculator_directive
from build_tools.render.chrome import footer_html, header_html
from build_tools.render.decision_logic import decision_logic_html
from build_tools.render.input_reference import case_inputs_table_html
from build_tools.render.page import PageContext, RenderedPage, render_body
from build_tools.render.pointers import newer_guidance_after_point
from build_tools.render.policies import policies_html
from build_tools.render.references import reference_list_html
from build_tools.render.superseded import page_markdown, superseded_html
from build_tools.render.urls import relative_url
from build_tools.render.use_elsewhere import downloads, use_elsewhere_html
from build_tools.render.versions import (
    changelog_file,
    compose_after_point,
    item_since,
    since_after_point,
    superseded_src_uri,
    versions_html,
)
from build_tools.versions.history import GuidelineHistory


class SiteRenderer:
    """Renders the pages of a loaded ``site`` with the decisions stage's result (``compiled``, by
    guideline id: empty when the tables are not compiled) and each guideline's versions
    (``histories``: its release records and working content)."""

    def __init__(
        self,
        site: SiteContent,
        compiled: Mapping[str, CompiledGuideline],
        histories: Mapping[str, GuidelineHistory] | None = None,
        exports: Callable[[str], list[Export]] | None = None,
    ) -> None:
        self.site = site
        # The pipeline builds each guideline's exports once (build_tools.pipeline); a renderer
        # on its own builds them when a page lists them.
        self._exports = exports
        self.histories = dict(histories or {})
        self.decision_models = {
            guideline_id: guideline.model for guideline_id, guideline in compiled.items()
        }
        self.calculator_pages: set[str] = set()  # src_uri of the pages rendered with one
        # The generated read-only page of each superseded version: src_uri -> (id, version).
        self.superseded_pages = {
            superseded_src_uri(guideline_id, snapshot.version): (guideline_id, snapshot.version)
            for guideline_id, history in sorted(self.histories.items())
            for snapshot in history.superseded()
        }

    def generated_pages(self) -> dict[str, str]:
        """The Markdown files the site must add (src_uri -> text): one per superseded version,
        whose body :meth:`render` writes from the version's record."""
        found = {}
        for src_uri, (guideline_id, version) in self.superseded_pages.items():
            history = self.histories[guideline_id]
            snapshot = next(v for v in history.released if v.version == version)
            found[src_uri] = page_markdown(snapshot)
        return found

    def changelog_files(self) -> dict[str, str]:
        """Each version's changelog as JSON (path -> text), which the versions page links."""
        return {
            changelog_file(guideline_id, version): changelog.json_text()
            for guideline_id, history in sorted(self.histories.items())
            for version, changelog in sorted(history.changelogs.items())
        }

    def exports(self, guideline_id: str) -> list[Export]:
        """The files in standard formats the site publishes for a guideline."""
        if self._exports is not None:
            return self._exports(guideline_id)
        guideline = self.site.guidelines[guideline_id]
        return guideline_exports(guideline, self.decision_models.get(guideline_id))

    def render(self, src_uri: str) -> RenderedPage:
        if src_uri in self.superseded_pages:
            return self._render_superseded(src_uri)
        page = self.site.pages[src_uri]
        guideline = self.site.guideline_of(src_uri)
        context = PageContext(self.site, page, guideline)
        if guideline is not None:
            context.directives = self._directives(guideline, context)
            model = self.decision_models.get(guideline.meta.id)
            if model is not None:
                history = self.histories.get(guideline.meta.id)
                since = None
                if history is not None and isinstance(page.meta, SectionMeta):
                    since = since_after_point(history, model, page.meta.id)
                context.after_point = compose_after_point(
                    newer_guidance_after_point(model, page.src_uri, context), since
                )
        body = render_body(context)
        if guideline is None:
            return body
        disclaimer = self.site.pages[guideline.meta.disclaimer].meta
        summary = disclaimer.description if isinstance(disclaimer, PageMeta) else None
        html = (
            header_html(guideline, context)
            + body.html
            + footer_html(guideline, context, f"<p>{escape(summary or '')}</p>")
        )
        return RenderedPage(html, body.toc)

    def _render_superseded(self, src_uri: str) -> RenderedPage:
        guideline_id, version = self.superseded_pages[src_uri]
        history = self.histories[guideline_id]
        snapshot = next(v for v in history.released if v.version == version)
        self.calculator_pages.add(src_uri)
        html = superseded_html(history, snapshot, page_url(src_uri))
        toc = [
            {"level": 2, "id": "calculator", "name": "The case calculator", "children": []},
            {"level": 2, "id": "references", "name": "References", "children": []},
        ]
        return RenderedPage(html, toc)

    def _directives(self, guideline: Guideline, context: PageContext) -> dict[str, Any]:
        def reference_list() -> str:
            return reference_list_html(list(guideline.meta.references))

        def case_inputs() -> str:
            model = self.decision_models.get(guideline.meta.id)
            if model is None:
                return _unavailable("The case inputs are documented")
            return case_inputs_table_html(model)

        def decision_logic() -> str:
            model = self.decision_models.get(guideline.meta.id)
            if model is None:
                return _unavailable("The decision logic is shown")
            return decision_logic_html(model, relative_url("", context.url))

        def case_calculator() -> str:
            model = self.decision_models.get(guideline.meta.id)
            if model is not None:
                self.calculator_pages.add(context.page.src_uri)
            history = self.histories.get(guideline.meta.id)
            since = item_since(history, model) if history and model else None
            return calculator_directive(guideline, context, model, since)

        def versions() -> str:
            history = self.histories.get(guideline.meta.id)
            if history is None:
                return _unavailable("The versions are listed")
            return versions_html(
                history,
                lambda version: relative_url(
                    page_url(superseded_src_uri(guideline.meta.id, version)), context.url
                ),
                lambda version: relative_url(
                    changelog_file(guideline.meta.id, version), context.url
                ),
            )

        def use_elsewhere() -> str:
            model = self.decision_models.get(guideline.meta.id)
            if model is None:
                return _unavailable("The downloads, command line and Python API are described")
            history = self.histories.get(guideline.meta.id)
            previous = history.previous if history is not None else None
            rows = downloads(
                self.exports(guideline.meta.id),
                history,
                lambda version: changelog_file(guideline.meta.id, version),
            )
            return use_elsewhere_html(
                model,
                rows,
                lambda path: relative_url(path, context.url),
                previous.version if previous is not None else None,
            )

        def policies() -> str:
            model = self.decision_models.get(guideline.meta.id)
            if model is None:
                return _unavailable("The site policies are listed")
            logic = guideline.decision_logic_page
            return policies_html(
                model,
                context.render_citation_numbers,
                None if logic is None else context.url_of(logic.src_uri),
            )

        return {
            "reference-list": reference_list,
            "case-inputs": case_inputs,
            "case-calculator": case_calculator,
            "decision-logic": decision_logic,
            "versions": versions,
            "use-elsewhere": use_elsewhere,
            "policies": policies,
        }


def _unavailable(what: str) -> str:
    """What a directive that needs the compiled tables shows without them."""
    return (
        f'<p class="gl-unavailable">{what} when the decision tables are compiled '
        "(tables_enabled: true).</p>"
    )
