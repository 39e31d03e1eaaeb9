"""The ``guideline`` MkDocs plugin: thin hooks that hand the work to the engine.

* ``on_config``  registers the plugin's CSS and scripts;
* ``on_files``   runs the engine's pipeline (:class:`build_tools.pipeline.SiteBuild`: content,
                 decisions, releases, exports), checks (or, in ``make dev``, writes) the
                 generated modules, and adds what the pipeline publishes, the browser bundle
                 (:mod:`build_tools.browser_bundle.publish`) and the assets to MkDocs' files;
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

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from build_tools.browser_bundle import publish as calculator
from build_tools.findings import ContentError
from build_tools.hosting import offline
from build_tools.hosting.site_files import HostingFiles
from build_tools.mkdocs_plugin.config import GuidelineConfig
from build_tools.mkdocs_plugin.navigation import drop_pages, order_navigation, pages_in_order
from build_tools.mkdocs_plugin.theme import finish_page
from build_tools.pipeline import BuildOptions, ExportError, FileContent, SiteBuild, check_modules
from build_tools.render.csp import content_security_policy, inline_script_hashes, with_policy

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "web"
STYLESHEETS = ("guideline.css",)
SCRIPTS = ("guideline.js", "offline.js")
HEAD_SCRIPT = "audience-init.js"


class GuidelinePlugin(BasePlugin[GuidelineConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.build: SiteBuild | None = None
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
        # The calculator's styles and scripts on every page (idempotent across rebuilds).
        if calculator.PAGE_STYLESHEET not in config.extra_css:
            config.extra_css.append(calculator.PAGE_STYLESHEET)
        if calculator.PAGE_SCRIPT not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(calculator.PAGE_SCRIPT)
            module = ExtraScriptValue(calculator.PAGE_MODULE)
            module.type = "module"
            config.extra_javascript.append(module)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        project_root = Path(config.config_file_path).parent
        self.build = build = SiteBuild(
            BuildOptions(
                project_root,
                docs_dir=Path(config.docs_dir),
                pages=[file.src_uri for file in files.documentation_pages()],
                tables=self.config.tables_enabled,
                releases_dir=self.config.releases_dir,
                modules_dir=self.config.tables_output_dir,
                released_modules_dir=self.config.tables_released_dir,
            )
        )
        try:
            build.content  # noqa: B018 - load first: its warnings must not hide behind an error
            for warning in build.warnings:
                log.warning(str(warning))
            build.run()
            if self.config.tables_modules == "write":
                build.write_modules()
            elif self.config.tables_modules == "check":
                check_modules(build)
            published = build.published_files()
            runtime = calculator.calculator_files(project_root, build.compiled, build.released)
        except ContentError as error:
            raise PluginError(error.report()) from None
        except ExportError as error:
            raise PluginError(f"guideline plugin: export: {error}") from None
        except calculator.CalculatorFilesError as error:
            raise PluginError(f"guideline plugin: {error}") from None
        # Each superseded version's read-only page (rendered from its record, out of the nav).
        for src_uri, text in build.generated_pages().items():
            files.append(File.generated(config, src_uri, content=text))
        base = self.config.assets_dir.strip("/")
        published.update(
            {f"{base}/{name}": ASSETS / name for name in (*STYLESHEETS, *SCRIPTS, HEAD_SCRIPT)}
        )
        published.update(runtime.files)
        self.runtime_urls = runtime.runtime_urls
        if self.config.hosting_offline:
            published[offline.MANIFEST] = offline.web_manifest(
                config.site_name, config.site_description or ""
            )
            published.update(offline.icon_files())
        for path, content in published.items():
            files.append(_generated(config, path, content))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled or self.build is None:
            return None
        drop_pages(nav.items, set(self.build.renderer.superseded_pages))
        order_navigation(nav.items, self.build.content)
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
        if not self.config.enabled or self.build is None:
            return None
        rendered = self.build.renderer.render(page.file.src_uri)
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]
        return rendered.html

    @event_priority(100)  # before other plugins: it edits the theme's markup as the theme wrote it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        root = "../" * (page.url.count("/") if page.url else 0)
        script = root + f"{self.config.assets_dir.strip('/')}/{HEAD_SCRIPT}"
        calculator_page = (
            self.build is not None and page.file.src_uri in self.build.renderer.calculator_pages
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


def _generated(config: MkDocsConfig, path: str, content: FileContent) -> File:
    if isinstance(content, Path):
        return File.generated(config, path, abs_src_path=str(content))
    return File.generated(config, path, content=content)
