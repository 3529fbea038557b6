"""A pool of procedurally drawn listing photos, generated once per MEDIA_ROOT.

A million listings with a few photos each would be millions of files, and the demo
needs pictures that look like places to stay, not unique ones. So about fifty
images (building exteriors in each property style, and a few interiors) are drawn
with Pillow from a fixed recipe and every seeded ``ListingPhoto`` row points at one
of them. Drawing is deterministic: the same file name always gives the same
picture, so a pool generated on one machine matches another's.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from listings.images import photo_variants
from listings.models import PHOTO_VARIANTS

WIDTH, HEIGHT = 1200, 800
JPEG_QUALITY = 82
POOL_DIR = "demo"
# Drawn at twice the size and downsampled: cheap anti-aliasing for the polygons.
_SS = 2

Color = tuple[int, int, int]

# (style, count): exteriors first, one style per property type, then interiors.
_POOL_LAYOUT: tuple[tuple[str, int], ...] = (
    ("apartment", 4),
    ("house", 5),
    ("cabin", 4),
    ("villa", 4),
    ("loft", 4),
    ("cottage", 4),
    ("townhouse", 4),
    ("living-room", 8),
    ("bedroom", 7),
    ("kitchen", 4),
)
EXTERIOR_STYLES = ("apartment", "house", "cabin", "villa", "loft", "cottage", "townhouse")
INTERIOR_STYLES = ("living-room", "bedroom", "kitchen")


@dataclass(frozen=True)
class PoolPhoto:
    """One image of the pool: ``name`` is the path relative to MEDIA_ROOT."""

    name: str
    style: str
    width: int = WIDTH
    height: int = HEIGHT

    def variant_name(self, variant: str) -> str:
        """The pool's own WebP variant of this image (``demo/<stem>-card.webp``), shared like the original."""
        return f"{Path(self.name).with_suffix('')}-{variant}.webp"


def photo_pool() -> list[PoolPhoto]:
    """The pool's catalogue (no file access); 48 images."""
    return [
        PoolPhoto(name=f"{POOL_DIR}/{style}-{number:02d}.jpg", style=style)
        for style, count in _POOL_LAYOUT
        for number in range(1, count + 1)
    ]


def photo_pool_ensure(*, media_root: Path) -> tuple[list[PoolPhoto], int]:
    """Draw the pool images (and their WebP variants) missing under ``media_root``; return (pool, number drawn).

    Files that already exist are left alone, so this is cheap after the first run.
    The variants are the ones an uploaded photo gets (``PHOTO_VARIANTS``, drawn by
    ``listings.images.photo_variants``), so seeded listings load phone-sized WebP
    files on cards like real ones instead of the 1200 px originals.
    """
    pool = photo_pool()
    (media_root / POOL_DIR).mkdir(parents=True, exist_ok=True)
    drawn = 0
    for photo in pool:
        path = media_root / photo.name
        if not path.exists():
            image = photo_render(name=photo.name, style=photo.style)
            # Write to a temporary name first: an interrupted run never leaves a truncated JPEG behind.
            _write_atomically(
                path, lambda partial, image=image: image.save(partial, format="JPEG", quality=JPEG_QUALITY)
            )
            drawn += 1
        missing = [variant for variant, _ in PHOTO_VARIANTS if not (media_root / photo.variant_name(variant)).exists()]
        if missing:
            with Image.open(path) as original:
                original.load()
                variants = photo_variants(original, dict(PHOTO_VARIANTS))
            for variant in missing:
                content = variants[variant][0]
                _write_atomically(
                    media_root / photo.variant_name(variant), lambda partial, c=content: partial.write_bytes(c)
                )
    return pool, drawn


def _write_atomically(path: Path, write) -> None:
    partial = path.with_name(path.name + ".partial")
    write(partial)
    partial.replace(path)


def photo_render(*, name: str, style: str) -> Image.Image:
    """Draw one picture of ``style``; ``name`` seeds the variations."""
    rng = random.Random(f"demo-photo:{name}")
    w, h = WIDTH * _SS, HEIGHT * _SS
    if style in INTERIOR_STYLES:
        image = _interior(rng, w, h, style)
    else:
        image = _exterior(rng, w, h, style)
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    return _vignette(image)


# --- colour helpers ----------------------------------------------------------


def _mix(a: Color, b: Color, t: float) -> Color:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _shade(c: Color, factor: float) -> Color:
    return (min(255, round(c[0] * factor)), min(255, round(c[1] * factor)), min(255, round(c[2] * factor)))


def _jitter(rng: random.Random, c: Color, amount: int = 12) -> Color:
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)  # type: ignore[return-value]


def _gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    strip = Image.linear_gradient("L").resize((1, 256))
    return ImageOps.colorize(strip, black=top, white=bottom).resize(size, Image.Resampling.BILINEAR)


def _vignette(image: Image.Image) -> Image.Image:
    mask = Image.radial_gradient("L").resize(image.size, Image.Resampling.BILINEAR)
    mask = mask.point(lambda v: max(0, v - 120) * 0.45)
    dark = Image.new("RGB", image.size, (20, 16, 24))
    return Image.composite(dark, image, mask)


