"""From a picture to plate readings: find the plates, flatten each, read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from platekeeper.recognition import detector, reader, us

# A plate with fewer characters than this is a fragment, not a reading.
MIN_CHARACTERS = 2
# The text-line fallback: the scene's longest side for the model, and how many
# of its tallest lines are read.
SCENE_SIDE = 960
MAX_TEXT_LINES = 6


class ImageError(ValueError):
    """The bytes are not an image the reader can decode."""


@dataclass
class Plate:
    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    candidates: tuple[tuple[str, float], ...]
    state: str = ""
    state_confidence: float = 0.0
    # Where in the picture (the whole picture when it was a crop).
    box: tuple[int, int, int, int] = (0, 0, 0, 0)
    corners: tuple[tuple[float, float], ...] = ()
    detector_score: float = 1.0
    crop: np.ndarray | None = field(default=None, repr=False)

    @property
    def quality(self) -> float:
        """How much this looks like a well-read plate (orders a scene's plates)."""
        return (
            self.confidence * us.format_score(self.text) * (0.5 + self.detector_score)
        )

    def crop_jpeg(self, quality: int = 90) -> bytes:
        assert self.crop is not None
        ok, data = cv2.imencode(".jpg", self.crop, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ImageError("the plate crop could not be encoded")
        return data.tobytes()

    def as_json(self) -> dict[str, Any]:
        return {
            "plate": self.text,
            "confidence": self.confidence,
            "char_confidences": list(self.char_confidences),
            "candidates": [{"plate": p, "score": s} for p, s in self.candidates],
            "state": self.state,
            "state_confidence": round(self.state_confidence, 3),
            "box": list(self.box),
            "corners": [[round(x, 1), round(y, 1)] for x, y in self.corners],
            "detector_score": round(self.detector_score, 3),
        }


def decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageError("not an image this reader can decode (JPEG, PNG, BMP, WebP)")
    return image


def read_crop(crop: np.ndarray) -> Plate | None:
    """A picture that is already the plate (a witness's close-up, a camera's crop)."""
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    main, others = reader.read_plate(crop)
    result = us.reading(main.chars)
    if len(result.text) < MIN_CHARACTERS:
        return None
    state, closeness = us.guess_state(line.text for line in others)
    h, w = crop.shape[:2]
    return Plate(
        result.text,
        result.confidence,
        result.char_confidences,
        result.candidates,
        state,
        closeness,
        box=(0, 0, w, h),
        corners=((0, 0), (w, 0), (w, h), (0, h)),
        crop=crop,
    )


def recognize(image: np.ndarray) -> list[Plate]:
    """Every readable plate in a scene, best reading first; one reading per
    plate (two boxes on the same plate give one)."""
    plates = _read_all(image, detector.find_plates(image))
    if not any(
        len(p.text) >= 5 and us.format_score(p.text) >= 0.5 for p in plates.values()
    ):
        for text, plate in _read_all(
            image, _text_like(image), min_characters=4
        ).items():
            plates.setdefault(text, plate)
    return _one_per_plate(sorted(plates.values(), key=lambda p: -p.quality))


def _one_per_plate(plates: list[Plate]) -> list[Plate]:
    """Readings whose boxes overlap are of one plate (its slogan, half its
    characters): the best of them stands for it."""
    kept: list[Plate] = []
    for plate in plates:
        if not any(_overlaps(plate.box, other.box) for other in kept):
            kept.append(plate)
    return kept


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _text_like(image: np.ndarray) -> list[detector.Found]:
    """Where the plate detector saw nothing: lines of large text in the scene,
    as a plate's registration would be (the detector was trained on Chinese
    plates and misses some US ones it should see; decision 0016)."""
    found = []
    for x0, y0, x1, y1 in reader.text_lines(image, SCENE_SIDE):
        w, h = x1 - x0, y1 - y0
        if h >= 8 and h <= w <= 12 * h:
            corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
            found.append(detector.Found((x0, y0, x1, y1), corners, 0.0))
    kept: list[detector.Found] = []
    for line in sorted(found, key=lambda f: f.box[1] - f.box[3]):
        if not any(_same_plate(line.box, taller.box) for taller in kept):
            kept.append(line)
    return kept[:MAX_TEXT_LINES]


def _same_plate(
    line: tuple[int, int, int, int], taller: tuple[int, int, int, int]
) -> bool:
    """A line just above or below a taller one, across from it: the state name
    or slogan of the plate whose registration the taller line is."""
    across = min(line[2], taller[2]) > max(line[0], taller[0])
    height = taller[3] - taller[1]
    return (
        across and line[1] < taller[3] + 2 * height and line[3] > taller[1] - 2 * height
    )


def _read_all(
    image: np.ndarray, found: list[detector.Found], min_characters: int = MIN_CHARACTERS
) -> dict[str, Plate]:
    plates: dict[str, Plate] = {}
    for found_one in found:
        plate = read_crop(detector.surroundings(image, found_one))
        if (
            plate is None
            or not min_characters <= len(plate.text) <= us.MAX_LENGTH
            or plate.text in plates
            or us.is_state_text(plate.text)
        ):
            continue
        plate.box, plate.corners = found_one.box, found_one.corners
        plate.detector_score = found_one.score
        # The read's plate image: the plate itself, not the region read around it.
        plate.crop = detector.surroundings(image, found_one, grow=0.1, reach=0)
        plates[plate.text] = plate
    return plates
