"""Configuration of the ``guideline`` MkDocs plugin (options grouped by prefix)."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class GuidelineConfig(Config):
    enabled = opt.Type(bool, default=True)

    # Decision tables: where the compiled decision modules are written (relative to mkdocs.yml).
    tables_enabled = opt.Type(bool, default=True)
    tables_output_dir = opt.Type(str, default="calculators/guidelines")
    # ... and the modules of superseded released versions (compiled from releases/).
    tables_released_dir = opt.Type(str, default="calculators/released")
    # The generated modules are source files of the runtime, written by `make tables`: "check"
    # fails the build when one is stale (naming the remedy), "write" rewrites them (`make dev`,
    # an editor's preview), "off" leaves them alone.
    tables_modules = opt.Choice(("check", "write", "off"), default="check")

    # Releases: where the records of released versions are kept (relative to mkdocs.yml); the
    # build fails when the content claims a released version and differs from its record.
    releases_dir = opt.Type(str, default="releases")

    # Page chrome: the site-wide assets the plugin adds to every page.
    assets_dir = opt.Type(str, default="assets/guideline")

    # Content-Security-Policy: a <meta> policy on every page allowing nothing from elsewhere.
    csp_enabled = opt.Type(bool, default=True)

    # Hosting: what the site asks of the server that hosts it (build_tools/hosting/).
    # The address the site is published at (mkdocs.yml passes $SITE_URL); empty: unknown, so
    # no page names a canonical address (mkdocs.yml's own site_url is then a placeholder; the
    # sitemap, which instant navigation reads, is kept).
    hosting_published_url = opt.Type(str, default="")
    # .br and .gz beside every large text and wasm file.
    hosting_precompress = opt.Type(bool, default=True)
    # .htaccess (Apache) and web.config (IIS) at the site root.
    hosting_server_files = opt.Type(bool, default=True)
    # Installable, and readable offline after the first visit (service worker, web manifest).
    hosting_offline = opt.Type(bool, default=True)
