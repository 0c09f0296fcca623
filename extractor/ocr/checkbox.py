"""Tick boxes decided by pixels, never by OCR (OCR drops ☑ and ■ about a third of the time).

``find_boxes`` looks in one text line's ink for small squares (□ ☑ ☒ ■): a connected component about
half to one text height tall, about as wide as tall, whose four sides are inked. What lies inside the
square (ink ratio of the interior, border excluded) says ticked or empty, with a confidence that falls
as the ratio nears the threshold. Ticks typed without a box (√ ✓ ✔) are not squares: they are taken
from the recogniser's characters at that position and confirmed by the ink there (``tick_marks``).

``rewrite`` then puts ☑ or □ before each option in the recognised text, at the x position of each
mark, replacing whatever glyph the recogniser read there (or inserting one where it read nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from .engines import RecLine

EMPTY_MAX = 0.035  # interior ink ratio at or below: empty box
TICK_MIN = 0.09  # at or above: ticked
BOX_GLYPHS = set("☑□■☒☐⊠▣口囗回図冈区")
TICK_GLYPHS = set("√✓✔✗✘×VvJ")
MARK_CHARS = BOX_GLYPHS | TICK_GLYPHS
OPTION_GLYPHS = set("☑□■☒☐⊠▣√✓✔")  # read by the recogniser: the cell holds options


@dataclass
class Mark:
    x0: float  # page pixels
    x1: float
    y0: float
    y1: float
    ticked: bool
    confidence: float
    kind: str  # box | filled | tick

    def to_json(self) -> dict:
        return {"box": [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)],
                "ticked": self.ticked, "confidence": round(self.confidence, 3), "kind": self.kind}

    @classmethod
    def from_json(cls, d: dict) -> "Mark":
        x0, y0, x1, y1 = d["box"]
        return cls(x0, x1, y0, y1, d["ticked"], d["confidence"], d["kind"])


def interior_decision(ratio: float) -> tuple[bool, float]:
    """Ticked or not from the interior ink ratio, and how sure (1.0 far from the thresholds)."""
    if ratio <= EMPTY_MAX:
        return False, 1.0 if ratio <= EMPTY_MAX * 0.6 else 0.93
    if ratio >= TICK_MIN:
        return True, 1.0 if ratio >= TICK_MIN * 1.5 else 0.93
    return ratio >= (EMPTY_MAX + TICK_MIN) / 2, 0.6


def find_boxes(ink: np.ndarray, text_h: float, offset: tuple[int, int] = (0, 0)) -> list[Mark]:
    """Square tick boxes in a binary line image (ink = 255). Coordinates returned in page pixels."""
    if ink.size == 0:
        return []
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out: list[Mark] = []
    lo, hi = 0.38 * text_h, 1.15 * text_h
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not (lo <= w <= hi and lo <= h <= hi) or abs(w - h) > 0.25 * max(w, h):
            continue
        comp = lab[y:y + h, x:x + w] == i
        t = max(1, int(round(min(w, h) * 0.12)))
        sides = [comp[:t, :].any(axis=0).mean(), comp[-t:, :].any(axis=0).mean(),
                 comp[:, :t].any(axis=1).mean(), comp[:, -t:].any(axis=1).mean()]
        if min(sides) < 0.8:
            continue
        fill = area / float(w * h)
        if fill >= 0.75:
            out.append(Mark(x + offset[0], x + w + offset[0], y + offset[1], y + h + offset[1], True, 1.0, "filled"))
            continue
        m = max(t + 1, int(round(min(w, h) * 0.2)))
        inner = ink[y + m:y + h - m, x + m:x + w - m]
        if inner.size == 0:
            continue
        ratio = float(np.count_nonzero(inner)) / inner.size
        # a box drawn as a square outline has a hollow middle; a CJK character like 口 is a square too,
        # but it is not followed by a gap to its left: that is checked by the caller against the text
        ticked, conf = interior_decision(ratio)
        out.append(Mark(x + offset[0], x + w + offset[0], y + offset[1], y + h + offset[1], ticked, conf, "box"))
    out.sort(key=lambda m: m.x0)
    return out


def glyph_spans(ink: np.ndarray, text_h: float) -> list[tuple[int, int]]:
    """Column runs of a line's ink: a column with at most one ink pixel counts as a gap (a speck or a
    blurred edge must not glue a tick to the character after it)."""
    cols = (ink > 0).sum(axis=0) > 1
    xs = np.flatnonzero(cols)
    if len(xs) == 0:
        return []
    out: list[list[int]] = [[int(xs[0]), int(xs[0]) + 1]]
    for x in xs[1:]:
        if x > out[-1][1]:
            out.append([int(x), int(x) + 1])
        else:
            out[-1][1] = int(x) + 1
    return [(a, b) for a, b in out]


def _gap_before(ink: np.ndarray, x: int) -> float:
    """Empty columns between ``x`` and the ink before it (``inf`` when nothing is before it)."""
    cols = np.flatnonzero((ink[:, :max(0, x)] > 0).sum(axis=0) > 1)
    return float(x - cols[-1] - 1) if len(cols) else float("inf")


def confirm(cands: list[Mark], rec: RecLine, crop_x0: float, text_h: float, ink: np.ndarray, ink_x0: int,
            ink_y0: int) -> list[Mark]:
    """Keep the squares that are tick boxes, not CJK characters or their parts shaped like one (国 回 品 口 …).

    The recogniser reads a character in context: where it read a box or tick glyph, the square is a box;
    where it read nothing (it drops ☑ and ■) or a look-alike (口 冈 …), the square is a box only where an
    option's box stands — at the start of the line or after a space, vertically centred on the line; where
    it read another character, it is that character.
    """
    out: list[Mark] = []
    xs = [crop_x0 + x for x in rec.xs]
    mid = ink_y0 + ink.shape[0] / 2
    for m in cands:
        c = (m.x0 + m.x1) / 2
        reach = max(0.45 * text_h, (m.x1 - m.x0) * 0.6)
        near = [(abs(x - c), ch) for ch, x in zip(rec.text, xs) if abs(x - c) <= reach]
        ch = min(near)[1] if near else None
        if ch is not None and ch in MARK_CHARS - LOOKALIKE - set("区回"):
            out.append(m)
            continue
        if ch is not None and ch not in LOOKALIKE:
            continue
        if m.y1 - m.y0 < STACK_MAX_H * text_h and stacked(ink, m, ink_x0, ink_y0):
            continue  # ink above or below the square in the same line: a part of a character (品 吕 器 …)
        gap = _gap_before(ink, int(m.x0 - ink_x0))
        centred = abs((m.y0 + m.y1) / 2 - mid) <= 0.25 * text_h and m.y1 - m.y0 >= 0.45 * text_h
        if centred and gap >= (0.9 if ch is not None else 0.5) * text_h:
            out.append(m)
    return out


LOOKALIKE = set("口冈囗図")
STACK_SHARE = 0.3  # share of a square's columns with ink above or below it in the line: part of a character
STACK_MARGIN = 2  # px left clear above and below the square's own outline (its anti-aliasing, a speck)
# text heights: only a square shorter than this is tested (a character's 口 is about half a text height; a
# printed box about 0.8, and a tick drawn out of its box must not make it a character)
STACK_MAX_H = 0.7


def stacked(ink: np.ndarray, m: Mark, ink_x0: int, ink_y0: int) -> bool:
    """The square ``m`` has ink above or below it within the line in at least ``STACK_SHARE`` of its columns:
    it is one of the squares of a character (the lower-left 口 of 品), not a tick box, which stands alone.

    ``ink``: the line's ink (rules removed), page pixel (``ink_x0``, ``ink_y0``) at its top left; ``m`` in page
    pixels; ``STACK_MARGIN`` pixels next to the square are not counted."""
    a, b = max(0, int(m.x0 - ink_x0)), min(ink.shape[1], int(m.x1 - ink_x0) + 1)
    top, bot = int(m.y0 - ink_y0) - STACK_MARGIN, int(m.y1 - ink_y0) + 1 + STACK_MARGIN
    if b <= a:
        return False
    cols = ink[:, a:b] > 0
    outside = np.zeros(cols.shape[1], bool)
    if top > 0:
        outside |= cols[:top].any(axis=0)
    if bot < ink.shape[0]:
        outside |= cols[bot:].any(axis=0)
    return float(outside.mean()) >= STACK_SHARE


def tick_marks(rec: RecLine, crop_x0: float, ink: np.ndarray, ink_x0: int, text_h: float, boxes: list[Mark],
               y0: float, y1: float) -> list[Mark]:
    """Bare ticks (√ ✓ ✔) the recogniser read, confirmed by ink at that place and not already a box."""
    out: list[Mark] = []
    for ch, x in zip(rec.text, rec.xs):
        if ch not in TICK_GLYPHS or ch in "VvJ":
            continue
        px = crop_x0 + x
        if any(b.x0 - 0.3 * text_h <= px <= b.x1 + 0.3 * text_h for b in boxes):
            continue
        a = int(max(0, px - 0.5 * text_h - ink_x0))
        b = int(min(ink.shape[1], px + 0.5 * text_h - ink_x0))
        if b <= a or not ink[:, a:b].any():
            continue
        out.append(Mark(px - 0.4 * text_h, px + 0.4 * text_h, y0, y1, True, 0.95, "tick"))
    return out


READ_MARK_NEAR = 0.5
"""Text heights: a box or tick character the recogniser read this close to a glyph is that glyph (no orphan).
A character's x is where the recogniser's path peaks, within one CTC step (8 input pixels, ~0.4 text heights
at this crop height) of its middle: a '□' 12 px wide read 6 px beyond its right edge (nm-amc, 150 dpi) was
taken for a second, ticked mark before '是' and '否' that the applicant had left empty."""


def orphan_marks(rec: RecLine, crop_x0: float, ink: np.ndarray, ink_x0: int, text_h: float, marks: list[Mark],
                 y0: float, y1: float) -> list[Mark]:
    """Marks the recogniser dropped and the box search missed (a tick, or a box glued to its neighbour by
    noise): a lone glyph at the start of a line or after a wide gap, directly before more text, where the
    recogniser read no character at all. Filled → ticked box; hollow square → decided by its inside;
    otherwise a tick."""
    if ink.size == 0:
        return []
    glyphs = glyph_spans(ink, text_h)
    chars = [crop_x0 + x for x in rec.xs]
    marks_read = [crop_x0 + x for ch, x in zip(rec.text, rec.xs) if ch in MARK_CHARS]
    out: list[Mark] = []
    for k, (a, b) in enumerate(glyphs):
        w = b - a
        if not (0.4 * text_h <= w <= 1.15 * text_h) or k + 1 >= len(glyphs):
            continue
        if k > 0 and a - glyphs[k - 1][1] < 1.0 * text_h:
            continue  # marks stand at the start of a line or after a space, not inside a word
        if glyphs[k + 1][0] - b > 0.8 * text_h:
            continue
        rows = np.flatnonzero(ink[:, a:b].any(axis=1))
        if len(rows) == 0 or rows[-1] - rows[0] + 1 < 0.45 * text_h:
            continue
        px0, px1 = ink_x0 + a, ink_x0 + b
        if any(px0 - 0.15 * text_h <= x <= px1 + 0.15 * text_h for x in chars):
            continue  # (a character's position is where the recogniser's path peaks: near its middle)
        if any(px0 - READ_MARK_NEAR * text_h <= x <= px1 + READ_MARK_NEAR * text_h for x in marks_read):
            continue  # the recogniser read a box or a tick for it: no orphan (confirm / tick_marks decide it)
        if any(m.x0 < px1 and px0 < m.x1 for m in marks):
            continue
        sub = ink[rows[0]:rows[-1] + 1, a:b] > 0
        h = sub.shape[0]
        fill = float(sub.mean())
        square = abs(w - h) <= 0.3 * max(w, h)
        t = max(1, int(round(min(w, h) * 0.15)))
        sides = min(sub[:t].any(axis=0).mean(), sub[-t:].any(axis=0).mean(), sub[:, :t].any(axis=1).mean(),
                    sub[:, -t:].any(axis=1).mean())
        if square and fill >= 0.6:
            out.append(Mark(px0, px1, y0, y1, True, 0.9, "filled"))
        elif square and sides >= 0.7:
            m = max(t + 1, int(round(min(w, h) * 0.2)))
            inner = sub[m:h - m, m:w - m]
            ticked, conf = interior_decision(float(inner.mean()) if inner.size else 0.0)
            out.append(Mark(px0, px1, y0, y1, ticked, conf * 0.95, "box"))
        elif fill <= 0.5:
            out.append(Mark(px0, px1, y0, y1, True, 0.9, "tick"))
    return out


ORPHAN_LINES = 2
"""A table cell where at least this many lines start with a mark the recogniser read nothing for
(:func:`orphan_marks`) holds options, though no box was found and no box glyph read in it: a list of options
ticked with faint ✔ and boxed with □ glued to their first character (a 150 dpi scan) shows no other sign. One
such line is a speck as often as a mark."""
ORPHAN_ONLY = 0.85
"""Confidence (0–1) at most of the marks of a cell that only its orphan marks made an option cell: below the
assembler's ``MARK_OK`` (0.9), so the cell is ``review``. Bullets the recogniser reads nothing for (◆ ※ ■ at the
start of each line of a text cell) look like such marks: a fresh user's scans had them become ☑ with status ok."""


