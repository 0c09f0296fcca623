"""Column headers of grids and lists: the one header band where most of a section's column labels stand."""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Cell, Table
from ..maps.spec import ColumnSpec
from ..records import TC
from ..text import years
from .labels import find_path


@dataclass
class Col:
    """A column found: its spec, the header cell and how well the header matched."""

    spec: ColumnSpec
    table: Table
    cell: Cell
    score: float
    label: str  # as found (the edition's years)


def find_columns(pool: list[TC], cols: list[ColumnSpec]) -> tuple[list[Col | None], list[str]]:
    """Header cells of the columns, taken from the one header band where most of them stand together."""
    cands = [find_path(pool, c.label, direction="below") for c in cols]
    bands: dict[tuple[int, int], int] = {}
    for found in cands:
        for key in {(t.index, c.row) for (t, c), _ in found}:
            bands[key] = 0
    for key in bands:
        bands[key] = sum(1 for found in cands if any(_in_band(tc, key) for tc, _ in found))
    best = max(bands, key=lambda k: (bands[k], -k[0], -k[1])) if bands else None
    out: list[Col | None] = []
    reasons: list[str] = []
    used: set[int] = set()
    for c, found in zip(cols, cands):
        found = [x for x in found if id(x[0][1]) not in used]
        pick = next((x for x in found if best and _in_band(x[0], best)), None)
        if pick is None:
            out.append(None)
            reasons.append(f"column {c.label!r} not found")
            continue
        (t, cell), s = pick
        used.add(id(cell))
        out.append(Col(c, t, cell, s, c.label))
    return out, reasons


def _in_band(tc: TC, key: tuple[int, int]) -> bool:
    t, c = tc
    return t.index == key[0] and key[1] <= c.row <= key[1] + 2


def col_cell(col: Col, t: Table, row: int) -> Cell | None:
    """The cell of ``row`` under the column (in the header's table, or a continuation with as many columns)."""
    if t is col.table or t.n_cols == col.table.n_cols:
        return t.at(row, col.cell.col)
    return None


def year_of(label: str) -> int | None:
    """The first year printed in a column label (the period of its values)."""
    ys = years(label)
    return ys[0] if ys else None
