"""Tables continued on the next page, stitched: the IR blocks of consecutive scanned pages → one document's blocks.

A table that ends a page and one that starts the next with the same left and right edges are one table
(:func:`stitch`); columns are re-gridded on both parts' column lines, and a row cut by the page break is joined
back into one row when its two halves say so (:func:`merge_tables`). Coordinates are PDF points.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ..ir import Block, Cell, Paragraph, Table
from ..loaders.pdf.align import align_columns, align_cut_rows
from .assemble import DOUBT, RUNS_ON

PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$|^第\s*\d+\s*页")


# a cell that starts like this goes on from the cell above (a note or a seal line of the same label)
_GOES_ON = re.compile(r"^[（(]\s*(注|备注|说明|需|含|包括|不含|如|单位盖章|盖章|签字|签章)")
_ROW_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
SPLIT_NOTE = "OCR: row joined with the next page's first row (text ran to the cell edge; it may be a new row)"
SPLIT_GAP = 30.0  # pt: a row cut by the page break ends this close to the lowest content of any page
# pt: column lines of two parts of a table closer than this are the same line (the PDF stitcher's 2.5 pt plus the
# jitter of lines found on a deskewed scan at 200 dpi: ±1.5 px ≈ 0.5 pt, measured on the sample scans)
ALIGN_TOL = 4.0


def stitch(pages: list[tuple[list[Block], float]]) -> list[Block]:
    """Join the pages' blocks; a table that ends a page and one that starts the next with the same
    left and right edges are one table (columns re-gridded on the union of both pages' column lines).

    ``pages``: (blocks, page height in points) per page, in order.
    """
    ends = sorted(max(b.bbox[3] for b in blocks if b.bbox is not None and not (isinstance(b, Paragraph)
                                                                         and PAGE_NUMBER.match(b.text)))
                  for blocks, _ in pages if any(b.bbox is not None for b in blocks))
    # the lower margin: where most full pages end (a speck low on one page must not move it)
    body_bottom = ends[min(len(ends) - 1, int(0.8 * len(ends)))] if ends else 0.0
    out: list[Block] = []
    tail: Block | None = None  # the last block of the previous page, as found on that page
    for n, (blocks, height) in enumerate(pages):
        body = [b for b in blocks if not (isinstance(b, Paragraph) and PAGE_NUMBER.match(b.text))]
        page_tail = body[-1] if body else None
        if out and body and isinstance(body[0], Table) and isinstance(tail, Table):
            prev_body = [b for b in out if not (isinstance(b, Paragraph) and PAGE_NUMBER.match(b.text))]
            last = prev_body[-1] if prev_body else None
            if isinstance(last, Table) and _continues(last, body[0]):
                cut = tail.bbox is not None and body_bottom - tail.bbox[3] <= SPLIT_GAP
                merged = merge_tables(last, body[0], cut=cut)
                out[out.index(last)] = merged
                if page_tail is body[0]:
                    page_tail = tail = body[0]
                body = body[1:]
        out += body
        tail = page_tail
    return out


def _continues(a: Table, b: Table, tol: float = 6.0) -> bool:
    if a.bbox is None or b.bbox is None or a.page == b.page:
        return False
    return abs(a.bbox[0] - b.bbox[0]) <= tol and abs(a.bbox[2] - b.bbox[2]) <= tol


GRID_X: "weakref.WeakKeyDictionary[Cell, tuple[float, float]]" = weakref.WeakKeyDictionary()
"""A stitched cell's left and right edge on the grid of the table it was stitched into (pt), where it differs from
its bbox (columns of a continuation aligned in order): a later page stitched on meets the grid, not the ink."""


def _edges(c: Cell) -> tuple[float, float]:
    """Left and right edge of ``c`` on its table's grid (pt)."""
    return GRID_X.get(c, (c.bbox[0], c.bbox[2]))


def _col_lines(t: Table) -> list[float]:
    return sorted({x for c in t.cells if c.bbox for x in _edges(c)})


def _row_lines(t: Table, row: int) -> list[float]:
    """The column lines (pt) of the cells in grid row ``row``."""
    return sorted({x for c in t.cells if c.bbox and c.row <= row < c.row + c.rowspan for x in _edges(c)})


_WHOLE_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.(\d+))?%?$|^[-+]?\d+(?:\.(\d+))?%?$")
_WHOLE_DATE = re.compile(r"^(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[.．/-]\s*\d{1,2}(?:\s*[.．/-]\s*\d{1,2})?)$")


STACKED_MIN_DIGITS = 2  # digits of each of two stacked numbers (a lone digit may be a wrapped number's last)


