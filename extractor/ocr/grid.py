"""Table grids from ruling lines. Pure functions on a binary page (ink = 255); no OCR.

Hand-written with OpenCV morphology rather than img2table: we need exactly what the IR needs — the
grid lines, merged cells as spans (from the missing line segments), nested tables kept apart, and the
line masks themselves (to wipe rules before OCR and to test if text crosses a cell border) — and
img2table would bring its own OCR wrappers, polars and a second pass over the page for the same result.

1. horizontal / vertical line masks (:mod:`.ruling`): opening with long thin kernels, small gaps closed;
2. tables: connected components of the union of both masks (nested tables are components inside a cell);
3. rows / columns: line positions clustered; a boundary between two neighbouring grid positions is
   *present* when a ruling segment covers most of it;
4. cells: grid positions joined across absent boundaries (union-find) → row/col spans.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .ruling import FREE_RULE, Lines, line_masks, ruling_ink  # noqa: F401 - the masks, re-exported
from .settings import DEFAULT_OCR_GRID, OcrGridSettings  # noqa: F401 - re-exported (callers, tests)
from .spans import merge_positions, nested_regions


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels (on the ruling lines)


@dataclass
class Grid:
    box: tuple[int, int, int, int]
    xs: list[int]  # column boundaries
    ys: list[int]  # row boundaries
    cells: list[GridCell]
    nested: list["Grid"] = field(default_factory=list)
    parent_cell: tuple[int, int] | None = None  # (row, col) of the cell of the parent grid holding it

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def to_json(self) -> dict:
        return {"box": list(self.box), "xs": self.xs, "ys": self.ys,
                "cells": [[c.row, c.col, c.rowspan, c.colspan, list(c.box)] for c in self.cells],
                "nested": [g.to_json() for g in self.nested], "parent_cell": list(self.parent_cell) if self.parent_cell else None}

    @classmethod
    def from_json(cls, d: dict) -> "Grid":
        return cls(tuple(d["box"]), list(d["xs"]), list(d["ys"]),
                   [GridCell(r, c, rs, cs, tuple(b)) for r, c, rs, cs, b in d["cells"]],
                   [Grid.from_json(x) for x in d.get("nested", [])],
                   tuple(d["parent_cell"]) if d.get("parent_cell") else None)


@dataclass
class _Seg:
    pos: float  # y of a horizontal / x of a vertical segment
    a: int  # start along the line
    b: int  # end along the line
    thick: int


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> list[_Seg]:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[_Seg] = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        length = w if horizontal else h
        if length < min_len:
            continue
        if horizontal:
            out.append(_Seg(y + h / 2.0, int(x), int(x + w), max(1, int(round(area / max(w, 1))))))
        else:
            out.append(_Seg(x + w / 2.0, int(y), int(y + h), max(1, int(round(area / max(h, 1))))))
    return out


def _cluster(segs: list[_Seg], tol: float) -> list[tuple[float, list[_Seg]]]:
    segs = sorted(segs, key=lambda s: s.pos)
    groups: list[list[_Seg]] = []
    for s in segs:
        if groups and s.pos - groups[-1][-1].pos <= tol:
            groups[-1].append(s)
        else:
            groups.append([s])
    out = []
    for g in groups:
        wsum = sum(s.b - s.a for s in g)
        pos = sum(s.pos * (s.b - s.a) for s in g) / max(wsum, 1)
        out.append((pos, g))
    return out


def _touches(v: _Seg, rows: list[tuple[float, list[_Seg]]], tol: float) -> tuple[bool, bool]:
    """Does the vertical segment end on a horizontal rule, at its top / at its bottom?"""
    def on(y: float) -> bool:
        return any(abs(pos - y) <= tol and any(s.a - tol <= v.pos <= s.b + tol for s in segs) for pos, segs in rows)

    return on(v.a), on(v.b)


def _coverage(segs: list[_Seg], a: float, b: float) -> float:
    """Share of [a, b] covered by the segments."""
    if b <= a:
        return 0.0
    iv = sorted((max(a, s.a), min(b, s.b)) for s in segs if s.b > a and s.a < b)
    cov, cur = 0.0, a
    for lo, hi in iv:
        lo = max(lo, cur)
        if hi > lo:
            cov += hi - lo
            cur = hi
    return cov / (b - a)


def find_tables(binary: np.ndarray, lines: Lines | None = None, settings: OcrGridSettings = DEFAULT_OCR_GRID) -> list[Grid]:
    """Every ruled table of the page, top to bottom, with nested tables attached to their parent cell."""
    lines = lines or line_masks(binary, settings=settings)
    lab, comps = _table_components(lines, settings)
    grids = [g for i, box in comps if (g := _component_grid(lines, lab, i, box, settings)) is not None]
    top = _nest(grids, settings.inside)
    top.sort(key=lambda g: (g.box[1], g.box[0]))
    return top


def _table_components(lines: Lines, settings: OcrGridSettings) -> tuple[np.ndarray, list[tuple[int, tuple[int, int, int, int]]]]:
    """Connected components of both line masks large enough to be tables: the label image and (label, box) per
    component, largest area first. Line ends that stop a few pixels short of each other are joined first."""
    j = settings.join
    both = cv2.dilate(lines.both, cv2.getStructuringElement(cv2.MORPH_RECT, (j, j)))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    comps = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if w >= settings.min_w and h >= settings.min_h:
            comps.append((i, (int(x), int(y), int(x + w), int(y + h))))
    comps.sort(key=lambda c: -(c[1][2] - c[1][0]) * (c[1][3] - c[1][1]))
    return lab, comps


def _component_grid(lines: Lines, lab: np.ndarray, i: int, box: tuple[int, int, int, int],
                    settings: OcrGridSettings) -> Grid | None:
    """The grid of component ``i`` of ``lab``, from the line masks under it."""
    x0, y0, x1, y1 = box
    sub = (lab[y0:y1, x0:x1] == i).astype(np.uint8)
    hm = cv2.bitwise_and(lines.horizontal[y0:y1, x0:x1], lines.horizontal[y0:y1, x0:x1], mask=sub)
    vm = cv2.bitwise_and(lines.vertical[y0:y1, x0:x1], lines.vertical[y0:y1, x0:x1], mask=sub)
    return grid_from_masks(hm, vm, offset=(x0, y0), settings=settings)


def _nest(grids: list[Grid], slack: int) -> list[Grid]:
    """The top-level grids; a grid inside an earlier (larger) grid's cell is attached to it as nested."""
    top: list[Grid] = []
    for g in grids:
        parent = _container(top, g, slack)
        if parent is None:
            top.append(g)
        else:
            pg, cell = parent
            g.parent_cell = (cell.row, cell.col)
            pg.nested.append(g)
    return top


