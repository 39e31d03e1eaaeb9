"""Serve a built site as a plain static web server would, optionally under a sub-path.

``python -m build_tools.serve site --port 8000 [--base /guidelines/]``

It sends the content types Pyodide needs (``application/wasm``, JavaScript for ``.mjs``) and
nothing else special: what works here works on any correctly configured intranet server.
Tests use :func:`start_server` to serve a built site on 127.0.0.1 in a background thread.
"""

from __future__ import annotations

import argparse
import functools
import posixpath
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONTENT_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".tar": "application/x-tar",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}


class SiteRequestHandler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a class attribute
        **SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES
    }
    base_path = "/"

    def __init__(self, *args: Any, base_path: str = "/", **kwargs: Any) -> None:
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if self.base_path != "/" and path == self.base_path.rstrip("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        if not path.startswith(self.base_path):
            self.send_error(HTTPStatus.NOT_FOUND, "outside the site's base path")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        relative = "/" + path[len(self.base_path):] if path.startswith(self.base_path) else path
        trailing = "/" if relative.endswith("/") else ""
        return super().translate_path(posixpath.normpath(relative) + trailing)

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "quiet", False):
            return
        super().log_message(format, *args)


def make_server(root: Path, host: str, port: int, base_path: str = "/",
                quiet: bool = False) -> ThreadingHTTPServer:
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