def _two_values(a: str, b: str) -> bool:
    """``a`` and ``b`` are each a whole value of the same kind: two numbers of at least 2 digits with as many
    decimals (so '16.2' above '9' — one number wrapped — is not), or two whole dates (year and month at least)."""
    a, b = a.strip(), b.strip()
    ma, mb = _WHOLE_NUMBER.match(a), _WHOLE_NUMBER.match(b)
    if ma and mb:
        da, db = (ma.group(1) or ma.group(2) or ""), (mb.group(1) or mb.group(2) or "")
        digits = lambda t: sum(ch.isdigit() for ch in t)  # noqa: E731
        return digits(a) >= STACKED_MIN_DIGITS and digits(b) >= STACKED_MIN_DIGITS and len(da) == len(db)
    return bool(_WHOLE_DATE.match(a) and _WHOLE_DATE.match(b))


def _depth(text: str) -> int:
    """Brackets opened and not closed in ``text`` (full- and half-width)."""
    d = 0
    for ch in text:
        if ch in "（(":
            d += 1
        elif ch in "）)" and d > 0:
            d -= 1
    return d


def _closes(text: str) -> bool:
    """``text`` closes a bracket it did not open: the end of a bracketed part that began above."""
    d = 0
    for ch in text:
        if ch in "（(":
            d += 1
        elif ch in "）)":
            d -= 1
            if d < 0:
                return True
    return False


def _append(c: Cell, d: Cell) -> None:
    if d.text.strip():
        sep = "" if RUNS_ON.get(c, False) else "\n"  # text cut by the page break goes on directly
        c.text = c.text + sep + d.text if c.text.strip() else d.text
        c.confidence = min(c.confidence, d.confidence)
        c.notes += [n for n in d.notes if n not in c.notes]
    c.tables += d.tables


WIDE_NOTE = ("OCR: row joined with the next page's first row, where a column line was not found: the text "
             "of several columns was read as one")


def _pair_cut_row(above: list[Cell], below: list[Cell], xpos, tol: float) -> list[tuple[Cell, Cell]]:  # noqa: ANN001
    """The last row above and the first row below, cell by cell, when they have the same cells; ``[]`` if not.

    A cell below may span several cells above (its left edge on the first one's, its right edge on the last
    one's, within ``tol`` points): the short piece of a row cut by the page break, where a column line was
    not found. It is paired with the first cell it covers; the others get an empty cell with no bbox."""
    if not above or not below:
        return []
    out: list[tuple[Cell, Cell]] = []
    k = 0
    for d in below:
        if k >= len(above) or not d.bbox or not above[k].bbox or abs(_edges(above[k])[0] - xpos(d, 0)) > tol:
            return []
        j = k
        while j < len(above) and above[j].bbox and _edges(above[j])[1] < xpos(d, 2) - tol:
            j += 1
        if j >= len(above) or not above[j].bbox or abs(_edges(above[j])[1] - xpos(d, 2)) > tol:
            return []
        out.append((above[k], d))
        out += [(c, Cell(row=d.row, col=d.col, text="", page=d.page)) for c in above[k + 1:j + 1]]
        k = j + 1
    return out if k == len(above) else []


