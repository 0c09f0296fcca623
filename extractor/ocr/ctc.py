"""CTC decoding of a recogniser's output: pure numpy, no engine, no session.

The recognisers of PaddleOCR's family (PP-OCRv6 and earlier) read a line crop resized to
``REC_HEIGHT`` (48) pixels high and give one row of class probabilities per time step; a time step is
``CTC_STRIDE`` (8) input pixels wide. Class 0 is the CTC blank; the last class of a RapidOCR character
list is the space.

Shapes and units used throughout:

* ``pred``: ``(T, classes)`` float array, each row a probability distribution (softmax done by the model);
  ``T`` is the model's step count for the input width (``ceil(width / CTC_STRIDE)`` steps are meaningful,
  the rest is padding);
* ``chars``: the class index → character list, ``chars[0]`` the blank (``"blank"``);
* ``scale``: crop pixels per input pixel (crop height / ``REC_HEIGHT``), to give character x positions in
  the crop's own pixels;
* ``width``: the input width in pixels that was fed to the model (after resizing to ``REC_HEIGHT`` high).
"""
from __future__ import annotations

import math
import unicodedata

import numpy as np

REC_HEIGHT = 48
"""Input height of the recogniser, pixels (PP-OCR rec models)."""
CTC_STRIDE = 8
"""Input pixels per output time step of the recogniser (its total horizontal down-sampling)."""
BLANK_RIVAL = 0.9
"""A blank step whose blank probability is below this has real mass on some character (a rival)."""
RIVAL_REACH = 2
"""Time steps either side of a blank step where an emitted character's own tail may show (no rival)."""
RIVAL_ROUNDS = 3
"""How many times a blank step's best rival may be set aside as a neighbour's tail."""


def twins(chars: list[str]) -> dict[int, list[int]]:
    """Classes that are the same character after NFKC (full/half width), by class index.

    Every class of a group of two or more maps to the whole group (its own index included); classes with
    no twin are absent. The blank (index 0) is never grouped."""
    groups: dict[str, list[int]] = {}
    for i, ch in enumerate(chars[1:], start=1):
        groups.setdefault(unicodedata.normalize("NFKC", ch).strip() or " ", []).append(i)
    return {i: g for g in groups.values() if len(g) > 1 for i in g}


def greedy_runs(ids: np.ndarray) -> list[tuple[int, int, int]]:
    """The greedy path cut into runs of one class: ``(class, first step, last step)`` per run, blanks included."""
    runs: list[tuple[int, int, int]] = []
    t, n = 0, len(ids)
    while t < n:
        i = int(ids[t])
        e = t
        while e + 1 < n and ids[e + 1] == i:
            e += 1
        runs.append((i, t, e))
        t = e + 1
    return runs


def char_probability(pred: np.ndarray, cls: int, t: int, e: int, twin: dict[int, list[int]]) -> float:
    """Probability (0–1) of the character of class ``cls`` emitted over steps ``t..e``.

    Taken at the step where the run peaks, given that *some* character is emitted there (the blank's share
    is not doubt about the character), and counting the classes that read the same after NFKC as one ('('
    and '（', '：' and ':' are not a misreading)."""
    k = t + int(pred[t:e + 1, cls].argmax())
    row = pred[k]
    same = row[twin[cls]].sum() if cls in twin else row[cls]
    return float(min(1.0, same / max(1e-6, 1.0 - row[0])))


def blank_rival_gap(pred: np.ndarray, ids: np.ndarray, space: int) -> float:
    """How sure (0–1) the path is that no character was skipped: 1 − the strongest rival of the blank.

    A character the greedy path left out (a '.' in 60.97) shows as a strong non-blank class on a blank
    step. Blank steps with blank probability ≥ ``BLANK_RIVAL`` are ignored; the space (class ``space``) is no
    rival; a rival that is the class emitted within ``RIVAL_REACH`` steps is that character's own tail and is
    set aside (up to ``RIVAL_ROUNDS`` times per step). 1.0 when no blank step has a rival."""
    n = len(ids)
    bl = np.flatnonzero((ids == 0) & (pred[:, 0] < BLANK_RIVAL))  # blank steps with real mass elsewhere
    if not len(bl):
        return 1.0
    rows = pred[bl].copy()
    rows[:, 0] = -1.0
    rows[:, space] = -1.0
    near = [d for d in range(-RIVAL_REACH, RIVAL_REACH + 1) if d]
    for _ in range(RIVAL_ROUNDS):
        best = rows.argmax(axis=1)
        drop = [k for k, (t, c) in enumerate(zip(bl, best)) if any(0 <= t + d < n and ids[t + d] == c for d in near)]
        if not drop:
            break
        rows[drop, best[drop]] = -1.0  # the neighbour's own tail is no rival
    return float(1.0 - rows.max(axis=1).max())


def decode(pred: np.ndarray, chars: list[str], twin: dict[int, list[int]], scale: float,
           width: int) -> tuple[str, list[float], list[float], float]:
    """Greedy CTC decoding of one line: a run of one class is one character.

    Returns the fields of a :class:`~extractor.ocr.engines.RecLine`: the text, per character its probability
    (:func:`char_probability`) and its x centre in crop pixels (the run's middle step × ``CTC_STRIDE`` ×
    ``scale``), and the gap (:func:`blank_rival_gap`). Steps past ``ceil(width / CTC_STRIDE)`` (padding)
    are not read. Classes past the end of ``chars`` are skipped."""
    pred = pred[:max(1, math.ceil(width / CTC_STRIDE))]
    ids = pred.argmax(axis=1)
    text, ps, xs = [], [], []
    for i, t, e in greedy_runs(ids):
        if i != 0 and i < len(chars):
            text.append(chars[i])
            ps.append(char_probability(pred, i, t, e, twin))
            xs.append((t + e + 1) / 2 * CTC_STRIDE * scale)
    return "".join(text), ps, xs, blank_rival_gap(pred, ids, len(chars) - 1)
