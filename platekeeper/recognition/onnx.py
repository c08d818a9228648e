"""One onnxruntime session per model file per process, on the CPU."""

from __future__ import annotations

import threading
from functools import cache

import onnxruntime as ort
from django.conf import settings

from platekeeper.recognition import weights

_lock = threading.Lock()


@cache
def _session(path: str, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def session(model: weights.ModelFile) -> ort.InferenceSession:
    path = weights.locate(model)
    with _lock:
        return _session(str(path), settings.RECOGNITION_THREADS)