def _container(grids: list[Grid], g: Grid, slack: int = DEFAULT_OCR_GRID.inside) -> tuple[Grid, GridCell] | None:
    cx0, cy0, cx1, cy1 = g.box
    for pg in grids:
        for holder in [pg] + _all_nested(pg):
            for c in holder.cells:
                x0, y0, x1, y1 = c.box
                if x0 - slack <= cx0 and y0 - slack <= cy0 and cx1 <= x1 + slack and cy1 <= y1 + slack:
                    return holder, c
    return None


def _all_nested(g: Grid) -> list[Grid]:
    out = []
    for n in g.nested:
        out.append(n)
        out += _all_nested(n)
    return out


Ruled = list[tuple[float, list[_Seg]]]  # grid line positions, each with the segments drawn on it


def grid_from_masks(hmask: np.ndarray, vmask: np.ndarray, offset: tuple[int, int] = (0, 0),
                    settings: OcrGridSettings = DEFAULT_OCR_GRID) -> Grid | None:
    """One table's grid from its horizontal and vertical line masks (same-size crops)."""
    ruled = masks_to_rules(hmask, vmask, settings)
    if ruled is None:
        return None
    rows, cols = ruled
    ys = [p for p, _ in rows]
    xs = [p for p, _ in cols]
    if len(ys) < 2 or len(xs) < 2:
        return None
    vpresent, hpresent = rules_to_boundaries(rows, cols, settings.cover)
    ox, oy = offset
    xi = [int(round(x)) + ox for x in xs]
    yi = [int(round(y)) + oy for y in ys]
    nested = cut_nested(xi, yi, vpresent, hpresent, settings.thin)
    cells = merge_positions(len(ys) - 1, len(xs) - 1, vpresent, hpresent)
    out = sorted((_cell(r0, c0, r1, c1, xi, yi) for r0, c0, r1, c1 in cells), key=lambda c: (c.row, c.col))
    grid = Grid((xi[0], yi[0], xi[-1], yi[-1]), xi, yi, out)
    for g in nested:
        holder = next(c for c in out if c.box[0] <= g.box[0] and c.box[2] >= g.box[2] and c.box[1] <= g.box[1] and c.box[3] >= g.box[3])
        g.parent_cell = (holder.row, holder.col)
        grid.nested.append(g)
    return grid


def _cell(r0: int, c0: int, r1: int, c1: int, xs: list[int], ys: list[int]) -> GridCell:
    """The cell over grid positions r0..r1 × c0..c1 (inclusive), its box on the grid lines ``xs`` / ``ys``."""
    return GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))