# --- exteriors ---------------------------------------------------------------

_SKIES: dict[str, tuple[Color, Color, Color | None, bool]] = {
    # name: (top, horizon, sun colour or None, windows lit)
    "day": ((62, 124, 201), (178, 214, 240), (255, 250, 220), False),
    "golden": ((86, 118, 186), (250, 206, 150), (255, 214, 140), False),
    "sunset": ((58, 48, 112), (246, 146, 96), (255, 190, 120), True),
    "dusk": ((18, 26, 66), (98, 84, 146), None, True),
    "overcast": ((132, 144, 158), (206, 210, 214), None, False),
}
_GROUNDS: dict[str, tuple[Color, Color]] = {
    "grass": ((96, 150, 78), (46, 98, 44)),
    "dry": ((196, 176, 120), (150, 128, 82)),
    "snow": ((236, 240, 246), (204, 214, 228)),
    "pavement": ((150, 148, 146), (98, 96, 96)),
    "sand": ((232, 212, 164), (204, 178, 126)),
}
_WALLS: tuple[Color, ...] = (
    (240, 236, 228),
    (236, 220, 180),
    (206, 120, 88),
    (124, 144, 166),
    (156, 176, 146),
    (232, 186, 182),
    (240, 204, 112),
    (214, 206, 196),
)
_ROOFS: tuple[Color, ...] = ((120, 58, 44), (70, 72, 80), (150, 84, 56), (54, 60, 70), (96, 52, 40))

_STYLE_SETTINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # style: (skies, grounds)
    "apartment": (("day", "golden", "sunset", "dusk", "overcast"), ("pavement",)),
    "house": (("day", "golden", "sunset", "overcast"), ("grass", "grass", "dry")),
    "cabin": (("day", "golden", "dusk", "overcast"), ("snow", "grass", "snow")),
    "villa": (("day", "golden", "sunset"), ("sand", "dry", "grass")),
    "loft": (("day", "golden", "dusk", "overcast"), ("pavement",)),
    "cottage": (("day", "golden", "overcast"), ("grass",)),
    "townhouse": (("day", "golden", "sunset", "dusk"), ("pavement",)),
}


def _exterior(rng: random.Random, w: int, h: int, style: str) -> Image.Image:
    skies, grounds = _STYLE_SETTINGS[style]
    sky_name = rng.choice(skies)
    top, horizon, sun, lit = _SKIES[sky_name]
    horizon_y = int(h * rng.uniform(0.62, 0.7))
    image = _gradient((w, h), top, horizon)
    _sun_and_clouds(rng, image, horizon_y, sun, cloudy=sky_name == "overcast")
    draw = ImageDraw.Draw(image)
    _hills(rng, draw, w, horizon_y, horizon, snowy="snow" in grounds and style == "cabin")
    ground_name = rng.choice(grounds)
    near, far = _GROUNDS[ground_name]
    image.paste(_gradient((w, h - horizon_y), _mix(near, horizon, 0.25), far), (0, horizon_y))
    draw = ImageDraw.Draw(image)
    window = (255, 208, 120) if lit else _mix(horizon, (60, 90, 120), 0.45)
    builder = _BUILDERS[style]
    builder(rng, draw, w, h, horizon_y, window, ground_name)
    return image


