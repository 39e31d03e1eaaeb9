"""Real web servers (nginx, Apache, lighttpd) serving a built site on 127.0.0.1 under
``/guidelines/``, each with its distribution's STOCK content-type table and nothing added for
content types: what the hosting tests prove is that the site works on stock configurations.

Each server runs in the foreground as a child of the test process, on a free port, with its
configuration, logs and pid file in a temporary folder; :func:`serve` waits until it answers
HTTP (or fails with its error log) and stops it afterwards.

As root, the servers drop to ``www-data`` (or ``nobody``) as they would in production (Apache
refuses to serve as root), so the document root is a world-readable temporary folder holding
the site as hard links (a copy where the file system refuses links).
"""

from __future__ import annotations

import contextlib
import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from tests.support.paths import ROOT

ServerName = Literal["nginx", "apache2", "lighttpd"]
SERVERS: tuple[ServerName, ...] = ("nginx", "apache2", "lighttpd")

BASE_PATH = "/guidelines/"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
INSTALL_TIMEOUT_S = 600.0

README = ROOT / "README.md"
NGINX_SNIPPET_MARKER = "<!-- nginx-snippet -->"

BINARIES: dict[ServerName, tuple[str, str]] = {  # server: (binary, Debian package)
    "nginx": ("/usr/sbin/nginx", "nginx"),
    "apache2": ("/usr/sbin/apache2", "apache2"),
    "lighttpd": ("/usr/sbin/lighttpd", "lighttpd"),
}

# Debian's stock tables and the stock configuration fragments that use them.
NGINX_MIME_TYPES = Path("/etc/nginx/mime.types")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
APACHE_MODS_AVAILABLE = Path("/etc/apache2/mods-available")
SYSTEM_MIME_TYPES = Path("/etc/mime.types")
LIGHTTPD_CREATE_MIME = Path("/usr/share/lighttpd/create-mime.conf.pl")

# The modules Debian enables by default that matter to static files (mods-enabled after
# `apt-get install apache2`), each with its stock .conf where Debian ships one.
APACHE_STOCK_MODULES = (
    "mpm_event",
    "authz_core",
    "authz_host",
    "mime",
    "dir",
    "filter",
    "deflate",
    "setenvif",
    "env",
    "negotiation",
)
# What the `.htaccess` variant adds (AllowOverride All): what a site's .htaccess may use.
APACHE_HTACCESS_MODULES = ("rewrite", "headers", "expires")


class ServerError(RuntimeError):
    """A server that did not start, or did not answer in time."""


@dataclass
class RunningServer:
    name: str
    port: int
    workdir: Path
    docroot: Path
    command: list[str]
    config: Path
    error_log: Path
    output_log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The site's root URL, ending in ``/guidelines/``."""
        return f"{self.origin}{BASE_PATH}"

    def logs(self, limit: int = 4000) -> str:
        """The tail of the server's error log and console output, for failure messages."""
        parts = []
        for path in (self.error_log, self.output_log):
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"--- {path.name} ---\n{text[-limit:] or '(empty)'}")
        return "\n".join(parts)


# --- installation -------------------------------------------------------------------------


def ensure_binary(name: ServerName) -> Path:
    """The server's binary; installed with apt-get when missing and running as root, else the
    calling test is skipped with how to install it."""
    binary, package = BINARIES[name]
    if Path(binary).exists():
        return Path(binary)
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(
                [apt, "install", "-y", "--no-install-recommends", package],
                env=env,
                capture_output=True,
                timeout=INSTALL_TIMEOUT_S,
                check=False,
            )
    if not Path(binary).exists():
        pytest.skip(f"{binary} is missing: install it with `sudo apt-get install {package}`")
    return Path(binary)


# --- document root --------------------------------------------------------------------------


def _link_or_copy(source: str, destination: str) -> str:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
    return destination


