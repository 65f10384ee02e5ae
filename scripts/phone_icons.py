"""Draw the phone app's icons (qiaomen/mobile/static/mobile/icon-*.png): a white door with its
knob on 敲门 red, as square PNGs. Run once after changing the drawing; the files are committed.

    .venv/bin/python scripts/phone_icons.py

Written with zlib alone: two flat shapes do not need an imaging library in the project.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "qiaomen" / "mobile" / "static" / "mobile"
RED = (0xA3, 0x20, 0x1C)
WHITE = (0xFF, 0xFF, 0xFF)
SIZES = (192, 512)


def pixel(x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) in a unit square: the door fills the middle 40 % by 60 %, its knob is
    a red dot on the right; a maskable icon keeps everything inside the central 80 % circle."""
    if (x - 0.59) ** 2 + (y - 0.53) ** 2 < 0.035**2:
        return RED
    if 0.30 <= x <= 0.70 and 0.22 <= y <= 0.80:
        return WHITE
    return RED


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + bytes(channel for x in range(size) for channel in pixel((x + 0.5) / size, (y + 0.5) / size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for size in SIZES:
        (FOLDER / f"icon-{size}.png").write_bytes(png(size))
        print(f"{FOLDER / f'icon-{size}.png'}")
