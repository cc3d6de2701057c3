"""Draw the Care Plug brand icon: custom_components/care_plug/brand/icon.png and icon@2x.png.

    .venv/bin/python -m tools.make_icon

Original artwork, drawn from geometry with the standard library only: a warm orange wall
plate holding a round (Schuko-like) socket, with a small heart badge on its lower right.
Every shape is a signed distance function in unit coordinates (0..1, y down); a pixel's
coverage of a shape comes from its distance to the edge, which anti-aliases the edges
without supersampling. The layers are composited back to front and written as an RGBA PNG
(Home Assistant brand rules: square, 256x256 and 512x512, transparent background, filling
the canvas, losslessly compressed).
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRAND_DIR = ROOT / "custom_components" / "care_plug" / "brand"

type Rgb = tuple[int, int, int]
# Signed distance from a point to a shape's edge: negative inside, positive outside.
type Sdf = Callable[[float, float], float]


def circle(cx: float, cy: float, radius: float) -> Sdf:
    """A disc."""

    def sdf(x: float, y: float) -> float:
        return math.hypot(x - cx, y - cy) - radius

    return sdf


def rounded_box(cx: float, cy: float, half: float, radius: float, angle: float = 0.0) -> Sdf:
    """A square of half side `half` with rounded corners, turned by `angle` radians."""
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    inner = half - radius

    def sdf(x: float, y: float) -> float:
        dx, dy = x - cx, y - cy
        u = abs(dx * cos_a + dy * sin_a) - inner
        v = abs(-dx * sin_a + dy * cos_a) - inner
        outside = math.hypot(max(u, 0.0), max(v, 0.0))
        return outside + min(max(u, v), 0.0) - radius

    return sdf


def union(*shapes: Sdf) -> Sdf:
    """Several shapes as one."""

    def sdf(x: float, y: float) -> float:
        return min(shape(x, y) for shape in shapes)

    return sdf


def grown(shape: Sdf, margin: float) -> Sdf:
    """A shape widened by `margin` all round (an outline when drawn beneath it)."""

    def sdf(x: float, y: float) -> float:
        return shape(x, y) - margin

    return sdf


def heart(cx: float, cy: float, width: float) -> Sdf:
    """A heart centred on (cx, cy): a square turned 45 degrees, a disc on each upper side."""
    side = width / (0.5 + 1 / math.sqrt(2))
    # The plain construction spans -0.854 to +0.707 sides vertically: centre it.
    oy = cy + 0.0732 * side
    lobe = side / (2 * math.sqrt(2))
    return union(
        rounded_box(cx, oy, side / 2, side * 0.08, math.pi / 4),
        circle(cx - lobe, oy - lobe, side / 2),
        circle(cx + lobe, oy - lobe, side / 2),
    )


def hex_rgb(code: str) -> Rgb:
    """'#RRGGBB' as a tuple."""
    value = int(code.removeprefix("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


PLATE = hex_rgb("#F08A3C")
PLATE_SHADE = hex_rgb("#D96F24")
FACE = hex_rgb("#FFF8F0")
RECESS = hex_rgb("#F8DEC6")
CLIP = hex_rgb("#E2B58E")
HOLE = hex_rgb("#5B3421")
HEART = hex_rgb("#E0364E")

SOCKET_X, SOCKET_Y = 0.47, 0.47
BADGE = heart(0.75, 0.75, 0.29)

# Back to front.
LAYERS: Sequence[tuple[Sdf, Rgb]] = (
    (rounded_box(0.5, 0.5, 0.5, 0.22), PLATE),
    (circle(SOCKET_X, SOCKET_Y + 0.015, 0.375), PLATE_SHADE),
    (circle(SOCKET_X, SOCKET_Y, 0.375), FACE),
    (circle(SOCKET_X, SOCKET_Y, 0.3), RECESS),
    (rounded_box(SOCKET_X, SOCKET_Y - 0.265, 0.045, 0.015), CLIP),
    (rounded_box(SOCKET_X, SOCKET_Y + 0.265, 0.045, 0.015), CLIP),
    (circle(SOCKET_X - 0.11, SOCKET_Y, 0.052), HOLE),
    (circle(SOCKET_X + 0.11, SOCKET_Y, 0.052), HOLE),
    (grown(BADGE, 0.035), FACE),
    (BADGE, HEART),
)


def render(size: int) -> bytes:
    """The icon as straight-alpha RGBA rows, top to bottom."""
    out = bytearray()
    for row in range(size):
        y = (row + 0.5) / size
        for col in range(size):
            x = (col + 0.5) / size
            red = green = blue = alpha = 0.0  # premultiplied
            for shape, (r, g, b) in LAYERS:
                cover = min(max(0.5 - shape(x, y) * size, 0.0), 1.0)
                if cover:
                    keep = 1.0 - cover
                    red = r * cover + red * keep
                    green = g * cover + green * keep
                    blue = b * cover + blue * keep
                    alpha = cover + alpha * keep
            if alpha:
                out += bytes(
                    (
                        round(red / alpha),
                        round(green / alpha),
                        round(blue / alpha),
                        round(alpha * 255),
                    )
                )
            else:
                out += bytes(4)
    return bytes(out)


def _paeth(left: int, up: int, up_left: int) -> int:
    guess = left + up - up_left
    to_left, to_up, to_up_left = abs(guess - left), abs(guess - up), abs(guess - up_left)
    if to_left <= to_up and to_left <= to_up_left:
        return left
    return up if to_up <= to_up_left else up_left


def _filtered(kind: int, line: bytes, prior: bytes, bpp: int) -> bytes:
    """One scanline under PNG filter `kind` (0 none, 1 sub, 2 up, 3 average, 4 Paeth)."""
    result = bytearray(len(line))
    for i, value in enumerate(line):
        left = line[i - bpp] if i >= bpp else 0
        up = prior[i]
        up_left = prior[i - bpp] if i >= bpp else 0
        predictor = (0, left, up, (left + up) // 2, _paeth(left, up, up_left))[kind]
        result[i] = (value - predictor) & 0xFF
    return bytes(result)


def encode_png(size: int, rgba: bytes) -> bytes:
    """A square RGBA image as a PNG, each row under the filter that suits it best."""
    stride = size * 4
    prior = bytes(stride)
    raw = bytearray()
    for row in range(size):
        line = rgba[row * stride : (row + 1) * stride]
        candidates = [_filtered(kind, line, prior, 4) for kind in range(5)]
        # The usual heuristic: the smallest sum of the bytes taken as signed values.
        kind = min(range(5), key=lambda k: sum(min(v, 256 - v) for v in candidates[k]))
        raw += bytes((kind,)) + candidates[kind]
        prior = line

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    """Write icon.png (256 px) and icon@2x.png (512 px)."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        path = BRAND_DIR / name
        path.write_bytes(encode_png(size, render(size)))
        print(f"{path.relative_to(ROOT)}: {size}x{size}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