def _sun_and_clouds(rng: random.Random, image: Image.Image, horizon_y: int, sun: Color | None, *, cloudy: bool) -> None:
    w, h = image.size
    # Soft shapes are drawn on a quarter-size layer, blurred, then scaled up: fast and smooth.
    layer = Image.new("RGBA", (w // 4, h // 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if sun is not None:
        sx, sy = rng.uniform(0.12, 0.88) * w / 4, rng.uniform(0.12, 0.5) * horizon_y / 4
        for radius, alpha in ((60, 40), (38, 80), (22, 255)):
            draw.ellipse((sx - radius, sy - radius, sx + radius, sy + radius), fill=(*sun, alpha))
    for _ in range(rng.randint(2, 5) + (6 if cloudy else 0)):
        cx, cy = rng.uniform(0, w / 4), rng.uniform(0.05, 0.55) * horizon_y / 4
        tone = rng.randint(225, 255) if not cloudy else rng.randint(170, 215)
        for _ in range(rng.randint(3, 6)):
            rx, ry = rng.uniform(18, 55), rng.uniform(8, 18)
            ox, oy = rng.uniform(-50, 50), rng.uniform(-8, 8)
            draw.ellipse((cx + ox - rx, cy + oy - ry, cx + ox + rx, cy + oy + ry), fill=(tone, tone, tone, 150))
    layer = layer.filter(ImageFilter.GaussianBlur(4)).resize((w, h), Image.Resampling.BILINEAR)
    image.paste(layer, (0, 0), layer)


def _ridge(rng: random.Random, w: int, base_y: int, amplitude: float) -> list[tuple[float, float]]:
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    freqs = (rng.uniform(1.0, 2.0), rng.uniform(2.5, 4.5), rng.uniform(6, 9))
    points = [(0.0, float(base_y))]
    for step in range(0, 41):
        x = w * step / 40
        u = x / w * math.tau
        y = sum(math.sin(u * f + p) / (i + 1) for i, (f, p) in enumerate(zip(freqs, phases, strict=True)))
        points.append((x, base_y - amplitude * (0.55 + 0.35 * y)))
    points.append((float(w), float(base_y)))
    return points


def _hills(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, horizon_y: int, horizon: Color, *, snowy: bool
) -> None:
    far = _mix(horizon, (70, 96, 120) if not snowy else (150, 160, 180), 0.45)
    draw.polygon(_ridge(rng, w, horizon_y, horizon_y * (0.32 if snowy else 0.16)), fill=far)
    near = _mix(horizon, (60, 96, 70), 0.6)
    draw.polygon(_ridge(rng, w, horizon_y, horizon_y * 0.07), fill=near)


def _windows(
    draw: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    *,
    cols: int,
    rows: int,
    glass: Color,
    frame: Color,
    fill_ratio: float = 0.55,
    arched: bool = False,
    skip: set[tuple[int, int]] | None = None,
) -> None:
    x0, y0, x1, y1 = box
    cw, rh = (x1 - x0) / cols, (y1 - y0) / rows
    ww, wh = cw * fill_ratio, rh * fill_ratio
    for r in range(rows):
        for c in range(cols):
            if skip and (r, c) in skip:
                continue
            wx, wy = x0 + c * cw + (cw - ww) / 2, y0 + r * rh + (rh - wh) / 2
            draw.rectangle((wx - 5, wy - 5, wx + ww + 5, wy + wh + 5), fill=frame)
            draw.rectangle((wx, wy, wx + ww, wy + wh), fill=glass)
            if arched:
                draw.pieslice((wx - 5, wy - ww / 2 - 5, wx + ww + 5, wy + ww / 2 + 5), 180, 360, fill=frame)
                draw.pieslice((wx, wy - ww / 2, wx + ww, wy + ww / 2), 180, 360, fill=glass)
            draw.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=frame, width=4)
            draw.line((wx, wy + wh / 2, wx + ww, wy + wh / 2), fill=frame, width=4)


def _door(draw: ImageDraw.ImageDraw, cx: float, base_y: float, width: float, height: float, color: Color) -> None:
    draw.rectangle((cx - width / 2 - 6, base_y - height - 6, cx + width / 2 + 6, base_y), fill=(236, 232, 224))
    draw.rectangle((cx - width / 2, base_y - height, cx + width / 2, base_y), fill=color)
    draw.ellipse(
        (cx + width / 4 - 5, base_y - height / 2 - 5, cx + width / 4 + 5, base_y - height / 2 + 5), fill=(220, 190, 90)
    )


def _shadow(draw: ImageDraw.ImageDraw, x0: float, x1: float, base_y: float, ground: Color) -> None:
    draw.ellipse((x0 - 40, base_y - 18, x1 + 40, base_y + 26), fill=_shade(ground, 0.78))


def _tree(
    rng: random.Random, draw: ImageDraw.ImageDraw, x: float, base_y: float, size: float, *, conifer: bool
) -> None:
    green = _jitter(rng, (52, 104, 58) if conifer else (74, 128, 62), 14)
    draw.rectangle((x - size * 0.06, base_y - size * 0.45, x + size * 0.06, base_y), fill=(92, 64, 44))
    if conifer:
        for i in range(3):
            top = base_y - size * (1.25 - i * 0.25)
            spread = size * (0.28 + i * 0.1)
            draw.polygon(
                ((x, top), (x - spread, top + size * 0.5), (x + spread, top + size * 0.5)),
                fill=_shade(green, 1 - i * 0.08),
            )
    else:
        for dx, dy, r in ((0, -0.75, 0.38), (-0.22, -0.6, 0.28), (0.24, -0.58, 0.3)):
            cx, cy, rr = x + dx * size, base_y + dy * size, r * size
            draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=green)


def _ground_color(ground_name: str) -> Color:
    return _GROUNDS[ground_name][0]


def _build_house(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.45
    bw, bh = w * rng.uniform(0.36, 0.46), h * rng.uniform(0.25, 0.31)
    x0 = (w - bw) / 2 + rng.uniform(-0.08, 0.08) * w
    wall, roof = _jitter(rng, rng.choice(_WALLS)), rng.choice(_ROOFS)
    _shadow(draw, x0, x0 + bw, base, _ground_color(ground_name))
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=wall)
    roof_h = bh * rng.uniform(0.45, 0.65)
    chimney_x = x0 + bw * rng.uniform(0.62, 0.78)
    draw.rectangle(
        (chimney_x, base - bh - roof_h * 0.85, chimney_x + bw * 0.07, base - bh - roof_h * 0.3), fill=_shade(roof, 0.8)
    )
    draw.polygon(
        ((x0 - bw * 0.06, base - bh), (x0 + bw / 2, base - bh - roof_h), (x0 + bw * 1.06, base - bh)), fill=roof
    )
    door_col = rng.randrange(3)
    _windows(
        draw, (x0, base - bh, x0 + bw, base), cols=3, rows=2, glass=window, frame=(245, 242, 236), skip={(1, door_col)}
    )
    _door(draw, x0 + bw * (door_col + 0.5) / 3, base, bw * 0.12, bh * 0.42, _jitter(rng, (70, 90, 120), 30))
    for side in (-1, 1):
        _tree(
            rng, draw, w / 2 + side * w * rng.uniform(0.32, 0.44), base + rng.uniform(-20, 40), h * 0.3, conifer=False
        )


