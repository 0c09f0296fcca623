"""Ruling-line masks of a binary page (ink = 255): the horizontal and vertical rules found by morphology, and
which of their pixels are wiped from the text's ink. Pure OpenCV; no OCR."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .settings import DEFAULT_OCR_GRID, OcrGridSettings


@dataclass
class Lines:
    horizontal: np.ndarray  # 0/255 masks, page size
    vertical: np.ndarray

    @property
    def both(self) -> np.ndarray:
        return cv2.bitwise_or(self.horizontal, self.vertical)


def line_masks(binary: np.ndarray, min_len: int | None = None, settings: OcrGridSettings = DEFAULT_OCR_GRID) -> Lines:
    """Ruling-line masks. ``min_len``: the shortest rule kept (default: 1/``rule_share`` of the page width,
    ≥ ``rule_min`` px)."""
    h, w = binary.shape
    k = min_len or max(settings.rule_min, w // settings.rule_share)
    c = settings.gap_close
    kj = max(1, int(settings.jog_len * k))
    hor = cv2.bitwise_or(_open_along(binary, (k, 1), (1, 1)), _open_along(binary, (kj, 1), (1, 2 * settings.jog + 1)))
    ver = cv2.bitwise_or(_open_along(binary, (1, k), (1, 1)), _open_along(binary, (1, kj), (2 * settings.jog + 1, 1)))
    # close small breaks (JPEG, noise, a tick touching a rule)
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (c, 1)))
    ver = cv2.morphologyEx(ver, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, c)))
    return Lines(hor, ver)


def _open_along(binary: np.ndarray, rule: tuple[int, int], across: tuple[int, int]) -> np.ndarray:
    """Runs of ink at least ``rule`` long (a (w, h) kernel), where a run may step sideways within ``across``
    ((w, h), odd): opened on the ink smeared across, then cut back to the ink itself (the mask keeps the rule's
    own width)."""
    smeared = binary if max(across) <= 1 else cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    opened = cv2.morphologyEx(smeared, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, rule))
    return opened if smeared is binary else cv2.bitwise_and(opened, binary)


FREE_RULE = 2.0
"""A rule piece touching no rule of the other direction is wiped from the text's ink only if at least this many
times the rule length long (an underline, a long dash line); shorter, it is print — a dash beside a digit
('2024.04—' is a 48 px run with the 4's bar, over 41 px) — and stays for the recogniser and the evidence."""


def ruling_ink(lines: Lines, binary: np.ndarray, settings: OcrGridSettings = DEFAULT_OCR_GRID) -> np.ndarray:
    """The rule pixels to wipe from the text's ink: every piece of either mask that touches the other
    direction's mask (a table's rules meet), and free pieces :data:`FREE_RULE` rule lengths long or more."""
    k = max(settings.rule_min, binary.shape[1] // settings.rule_share)
    out = cv2.bitwise_or(lines.horizontal, lines.vertical)
    h, w = binary.shape
    for mask, other, horizontal in ((lines.horizontal, lines.vertical, True), (lines.vertical, lines.horizontal, False)):
        # components on a half-size copy (a quarter of the pixels to label; rules stay connected)
        half = cv2.resize(mask, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
        n, lab, stats, _ = cv2.connectedComponentsWithStats((half > 0).astype(np.uint8), connectivity=8)
        if n <= 1:
            continue
        length = 2 * (stats[:, cv2.CC_STAT_WIDTH] if horizontal else stats[:, cv2.CC_STAT_HEIGHT])
        short = np.flatnonzero(length < FREE_RULE * k)
        short = short[short > 0]
        if not len(short):
            continue
        near = cv2.resize(cv2.dilate(other, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))), (lab.shape[1], lab.shape[0]),
                          interpolation=cv2.INTER_AREA)
        touching = np.zeros(n, bool)
        touching[np.unique(lab[(near > 0) & (lab > 0)])] = True
        for i in short[~touching[short]]:  # free and short: print, not a rule (few per page)
            x, y, cw, ch = (int(v) * 2 for v in stats[i, :4])
            region = np.repeat(np.repeat(lab[y // 2:(y + ch) // 2, x // 2:(x + cw) // 2] == i, 2, axis=0), 2, axis=1)
            sub = out[y:y + region.shape[0], x:x + region.shape[1]]
            region = region[:sub.shape[0], :sub.shape[1]]
            sub[region & (other[y:y + sub.shape[0], x:x + sub.shape[1]] == 0)] = 0
    return out
