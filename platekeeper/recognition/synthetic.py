"""Plates and street scenes drawn here, for testing and benchmarking the
reader without shipping anyone's photographs.

Each style is a state's look in broad strokes (colours, where the state name
and slogan sit, its serial format); each scene puts one plate on a car-like
shape over a plain or a street-like background, at a size, angle, blur and
light drawn from the generator.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
PLATE_W, PLATE_H = 400, 200
RIMS = ((20, 20, 20), (60, 60, 60), (150, 150, 150), (30, 30, 40))


@dataclass(frozen=True)
class Style:
    state: str
    name: str
    slogan: str
    background: tuple[int, int, int]  # RGB
    ink: tuple[int, int, int]
    name_ink: tuple[int, int, int]
    serial: str  # L letter, D digit


STYLES = (
    Style(
        "CA",
        "California",
        "dmv.ca.gov",
        (245, 245, 240),
        (20, 30, 110),
        (180, 20, 30),
        "DLLLDDD",
    ),
    Style(
        "NY",
        "NEW YORK",
        "EXCELSIOR",
        (240, 190, 60),
        (20, 40, 120),
        (20, 40, 120),
        "LLLDDDD",
    ),
    Style(
        "TX",
        "TEXAS",
        "THE LONE STAR STATE",
        (240, 240, 235),
        (15, 15, 15),
        (15, 15, 15),
        "LLLDDDD",
    ),
    Style(
        "FL",
        "MYFLORIDA.COM",
        "Sunshine State",
        (250, 250, 245),
        (20, 100, 50),
        (230, 120, 20),
        "LLLLDD",
    ),
    Style(
        "AZ",
        "ARIZONA",
        "GRAND CANYON STATE",
        (250, 220, 170),
        (110, 20, 30),
        (110, 20, 30),
        "LLLDDDD",
    ),
    Style(
        "WA",
        "Washington",
        "Evergreen State",
        (230, 235, 245),
        (30, 50, 110),
        (30, 50, 110),
        "LLLDDDD",
    ),
    Style(
        "IL",
        "ILLINOIS",
        "LAND OF LINCOLN",
        (245, 245, 245),
        (150, 20, 30),
        (20, 40, 120),
        "LLDDDDD",
    ),
    Style(
        "NJ",
        "NEW JERSEY",
        "GARDEN STATE",
        (240, 225, 150),
        (10, 10, 10),
        (10, 10, 10),
        "LDDLLL",
    ),
)


@cache
def font(size: int, index: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS[index:] + FONTS[:index]:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)  # Pillow's own font, where none is installed


def serial(rng: random.Random, pattern: str) -> str:
    # Letters that states leave out of serials (I, O, Q) are left out here too.
    letters = "".join(c for c in string.ascii_uppercase if c not in "IOQ")
    return "".join(rng.choice(letters if p == "L" else string.digits) for p in pattern)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, face: int, height: int, width: int
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = height
    while size > 6:
        f = font(size, face)
        box = draw.textbbox((0, 0), text, font=f)
        if box[2] - box[0] <= width and box[3] - box[1] <= height:
            return f
        size -= 2
    return font(6, face)


def _centred(
    draw: ImageDraw.ImageDraw,
    text: str,
    f: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    y: int,
    ink: tuple[int, int, int],
) -> None:
    box = draw.textbbox((0, 0), text, font=f)
    draw.text(
        ((PLATE_W - (box[2] - box[0])) / 2 - box[0], y - box[1]), text, font=f, fill=ink
    )


def plate(style: Style, text: str, rng: random.Random) -> np.ndarray:
    """The plate, flat and full size, as BGR."""
    image = Image.new("RGB", (PLATE_W, PLATE_H), style.background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (3, 3, PLATE_W - 4, PLATE_H - 4), 14, outline=style.ink, width=4
    )
    face = rng.randrange(len(FONTS))
    _centred(
        draw, style.name, _fit(draw, style.name, face, 34, 300), 14, style.name_ink
    )
    _centred(draw, text, _fit(draw, text, face, 96, 360), 58, style.ink)
    _centred(
        draw, style.slogan, _fit(draw, style.slogan, face, 20, 260), 166, style.ink
    )
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def _background(
    rng: random.Random, width: int, height: int, street: bool
) -> np.ndarray:
    base = np.array([rng.randrange(40, 220) for _ in range(3)], np.uint8)
    scene = np.zeros((height, width, 3), np.uint8) + base
    if not street:
        return scene
    ramp = np.linspace(0, 60, height, dtype=np.float32)[:, None, None]
    scene = np.clip(scene.astype(np.float32) + ramp - 30, 0, 255).astype(np.uint8)
    for _ in range(14):  # buildings, poles, other cars
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(20, width // 3), rng.randrange(20, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        cv2.rectangle(scene, (x, y), (x + w, y + h), colour, -1)
    for _ in range(6):  # lane lines, wires
        p = (rng.randrange(width), rng.randrange(height))
        q = (rng.randrange(width), rng.randrange(height))
        cv2.line(scene, p, q, (230, 230, 230), rng.randrange(1, 4))
    return scene


def _car(
    picture: np.ndarray, rng: random.Random, cx: int, cy: int, pw: int, ph: int
) -> None:
    """The back of a car around the plate: body, rear window, lights, bumper."""
    body = tuple(rng.randrange(20, 235) for _ in range(3))
    left, right = cx - 3 * pw, cx + 3 * pw
    cv2.rectangle(picture, (left, cy - 3 * ph), (right, cy + 2 * ph), body, -1)
    cv2.rectangle(
        picture, (left + pw // 2, cy - 6 * ph), (right - pw // 2, cy - 3 * ph), body, -1
    )
    cv2.rectangle(
        picture,
        (left + pw, cy - 5 * ph - ph // 2),
        (right - pw, cy - 3 * ph - ph // 3),
        (40, 45, 50),
        -1,
    )
    for x in (left + pw // 4, right - pw - pw // 4):
        cv2.rectangle(picture, (x, cy - 2 * ph), (x + pw, cy - ph), (30, 30, 200), -1)
    cv2.rectangle(picture, (left, cy + ph), (right, cy + 2 * ph), (35, 35, 35), -1)
    for x in (left + pw // 2, right - pw):
        cv2.rectangle(
            picture, (x, cy + 2 * ph), (x + pw // 2, cy + 3 * ph), (15, 15, 15), -1
        )


def scene(
    rng: random.Random,
    width: int = 1280,
    height: int = 720,
    street: bool | None = None,
    text: str = "",
    plate_width: int = 0,
) -> tuple[np.ndarray, str, str]:
    """A BGR picture with one plate on the back of a car: (picture, plate, state).
    The plate's text and width are drawn from `rng` unless given."""
    style = rng.choice(STYLES)
    text = text or serial(rng, style.serial)
    flat = plate(style, text, rng)
    street = rng.random() < 0.5 if street is None else street
    picture = _background(rng, width, height, street)
    plate_w = plate_width or rng.randrange(90, 240)
    plate_h = plate_w // 2
    cx = rng.randrange(plate_w * 2, width - plate_w * 2)
    cy = rng.randrange(height // 2, height - plate_h * 2)
    _car(picture, rng, cx, cy, plate_w, plate_h)
    angle = np.radians(rng.uniform(-8, 8))
    skew = rng.uniform(-0.12, 0.12) * plate_h
    half = np.array(
        [
            [-plate_w / 2, -plate_h / 2 - skew],
            [plate_w / 2, -plate_h / 2 + skew],
            [plate_w / 2, plate_h / 2 - skew],
            [-plate_w / 2, plate_h / 2 + skew],
        ]
    )
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = (half @ turn.T + [cx, cy]).astype(np.float32)
    source = np.array(
        [[0, 0], [PLATE_W, 0], [PLATE_W, PLATE_H], [0, PLATE_H]], np.float32
    )
    warp = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(flat, warp, (width, height))
    mask = cv2.warpPerspective(
        np.full((PLATE_H, PLATE_W), 255, np.uint8), warp, (width, height)
    )
    # The recess or frame the plate is mounted in: a darker rim around it.
    rim = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=max(2, plate_w // 30))
    picture[rim > 0] = (np.array(rng.choice(RIMS)) * rng.uniform(0.7, 1.0)).astype(
        np.uint8
    )
    picture[mask > 0] = warped[mask > 0]
    light = rng.uniform(0.55, 1.3)
    picture = np.clip(picture.astype(np.float32) * light + rng.uniform(-20, 20), 0, 255)
    picture += np.random.default_rng(rng.randrange(1 << 30)).normal(0, 4, picture.shape)
    picture = np.clip(picture, 0, 255).astype(np.uint8)
    sigma = rng.uniform(0, 1.2)
    if sigma > 0.3:
        picture = cv2.GaussianBlur(picture, (0, 0), sigma)
    return picture, text, style.state