def _build_cabin(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.5
    bw, bh = w * rng.uniform(0.32, 0.4), h * 0.2
    x0 = (w - bw) / 2 + rng.uniform(-0.06, 0.06) * w
    timber = _jitter(rng, (128, 82, 48), 14)
    _shadow(draw, x0, x0 + bw, base, _ground_color(ground_name))
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=timber)
    for y in range(int(base - bh), int(base), 26):
        draw.line((x0, y, x0 + bw, y), fill=_shade(timber, 0.78), width=5)
    roof = rng.choice(((62, 74, 60), (76, 50, 38), (48, 52, 60)))
    roof_h = bh * rng.uniform(1.0, 1.3)
    draw.polygon(((x0 - bw * 0.1, base - bh), (x0 + bw / 2, base - bh - roof_h), (x0 + bw * 1.1, base - bh)), fill=roof)
    if ground_name == "snow":
        draw.polygon(
            (
                (x0 - bw * 0.1, base - bh),
                (x0 + bw / 2, base - bh - roof_h),
                (x0 + bw / 2, base - bh - roof_h + 24),
                (x0 - bw * 0.05, base - bh + 6),
            ),
            fill=(240, 244, 250),
        )
    gable = (x0 + bw / 2 - bw * 0.1, base - bh - roof_h * 0.55, x0 + bw / 2 + bw * 0.1, base - bh - roof_h * 0.2)
    draw.rectangle(gable, fill=window)
    _windows(draw, (x0, base - bh, x0 + bw, base), cols=3, rows=1, glass=window, frame=(92, 60, 36), skip={(0, 1)})
    _door(draw, x0 + bw / 2, base, bw * 0.14, bh * 0.7, (86, 54, 34))
    draw.rectangle((x0 - bw * 0.04, base - 10, x0 + bw * 1.04, base + 12), fill=_shade(timber, 0.7))
    for i in range(rng.randint(4, 7)):
        side = -1 if i % 2 else 1
        _tree(
            rng,
            draw,
            w / 2 + side * w * rng.uniform(0.28, 0.5),
            base + rng.uniform(-60, 60),
            h * rng.uniform(0.3, 0.45),
            conifer=True,
        )


def _build_apartment(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.35
    # Neighbouring blocks first (behind), then the main one.
    for side in (-1, 1):
        nw, nh = w * rng.uniform(0.22, 0.3), h * rng.uniform(0.35, 0.5)
        nx = w / 2 + side * w * 0.33 - nw / 2
        tone = _shade(_jitter(rng, rng.choice(_WALLS)), 0.82)
        draw.rectangle((nx, base - nh, nx + nw, base), fill=tone)
        _windows(
            draw,
            (nx, base - nh, nx + nw, base),
            cols=4,
            rows=7,
            glass=_shade(window, 0.85),
            frame=_shade(tone, 0.9),
            fill_ratio=0.5,
        )
    bw, bh = w * rng.uniform(0.34, 0.42), h * rng.uniform(0.56, 0.66)
    x0 = (w - bw) / 2
    wall = _jitter(rng, rng.choice(_WALLS))
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=wall)
    draw.rectangle((x0 - 10, base - bh - 24, x0 + bw + 10, base - bh), fill=_shade(wall, 0.8))
    rows = 9
    _windows(
        draw,
        (x0, base - bh, x0 + bw, base - bh / rows),
        cols=5,
        rows=rows - 1,
        glass=window,
        frame=(246, 244, 240),
        fill_ratio=0.58,
    )
    if rng.random() < 0.6:
        for r in range(1, rows - 1):
            y = base - bh + r * (bh - bh / rows) / (rows - 1) + 8
            draw.rectangle((x0 + bw * 0.08, y - 14, x0 + bw * 0.92, y), fill=_shade(wall, 0.7))
    _door(draw, x0 + bw / 2, base, bw * 0.16, bh / rows * 0.9, (60, 66, 74))
    draw.rectangle((0, base, w, base + 30), fill=(120, 118, 116))


