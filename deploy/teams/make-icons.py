#!/usr/bin/env python3
"""Draws TriageBot's Teams icons as real PNGs with the standard library only (zlib + struct).

color.png   192x192: white funnel with a check on the accent colour, full bleed.
outline.png  32x32:  the same funnel in white on a transparent background (Teams requires that).
"""
import struct
import zlib
from pathlib import Path

ACCENT = (0x46, 0x4E, 0xB8)  # Teams-friendly indigo


def png(width, height, pixels):
    """pixels: list of rows, each a list of (r, g, b, a)."""
    raw = b"".join(b"\x00" + b"".join(struct.pack("BBBB", *p) for p in row) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def inside_funnel(x, y):
    """Funnel in unit coordinates (0..1): a wide top narrowing to a spout."""
    if 0.22 <= y <= 0.50:
        half = 0.34 - (y - 0.22) * 0.85
        return abs(x - 0.5) <= half
    if 0.50 < y <= 0.80:
        return abs(x - 0.5) <= 0.07
    return False


def on_check(x, y, width):
    """A check mark to the lower right of the funnel."""
    def near(px, py, ax, ay, bx, by):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        cx, cy = ax + t * dx, ay + t * dy
        return (px - cx) ** 2 + (py - cy) ** 2 <= width * width
    return near(x, y, 0.62, 0.70, 0.70, 0.78) or near(x, y, 0.70, 0.78, 0.86, 0.60)


def draw(size, background, foreground, samples=4):
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            hits = 0
            for sj in range(samples):
                for si in range(samples):
                    x = (i + (si + 0.5) / samples) / size
                    y = (j + (sj + 0.5) / samples) / size
                    if inside_funnel(x, y) or on_check(x, y, 0.035):
                        hits += 1
            cover = hits / (samples * samples)
            if background is None:
                row.append((foreground[0], foreground[1], foreground[2], round(255 * cover)))
            else:
                mix = tuple(round(background[k] * (1 - cover) + foreground[k] * cover) for k in range(3))
                row.append((*mix, 255))
        rows.append(row)
    return png(size, size, rows)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    (here / "color.png").write_bytes(draw(192, ACCENT, (255, 255, 255)))
    (here / "outline.png").write_bytes(draw(32, None, (255, 255, 255)))
    print("wrote color.png (192x192) and outline.png (32x32)")
