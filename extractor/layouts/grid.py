"""The ``grid`` layout: row labels × column headers; the cell of every row under every column is a place."""
from __future__ import annotations

from ..ir import Cell
from ..maps.spec import GridSection
from ..records import Hit, Mapped, Scope
from .base import Layout, register
from .columns import Col, col_cell, find_columns, year_of
from .labels import locate_one, strip_hint


@register
class GridLayout(Layout):
    section_type = GridSection

    def map(self, scope: Scope, out: Mapped, scopes: list[Scope]) -> None:
        out.hits += grid_hits(scope, self.section)


def grid_hits(sc: Scope, s: GridSection) -> list[Hit]:
    cols, creasons = find_columns(sc.pool(), s.columns)
    header_cells = {id(c.cell) for c in cols if c}
    hits: list[Hit] = []
    seen: dict[str, int] = {}
    for r in s.rows:
        # rows the map lists twice under one label (two 企业数量 rows) take that label's printed rows in order
        seen[r.label] = seen.get(r.label, 0) + 1
        twins = sum(1 for x in s.rows if x.label == r.label)
        found, score, reasons = locate_one(sc, r.label, seen[r.label], twins)
        for spec, col in zip(s.columns, cols):
            if r.columns is not None and spec.label not in r.columns:
                continue
            h = Hit(
                id=r.id + spec.suffix, table=s.table, row_label=r.row_label if r.row_label is not None else r.label,
                column_label=spec.label, kind="value", raw=None,
                period=spec.period if spec.period is not None else (year_of(spec.label) or s.period),
                vtype=spec.type or r.type, unit=spec.unit or r.unit, required=r.required,
                role=spec.role, group=r.id, reasons=list(reasons),
            )
            if found is None:
                h.reasons.append(f"row {r.label!r} not found")
            elif col is None:
                h.reasons += [x for x in creasons if spec.label in x]
            else:
                _read_cell(h, found, score, col, header_cells, spec.hint)
                h.reasons += [x for x in creasons if x.startswith(f"column {spec.label!r} read under")]
            hits.append(h)
    return hits


def _read_cell(h: Hit, found, score: float, col: Col, header_cells: set[int], hint: str | None) -> None:  # noqa: ANN001
    """The cell at the row's label and the column (values may sit below a label that spans rows)."""
    t, lab = found
    cell = None
    for row in range(lab.row, lab.last_row + 1):
        cell = col_cell(col, t, row)
        if cell is not None and cell is not lab and id(cell) not in header_cells:
            break
    if cell is None or cell is lab or id(cell) in header_cells:
        h.reasons.append("no cell at this row and column")
    else:
        h.cell, h.raw = cell, strip_hint(cell.text, hint)
        h.label_score = min(score, col.score)
        why = off_column(cell, col.cell)
        if why:
            h.reasons.append(why)


COL_OVERLAP = 0.5
"""A value cell on its column header's page must share at least this much of the wider one's width with the header
(a column line lost in the body of a scanned grid — perspective, a curl — shifts the grid's columns under their
headers: measured, the 2024年 header over the 2023 value shared 18 of 108 pt)."""


def off_column(cell: Cell, header: Cell) -> str | None:
    """Why ``cell`` is not the value under the column ``header`` (bboxes on one page, x in pt), or None."""
    if cell.bbox is None or header.bbox is None or cell.page != header.page:
        return None  # a Word table, or a continuation on another page (its columns aligned by order)
    a0, _, a1, _ = cell.bbox
    b0, _, b1, _ = header.bbox
    shared = min(a1, b1) - max(a0, b0)
    if shared >= COL_OVERLAP * max(a1 - a0, b1 - b0):
        return None
    return f"value cell ({a0:.0f}–{a1:.0f} pt) not under its column header ({b0:.0f}–{b1:.0f} pt)"