def add_orphans(cells: list[int], rec: list[RecLine], inks: list[np.ndarray], x0s: list[int],
                ys: list[tuple[int, int]], text_h: float, marks: list[list[Mark]]) -> list[list[Mark]]:
    """``marks`` (per line) with the line's orphan marks (:func:`orphan_marks`) added in option cells.

    Per line ``k``: ``cells[k]`` its table cell (any id; -1 outside tables: running text never holds orphan
    marks), ``rec[k]`` its read, ``inks[k]`` its ink band (rules removed) starting at page x ``x0s[k]`` (the
    crop's left edge, which ``rec[k].xs`` are relative to), ``ys[k]`` its top and bottom (page pixels).
    Option cells: table cells where a mark was found or a box glyph read (not running text, not a plain value),
    and cells with orphan marks on at least :data:`ORPHAN_LINES` lines — their marks doubted
    (:data:`ORPHAN_ONLY`): bullets look the same."""
    orphans = [orphan_marks(r, x0, ink, x0, text_h, ms, y0, y1) if cell >= 0 else []
               for cell, r, ink, x0, (y0, y1), ms in zip(cells, rec, inks, x0s, ys, marks)]
    options = {cell for cell, ms, r in zip(cells, marks, rec)
               if cell >= 0 and (ms or any(ch in OPTION_GLYPHS for ch in r.text))}
    count: dict[int, int] = {}
    for cell, found in zip(cells, orphans):
        if found:
            count[cell] = count.get(cell, 0) + 1
    only = {cell for cell, n in count.items() if n >= ORPHAN_LINES} - options
    orphans = [[replace(m, confidence=min(m.confidence, ORPHAN_ONLY)) for m in found] if cell in only else found
               for cell, found in zip(cells, orphans)]
    return [ms + found if cell in options | only else ms for cell, ms, found in zip(cells, marks, orphans)]


