"""Pixel evidence checked against a recognised line: what the recogniser is known to misread or drop, decided
by the line's ink (rules removed, specks dropped). Pure: numpy/OpenCV on a line's ink and its :class:`RecLine`.
"""
from __future__ import annotations

import cv2
import numpy as np

from .checkbox import Mark, glyph_spans
from .engines import RecLine
from .lines import TextLine

# a decimal point: a blob at most this many text heights wide and high (a '.' of 10.5 pt text at 200 dpi is ~4 px
# of a 28 px text height, 0.15; digits are ≥ 0.45 wide and ~0.7 high), its top in the lower part of the line
DOT_MAX = 0.3
DOT_LOW = 0.55  # the dot's top lies below this share of the line's height (digits reach the top)
DOT_NEAR = 0.6  # text heights: a recognised '.' / ',' this close to the dot explains it


def slash_or_dash(r: RecLine, ink: np.ndarray, ln: TextLine, text_h: float = 28.0) -> RecLine:
    """A lone '/' or '—' (the usual 'not applicable') is read as 1 / l / I or 二 / 一 / _: a single slanted
    stroke is a slash, a single flat stroke a dash."""
    x0, y0, x1, y1 = ln.box
    if len(r.text.strip()) <= 2 and y1 - y0 <= 0.3 * text_h and x1 - x0 >= 0.5 * text_h:
        n, _ = cv2.connectedComponents((ink[y0:y1, x0:x1] > 0).astype(np.uint8))
        if n - 1 == 1:
            return RecLine("—" * (2 if x1 - x0 > 1.6 * text_h else 1), [0.95], list(r.xs[:1]) or [0.0])
    if r.text.strip() not in ("1", "l", "I", "|", "/", "\\"):
        return r  # (geometry decides even when the recogniser is sure: a lone slash is read as 1 with p > 0.9)
    ys, xs = np.nonzero(ink[y0:y1, x0:x1])
    if len(xs) < 8 or y1 - y0 < 8:
        return r
    n, _ = cv2.connectedComponents((ink[y0:y1, x0:x1] > 0).astype(np.uint8))
    if n - 1 != 1:
        return r
    xs = xs - xs.mean()
    ys = ys - ys.mean()
    cov = np.cov(np.vstack([xs, ys]))
    w, v = np.linalg.eigh(cov)
    dx, dy = v[:, int(np.argmax(w))]
    if dx < 0:
        dx, dy = -dx, -dy
    ang = float(np.degrees(np.arctan2(-dy, dx)))  # 90 = upright, < 90 leaning right like '/'
    if 45 <= ang <= 80:
        return RecLine("/", [0.95], list(r.xs[:1]) or [0.0])
    if -80 <= ang <= -45:
        return RecLine("\\", [0.95], list(r.xs[:1]) or [0.0])
    return r


def unexplained_ink(r: RecLine, band: np.ndarray, x0: int, text_h: float, marks: list[Mark]) -> bool:
    """A glyph-sized piece of ink with no recognised character anywhere near it (a dash or a character the
    recogniser dropped, as '2024.04—' read as '2024.04'): the line's text may be missing something."""
    chars = [x0 + x for x in r.xs]
    for a, b in glyph_spans(band, text_h):
        if b - a < 0.35 * text_h:
            continue
        pa, pb = x0 + a, x0 + b
        if any(m.x0 - 2 < pb and pa < m.x1 + 2 for m in marks):
            continue
        if not any(pa - 0.6 * text_h <= x <= pb + 0.6 * text_h for x in chars):
            return True
    return False


_DOTS = set(".,．，。·:：")


def unread_dot(r: RecLine, band: np.ndarray, text_h: float) -> bool:
    """A number whose decimal point the recogniser dropped ('61.34' read as '6134' with high scores): in a line
    read as digits, a dot-sized blob low in the line, with digits read on both sides of it and no '.' read near it.

    ``band``: the line's ink (rules removed, specks dropped), x in the same pixels as ``r.xs`` (crop x from 0);
    ``text_h``: the page's text height in px. Sizes are shares of ``text_h`` (:data:`DOT_MAX`, :data:`DOT_LOW`,
    :data:`DOT_NEAR`), measured on 10.5 pt digits at 150–200 dpi."""
    t = r.text.strip()
    digits = sum(ch.isdigit() for ch in t)
    if digits < 2 or digits < 0.6 * len(t.replace(" ", "")) or len(r.xs) != len(r.text) or band.size == 0:
        return False
    h = band.shape[0]
    n, _lab, st, _c = cv2.connectedComponentsWithStats((band > 0).astype(np.uint8), connectivity=8)
    for i in range(1, n):
        x, y, w, hh = st[i, 0], st[i, 1], st[i, 2], st[i, 3]
        if w > DOT_MAX * text_h or hh > DOT_MAX * text_h or y < DOT_LOW * h or st[i, 4] < 4:
            continue
        cx = x + w / 2
        if any(ch in _DOTS and abs(px - cx) <= DOT_NEAR * text_h for ch, px in zip(r.text, r.xs)):
            continue
        left = any(ch.isdigit() and px < cx for ch, px in zip(r.text, r.xs))
        right = any(ch.isdigit() and px > cx for ch, px in zip(r.text, r.xs))
        if left and right:
            return True
    return False


