"""Serve a built site as a plain static web server would, optionally under a sub-path.

``python -m devtools.serve site --port 8000 [--base /guidelines/]``

It behaves as a well-configured intranet server would: the right content types, the build's
precompressed ``<file>.br`` / ``<file>.gz`` when the browser accepts them (as nginx
``gzip_static`` does), and the cache rules of hosting/policy.py. Tests use
:func:`start_server` to serve a built site on 127.0.0.1 in a background thread.
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import os
import posixpath
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from build_tools.hosting.policy import PRECOMPRESSED, cache_control, compressible_type
from build_tools.hosting.server_files import TYPES

# The types the build's server files give (.htaccess, web.config), and archives.
CONTENT_TYPES = {
    **TYPES,
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".tar": "application/x-tar",
    ".xml": "application/xml",
}


class SiteRequestHandler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        **CONTENT_TYPES,
    }
    base_path = "/"

    def __init__(self, *args: Any, base_path: str = "/", **kwargs: Any) -> None:
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    def send_head(self) -> Any:
        self._site_path: str | None = None  # relative to the site root, once inside it
        self._query = ""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if self.base_path != "/" and path == self.base_path.rstrip("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        if not path.startswith(self.base_path):
            self.send_error(HTTPStatus.NOT_FOUND, "outside the site's base path")
            return None
        site_path, _, self._query = self.path.split("#", 1)[0].partition("?")
        site_path = site_path[len(self.base_path) :]
        self._site_path = site_path + "index.html" if site_path[-1:] in ("", "/") else site_path
        return self._send_precompressed() or super().send_head()

    def _accepted(self) -> set[str]:
        """The encodings the browser accepts (``br;q=0`` refuses brotli)."""
        accepted = set()
        for part in self.headers.get("Accept-Encoding", "").split(","):
            name, _, parameters = part.strip().partition(";")
            key, _, value = parameters.replace(" ", "").partition("=")
            try:
                weight = float(value) if key == "q" else 1.0
            except ValueError:
                weight = 1.0
            if weight > 0:
                accepted.add(name.strip().lower())
        return accepted

    def _send_precompressed(self) -> Any:
        """The ``.br`` or ``.gz`` sibling of the file asked for, if the browser accepts it."""
        original = self.translate_path(self.path)
        if os.path.isdir(original):
            original = os.path.join(original, "index.html")
        if not os.path.isfile(original):
            return None
        accepted = self._accepted()
        for encoding, suffix in PRECOMPRESSED:
            if encoding not in accepted or not os.path.isfile(original + suffix):
                continue
            stream = open(original + suffix, "rb")  # noqa: SIM115 - copyfile closes it
            stat = os.fstat(stream.fileno())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(original))
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(stat.st_size))
            mtime = os.stat(original).st_mtime
            self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
            self.end_headers()
            return stream
        return None

    def end_headers(self) -> None:
        path = getattr(self, "_site_path", None)
        if path:
            self.send_header("Cache-Control", cache_control(path, self._query))
            if compressible_type(path):  # whether a sibling exists or not: caches must know
                self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        relative = "/" + path[len(self.base_path) :] if path.startswith(self.base_path) else path
        trailing = "/" if relative.endswith("/") else ""
        return super().translate_path(posixpath.normpath(relative) + trailing)

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "quiet", False):
            return
        super().log_message(format, *args)


def make_server(
    root: Path, host: str, port: int, base_path: str = "/", quiet: bool = False
) -> ThreadingHTTPServer:
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    handler = functools.partial(SiteRequestHandler, directory=str(root), base_path=base)
    server = ThreadingHTTPServer((host, port), handler)
    server.quiet = quiet  # type: ignore[attr-defined]
    return server


def start_server(root: Path, base_path: str = "/", host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``root`` on a free port in a daemon thread; ``server.shutdown()`` stops it."""
    server = make_server(root, host, 0, base_path, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the built site folder, e.g. site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--base", default="/", help="serve under this sub-path, e.g. /guidelines/")
    args = parser.parse_args()
    server = make_server(args.root, args.host, args.port, args.base)
    base = "/" + args.base.strip("/") + "/" if args.base.strip("/") else "/"
    print(f"Serving {args.root} at http://{args.host}:{args.port}{base} (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