def _build_villa(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.35
    bw, bh = w * rng.uniform(0.5, 0.6), h * rng.uniform(0.2, 0.26)
    x0 = (w - bw) / 2
    wall = _jitter(rng, rng.choice(((244, 240, 232), (238, 222, 196), (226, 200, 170))), 6)
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=wall)
    upper_w = bw * rng.uniform(0.45, 0.6)
    ux = x0 + (bw - upper_w) * rng.uniform(0.1, 0.9)
    draw.rectangle((ux, base - bh * 1.8, ux + upper_w, base - bh), fill=_shade(wall, 0.96))
    for top, left, right in ((base - bh * 1.8, ux, ux + upper_w), (base - bh, x0, x0 + bw)):
        draw.rectangle((left - 16, top - 14, right + 16, top + 4), fill=(250, 250, 248))
    _windows(
        draw,
        (ux, base - bh * 1.8, ux + upper_w, base - bh),
        cols=3,
        rows=1,
        glass=window,
        frame=(60, 60, 64),
        fill_ratio=0.7,
    )
    _windows(draw, (x0, base - bh, x0 + bw, base), cols=5, rows=1, glass=window, frame=(60, 60, 64), fill_ratio=0.72)
    pool_top = base + (h - base) * 0.25
    draw.rounded_rectangle((w * 0.2, pool_top, w * 0.8, pool_top + (h - base) * 0.35), radius=20, fill=(236, 232, 224))
    draw.rounded_rectangle(
        (w * 0.22, pool_top + 14, w * 0.78, pool_top + (h - base) * 0.35 - 14), radius=14, fill=(64, 170, 206)
    )
    for i in range(6):
        y = pool_top + 40 + i * 22
        x = w * rng.uniform(0.26, 0.6)
        draw.line((x, y, x + w * 0.1, y), fill=(150, 220, 240), width=4)
    for side in (-1, 1):
        _palm(rng, draw, w / 2 + side * w * rng.uniform(0.36, 0.44), base + 40, h * 0.5)


def _palm(rng: random.Random, draw: ImageDraw.ImageDraw, x: float, base_y: float, height: float) -> None:
    lean = rng.uniform(-0.15, 0.15) * height
    top = (x + lean, base_y - height)
    draw.line((x, base_y, x + lean * 0.5, base_y - height * 0.5, *top), fill=(120, 92, 60), width=22, joint="curve")
    green = _jitter(rng, (52, 120, 60), 12)
    for angle in range(0, 360, 45):
        a = math.radians(angle + rng.uniform(-10, 10))
        tip = (top[0] + math.cos(a) * height * 0.3, top[1] + math.sin(a) * height * 0.14 + height * 0.06)
        mid = ((top[0] + tip[0]) / 2, (top[1] + tip[1]) / 2 - height * 0.05)
        draw.line((*top, *mid, *tip), fill=green, width=26, joint="curve")


def _build_loft(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.35
    bw, bh = w * rng.uniform(0.55, 0.7), h * rng.uniform(0.45, 0.55)
    x0 = (w - bw) / 2
    brick = _jitter(rng, (148, 70, 52), 14)
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=brick)
    for y in range(int(base - bh), int(base), 18):
        draw.line((x0, y, x0 + bw, y), fill=_shade(brick, 0.9), width=2)
    draw.rectangle((x0 - 8, base - bh - 20, x0 + bw + 8, base - bh), fill=_shade(brick, 0.7))
    _windows(
        draw,
        (x0, base - bh + 30, x0 + bw, base - bh * 0.18),
        cols=6,
        rows=3,
        glass=window,
        frame=(44, 44, 48),
        fill_ratio=0.62,
        arched=True,
    )
    draw.rectangle((x0 + bw * 0.35, base - bh * 0.16, x0 + bw * 0.65, base), fill=(52, 52, 56))
    if rng.random() < 0.7:
        tx = x0 + bw * rng.uniform(0.15, 0.7)
        top = base - bh - 20
        for leg in (0, 1, 2):
            draw.line((tx + leg * 40, top, tx + leg * 40, top - 70), fill=(60, 50, 44), width=8)
        draw.rectangle((tx - 10, top - 200, tx + 90, top - 70), fill=(122, 88, 60))
        draw.polygon(((tx - 20, top - 200), (tx + 40, top - 260), (tx + 100, top - 200)), fill=(70, 60, 56))
    draw.rectangle((0, base, w, base + 30), fill=(120, 118, 116))


