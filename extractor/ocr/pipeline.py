"""One page image → :class:`PageOCR` (clean-up, grid, lines, tick boxes, recognition).

This is the only module that calls the engine; everything it produces is plain data that
:mod:`extractor.ocr.assemble` turns into IR blocks without the engine (tests run that part on stored JSON).
Each page's text is recognised once, line crop by line crop; empty cells cost nothing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import checkbox, cleanup, dewarp, grid
from . import lines as L
from .checkbox import Mark
from .engines import Engine, RecLine
from .evidence import dropped_dash, slash_or_dash, spaced_digits, unexplained_ink, unread_dot
from .grid import Grid
from .lines import TextLine

CROP_TEXT_SHARE = 0.43  # text height / crop height handed to the recogniser (measured on the scans: fewer
# pixels than PaddleOCR's det crops (~0.6), same accuracy; 0.40 starts to drop characters)
FLIP_PROB = 0.6  # mean 180° probability of the classifier above which a page is turned over


@dataclass
class Region:
    """Where lines were looked for: a table cell (``table``/``cell`` indices) or the free text of the page."""

    box: tuple[int, int, int, int]
    table: int = -1  # index into PageOCR.tables (flattened, nested ones after their parent)
    cell: int = -1
    ink: float = 0.0  # ink ratio (rules removed)
    red: float = 0.0  # share of seal-red pixels before suppression
    crossing: bool = False  # text strokes continue through the cell border

    def to_json(self) -> dict:
        return {"box": list(self.box), "table": self.table, "cell": self.cell, "ink": round(self.ink, 5),
                "red": round(self.red, 5), "crossing": self.crossing}

    @classmethod
    def from_json(cls, d: dict) -> "Region":
        return cls(tuple(d["box"]), d["table"], d["cell"], d.get("ink", 0.0), d.get("red", 0.0), d.get("crossing", False))


@dataclass
class PageOCR:
    page: int
    dpi: float
    size: tuple[int, int]  # width, height of the cleaned page, pixels
    tables: list[Grid]  # flattened: top-level tables and their nested tables (Grid.nested left empty here)
    parents: list[int]  # for each table: index of its parent table, -1 for top level
    regions: list[Region]
    lines: list[TextLine]
    rec: list[RecLine]
    marks: list[list[Mark]]  # per line
    text_h: float = 28.0
    rotation: int = 0  # quarter turns applied (degrees, counter-clockwise)
    skew: float = 0.0  # degrees of deskew applied
    warped: bool = False  # perspective-corrected (a photo)
    timings: dict[str, float] = field(default_factory=dict)
    image: np.ndarray | None = field(default=None, repr=False)  # the cleaned page (kept on request, not in JSON)

    def to_json(self) -> dict:
        return {"page": self.page, "dpi": self.dpi, "size": list(self.size), "text_h": self.text_h,
                "rotation": self.rotation, "skew": round(self.skew, 3), "warped": self.warped,
                "tables": [g.to_json() for g in self.tables], "parents": self.parents,
                "regions": [r.to_json() for r in self.regions], "lines": [ln.to_json() for ln in self.lines],
                "rec": [r.to_json() for r in self.rec], "marks": [[m.to_json() for m in ms] for ms in self.marks]}

    @classmethod
    def from_json(cls, d: dict) -> "PageOCR":
        return cls(d["page"], d["dpi"], tuple(d["size"]), [Grid.from_json(g) for g in d["tables"]], d["parents"],
                   [Region.from_json(r) for r in d["regions"]], [TextLine.from_json(x) for x in d["lines"]],
                   [RecLine.from_json(x) for x in d["rec"]], [[Mark.from_json(m) for m in ms] for ms in d["marks"]],
                   d.get("text_h", 28.0), d.get("rotation", 0), d.get("skew", 0.0), d.get("warped", False))


# ---------------------------------------------------------------- clean-up
@dataclass
class Cleaned:
    grey: np.ndarray  # red channel, flattened light, upright, level
    red: np.ndarray  # seal mask in the same geometry
    binary: np.ndarray
    rotation: int = 0
    skew: float = 0.0
    warped: bool = False


def clean_page(rgb: np.ndarray, dpi: float) -> Cleaned:
    grey = cleanup.to_grey(rgb)
    red = cleanup.red_mask(rgb) if cleanup.is_colour(rgb) else np.zeros(grey.shape, np.uint8)
    warped = False
    quad = cleanup.find_page_quad(grey)
    if quad is not None:
        size = cleanup.quad_target(quad, dpi)
        grey = cleanup.warp(grey, quad, size, 255)
        red = cleanup.warp(red, quad, size, 0)
        warped = True
    grey = cleanup.flatten_light(grey)
    binary = cleanup.binarize(grey)
    curve = dewarp.flatten_curve(binary)
    if curve is not None:  # a curved sheet: its bowed rules straightened
        grey = dewarp.dewarp(grey, curve, 255)
        red = dewarp.dewarp(red, curve, 0) if red.any() else red
        binary = cleanup.binarize(grey)
    grid_quad = None if warped else cleanup.find_grid_quad(binary)
    if grid_quad is not None:  # a close-up photo in perspective: the table frame is the page's rectangle
        grey = cleanup.unkeystone(grey, grid_quad, 255)
        red = cleanup.unkeystone(red, grid_quad, 0) if red.any() else red
        binary = cleanup.binarize(grey)
        warped = True
    rotation = 0
    if cleanup.text_direction(binary) == 90:
        rotation = 90
        grey, red = cleanup.rotate90(grey, 90), cleanup.rotate90(red, 90)
        binary = cleanup.binarize(grey)
    skew = cleanup.skew_angle(binary)
    if abs(skew) >= 0.05:
        grey = cleanup.rotate(grey, skew, 255)
        red = cleanup.rotate(red, skew, 0) if red.any() else red
        binary = cleanup.binarize(grey)
    return Cleaned(grey, red, binary, rotation, skew, warped)


def turn_over(c: Cleaned) -> Cleaned:
    return Cleaned(cleanup.rotate90(c.grey, 180), cleanup.rotate90(c.red, 180), cleanup.rotate90(c.binary, 180),
                   (c.rotation + 180) % 360, c.skew, c.warped)


# ---------------------------------------------------------------- layout
@dataclass
class Layout:
    tables: list[Grid]
    parents: list[int]
    regions: list[Region]
    lines: list[TextLine]
    ink: np.ndarray
    text_h: float


def _flatten(tables: list[Grid]) -> tuple[list[Grid], list[int]]:
    flat: list[Grid] = []
    parents: list[int] = []

    def add(g: Grid, parent: int) -> None:
        idx = len(flat)
        nested = g.nested
        flat.append(Grid(g.box, g.xs, g.ys, g.cells, [], g.parent_cell))
        parents.append(parent)
        for n in nested:
            add(n, idx)

    for g in tables:
        add(g, -1)
    return flat, parents


def text_ink(binary: np.ndarray, rules: np.ndarray) -> "Specks":
    """Ink without rules, with its connected components (specks are dropped by :meth:`Specks.ink`)."""
    ink = L.remove_rules(binary, rules)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return Specks(ink, n, lab, stats)


@dataclass
class Specks:
    raw: np.ndarray
    n: int
    lab: np.ndarray
    stats: np.ndarray

    def ink(self, text_h: float = 28.0) -> np.ndarray:
        """The ink without specks too small to be part of any character of text ``text_h`` high."""
        if self.n <= 1:
            return self.raw
        st = self.stats
        w, h, area = st[:, cv2.CC_STAT_WIDTH], st[:, cv2.CC_STAT_HEIGHT], st[:, cv2.CC_STAT_AREA]
        keep = (np.maximum(w, h) >= max(4, 0.2 * text_h)) | (area >= 12)
        keep[0] = False
        if keep[1:].all():
            return self.raw
        return (keep.astype(np.uint8) * 255)[self.lab]


def layout(binary: np.ndarray, red: np.ndarray, dpi: float = 200) -> Layout:
    lm = grid.line_masks(binary)
    top = grid.find_tables(binary, lm, grid.DEFAULT_OCR_GRID.at_dpi(dpi))
    tables, parents = _flatten(top)
    rules = grid.ruling_ink(lm, binary)
    specks = text_ink(binary, rules)
    ink = specks.ink()
    regions: list[Region] = []
    inner_boxes = []
    for ti, g in enumerate(tables):
        for ci, c in enumerate(g.cells):
            x0, y0, x1, y1 = c.box
            regions.append(Region((x0, y0, x1, y1), ti, ci))
            inner_boxes.append(_inset(c.box))
    text_h = L.text_height(ink, inner_boxes) if inner_boxes else L.text_height(ink, [(0, 0, ink.shape[1], ink.shape[0])])
    ink = specks.ink(text_h)
    # nested tables are cut out of their parent cell's ink
    nested_boxes = {ti: [tables[k].box for k, p in enumerate(parents) if p == ti] for ti in range(len(tables))}
    lines: list[TextLine] = []
    band = 0
    for ri, reg in enumerate(regions):
        box = _inset(reg.box)
        sub_ink = ink
        holes = [b for b in nested_boxes.get(reg.table, []) if _inside(b, reg.box)]
        if holes:
            sub_ink = ink.copy()
            for hx0, hy0, hx1, hy1 in holes:
                sub_ink[max(0, hy0 - 4):hy1 + 4, max(0, hx0 - 4):hx1 + 4] = 0
        reg.ink = L.ink_ratio(sub_ink, box)
        reg.red = _share(red, box)
        if reg.ink > 0:
            reg.crossing = _crossing(ink, reg.box, text_h)
            found = L.find_lines(sub_ink, box, text_h, ri, band)
            band += len({x.band for x in found})
            lines += found
    # free text: everything outside the top-level tables
    free = ink.copy()
    for g, p in zip(tables, parents):
        if p == -1:
            x0, y0, x1, y1 = g.box
            free[max(0, y0 - 3):y1 + 4, max(0, x0 - 3):x1 + 4] = 0
    regions.append(Region((0, 0, ink.shape[1], ink.shape[0])))
    found = L.find_lines(free, (0, 0, ink.shape[1], ink.shape[0]), text_h, len(regions) - 1, band)
    lines += found
    return Layout(tables, parents, regions, lines, ink, text_h)


def ink_tone(grey: np.ndarray, ink: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """How dark the darkest tenth of the ink in ``box`` (px) is on the grey page (0 black – 255 white)."""
    x0, y0, x1, y1 = box
    g = grey[y0:y1, x0:x1][ink[y0:y1, x0:x1] > 0]
    return float(np.percentile(g, 10)) if g.size else 0.0


def _inset(box: tuple[int, int, int, int], k: int = 3) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return x0 + k, y0 + k, max(x0 + k, x1 - k + 1), max(y0 + k, y1 - k + 1)


def _inside(inner: tuple, outer: tuple) -> bool:
    return outer[0] - 3 <= inner[0] and outer[1] - 3 <= inner[1] and inner[2] <= outer[2] + 3 and inner[3] <= outer[3] + 3


def _share(mask: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    sub = mask[y0:y1, x0:x1]
    return float(np.count_nonzero(sub)) / max(1, sub.size)


def _crossing(ink: np.ndarray, box: tuple[int, int, int, int], text_h: float) -> bool:
    """Text strokes on both sides of a vertical cell border (text overflowing into the next cell)."""
    x0, y0, x1, y1 = box
    h, w = ink.shape
    rows_needed = max(4, int(0.35 * text_h))
    for x in (x0, x1):
        a, b = x - 7, x + 8
        if a < 0 or b > w:
            continue
        left = ink[y0 + 4:y1 - 4, a:x - 2].any(axis=1)
        right = ink[y0 + 4:y1 - 4, x + 3:b].any(axis=1)
        if int((left & right).sum()) >= rows_needed:
            return True
    return False


# ---------------------------------------------------------------- crops, orientation, recognition
def crop_of(grey: np.ndarray, ln: TextLine, text_h: float) -> np.ndarray:
    x0, y0, x1, y1 = ln.box
    bh = y1 - y0
    mid = (y0 + y1) / 2
    half = max(bh, 0.8 * text_h) / CROP_TEXT_SHARE / 2
    H, W = grey.shape
    cy0, cy1 = int(max(0, mid - half)), int(min(H, mid + half + 1))
    pad = int(0.6 * text_h) + 4  # the recogniser drops a dash or a dot that touches the crop's edge
    cx0, cx1 = max(0, x0 - pad), min(W, x1 + pad)
    ln.crop = (cx0, cy0, cx1, cy1)
    return grey[cy0:cy1, cx0:cx1]


def upside_down(engine: Engine, grey: np.ndarray, lay: Layout) -> bool:
    """The classifier's vote over the widest body-text lines (a scanned page is either way up as a whole)."""
    cands = [ln for ln in lay.lines if 0.6 * lay.text_h <= ln.box[3] - ln.box[1] <= 1.4 * lay.text_h]
    cands.sort(key=lambda ln: -(ln.box[2] - ln.box[0]))
    cands = cands[:12]
    if len(cands) < 2:
        return False
    probs = engine.classify([crop_of(grey, ln, lay.text_h) for ln in cands])
    p = float(np.mean(probs))
    if 0.35 < p < 0.65:  # unsure: compare recognition scores both ways on a few lines
        few = cands[:3]
        up = engine.recognize([crop_of(grey, ln, lay.text_h) for ln in few])
        down = engine.recognize([cv2.rotate(crop_of(grey, ln, lay.text_h), cv2.ROTATE_180) for ln in few])
        return sum(r.score for r in down) > sum(r.score for r in up) + 0.1
    return p > FLIP_PROB


