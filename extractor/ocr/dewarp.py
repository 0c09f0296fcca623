"""Curved pages straightened on their ruling lines (a photo of a sheet that bends: a curl, a fold, the bulge of a
bound return). Pure functions on numpy arrays; no OCR.

The horizontal rules of a form's tables are straight on paper. On a curved page they bow; each long rule is
fitted with a cubic ``y = f(x)`` (pixels of the page), and the page is remapped column by column so that every
rule lies on its own least-squares straight line (deskew then levels the page as for any scan). Between two
rules the vertical displacement is interpolated linearly in ``y``; above the first rule and below the last it
is the nearest rule's; left and right of a rule's ends, its end value. Only vertical displacement is undone
(the curl of a sheet lying on a desk bends its rows; its columns stay nearly straight).

1. ``bowed_rules``: long near-horizontal rules and their cubic fits (a short, vertically tolerant opening
   keeps a bowed rule whole where an axis-aligned one breaks it);
2. ``displacement``: how far the worst rule departs from its straight line — below :data:`BOW_MIN` the page is
   flat and left alone;
3. ``dewarp_maps`` / ``dewarp``: the remap grids and the remapped image.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# a rule is at least this share of the page's width long (table rules across the page, not a cell's underline)
RULE_SPAN = 0.3
# a rule that departs from its straight line by less than this many px everywhere is straight: measured on 68
# flat pages of the generated corpus (/tmp/scans_cal: 12 scanned PDFs, 20 photos), at most 3.3 px (a skewed fax
# page; photos ≤ 1.6); a sheet whose middle bows 12 px (A4 at 200 dpi) departs 5.4 px
BOW_MIN = 5.0
STEP = 8  # px: the displacement is computed on a grid this coarse and resized (smooth by construction)


@dataclass
class Rule:
    """One bowed rule: cubic coefficients of ``y = f(x)`` (np.polyval order), its x extent and its straight line
    (slope, intercept) — all in page pixels."""

    poly: np.ndarray
    x0: float
    x1: float
    line: tuple[float, float]

    def y(self, x: np.ndarray) -> np.ndarray:
        """The rule's y at ``x`` (clamped to its extent: no extrapolation of the cubic)."""
        return np.polyval(self.poly, np.clip(x, self.x0, self.x1))

    def straight(self, x: np.ndarray) -> np.ndarray:
        """Where the rule lies once straightened, at ``x``."""
        return self.line[0] * np.clip(x, self.x0, self.x1) + self.line[1]


def bowed_rules(binary: np.ndarray) -> list[Rule]:
    """Long near-horizontal rules of ``binary`` (ink = 255), each fitted with a cubic, top to bottom."""
    h, w = binary.shape
    f = 0.5
    small = cv2.resize(binary, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    small = (small > 60).astype(np.uint8) * 255
    smeared = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    opened = cv2.morphologyEx(smeared, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 1)))
    opened = cv2.bitwise_and(opened, small)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    rules: list[Rule] = []
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        if cw < RULE_SPAN * small.shape[1] or area > 6 * cw:  # long, and thin for its length (not a text block)
            continue
        ys, xs = np.nonzero(lab[y:y + ch, x:x + cw] == i)
        px, py = (xs + x) / f, (ys + y) / f
        poly = np.polyfit(px, py, 3)
        line = np.polyfit(px, py, 1)
        rules.append(Rule(poly, float(px.min()), float(px.max()), (float(line[0]), float(line[1]))))
    rules.sort(key=lambda r: r.line[1] + r.line[0] * (r.x0 + r.x1) / 2)
    return rules


def displacement(rules: list[Rule]) -> float:
    """The largest departure (px) of any rule from its straight line."""
    worst = 0.0
    for r in rules:
        xs = np.linspace(r.x0, r.x1, 64)
        worst = max(worst, float(np.abs(r.y(xs) - r.straight(xs)).max()))
    return worst


def dewarp_maps(rules: list[Rule], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``cv2.remap`` grids (map_x, map_y; float32, page size) that move every rule onto its straight line."""
    h, w = shape
    gx = np.arange(0, w + STEP, STEP, dtype=np.float64)
    gy = np.arange(0, h + STEP, STEP, dtype=np.float64)
    dy = np.zeros((len(gy), len(gx)), np.float32)
    for j, x in enumerate(gx):
        xa = np.array([x])
        at = np.array([r.straight(xa)[0] for r in rules])
        d = np.array([r.y(xa)[0] - r.straight(xa)[0] for r in rules])
        order = np.argsort(at)
        dy[:, j] = np.interp(gy, at[order], d[order])
    dy_full = cv2.resize(dy, (len(gx) * STEP, len(gy) * STEP), interpolation=cv2.INTER_LINEAR)[:h, :w]
    map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return map_x, map_y + dy_full


def dewarp(img: np.ndarray, maps: tuple[np.ndarray, np.ndarray], fill: int = 255) -> np.ndarray:
    """``img`` remapped by :func:`dewarp_maps` (same size)."""
    return cv2.remap(img, maps[0], maps[1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def flatten_curve(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The remap grids that straighten a curved page, or None when its rules are straight (fewer than two long
    rules, or none departing :data:`BOW_MIN` px from its straight line)."""
    rules = bowed_rules(binary)
    if len(rules) < 2 or displacement(rules) < BOW_MIN:
        return None
    return dewarp_maps(rules, binary.shape)
