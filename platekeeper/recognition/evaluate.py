"""How well the reader reads a folder of labelled pictures.

Two layouts are understood:
- a crops CSV (`file,state,plate` per line, no header; the openalpr
  benchmarks' `seg_and_ocr` crops): each picture is a plate, read as a crop;
- the openalpr/benchmarks scene layout: `name.jpg` with `name.txt` beside it
  holding `name x y w h PLATE` on one line: each picture is a scene.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from platekeeper.lib.plates import misread_key
from platekeeper.recognition import pipeline

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class Labelled:
    path: Path
    plate: str
    is_crop: bool


@dataclass
class Score:
    total: int = 0
    exact: int = 0
    tolerant: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, item: Labelled, read: str) -> None:
        self.total += 1
        self.exact += read == item.plate
        self.tolerant += bool(read) and misread_key(read) == misread_key(item.plate)
        if read != item.plate:
            self.misses.append((item.path.name, item.plate, read))

    @property
    def exact_share(self) -> float:
        return self.exact / self.total if self.total else 0.0

    @property
    def tolerant_share(self) -> float:
        return self.tolerant / self.total if self.total else 0.0


def labelled(folder: Path) -> Iterator[Labelled]:
    sheets = sorted(folder.glob("*.csv"))
    if sheets:
        with sheets[0].open(newline="") as f:
            for row in csv.reader(f):
                if len(row) >= 3 and (folder / row[0]).suffix.lower() in IMAGE_SUFFIXES:
                    yield Labelled(folder / row[0], row[2].strip().upper(), True)
        return
    for image in sorted(folder.iterdir()):
        label = image.with_suffix(".txt")
        if image.suffix.lower() in IMAGE_SUFFIXES and label.exists():
            parts = label.read_text().split()
            if len(parts) >= 6:
                yield Labelled(image, parts[5].upper(), False)


def read_one(item: Labelled) -> str:
    image = cv2.imread(str(item.path), cv2.IMREAD_COLOR)
    if image is None:
        return ""
    if item.is_crop:
        plate = pipeline.read_crop(image)
        return plate.text if plate else ""
    plates = pipeline.recognize(image)
    return plates[0].text if plates else ""


def score(folder: Path) -> Score:
    result = Score()
    for item in labelled(folder):
        result.add(item, read_one(item))
    return result