@dataclass
class Prepared:
    """A page cleaned and laid out, before any engine call (:func:`prepare_page`)."""

    page: int
    dpi: float
    cleaned: Cleaned
    layout: Layout
    timings: dict[str, float]


def prepare_page(rgb: np.ndarray, dpi: float, page: int) -> Prepared:
    """Clean-up and layout: numpy/OpenCV only, so it can run for the next page while this one is recognised."""
    t0 = time.perf_counter()
    c = clean_page(rgb, dpi)
    t1 = time.perf_counter()
    lay = layout(c.binary, c.red, dpi)
    return Prepared(page, dpi, c, lay, {"cleanup": t1 - t0, "layout": time.perf_counter() - t1})


def analyse_page(rgb: np.ndarray, dpi: float, page: int, engine: Engine, keep_image: bool = False) -> PageOCR:
    return finish_page(prepare_page(rgb, dpi, page), engine, keep_image)


def finish_page(prep: Prepared, engine: Engine, keep_image: bool = False) -> PageOCR:
    """Orientation vote, recognition and tick marks of a prepared page."""
    page, dpi, c, lay = prep.page, prep.dpi, prep.cleaned, prep.layout
    t2 = time.perf_counter()
    if upside_down(engine, c.grey, lay):
        c = turn_over(c)
        lay = layout(c.binary, c.red, dpi)
    sealed = bool(c.red.any())
    for ln in lay.lines:
        crop_of(c.grey, ln, lay.text_h)  # sets ln.crop
        if sealed:  # a page with a red seal: how light each line's ink is (the seal's own text is light)
            ln.tone = ink_tone(c.grey, lay.ink, ln.box)
    marks = []
    for ln in lay.lines:
        x0, y0, x1, y1 = ln.crop
        marks.append(checkbox.find_boxes(lay.ink[ln.box[1]:ln.box[3], x0:x1], lay.text_h, (x0, ln.box[1])))
    rec = engine.recognize([c.grey[ln.crop[1]:ln.crop[3], ln.crop[0]:ln.crop[2]] for ln in lay.lines])
    t3 = time.perf_counter()
    rec = [slash_or_dash(r, lay.ink, ln, lay.text_h) for r, ln in zip(rec, lay.lines)]
    bands = [lay.ink[ln.box[1]:ln.box[3], ln.crop[0]:ln.crop[2]] for ln in lay.lines]
    rec = [spaced_digits(dropped_dash(r, band, lay.text_h), band, lay.text_h) for r, band in zip(rec, bands)]
    for k, (ln, r) in enumerate(zip(lay.lines, rec)):
        boxes = checkbox.confirm(marks[k], r, ln.crop[0], lay.text_h, bands[k], ln.crop[0], ln.box[1])
        marks[k] = boxes + checkbox.tick_marks(r, ln.crop[0], bands[k], ln.crop[0], lay.text_h, boxes,
                                               ln.box[1], ln.box[3])
    # a mark the recogniser dropped and the box search missed is looked for only in option cells
    marks = checkbox.add_orphans([ln.region if lay.regions[ln.region].table >= 0 else -1 for ln in lay.lines], rec,
                                 bands, [ln.crop[0] for ln in lay.lines], [(ln.box[1], ln.box[3]) for ln in lay.lines],
                                 lay.text_h, marks)
    for k, (ln, r) in enumerate(zip(lay.lines, rec)):
        if unexplained_ink(r, bands[k], ln.crop[0], lay.text_h, marks[k]) or unread_dot(r, bands[k], lay.text_h):
            rec[k] = RecLine(r.text, r.probs, r.xs, min(r.gap, 0.6))  # ink the recogniser read nothing for
    h, w = c.grey.shape
    return PageOCR(page, dpi, (w, h), lay.tables, lay.parents, lay.regions, lay.lines, rec, marks, lay.text_h,
                   c.rotation, c.skew, c.warped,
                   {**prep.timings, "recognize": t3 - t2},
                   c.grey if keep_image else None)
