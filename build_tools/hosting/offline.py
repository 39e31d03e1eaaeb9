"""The site as an installable app that works offline: ``manifest.json`` and its icons (added
to the site's files), the ``<head>`` links of every page, and ``sw.js`` at the site root (after
the build, when every file's final content is known: see the service worker's own comments in
``assets/offline/service-worker.js``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from build_tools.hosting.icons import BACKGROUND, SIZES, icon_png

TEMPLATE = Path(__file__).resolve().parent.parent / "web" / "offline" / "service-worker.js"
SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.json"
ICON_DIR = "assets/icons"
PLACEHOLDER = '/*BUILD*/ { id: "", shell: [], runtime: [] }'
THEME_COLOUR = "#{:02x}{:02x}{:02x}".format(*BACKGROUND)

# Never saved: server configuration, compressed twins, source maps, search
# languages other than English, and the service worker itself.
_EXCLUDED_NAMES = (SERVICE_WORKER, ".htaccess", "web.config")
_EXCLUDED_SUFFIXES = (".br", ".gz", ".map")
_EXCLUDED_PREFIXES = ("assets/javascripts/lunr/min/",)


@dataclass(frozen=True)
class OfflineFiles:
    shell: tuple[str, ...]  # URLs relative to the site root, saved when a visit asks for it
    runtime: tuple[str, ...]  # saved from what the calculator downloaded, read from the cache first
    build_id: str


def icon_files() -> dict[str, bytes]:
    return {f"{ICON_DIR}/icon-{size}.png": icon_png(size) for size in SIZES}


def web_manifest(name: str, description: str) -> str:
    """``manifest.json``: every URL relative to it, so the app works under any sub-path."""
    data = {
        "name": name,
        "short_name": name if len(name) <= 12 else name.split()[0],
        "description": description,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": path, "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
            for size, path in zip(SIZES, icon_files(), strict=True)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def head_links(root_prefix: str) -> str:
    """What every page's ``<head>`` gains (``root_prefix``: the way back to the site root)."""
    icon = f"{root_prefix}{ICON_DIR}/icon-{SIZES[0]}.png"
    return (
        f'<link rel="manifest" href="{escape(root_prefix)}{MANIFEST}">\n'
        f'<link rel="apple-touch-icon" href="{escape(icon)}">'
    )


def _page_url(relative: str) -> str:
    """``a/index.html`` -> ``a/``: pages are asked for by their directory URL."""
    if relative == "index.html":
        return "./"
    return relative[: -len("index.html")] if relative.endswith("/index.html") else relative


def offline_files(site_dir: Path, runtime: Iterable[str]) -> OfflineFiles:
    """The shell (every other site file worth saving) and the build's id: a hash of the
    content of every shell file and of the runtime's URLs (which change with their content: no
    need to read its ~18 MB again), so any change of the site makes a new cache."""
    runtime_urls = tuple(runtime)
    runtime_paths = {url.split("?", 1)[0] for url in runtime_urls}
    digest = hashlib.sha256(TEMPLATE.read_bytes())
    shell = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if not path.is_file() or path.name in _EXCLUDED_NAMES:
            continue
        if relative.endswith(_EXCLUDED_SUFFIXES) or relative.startswith(_EXCLUDED_PREFIXES):
            continue
        if relative not in runtime_paths:
            digest.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
            shell.append(_page_url(relative))
    for url in runtime_urls:
        digest.update(url.encode() + b"\0")
    return OfflineFiles(tuple(shell), runtime_urls, digest.hexdigest()[:16])


def service_worker(files: OfflineFiles) -> str:
    template = TEMPLATE.read_text(encoding="utf-8")
    if PLACEHOLDER not in template:
        raise RuntimeError(f"{TEMPLATE} lost its BUILD placeholder {PLACEHOLDER!r}")
    build = json.dumps(
        {"id": files.build_id, "shell": list(files.shell), "runtime": list(files.runtime)},
        separators=(",", ":"),
    )
    return template.replace(PLACEHOLDER, build, 1)


def write_service_worker(site_dir: Path, runtime: Iterable[str]) -> OfflineFiles:
    files = offline_files(site_dir, runtime)
    (site_dir / SERVICE_WORKER).write_text(service_worker(files), encoding="utf-8")
    return files