def rewrite(rec: RecLine, crop_x0: float, marks: list[Mark], text_h: float) -> tuple[str, list[float]]:
    """The line's text with each mark as ☑/□ at its place; mark-like characters the recogniser read there go.

    Returns the text and the probabilities of the characters kept (marks excluded: pixels decided them).
    """
    if not marks:
        return rec.text, list(rec.probs)
    chars = list(zip(rec.text, rec.probs, [crop_x0 + x for x in rec.xs]))
    taken = [False] * len(chars)
    for m in marks:
        c = (m.x0 + m.x1) / 2
        best = None
        for k, (ch, _, x) in enumerate(chars):
            if taken[k]:
                continue
            if abs(x - c) <= max(0.6 * text_h, (m.x1 - m.x0) * 0.7) and (ch in MARK_CHARS or _misread_mark(ch)):
                if best is None or abs(x - c) < abs(chars[best][2] - c):
                    best = k
        if best is not None:
            taken[best] = True
    kept = [(ch, p, x) for (ch, p, x), t in zip(chars, taken) if not t]
    items = [(x, ch, p) for ch, p, x in kept] + [((m.x0 + m.x1) / 2, "☑" if m.ticked else "□", None) for m in marks]
    items.sort(key=lambda it: it[0])
    text = "".join(ch for _, ch, _ in items)
    probs = [p for _, _, p in items if p is not None]
    return text, probs


def _misread_mark(ch: str) -> bool:
    """Characters the recogniser has been seen to read for a box or tick drawn in a line."""
    return ch in "0OoDd[]|" or ch in "口日囗曰目田"