class _Columns:
    """The column lines of two tables stitched: a continuation with as many column lines and the same outer edges
    but moved inner lines (widths changed on the next page, no repeated header) is aligned column by column, in
    order (the PDF stitcher's rule); otherwise the columns are the union of both tables' lines (points, merged
    within ``tol``)."""

    def __init__(self, a: Table, b: Table, tol: float) -> None:
        self.snap = align_columns(_col_lines(a), _col_lines(b), ALIGN_TOL)
        lower_lines = [] if self.snap is not None else _col_lines(b)
        if self.snap is None:  # the rows meeting at the break, when the tables' other rows differ
            self.snap = align_cut_rows(_row_lines(a, a.n_rows - 1), _row_lines(b, 0), ALIGN_TOL)
            if self.snap is not None:
                lower_lines = [x for x in lower_lines if self.snap(x) == x]
        self.lower = {id(c) for c in b.cells}
        xs: list[float] = []
        for x in sorted(_col_lines(a) + lower_lines):
            if xs and x - xs[-1] <= tol:
                continue
            xs.append(x)
        self.xs = xs

    def xpos(self, c: Cell, k: int) -> float:
        """Edge ``k`` (0 left, 2 right) of cell ``c`` on its grid, moved onto the upper table's line if snapped."""
        x = _edges(c)[k // 2]
        return self.snap(x) if self.snap is not None and id(c) in self.lower else x

    def col(self, x: float) -> int:
        """The column line nearest ``x``."""
        return min(range(len(self.xs)), key=lambda i: abs(self.xs[i] - x))


def merge_tables(a: Table, b: Table, tol: float = 4.0, cut: bool = True) -> Table:
    """``b`` (next page) appended below ``a``; columns are the union of both tables' column lines.

    A row cut by the page break (same cells, the label cell empty below) is joined back into one row;
    a label cell spanning rows that was cut (empty below, spanning above) spans the rows below too.
    """
    cols = _Columns(a, b, tol)
    last = a.n_rows - 1
    above = sorted({id(c): c for c in a.grid()[last] if c is not None}.values(), key=lambda c: c.col)
    below = sorted([c for c in b.cells if c.row == 0], key=lambda c: c.col)
    pairs = _pair_cut_row(above, below, cols.xpos, tol)
    absorbed: dict[int, Cell] = {}
    shift = a.n_rows
    if pairs and _join_cut_row(pairs, above, last, absorbed, cols, tol, cut):
        shift = a.n_rows - 1
    cells = _regrid(a, b, shift, absorbed, cols)
    return Table(n_rows=shift + b.n_rows, n_cols=max(1, len(cols.xs) - 1), cells=cells, page=a.page, bbox=a.bbox)


@dataclass
class _CutRow:
    """What the two halves of a row cut by the page break say (:func:`_cut_row_evidence`)."""

    below_only_under_text: bool  # text below only under cells with text above
    label_join: bool  # a label running on over the break, beside new rows
    strong: bool  # the row surely goes on below
    weak: bool  # it may go on (text ran to the edge), and no two whole values are stacked
    new_row: bool  # a sibling label below: a new row of the same group


def _cut_row_evidence(pairs: list[tuple[Cell, Cell]], absorbed: dict[int, Cell], last: int) -> _CutRow:
    """Whether the paired last row above and first row below are one row cut by the page break."""
    below_only_under_text = any(d.text.strip() for _, d in pairs) and all(
        c.text.strip() or not d.text.strip() for c, d in pairs)
    both = [(c, d) for c, d in pairs if c.text.strip() and d.text.strip()]
    label_join = bool(pairs) and not absorbed and len(pairs) > 1 and pairs[0][0].text.strip() \
        and pairs[0][1].text.strip() and RUNS_ON.get(pairs[0][0], False) and pairs[0][1].rowspan > 1
    strong = bool(pairs) and (
        (not pairs[0][1].text.strip() and bool(pairs[0][0].text.strip()))  # the row's label cell empty below
        or bool(_GOES_ON.match(pairs[0][1].text))  # the label goes on: （注：…） （需…）
        or (_depth(pairs[0][0].text) > 0 and _closes(pairs[0][1].text))  # '（跨' above, '…情况）' below
        # a header row cut: a cell with text above, an empty cell below (a filler made for a cell below that spans
        # several above is no cell seen empty: a full-width heading row below a one-row table is a new row)
        or (last <= 2 and any(c.text.strip() and not d.text.strip() and d.bbox is not None for c, d in pairs)))
    weak = bool(pairs) and (any(RUNS_ON.get(c, False) for c, _ in both)  # text above ran on into the next page
                            or (len(pairs) == 1 and pairs[0][0].text.count("\n") >= 2))  # a box goes on
    # a sibling label below (建设或引入的国家级… / 省级…): a new row of the group, not the rest of the row above
    new_row = bool(pairs) and _siblings(pairs[0][0].text, pairs[0][1].text)
    # two complete values of the same kind stacked in one column (79.36 above, 59.38 below; 2022年12月 above,
    # 2024年10月 below): a value is never continued by another whole value, so these are two rows
    stacked = any(_two_values(c.text, d.text) for c, d in both)
    return _CutRow(below_only_under_text, bool(label_join), strong, weak and not stacked, new_row)


SIBLING_PREFIX = 4
"""Characters two label cells must begin or end with alike to be sibling rows' labels (:func:`_siblings`): the
forms' rows of one group share their opening or closing words (建设或引入的国家级 / 省级 / 其他…; …平台名称及数量
/ 其他平台名称及数量); three would take 集群规上 and 集群中小 for siblings only by luck of the group."""


def _siblings(above: str, below: str) -> bool:
    """The label cell below starts as the one above does, or ends as it does (:data:`SIBLING_PREFIX` characters,
    whitespace ignored), and is no copy of it: the label of a new row of the same group, not the rest of the
    label above (a label cut by the page break goes on with its tail: it neither begins again nor ends the way
    the part above already ended)."""
    a, b = re.sub(r"\s+", "", above), re.sub(r"\s+", "", below)
    n = SIBLING_PREFIX
    return len(a) >= n and len(b) >= n and a != b and (a[:n] == b[:n] or a[-n:] == b[-n:])


def _numbered(pairs: list[tuple[Cell, Cell]]) -> bool:
    """The first cell below is a row number of its own (序号 1, 2 …, other than the text above it): a new row,
    never the rest of one — a numbered row cut by the page break leaves its number above. This holds below a
    header too: a list whose header ends a page and whose row 1 starts the next had row 1 joined into the
    header (its 序号 cell spans the header's two rows) and lost, every later row moved up, all ``ok``."""
    return bool(pairs) and bool(_ROW_NUMBER.match(pairs[0][1].text)) and \
        pairs[0][0].text.strip() != pairs[0][1].text.strip()


def _join_cut_row(pairs: list[tuple[Cell, Cell]], above: list[Cell], last: int, absorbed: dict[int, Cell],
                  cols: _Columns, tol: float, cut: bool) -> bool:
    """Join the halves of a row cut by the page break into the cells above (``absorbed``: id of a cell below →
    the cell above that took its text); True when the whole row was joined (the tables share a row)."""
    # above cells whose continuation below was read as part of a wider cell (a column line of the short piece of
    # the row on the next page was not found): their text cannot be told apart, so they are doubted when joined
    wide = {id(c) for c, d in pairs if d.bbox is None or (d.bbox is not None and c.bbox is not None and
                                                            abs(_edges(c)[1] - cols.xpos(d, 2)) > tol)}
    if _numbered(pairs):
        return False
    if above[0].rowspan > 1 or above[0].row != last:
        c, d = pairs.pop(0)  # a label spanning rows, cut by the page break: it spans the rows below too
        _append(c, d)
        absorbed[id(d)] = c
    ev = _cut_row_evidence(pairs, absorbed, last)
    split = not ev.label_join and not ev.new_row and cut and bool(pairs) and ev.below_only_under_text \
        and (ev.strong or ev.weak)
    if split:  # one row cut in two: the lower part's text goes on in the cells above
        _absorb_row(pairs, absorbed, wide, doubt=not ev.strong and bool(pairs[0][1].text.strip()))
        return True
    if ev.label_join:
        c, d = pairs[0]  # a label running on over the break, beside new rows: one label spanning them
        _append(c, d)
        absorbed[id(d)] = c
    return False


def _absorb_row(pairs: list[tuple[Cell, Cell]], absorbed: dict[int, Cell], wide: set[int], doubt: bool) -> None:
    """Every lower half appended to its upper half; cells read too wide below doubted (:data:`WIDE_NOTE`), and
    all of them when only text running to an edge said the row goes on (``doubt``: maybe a new row)."""
    for c, d in pairs:
        _append(c, d)
        absorbed[id(d)] = c
    for c, _d in pairs:
        if id(c) in wide:
            c.confidence = min(c.confidence, DOUBT)
            c.notes.append(WIDE_NOTE)
    if doubt:
        for c, _d in pairs:
            c.confidence = min(c.confidence, DOUBT)
            c.notes.append(SPLIT_NOTE)


def _regrid(a: Table, b: Table, shift: int, absorbed: dict[int, Cell], cols: _Columns) -> list[Cell]:
    """Both tables' cells on the joined columns, ``b``'s rows moved down by ``shift``; a cell absorbed into one
    above widens that cell's row span instead."""
    cells: list[Cell] = []
    for t, r0 in ((a, 0), (b, shift)):
        for c in t.cells:
            if c.bbox is None:
                continue
            host = absorbed.get(id(c))
            if host is not None:
                host.rowspan = max(host.rowspan, c.row + r0 + c.rowspan - host.row)
                continue
            x0, x1 = cols.xpos(c, 0), cols.xpos(c, 2)
            if (x0, x1) != (c.bbox[0], c.bbox[2]):
                GRID_X[c] = (x0, x1)
            c0, c1 = cols.col(x0), cols.col(x1)
            c.row += r0
            c.col, c.colspan = c0, max(1, c1 - c0)
            cells.append(c)
    hosts = {id(h) for h in absorbed.values()}
    for c in cells:
        if id(c) in hosts:
            c0, c1 = cols.col(_edges(c)[0]), cols.col(_edges(c)[1])
            c.col, c.colspan = c0, max(1, c1 - c0)
    cells.sort(key=lambda c: (c.row, c.col))
    return cells
