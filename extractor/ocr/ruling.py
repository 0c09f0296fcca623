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
    out = np.zeros_like(binary)
    for mask, other, horizontal in ((lines.horizontal, lines.vertical, True), (lines.vertical, lines.horizontal, False)):
        near = cv2.dilate(other, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
        n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if n <= 1:
            continue
        length = stats[:, cv2.CC_STAT_WIDTH] if horizontal else stats[:, cv2.CC_STAT_HEIGHT]
        touching = np.zeros(n, bool)
        touching[np.unique(lab[(near > 0) & (mask > 0)])] = True
        keep = touching | (length >= FREE_RULE * k)
        keep[0] = False
        out |= (keep.astype(np.uint8) * 255)[lab]
    return out
