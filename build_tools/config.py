"""Configuration of the ``guideline`` MkDocs plugin (options grouped by prefix)."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class GuidelineConfig(Config):
    enabled = opt.Type(bool, default=True)

    # Decision tables: where the compiled decision modules are written (relative to mkdocs.yml).
    tables_enabled = opt.Type(bool, default=True)
    tables_output_dir = opt.Type(str, default="calculators/guidelines")

    # Page chrome: the site-wide assets the plugin adds to every page.
    assets_dir = opt.Type(str, default="assets/guideline")

    # Content-Security-Policy: a <meta> policy on every page allowing nothing from elsewhere.
    csp_enabled = opt.Type(bool, default=True)
