"""The ``guideline`` MkDocs plugin: thin hooks that hand the work to small classes.

* ``on_config``  registers the plugin's CSS and scripts;
* ``on_files``   runs the stages: loads and validates the whole content model
                 (:mod:`build_tools.content`), compiles, verifies and proves the decision tables
                 (:mod:`build_tools.decisions`), then hands both to the renderer and adds the
                 browser bundle (:mod:`build_tools.browser_bundle`) and the assets to the site;
* ``on_page_markdown`` / ``on_page_content`` render each page with markdown-it-py, wrapping
                 guideline pages in their chrome;
* ``on_post_page`` (before other plugins': its string edits expect the theme's own markup, not
                 a minifier's) applies the reader's saved wording before the page paints;
* ``on_post_build`` (last of all plugins: it needs every page's final bytes) stamps the
                 Content-Security-Policy, then writes the hosting files: ``.htaccess`` and
                 ``web.config``, the service worker, and the precompressed copies.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from build_tools.browser_bundle import integration as calculator
from build_tools.config import GuidelineConfig
from build_tools.content.navigation import drop_pages, order_navigation, pages_in_order
from build_tools.content.site import SiteContent, load_site
from build_tools.decisions import CompiledGuideline, compile_site, write_modules
from build_tools.findings import ContentError
from build_tools.hosting import offline
from build_tools.hosting.site_files import HostingFiles
from build_tools.interchange.dmn import ExportError
from build_tools.releases.history import GuidelineHistory
from build_tools.releases.modules import released_modules, write_released_modules
from build_tools.releases.stage import release_histories
from build_tools.render.csp import content_security_policy, inline_script_hashes, with_policy
from build_tools.render.renderer import SiteRenderer
from build_tools.render.theme import finish_page

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).parent / "assets"
STYLESHEETS = ("guideline.css",)
SCRIPTS = ("guideline.js", "offline.js")
HEAD_SCRIPT = "audience-init.js"


class GuidelinePlugin(BasePlugin[GuidelineConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: SiteContent | None = None
        self.renderer: SiteRenderer | None = None
        self.runtime_urls: list[str] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if not config.use_directory_urls:
            raise PluginError(
                "guideline plugin: set 'use_directory_urls: true' in mkdocs.yml "
                "(page links and calculator links assume directory URLs)"
            )
        base = self.config.assets_dir.strip("/")
        scripts = SCRIPTS if self.config.hosting_offline else SCRIPTS[:1]
        config.extra_css.extend(f"{base}/{name}" for name in STYLESHEETS)
        config.extra_javascript.extend(f"{base}/{name}" for name in scripts)
        calculator.register_assets(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        project_root = Path(config.config_file_path).parent
        pages = [file.src_uri for file in files.documentation_pages()]
        compiled: dict[str, CompiledGuideline] = {}
        histories: dict[str, GuidelineHistory] = {}
        try:
            self.site = load_site(Path(config.docs_dir), pages, project_root)
            # Warnings first: a later stage's error must not hide them.
            for warning in self.site.warnings:
                log.warning(str(warning))
            if self.config.tables_enabled:
                compiled = compile_site(self.site)
                histories = release_histories(
                    self.site, compiled, project_root / self.config.releases_dir, project_root
                )
        except ContentError as error:
            raise PluginError(error.report()) from None
        write_modules(compiled, project_root / self.config.tables_output_dir)
        released = released_modules(histories)
        if self.config.tables_enabled:
            write_released_modules(released, project_root / self.config.tables_released_dir)
        self.renderer = SiteRenderer(self.site, compiled, histories)
        # Each superseded version's read-only page (rendered from its record, out of the nav).
        for src_uri, text in self.renderer.generated_pages().items():
            files.append(File.generated(config, src_uri, content=text))
        # Each version's changelog and each guideline's exports (DMN, case schema, references).
        try:
            generated = self.renderer.generated_files()
        except ExportError as error:
            raise PluginError(f"guideline plugin: export: {error}") from None
        for path, text in generated.items():
            files.append(File.generated(config, path, content=text))
        base = self.config.assets_dir.strip("/")
        for name in (*STYLESHEETS, *SCRIPTS, HEAD_SCRIPT):
            files.append(File.generated(config, f"{base}/{name}", abs_src_path=str(ASSETS / name)))
        # The bundle holds the guidelines compiled by this build.
        self.runtime_urls = calculator.add_runtime_files(
            files, config, project_root, compiled, released
        )
        if self.config.hosting_offline:
            manifest = offline.web_manifest(config.site_name, config.site_description or "")
            files.append(File.generated(config, offline.MANIFEST, content=manifest))
            for path, data in offline.icon_files().items():
                files.append(File.generated(config, path, content=data))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled or self.site is None:
            return None
        if self.renderer is not None:
            drop_pages(nav.items, set(self.renderer.superseded_pages))
        order_navigation(nav.items, self.site)
        nav.pages = list(pages_in_order(nav.items))
        for previous, page in zip([None, *nav.pages], nav.pages, strict=False):
            page.previous_page = previous
            if previous is not None:
                previous.next_page = page
        if nav.pages:
            nav.pages[-1].next_page = None
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
            return None
        # The page is rendered by markdown-it-py in on_page_content; give MkDocs' own
        # Markdown renderer nothing to do.
        return ""

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or self.renderer is None:
            return None
        rendered = self.renderer.render(page.file.src_uri)
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]
        return rendered.html

    @event_priority(100)  # before other plugins: it edits the theme's markup as the theme wrote it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        root = "../" * (page.url.count("/") if page.url else 0)
        script = root + f"{self.config.assets_dir.strip('/')}/{HEAD_SCRIPT}"
        calculator_page = (
            self.renderer is not None and page.file.src_uri in self.renderer.calculator_pages
        )
        return finish_page(
            output,
            script,
            early_head=calculator.boot_script(root) if calculator_page else "",
            head_links="\n".join(
                filter(
                    None,
                    (
                        calculator.fragment_guard(),
                        offline.head_links(root) if self.config.hosting_offline else "",
                    ),
                )
            ),
            canonical=bool(self.config.hosting_published_url.strip()),
        )

    @event_priority(-100)  # after every other plugin: it needs the pages' final bytes
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        site_dir = Path(config.site_dir)
        if self.config.csp_enabled:
            pages = sorted(site_dir.rglob("*.html"))
            texts = {path: path.read_text(encoding="utf-8") for path in pages}
            hashes = set().union(*(inline_script_hashes(text) for text in texts.values()))
            policy = content_security_policy(hashes)
            for path, text in texts.items():
                path.write_text(with_policy(text, policy), encoding="utf-8")
        hosting = HostingFiles(site_dir)
        if self.config.hosting_server_files:
            hosting.write_server_files()
        if self.config.hosting_offline:
            hosting.write_service_worker(self.runtime_urls)
        if self.config.hosting_precompress:
            hosting.precompress()
