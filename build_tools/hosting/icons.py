"""The web app's icons, drawn at build time (no binary files in the repository): a white
cross on the theme's indigo, full bleed so that one image serves as both an ``any`` and a
``maskable`` icon (the cross stays inside the central 60 %, well within the safe zone)."""

from __future__ import annotations

import functools
import struct
import zlib

BACKGROUND = (0x3F, 0x51, 0xB5)  # mkdocs-material's indigo, the site's primary colour
FOREGROUND = (0xFF, 0xFF, 0xFF)
SIZES = (192, 512)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _in_cross(x: int, y: int, size: int) -> bool:
    """A plus sign: arms 1/5 of the size wide, 3/5 long, centred."""
    arm, reach = size / 10, size * 3 / 10
    dx, dy = abs(x + 0.5 - size / 2), abs(y + 0.5 - size / 2)
    return (dx <= arm and dy <= reach) or (dy <= arm and dx <= reach)


def _row(y: int, size: int) -> bytes:
    """Scanline ``y``: the cross is one run of foreground in each row that meets it."""
    inside = [x for x in (size // 2 - 1, size // 2) if _in_cross(x, y, size)]
    background, foreground = bytes(BACKGROUND), bytes(FOREGROUND)
    if not inside:
        return b"\x00" + background * size  # filter type 0, then the pixels
    left = inside[0]
    while left > 0 and _in_cross(left - 1, y, size):
        left -= 1
    width = size - 2 * left  # symmetric about the centre
    return b"\x00" + background * left + foreground * width + background * left


@functools.cache
def icon_png(size: int) -> bytes:
    """A ``size`` x ``size`` RGB PNG (``size`` even); deterministic bytes."""
    rows = b"".join(_row(y, size) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