def make_docroot(site: Path, workdir: Path) -> Path:
    """``workdir/docroot/guidelines/`` holding ``site`` (hard links), readable by anyone."""
    docroot = workdir / "docroot"
    docroot.mkdir()
    target = docroot / BASE_PATH.strip("/")
    shutil.copytree(site, target, copy_function=_link_or_copy)
    for directory, _, files in os.walk(docroot):
        os.chmod(directory, 0o755)
        for name in files:
            path = Path(directory, name)
            mode = path.stat().st_mode
            if mode & stat.S_IROTH == 0:
                path.chmod(mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return docroot


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_account() -> tuple[str, str] | None:
    """The unprivileged (user, group) servers drop to when started as root; None otherwise."""
    if os.geteuid() != 0:
        return None
    for user in ("www-data", "nobody"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        return user, grp.getgrgid(entry.pw_gid).gr_name
    raise ServerError("running as root, but neither www-data nor nobody exists to serve as")


# --- configurations ---------------------------------------------------------------------------


def nginx_config(workdir: Path, docroot: Path, port: int, extra: str | None) -> Path:
    """Debian's stock nginx.conf ``http`` block (mime.types, default_type, gzip on), one
    ``server`` on ``port`` with ``root`` at ``docroot``, and ``extra`` included at server level."""
    if not NGINX_MIME_TYPES.exists():
        raise ServerError(f"{NGINX_MIME_TYPES} is missing (Debian's nginx-common ships it)")
    account = service_account()
    user = f"user {account[0]} {account[1]};" if account else ""
    include = ""
    if extra is not None:
        snippet = workdir / "snippet.conf"
        snippet.write_text(extra)
        include = f"include {snippet};"
    temp = workdir / "nginx-temp"
    temp.mkdir()
    if account:
        info = pwd.getpwnam(account[0])
        os.chown(temp, info.pw_uid, info.pw_gid)
    config = workdir / "nginx.conf"
    config.write_text(f"""\
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log info;
events {{
    worker_connections 256;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include {NGINX_MIME_TYPES};
    default_type application/octet-stream;
    access_log {workdir}/access.log;
    gzip on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {docroot};
        index index.html;
        {include}
    }}
}}
""")
    return config


def _apache_module(name: str) -> str:
    path = APACHE_MODULES / f"mod_{name}.so"
    if not path.exists():
        raise ServerError(f"{path} is missing")
    return f"LoadModule {name}_module {path}"


def apache_config(workdir: Path, docroot: Path, port: int, htaccess: bool) -> Path:
    """A minimal httpd.conf: Debian's default-enabled static-file modules with their stock
    .conf files (``mods-available/mime.conf``: ``TypesConfig /etc/mime.types``), and Debian's
    ``<Directory>`` defaults. ``htaccess``: ``AllowOverride All`` and mod_rewrite, mod_headers,
    mod_expires loaded too."""
    if not SYSTEM_MIME_TYPES.exists():
        raise ServerError(f"{SYSTEM_MIME_TYPES} is missing (Debian's media-types ships it)")
    modules = APACHE_STOCK_MODULES + (APACHE_HTACCESS_MODULES if htaccess else ())
    lines = [
        _apache_module(name)
        for name in modules
        if name != "deflate" or (APACHE_MODULES / "mod_deflate.so").exists()
    ]
    stock_confs = [APACHE_MODS_AVAILABLE / f"{name}.conf" for name in modules]
    includes = [
        f"Include {conf}" for conf in stock_confs if conf.exists() and conf.name != "mpm_event.conf"
    ]
    account = service_account()
    user = f"User {account[0]}\nGroup {account[1]}" if account else ""
    run = workdir / "run"
    run.mkdir()
    (workdir / "serverroot").mkdir()
    config = workdir / "apache2.conf"
    loads = "\n".join(lines)
    confs = "\n".join(includes)
    config.write_text(f"""\
ServerRoot "{workdir}/serverroot"
DefaultRuntimeDir "{run}"
PidFile "{workdir}/apache2.pid"
ErrorLog "{workdir}/error.log"
LogLevel warn
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{user}
StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
Timeout 30
{loads}
TypesConfig {SYSTEM_MIME_TYPES}
{confs}
AccessFileName .htaccess
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<Directory "{docroot}">
    Options Indexes FollowSymLinks
    AllowOverride {"All" if htaccess else "None"}
    Require all granted
</Directory>
<FilesMatch "^\\.ht">
    Require all denied
</FilesMatch>
DocumentRoot "{docroot}"
""")
    return config


def lighttpd_config(workdir: Path, docroot: Path, port: int) -> Path:
    """Debian's lighttpd.conf essentials, with its stock content types
    (``include_shell "/usr/share/lighttpd/create-mime.conf.pl"``, made from /etc/mime.types)."""
    if not LIGHTTPD_CREATE_MIME.exists():
        raise ServerError(f"{LIGHTTPD_CREATE_MIME} is missing (Debian's lighttpd ships it)")
    account = service_account()
    user = f'server.username = "{account[0]}"\nserver.groupname = "{account[1]}"' if account else ""
    if account:  # lighttpd opens its error log after dropping privileges
        error_log = workdir / "error.log"
        error_log.touch()
        info = pwd.getpwnam(account[0])
        os.chown(error_log, info.pw_uid, info.pw_gid)
    config = workdir / "lighttpd.conf"
    config.write_text(f"""\
server.modules = ( "mod_indexfile", "mod_access", "mod_staticfile" )
server.document-root = "{docroot}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{workdir}/error.log"
server.pid-file = "{workdir}/lighttpd.pid"
{user}
index-file.names = ( "index.html" )
url.access-deny = ( "~", ".inc" )
include_shell "{LIGHTTPD_CREATE_MIME}"
""")
    return config


# --- running ----------------------------------------------------------------------------------


def _command(name: ServerName, binary: Path, workdir: Path, config: Path) -> list[str]:
    if name == "nginx":
        return [
            str(binary),
            "-p",
            f"{workdir}/",
            "-c",
            str(config),
            "-e",
            str(workdir / "error.log"),
            "-g",
            "daemon off;",
        ]
    if name == "apache2":
        return [str(binary), "-d", str(workdir / "serverroot"), "-f", str(config), "-DFOREGROUND"]
    return [str(binary), "-D", "-f", str(config)]


def _stop(server: RunningServer) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the server and workers
        process.wait(timeout=STOP_TIMEOUT_S)


def _answers(server: RunningServer) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    try:
        connection.request("GET", BASE_PATH)
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def _start(server: RunningServer) -> None:
    with server.output_log.open("wb") as output:
        server.process = subprocess.Popen(
            server.command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=server.workdir,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            raise ServerError(
                f"{server.name} exited with {code} at start-up: "
                f"{' '.join(server.command)}\n{server.logs()}"
            )
        if _answers(server):
            return
        time.sleep(0.1)
    _stop(server)
    raise ServerError(
        f"{server.name} did not answer on 127.0.0.1:{server.port} within "
        f"{START_TIMEOUT_S:.0f} s: {' '.join(server.command)}\n{server.logs()}"
    )


@contextlib.contextmanager
def serve(
    site: Path, name: ServerName, *, htaccess: bool = False, nginx_extra: str | None = None
) -> Iterator[RunningServer]:
    """Serve ``site`` under ``/guidelines/`` with the real ``name`` server and its stock
    content types; ``htaccess`` (Apache only): honour the site's .htaccess files;
    ``nginx_extra`` (nginx only): configuration text included inside the ``server`` block."""
    if htaccess and name != "apache2":
        raise ValueError("htaccess is an Apache option")
    if nginx_extra is not None and name != "nginx":
        raise ValueError("nginx_extra is an nginx option")
    binary = ensure_binary(name)
    workdir = Path(tempfile.mkdtemp(prefix=f"gl-{name}-"))
    workdir.chmod(0o755)  # the unprivileged workers read the document root below it
    try:
        docroot = make_docroot(site, workdir)
        for attempt in range(3):  # another process may take the free port before the server
            port = free_port()
            if name == "nginx":
                config = nginx_config(workdir, docroot, port, nginx_extra)
            elif name == "apache2":
                config = apache_config(workdir, docroot, port, htaccess)
            else:
                config = lighttpd_config(workdir, docroot, port)
            server = RunningServer(
                name=name,
                port=port,
                workdir=workdir,
                docroot=docroot,
                command=_command(name, binary, workdir, config),
                config=config,
                error_log=workdir / "error.log",
                output_log=workdir / "output.log",
            )
            try:
                _start(server)
            except ServerError as error:
                if attempt < 2 and "in use" in str(error):
                    _reset(workdir)
                    continue
                raise
            break
        try:
            yield server
        finally:
            _stop(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _reset(workdir: Path) -> None:
    """Removes what a failed start left, except the document root."""
    for path in workdir.iterdir():
        if path.name == "docroot":
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


# --- the README's nginx snippet ---------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


def readme_nginx_snippet(readme: Path = README) -> str | None:
    """The fenced code block right after the line holding ``<!-- nginx-snippet -->`` in the
    README (blank lines between them allowed); None when the marker is absent. Raises
    ValueError when the marker is not followed by a fenced block."""
    lines = readme.read_text().splitlines()
    marker = next(
        (number for number, line in enumerate(lines) if NGINX_SNIPPET_MARKER in line), None
    )
    if marker is None:
        return None
    number = marker + 1
    while number < len(lines) and not lines[number].strip():
        number += 1
    opening = FENCE.match(lines[number]) if number < len(lines) else None
    if opening is None:
        raise ValueError(
            f"{readme}:{marker + 1}: {NGINX_SNIPPET_MARKER} is not followed by a fenced code block"
        )
    fence = opening["fence"]
    body: list[str] = []
    for line in lines[number + 1 :]:
        stripped = line.strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return "\n".join(body) + "\n"
        body.append(line)
    raise ValueError(f"{readme}:{number + 1}: the nginx snippet's fence is never closed")
