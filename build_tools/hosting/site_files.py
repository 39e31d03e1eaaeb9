"""The hosting files of a built site, written after everything else (the plugin's last
``on_post_build``): server configuration, the service worker (it lists every file's content
hash), then the precompressed copies (of the final bytes of everything, service worker
included)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from build_tools.cache_dirs import cache_dir
from build_tools.hosting import offline
from build_tools.hosting.compress import CompressionCache, precompress
from build_tools.hosting.server_files import htaccess, web_config

log = logging.getLogger(__name__)


class HostingFiles:
    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir

    def write_server_files(self) -> None:
        (self.site_dir / ".htaccess").write_text(htaccess(), encoding="utf-8")
        (self.site_dir / "web.config").write_text(web_config(), encoding="utf-8")

    def write_service_worker(self, runtime_urls: Iterable[str]) -> None:
        files = offline.write_service_worker(self.site_dir, runtime_urls)
        log.debug(
            f"service worker: build {files.build_id}, {len(files.shell)} files saved at "
            f"install, {len(files.runtime)} runtime files on first use"
        )

    def precompress(self) -> None:
        written = precompress(self.site_dir, CompressionCache(self._cache_dir()))
        raw = sum(entry.size for entry in written)
        brotli = sum(entry.sizes.get(".br", entry.size) for entry in written)
        log.debug(f"precompressed {len(written)} files: {raw:,} -> {brotli:,} bytes (brotli)")

    def _cache_dir(self) -> Path | None:
        """Beside the bytecode cache (calculator/precompile.py): ``$GUIDELINE_CACHE_DIR``, else
        ``.cache`` of the checkout that holds build_tools (test builds run from copies)."""
        return cache_dir("precompressed")
