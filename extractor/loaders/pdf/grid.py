"""Tables on one PDF page, from the ruling lines: pure geometry, in the style of pdfplumber's ``table.py``.

Line and rectangle edges are snapped and joined (pdfplumber's ``merge_edges``), their intersections give the
cells (``intersections_to_cells``); the grid (:class:`PTable`) is built from the cells' x / y boundaries, so a
merged cell is one :class:`Cell` with its row/column span. Single-cell boxes (narrative boxes) are kept as
1×1 tables; a table lying inside a cell of another is that cell's nested table. Also: the cell at a point,
the cells of a row, a cell's text from its characters, and a page table → IR :class:`Table`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ...ir import Cell, Table
from .chars import Ch, Line, Para, chars_to_lines, lines_to_paragraphs
from .settings import DEFAULT_PDF_GRID, PdfGridSettings


@dataclass
class PTable:
    """A table found on one page, before it becomes an IR Table."""

    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    bbox: tuple[float, float, float, float]
    page: int
    grid: list[list[Cell | None]] = field(default_factory=list)
    parent: Cell | None = None  # set for nested tables
    children: list["PTable"] = field(default_factory=list)
    cont: bool = False  # a nested table at the top of the lower part of a split cell


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def nearest_line(xs: list[float], v: float) -> int:
    """Index of the grid line nearest to ``v``."""
    i = bisect_right(xs, v)
    if i == 0:
        return 0
    if i == len(xs):
        return len(xs) - 1
    return i if xs[i] - v < v - xs[i - 1] else i - 1


def find_tables(edges: list[dict], page_no: int, settings: PdfGridSettings = DEFAULT_PDF_GRID) -> list[PTable]:
    """The tables drawn by a page's ruling ``edges`` (pdfplumber edge dicts), nested tables linked to their cell,
    top to bottom."""
    boxes = lines_to_cells(edges_to_lines(edges, settings), settings)
    tables = [t for group in cells_to_groups(boxes) if (t := group_to_table(group, page_no, settings)) is not None]
    tables_to_nesting(tables, settings)
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables


def _length(e: dict) -> float:
    return e["height"] if e["orientation"] == "v" else e["width"]


def edges_to_lines(edges: list[dict], settings: PdfGridSettings = DEFAULT_PDF_GRID) -> list[dict]:
    """Ruling segments → ruling lines: tiny segments dropped, the rest snapped and joined (pdfplumber's
    ``merge_edges``), lines still too short dropped."""
    from pdfplumber.table import merge_edges

    s = settings
    edges = [e for e in edges if _length(e) >= s.edge_min_length_prefilter]
    if not edges:
        return []
    edges = merge_edges(edges, s.snap_tolerance, s.snap_tolerance, s.join_tolerance, s.join_tolerance)
    return [e for e in edges if _length(e) >= s.edge_min_length]


def lines_to_cells(lines: list[dict], settings: PdfGridSettings = DEFAULT_PDF_GRID) -> list[tuple]:
    """Ruling lines → the smallest boxes (x0, top, x1, bottom) with a corner at four of their intersections."""
    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    if not lines:
        return []
    tol = settings.intersection_tolerance
    return intersections_to_cells(edges_to_intersections(lines, tol, tol))


def cells_to_groups(boxes: list[tuple]) -> list[list[tuple]]:
    """Boxes → groups of boxes sharing corners (one group per table), in the order of their first box."""
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    for i, (x0, t, x1, b) in enumerate(boxes):
        for pt in ((x0, t), (x0, b), (x1, t), (x1, b)):
            j = corner_owner.setdefault(pt, i)
            if j != i:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
    groups: dict[int, list[tuple]] = {}
    for i, bx in enumerate(boxes):
        groups.setdefault(find(i), []).append(bx)
    return list(groups.values())


def group_to_table(boxes: list[tuple], page_no: int, settings: PdfGridSettings = DEFAULT_PDF_GRID) -> PTable | None:
    """One group of boxes → a table: its grid lines, cells with their spans, holes filled; ``None`` for a lone
    box too small to be a table (a tick box, an underline)."""
    s = settings
    if len(boxes) == 1:
        x0, t, x1, b = boxes[0]
        if x1 - x0 < s.min_box_width or b - t < s.min_box_height:
            return None
    xs = _cluster([v for c in boxes for v in (c[0], c[2])], s.grid_tolerance)
    ys = _cluster([v for c in boxes for v in (c[1], c[3])], s.grid_tolerance)
    cells, grid = boxes_to_grid(boxes, xs, ys, page_no)
    cells += holes_to_cells(grid, xs, ys, page_no)
    cells.sort(key=lambda c: (c.row, c.col))
    bbox = (round(xs[0], 2), round(ys[0], 2), round(xs[-1], 2), round(ys[-1], 2))
    return PTable(xs, ys, cells, bbox, page_no, grid)


def _place(grid: list[list[Cell | None]], cell: Cell) -> None:
    for r in range(cell.row, cell.row + cell.rowspan):
        for k in range(cell.col, cell.col + cell.colspan):
            grid[r][k] = cell


def boxes_to_grid(boxes: list[tuple], xs: list[float], ys: list[float],
                  page_no: int) -> tuple[list[Cell], list[list[Cell | None]]]:
    """Boxes → cells on the grid lines ``xs`` × ``ys`` (top to bottom, left to right), and the grid of the cell
    covering each position (``None``: a hole). A box overlapping one placed before (an inner partial line) is
    dropped."""
    cells: list[Cell] = []
    grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for (x0, t, x1, b) in sorted(boxes, key=lambda c: (c[1], c[0])):
        c0, c1, r0, r1 = nearest_line(xs, x0), nearest_line(xs, x1), nearest_line(ys, t), nearest_line(ys, b)
        if c1 <= c0 or r1 <= r0:
            continue
        if any(grid[r][k] is not None for r in range(r0, r1) for k in range(c0, c1)):
            continue  # overlapping cell (an inner partial line): keep the first
        cell = Cell(row=r0, col=c0, rowspan=r1 - r0, colspan=c1 - c0, page=page_no,
                    bbox=(round(x0, 2), round(t, 2), round(x1, 2), round(b, 2)))
        cells.append(cell)
        _place(grid, cell)
    return cells, grid


def holes_to_cells(grid: list[list[Cell | None]], xs: list[float], ys: list[float], page_no: int) -> list[Cell]:
    """Holes of the grid (a border missing on one side) → cells: each run of uncovered positions in a row is one
    cell, unless a label column left open at the bottom goes on (:func:`_open_label`). Fills ``grid``."""
    out: list[Cell] = []
    for r, row in enumerate(grid):
        k = 0
        while k < len(row):
            if row[k] is not None:
                k += 1
                continue
            k1 = k
            while k1 < len(row) and row[k1] is None:
                k1 += 1
            if not _open_label(grid, r, k, k1):
                cell = Cell(row=r, col=k, colspan=k1 - k, page=page_no,
                            bbox=(round(xs[k], 2), round(ys[r], 2), round(xs[k1], 2), round(ys[r + 1], 2)))
                out.append(cell)
                _place(grid, cell)
            k = k1
    return out


def _open_label(grid: list[list[Cell | None]], r: int, k: int, k1: int) -> bool:
    """The label column ends open at the bottom (LibreOffice draws a merged label that runs to the table's last
    row without its last part): the label cell above the hole at row ``r``, columns ``k`` … ``k1``, goes on to
    the last row. Fills ``grid``; ``False`` when the hole is no such thing."""
    above = grid[r - 1][k] if r > 0 else None
    if not (k == 0 and above is not None and above.col == 0 and above.colspan == k1
            and all(grid[rr][0] is None for rr in range(r, len(grid)))):
        return False
    above.rowspan = len(grid) - above.row
    for rr in range(r, len(grid)):
        for j in range(k, k1):
            grid[rr][j] = above
    return True


def tables_to_nesting(tables: list[PTable], settings: PdfGridSettings = DEFAULT_PDF_GRID) -> None:
    """A table lying inside a cell of another is that cell's nested table (the smallest such cell): sets its
    ``parent`` and the enclosing table's ``children``. Sorts ``tables`` by area."""
    tables.sort(key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
    for i, small in enumerate(tables):
        best = _enclosing_cell(small, tables[i + 1:], settings.nest_slack)
        if best is not None:
            small.parent = best[1]
            best[0].children.append(small)


def _inside(box: tuple, outer: tuple, slack: float) -> bool:
    x0, t, x1, b = box
    ox0, ot, ox1, ob = outer
    return ox0 <= x0 + slack and x1 <= ox1 + slack and ot <= t + slack and b <= ob + slack


def _enclosing_cell(small: PTable, bigger: list[PTable], slack: float) -> tuple[PTable, Cell] | None:
    """The smallest cell of a ``bigger`` table holding all of ``small``, with its table."""
    x0, t, x1, b = small.bbox
    best: tuple[float, PTable, Cell] | None = None
    for big in bigger:
        if not _inside(small.bbox, big.bbox, slack):
            continue
        cell = _cell_at(big, (x0 + x1) / 2, (t + b) / 2)
        if cell is None or not _inside(small.bbox, cell.bbox, slack):
            continue
        cx0, ct, cx1, cb = cell.bbox
        area = (cx1 - cx0) * (cb - ct)
        if best is None or area < best[0]:
            best = (area, big, cell)
    return None if best is None else (best[1], best[2])


def _cell_at(t: PTable, x: float, y: float) -> Cell | None:
    if not (t.xs[0] <= x <= t.xs[-1] and t.ys[0] <= y <= t.ys[-1]):
        return None
    c = min(max(bisect_right(t.xs, x) - 1, 0), len(t.xs) - 2)
    r = min(max(bisect_right(t.ys, y) - 1, 0), len(t.ys) - 2)
    return t.grid[r][c]


def innermost_cell(tables: list[PTable], x: float, y: float) -> tuple[PTable, Cell] | None:
    """The innermost table cell holding (x, y)."""
    found = None
    for t in tables:
        if t.parent is not None:
            continue
        cur = t
        cell = _cell_at(cur, x, y)
        while cell is not None:
            found = (cur, cell)
            nxt = None
            for ch in cur.children:
                if ch.parent is cell:
                    cc = _cell_at(ch, x, y)
                    if cc is not None:
                        nxt = (ch, cc)
                        break
            if nxt is None:
                break
            cur, cell = nxt
        if found is not None:
            return found
    return found


def row_cells(t: PTable, r: int) -> list[Cell]:
    """The distinct cells covering grid row ``r``, left to right."""
    out: list[Cell] = []
    for c in t.grid[r]:
        if c is not None and (not out or out[-1] is not c):
            out.append(c)
    return out


def cell_pad(cell: Cell, lines: list[Line], settings: PdfGridSettings = DEFAULT_PDF_GRID) -> float:
    """The cell's inner margin: where its left-most line starts (at most Word's usual 0.19 cm)."""
    return min(max(min(l.x0 for l in lines) - cell.bbox[0], settings.cell_pad_min), settings.cell_pad_max)


def cell_text(cell: Cell, chars: list[Ch], settings: PdfGridSettings = DEFAULT_PDF_GRID) -> tuple[str, list[Para]]:
    """A cell's text from its characters (paragraphs joined with newlines) and the paragraphs; doubtful
    characters make the cell doubtful (:func:`doubt`)."""
    lines = chars_to_lines(chars)
    if not lines:
        return "", []
    doubt(cell, [c for ln in lines for c in ln.chars])
    pad = cell_pad(cell, lines, settings)
    paras = lines_to_paragraphs(lines, cell.bbox[2] - pad, cell.bbox[2] - cell.bbox[0] - 2 * pad)
    paras[-1].box = (cell.bbox, len(lines))  # where the text ended, for the check of clipped boxes
    return "\n".join(p.text for p in paras), paras


def doubt(target, chars: list[Ch]) -> None:  # noqa: ANN001
    """A cell or paragraph whose characters are doubtful (read by OCR from an untrusted font): its confidence is
    the least sure character's, its notes say why (as OCR cells do)."""
    low = [c for c in chars if c.prob < 1.0 and c.text.strip()]
    if not low:
        return
    target.confidence = round(min(target.confidence, min(c.prob for c in low)), 4)
    for c in low:
        if c.note and c.note not in target.notes:
            target.notes.append(c.note)


def to_ir(t: PTable) -> Table:
    """A page table as an IR :class:`Table`, its nested tables put into their cells."""
    for c in t.cells:
        for ch in t.children:
            if ch.parent is c:
                c.tables.append(to_ir(ch))
    return Table(n_rows=len(t.ys) - 1, n_cols=len(t.xs) - 1, cells=t.cells, page=t.page, bbox=t.bbox)
