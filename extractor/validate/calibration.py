"""Raw confidence → calibrated probability that the value is right.

The raw score of a value is the product of its source confidence (1.0 for a text layer, the OCR score
otherwise), its label match and its parse penalties (:func:`extractor.validate._judge`). It ranks values well but
is not a probability. ``models/calibration.yaml`` holds an isotonic (monotone, piecewise-linear) map from the raw
score to the share of values that were right, fitted offline on generated scans and phone photos with
``scripts/calibration.py``, and the ``ok`` threshold on that probability. Run time needs no scikit-learn: the
map is a list of breakpoints interpolated linearly (clipped at both ends).

``EXTRACTOR_CALIBRATION=off`` in the environment (read once, at import) keeps the raw score and the old
threshold (0.9): ``scripts/calibration.py`` uses it to record raw scores for a refit.
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

RAW_OK = 0.9  # the threshold on the raw score (calibration off)
ENABLED = os.environ.get("EXTRACTOR_CALIBRATION", "on").strip().lower() not in ("off", "0", "no", "raw")


@dataclass(frozen=True)
class Curve:
    x: tuple[float, ...]  # raw scores, increasing
    y: tuple[float, ...]  # calibrated probabilities, non-decreasing, in [0, 1]
    ok_threshold: float  # a value without doubts is ``ok`` when its calibrated confidence is at least this

    def __call__(self, raw: float) -> float:
        x, y = self.x, self.y
        if raw <= x[0]:
            return y[0]
        if raw >= x[-1]:
            return y[-1]
        i = bisect.bisect_right(x, raw)
        x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def load(text: str) -> Curve:
    d = yaml.safe_load(text)
    x = tuple(float(v) for v in d["x"])
    y = tuple(float(v) for v in d["y"])
    if len(x) != len(y) or not x:
        raise ValueError("calibration: x and y must be non-empty and of equal length")
    if any(b < a for a, b in zip(x, x[1:])) or any(b < a for a, b in zip(y, y[1:])):
        raise ValueError("calibration: x and y must be non-decreasing")
    if not all(0.0 <= v <= 1.0 for v in y):
        raise ValueError("calibration: y must lie in [0, 1]")
    return Curve(x, y, float(d["ok_threshold"]))


@lru_cache(maxsize=1)
def curve() -> Curve:
    """The bundled map (``extractor/models/calibration.yaml``)."""
    return load(resources.files("extractor").joinpath("models/calibration.yaml").read_text(encoding="utf-8"))


def calibrate(raw: float) -> float:
    """The calibrated confidence of a raw score (3 decimals); the raw score itself when calibration is off."""
    if not ENABLED:
        return raw
    return round(min(1.0, max(0.0, curve()(raw))), 3)


def ok_threshold() -> float:
    """The least confidence of an ``ok`` value (on the calibrated scale; 0.9 on the raw one when off)."""
    return curve().ok_threshold if ENABLED else RAW_OK
