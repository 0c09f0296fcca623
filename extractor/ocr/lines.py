"""Text lines by projection, inside each table cell and in the free text between tables. Pure numpy.

A form page is typeset: after deskew, a cell's text lines are separated by empty pixel rows, and words
far apart on a line by empty columns. Finding lines this way costs milliseconds (the DB detector costs
~0.5 s a page on two cores) and gives tight crops, so recognition only sees ink. A line is split where
a gap is wider than 1.5 text heights (the gap would cost recognition time for nothing).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]


@dataclass
class TextLine:
    box: Box  # ink extent, page pixels
    crop: Box  # what recognition sees (ink extent plus margins)
    band: int  # index of the visual line within its region (segments of one line share it)
    region: int = -1  # index of the region (cell or free-text area) it belongs to
    tone: float = 0.0  # grey level (0 black – 255 white) of its darkest tenth of ink; set on pages with a red seal

    def to_json(self) -> dict:
        d = {"box": list(self.box), "crop": list(self.crop), "band": self.band, "region": self.region}
        if self.tone:
            d["tone"] = round(self.tone, 1)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "TextLine":
        return cls(tuple(d["box"]), tuple(d["crop"]), d["band"], d.get("region", -1), d.get("tone", 0.0))


def bands(ink: np.ndarray, min_px: int = 6) -> list[tuple[int, int]]:
    """Runs of pixel rows holding ink (rows with fewer than 1 px ignored)."""
    prof = (ink > 0).sum(axis=1)
    on = prof > 0
    out: list[tuple[int, int]] = []
    y = 0
    n = len(on)
    while y < n:
        if on[y]:
            s = y
            while y < n and on[y]:
                y += 1
            if int(prof[s:y].sum()) >= min_px:
                out.append((s, y))
        else:
            y += 1
    return out


def merge_bands(bs: list[tuple[int, int]], text_h: float) -> list[tuple[int, int]]:
    """Join runs that belong to one line (the parts of 二 / 三 / ：, accents, a dot below)."""
    out: list[list[int]] = []
    for a, b in bs:
        if out:
            pa, pb = out[-1]
            gap = a - pb
            if gap <= max(3, 0.45 * text_h) and (b - pa) <= 1.35 * text_h:
                out[-1][1] = b
                continue
        out.append([a, b])
    return [(a, b) for a, b in out]


def split_tall(ink: np.ndarray, a: int, b: int, text_h: float) -> list[tuple[int, int]]:
    """A band taller than ~1.7 text heights may be two touching lines: cut at the emptiest row near the middle."""
    h = b - a
    if h < 1.7 * text_h or text_h <= 0:
        return [(a, b)]
    prof = (ink[a:b] > 0).sum(axis=1).astype(np.float64)
    lo, hi = int(0.6 * text_h), h - int(0.6 * text_h)
    if hi <= lo:
        return [(a, b)]
    k = lo + int(np.argmin(prof[lo:hi]))
    if prof[k] > 0.15 * prof.max():
        return [(a, b)]
    return split_tall(ink, a, a + k, text_h) + split_tall(ink, a + k + 1, b, text_h)


def segments(ink_band: np.ndarray, text_h: float) -> list[tuple[int, int]]:
    """Horizontal ink runs of one band, split at gaps wider than 1.5 text heights."""
    prof = (ink_band > 0).sum(axis=0)
    xs = np.flatnonzero(prof)
    if len(xs) == 0:
        return []
    gap = max(8, int(1.5 * text_h))
    out: list[list[int]] = [[int(xs[0]), int(xs[0]) + 1]]
    for x in xs[1:]:
        if x - out[-1][1] > gap:
            out.append([int(x), int(x) + 1])
        else:
            out[-1][1] = int(x) + 1
    return [(a, b) for a, b in out]


def find_lines(ink: np.ndarray, region: Box, text_h: float, region_id: int = -1, band0: int = 0) -> list[TextLine]:
    """Text lines inside ``region`` (page pixels) of the page's ink mask (rules already removed)."""
    x0, y0, x1, y1 = region
    sub = ink[y0:y1, x0:x1]
    if sub.size == 0 or not sub.any():
        return []
    out: list[TextLine] = []
    raw = merge_bands(bands(sub), text_h)
    parts = [p for a, b in raw for p in split_tall(sub, a, b, text_h)]
    H, W = ink.shape
    for k, (a, b) in enumerate(parts):
        for sa, sb in segments(sub[a:b], text_h):
            piece = sub[a:b, sa:sb]
            rows = np.flatnonzero(piece.any(axis=1))
            ta, tb = a + int(rows[0]), a + int(rows[-1]) + 1
            bh = tb - ta
            mid = (ta + tb) / 2
            half = max(bh, 0.8 * text_h) / 2 + 0.25 * max(bh, text_h)
            cy0 = int(max(0, y0 + mid - half))
            cy1 = int(min(H, y0 + mid + half + 1))
            pad = int(0.3 * text_h) + 2
            cx0 = int(max(0, x0 + sa - pad))
            cx1 = int(min(W, x0 + sb + pad))
            out.append(TextLine((x0 + sa, y0 + ta, x0 + sb, y0 + tb), (cx0, cy0, cx1, cy1), band0 + k, region_id))
    return out


def text_height(ink: np.ndarray, regions: list[Box]) -> float:
    """Typical height of a line of body text: the median height of line-like bands over the regions."""
    hs: list[int] = []
    for x0, y0, x1, y1 in regions:
        sub = ink[y0:y1, x0:x1]
        if sub.size == 0:
            continue
        for a, b in bands(sub, min_px=20):
            h = b - a
            if h < 8:
                continue
            w = int(np.count_nonzero(sub[a:b].any(axis=0)))
            if w >= 2 * h:
                hs.append(h)
    if not hs:
        return 28.0
    hs.sort()
    # the lower half of the distribution: body text, not merged lines or titles
    return float(np.median(hs[: max(1, (len(hs) * 2) // 3)]))


def ink_ratio(ink: np.ndarray, box: Box) -> float:
    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1]
    return float(np.count_nonzero(sub)) / max(1, sub.size)


def remove_rules(binary: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """Ink without ruling lines (rules dilated a little so their anti-aliased edges go too)."""
    grown = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return cv2.subtract(binary, grown)