# a dash the recogniser dropped after a number ('2025.09—' read as '2025.09', p 1.0, where the dash touches the 9):
# ink starting this many text heights right of the last character's centre ...
DASH_CLEAR = 0.4
DASH_MIN_W = 0.6  # ... at least this wide (an em dash of 10.5 pt text is ~1 text height) ...
DASH_MAX_H = 0.25  # ... at most this high, its middle within the line's middle band (not an underline) ...
DASH_MID = (0.3, 0.75)
DASH_PROB = 0.5  # ... is read as '—' with this probability (the value is reviewed: the dash is ours, not read)


def dropped_dash(r: RecLine, band: np.ndarray, text_h: float) -> RecLine:
    """``r`` with a '—' appended when the line ends in a digit and the ink goes on to its right as one flat
    stroke in the middle of the line (a period's dash, '2025.09—', the recogniser dropped); else ``r``.

    ``band``: the line's ink (rules removed), x in the pixels of ``r.xs`` (crop x from 0); ``text_h``: the page's
    text height, px. Sizes: :data:`DASH_CLEAR`, :data:`DASH_MIN_W`, :data:`DASH_MAX_H`, :data:`DASH_MID`."""
    t = r.text.rstrip()
    if not t or not t[-1].isdigit() or len(r.xs) != len(r.text) or band.size == 0:
        return r
    x0 = int(r.xs[len(t) - 1] + DASH_CLEAR * text_h)
    tail = band[:, max(0, x0):] > 0
    cols = np.flatnonzero(tail.any(axis=0))
    if len(cols) == 0 or cols[-1] - cols[0] + 1 < DASH_MIN_W * text_h:
        return r
    if len(cols) < 0.8 * (cols[-1] - cols[0] + 1):  # gaps: characters, not one stroke
        return r
    rows = np.flatnonzero(tail.any(axis=1))
    h = band.shape[0]
    mid = (rows[0] + rows[-1] + 1) / 2 / h
    if rows[-1] - rows[0] + 1 > DASH_MAX_H * text_h or not DASH_MID[0] <= mid <= DASH_MID[1]:
        return r
    cx = float(max(0, x0) + (cols[0] + cols[-1]) / 2)
    return RecLine(t + "—", list(r.probs[:len(t)]) + [DASH_PROB], list(r.xs[:len(t)]) + [cx], r.gap)


# a space the recogniser read inside a number set with spaced-out letters ('5.5 6%' for '5.56%' typed with
# expanded character spacing): the ink gap where the space was read is no wider than this many times the
# median gap between the number's other glyphs (a typed space adds a quarter to half a text height to the gap)
SPACE_RATIO = 1.6
SPACE_PROB = 0.85  # ... the space is dropped, and the digit after it read with at most this probability (review)
_NUMERIC = set("0123456789.,")


def spaced_digits(r: RecLine, band: np.ndarray, text_h: float) -> RecLine:
    """``r`` without the spaces it read between the digits of one number whose glyphs are evenly spaced (letter
    spacing, not a space typed); a thousands gap ('1 204') is wider than the others and stays.

    ``band``: the line's ink (rules removed), x in the pixels of ``r.xs``; ``text_h``: the page's text height, px.
    Numbers: :data:`SPACE_RATIO`, :data:`SPACE_PROB`. The digit after a dropped space is read with at most
    :data:`SPACE_PROB`, so the value goes to review."""
    t = r.text
    if " " not in t.strip() or len(r.xs) != len(t) or band.size == 0:
        return r
    spaces = [i for i, ch in enumerate(t) if ch == " " and 0 < i < len(t) - 1
              and t[i - 1] in _NUMERIC and t[i + 1] in _NUMERIC]
    if not spaces:
        return r
    spans = glyph_spans(band, text_h)
    gaps = [(b0, a1) for (_, b0), (a1, _) in zip(spans, spans[1:])]  # (gap start, gap end) between glyphs
    if len(gaps) < 3:
        return r
    widths = [e - s for s, e in gaps]
    drop = []
    for i in spaces:
        x = (r.xs[i - 1] + r.xs[i + 1]) / 2
        k = min(range(len(gaps)), key=lambda j: abs((gaps[j][0] + gaps[j][1]) / 2 - x))
        others = sorted(w for j, w in enumerate(widths) if j != k)
        median = others[len(others) // 2]
        if widths[k] <= SPACE_RATIO * max(1, median):
            drop.append(i)
    if not drop:
        return r
    keep = [i for i in range(len(t)) if i not in drop]
    probs = list(r.probs)
    for i in drop:
        probs[i + 1] = min(probs[i + 1], SPACE_PROB)
    return RecLine("".join(t[i] for i in keep), [probs[i] for i in keep], [r.xs[i] for i in keep], r.gap)

