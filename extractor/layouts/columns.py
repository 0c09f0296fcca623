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
    missing: list[int] = []
    for c, found in zip(cols, cands):
        found = [x for x in found if id(x[0][1]) not in used]
        pick = next((x for x in found if best and _in_band(x[0], best)), None)
        if pick is None:
            out.append(None)
            missing.append(len(out) - 1)
            continue
        (t, cell), s = pick
        used.add(id(cell))
        out.append(Col(c, t, cell, s, c.label))
    for i in missing:
        guess = between_neighbours(out, i, used, cols[i])
        if guess is not None:
            out[i] = guess
            used.add(id(guess.cell))
            reasons.append(f"column {cols[i].label!r} read under the header {guess.cell.text.strip()!r} between its "
                           f"neighbours (matched at {guess.score:.2f})")
        else:
            reasons.append(f"column {cols[i].label!r} not found")
    return out, reasons


COL_GUESS = 0.6
"""A header cell standing where a column not found must be — right of its left neighbour and left of its right
one, or next to two neighbours in a row — is that column's header if its text scores at least this against the
label (a header misread under a seal: '水 201年' for '2021年' scores 0.73; another year's header, '2022年', 0.8 —
which is why the place decides and the score only confirms)."""


def between_neighbours(out: list[Col | None], i: int, used: set[int], spec: ColumnSpec) -> Col | None:
    """The header of column ``i`` (``spec``, not found) from its neighbours found in the same header row: the cell after
    its left neighbour when the cell after that is its right neighbour, or (at an end) the cell beyond two
    neighbours that stand side by side; the cell's text must score :data:`COL_GUESS` against the label.
    The Col's score is that text score (below LABEL_SURE: the values are reviewed)."""
    from rapidfuzz import fuzz

    from ..text import canon

    def at(k: int) -> Col | None:
        return out[k] if 0 <= k < len(out) else None

    left, right = at(i - 1), at(i + 1)
    if left is not None and right is not None and left.table is right.table and left.cell.row == right.cell.row:
        col = left.cell.col + left.cell.colspan
        if col + 1 != right.cell.col:
            return None
        ref = left
    elif left is not None and at(i - 2) is not None and at(i - 2).table is left.table \
            and at(i - 2).cell.col + at(i - 2).cell.colspan == left.cell.col:
        col, ref = left.cell.col + left.cell.colspan, left
    elif right is not None and at(i + 2) is not None and at(i + 2).table is right.table \
            and right.cell.col + right.cell.colspan == at(i + 2).cell.col:
        col, ref = right.cell.col - 1, right
    else:
        return None
    cell = ref.table.at(ref.cell.row, col)
    if cell is None or id(cell) in used or cell.row != ref.cell.row or cell.colspan != 1:
        return None
    score = fuzz.ratio(canon(cell.text), canon(spec.label)) / 100.0
    return Col(spec, ref.table, cell, score, spec.label) if score >= COL_GUESS else None


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
