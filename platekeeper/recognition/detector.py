"""Where the plates are in a scene: the HyperLPR YOLOv5 plate detector.

Its output per anchor is cx, cy, w, h, objectness, the plate's four corners
(top-left, top-right, bottom-right, bottom-left) and two class scores, in the
coordinates of the 640×640 letterboxed input.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from platekeeper.recognition import onnx, weights

SIZE = 640
MIN_SCORE = 0.15
OVERLAP = 0.5


@dataclass(frozen=True)
class Found:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the scene's pixels
    corners: tuple[tuple[float, float], ...]  # tl, tr, br, bl
    score: float


def letterbox(image: np.ndarray) -> tuple[np.ndarray, float, int, int]:
    h, w = image.shape[:2]
    scale = min(SIZE / h, SIZE / w)
    nh, nw = round(h * scale), round(w * scale)
    top, left = (SIZE - nh) // 2, (SIZE - nw) // 2
    canvas = np.full((SIZE, SIZE, 3), 114, np.uint8)
    canvas[top : top + nh, left : left + nw] = cv2.resize(image, (nw, nh))
    return canvas, scale, left, top


def find_plates(image: np.ndarray) -> list[Found]:
    """Plates in a BGR scene, best first. When the whole scene, shrunk to the
    model's 640 pixels, shows none, each square half is looked at closer: a
    wide frame's plates are small after the shrink (decision 0016)."""
    found = _find(image)
    h, w = image.shape[:2]
    if found or w < 1.5 * h or w <= SIZE:
        return found
    for x0 in (0, w - h):
        for f in _find(image[:, x0 : x0 + h]):
            bx = (f.box[0] + x0, f.box[1], f.box[2] + x0, f.box[3])
            corners = tuple((x + x0, y) for x, y in f.corners)
            if not any(_overlap(bx, g.box) > OVERLAP for g in found):
                found.append(Found(bx, corners, f.score))
    return sorted(found, key=lambda f: -f.score)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _find(image: np.ndarray) -> list[Found]:
    canvas, scale, left, top = letterbox(image)
    tensor = cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    tensor = tensor.transpose(2, 0, 1)[None]
    session = onnx.session(weights.DETECTOR)
    rows = session.run(None, {session.get_inputs()[0].name: tensor})[0][0]
    scores = rows[:, 4] * rows[:, 13:15].max(axis=1)
    rows, scores = rows[scores >= MIN_SCORE], scores[scores >= MIN_SCORE]
    if not len(rows):
        return []
    boxes = np.stack(
        [
            rows[:, 0] - rows[:, 2] / 2,
            rows[:, 1] - rows[:, 3] / 2,
            rows[:, 2],
            rows[:, 3],
        ],
        axis=1,
    )
    keep = cv2.dnn.NMSBoxes(boxes.tolist(), scores.tolist(), MIN_SCORE, OVERLAP)
    h, w = image.shape[:2]
    found = []
    for i in np.array(keep).reshape(-1):
        x, y, bw, bh = (boxes[i] - [left, top, 0, 0]) / scale
        corners = ((rows[i, 5:13].reshape(4, 2) - [left, top]) / scale).tolist()
        box = (
            max(0, int(x)),
            max(0, int(y)),
            min(w, int(np.ceil(x + bw))),
            min(h, int(np.ceil(y + bh))),
        )
        if box[2] - box[0] >= 8 and box[3] - box[1] >= 4:
            found.append(Found(box, tuple(map(tuple, corners)), float(scores[i])))
    return sorted(found, key=lambda f: -f.score)


def surroundings(
    image: np.ndarray, found: Found, grow: float = 0.5, reach: float = 0.35
) -> np.ndarray:
    """The box and `grow` of its size on every side: a box that caught only the
    state name or half the characters still holds the whole plate."""
    x0, y0, x1, y1 = found.box
    # Vertically by the width too: a box around one thin line of a plate
    # (about twice as wide as tall) must reach the lines above and below it.
    dx, dy = int((x1 - x0) * grow), int(max((y1 - y0) * grow, (x1 - x0) * reach))
    h, w = image.shape[:2]
    return image[
        max(0, y0 - dy) : min(h, y1 + dy), max(0, x0 - dx) : min(w, x1 + dx)
    ].copy()
