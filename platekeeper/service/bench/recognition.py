"""The plate reader: scenes per second at 1280×720 beside the bare detector,
and accuracy on a labelled folder (--images) when one is given."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from platekeeper.recognition import detector, evaluate, pipeline, synthetic
from platekeeper.service.bench.common import log

SCENES = 40


def recognition_group(opts: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(1280)
    scenes = [synthetic.scene(rng) for _ in range(SCENES)]
    pipeline.recognize(scenes[0][0])  # models loaded outside the timing
    t0 = time.perf_counter()
    for picture, _, _ in scenes:
        detector.find_plates(picture)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    read = [pipeline.recognize(picture) for picture, _, _ in scenes]
    full = time.perf_counter() - t0
    exact = sum(
        bool(p) and p[0].text == text
        for p, (_, text, _) in zip(read, scenes, strict=True)
    )
    figures: dict[str, Any] = {
        "recognize_images_per_s": round(SCENES / full, 2),
        "recognize_baseline_detector_only_images_per_s": round(SCENES / bare, 2),
        "recognize_synthetic_exact_accuracy": round(exact / SCENES, 3),
    }
    if folder := opts.get("images"):
        figures.update(_labelled(Path(folder)))
    return figures


def _labelled(folder: Path) -> dict[str, Any]:
    items = list(evaluate.labelled(folder))
    if not items:
        log(f"no ground truth in {folder} (a crops CSV, or NAME.txt beside each image)")
        return {}
    log(f"reading {len(items)} labelled images from {folder}")
    score = evaluate.Score()
    t0 = time.perf_counter()
    for item in items:
        score.add(item, evaluate.read_one(item))
    seconds = time.perf_counter() - t0
    return {
        "recognize_labelled_images": score.total,
        "recognize_labelled_images_per_s": round(score.total / seconds, 2),
        "recognize_exact_accuracy": round(score.exact_share, 4),
        "recognize_tolerant_accuracy": round(score.tolerant_share, 4),
    }