def _build_cottage(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.5
    bw, bh = w * rng.uniform(0.3, 0.36), h * 0.18
    x0 = (w - bw) / 2 + rng.uniform(-0.05, 0.05) * w
    wall = _jitter(rng, rng.choice(((242, 236, 220), (236, 226, 200), (220, 214, 204))), 6)
    _shadow(draw, x0, x0 + bw, base, _ground_color(ground_name))
    draw.rectangle((x0, base - bh, x0 + bw, base), fill=wall)
    thatch = _jitter(rng, (168, 132, 76), 12)
    roof_h = bh * 0.9
    draw.rounded_rectangle(
        (x0 - bw * 0.08, base - bh - roof_h, x0 + bw * 1.08, base - bh + 20), radius=int(roof_h * 0.6), fill=thatch
    )
    draw.rectangle((x0 - bw * 0.08, base - bh - 10, x0 + bw * 1.08, base - bh + 20), fill=_shade(thatch, 0.85))
    _windows(draw, (x0, base - bh, x0 + bw, base), cols=3, rows=1, glass=window, frame=(250, 250, 250), skip={(0, 1)})
    _door(draw, x0 + bw / 2, base, bw * 0.14, bh * 0.62, _jitter(rng, (60, 100, 80), 30))
    flower_colors = ((230, 80, 90), (250, 200, 60), (180, 110, 210), (250, 250, 250))
    for _ in range(40):
        fx, fy = x0 + rng.uniform(-0.05, 1.05) * bw, base + rng.uniform(4, 40)
        r = rng.uniform(6, 11)
        draw.ellipse((fx - r, fy - r, fx + r, fy + r), fill=rng.choice(flower_colors))
    fence_y = base + (h - base) * 0.55
    for fx in range(0, w, 60):
        draw.rectangle((fx, fence_y - 70, fx + 16, fence_y), fill=(236, 232, 222))
    draw.rectangle((0, fence_y - 52, w, fence_y - 42), fill=(236, 232, 222))
    _tree(rng, draw, w * rng.choice((0.15, 0.85)), base, h * 0.36, conifer=False)


def _build_townhouse(
    rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, horizon_y: int, window: Color, ground_name: str
) -> None:
    base = horizon_y + (h - horizon_y) * 0.35
    count = rng.randint(3, 5)
    unit = w * 0.86 / count
    x = w * 0.07
    for _ in range(count):
        uh = h * rng.uniform(0.4, 0.52)
        wall = _jitter(rng, rng.choice(_WALLS))
        draw.rectangle((x, base - uh, x + unit, base), fill=wall)
        if rng.random() < 0.5:
            draw.polygon(
                ((x, base - uh), (x + unit / 2, base - uh - unit * 0.45), (x + unit, base - uh)),
                fill=rng.choice(_ROOFS),
            )
        else:
            for step in range(3):
                sx = x + unit * step / 6
                draw.rectangle(
                    (sx, base - uh - (step + 1) * 34, x + unit - unit * step / 6, base - uh), fill=_shade(wall, 0.95)
                )
        _windows(
            draw,
            (x, base - uh, x + unit, base - uh * 0.22),
            cols=2,
            rows=3,
            glass=window,
            frame=(248, 246, 240),
            fill_ratio=0.55,
        )
        _door(draw, x + unit / 2, base, unit * 0.22, uh * 0.2, _jitter(rng, (40, 60, 90), 40))
        x += unit
    draw.rectangle((0, base, w, base + 30), fill=(130, 128, 126))


_BUILDERS = {
    "house": _build_house,
    "cabin": _build_cabin,
    "apartment": _build_apartment,
    "villa": _build_villa,
    "loft": _build_loft,
    "cottage": _build_cottage,
    "townhouse": _build_townhouse,
}


# --- interiors ---------------------------------------------------------------

_INTERIOR_WALLS: tuple[Color, ...] = (
    (236, 230, 220),
    (214, 224, 222),
    (240, 226, 206),
    (206, 214, 228),
    (226, 214, 214),
    (230, 232, 226),
)
_FLOORS: tuple[Color, ...] = ((176, 128, 84), (200, 160, 110), (140, 98, 66), (212, 198, 176))
_FABRICS: tuple[Color, ...] = (
    (72, 96, 128),
    (168, 90, 72),
    (96, 126, 100),
    (190, 172, 140),
    (120, 110, 140),
    (60, 62, 70),
)


def _interior(rng: random.Random, w: int, h: int, style: str) -> Image.Image:
    wall = _jitter(rng, rng.choice(_INTERIOR_WALLS), 8)
    floor_y = int(h * rng.uniform(0.68, 0.74))
    image = _gradient((w, h), _shade(wall, 0.9), _shade(wall, 1.04))
    floor = rng.choice(_FLOORS)
    image.paste(_gradient((w, h - floor_y), _shade(floor, 1.05), _shade(floor, 0.8)), (0, floor_y))
    draw = ImageDraw.Draw(image)
    for x in range(-w, 2 * w, 150):
        draw.line((w / 2 + (x - w / 2) * 0.4, floor_y, x, h), fill=_shade(floor, 0.88), width=3)
    draw.rectangle((0, floor_y - 14, w, floor_y), fill=_shade(wall, 0.85))
    window_x = w * rng.choice((0.08, 0.6))
    # Above the worktop in a kitchen, down to the sill elsewhere.
    window_bottom = floor_y - h * (0.42 if style == "kitchen" else 0.16)
    _room_window(rng, image, (window_x, h * 0.1, window_x + w * 0.3, window_bottom))
    draw = ImageDraw.Draw(image)
    {"living-room": _living_room, "bedroom": _bedroom, "kitchen": _kitchen}[style](rng, draw, w, h, floor_y, window_x)
    return image


def _room_window(rng: random.Random, image: Image.Image, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = (int(v) for v in box)
    top, horizon, _, _ = _SKIES[rng.choice(("day", "golden", "overcast"))]
    view = _gradient((x1 - x0, y1 - y0), top, horizon)
    draw = ImageDraw.Draw(view)
    vw, vh = view.size
    _hills(rng, draw, vw, int(vh * 0.8), horizon, snowy=False)
    draw.rectangle((0, int(vh * 0.8), vw, vh), fill=(86, 130, 80))
    image.paste(view, (x0, y0))
    draw = ImageDraw.Draw(image)
    frame = (250, 250, 248)
    draw.rectangle((x0 - 18, y0 - 18, x1 + 18, y1 + 18), outline=frame, width=22)
    draw.line(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1), fill=frame, width=12)
    draw.rectangle((x0 - 40, y1 + 10, x1 + 40, y1 + 34), fill=(236, 234, 230))


def _picture(rng: random.Random, draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle((x0 - 12, y0 - 12, x1 + 12, y1 + 12), fill=(40, 36, 34))
    draw.rectangle(box, fill=(244, 240, 232))
    for _ in range(3):
        c = _jitter(rng, rng.choice(_FABRICS), 30)
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        r = (x1 - x0) * rng.uniform(0.15, 0.3)
        draw.ellipse((max(x0, cx - r), max(y0, cy - r), min(x1, cx + r), min(y1, cy + r)), fill=c)


def _plant(rng: random.Random, draw: ImageDraw.ImageDraw, x: float, base_y: float, size: float) -> None:
    draw.polygon(
        (
            (x - size * 0.2, base_y - size * 0.35),
            (x + size * 0.2, base_y - size * 0.35),
            (x + size * 0.15, base_y),
            (x - size * 0.15, base_y),
        ),
        fill=(196, 120, 86),
    )
    for _ in range(9):
        a = rng.uniform(math.pi * 1.1, math.pi * 1.9)
        lx, ly = x + math.cos(a) * size * 0.5, base_y - size * 0.35 + math.sin(a) * size * 0.7
        draw.line((x, base_y - size * 0.35, lx, ly), fill=(60, 110, 62), width=14)
        draw.ellipse((lx - 26, ly - 14, lx + 26, ly + 14), fill=_jitter(rng, (70, 130, 70), 15))


def _lamp(draw: ImageDraw.ImageDraw, x: float, base_y: float, height: float) -> None:
    draw.line((x, base_y, x, base_y - height), fill=(50, 48, 46), width=10)
    draw.ellipse((x - 50, base_y - 14, x + 50, base_y + 6), fill=(50, 48, 46))
    draw.polygon(
        (
            (x - 60, base_y - height + 90),
            (x + 60, base_y - height + 90),
            (x + 40, base_y - height),
            (x - 40, base_y - height),
        ),
        fill=(246, 232, 196),
    )


def _living_room(rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, floor_y: int, window_x: float) -> None:
    fabric = _jitter(rng, rng.choice(_FABRICS), 10)
    sofa_x0 = w * (0.45 if window_x < w / 2 else 0.08)
    sofa_w = w * 0.45
    draw.ellipse(
        (sofa_x0 - w * 0.05, floor_y + h * 0.06, sofa_x0 + sofa_w + w * 0.05, floor_y + h * 0.24),
        fill=_jitter(rng, (200, 190, 170), 30),
    )
    seat_y = floor_y + h * 0.02
    draw.rounded_rectangle(
        (sofa_x0, seat_y - h * 0.22, sofa_x0 + sofa_w, seat_y - h * 0.06), radius=30, fill=_shade(fabric, 0.9)
    )
    draw.rounded_rectangle((sofa_x0 - 30, seat_y - h * 0.12, sofa_x0 + sofa_w + 30, seat_y), radius=26, fill=fabric)
    for side in (sofa_x0 - 50, sofa_x0 + sofa_w - 10):
        draw.rounded_rectangle((side, seat_y - h * 0.16, side + 60, seat_y), radius=24, fill=_shade(fabric, 0.85))
    for i in range(rng.randint(2, 3)):
        cx = sofa_x0 + sofa_w * (0.2 + i * 0.3)
        draw.rounded_rectangle(
            (cx - 70, seat_y - h * 0.2, cx + 70, seat_y - h * 0.1),
            radius=24,
            fill=_jitter(rng, rng.choice(_FABRICS), 20),
        )
    for leg in (sofa_x0 + 20, sofa_x0 + sofa_w - 40):
        draw.rectangle((leg, seat_y, leg + 20, seat_y + 24), fill=(60, 44, 34))
    table_y = floor_y + h * 0.13
    draw.rounded_rectangle(
        (sofa_x0 + sofa_w * 0.25, table_y - 26, sofa_x0 + sofa_w * 0.75, table_y), radius=10, fill=(120, 86, 60)
    )
    draw.rectangle((sofa_x0 + sofa_w * 0.3, table_y, sofa_x0 + sofa_w * 0.32, table_y + 50), fill=(90, 64, 44))
    draw.rectangle((sofa_x0 + sofa_w * 0.68, table_y, sofa_x0 + sofa_w * 0.7, table_y + 50), fill=(90, 64, 44))
    _picture(rng, draw, (sofa_x0 + sofa_w * 0.3, h * 0.2, sofa_x0 + sofa_w * 0.7, h * 0.4))
    _lamp(draw, sofa_x0 + sofa_w + 120 if sofa_x0 + sofa_w + 160 < w else sofa_x0 - 140, floor_y + 20, h * 0.5)
    _plant(rng, draw, w * (0.92 if window_x < w / 2 else 0.04), floor_y + 30, h * 0.3)


def _bedroom(rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, floor_y: int, window_x: float) -> None:
    bed_x0 = w * (0.46 if window_x < w / 2 else 0.1)
    bed_w = w * 0.42
    head = _jitter(rng, rng.choice(((120, 96, 76), (70, 80, 96), (200, 190, 176))), 10)
    draw.rounded_rectangle((bed_x0, floor_y - h * 0.34, bed_x0 + bed_w, floor_y - h * 0.04), radius=36, fill=head)
    duvet = _jitter(rng, rng.choice(((244, 244, 240), (210, 220, 232), (232, 214, 200))), 6)
    draw.rounded_rectangle(
        (bed_x0 - 20, floor_y - h * 0.12, bed_x0 + bed_w + 20, floor_y + h * 0.1), radius=24, fill=duvet
    )
    throw = _jitter(rng, rng.choice(_FABRICS), 14)
    draw.rectangle((bed_x0 - 20, floor_y + h * 0.0, bed_x0 + bed_w + 20, floor_y + h * 0.06), fill=throw)
    for i in range(2):
        px = bed_x0 + bed_w * (0.1 + i * 0.45)
        draw.rounded_rectangle(
            (px, floor_y - h * 0.19, px + bed_w * 0.36, floor_y - h * 0.1), radius=28, fill=(250, 250, 248)
        )
    for side in (bed_x0 - w * 0.1, bed_x0 + bed_w + w * 0.03):
        draw.rectangle((side, floor_y - h * 0.12, side + w * 0.07, floor_y + h * 0.02), fill=(150, 112, 80))
        lx = side + w * 0.035
        draw.rectangle((lx - 6, floor_y - h * 0.2, lx + 6, floor_y - h * 0.12), fill=(60, 58, 56))
        draw.polygon(
            (
                (lx - 44, floor_y - h * 0.2),
                (lx + 44, floor_y - h * 0.2),
                (lx + 30, floor_y - h * 0.27),
                (lx - 30, floor_y - h * 0.27),
            ),
            fill=(246, 232, 196),
        )
    _picture(rng, draw, (bed_x0 + bed_w * 0.25, h * 0.12, bed_x0 + bed_w * 0.75, h * 0.3))


def _kitchen(rng: random.Random, draw: ImageDraw.ImageDraw, w: int, h: int, floor_y: int, window_x: float) -> None:
    cabinet = _jitter(rng, rng.choice(((236, 236, 232), (96, 120, 110), (60, 72, 92), (200, 186, 160))), 8)
    counter_y = floor_y - h * 0.2
    x0, x1 = w * 0.04, w * 0.96
    draw.rectangle((x0, counter_y, x1, floor_y), fill=cabinet)
    doors = 8
    for i in range(doors):
        dx = x0 + (x1 - x0) * i / doors
        draw.rectangle(
            (dx + 8, counter_y + 30, dx + (x1 - x0) / doors - 8, floor_y - 12), outline=_shade(cabinet, 0.85), width=4
        )
        draw.rectangle(
            (dx + (x1 - x0) / doors / 2 - 30, counter_y + 50, dx + (x1 - x0) / doors / 2 + 30, counter_y + 58),
            fill=(170, 170, 172),
        )
    draw.rectangle((x0 - 10, counter_y - 24, x1 + 10, counter_y), fill=_jitter(rng, (220, 216, 208), 20))
    tile = _shade(_jitter(rng, (230, 232, 234), 10), 1.0)
    draw.rectangle((x0, counter_y - h * 0.16, x1, counter_y - 24), fill=tile)
    for ty in range(int(counter_y - h * 0.16), int(counter_y - 24), 40):
        draw.line((x0, ty, x1, ty), fill=_shade(tile, 0.9), width=2)
    upper_y0, upper_y1 = h * 0.06, counter_y - h * 0.2
    for i in range(4):
        ux = x0 + (x1 - x0) * i / 4
        if window_x - 40 < ux + (x1 - x0) / 8 < window_x + w * 0.34:
            continue
        draw.rectangle(
            (ux + 8, upper_y0, ux + (x1 - x0) / 4 - 8, upper_y1), fill=cabinet, outline=_shade(cabinet, 0.85), width=4
        )
    for i in range(3):
        lx = w * (0.3 + i * 0.2)
        draw.line((lx, 0, lx, h * 0.22), fill=(40, 40, 40), width=4)
        draw.pieslice((lx - 60, h * 0.2, lx + 60, h * 0.3), 180, 360, fill=_jitter(rng, (60, 60, 64), 30))
    for i in range(3):
        sx = w * (0.3 + i * 0.18)
        draw.ellipse((sx - 60, floor_y + h * 0.05 - 16, sx + 60, floor_y + h * 0.05 + 16), fill=(120, 84, 56))
        draw.line((sx, floor_y + h * 0.05, sx, floor_y + h * 0.2), fill=(50, 50, 50), width=10)
    for _ in range(rng.randint(2, 4)):
        bx = rng.uniform(x0 + 80, x1 - 80)
        draw.rounded_rectangle(
            (bx - 26, counter_y - 100, bx + 26, counter_y - 24), radius=10, fill=_jitter(rng, rng.choice(_FABRICS), 30)
        )
