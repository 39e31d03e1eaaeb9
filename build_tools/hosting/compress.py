"""Precompressed copies of the built site's large text and wasm files: ``<file>.br`` and
``<file>.gz`` beside each, for servers that send a precompressed sibling when the browser
accepts it (nginx ``gzip_static``, the ``.htaccess`` and ``web.config`` the build writes,
``devtools.serve``). Python's own server and most intranet set-ups compress nothing: the
runtime alone is ~13 MB raw, ~5.5 MB with brotli.

Deterministic: gzip without a file name or time stamp, brotli at fixed settings, so a build of
the same sources gives the same bytes. Brotli's best setting (quality 11) takes ~1 min for the
9.6 MB wasm, so files over :data:`BEST_QUALITY_MAX_BYTES` get quality 9 (~4 s, 13 % larger), and
every result is cached by content hash (most files are the same from build to build) beside
the bytecode cache (``.cache/precompressed``, or ``$GUIDELINE_CACHE_DIR/precompressed``): a
build compresses only the files whose bytes changed (adding a guideline: its own files, the
home page, the search index and a few more; see benchmarks/bench_scale.py,
``navigation_change``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli

from build_tools.hosting.policy import PRECOMPRESSED, compressible

ENCODINGS = tuple(suffix for _, suffix in PRECOMPRESSED)
BEST_QUALITY_MAX_BYTES = 2 * 1024 * 1024
# Brotli's best setting costs ~10 ms even for a small file (the theme's 34 search-language
# scripts alone: 0.4 s a build): every file goes through the cache, and most are the same from
# build to build.
# Besides the entries of the last build (never dropped: however large the site, an unchanged file
# is not compressed again), the cache keeps this many others, the most recently used: other sites
# sharing it (test builds, the benchmark's sizes) and earlier versions of files.
CACHE_MAX_ENTRIES = 2000
CACHE_FORMAT = "1"  # bump when the settings below change


def brotli_bytes(data: bytes) -> bytes:
    quality = 11 if len(data) <= BEST_QUALITY_MAX_BYTES else 9
    return bytes(brotli.compress(data, quality=quality))


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {".br": brotli_bytes, ".gz": gzip_bytes}


@dataclass(frozen=True)
class Compressed:
    path: str  # relative to the site root, with '/'
    size: int
    sizes: dict[str, int]  # encoding suffix -> bytes


class CompressionCache:
    """Compressed bytes by (encoding, content hash); a missing or read-only folder only means
    compressing again. One instance per build: it remembers the entries the build used."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.used: set[str] = set()  # the entries this build read or wrote

    def get(self, suffix: str, data: bytes) -> bytes:
        compress = COMPRESSORS[suffix]
        if self.directory is None:
            return compress(data)
        name = f"{CACHE_FORMAT}-{hashlib.sha256(data).hexdigest()}{suffix}"
        self.used.add(name)
        path = self.directory / name
        with contextlib.suppress(OSError):
            cached = path.read_bytes()
            os.utime(path)  # recently used: kept by prune()
            return cached
        result = compress(data)
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, delete=False) as temp:
                temp.write(result)
            os.replace(temp.name, path)
        return result

    def prune(self) -> None:
        """Keep every entry this build used and the CACHE_MAX_ENTRIES most recently used others."""
        if self.directory is None:
            return
        with contextlib.suppress(OSError):
            others = sorted(
                (
                    path
                    for path in self.directory.glob(f"{CACHE_FORMAT}-*")
                    if path.name not in self.used
                ),
                key=lambda path: path.stat().st_mtime,
                reverse=True,
            )
            for path in others[CACHE_MAX_ENTRIES:]:
                path.unlink(missing_ok=True)


def site_files(site_dir: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and not path.name.endswith(ENCODINGS):
            yield path.relative_to(site_dir).as_posix(), path


def precompress(site_dir: Path, cache: CompressionCache) -> list[Compressed]:
    """Write ``.br`` and ``.gz`` beside every compressible file of ``site_dir`` (replacing
    stale ones); a compressed copy that would not be smaller is not written."""
    written = []
    for relative, path in site_files(site_dir):
        size = path.stat().st_size
        if not compressible(relative, size):
            continue
        data = path.read_bytes()
        sizes = {}
        for suffix in ENCODINGS:
            target = path.with_name(path.name + suffix)
            packed = cache.get(suffix, data)
            if len(packed) >= size:
                target.unlink(missing_ok=True)
                continue
            target.write_bytes(packed)
            sizes[suffix] = len(packed)
        written.append(Compressed(relative, size, sizes))
    cache.prune()
    return written
