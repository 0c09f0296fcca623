"""ONNX Runtime sessions and the PP-OCR input normalisation shared by the engines (the 0/180 classifier is
the wheel's ONNX model whatever the engine)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..ctc import REC_HEIGHT

CLS_HEIGHT, CLS_WIDTH = 48, 192  # input size of the 0/180 classifier, pixels


def session(path: Path, threads: int):  # noqa: ANN201
    """A CPU inference session with ``threads`` intra-op threads (one inter-op thread), quiet, fully optimised."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = max(1, threads)
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])


def to3(img: np.ndarray) -> np.ndarray:
    """Three channels: a grey image repeated, a colour one without its alpha."""
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    return img[:, :, :3]


def norm(img: np.ndarray, width: int) -> np.ndarray:
    """The crop resized to ``width`` × ``REC_HEIGHT`` pixels, channels first, scaled to [-1, 1] (3, 48, width)."""
    import cv2

    im = cv2.resize(to3(img), (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR if img.shape[0] < REC_HEIGHT else cv2.INTER_AREA)
    return (im.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5


def classify_with(sess, crops: list[np.ndarray]) -> list[float]:  # noqa: ANN001
    """The 0/180 classifier (an ONNX Runtime session): probability that each crop is upside down."""
    if not crops:
        return []
    name = sess.get_inputs()[0].name
    x = np.zeros((len(crops), 3, CLS_HEIGHT, CLS_WIDTH), dtype=np.float32)
    for k, c in enumerate(crops):
        w = min(CLS_WIDTH, max(1, math.ceil(CLS_HEIGHT * c.shape[1] / max(1, c.shape[0]))))
        x[k, :, :, :w] = norm(c, w)
    p = sess.run(None, {name: x})[0]
    return [float(r[1]) for r in p]
