"""The model files the plate reader runs on: where they come from, and proof
that they are the files we measured (SHA-256) before any is loaded.

No weights are in this repository. A file is looked for in
`settings.MODEL_DIR` (PLATEKEEPER_MODEL_DIR); the reader's two files also ship
inside the `rapidocr` package. A missing file is downloaded from its upstream
address when `settings.MODEL_DOWNLOAD` allows it, and checked like any other.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings

HYPERLPR = (
    "https://raw.githubusercontent.com/szad670401/HyperLPR/"
    "58ad4ef736fec5289e8c8cb842e066e70c4672c3/resource/models/onnx/"
)
RAPIDOCR = (
    "https://www.modelscope.cn/models/RapidAI/RapidOCR/resolve/v3.10.0/onnx/PP-OCRv6/"
)


class ModelError(Exception):
    """A model file is missing or is not the file it claims to be."""


@dataclass(frozen=True)
class ModelFile:
    name: str
    sha256: str
    url: str
    # Shipped inside this Python package's `models` folder, if any.
    package: str = ""


DETECTOR = ModelFile(
    "y5fu_640x_sim.onnx",
    "0306de937471b87f56eb3f5620815e7e7058f8ab7428e0734fc64627cc4d716c",
    HYPERLPR + "y5fu_640x_sim.onnx",
)
TEXT_LINES = ModelFile(
    "PP-OCRv6_det_small.onnx",
    "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    RAPIDOCR + "det/PP-OCRv6_det_small.onnx",
    package="rapidocr",
)
CHARACTERS = ModelFile(
    "PP-OCRv6_rec_small.onnx",
    "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    RAPIDOCR + "rec/PP-OCRv6_rec_small.onnx",
    package="rapidocr",
)
ALL = (DETECTOR, TEXT_LINES, CHARACTERS)

# (path, size, mtime) of files already hashed by this process.
_checked: set[tuple[str, int, float]] = set()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _key(path: Path) -> tuple[str, int, float]:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime)


def _remember(path: Path) -> None:
    _checked.add(_key(path))


def verify(model: ModelFile, path: Path) -> Path:
    key = _key(path)
    if key in _checked:
        return path
    found = sha256_of(path)
    if found != model.sha256:
        raise ModelError(
            f"{path} is not the expected {model.name}: SHA-256 {found}, "
            f"expected {model.sha256}. Remove it and download it again."
        )
    _checked.add(key)
    return path


def _packaged(model: ModelFile) -> Path | None:
    if not model.package:
        return None
    import importlib.util

    spec = importlib.util.find_spec(model.package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "models" / model.name
    return path if path.exists() else None


def locate(model: ModelFile) -> Path:
    """The checked path of `model`, downloading it first when allowed."""
    folder = Path(settings.MODEL_DIR)
    path = folder / model.name
    if path.exists():
        return verify(model, path)
    if packaged := _packaged(model):
        return verify(model, packaged)
    if not settings.MODEL_DOWNLOAD:
        raise ModelError(
            f"{model.name} is not in {folder}. Put it there (see "
            f"docs/recognition.md) or allow PLATEKEEPER_MODEL_DOWNLOAD."
        )
    return download(model, folder)


def download(model: ModelFile, folder: Path, timeout: float = 120.0) -> Path:
    """Fetch into a temporary file beside the target, check, then rename: a
    half-downloaded or altered file never takes the model's name."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{model.name}.")
    tmp = Path(name)
    try:
        with (
            os.fdopen(fd, "wb") as out,
            httpx.stream(
                "GET", model.url, follow_redirects=True, timeout=timeout
            ) as response,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                out.write(chunk)
        verify(model, tmp)
        target = folder / model.name
        tmp.replace(target)
        _remember(target)  # hashed a moment ago, as the temporary file
        return target
    except httpx.HTTPError as exc:
        raise ModelError(
            f"could not download {model.name} from {model.url}: {exc}"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