def masks_to_rules(hmask: np.ndarray, vmask: np.ndarray, settings: OcrGridSettings = DEFAULT_OCR_GRID) -> tuple[Ruled, Ruled] | None:
    """Row and column lines (position, segments) of one table's masks, outer rules added where missing;
    ``None`` when there are not two of each.

    A vertical rule runs from one horizontal rule to another; strokes of underlined characters standing on
    an underline touch one at most (kept only if ``open_rule`` long: the open end of a long rule)."""
    tol = settings.snap
    hs = _segments(hmask, True, min_len=settings.segment_min)
    vs = _segments(vmask, False, min_len=settings.segment_min)
    if not hs or not vs:
        return None
    rows = _cluster(hs, tol)
    ends = [sum(_touches(v, rows, tol + settings.touch)) for v in vs]
    vs = [v for v, n in zip(vs, ends) if n == 2 or (n == 1 and v.b - v.a >= settings.open_rule)]
    if len(rows) < 2 or len(vs) < 2:
        return None
    cols = _cluster(vs, tol)
    _add_outer(rows, cols, hs, vs, tol)
    return rows, cols


def _add_outer(rows: Ruled, cols: Ruled, hs: list[_Seg], vs: list[_Seg], tol: float) -> None:
    """Rules missing at the table's outer edge: the other direction's extent bounds the table (in place)."""
    xs0, xs1 = cols[0][0], cols[-1][0]
    ys0, ys1 = rows[0][0], rows[-1][0]
    hx0, hx1 = min(s.a for s in hs), max(s.b for s in hs)
    vy0, vy1 = min(s.a for s in vs), max(s.b for s in vs)
    if xs0 - hx0 > 2 * tol:
        cols.insert(0, (float(hx0), []))
    if hx1 - xs1 > 2 * tol:
        cols.append((float(hx1), []))
    if ys0 - vy0 > 2 * tol:
        rows.insert(0, (float(vy0), []))
    if vy1 - ys1 > 2 * tol:
        rows.append((float(vy1), []))


def rules_to_boundaries(rows: Ruled, cols: Ruled, cover: float = DEFAULT_OCR_GRID.cover) -> tuple[np.ndarray, np.ndarray]:
    """Which boundaries between neighbouring grid positions are ruled (covered at least ``cover``):
    ``vpresent[i, j]``, the vertical boundary left of column j in row i ((rows, cols + 1)), and
    ``hpresent[i, j]``, the horizontal boundary above row i in column j ((rows + 1, cols))."""
    ys = [p for p, _ in rows]
    xs = [p for p, _ in cols]
    nr, nc = len(ys) - 1, len(xs) - 1
    vpresent = np.zeros((nr, nc + 1), bool)
    hpresent = np.zeros((nr + 1, nc), bool)
    for j, (_, segs) in enumerate(cols):
        for i in range(nr):
            vpresent[i, j] = _coverage(segs, ys[i], ys[i + 1]) >= cover
    for i, (_, segs) in enumerate(rows):
        for j in range(nc):
            hpresent[i, j] = _coverage(segs, xs[j], xs[j + 1]) >= cover
    return vpresent, hpresent


def cut_nested(xi: list[int], yi: list[int], vpresent: np.ndarray, hpresent: np.ndarray,
               thin: int = DEFAULT_OCR_GRID.thin) -> list[Grid]:
    """Tables drawn into the grid inside a cell (:func:`.spans.nested_regions`), as grids of their own; their rules
    are taken out of ``vpresent`` / ``hpresent`` (in place), as inside the parent cell they bound nothing."""
    nr = vpresent.shape[0]
    nested: list[Grid] = []
    for r0, r1, jl, jr in nested_regions(xi, vpresent, hpresent, thin):
        sub_v = vpresent[r0:r1 + 1, jl + 1:jr + 1].copy()
        sub_h = hpresent[r0:r1 + 2, jl + 1:jr].copy()
        sub_h[0, :] = True
        sub_h[-1, :] = True
        ncells = merge_positions(r1 - r0 + 1, jr - jl - 1, sub_v, sub_h)
        sx, sy = xi[jl + 1:jr + 1], yi[r0:r1 + 2]
        nested.append(Grid((sx[0], sy[0], sx[-1], sy[-1]), sx, sy,
                           sorted((_cell(a, b, c, d, sx, sy) for a, b, c, d in ncells), key=lambda c: (c.row, c.col))))
        vpresent[r0:r1 + 1, jl + 1:jr + 1] = False
        hpresent[r0 + 1:r1 + 1, jl:jr + 1] = False
        if r0 > 0 and not hpresent[r0, jl]:
            hpresent[r0, jl:jr + 1] = False
        if r1 + 1 < nr and not hpresent[r1 + 1, jl]:
            hpresent[r1 + 1, jl:jr + 1] = False
    return nested
