"""Configuration files for servers that read one from the site folder: ``.htaccess`` (Apache
2.4) and ``web.config`` (IIS). Neither is needed for the site to work (every script is a
``.js``, and the worker copes with a wrong wasm type); they add the right types, the
precompressed files and the cache rules of policy.py.

Both must be safe to drop onto any server: a directive Apache does not know (a module not
loaded) is a 500 for the whole site, so every directive sits in ``<IfModule>``; IIS answers 500
for a section it does not know or that its administrator locked, so ``web.config`` holds only
sections IIS allows in a site folder by default (``staticContent``, ``urlCompression``) and
none of the URL Rewrite module's (not installed by default: the README gives those rules).
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from build_tools.hosting.policy import IMMUTABLE, IMMUTABLE_MAX_AGE, PRECOMPRESSED, REVALIDATE

# Extension -> type, for every kind of file the site publishes whose type servers get wrong
# or do not know (IIS knows neither .wasm nor .webmanifest; old tables send .js as
# application/x-javascript, which works but is obsolete).
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
    # the references for reference managers (IIS would refuse it; nginx sends octet-stream)
    ".ris": "application/x-research-info-systems",
    # the decision tables as DMN 1.3 XML (no registered type: XML; IIS would refuse it)
    ".dmn": "application/xml",
}
UTF8_SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ris", ".dmn")
COMPRESSED_SUFFIX = r"(?:\.br|\.gz)?"

HTACCESS = """\
# Written by the site's build (build_tools/hosting/server_files.py): content types, the
# precompressed .br/.gz files beside large files, and caching. The site also works without it
# (e.g. with "AllowOverride None"); every directive is skipped when its module is not loaded.
# It needs "AllowOverride FileInfo Indexes" (or All) to take effect.

<IfModule mod_mime.c>
@@types@@
  AddCharset utf-8 @@utf8@@
  # file.js.br: the type of .js, Content-Encoding br (Debian's mime.conf types .gz as a file).
  RemoveType .gz .br
@@encodings@@
</IfModule>

# Send file.br / file.gz when the browser accepts it and the build wrote one.
<IfModule mod_rewrite.c>
  RewriteEngine On
@@rewrites@@
</IfModule>

# Never compress what is compressed already.
<FilesMatch "\\.(br|gz)$">
  <IfModule mod_env.c>
    SetEnv no-gzip 1
  </IfModule>
</FilesMatch>

<IfModule mod_headers.c>
  <FilesMatch "\\.(html|css|js|json|webmanifest|xml|svg|txt|map|wasm)@@compressed@@$">
    Header merge Vary Accept-Encoding
  </FilesMatch>
  # Versioned URLs (the runtime's folder, hashed theme bundles, ?v=<hash>) never change;
  # everything else is revalidated on every use, so an update is never served stale.
  Header set Cache-Control "@@revalidate@@"
  <If "%{REQUEST_URI} =~ m#/assets/pyodide/[^/]+/# \\
       || %{REQUEST_URI} =~ m#\\.[0-9a-f]{8}\\.min\\.(js|css)@@compressed@@$# \\
       || %{QUERY_STRING} =~ m#(^|&)v=[0-9a-f]+(&|$)#">
    Header set Cache-Control "@@immutable@@"
  </If>
</IfModule>
"""


def _rewrites(encoding: str, suffix: str) -> str:
    """A file, then a folder's index.html, to its ``suffix`` copy when the browser accepts it."""
    accepts = f"  RewriteCond %{{HTTP:Accept-Encoding}} \\b{encoding}\\b"
    return "\n".join(
        (
            accepts,
            "  RewriteCond %{REQUEST_FILENAME} -f",
            f"  RewriteCond %{{REQUEST_FILENAME}}{suffix} -f",
            f"  RewriteRule ^(.+)$ $1{suffix} [L]",
            accepts,
            f"  RewriteCond %{{REQUEST_FILENAME}}/index.html{suffix} -f",
            f"  RewriteRule ^(.*/)?$ $1index.html{suffix} [L]",
        )
    )


def htaccess() -> str:
    types = "\n".join(f"  AddType {kind} {suffix}" for suffix, kind in TYPES.items())
    fields = {
        "types": types,
        "encodings": "\n".join(
            f"  AddEncoding {encoding} {suffix}" for encoding, suffix in PRECOMPRESSED
        ),
        "rewrites": "\n".join(_rewrites(*pair) for pair in PRECOMPRESSED),
        "utf8": " ".join(UTF8_SUFFIXES),
        "compressed": COMPRESSED_SUFFIX,
        "revalidate": REVALIDATE,
        "immutable": IMMUTABLE,
    }
    text = HTACCESS
    for name, value in fields.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def web_config() -> str:
    """IIS: types (IIS refuses to serve an extension it has no type for), its own static
    compression, and caching (a year in the versioned runtime folder, revalidation elsewhere)."""
    mime_maps = "\n".join(
        f"      <remove fileExtension={quoteattr(suffix)} />\n"
        f"      <mimeMap fileExtension={quoteattr(suffix)} mimeType={quoteattr(kind)} />"
        for suffix, kind in TYPES.items()
    )
    days = IMMUTABLE_MAX_AGE // 86_400
    return f"""\
<?xml version="1.0" encoding="utf-8"?>
<!-- Written by the site's build (build_tools/hosting/server_files.py): content types, IIS's
     own static compression, and caching. To serve the build's precompressed .br/.gz files,
     see the README ("Hosting", IIS): that needs the URL Rewrite module. -->
<configuration>
  <system.webServer>
    <staticContent>
{mime_maps}
      <clientCache cacheControlMode="DisableCache" />
    </staticContent>
    <urlCompression doStaticCompression="true" doDynamicCompression="false" />
  </system.webServer>
  <location path="assets/pyodide">
    <system.webServer>
      <staticContent>
        <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="{days}.00:00:00"
                     cacheControlCustom="public, immutable" />
      </staticContent>
    </system.webServer>
  </location>
</configuration>
"""
