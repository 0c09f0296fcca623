"""Grid positions → cells with spans, from which boundaries between neighbouring positions are ruled: pure
boolean-array logic on ``vpresent`` (rows, cols + 1: the vertical boundary left of column j in row i) and
``hpresent`` (rows + 1, cols: the horizontal boundary above row i in column j), as made by
:func:`extractor.ocr.grid.rules_to_boundaries`.
"""
from __future__ import annotations

import numpy as np


def nested_regions(xs: list[int], vpresent: np.ndarray, hpresent: np.ndarray, thin: int) -> list[tuple[int, int, int, int]]:
    """A table inside a cell that touches the cell's border is drawn as part of the parent's grid; it shows
    as two thin, unruled columns (the cell's padding) left and right of a ruled block of rows.

    Returns (first row, last row, left thin column, right thin column) per nested table.
    """
    nr, nc = vpresent.shape[0], len(xs) - 1
    thin_cols = [j for j in range(nc) if xs[j + 1] - xs[j] < thin]
    out: list[tuple[int, int, int, int]] = []
    for jl in thin_cols:
        for jr in thin_cols:
            if jr <= jl + 1:
                continue
            rows = [i for i in range(nr) if vpresent[i, jl + 1] and vpresent[i, jr]]
            runs: list[list[int]] = []
            for i in rows:
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            for run in runs:
                r0, r1 = run[0], run[-1]
                if r1 - r0 < 1:
                    continue
                # the padding columns stay open down the whole block (no rules across them) ...
                if any(hpresent[i, jl] or hpresent[i, jr] for i in range(r0 + 1, r1 + 1)):
                    continue
                # ... while the block itself has rules inside
                if not any(hpresent[i, j] for i in range(r0 + 1, r1 + 1) for j in range(jl + 1, jr)):
                    continue
                if any(o[0] <= r1 and r0 <= o[1] and o[2] <= jr and jl <= o[3] for o in out):
                    continue
                out.append((r0, r1, jl, jr))
    return out


def merge_positions(nr: int, nc: int, vpresent: np.ndarray, hpresent: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Grid positions joined across absent boundaries; each group widened to its bounding rectangle."""
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not vpresent[i, j + 1]:
                union(i * nc + j, i * nc + j + 1)
            if i + 1 < nr and not hpresent[i + 1, j]:
                union(i * nc + j, (i + 1) * nc + j)
    while True:
        rects: dict[int, list[int]] = {}
        for i in range(nr):
            for j in range(nc):
                r = find(i * nc + j)
                if r not in rects:
                    rects[r] = [i, j, i, j]
                else:
                    b = rects[r]
                    b[0], b[1], b[2], b[3] = min(b[0], i), min(b[1], j), max(b[2], i), max(b[3], j)
        changed = False
        for r, (r0, c0, r1, c1) in rects.items():  # non-rectangular groups swallow what their rectangle covers
            for i in range(r0, r1 + 1):
                for j in range(c0, c1 + 1):
                    if find(i * nc + j) != find(r):
                        union(r, i * nc + j)
                        changed = True
        if not changed:
            return [tuple(v) for v in rects.values()]  # type: ignore[misc]
