"""PaddleOCR with the user's local inference model folders (``det_model_dir`` / ``rec_model_dir`` in
extractor/models/ocr.yaml): the engine call only."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import MissingDependency
from . import CONFIG_FILE, OcrConfig, OcrModelMissing, RecLine, model_path
from .onnx import classify_with, session, to3


def spread(text: str, score: float, width: int) -> RecLine:
    """A line with one score: the score for every character, positions spread evenly over ``width`` pixels."""
    n = max(1, len(text))
    return RecLine(text, [score] * len(text), [(k + 0.5) * width / n for k in range(len(text))])


class PaddleEngine:
    """PaddleOCR with local inference model folders.

    PaddleOCR gives one score per line; it is used for every character, and character positions are spread
    evenly over the crop (good enough for placing tick boxes, which are also found by pixels).
    """

    name = "paddleocr"

    def __init__(self, cfg: OcrConfig) -> None:
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as e:
            raise MissingDependency("engine 'paddleocr' selected in extractor/models/ocr.yaml but paddleocr is not installed") from e
        for d in (cfg.det_model_dir, cfg.rec_model_dir):
            if not d or not Path(d).is_dir():
                raise OcrModelMissing(f"PaddleOCR model folder not found: {d!r} (set det_model_dir / rec_model_dir "
                                      f"in {CONFIG_FILE}; nothing is downloaded)")
        self.rec = TextRecognition(model_dir=cfg.rec_model_dir)
        self.det = TextDetection(model_dir=cfg.det_model_dir)
        self._cls = session(model_path(cfg.cls_model, "ch_ppocr_mobile_v2.0_cls_mobile.onnx"), cfg.threads)

    def recognize(self, crops: list[np.ndarray]) -> list[RecLine]:
        res = self.rec.predict(input=[to3(c) for c in crops])
        return [spread(r["rec_text"], float(r["rec_score"]), c.shape[1]) for c, r in zip(crops, res)]

    def classify(self, crops: list[np.ndarray]) -> list[float]:
        return classify_with(self._cls, crops)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        res = self.det.predict(input=to3(image))
        return [np.asarray(b, dtype=np.float32) for r in res for b in r["dt_polys"]]
